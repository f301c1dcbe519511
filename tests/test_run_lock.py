"""One run per source at a time: on PostgreSQL an advisory lock; SQLite takes none."""

import pytest
from sqlalchemy import func, select, text

from app.models import JobListing, RunStatus, ScrapeRun
from app.services.ingest.run_lock import lock_key, source_lock
from app.services.ingest.store import execute_run

from .test_ingest import JOB


@pytest.fixture
def postgresql_only(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; the suite's PostgreSQL run covers them")


@pytest.fixture
def held_elsewhere(engine, postgresql_only):
    """Another process's run of usajobs, holding the lock on a connection of its own."""
    with engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_key("usajobs")})
        other.commit()
        yield
        other.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key("usajobs")})
        other.commit()


def test_each_source_has_its_own_stable_key():
    assert lock_key("usajobs") == lock_key("usajobs")
    assert lock_key("usajobs") != lock_key("grantsgov")
    assert -(2**63) <= lock_key("simpler") < 2**63


def test_sqlite_runs_without_a_lock(engine, session_factory):
    if engine.dialect.name != "sqlite":
        pytest.skip("the SQLite run covers this")
    with source_lock(session_factory, "usajobs") as lock:
        assert lock.acquired and not lock.exclusive


def test_a_run_finding_another_in_progress_does_not_start(session_factory, db, held_elsewhere):
    result = execute_run(session_factory, "usajobs", lambda: iter([JOB]))
    assert result.status == RunStatus.FAILED and result.run_id is None
    assert result.error == "another run of usajobs is in progress; this one did not start"
    assert db.scalar(select(func.count()).select_from(JobListing)) == 0
    assert db.scalar(select(func.count()).select_from(ScrapeRun)) == 0
    # Other sources are not held up.
    assert execute_run(session_factory, "grantsgov", lambda: iter([])).run_id is not None


def test_the_lock_is_released_when_a_run_ends(session_factory, postgresql_only):
    with source_lock(session_factory, "usajobs") as first:
        assert first.acquired and first.exclusive
        with source_lock(session_factory, "usajobs") as second:
            assert not second.acquired
    with source_lock(session_factory, "usajobs") as again:
        assert again.acquired


def test_a_run_left_running_by_a_dead_process_is_ended_by_the_next(
    session_factory, db, postgresql_only
):
    db.add(ScrapeRun(source="usajobs", kind="scrape"))
    db.commit()
    result = execute_run(session_factory, "usajobs", lambda: iter([JOB]))
    assert result.status == RunStatus.SUCCEEDED
    abandoned = db.scalars(select(ScrapeRun).where(ScrapeRun.id != result.run_id)).one()
    db.refresh(abandoned)
    assert str(abandoned.status) == "failed"
    assert abandoned.error == "stopped before it finished (its process ended)"
