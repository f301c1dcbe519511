"""Sign-in rate limiting: failed attempts per e-mail address and per client address.

Failures are rows in `login_attempts`, so every app instance sees the same count. After
`max_failures` failures within the window, further attempts for that address are refused
until the oldest failure leaves the window; a successful sign-in clears the e-mail's and the
client's failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.models import LoginAttempt


@dataclass(frozen=True)
class Throttle:
    max_failures: int = 5
    window_seconds: int = 900

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_seconds)


def keys_for(email: str, client: str | None) -> list[str]:
    keys = [f"email:{email.strip().lower()[:320]}"]
    if client:
        keys.append(f"ip:{client[:64]}")
    return keys


def retry_after(session: Session, keys: list[str], throttle: Throttle, now: datetime) -> int:
    """Seconds until a sign-in may be tried again (0 when it may be tried now)."""
    since = now - throttle.window
    wait = 0
    for key in keys:
        rows = session.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                LoginAttempt.key == key, LoginAttempt.at > since
            )
        ).one()
        count, oldest = rows
        if count >= throttle.max_failures and oldest is not None:
            wait = max(wait, int((oldest + throttle.window - now).total_seconds()) + 1)
    return wait


def record_failure(session: Session, keys: list[str], throttle: Throttle, now: datetime) -> None:
    """Count a failure against each key; failures older than the window are pruned."""
    session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.key.in_(keys), LoginAttempt.at <= now - throttle.window
        )
    )
    session.add_all(LoginAttempt(key=key, at=now) for key in keys)
    session.flush()


def clear_failures(session: Session, keys: list[str]) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(keys)))
