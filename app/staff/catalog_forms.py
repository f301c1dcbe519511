"""OPM staff's catalog forms: one per kind of entry, each read from and written to a document.

A document is an entry in `data/`'s format (`app.catalog.documents`). A form shows the fields
staff curate, `load(document)` fills them in, and `document(current)` writes them over the
entry as it is, so the fields a form does not show are kept. Checks that need the rest of the
catalog (unknown ids, alias collisions) are made by the service on save, which names the
field at fault (`EntryError.field`); `fail` puts that message by the field.
"""

from __future__ import annotations

from typing import Any

from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import Form, MultiCheckboxField
from app.services.staff.rule_preview import parse_rule, rule_text
from vocabulary.codes import APPLICANT_TYPES, FUNDING_CATEGORIES

# The three weights of a skill in a role, as `data/README.md` names them.
WEIGHTS = {"core": 1.0, "common": 0.6, "helpful": 0.3}
WEIGHT_NAMES = {value: name for name, value in WEIGHTS.items()}

SKILL_KINDS = (
    "tool",
    "platform",
    "language",
    "technique",
    "domain",
    "framework",
    "certification",
    "clearance",
)
PATHWAY_KINDS = (
    "hiring program",
    "scholarship-for-service",
    "fellowship",
    "hiring authority",
    "excepted authority",
    "personnel system",
    "veterans authority",
    "transition program",
    "detail",
    "apprenticeship",
)
PATHWAY_STATUSES = (("active", "Active"), ("ended", "Ended"), ("uncertain", "Unconfirmed"))
TIERS = (
    ("A", "A: dedicated cyber or AI security"),
    ("B", "B: cyber allowed, or a talent pipeline"),
    ("C", "C: general R&D or workforce vehicle"),
)


def lines(text: str | None) -> list[str]:
    """One item a line (commas also separate), blanks and repeats dropped, order kept."""
    items = [part.strip() for line in (text or "").splitlines() for part in line.split(",")]
    return list(dict.fromkeys(item for item in items if item))


def weight_lines(weights: dict[str, float]) -> str:
    """{id: weight} as the lines staff edit: "PD-WRL-001: core", strongest first."""
    ordered = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return "\n".join(f"{key}: {WEIGHT_NAMES.get(value, f'{value:g}')}" for key, value in ordered)


def parse_weights(text: str | None) -> dict[str, float]:
    """Lines "id: core|common|helpful|number" as {id: weight}; ValueError naming the bad line."""
    weights: dict[str, float] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, weight = line.partition(":")
        key, weight = key.strip(), weight.strip().lower()
        if not sep or not key or not weight:
            raise ValueError(
                f"Line {number}: write an id, a colon and a weight (core, common or helpful)."
            )
        if weight in WEIGHTS:
            value = WEIGHTS[weight]
        else:
            try:
                value = float(weight)
            except ValueError:
                raise ValueError(
                    f"Line {number}: {weight!r} is not a weight: use core, common, helpful or a "
                    "number above 0 and at most 1."
                ) from None
            if not 0 < value <= 1:
                raise ValueError(f"Line {number}: a weight must be above 0 and at most 1.")
        if key in weights:
            raise ValueError(f"Line {number}: {key} is listed twice.")
        weights[key] = value
    return weights


class EntryForm(Form):
    """What every catalog form has: the version it was opened at, and why it is changed."""

    base_number = HiddenField()
    reason = TextAreaField(
        "Reason for the change",
        description="Kept with the version in the entry's history and the audit log.",
        validators=[
            InputRequired("Say why you are making this change."),
            Length(max=1000, message="Keep the reason under 1,000 characters."),
        ],
    )

    # The document's fields this form edits; all other fields keep their values.
    fields: tuple[str, ...] = ()

    def load(self, document: dict[str, Any], number: int | None) -> None:
        """Fill the form in from an entry (number: its version, None for a new entry)."""
        for name in self.fields:
            self[name].data = self._show(name, document.get(name))
        self.base_number.data = "" if number is None else str(number)

    def document(self, current: dict[str, Any] | None) -> dict[str, Any]:
        """The entry as this form leaves it (fields not shown are kept from `current`)."""
        document = dict(current or {})
        for name in self.fields:
            document[name] = self._read(name, self[name].data)
        return document

    def base(self) -> int | None:
        value = (self.base_number.data or "").strip()
        return int(value) if value.isdigit() else None

    def fail(self, message: str, field: str | None) -> bool:
        """Show a save's error by its field; False if the form has no such field."""
        target = field if field in self.fields or field == "reason" else None
        if target is None:
            return False
        self[target].errors = [*self[target].errors, message]  # type: ignore[list-item]
        return True

    # How a document's value is shown in, and read back from, each field (plain by default).
    def _show(self, name: str, value: Any) -> Any:
        return value

    def _read(self, name: str, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value


def _optional_text(value: Any) -> Any:
    return (value.strip() or None) if isinstance(value, str) else value


def _text_field(label: str, description: str = "", required: bool = True, **kw: Any) -> Field:
    validators: list[Any] = [Length(max=kw.pop("max", 4000))]
    if required:
        validators.insert(0, InputRequired(f"Give the {label.lower()}."))
    return StringField(label, description=description, validators=validators, **kw)


def _long_text(label: str, description: str = "", required: bool = True) -> Field:
    validators: list[Any] = [Length(max=8000)]
    if required:
        validators.insert(0, InputRequired(f"Give the {label.lower()}."))
    return TextAreaField(label, description=description, validators=validators)


# -- work roles ---------------------------------------------------------------------------------


class WorkRoleForm(EntryForm):
    description = _long_text("Description", "Two to four sentences: what the role does day to day.")
    opm_codes = StringField(
        "OPM cyber codes",
        description="Three digits each, most critical first, separated by commas. Leave it "
        "empty when OPM has not assigned one.",
    )
    skills = TextAreaField(
        "Skills and their weights",
        description="One skill a line: its id, a colon and core, common or helpful (or a "
        "number above 0 and at most 1), e.g. “splunk: core”.",
    )
    certifications = MultiCheckboxField("Certifications that qualify for it", choices=[])
    fields = ("description", "opm_codes", "skills", "certifications")

    def validate_opm_codes(self, field: Field) -> None:
        bad = [code for code in lines(field.data) if not (len(code) == 3 and code.isdigit())]
        if bad:
            raise ValidationError(f"OPM cyber codes are three digits: {', '.join(bad)}.")

    def validate_skills(self, field: Field) -> None:
        try:
            parse_weights(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def _show(self, name: str, value: Any) -> Any:
        if name == "opm_codes":
            return ", ".join(value or [])
        if name == "skills":
            return weight_lines(value or {})
        return value

    def _read(self, name: str, value: Any) -> Any:
        if name == "opm_codes":
            return lines(value)
        if name == "skills":
            return parse_weights(value)
        return super()._read(name, value)


# -- skills -------------------------------------------------------------------------------------


class SkillForm(EntryForm):
    id = StringField(
        "Skill id",
        description="Lowercase letters, digits and single hyphens, e.g. “splunk” or "
        "“cert-security-plus”. It cannot be changed later.",
        validators=[Optional(), Length(max=64)],
    )
    name = _text_field("Name", "The name resumes and postings use; it is always matched.")
    kind = SelectField("Kind", choices=[SelectChoice(k, k.capitalize()) for k in SKILL_KINDS])
    aliases = TextAreaField(
        "Aliases",
        description="Other names for it, one a line. Each may name only one skill; matching "
        "ignores case.",
    )
    misspellings = TextAreaField(
        "Common misspellings", description="Misspellings seen in resumes, one a line."
    )
    case_sensitive_aliases = TextAreaField(
        "Aliases that count only in this exact case",
        description="Short or common-word names (“R”, “Go”), one a line.",
    )
    roles = TextAreaField(
        "Work roles and weights",
        description="One work role a line: its id, a colon and core, common or helpful, "
        "e.g. “PD-WRL-001: core”. At least one.",
        validators=[InputRequired("Link the skill to at least one work role.")],
    )
    fields = ("id", "name", "kind", "aliases", "misspellings", "case_sensitive_aliases", "roles")
    LISTS = ("aliases", "misspellings", "case_sensitive_aliases")

    def validate_roles(self, field: Field) -> None:
        try:
            parse_weights(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def _show(self, name: str, value: Any) -> Any:
        if name in self.LISTS:
            return "\n".join(value or [])
        if name == "roles":
            return weight_lines(value or {})
        return value

    def _read(self, name: str, value: Any) -> Any:
        if name in self.LISTS:
            items = (line.strip() for line in (value or "").splitlines())
            return list(dict.fromkeys(item for item in items if item))
        if name == "roles":
            return parse_weights(value)
        return super()._read(name, value)


# -- hiring pathways ----------------------------------------------------------------------------


class PathwayForm(EntryForm):
    id = StringField(
        "Pathway id",
        description="Lowercase letters, digits and single hyphens. It cannot be changed later.",
        validators=[Optional(), Length(max=64)],
    )
    name = _text_field("Name")
    kind = SelectField("Kind", choices=[SelectChoice(k, k.capitalize()) for k in PATHWAY_KINDS])
    authority = _text_field("Legal authority", "The CFR part, statute or OPM rule it rests on.")
    status = SelectField("Status", choices=[SelectChoice(*s) for s in PATHWAY_STATUSES])
    status_note = _text_field(
        "Status note", "One sentence on why, with the date.", required=False, max=1000
    )
    summary = _long_text("Summary", "Two or three sentences in our own words.")
    eligibility = TextAreaField(
        "Eligibility rule",
        description="In the rule language of the catalog (YAML): a fact test such as "
        "“fact: student” with “is: true”, or all / any / not of rules. Preview it before "
        "you save.",
    )
    eligibility_text = _long_text("Who qualifies, in plain words")
    pay_plan = _text_field("Pay plan", "GS, or empty.", required=False, max=10)
    grade_low = IntegerField(
        "Lowest grade",
        validators=[Optional(), NumberRange(1, 15, "A grade is 1 to 15.")],
    )
    grade_high = IntegerField(
        "Highest grade",
        validators=[Optional(), NumberRange(1, 15, "A grade is 1 to 15.")],
    )
    pay_note = _text_field("Pay note", required=False, max=1000)
    term = _text_field("Term", "How long an appointment lasts.", required=False, max=1000)
    conversion = _long_text("Conversion", "What it can lead to.", required=False)
    usajobs_hiring_paths = StringField(
        "USAJOBS hiring paths",
        description="The lowercase USAJOBS HiringPath codes it uses, separated by commas, "
        "e.g. “student, graduates”.",
    )
    work_roles = MultiCheckboxField(
        "Work roles it targets", description="None chosen means any cyber role.", choices=[]
    )
    series = StringField(
        "Occupational series",
        description="Four digits each, separated by commas; empty means any.",
    )
    official_page = URLField(
        "Official page",
        description="An https:// address on an official site.",
        validators=[InputRequired("Give the official page's address."), Length(max=500)],
    )
    preview = SubmitField("Preview the rule")
    fields = (
        "id",
        "name",
        "kind",
        "authority",
        "status",
        "status_note",
        "summary",
        "eligibility",
        "eligibility_text",
        "pay_plan",
        "grade_low",
        "grade_high",
        "pay_note",
        "term",
        "conversion",
        "usajobs_hiring_paths",
        "work_roles",
        "series",
        "official_page",
    )

    def preview_requested(self) -> bool:
        """The "Preview the rule" button was pressed (nothing is saved then)."""
        return bool(self.preview.data)

    def validate_eligibility(self, field: Field) -> None:
        from app.catalog.documents import EntryError

        try:
            parse_rule(field.data)
        except EntryError as exc:
            raise ValidationError(str(exc)) from None

    def validate_grade_high(self, field: Field) -> None:
        low, high = self.grade_low.data, field.data
        if low is not None and high is not None and low > high:
            raise ValidationError("The highest grade is below the lowest.")

    def validate_series(self, field: Field) -> None:
        bad = [s for s in lines(field.data) if not (len(s) == 4 and s.isdigit())]
        if bad:
            raise ValidationError(f"A series is four digits: {', '.join(bad)}.")

    def _show(self, name: str, value: Any) -> Any:
        if name == "eligibility":
            return rule_text(value)
        if name in ("usajobs_hiring_paths", "series"):
            return ", ".join(value or [])
        return value

    def _read(self, name: str, value: Any) -> Any:
        if name == "eligibility":
            return parse_rule(value)
        if name in ("usajobs_hiring_paths", "series"):
            return lines(value.lower() if name == "usajobs_hiring_paths" else value)
        if name == "pay_plan":
            return _optional_text(value)
        return super()._read(name, value)


# -- funding programs ---------------------------------------------------------------------------


class FundingProgramForm(EntryForm):
    aln = StringField(
        "Assistance listing number",
        description="NN.NNN, e.g. 97.137. It cannot be changed later.",
        validators=[Optional(), Length(max=6)],
    )
    title = _text_field("Official title")
    short_name = _text_field("Short name", "Or empty.", required=False, max=100)
    agency = _text_field("Agency")
    sub_agency = _text_field("Sub-agency", "Or empty.", required=False)
    eligible_applicants = MultiCheckboxField(
        "Eligible applicant types",
        choices=[SelectChoice(*c) for c in APPLICANT_TYPES.items()],
        validators=[InputRequired("Choose at least one eligible applicant type.")],
    )
    categories = MultiCheckboxField(
        "Funding activity categories",
        choices=[SelectChoice(*c) for c in FUNDING_CATEGORIES.items()],
    )
    tier = SelectField("Relevance tier", choices=[SelectChoice(*t) for t in TIERS])
    summary = _long_text("Summary", "Two or three sentences: what it funds and for whom.")
    cyber_ai_use = _long_text(
        "How it can pay for AI-enabled cybersecurity", "One sentence.", required=False
    )
    keywords = StringField("Keywords", description="Words that help matching, separated by commas.")
    url = URLField(
        "Official listing page",
        description="An https:// address, usually on sam.gov.",
        validators=[InputRequired("Give the official listing page's address."), Length(max=500)],
    )
    fields = (
        "aln",
        "title",
        "short_name",
        "agency",
        "sub_agency",
        "eligible_applicants",
        "categories",
        "tier",
        "summary",
        "cyber_ai_use",
        "keywords",
        "url",
    )

    def _show(self, name: str, value: Any) -> Any:
        if name == "keywords":
            return ", ".join(value or [])
        return value

    def _read(self, name: str, value: Any) -> Any:
        if name == "keywords":
            return lines(value)
        if name in ("short_name", "sub_agency"):
            return _optional_text(value)
        return super()._read(name, value)


FORMS: dict[str, type[EntryForm]] = {
    "work_role": WorkRoleForm,
    "skill": SkillForm,
    "pathway": PathwayForm,
    "funding_program": FundingProgramForm,
}
# The field that names a new entry (not shown once it exists: ids never change).
NEW_ID_FIELD = {"skill": "id", "pathway": "id", "funding_program": "aln"}


class RevertForm(Form):
    """Restore an earlier version: which one, and why."""

    base_number = HiddenField()
    number = SelectField(
        "Version to restore",
        coerce=int,
        choices=[],
        validate_choice=False,  # a version that cannot be restored is refused by the service
    )
    reason = TextAreaField(
        "Reason for reverting",
        validators=[
            InputRequired("Say why you are reverting."),
            Length(max=1000, message="Keep the reason under 1,000 characters."),
        ],
    )
