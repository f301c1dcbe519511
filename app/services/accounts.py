"""Accounts: creation with hashed passwords, password changes, disabling, role assignment.

Every new password goes through `set_password`, which also ends the account's sessions and
makes its unused password reset links stop working (`app.services.account_tokens`).
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from app.models import AccountToken, AuditEntry, Role, TokenPurpose, User, UserRole, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
# zxcvbn's scale: 3 is "safely unguessable" against an online attack that is rate limited.
MIN_PASSWORD_SCORE = 3


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why.

    `field` names the form field the message belongs to: "email", "password" or "current".
    """

    def __init__(self, message: str, field: str = "email") -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(f"{email!r} is not a valid e-mail address: {exc}") from None


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this new password is refused, in words for the form; None when it is good.

    Strength is zxcvbn's estimate, which knows common passwords, keyboard walks, repeats and
    dates, and is told the account's e-mail address and name so that neither counts as
    secret.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use no more than {MAX_PASSWORD_LENGTH} characters."
    own_words = [w for w in (email, email.partition("@")[0], name) if w and w.strip()]
    folded = password.strip().casefold()
    if any(folded == w.strip().casefold() for w in own_words):
        return "Do not use your e-mail address or your name as your password."
    hints = [*own_words, *re.split(r"[^\w]+", f"{email} {name}")]
    result = zxcvbn(password, user_inputs=[h for h in hints if h], max_length=MAX_PASSWORD_LENGTH)
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    advice = [result["feedback"]["warning"], *result["feedback"]["suggestions"]]
    detail = " ".join(a for a in advice if a)
    return f"This password is too easy to guess. {detail or 'Add another word or two.'}".strip()


def create_user(
    session: Session,
    email: str,
    display_name: str,
    password: str,
    roles: list[str],
    actor: str = "cli",
    *,
    verified: bool = True,
) -> User:
    """A new account. `verified`: the address is known to be the person's (an invitation to
    it, an operator creating the account); self-registration passes False."""
    email = normalise_email(email)
    problem = password_problem(password, email=email, name=display_name)
    if problem:
        raise AccountError(problem, "password")
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise AccountError(f"An account for {email} already exists.")
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=generate_password_hash(password),
        roles=[UserRole(role=Role(r)) for r in sorted(set(roles))],
        email_verified_at=utcnow() if verified else None,
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


def register_office(
    session: Session, *, email: str, display_name: str, password: str, organization: str
) -> User:
    """A program office signing itself up."""
    user = create_user(
        session,
        email,
        display_name,
        password,
        [Role.PROGRAM_OFFICE.value],
        actor="self-registration",
        verified=False,
    )
    user.organization = organization.strip() or None
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same answer for both failures)."""
    try:
        email = normalise_email(email)
    except AccountError:
        return None
    user = session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active or not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: every session cookie issued so far stops working."""
    user.session_version = (user.session_version or 0) + 1


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; ends every other session.

    Raises AccountError for the "current" or the "password" field.
    """
    if not check_password_hash(user.password_hash, current):
        raise AccountError("Your current password is not correct.", "current")
    if check_password_hash(user.password_hash, new):
        raise AccountError("Choose a password different from your current one.", "password")
    set_password(session, user, new)


def set_password(
    session: Session, user: User, new: str, action: str = "user.password_change"
) -> None:
    """The one way a password changes: checked, hashed, audited; every session of the account
    ends and every unused password reset link of it stops working. Raises AccountError
    ("password") when the password is refused."""
    problem = password_problem(new, email=user.email, name=user.display_name)
    if problem:
        raise AccountError(problem, "password")
    now = utcnow()
    user.password_hash = generate_password_hash(new)
    end_sessions(user)
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == TokenPurpose.RESET,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    audit_own_action(session, user, action)


def audit_own_action(session: Session, user: User, action: str) -> None:
    """Audit something the account did itself (a password change, a reset, a verification)."""
    session.add(
        AuditEntry(
            user_id=user.id,
            actor=user.email,
            action=action,
            entity_type="user",
            entity_id=str(user.id),
        )
    )


def set_active(session: Session, email: str, active: bool, actor: str = "cli") -> User:
    """Disable (or enable again) an account; disabling ends its sessions at once. Audited."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise AccountError(f"there is no account for {email}")
    if user.is_active != active:
        user.is_active = active
        end_sessions(user)
        session.add(
            AuditEntry(
                actor=actor,
                action="user.enable" if active else "user.disable",
                entity_type="user",
                entity_id=str(user.id),
                changes={"is_active": [not active, active]},
            )
        )
    return user
