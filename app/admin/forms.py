"""Admins' forms: an invitation, an account's roles, and the small action buttons."""

from __future__ import annotations

from wtforms import EmailField
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

    def __init__(self, *args: object, hours: int = 7 * 24, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        days = hours // 24
        span = f"{days} day{'s' if days != 1 else ''}" if hours % 24 == 0 else f"{hours} hours"
        self.email.description = f"The invitation link is sent here. It works once, for {span}."

    def show_error(self, error: AccountError) -> None:
        """A service's refusal, next to the field it is about."""
        if error.field == "roles":
            self.roles.errors = [*self.roles.errors, str(error)]
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
