"""Admins' forms: an invitation, an account's roles, and the small action buttons."""

from __future__ import annotations

from wtforms import EmailField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from app.forms import Form, MultiCheckboxField
from app.models import Role
from app.services.accounts import AccountError
from app.services.admin.invitations import INVITABLE_ROLES

ROLE_LABELS = {
    Role.OPM_STAFF.value: "OPM staff",
    Role.AGENCY_POSTER.value: "Agency job poster",
    Role.PROGRAM_OFFICE.value: "Program office",
    Role.ADMIN.value: "Administrator",
}
ALREADY_EXISTS = "An account with this e-mail address already exists: change its roles instead."
INVALID_EMAIL = "Enter an e-mail address like name@example.gov."


class ActionForm(Form):
    """A button that disables, enables or revokes: nothing to fill in but the CSRF token."""


class InviteForm(Form):
    email = EmailField(
        "E-mail address",
        description="The invitation link is sent here. It works once, for 7 days.",
        validators=[
            DataRequired("Enter the e-mail address to invite."),
            Email(INVALID_EMAIL),
            Length(max=320, message="Use no more than 320 characters."),
        ],
    )
    roles = MultiCheckboxField(
        "Roles",
        description="Choose at least one. Program offices create their own accounts.",
        choices=[SelectChoice(r.value, ROLE_LABELS[r.value]) for r in INVITABLE_ROLES],
        validators=[DataRequired("Choose at least one role.")],
    )
    agency = SelectField(
        "Agency",
        description="Required for an agency job poster: the agency whose openings they post.",
        choices=[],
        validate_choice=False,  # an unknown agency is refused by the service, by this field
    )

    def __init__(self, *args: object, hours: int = 7 * 24, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        days = hours // 24
        span = f"{days} day{'s' if days != 1 else ''}" if hours % 24 == 0 else f"{hours} hours"
        self.email.description = f"The invitation link is sent here. It works once, for {span}."

    def set_agencies(self, agencies: list[tuple[int, str]]) -> InviteForm:
        """The agencies to choose from, as (id, label)."""
        self.agency.choices = [SelectChoice("", "No agency"), *(SelectChoice(str(i), label)
                               for i, label in agencies)]  # fmt: skip
        return self

    def agency_id(self) -> int | None:
        value = str(self.agency.data or "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None

    def validate_agency(self, field: object) -> None:
        from wtforms.validators import ValidationError

        from app.services.admin.invitations import NO_AGENCY

        if Role.AGENCY_POSTER.value in (self.roles.data or []) and self.agency_id() is None:
            raise ValidationError(NO_AGENCY)

    def show_error(self, error: AccountError) -> None:
        """A service's refusal, next to the field it is about."""
        if error.field in ("roles", "agency"):
            target = self.roles if error.field == "roles" else self.agency
            target.errors = [*target.errors, str(error)]
            return
        message = ALREADY_EXISTS if "already exists" in str(error) else INVALID_EMAIL
        self.email.errors = [*self.email.errors, message]


class RolesForm(Form):
    roles = MultiCheckboxField(
        "Roles",
        description="Administrators hold every role. To stop an account signing in, disable it.",
        choices=[SelectChoice(r.value, ROLE_LABELS[r.value]) for r in Role],
        validators=[DataRequired("Choose at least one role.")],
    )
