"""OPM staff's forms."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.datastructures import FileStorage
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from app.forms import Form
from app.services import api_keys
from app.services.staff.reviews import Decision, ReviewError

# -- operations ---------------------------------------------------------------------------


class QueueScrapeForm(Form):
    """The button that queues a re-run of one source: nothing to fill in but the CSRF token."""


# -- API keys -----------------------------------------------------------------------------


class ApiKeyForm(Form):
    """A new key for a partner of the public API: who it is for, a contact, its limit."""

    name = StringField(
        "Who the key is for",
        description="The organisation or team, as staff will recognise it in the list "
        "(for example, State of Ohio workforce board).",
        validators=[
            DataRequired("Enter who the key is for."),
            Length(max=api_keys.MAX_NAME_LENGTH, message="Use no more than 200 characters."),
        ],
    )
    contact_email = EmailField(
        "Contact e-mail address",
        description="The person to ask before the key is revoked or its limit changes.",
        validators=[
            DataRequired("Enter the contact's e-mail address."),
            Email("Enter an e-mail address like name@example.gov."),
            Length(max=320, message="Use no more than 320 characters."),
        ],
    )
    rate_limit = StringField(
        "Rate limit",
        description="Requests per second, minute, hour or day, such as 600 per minute (or "
        "several, as 600 per minute; 10000 per day). Reads without a key are limited to "
        "the site's per-address limit.",
        default=api_keys.DEFAULT_LIMIT,
        validators=[DataRequired("Enter a rate limit, such as 600 per minute.")],
    )

    def validate_rate_limit(self, field: StringField) -> None:
        try:
            api_keys.check_limit(field.data or "")
        except api_keys.ApiKeyError as exc:
            raise ValidationError(str(exc)) from None

    def show_error(self, error: api_keys.ApiKeyError) -> None:
        """The service's refusal, next to the field it is about."""
        field = self._fields.get(error.field, self.name)
        field.errors = [*field.errors, str(error)]


class RevokeApiKeyForm(Form):
    """The button that revokes a key, on its confirmation page (CSRF only)."""


# -- NICE workbook imports ----------------------------------------------------------------

# Under the app's MAX_CONTENT_LENGTH (5 MB), so a file over it gets this form's message.
NICE_MAX_BYTES = 4 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


def _size(upload: FileStorage) -> int:
    """The uploaded file's size in bytes, without reading it."""
    stream = upload.stream
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


class NiceUploadForm(Form):
    """Upload the NICE Framework Components workbook; it applies only once its diff is confirmed."""

    workbook = FileField(
        "NICE Framework Components workbook",
        description="The .xlsx file NIST publishes, at most 4 MB. Nothing changes until you "
        "confirm the differences on the next page.",
        validators=[
            FileRequired("Choose the NICE Framework Components workbook (.xlsx) to upload."),
            FileAllowed(["xlsx"], "Choose an Excel workbook ending in .xlsx."),
        ],
    )

    def validate_workbook(self, field: FileField) -> None:
        size = _size(field.data)
        if size > NICE_MAX_BYTES:
            raise ValidationError(
                f"This file is {size / (1024 * 1024):.1f} MB; the limit is "
                f"{NICE_MAX_BYTES // (1024 * 1024)} MB. Is it the NICE Framework Components "
                "workbook?"
            )
        if size == 0:
            raise ValidationError("This file is empty: choose the workbook again.")
        head = field.data.stream.read(4)
        field.data.stream.seek(0)
        if head != XLSX_MAGIC:
            raise ValidationError("This file is not an .xlsx workbook, whatever its name says.")

    def upload(self) -> tuple[str, bytes]:
        """The file's name (without any folder) and its bytes."""
        name = (self.workbook.data.filename or "workbook.xlsx").replace("\\", "/")
        return name.rsplit("/", 1)[-1][:255], self.workbook.data.read()


class ConfirmNiceImportForm(Form):
    """The Confirm button under a pending import's diff (CSRF only)."""


# -- classification reviews ---------------------------------------------------------------


class ReviewForm(Form):
    """Staff's decision on one job's work roles: accept them, or override them with a reason.

    The role lists are set per request (`set_roles`). Whether the roles, the OPM code and the
    reason stand is checked by `app.services.staff.reviews.save_review`, whose message is put
    by the field it is about (`record`).
    """

    action = RadioField(
        "Your decision",
        choices=[
            SelectChoice("accept", "Accept the classification: its work roles are right"),
            SelectChoice("override", "Override the work roles"),
        ],
        validators=[InputRequired("Choose whether to accept the classification or override it.")],
    )
    role_1 = SelectField(
        "Primary work role",
        description="For an override: the work role the job is mostly about.",
        validate_choice=False,
    )
    role_2 = SelectField("Second work role (optional)", validate_choice=False)
    role_3 = SelectField("Third work role (optional)", validate_choice=False)
    opm_code = StringField(
        "OPM cyber code (optional)",
        description="For an override: 3 digits, such as 212, if the job's code is not its "
        "primary role's.",
        validators=[Length(max=10, message="Enter the OPM cyber code as 3 digits, such as 212.")],
    )
    reason = TextAreaField(
        "Reason",
        description="Required for an override. Only OPM staff see it.",
        validators=[Length(max=2000, message="Keep the reason under 2,000 characters.")],
    )

    def set_roles(self, roles: list[tuple[str, str]]) -> ReviewForm:
        """The work roles to choose from, as (id, label)."""
        options = [SelectChoice(value, label) for value, label in roles]
        self.role_1.choices = [SelectChoice("", "Choose a work role"), *options]
        self.role_2.choices = [SelectChoice("", "None"), *options]
        self.role_3.choices = [SelectChoice("", "None"), *options]
        return self

    def decision(self) -> Decision:
        roles = (self.role_1.data, self.role_2.data, self.role_3.data)
        return Decision(
            action=self.action.data or "",
            roles=tuple(r for r in roles if r),
            opm_code=self.opm_code.data,
            reason=self.reason.data,
        )

    def record(self, save: Callable[[Decision], object]) -> bool:
        """Save the decision through `save`; False with the error by its field if refused."""
        try:
            save(self.decision())
        except ReviewError as error:
            field = self[error.field] if error.field and error.field in self else self.action
            field.errors = [*field.errors, error.message]
            return False
        return True


class QueueFilterForm(Form):
    """The queue's "Show" choice (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(
        "Show",
        choices=[
            SelectChoice("unreviewed", "Jobs not reviewed yet"),
            SelectChoice("reviewed", "Jobs staff reviewed"),
            SelectChoice("all", "All open jobs"),
        ],
        default="unreviewed",
    )
