"""API keys on requests to the public API, in one place: which key came with a request, what
its reads count against, the 401 for anything sent in a key's place that is not a valid key,
and the OpenAPI description of all that.

A key is sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`. The rate limit of
the API (`app.rate_limits.api_read_limit`) asks `counted_as` and `own_limit`: a valid key's
reads count per key at the key's own limit; without one, per address at API_READ_LIMIT.
A key that is not valid (unknown, revoked, malformed) is refused with a 401 and never
served as if no key had been sent, so a partner whose key stopped working is told, not
quietly held to the lower limit. Its request still counts against the address first, so
guessing at keys is as limited as any anonymous read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from apispec import APISpec, BasePlugin
from flask import g, request
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema
from sqlalchemy.exc import SQLAlchemyError

from app.db import READ_ONLY
from app.extensions import get_database
from app.services import api_keys

log = logging.getLogger(__name__)

HEADER = "X-API-Key"
CHALLENGE = 'Bearer realm="Pathfinder API"'
NOT_VALID = "The API key is not valid or has been revoked. Ask OPM for a new one."
WRONG_SCHEME = f"Send the API key as 'Authorization: Bearer <key>' or as '{HEADER}: <key>'."
TWO_KEYS = f"The request sent two different API keys (Authorization and {HEADER}): send one."
_STATE = "pathfinder.api_key"


@dataclass(frozen=True)
class Presented:
    """What came with this request: a valid key (its id and limit), a problem, or nothing."""

    key_id: int | None = None
    rate_limit: str | None = None
    problem: str | None = None  # why what was sent is refused (None: valid, or nothing sent)
    invalid_request: bool = False  # malformed rather than unknown (RFC 6750's error codes)


def _sent() -> tuple[str | None, Presented | None]:
    """The key the request sent (None: none), or the refusal of what it sent instead."""
    authorization = request.headers.get("Authorization")
    header = request.headers.get(HEADER)
    bearer = None
    if authorization is not None:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            return None, Presented(problem=WRONG_SCHEME, invalid_request=True)
        bearer = value.strip()
    if bearer is not None and header is not None and header.strip() != bearer:
        return None, Presented(problem=TWO_KEYS, invalid_request=True)
    return (bearer if bearer is not None else header), None


def _record_use(key_id: int) -> None:
    """Move the key's last use, in a short write of its own: a hint for staff is not worth
    failing a read over."""
    session = get_database().session_factory()
    try:
        api_keys.record_use(session, key_id)
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        log.warning("Could not record the use of API key %s: %s", key_id, exc)
    finally:
        session.close()


def _authenticate() -> Presented:
    value, refused = _sent()
    if refused is not None:
        return refused
    if value is None:
        return Presented()
    # A session of its own, closed before the view's begins: the lookup is a read (deferred
    # on SQLite, beside other readers), and the last-use write that may follow is not
    # tangled with the view's transaction.
    with get_database().session_factory() as session:
        session.connection(execution_options=READ_ONLY)
        key = api_keys.authenticate(session, value.strip())
        if key is None:
            return Presented(problem=NOT_VALID)
        found, stale = Presented(key.id, key.rate_limit), api_keys.needs_use_recorded(key)
    if stale:
        _record_use(key.id)
    return found


def presented() -> Presented:
    """This request's key, looked up once per request."""
    if _STATE not in g:
        setattr(g, _STATE, _authenticate())
    return g.get(_STATE)


def counted_as() -> str | None:
    """The rate-limit key of a valid API key's requests; None: count by address."""
    key_id = presented().key_id
    return f"api-key:{key_id}" if key_id is not None else None


def own_limit() -> str | None:
    """A valid key's own rate limit; None: the anonymous limit applies."""
    return presented().rate_limit


def refuse_bad_key() -> None:
    """Before every API view: a 401 in the API's JSON error shape for a key that is not one."""
    found = presented()
    if found.problem is None:
        return
    error = "invalid_request" if found.invalid_request else "invalid_token"
    abort(401, message=found.problem, headers={"WWW-Authenticate": f'{CHALLENGE}, error="{error}"'})


# -- the OpenAPI document -------------------------------------------------------------------

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearerKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key OPM staff issued, as 'Authorization: Bearer <key>'.",
    },
    "headerKey": {
        "type": "apiKey",
        "in": "header",
        "name": HEADER,
        "description": f"The same API key, as '{HEADER}: <key>'.",
    },
}
# `{}` first: a key is optional. Without one, reads are limited per address.
SECURITY: list[dict[str, list[str]]] = [{}, *({name: []} for name in SECURITY_SCHEMES)]
UNAUTHORIZED = "INVALID_API_KEY"  # flask-smorest names its own after the status


class KeyDocs(BasePlugin):
    """Documents the keys on every operation: optional security, and the 401 of a bad key."""

    def init_spec(self, spec: APISpec) -> None:
        super().init_spec(spec)
        for name, scheme in SECURITY_SCHEMES.items():
            spec.components.security_scheme(name, scheme)
        spec.components.response(
            UNAUTHORIZED,
            {
                "description": "The API key sent is not valid or has been revoked (or was "
                "sent in another form): nothing is served without a key instead.",
                "headers": {
                    "WWW-Authenticate": {
                        "description": f'{CHALLENGE}, error="invalid_token" (or '
                        '"invalid_request" for a key sent in another form).',
                        "schema": {"type": "string"},
                    }
                },
                "content": {"application/json": {"schema": ErrorSchema}},
            },
        )

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            operation.setdefault("security", SECURITY)
            operation.setdefault("responses", {}).setdefault("401", UNAUTHORIZED)
