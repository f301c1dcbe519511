"""Change stamps recorded by the database: every write moves them, across connections."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app import migrate
from app.db import make_engine
from app.models import (
    FundingOpportunity,
    JobListing,
    JobRoleClassification,
    TableChange,
)
from app.services import table_changes

from .funding_helpers import make_opportunity
from .seeker_docs import add_job

TODAY = date.today()


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def test_every_kind_of_write_to_a_job_moves_its_stamp(db):
    stamps = [table_changes.stamp(db, "job_listings")]
    job = add_job(db, title="IT Specialist (INFOSEC)")
    stamps.append(table_changes.stamp(db, "job_listings"))
    job.summary = "Triage SIEM alerts."
    db.flush()
    stamps.append(table_changes.stamp(db, "job_listings"))
    job.status, job.closed_at = "closed", datetime.now(UTC)
    db.flush()
    stamps.append(table_changes.stamp(db, "job_listings"))
    db.delete(job)
    db.flush()
    stamps.append(table_changes.stamp(db, "job_listings"))
    assert len(set(stamps)) == len(stamps)
    assert table_changes.stamp(db, "job_listings") == stamps[-1]  # stable while nothing changes


def test_opportunities_and_classifications_have_stamps_of_their_own(db, catalog):
    jobs, funding, roles = (
        table_changes.stamp(db, name)
        for name in ("job_listings", "funding_opportunities", "job_role_classifications")
    )
    make_opportunity(db, today=TODAY)
    assert table_changes.stamp(db, "funding_opportunities") != funding
    assert table_changes.stamp(db, "job_listings") == jobs

    job = add_job(db)
    db.add(
        JobRoleClassification(
            job_id=job.id, work_role_id="PD-WRL-001", score=80.0, rank=1, source="model"
        )
    )
    db.flush()
    assert table_changes.stamp(db, "job_role_classifications") != roles


def test_bookkeeping_alone_is_not_a_change_on_postgresql(db):
    """A sighting or a classification mark changes nothing a cache shows (SQLite counts it)."""
    job = add_job(db)
    before = table_changes.stamp(db, "job_listings")
    job.last_seen_at = datetime.now(UTC) + timedelta(minutes=5)
    job.classified_hash = job.content_hash
    db.flush()
    db.execute(update(JobListing).where(JobListing.id == -1).values(title="nothing"))
    after = table_changes.stamp(db, "job_listings")
    assert (after == before) is _postgresql(db)


def test_compacting_keeps_one_change_a_table_and_never_repeats_a_stamp(db):
    for _ in range(3):
        make_opportunity(db, today=TODAY)
    add_job(db)
    seen = {table_changes.stamp(db, "funding_opportunities")}
    assert table_changes.compact(db) > 0
    rows = db.execute(
        select(TableChange.table_name, func.count()).group_by(TableChange.table_name)
    ).all()
    assert all(count == 1 for _, count in rows)
    assert table_changes.stamp(db, "funding_opportunities") not in seen
    assert table_changes.compact(db) == 0


def test_a_write_counts_when_it_commits_even_after_a_later_one(scratch_database_url):
    """Out-of-order commits: the first writer commits last, and the stamp still moves."""
    if not scratch_database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time")
    migrate.upgrade(scratch_database_url)
    engine = make_engine(scratch_database_url)
    try:
        with Session(engine) as first, Session(engine) as second, Session(engine) as reader:
            first.add(_opportunity("first"))
            first.flush()  # its change is recorded (lower id), not yet committed
            second.add(_opportunity("second"))
            second.commit()
            seen = table_changes.stamp(reader, "funding_opportunities")
            reader.rollback()
            assert reader.scalar(select(func.count()).select_from(FundingOpportunity)) == 1
            first.commit()
            assert table_changes.stamp(reader, "funding_opportunities") != seen
            reader.execute(delete(FundingOpportunity))
            reader.commit()
    finally:
        engine.dispose()


def _opportunity(number: str) -> FundingOpportunity:
    return FundingOpportunity(
        source="grantsgov",
        source_id=number,
        number=number,
        title=f"Opportunity {number}",
        status="posted",
        content_hash=number,
        close_date=TODAY + timedelta(days=30),
    )
