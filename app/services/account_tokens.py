"""Password reset and e-mail verification links: one-time, expiring, only a hash stored.

A link's token is returned once, put in the e-mail (queued in the outbox, sent by
`pathfinder alerts deliver`) and never stored: only its SHA-256 is, with the invitations'
`hash_token`. A link works until it expires, is used, or is replaced by a newer link of the
same purpose; a reset link also stops working when the password changes by any means
(`app.services.accounts.set_password`). Using a link claims it with an UPDATE that only
succeeds while it is still open, so a link used twice at the same moment works once.

A reset request gets the same answer whether or not the address has an account, and does
the same work up to the database writes (a token made and hashed, a message rendered), so
neither the page nor its timing says much about which addresses have accounts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import AccountToken, OutboxMessage, TokenPurpose, User
from app.services.accounts import (
    AccountError,
    audit_own_action,
    normalise_email,
    password_problem,
    set_password,
)
from app.services.admin.invitations import (
    TOKEN_BYTES,
    TOKEN_SHAPE,
    LinkError,
    LinkState,
    as_utc,
    hash_token,
)

PATHS = {
    TokenPurpose.RESET: "/account/reset/{token}",
    TokenPurpose.VERIFY: "/account/verify/{token}",
}


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def link(base_url: str, purpose: TokenPurpose, token: str) -> str:
    return base_url.rstrip("/") + PATHS[purpose].format(token=token)


def _until(moment: datetime) -> str:
    moment = as_utc(moment)
    return f"{moment:%B} {moment.day}, {moment.year} {moment:%H:%M} UTC"


def render_reset(url: str, expires_at: datetime) -> Mail:
    lines = [
        "Hello,",
        "",
        "Someone asked to reset the password of your Pathfinder account.",
        "Open this link to choose a new password:",
        url,
        "",
        f"The link works once, until {_until(expires_at)}.",
        "If you did not ask for this, ignore this message: your password stays as it is.",
    ]
    return Mail("Reset your Pathfinder password", "\n".join(lines) + "\n")


def render_verify(url: str, expires_at: datetime) -> Mail:
    lines = [
        "Hello,",
        "",
        "Please confirm that this is your e-mail address for Pathfinder.",
        "Open this link to confirm it:",
        url,
        "",
        f"The link works once, until {_until(expires_at)}.",
        "Until the address is confirmed, Pathfinder sends no funding alerts to it.",
        "If you did not create a Pathfinder account, ignore this message.",
    ]
    return Mail("Confirm your e-mail address for Pathfinder", "\n".join(lines) + "\n")


RENDERERS = {TokenPurpose.RESET: render_reset, TokenPurpose.VERIFY: render_verify}


def _issue(
    session: Session,
    user: User,
    purpose: TokenPurpose,
    *,
    base_url: str,
    hours: int,
    now: datetime,
) -> str:
    """A new link for `user`, mailed through the outbox; earlier open links of the same
    purpose stop working. Returns the token (tests; it is stored nowhere)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + timedelta(hours=hours)
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    row = AccountToken(
        purpose=purpose,
        user_id=user.id,
        token_hash=hash_token(token),
        expires_at=expires_at,
        created_at=now,
    )
    session.add(row)
    session.flush()
    mail = RENDERERS[purpose](link(base_url, purpose, token), expires_at)
    session.add(
        OutboxMessage(
            user_id=user.id,
            to_address=user.email,
            subject=mail.subject,
            body=mail.body,
            dedupe_key=f"account-{purpose}:{row.id}",
            created_at=now,
        )
    )
    return token


def request_reset(
    session: Session, email: str, *, base_url: str, hours: int, now: datetime | None = None
) -> str | None:
    """Mail a reset link to the active account with this address, if there is one.

    Returns the token, or None when no link was sent; the caller shows the same page either
    way. For an unknown address a token is still made, hashed and a message rendered.
    """
    now = as_utc(now)
    try:
        address = normalise_email(email)
    except AccountError:
        address = ""
    user = session.scalar(select(User).where(User.email == address)) if address else None
    if user is None or not user.is_active:
        decoy = secrets.token_urlsafe(TOKEN_BYTES)
        hash_token(decoy)
        render_reset(link(base_url, TokenPurpose.RESET, decoy), now + timedelta(hours=hours))
        return None
    token = _issue(session, user, TokenPurpose.RESET, base_url=base_url, hours=hours, now=now)
    audit_own_action(session, user, "user.password_reset_request")
    return token


def send_verification(
    session: Session, user: User, *, base_url: str, hours: int, now: datetime | None = None
) -> str | None:
    """Mail a verification link (none for an address already verified). Returns the token."""
    if user.email_verified_at is not None:
        return None
    return _issue(
        session, user, TokenPurpose.VERIFY, base_url=base_url, hours=hours, now=as_utc(now)
    )


def state_of(row: AccountToken | None, now: datetime | None = None) -> LinkState:
    if row is None:
        return LinkState.UNKNOWN
    if row.used_at is not None:
        return LinkState.USED
    if as_utc(row.expires_at) <= as_utc(now):
        return LinkState.EXPIRED
    return LinkState.OPEN


def open_token(
    session: Session, token: str, purpose: TokenPurpose, now: datetime | None = None
) -> tuple[AccountToken, User]:
    """The link's row and account while the link still works; raises LinkError otherwise.
    A link of a disabled account does not work."""
    row = None
    if TOKEN_SHAPE.match(token or ""):
        row = session.scalar(
            select(AccountToken).where(
                AccountToken.token_hash == hash_token(token), AccountToken.purpose == purpose
            )
        )
    state = state_of(row, now)
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or user is None or not user.is_active:
        raise LinkError(LinkState.UNKNOWN if state is LinkState.OPEN else state)
    if state is not LinkState.OPEN:
        raise LinkError(state)
    return row, user


def _claim(session: Session, row: AccountToken, now: datetime) -> None:
    claimed = session.execute(
        update(AccountToken)
        .where(
            AccountToken.id == row.id,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise LinkError(LinkState.USED)  # used at the same moment elsewhere


def reset_password(session: Session, token: str, new: str, now: datetime | None = None) -> User:
    """Set the account's new password through a reset link; the link stops working and every
    session of the account ends. Raises LinkError, or AccountError ("password") with nothing
    written."""
    now = as_utc(now)
    row, user = open_token(session, token, TokenPurpose.RESET, now)
    problem = password_problem(new, email=user.email, name=user.display_name)
    if problem:
        raise AccountError(problem, "password")
    _claim(session, row, now)
    set_password(session, user, new, action="user.password_reset")
    if user.email_verified_at is None:
        user.email_verified_at = now  # the link reached the address
    return user


def verify_email(session: Session, token: str, now: datetime | None = None) -> User:
    """Mark the account's address verified through a verification link. Raises LinkError."""
    now = as_utc(now)
    row, user = open_token(session, token, TokenPurpose.VERIFY, now)
    _claim(session, row, now)
    if user.email_verified_at is None:
        user.email_verified_at = now
        audit_own_action(session, user, "user.email_verify")
    return user
