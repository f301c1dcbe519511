"""Storing records: idempotent, updates in place, closes instead of deleting, links duplicates."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from app.models import FundingOpportunity, JobListing, RunStatus, ScrapeRun
from app.services.ingest import Ingestor, close_expired, execute_run, shift_dates
from scrapers.errors import PayloadError
from scrapers.records import FundingRecord, JobRecord

JOB = JobRecord(
    source="usajobs",
    source_id="800000001",
    title="IT Specialist (INFOSEC)",
    organization="Cybersecurity and Infrastructure Security Agency",
    series=("2210",),
    grade_low=12,
    grade_high=13,
    locations=("Arlington, Virginia",),
    hiring_paths=("public",),
    open_date=date(2026, 11, 1),
    close_date=date(2026, 12, 15),
    url="https://www.usajobs.gov/job/800000001",
    summary="Protect federal networks.",
)
OPPORTUNITY = FundingRecord(
    source="grantsgov",
    source_id="3600001",
    legacy_id="3600001",
    number="DHS-27-137",
    title="State and Local Cybersecurity Grant Program",
    assistance_listings=("97.137",),
    status="posted",
    close_date=date(2027, 1, 30),
    eligible_applicants=("00",),
)


def count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_new_then_unchanged_then_updated(db):
    ingestor = Ingestor(db)
    assert ingestor.store(JOB) == "new"
    assert ingestor.store(JOB) == "unchanged"
    assert ingestor.store(replace(JOB, grade_high=14)) == "updated"
    assert count(db, JobListing) == 1
    row = db.scalar(select(JobListing))
    assert row.grade_high == 14 and row.series == ["2210"]
    assert (ingestor.counts.new, ingestor.counts.unchanged, ingestor.counts.updated) == (1, 1, 1)


def test_a_repeated_run_leaves_rows_untouched(db):
    Ingestor(db).store(JOB)
    db.flush()
    before = db.scalar(select(JobListing)).last_seen_at
    Ingestor(db).store(JOB)
    assert db.scalar(select(JobListing)).last_seen_at == before


def test_a_full_sweep_closes_jobs_it_did_not_see_and_never_deletes(db):
    first = Ingestor(db)
    first.store(JOB)
    first.store(replace(JOB, source_id="800000002", title="IT Specialist (NETWORK)"))
    second = Ingestor(db)
    second.store(JOB)
    assert second.close_missing_jobs("usajobs") == 1
    gone = db.scalar(select(JobListing).where(JobListing.source_id == "800000002"))
    assert str(gone.status) == "closed" and gone.closed_at is not None
    assert count(db, JobListing) == 2


def test_the_same_job_under_two_control_numbers_is_linked(db):
    ingestor = Ingestor(db)
    ingestor.store(JOB)
    ingestor.store(
        replace(JOB, source_id="800000003", hiring_paths=("fed-competitive",), summary="Status")
    )
    first, second = db.scalars(select(JobListing).order_by(JobListing.id)).all()
    assert first.duplicate_of_id is None
    assert second.duplicate_of_id == first.id


def test_grantsgov_and_simpler_records_of_one_opportunity_are_linked(db):
    ingestor = Ingestor(db)
    simpler = replace(OPPORTUNITY, source="simpler", source_id="0b9f-uuid")
    ingestor.store(simpler)  # simpler arrives first ...
    ingestor.store(OPPORTUNITY)  # ... the Grants.gov record still becomes canonical
    rows = {r.source: r for r in db.scalars(select(FundingOpportunity))}
    assert rows["grantsgov"].duplicate_of_id is None
    assert rows["simpler"].duplicate_of_id == rows["grantsgov"].id


def test_expired_jobs_close_whatever_their_source(db):
    Ingestor(db).store(JOB)
    assert close_expired(db, date(2026, 12, 16)) == 1
    assert str(db.scalar(select(JobListing)).status) == "closed"


def test_sample_dates_shift_forward():
    moved = shift_dates(JOB, 10)
    assert moved.close_date == date(2026, 12, 25) and moved.open_date == date(2026, 11, 11)
    assert shift_dates(JOB, 0) is JOB


def test_a_run_that_fails_half_way_stores_nothing_when_all_or_nothing(session_factory, db):
    def records():
        yield JOB
        raise PayloadError("file is truncated at line 9")

    result = execute_run(session_factory, "usajobs", records, kind="ingest", batch_size=None)
    assert result.status == RunStatus.FAILED
    assert result.error == "file is truncated at line 9"
    assert count(db, JobListing) == 0
    run = db.get(ScrapeRun, result.run_id)
    assert str(run.status) == "failed" and run.finished_at is not None and run.new == 0


def test_a_scrape_that_fails_half_way_keeps_earlier_records_and_is_safe_to_rerun(
    session_factory, db
):
    jobs = [replace(JOB, source_id=f"8000001{i:02d}", title=f"Job {i}") for i in range(5)]

    def failing():
        yield from jobs[:3]
        raise PayloadError("truncated page")

    failed = execute_run(session_factory, "usajobs", failing, batch_size=2, full_sweep=True)
    assert failed.status == RunStatus.FAILED
    kept = count(db, JobListing)
    assert kept == 2  # the completed batch; never half a record
    assert (
        db.scalar(select(func.count()).select_from(JobListing).where(JobListing.status == "closed"))
        == 0
    )

    rerun = execute_run(session_factory, "usajobs", lambda: iter(jobs), full_sweep=True)
    assert rerun.status == RunStatus.SUCCEEDED
    assert (rerun.counts.new, rerun.counts.unchanged) == (3, 2)
    assert count(db, JobListing) == 5


@pytest.mark.parametrize("status", ["closed", "archived"])
def test_a_listing_closing_at_its_source_gets_closed_at(db, status):
    ingestor = Ingestor(db)
    ingestor.store(OPPORTUNITY)
    ingestor.store(replace(OPPORTUNITY, status=status))
    row = db.scalar(select(FundingOpportunity))
    assert str(row.status) == status and row.closed_at is not None
    assert ingestor.counts.closed == 1
