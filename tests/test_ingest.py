"""Storing records: idempotent, updates in place, closes instead of deleting, links duplicates."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.models import FundingOpportunity, JobListing, RunStatus, ScrapeRun
from app.services.ingest.store import Ingestor, close_expired, execute_run, shift_dates
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


@pytest.mark.parametrize("key", ["legacy_id", "number"])
def test_an_odd_long_id_or_number_still_links_the_two_sources(db, key):
    # The link key is "gg:<id>" or "num:<number>": one too long for its column is digested.
    grantsgov = replace(OPPORTUNITY, **{"legacy_id": None, key: "DHS-27-" + "9" * 110})
    simpler = replace(grantsgov, source="simpler", source_id="0b9f-uuid")
    assert Ingestor(db).store_batch([grantsgov, simpler]) == ["new", "new"]
    rows = {r.source: r for r in db.scalars(select(FundingOpportunity))}
    assert len(rows["grantsgov"].fingerprint) == 64
    assert rows["simpler"].duplicate_of_id == rows["grantsgov"].id


def test_a_nul_in_an_opportunity_number_stays_out_of_its_link_key(db):
    assert (
        Ingestor(db).store(replace(OPPORTUNITY, legacy_id=None, number="DHS-27\x00-137")) == "new"
    )
    assert db.scalar(select(FundingOpportunity.fingerprint)) == "num:dhs-27-137"


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


def test_a_record_too_long_for_its_columns_is_skipped_with_a_warning_and_the_rest_stored(db):
    ingestor = Ingestor(db)
    too_long = replace(JOB, source_id="800000009", title="IT Specialist " * 40)
    outcomes = ingestor.store_batch([too_long, JOB])
    assert outcomes == ["failed", "new"]
    assert ingestor.counts.failed == 1 and ingestor.counts.new == 1
    assert ingestor.warnings == [
        "usajobs 800000009: title is 560 characters, longer than the 500 the database holds; "
        "not stored"
    ]
    assert [row.source_id for row in db.scalars(select(JobListing))] == ["800000001"]


def test_an_identifier_too_long_for_its_column_is_skipped(db):
    ingestor = Ingestor(db)
    assert ingestor.store(replace(OPPORTUNITY, source_id="9" * 200)) == "failed"
    assert "source_id is 200 characters" in ingestor.warnings[0]
    assert count(db, FundingOpportunity) == 0


def test_an_identifier_holding_a_nul_is_skipped_without_upsetting_the_batch(db):
    ingestor = Ingestor(db)
    assert ingestor.store_batch([replace(JOB, source_id="80000\x000001"), JOB]) == [
        "failed",
        "new",
    ]
    assert ingestor.warnings == ["usajobs 800000001: source_id holds a NUL character; not stored"]


@pytest.mark.parametrize("odd", ["800\n000001", "800000001\r", "800\t000001", "80\x7f0"])
def test_an_identifier_holding_a_line_break_or_control_character_is_skipped(db, odd):
    # It would end up in the listing's address, and from there in links and calendar files.
    ingestor = Ingestor(db)
    assert ingestor.store_batch([replace(JOB, source_id=odd), JOB]) == ["failed", "new"]
    (warning,) = ingestor.warnings
    assert warning.endswith("source_id holds a control character; not stored")
    assert warning.isprintable()  # one line for the operator, whatever the id held


def test_a_number_beyond_an_integer_column_is_skipped(db):
    ingestor = Ingestor(db)
    assert ingestor.store(replace(JOB, grade_low=99_999_999_999)) == "failed"
    assert ingestor.warnings == [
        "usajobs 800000001: grade_low 99999999999 is out of range; not stored"
    ]
    assert ingestor.store(replace(OPPORTUNITY, expected_awards=2**31)) == "failed"
    assert count(db, JobListing) == count(db, FundingOpportunity) == 0


def test_nul_characters_are_dropped_from_stored_text(db):
    Ingestor(db).store(
        replace(JOB, title="IT Specialist\x00 (INFOSEC)", locations=("Arlington,\x00 Virginia",))
    )
    row = db.scalar(select(JobListing))
    assert row.title == "IT Specialist (INFOSEC)"
    assert row.locations == ["Arlington, Virginia"]


def test_a_run_keeps_its_warnings_and_failed_records_for_staff(session_factory, db):
    source_warnings: list[str] = []

    def records():
        yield JOB
        yield replace(JOB, source_id="800000009", title="x" * 501)
        source_warnings.append("page 2: 3 postings without a control number")

    result = execute_run(
        session_factory, "usajobs", records, kind="ingest", source_warnings=source_warnings
    )
    assert result.status == RunStatus.SUCCEEDED
    assert (result.counts.new, result.counts.failed) == (1, 1)
    assert result.warnings == [
        "usajobs 800000009: title is 501 characters, longer than the 500 the database holds; "
        "not stored",
        "page 2: 3 postings without a control number",
    ]
    run = db.get(ScrapeRun, result.run_id)
    assert run.warnings == result.warnings and run.failed == 1


def test_a_run_keeps_a_bounded_number_of_warnings(session_factory, db):
    def records():
        for i in range(60):
            yield replace(JOB, source_id=f"8100000{i:02d}", title="x" * 501)

    result = execute_run(session_factory, "usajobs", records)
    assert result.counts.failed == 60
    assert len(result.warnings) == 50
    assert result.warnings[-1] == "... and 11 more warnings"
    assert db.get(ScrapeRun, result.run_id).warnings == result.warnings


def test_a_database_error_fails_the_run_with_one_line_and_records_it(
    session_factory, db, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    def refuse(self, records):
        raise OperationalError("INSERT ...", {}, Exception("server closed the connection\nmore"))

    monkeypatch.setattr(Ingestor, "store_batch", refuse)
    result = execute_run(session_factory, "usajobs", lambda: iter([JOB]), kind="ingest")
    assert result.status == RunStatus.FAILED
    assert result.error == "database error: server closed the connection"
    run = db.get(ScrapeRun, result.run_id)
    assert str(run.status) == "failed" and run.finished_at is not None
    assert run.error == result.error


def test_an_interrupted_run_is_recorded_as_failed_and_the_interruption_goes_on(session_factory, db):
    def records():
        yield JOB
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        execute_run(session_factory, "usajobs", records, batch_size=None)
    run = db.scalars(select(ScrapeRun)).one()
    assert str(run.status) == "failed" and run.error == "interrupted"
    assert run.finished_at is not None
    assert count(db, JobListing) == 0


def test_a_bug_half_way_is_recorded_as_an_internal_error_and_raised(session_factory, db):
    def records():
        yield JOB
        raise TypeError("unsupported operand")

    with pytest.raises(TypeError):
        execute_run(session_factory, "usajobs", records, kind="ingest")
    run = db.scalars(select(ScrapeRun)).one()
    assert str(run.status) == "failed" and run.error == "internal error (TypeError)"


# --- reopening: a closed row seen again open by its own data ------------------------------

TODAY = date(2026, 12, 1)  # JOB closes 2026-12-15, OPPORTUNITY on 2027-01-30


def status_of(db, model, source_id):
    row = db.scalar(select(model).where(model.source_id == source_id))
    db.refresh(row)
    return str(row.status), row.closed_at


def test_a_job_closed_by_a_full_sweep_reopens_when_seen_again_unchanged(db):
    Ingestor(db, today=TODAY).store(JOB)
    sweep = Ingestor(db, today=TODAY)
    assert sweep.close_missing_jobs("usajobs") == 1
    assert status_of(db, JobListing, JOB.source_id)[0] == "closed"

    again = Ingestor(db, today=TODAY)
    assert again.store(JOB) == "unchanged"  # the content is the same ...
    assert status_of(db, JobListing, JOB.source_id) == ("open", None)  # ... and it is open
    assert (again.counts.unchanged, again.counts.reopened, again.counts.closed) == (1, 1, 0)
    assert again.counts.summary() == (
        "0 new, 0 updated, 1 unchanged, 0 closed, 1 reopened, 0 failed"
    )


def test_a_job_closed_by_its_source_stays_closed_while_an_open_one_reopens(db):
    closed_at_source = replace(JOB, source_id="800000002", title="Closed", status="closed")
    Ingestor(db, today=TODAY).store_batch([JOB, closed_at_source])
    Ingestor(db, today=TODAY).close_missing_jobs("usajobs")

    again = Ingestor(db, today=TODAY)
    assert again.store_batch([JOB, closed_at_source]) == ["unchanged", "unchanged"]
    assert status_of(db, JobListing, JOB.source_id) == ("open", None)
    status, closed_at = status_of(db, JobListing, "800000002")
    assert status == "closed" and closed_at is not None
    assert again.counts.reopened == 1


def test_a_job_past_its_close_date_stays_closed_while_a_current_one_reopens(db):
    expired = replace(JOB, source_id="800000003", title="Expired", close_date=date(2026, 11, 20))
    Ingestor(db, today=TODAY).store_batch([JOB, expired])
    assert close_expired(db, TODAY) == 1
    Ingestor(db, today=TODAY).close_missing_jobs("usajobs")

    again = Ingestor(db, today=TODAY)
    again.store_batch([JOB, expired])
    assert status_of(db, JobListing, JOB.source_id)[0] == "open"
    status, closed_at = status_of(db, JobListing, "800000003")
    assert status == "closed" and closed_at is not None
    assert again.counts.reopened == 1


def test_a_closed_job_seen_again_changed_reopens_unless_its_close_date_is_past(db):
    expired = replace(JOB, source_id="800000004", title="Expired", close_date=date(2026, 11, 20))
    Ingestor(db, today=TODAY).store_batch([JOB, expired])
    close_expired(db, TODAY)
    Ingestor(db, today=TODAY).close_missing_jobs("usajobs")

    again = Ingestor(db, today=TODAY)
    changed = [replace(JOB, grade_high=14), replace(expired, grade_high=14)]
    assert again.store_batch(changed) == ["updated", "updated"]
    assert status_of(db, JobListing, JOB.source_id) == ("open", None)
    status, closed_at = status_of(db, JobListing, "800000004")
    assert status == "closed" and closed_at is not None  # the new grade, still closed
    assert (again.counts.updated, again.counts.reopened) == (2, 1)


def test_an_opportunity_its_source_posts_again_is_reopened_and_counted(db):
    Ingestor(db, today=TODAY).store(replace(OPPORTUNITY, status="closed"))
    again = Ingestor(db, today=TODAY)
    assert again.store(OPPORTUNITY) == "updated"
    assert status_of(db, FundingOpportunity, OPPORTUNITY.source_id) == ("posted", None)
    assert again.counts.reopened == 1


def test_a_run_records_how_many_it_reopened(session_factory, db):
    closes = date.today() + timedelta(days=30)  # a run judges close dates by today's date
    jobs = [
        replace(JOB, source_id=f"8000002{i:02d}", title=f"Job {i}", close_date=closes)
        for i in range(3)
    ]
    execute_run(session_factory, "usajobs", lambda: iter(jobs), kind="ingest")
    sweep = execute_run(session_factory, "usajobs", lambda: iter(jobs[:1]), full_sweep=True)
    assert sweep.counts.closed == 2

    result = execute_run(session_factory, "usajobs", lambda: iter(jobs), kind="ingest")
    assert (result.counts.unchanged, result.counts.reopened) == (3, 2)
    assert "3 unchanged, 0 closed, 2 reopened, 0 failed" in result.summary()
    assert db.get(ScrapeRun, result.run_id).reopened == 2
    open_jobs = db.scalar(
        select(func.count()).select_from(JobListing).where(JobListing.status == "open")
    )
    assert open_jobs == 3
