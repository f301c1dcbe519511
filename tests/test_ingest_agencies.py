"""Every scrape and ingest adds the agencies its jobs name, so admins can invite their posters."""

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.models import Agency
from app.services.ingest import agencies as agencies_module
from app.services.ingest.agencies import add_missing_agencies, agencies_from_jobs
from app.services.ingest.store import Ingestor, execute_run
from scrapers.records import JobRecord

JOB = JobRecord(
    source="usajobs",
    source_id="810000001",
    title="IT Specialist (INFOSEC)",
    organization="Test Agency for Ingest",
    department="Department of Testing",
    agency_code="ZZTA",
    series=("2210",),
    open_date=date(2026, 11, 1),
    close_date=date(2027, 1, 15),
    url="https://www.usajobs.gov/job/810000001",
)


def agency(db, code: str) -> Agency | None:
    return db.scalar(select(Agency).where(Agency.code == code))


def test_a_scrape_adds_an_agency_for_a_code_it_has_not_seen(session_factory, db):
    result = execute_run(session_factory, "usajobs", lambda: iter([JOB]))
    assert result.counts.new == 1
    added = agency(db, "ZZTA")
    assert added is not None
    assert (added.name, added.department) == ("Test Agency for Ingest", "Department of Testing")


def test_one_agency_per_code_however_written_and_an_existing_one_is_left_alone(db):
    db.add(Agency(code="ZZTB", name="Named by an admin"))
    ingestor = Ingestor(db)
    ingestor.store(JOB)
    ingestor.store(replace(JOB, source_id="810000002", agency_code=" zzta ", organization="Other"))
    ingestor.store(replace(JOB, source_id="810000003", agency_code="ZZTB", organization="Jobs"))
    assert agencies_from_jobs(db) == 1
    assert agency(db, "ZZTA").name == "Test Agency for Ingest"  # the first job's
    assert agency(db, "ZZTB").name == "Named by an admin"
    assert agencies_from_jobs(db) == 0  # a second pass adds nothing


def test_jobs_without_a_code_or_organisation_add_nothing(db):
    before = set(db.scalars(select(Agency.code)))
    ingestor = Ingestor(db)
    ingestor.store(replace(JOB, agency_code=None))
    ingestor.store(replace(JOB, source_id="810000004", agency_code="ZZTC", organization=None))
    assert agencies_from_jobs(db) == 0
    assert set(db.scalars(select(Agency.code))) == before


def test_a_failed_ingest_of_a_file_adds_no_agency(session_factory, db):
    def records():
        yield JOB
        raise ValueError("the file ends half-way")

    result = execute_run(session_factory, "usajobs", records, kind="ingest", batch_size=None)
    assert str(result.status) == "failed"
    assert agency(db, "ZZTA") is None


def test_another_run_adding_the_same_agency_first_is_not_an_error(session_factory, db, monkeypatch):
    Ingestor(db).store(JOB)
    db.commit()
    real = agencies_module.agencies_from_jobs
    attempts = []

    def beaten_once(session):
        """The first attempt loses the race: the other run's row lands and the insert fails."""
        attempts.append(session)
        if len(attempts) == 1:
            with session_factory() as other:
                other.add(Agency(code="ZZTA", name="Added by the other run"))
                other.commit()
            raise IntegrityError("INSERT INTO agencies", {}, Exception("unique code"))
        return real(session)

    monkeypatch.setattr(agencies_module, "agencies_from_jobs", beaten_once)
    assert add_missing_agencies(session_factory) == 0
    assert len(attempts) == 2
    assert agency(db, "ZZTA").name == "Added by the other run"


def test_a_run_is_not_failed_by_agencies_it_could_not_add(session_factory, db, monkeypatch):
    def always_beaten(session):
        raise IntegrityError("INSERT INTO agencies", {}, Exception("unique code"))

    monkeypatch.setattr(agencies_module, "agencies_from_jobs", always_beaten)
    result = execute_run(session_factory, "usajobs", lambda: iter([JOB]))
    assert str(result.status) == "succeeded" and result.counts.new == 1
