"""Sign-in and registration forms."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.forms.base import Form
from app.services.accounts import MIN_PASSWORD_LENGTH


class LoginForm(Form):
    email = EmailField(
        "E-mail address",
        validators=[DataRequired("Enter your e-mail address."), Email(), Length(max=320)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=200)]
    )


class RegisterForm(Form):
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
    password = PasswordField(
        "Password",
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words work well.",
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Use at least {MIN_PASSWORD_LENGTH} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Type the password again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
    )
