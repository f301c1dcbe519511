"""Accounts: creation with hashed passwords and role assignment."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.models import AuditEntry, Role, User, UserRole

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(f"{email!r} is not a valid e-mail address: {exc}") from None


def create_user(
    session: Session,
    email: str,
    display_name: str,
    password: str,
    roles: list[str],
    actor: str = "cli",
) -> User:
    email = normalise_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise AccountError(f"an account for {email} already exists")
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=generate_password_hash(password),
        roles=[UserRole(role=Role(r)) for r in sorted(set(roles))],
    )
    session.add(user)
    session.flush()
    session.add(
        AuditEntry(
            actor=actor,
            action="user.create",
            entity_type="user",
            entity_id=str(user.id),
            changes={"email": email, "roles": sorted(set(roles))},
        )
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same answer for both failures)."""
    from werkzeug.security import check_password_hash

    from app.models import utcnow

    try:
        email = normalise_email(email)
    except AccountError:
        return None
    user = session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active or not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user
