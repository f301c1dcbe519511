"""The site's rate limits, on the one Flask-Limiter instance in `app.extensions`.

Failed sign-ins are counted twice: per client address and account together (so someone
guessing at an account from elsewhere never locks its owner out) and per client address
over a longer window (so one address cannot work through many accounts). Only failures
count, and a success clears nothing, so a correct sign-in to an account of one's own does
not buy more guesses at another. Registrations and password reset requests count per
address, and so do reads of the public API (/api/v1, every endpoint together), except that
a partner's API key counts its reads per key, at the key's own limit (`app.api.keys`).
Verification e-mails resent count per account. The client address is
`request.remote_addr`, which names a proxy's client only when `TRUSTED_PROXY_HOPS` says a
proxy of ours is in front. Counts live in Redis when `REDIS_URL` is set, shared by every
instance; otherwise each process keeps its own.
"""

from __future__ import annotations

import math
import time

from flask import Blueprint, Response, current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.api import keys as api_keys
from app.extensions import limiter

_FAILED = "pathfinder.counted_failure"


def count_failure() -> None:
    """Mark this request as a failed attempt: the limits below then count it."""
    g.setdefault(_FAILED, True)


def _failed(_response: Response) -> bool:
    return bool(g.get(_FAILED))


def _address() -> str:
    return get_remote_address() or "unknown"


def _address_and_account() -> str:
    email = (request.form.get("email") or "").strip().lower()[:320]
    return f"{_address()}|{email}"


def _account() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else _address()


def _config(name: str):
    return lambda: str(current_app.config[name])


def sign_in_limits(view):
    """Failed sign-ins per address and account, and per address."""
    view = limiter.limit(
        _config("LOGIN_ADDRESS_LIMIT"),
        key_func=_address,
        methods=["POST"],
        deduct_when=_failed,
        scope="sign-in-address",
    )(view)
    return limiter.limit(
        _config("LOGIN_LIMIT"),
        key_func=_address_and_account,
        methods=["POST"],
        deduct_when=_failed,
        scope="sign-in-account",
    )(view)


def registration_limit(view):
    """Every registration sent from one address counts, whatever its outcome."""
    return limiter.limit(
        _config("REGISTER_LIMIT"), key_func=_address, methods=["POST"], scope="register"
    )(view)


def password_change_limit(view):
    """Wrong current passwords per account."""
    return limiter.limit(
        _config("PASSWORD_CHANGE_LIMIT"),
        key_func=_account,
        methods=["POST"],
        deduct_when=_failed,
        scope="password-change",
    )(view)


def reset_request_limit(view):
    """Every "Forgot your password?" request sent from one address counts."""
    return limiter.limit(
        _config("RESET_REQUEST_LIMIT"), key_func=_address, methods=["POST"], scope="reset-request"
    )(view)


def verify_resend_limit(view):
    """Every "Resend the link" of one account counts."""
    return limiter.limit(
        _config("VERIFY_RESEND_LIMIT"), key_func=_account, methods=["POST"], scope="verify-resend"
    )(view)


def seconds_until_retry() -> int:
    """Seconds until the limit this request broke lets it through (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def wait_message(seconds: int, what: str = "failed sign-in attempts") -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (
        f"Too many {what}. For your security, please wait "
        f"{minutes} minute{'s' if minutes != 1 else ''} and try again."
    )


def _api_client() -> str:
    return api_keys.counted_as() or _address()


def _api_limit() -> str:
    return api_keys.own_limit() or str(current_app.config["API_READ_LIMIT"])


def api_read_limit(blueprint: Blueprint) -> Blueprint:
    """Reads of the public API, all its endpoints together: per API key at the key's own
    limit, otherwise per address (API_READ_LIMIT). A bad key is counted per address, then
    refused with a 401 (`app.api.keys.refuse_bad_key`)."""
    limiter.shared_limit(_api_limit, scope="api-read", key_func=_api_client)(blueprint)
    blueprint.before_request(api_keys.refuse_bad_key)
    return blueprint


def api_match_limit(view):
    """Resume matches through the public API per address: each one reads and ranks a resume,
    so its limit is lower than the reads' (and a match counts as a read too)."""
    return limiter.limit(
        _config("API_MATCH_LIMIT"), key_func=_address, methods=["POST"], scope="api-match"
    )(view)
