"""Sign-in, registration and password-change forms."""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, Field, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from app.forms import Form
from app.services.accounts import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    AccountError,
    password_problem,
)

PASSWORD_HINT = (
    f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters, hard to guess: a few unrelated "
    "words work well. Not your e-mail address or name."
)


class StrongPassword:
    """A new password Pathfinder accepts, judged with the account's e-mail and name."""

    def __init__(self, email: str | None = None, name: str | None = None) -> None:
        # Field names on the same form, or None when the form passes them in as `owner`.
        self.email, self.name = email, name

    def __call__(self, form: Any, field: Field) -> None:
        email, name = getattr(form, "owner", ("", ""))
        if self.email:
            email = getattr(form, self.email).data or ""
        if self.name:
            name = getattr(form, self.name).data or ""
        problem = password_problem(field.data or "", email=email, name=name)
        if problem:
            raise ValidationError(problem)


def new_password_fields(
    label: str = "Password", **fields: str | None
) -> tuple[PasswordField, PasswordField]:
    """A new password and the same typed again, for a form's `password, confirm = ...`: every
    form that sets a password checks it alike. `fields` names the form's e-mail and name
    fields (StrongPassword); without them the form's `owner` is used."""
    password = PasswordField(
        label,
        description=PASSWORD_HINT,
        validators=[DataRequired("Choose a password."), StrongPassword(**fields)],
    )
    confirm = PasswordField(
        "Type the password again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
    )
    return password, confirm


class AccountForm(Form):
    """Shows a service's AccountError next to the field it is about."""

    def show_error(self, error: AccountError) -> None:
        field = getattr(self, error.field, None) or getattr(self, "email", None)
        message = str(error)
        if field is getattr(self, "email", None):
            if "already exists" in message:
                message = "An account with this e-mail address already exists. Sign in instead."
            else:
                message = "Enter an e-mail address like name@example.gov."
        field.errors = [*field.errors, message]


class LoginForm(Form):
    email = EmailField(
        "E-mail address",
        validators=[DataRequired("Enter your e-mail address."), Email(), Length(max=320)],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
    )


class RegisterForm(AccountForm):
    """A program office account: who you are, your organisation, and a password."""

    display_name = StringField(
        "Your name", validators=[DataRequired("Enter your name."), Length(max=200)]
    )
    email = EmailField(
        "E-mail address",
        description="We send your funding alerts here.",
        validators=[
            DataRequired("Enter your e-mail address."),
            Email("Enter an e-mail address like name@example.gov."),
            Length(max=320),
        ],
    )
    organization = StringField(
        "Organization",
        description="For example: City of Springfield Water Department.",
        validators=[Optional(), Length(max=255)],
    )
    password, confirm = new_password_fields(email="email", name="display_name")

    def account_fields(self) -> dict[str, str]:
        return {
            "email": self.email.data or "",
            "display_name": self.display_name.data or "",
            "password": self.password.data or "",
            "organization": self.organization.data or "",
        }


class OwnedPasswordForm(AccountForm):
    """A form that sets the password of a known account: `owner` is its (e-mail, name), which
    the new password is judged against (its fields come from `new_password_fields`)."""

    def __init__(self, *args: Any, owner: tuple[str, str] = ("", ""), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner


class PasswordChangeForm(OwnedPasswordForm):
    """The current password, then a new one twice."""

    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=MAX_PASSWORD_LENGTH)],
    )
    password, confirm = new_password_fields("New password")


class InvitationForm(OwnedPasswordForm):
    """An invited account's name and password. `owner` is (the invited e-mail, "")."""

    display_name = StringField(
        "Your name", validators=[DataRequired("Enter your name."), Length(max=200)]
    )
    password, confirm = new_password_fields(name="display_name")

    def account_fields(self) -> dict[str, str]:
        return {"display_name": self.display_name.data or "", "password": self.password.data or ""}


class ResetRequestForm(Form):
    """ "Forgot your password?": the account's e-mail address."""

    email = EmailField(
        "E-mail address",
        description="The address you sign in with. We send a link to choose a new password.",
        validators=[
            DataRequired("Enter your e-mail address."),
            Email("Enter an e-mail address like name@example.gov."),
            Length(max=320),
        ],
    )


class ResetPasswordForm(OwnedPasswordForm):
    """A new password twice, through a reset link."""

    password, confirm = new_password_fields("New password")


class ConfirmForm(Form):
    """A button only (and its CSRF token): confirming an address, resending a link."""
