"""The job seeker's upload form: a resume (file or pasted text) and optional eligibility answers.

Every message is written for the person filling the form in. The answers become an
:class:`matching.analysis.Answers`, which is what the matching service works with.
"""

from __future__ import annotations

import os
from typing import Any

from flask_wtf.file import FileAllowed, FileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from app.forms import Form
from app.services.seekers import intake
from app.services.seekers.intake import (  # noqa: F401  (the form's rules, named here too)
    ALLOWED_EXTENSIONS,
    MAX_PASTED_CHARS,
    human_size,
    parse_graduation,
)
from app.services.seekers.matches import Upload
from matching.analysis import Answers

try:  # WTForms 3.3+: choices as objects (tuples are deprecated there)
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms takes tuples

    def SelectChoice(value: str, label: str) -> tuple[str, str]:  # type: ignore[no-redef]
        return (value, label)


YES_NO = [
    SelectChoice("yes", "Yes"),
    SelectChoice("no", "No"),
    SelectChoice("skip", "Prefer not to say"),
]
FEDERAL = [
    SelectChoice("current", "Yes, I work for the federal government now"),
    SelectChoice("former", "I used to (former federal employee)"),
    SelectChoice("no", "No"),
    SelectChoice("skip", "Prefer not to say"),
]
CLEARANCES = [
    SelectChoice("", "Prefer not to say"),
    SelectChoice("none", "No clearance"),
    SelectChoice("public_trust", "Public Trust"),
    SelectChoice("secret", "Secret (or DOE L)"),
    SelectChoice("top_secret", "Top Secret (or DOE Q)"),
    SelectChoice("ts_sci", "Top Secret/SCI"),
]
REMOTE = [
    SelectChoice("any", "Remote or on-site jobs"),
    SelectChoice("remote_only", "Only remote jobs"),
]


def file_size(upload: FileStorage) -> int:
    """The size of an uploaded file in bytes, without reading it into memory."""
    stream = upload.stream
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class QuestionsForm(Form):
    """The optional questions that decide hiring-path eligibility and the job filters."""

    student = RadioField("Are you a student now?", choices=YES_NO, default="skip")
    graduation = StringField(
        "When did you finish (or when will you finish) your degree or program?",
        validators=[Optional(), Length(max=20)],
    )
    us_citizen = RadioField("Are you a U.S. citizen?", choices=YES_NO, default="skip")
    veteran = RadioField("Are you a veteran?", choices=YES_NO, default="skip")
    disability_rating = StringField(
        "Service-connected disability rating, in percent", validators=[Length(max=10)]
    )
    military_spouse = RadioField(
        "Are you the spouse of an active-duty service member?", choices=YES_NO, default="skip"
    )
    federal = RadioField(
        "Are you a current or former federal civilian employee?", choices=FEDERAL, default="skip"
    )
    sfs_scholar = RadioField(
        "Are you a CyberCorps Scholarship for Service (SFS) scholar?",
        choices=YES_NO,
        default="skip",
    )
    clearance = SelectField("Security clearance you hold now", choices=CLEARANCES, default="")
    location = StringField(
        "Where would you like to work?",
        validators=[Length(max=intake.MAX_LOCATION_CHARS, message=intake.LOCATION_TOO_LONG)],
    )
    remote = RadioField("Remote work", choices=REMOTE, default="any")

    # The order fields appear on the page (and in the error summary).
    question_names: tuple[str, ...] = (
        "student",
        "graduation",
        "us_citizen",
        "veteran",
        "disability_rating",
        "military_spouse",
        "federal",
        "sfs_scholar",
        "clearance",
        "location",
        "remote",
    )
    field_order: tuple[str, ...] = ("csrf_token", *question_names)

    def ordered_errors(self) -> list[tuple[Any, str]]:
        """(field, first error) in page order, for the error summary."""
        return [
            (self[name], self[name].errors[0])
            for name in self.field_order
            if name in self._fields and self[name].errors
        ]

    def validate_graduation(self, field: StringField) -> None:
        try:
            parse_graduation(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_disability_rating(self, field: StringField) -> None:
        try:
            intake.parse_disability_rating(field.data, _yes_no(self.veteran.data))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def answers(self) -> Answers:
        """The validated answers (call after `validate_on_submit`)."""
        return intake.make_answers(
            student=_yes_no(self.student.data),
            graduation=self.graduation.data,
            us_citizen=_yes_no(self.us_citizen.data),
            veteran=_yes_no(self.veteran.data),
            disability_rating=self.disability_rating.data,
            military_spouse=_yes_no(self.military_spouse.data),
            federal=self.federal.data,
            sfs_scholar=_yes_no(self.sfs_scholar.data),
            clearance=self.clearance.data or None,
            location=self.location.data,
            remote_only=self.remote.data == "remote_only",
        )

    def fill_from(self, answers: Answers) -> None:
        """Pre-fill the questions from stored answers (the results page's "change answers")."""

        def yes_no(value: bool | None) -> str:
            return "skip" if value is None else ("yes" if value else "no")

        self.student.data = yes_no(answers.student)
        self.graduation.data = answers.graduation.strftime("%m/%Y") if answers.graduation else ""
        self.us_citizen.data = yes_no(answers.us_citizen)
        self.veteran.data = yes_no(answers.veteran)
        rating = answers.disability_rating
        self.disability_rating.data = "" if rating is None else str(rating)
        self.military_spouse.data = yes_no(answers.military_spouse)
        self.federal.data = answers.federal or "skip"
        self.sfs_scholar.data = yes_no(answers.sfs_scholar)
        self.clearance.data = answers.clearance or ""
        self.location.data = "; ".join(answers.locations)
        self.remote.data = "remote_only" if answers.remote_only else "any"


class MatchForm(QuestionsForm):
    """Upload (or paste) a resume and answer the optional eligibility questions."""

    resume = FileField(
        "Resume file",
        validators=[FileAllowed(ALLOWED_EXTENSIONS, intake.WRONG_TYPE)],
    )
    resume_text = TextAreaField(
        "Or paste your resume as text",
        validators=[Length(max=MAX_PASTED_CHARS, message=intake.TOO_MUCH_TEXT)],
    )
    keep_file = BooleanField("Keep my file until my results are deleted, so I can download it")

    field_order = (
        "csrf_token",
        "resume",
        "resume_text",
        "keep_file",
        *QuestionsForm.question_names,
    )

    def __init__(self, *args: Any, max_file_bytes: int = 5 * 1024 * 1024, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_file_bytes = max_file_bytes

    def validate_resume(self, field: FileField) -> None:
        if not self.has_file():
            if not (self.resume_text.data or "").strip():
                raise ValidationError(
                    "Choose your resume file, or paste your resume as text below."
                )
            return
        size = file_size(field.data)
        if size > self.max_file_bytes:
            raise ValidationError(intake.file_too_large(size, self.max_file_bytes))

    def has_file(self) -> bool:
        data = self.resume.data
        return bool(data is not None and getattr(data, "filename", None))

    def upload(self) -> Upload:
        """What was sent: the file (read now) with any pasted text, or the text alone."""
        if not self.has_file():
            return Upload(pasted=self.resume_text.data)
        storage = self.resume.data
        return Upload(
            data=storage.read(),
            filename=storage.filename,
            content_type=storage.mimetype,
            pasted=self.resume_text.data,
        )

    def not_read(self, upload: Upload, message: str) -> None:
        """Show why the upload could not be read, on the field it came from."""
        field = self.resume if upload.data is not None else self.resume_text
        field.errors = [message]


class DeleteForm(Form):
    """The "Delete my data" button (CSRF only)."""
