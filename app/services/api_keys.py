"""API keys for partners of the public JSON API: issued and revoked by OPM staff (or an
operator's command), each with its own rate limit, and recognised on every API request.

A key is `pfk_` and 32 random bytes (urlsafe base64). It is shown once, when it is issued;
the database keeps its SHA-256 and its first characters (the prefix, which tells keys
apart). Every issue and revoke is audited under the person's e-mail, or "cli".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import limits
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from app.models import ApiKey, AuditEntry, User, utcnow

MARKER = "pfk_"  # lets a secret scanner (or a person) tell a Pathfinder key from others
TOKEN_BYTES = 32
PREFIX_LENGTH = len(MARKER) + 8
# Longest thing worth hashing: a key is 47 characters; anything much longer is not one.
MAX_KEY_LENGTH = 128
DEFAULT_LIMIT = "600 per minute"
MAX_NAME_LENGTH = 200
MAX_LIMIT_LENGTH = 64
# last_used_at is a hint for staff ("is anyone still using this?"), not a log: writing it
# on every request would make each API read a write, so it moves at most once a minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyError(ValueError):
    """A key cannot be issued as asked; `field` names the form field the message is for."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(LookupError):
    """No key has this id."""


def hash_key(plaintext: str) -> str:
    """The key's SHA-256, as stored.

    A key is 256 random bits, so nothing can be guessed from a fast hash the way a password
    can: a slow, salted hash (bcrypt, scrypt) would only slow every API request down. And
    being unsalted lets a request find its key by an indexed lookup of the hash.
    """
    return hashlib.sha256(plaintext.encode()).hexdigest()


def check_limit(text: str) -> str:
    """The rate limit in Flask-Limiter's notation, or ApiKeyError.

    "600 per minute", or several at once ("600 per minute; 10000 per day"), each of which
    applies, as Flask-Limiter reads them.
    """
    value = " ".join((text or "").split())
    if not value:
        raise ApiKeyError("Enter a rate limit, such as 600 per minute.", "rate_limit")
    if len(value) > MAX_LIMIT_LENGTH:
        raise ApiKeyError(f"Use no more than {MAX_LIMIT_LENGTH} characters.", "rate_limit")
    try:
        parsed = limits.parse_many(value)
    except ValueError:
        raise ApiKeyError(
            f"{value!r} is not a rate limit: write a number of requests per second, minute, "
            "hour or day, such as 600 per minute or 10000 per day.",
            "rate_limit",
        ) from None
    if any(item.amount < 1 for item in parsed):
        raise ApiKeyError("A key must allow at least 1 request.", "rate_limit")
    return value


def _name(text: str) -> str:
    name = " ".join((text or "").split())
    if not name:
        raise ApiKeyError("Enter who the key is for, such as the organisation's name.", "name")
    if len(name) > MAX_NAME_LENGTH:
        raise ApiKeyError(f"Use no more than {MAX_NAME_LENGTH} characters.", "name")
    return name


def _contact(text: str) -> str:
    try:
        return validate_email(text or "", check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ApiKeyError(
            "Enter the contact's e-mail address, like name@example.gov.", "contact_email"
        ) from None


def _audit(session: Session, by: User | None, action: str, key: ApiKey, changes: dict) -> None:
    session.add(
        AuditEntry(
            user_id=by.id if by else None,
            actor=by.email if by else "cli",
            action=action,
            entity_type="api_key",
            entity_id=str(key.id),
            changes=changes,
        )
    )


def issue(
    session: Session,
    name: str,
    contact: str,
    limit: str = DEFAULT_LIMIT,
    by: User | None = None,
    now: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its plaintext, which is never stored and cannot be shown again.

    ApiKeyError (by field: name, contact_email, rate_limit) for input that is not valid.
    Audited ("api_key.issue"); the caller commits.
    """
    name, contact, limit = _name(name), _contact(contact), check_limit(limit)
    plaintext = MARKER + secrets.token_urlsafe(TOKEN_BYTES)
    key = ApiKey(
        name=name,
        contact_email=contact,
        prefix=plaintext[:PREFIX_LENGTH],
        key_hash=hash_key(plaintext),
        rate_limit=limit,
        created_by_id=by.id if by else None,
        created_at=now or utcnow(),
    )
    session.add(key)
    session.flush()
    changes = {"name": name, "contact_email": contact, "prefix": key.prefix, "rate_limit": limit}
    _audit(session, by, "api_key.issue", key, changes)
    return key, plaintext


def get_key(session: Session, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(key_id)
    return key


def revoke(
    session: Session, key_id: int, by: User | None = None, now: datetime | None = None
) -> tuple[ApiKey, bool]:
    """Revoke the key at once; whether it changed (False: it was already revoked).

    NotFound for an unknown id. A revoke is audited ("api_key.revoke"); the caller commits.
    """
    key = get_key(session, key_id)
    if key.revoked_at is not None:
        return key, False
    key.revoked_at = now or utcnow()
    key.revoked_by_id = by.id if by else None
    session.flush()
    _audit(session, by, "api_key.revoke", key, {"name": key.name, "prefix": key.prefix})
    return key, True


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, the ones in use first, newest first within each."""
    query = (
        select(ApiKey)
        .options(selectinload(ApiKey.created_by), selectinload(ApiKey.revoked_by))
        .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
    )
    return list(session.scalars(query))


def authenticate(session: Session, presented: str) -> ApiKey | None:
    """The key that `presented` is, if it is one and is not revoked; else None.

    The key is found by its hash, so no comparison of secrets runs character by character
    on the request's input; the final compare_digest keeps it so if the lookup changes.
    """
    if not presented or len(presented) > MAX_KEY_LENGTH or not presented.isascii():
        return None
    digest = hash_key(presented)
    key = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
    if key is None or not hmac.compare_digest(key.key_hash, digest):
        return None
    return key if key.revoked_at is None else None


def needs_use_recorded(key: ApiKey, now: datetime | None = None) -> bool:
    """Whether `last_used_at` is older than its resolution (so `record_use` should run)."""
    now = now or utcnow()
    return key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION


def record_use(session: Session, key_id: int, now: datetime | None = None) -> bool:
    """Set the key's `last_used_at` to now unless it moved within the last minute.

    One conditional UPDATE, so processes racing on one key write it once. The caller
    commits. True when this call moved it.
    """
    now = now or utcnow()
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id)
        .where(
            or_(
                ApiKey.last_used_at.is_(None),
                ApiKey.last_used_at <= now - LAST_USED_RESOLUTION,
            )
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
