"""`POST /api/v1/match`: reading the request (JSON or a form with a file), its schemas, the
errors it answers and the shape of its results.

The rules and messages are the upload form's (`app.services.seekers.intake`, the document
reader's `DocumentError`); the matching is the site's (`app.services.seekers.matches`).
What fails answers JSON: 400 an unreadable document, 413 too large, 415 a type we do not
read, 422 a field that is not valid (named by location: ``json``, ``form`` or ``files``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, NoReturn

from flask import current_app, request
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from app.links import external_url
from app.services.matcher import role_matcher
from app.services.seekers import intake
from app.services.seekers.matches import JobRow, MatchOutcome, Upload
from matching.analysis import Answers, Fact
from matching.documents import DocumentError, DocumentLimits
from matching.roles import RoleMatcher

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
NOT_JSON_OR_FORM = (
    "Send the resume as JSON (application/json, with its text) or as a form "
    "(multipart/form-data, with its file)."
)
NOTHING_SENT = "Send your resume: a file in the file field, or its text in the text field."
BLANK_TEXT = "There is no text to read: send your resume's text and try again."
ANSWER_TWICE = "Send the answers as form fields or as one JSON string in answers, not both."
# The results hold what a resume says: never cached on the way.
PRIVATE_HEADERS = {"Cache-Control": "no-store"}
# DocumentError codes answered other than 400 (the document could not be read).
DOCUMENT_STATUS = {"too_large": 413, "unsupported_type": 415}


# -- the request ------------------------------------------------------------------------------


def _doc(description: str) -> dict[str, str]:
    return {"description": description}


def _rules(data: dict[str, Any]) -> dict[str, list[str]]:
    """The upload form's rules for the graduation date and the disability rating."""
    errors: dict[str, list[str]] = {}
    try:
        intake.parse_graduation(data.get("graduation"))
    except ValueError as exc:
        errors["graduation"] = [str(exc)]
    try:
        intake.parse_disability_rating(data.get("disability_rating"), data.get("veteran"))
    except ValueError as exc:
        errors["disability_rating"] = [str(exc)]
    return errors


class _WholeNumber(fields.Integer):
    """An integer, or its digits as text (a form's field); never a fraction truncated to one."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, float | bool):  # JSON 7.5 or true is not a rating of 7 or 1
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class AnswersSchema(Schema):
    """The upload form's optional questions; leave one out (or null) to not answer it."""

    student = fields.Boolean(allow_none=True, metadata=_doc("A student now?"))
    graduation = fields.String(
        allow_none=True,
        validate=validate.Length(max=20),
        metadata=_doc("When the degree or program was (or will be) finished: MM/YYYY or YYYY-MM."),
    )
    us_citizen = fields.Boolean(allow_none=True, metadata=_doc("A U.S. citizen?"))
    veteran = fields.Boolean(allow_none=True, metadata=_doc("A veteran?"))
    disability_rating = _WholeNumber(
        allow_none=True,
        validate=validate.OneOf(list(range(0, 101, 10)), error=intake.RATING_RULE),
        metadata=_doc("Service-connected disability rating in percent: 0 to 100 in tens."),
    )
    military_spouse = fields.Boolean(
        allow_none=True, metadata=_doc("The spouse of an active-duty service member?")
    )
    federal = fields.String(
        allow_none=True,
        validate=validate.OneOf(intake.FEDERAL_ANSWERS),
        metadata=_doc("A federal civilian employee: current, former or no."),
    )
    sfs_scholar = fields.Boolean(
        allow_none=True, metadata=_doc("A CyberCorps Scholarship for Service (SFS) scholar?")
    )
    clearance = fields.String(
        allow_none=True,
        validate=validate.OneOf(intake.CLEARANCE_ANSWERS),
        metadata=_doc("The security clearance held now."),
    )
    location = fields.String(
        allow_none=True,
        validate=validate.Length(max=intake.MAX_LOCATION_CHARS, error=intake.LOCATION_TOO_LONG),
        metadata=_doc("Where to work: up to five places (a state or a city), ';' separates."),
    )
    remote_only = fields.Boolean(load_default=False, metadata=_doc("Only remote jobs."))

    @validates_schema
    def _check_rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = _rules(data)
        if errors:
            raise ValidationError(errors)

    @post_load
    def _answers(self, data: dict[str, Any], **kwargs: Any) -> Answers:
        return intake.make_answers(**data)


class MatchJsonSchema(Schema):
    """A resume's text with the answers, as JSON."""

    text = fields.String(
        required=True,
        validate=validate.Length(max=intake.MAX_PASTED_CHARS, error=intake.TOO_MUCH_TEXT),
        metadata=_doc(f"The resume's text (at most {intake.MAX_PASTED_CHARS:,} characters)."),
    )
    answers = fields.Nested(AnswersSchema, load_default=Answers)
    store = fields.Boolean(
        load_default=False,
        metadata=_doc("Keep the results (72 hours by default) behind a private link."),
    )

    @validates_schema
    def _not_blank(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data["text"].strip():
            raise ValidationError({"text": [BLANK_TEXT]})


class _FormMetaSchema(Schema):
    text = fields.String(
        validate=validate.Length(max=intake.MAX_PASTED_CHARS, error=intake.TOO_MUCH_TEXT)
    )
    store = fields.Boolean(load_default=False)
    keep_file = fields.Boolean(load_default=False)
    answers = fields.String()


class MatchFormSchema(AnswersSchema):
    """The form's fields, for the OpenAPI document (the form is read field by field)."""

    file = fields.Raw(
        metadata={
            "type": "string",
            "format": "binary",
            "description": "A PDF, Word (.docx) or plain text (.txt) file, at most the file "
            "limit (5 MB by default).",
        }
    )
    text = fields.String(metadata=_doc("The resume's text, when no file is sent."))
    store = fields.Boolean(metadata=_doc("Keep the results behind a private link."))
    keep_file = fields.Boolean(
        metadata=_doc("With store: keep the file too, to download it from the results page.")
    )
    answers = fields.String(
        metadata=_doc("The answers as one JSON object (as in the JSON body), instead of fields.")
    )


MATCH_REQUEST_BODY = {
    "required": True,
    "description": "JSON with the resume's text, or a form with its file (or text). "
    "Answers are optional; unknown keys are refused.",
    "content": {
        "application/json": {"schema": MatchJsonSchema},
        "multipart/form-data": {"schema": MatchFormSchema},
    },
}


@dataclass(frozen=True)
class Submission:
    upload: Upload
    answers: Answers
    store: bool
    keep_file: bool


def file_limit() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"])


def document_limits() -> DocumentLimits:
    return DocumentLimits(max_bytes=file_limit())


def _invalid(location: str, messages: Any) -> NoReturn:
    abort(422, errors={location: messages})


def read_submission() -> Submission:
    """The request's resume and answers, checked; any problem is answered as a JSON error."""
    # Like the upload form: a body up to a few times the file limit is read, so an oversized
    # file is told its size; beyond that it is refused unread.
    request.max_content_length = file_limit() * intake.UPLOAD_BODY_FACTOR
    request.max_form_memory_size = 2 * 1024 * 1024
    if request.is_json:
        return _from_json()
    if request.mimetype in FORM_TYPES:
        return _from_form()
    abort(415, message=NOT_JSON_OR_FORM)


def _read_body() -> Any:
    """The JSON body, or the form (with its files); 413 when the body is far too large."""
    try:
        if not request.is_json:
            form, _files = request.form, request.files  # one parse reads both
            return form
        return request.get_json()
    except RequestEntityTooLarge:
        abort(413, message=intake.body_far_too_large(file_limit()))
    except BadRequest:
        abort(
            400,
            message="The body is not valid JSON."
            if request.is_json
            else "The form could not be read.",
        )


def _from_json() -> Submission:
    body = _read_body()
    try:
        data = MatchJsonSchema().load(body)
    except ValidationError as exc:
        _invalid("json", exc.messages)
    return Submission(Upload(pasted=data["text"]), data["answers"], data["store"], False)


def _answers_from_form(fields_given: dict[str, str], raw: str | None) -> Answers:
    if raw is None:
        try:
            return AnswersSchema().load(fields_given)
        except ValidationError as exc:
            _invalid("form", exc.messages)
    if fields_given:
        _invalid("form", {"answers": [ANSWER_TWICE]})
    try:
        return AnswersSchema().load(json.loads(raw))
    except json.JSONDecodeError:
        _invalid("form", {"answers": ["Not valid JSON."]})
    except ValidationError as exc:
        _invalid("form", {"answers": exc.messages})


def _from_form() -> Submission:
    _read_body()
    # An empty field is an unanswered question, as on the site's form.
    given = {key: value for key, value in request.form.items() if value.strip()}
    meta_keys = set(_FormMetaSchema().fields)
    try:
        meta = _FormMetaSchema().load({k: v for k, v in given.items() if k in meta_keys})
    except ValidationError as exc:
        _invalid("form", exc.messages)
    answers = _answers_from_form(
        {k: v for k, v in given.items() if k not in meta_keys}, meta.get("answers")
    )
    extra = sorted(set(request.files) - {"file"})
    if extra:
        _invalid("files", {name: ["Unknown field."] for name in extra})
    upload = _upload(request.files.get("file"), meta.get("text"))
    return Submission(upload, answers, meta["store"], meta["keep_file"])


def _refuse_file(code: int, message: str) -> NoReturn:
    abort(code, message=message, errors={"files": {"file": [message]}})


def _upload(storage: FileStorage | None, text: str | None) -> Upload:
    """The file (checked as the upload form checks it) with any text, or the text alone."""
    if storage is None or not (storage.filename or storage.content_length):
        if not (text or "").strip():
            _invalid("files", {"file": [NOTHING_SENT]})
        return Upload(pasted=text)
    if not intake.allowed_file(storage.filename):
        _refuse_file(415, intake.WRONG_TYPE)
    data = storage.read()
    if len(data) > file_limit():
        _refuse_file(413, intake.file_too_large(len(data), file_limit()))
    return Upload(data=data, filename=storage.filename, content_type=storage.mimetype, pasted=text)


def refuse_document(error: DocumentError, upload: Upload) -> NoReturn:
    """Answer a document the reader refused: its message, named on the field it came from."""
    code = DOCUMENT_STATUS.get(error.code, 400)
    where = {"files": {"file": [error.message]}}
    if upload.data is None:
        where = {"json" if request.is_json else "form": {"text": [error.message]}}
    abort(code, message=error.message, errors=where)


def matcher(session: Session) -> RoleMatcher:
    """The fitted role matcher; 503 while there is no catalog to fit it on."""
    try:
        return role_matcher(session)
    except LookupError:
        abort(503, message="Matching is not available yet: the catalog has not been loaded.")


# -- the answer -------------------------------------------------------------------------------


class QuoteSchema(Schema):
    before = fields.String(required=True)
    match = fields.String(required=True, metadata=_doc("The words found in the resume."))
    after = fields.String(required=True)


class MatchedSkillSchema(Schema):
    name = fields.String(required=True)
    quote = fields.Nested(QuoteSchema, required=True, metadata=_doc("Where the resume says it."))


class CertificationRefSchema(Schema):
    acronym = fields.String(required=True)
    name = fields.String(required=True)
    proficiency = fields.Raw(allow_none=True)


class RoleFitSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    opm_code = fields.String(allow_none=True)
    score = fields.Float(required=True, metadata=_doc("0 to 100."))
    is_match = fields.Boolean(required=True, metadata=_doc("At least the threshold: a good fit."))
    summary = fields.String(required=True, metadata=_doc("Why it scored so, in words."))
    skills_matched = fields.List(fields.Nested(MatchedSkillSchema), required=True)
    skills_matched_more = fields.Integer(
        required=True, metadata=_doc("Further matched skills not listed.")
    )
    skills_missing = fields.List(
        fields.String(), required=True, metadata=_doc("Skills the role relies on to build up.")
    )
    certifications_held = fields.List(fields.Nested(CertificationRefSchema), required=True)
    certifications_suggested = fields.List(fields.Nested(CertificationRefSchema), required=True)


class PathwayFitSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    eligibility_text = fields.String(required=True)
    official_page = fields.String(allow_none=True)
    reasons = fields.List(fields.String(), required=True, metadata=_doc("Why, in words."))
    ask = fields.List(
        fields.String(), required=True, metadata=_doc("Answers that would decide it.")
    )
    check = fields.List(
        fields.String(), required=True, metadata=_doc("Facts to check on the official page.")
    )
    conditions = fields.List(
        fields.String(),
        metadata=_doc('When you may apply: "once you graduate (...)", "if your military ...".'),
    )
    fits = fields.List(
        fields.String(),
        metadata=_doc("Open to the public: the matched work roles it covers (none: not counted)."),
    )


class PathwayGroupsSchema(Schema):
    eligible = fields.List(fields.Nested(PathwayFitSchema), required=True)
    conditional = fields.List(
        fields.Nested(PathwayFitSchema), metadata=_doc("You may apply if ...: see conditions.")
    )
    open = fields.List(
        fields.Nested(PathwayFitSchema),
        metadata=_doc("Open to the public: you would need to qualify for the job."),
    )
    unknown = fields.List(
        fields.Nested(PathwayFitSchema),
        required=True,
        metadata=_doc("Not decided: see ask and check."),
    )
    not_eligible = fields.List(fields.Nested(PathwayFitSchema), required=True)


class FactSchema(Schema):
    value = fields.Raw(required=True)
    source = fields.String(required=True, metadata=_doc("answer, resume or derived."))
    quote = fields.Nested(QuoteSchema, allow_none=True)
    note = fields.String(allow_none=True, metadata=_doc("How a derived fact was worked out."))


class DocumentInfoSchema(Schema):
    kind = fields.String(required=True, metadata=_doc("pdf, docx, txt, html or pasted text."))
    pages = fields.Integer(allow_none=True)
    over_two_pages = fields.Boolean(
        required=True, metadata=_doc("USAJOBS accepts at most 2 pages.")
    )
    characters = fields.Integer(required=True)
    little_text = fields.Boolean(required=True)


class SharedRoleSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    job_score = fields.Float(required=True)
    your_score = fields.Float(required=True)


class JobFitSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organization = fields.String(allow_none=True)
    url = fields.String(allow_none=True, metadata=_doc("The announcement on USAJOBS."))
    close_date = fields.Date(allow_none=True)
    days_left = fields.Integer(allow_none=True)
    is_sample = fields.Boolean(required=True)
    score = fields.Float(required=True, metadata=_doc("0 to 100."))
    pay_plan = fields.String(allow_none=True)
    grade_low = fields.Integer(allow_none=True)
    grade_high = fields.Integer(allow_none=True)
    locations = fields.List(fields.String())
    work_roles = fields.List(fields.Nested(SharedRoleSchema), required=True)
    skills_matched = fields.List(fields.String(), required=True)
    skills_missing = fields.List(fields.String(), required=True)
    reasons = fields.List(fields.String(), required=True)


class JobFitsSchema(Schema):
    items = fields.List(
        fields.Nested(JobFitSchema),
        required=True,
        metadata=_doc("Open jobs that fit: scoring at least fit_threshold, best first."),
    )
    others = fields.List(
        fields.Nested(JobFitSchema),
        required=True,
        metadata=_doc("Other open jobs: the best few scoring under fit_threshold."),
    )
    fit_threshold = fields.Float(
        required=True, metadata=_doc("The score (0 to 100) from which a job fits.")
    )
    considered = fields.Integer(required=True, metadata=_doc("Open jobs ranked."))
    hidden = fields.List(
        fields.String(), required=True, metadata=_doc("How many jobs each filter left out.")
    )


class MatchResultSchema(Schema):
    """What the results page shows: work roles, hiring pathways, facts and open jobs."""

    document = fields.Nested(DocumentInfoSchema, required=True)
    warnings = fields.List(fields.String(), required=True)
    confident = fields.Boolean(required=True, metadata=_doc("A role scored a good fit."))
    tied = fields.Boolean(
        required=True,
        metadata=_doc(
            "Every work role scored the same (the text gave no evidence for any): "
            "work_roles is then in catalog order, not a ranking; show no confident match."
        ),
    )
    threshold = fields.Float(required=True, metadata=_doc("The score of a good fit."))
    work_roles = fields.List(fields.Nested(RoleFitSchema), required=True)
    pathways = fields.Nested(PathwayGroupsSchema, required=True)
    facts = fields.Dict(keys=fields.String(), values=fields.Nested(FactSchema), required=True)
    hiring_paths = fields.List(
        fields.String(), required=True, metadata=_doc("USAJOBS hiring paths open to the person.")
    )
    clearance = fields.String(allow_none=True, metadata=_doc("The clearance held."))
    jobs = fields.Nested(JobFitsSchema, required=True)
    stored = fields.Boolean(required=True)
    token = fields.String(allow_none=True, metadata=_doc("With store: the results' secret."))
    results_url = fields.String(allow_none=True, metadata=_doc("With store: the results page."))
    expires_at = fields.DateTime(allow_none=True)


def _role(role: Any) -> dict[str, Any]:
    data = asdict(role)
    return {
        **{k: data[k] for k in ("id", "name", "opm_code", "score", "is_match", "summary")},
        "skills_matched": data["matched"],
        "skills_matched_more": data["matched_more"],
        "skills_missing": data["missing"],
        "certifications_held": data["certifications_held"],
        "certifications_suggested": data["certifications"],
    }


def _job(row: JobRow) -> dict[str, Any]:
    job = row.job
    return {
        "id": row.id, "title": row.title, "organization": job.organization or job.department,
        "url": row.url, "close_date": row.close_date, "days_left": row.days_left,
        "is_sample": row.is_sample, "score": row.score, "pay_plan": job.pay_plan,
        "grade_low": job.grade_low, "grade_high": job.grade_high,
        "locations": list(job.locations or ()), "work_roles": row.roles,
        "skills_matched": row.matched_skills, "skills_missing": row.missing_skills,
        "reasons": row.reasons,
    }  # fmt: skip


def _fact(fact: Fact) -> dict[str, Any]:
    """A fact as the API gives it: `note` only when there is one (a derived fact's how)."""
    data = asdict(fact)
    if data.get("note") is None:
        data.pop("note", None)
    return data


def match_document(outcome: MatchOutcome) -> dict[str, Any]:
    """The outcome in `MatchResultSchema`'s shape."""
    analysis = outcome.analysis
    token = outcome.token
    return {
        "document": asdict(analysis.document),
        "warnings": outcome.warnings,
        "confident": analysis.confident,
        "tied": analysis.tied,
        "threshold": analysis.threshold,
        "work_roles": [_role(role) for role in analysis.roles],
        "pathways": asdict(analysis.pathways),
        "facts": {name: _fact(fact) for name, fact in analysis.facts.items()},
        "hiring_paths": analysis.hiring_paths,
        "clearance": outcome.held_clearance,
        "jobs": {
            "items": [_job(row) for row in outcome.jobs.rows],
            "others": [_job(row) for row in outcome.jobs.others],
            "fit_threshold": outcome.jobs.fit_threshold,
            "considered": outcome.jobs.total,
            "hidden": outcome.jobs.hidden,
        },
        "stored": token is not None,
        "token": token,
        "results_url": external_url("seekers.results", token=token) if token else None,
        "expires_at": outcome.expires_at,
    }
