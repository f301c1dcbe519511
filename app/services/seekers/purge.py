"""Job seekers' data retention: matches past their expiry are deleted, upload and all."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import delete, inspect, or_
from sqlalchemy.orm import Session

from app.models import MatchRequest

log = logging.getLogger(__name__)


def purge_expired(
    session: Session, now: datetime | None = None, retention_hours: float | None = None
) -> int:
    """Delete every match past its expiry; returns how many were deleted.

    With `retention_hours`, matches created longer ago than that go too, so shortening the
    retention period applies to data already stored.
    """
    now = now or datetime.now(UTC)
    expired = MatchRequest.expires_at <= now
    if retention_hours is not None:
        expired = or_(expired, MatchRequest.created_at <= now - timedelta(hours=retention_hours))
    result = session.execute(
        delete(MatchRequest).where(expired).execution_options(synchronize_session=False)
    )
    count = result.rowcount or 0
    if count:
        log.info("purged %d expired job-seeker matches", count)
    return count


def purge_on_startup(app: Flask) -> None:
    """Best effort at start-up: a database that is down or not migrated yet is not an error."""
    from app.db import session_scope
    from app.extensions import get_database

    try:
        database = get_database(app)
        url = database.engine.url
        if url.get_backend_name() == "sqlite" and not (
            url.database and url.database != ":memory:" and Path(url.database).exists()
        ):
            return  # no database file yet: nothing to purge, and do not create one
        if not inspect(database.engine).has_table(MatchRequest.__tablename__):
            return
        with session_scope(database.session_factory) as session:
            purge_expired(session, retention_hours=float(app.config["MATCH_RETENTION_HOURS"]))
    except Exception as exc:  # never keep the site from starting
        log.warning("start-up purge of expired matches skipped: %s", exc.__class__.__name__)
