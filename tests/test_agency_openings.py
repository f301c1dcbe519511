"""Agency openings: drafts, publishing as jobs, edits, closing, versions, audit and twins."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import (
    Agency,
    AgencyOpening,
    AgencyOpeningVersion,
    AuditEntry,
    ClassificationSource,
    JobListing,
    JobStatus,
    OpeningStatus,
)
from app.services.agency import openings
from app.services.agency.openings import OpeningConflict, OpeningError
from app.services.funding.links import open_jobs_for_role
from app.services.ingest.store import Ingestor
from app.services.seekers import job_index
from app.services.seekers.jobs import JobFilters, browse_jobs
from scrapers.records import JobRecord

from .seeker_docs import FORENSICS_JOB_TEXT, add_job

TODAY = date.today()
FORENSICS = "IN-WRL-002"  # Digital Evidence Analysis
SOC = "PD-WRL-001"  # Defensive Cybersecurity
NUMBER = "CISA-27-12345-DE"


def full_values(**changes) -> dict:
    values = {
        "title": "Digital Forensics Examiner",
        "announcement_number": NUMBER,
        "series": ["2210"],
        "pay_plan": "gs",
        "grade_low": "12",
        "grade_high": 13,
        "salary_min": "104,604",
        "salary_max": 161_486.0,
        "locations": "Arlington, Virginia\nRemote eligible; Denver, Colorado",
        "remote": False,
        "telework": True,
        "hiring_paths": ["Public", "vet"],
        "who_may_apply": "U.S. citizens and veterans.",
        "clearance": "Secret",
        "open_date": TODAY.isoformat(),
        "close_date": TODAY + timedelta(days=20),
        "duties": FORENSICS_JOB_TEXT,
        "qualifications": "One year of specialized experience at the GS-11 level.",
        "apply_url": "https://apply.example.gov/cisa-27-12345",
        "work_roles": [FORENSICS, SOC],
        "opm_codes": ["212"],
    }
    values.update(changes)
    return values


def make_poster(db, email: str, code: str):
    from app.services.accounts import create_user

    agency = db.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        agency = Agency(code=code, name=f"Agency {code}", department="Department of Tests")
        db.add(agency)
        db.flush()
    user = create_user(db, email, "Pat Poster", "a long passphrase", ["agency_poster"])
    user.agency_id = agency.id
    db.flush()
    return user


@pytest.fixture
def poster(db, catalog):
    return make_poster(db, "poster@cisa.example.gov", "ZZCISA")


def published(db, user, **changes) -> AgencyOpening:
    opening = openings.create_draft(db, user, full_values(**changes))
    return openings.publish(db, opening, user, base_version=opening.version, today=TODAY)


def audit(db, action: str) -> list[AuditEntry]:
    return list(
        db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )


# -- drafts -----------------------------------------------------------------------------------


def test_a_draft_needs_only_a_title_and_is_version_one_audited(db, poster):
    opening = openings.create_draft(db, poster, {"title": "  SOC Analyst ", "grade_low": ""})
    assert (opening.status, opening.version, opening.title) == (
        OpeningStatus.DRAFT,
        1,
        "SOC Analyst",
    )
    assert opening.agency_id == poster.agency_id and opening.created_by_id == poster.id
    [version] = openings.versions(db, opening)
    assert (version.number, version.action, version.actor) == (1, "create", poster.email)
    assert version.document["title"] == "SOC Analyst" and version.document["status"] == "draft"
    [entry] = audit(db, "agency.create")
    assert (entry.entity_type, entry.entity_id) == ("agency_opening", str(opening.id))
    with pytest.raises(OpeningError) as error:
        openings.create_draft(db, poster, {"title": "  "})
    assert error.value.field == "title"


def test_a_user_without_an_agency_cannot_draft(db, poster):
    poster.agency_id = None
    with pytest.raises(OpeningError, match="not linked to an agency"):
        openings.create_draft(db, poster, {"title": "SOC Analyst"})


def test_another_agencys_poster_can_neither_see_nor_change_an_opening(db, poster):
    other = make_poster(db, "poster@nsa.example.gov", "ZZNSA")
    opening = openings.create_draft(db, poster, {"title": "SOC Analyst"})
    assert openings.get_opening(db, opening.id, poster) is opening
    assert openings.get_opening(db, opening.id, other) is None
    assert openings.get_opening(db, 10**9, poster) is None
    with pytest.raises(OpeningError):
        openings.update_opening(db, opening, other, {"title": "Mine"}, base_version=1)
    assert openings.openings_for(db, other.agency_id) == []


def test_a_draft_can_be_deleted_audited_with_its_title(db, poster):
    opening = openings.create_draft(db, poster, {"title": "Never mind"})
    opening_id = opening.id
    openings.delete_draft(db, opening, poster)
    assert db.get(AgencyOpening, opening_id) is None
    [entry] = audit(db, "agency.delete")
    assert entry.note == "Never mind" and entry.entity_id == str(opening_id)


def test_openings_are_listed_drafts_then_published_by_close_date_then_ended(db, poster):
    later = published(
        db, poster, title="Later", announcement_number="A-2", close_date=TODAY + timedelta(days=30)
    )
    sooner = published(db, poster, title="Sooner", announcement_number="A-1")
    ended = published(db, poster, title="Ended", announcement_number="A-3")
    openings.close(db, ended, poster, base_version=ended.version)
    draft = openings.create_draft(db, poster, {"title": "Draft"})
    titles = [o.title for o in openings.openings_for(db, poster.agency_id)]
    assert titles == [draft.title, sooner.title, later.title, ended.title]


# -- publishing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "title"),
        ("announcement_number", None, "announcement number"),
        ("series", [], "at least one job series"),
        ("series", ["221"], "4 digits"),
        ("pay_plan", "", "pay plan"),
        ("grade_low", None, "lowest grade"),
        ("grade_high", 16, "from 1 to 15"),
        ("grade_high", 11, "cannot be below the lowest"),
        ("grade_low", "twelve", "as a number"),
        ("grade_low", "12.5", "whole number"),
        ("salary_min", None, "lowest salary"),
        ("salary_max", 90_000, "cannot be below the lowest"),
        ("locations", [], "or say the job is remote"),
        ("open_date", None, "opens"),
        ("open_date", "31/12/2027", "as a date"),
        ("close_date", None, "closing date"),
        ("close_date", TODAY, "after the opening date"),
        ("duties", " ", "duties"),
        ("qualifications", None, "qualifications"),
        ("apply_url", "http://apply.example.gov/x", "https://"),
        ("work_roles", [], "at least one work role"),
        ("work_roles", ["XX-WRL-999"], "not a work role"),
        ("opm_codes", [], "OPM cyber code"),
        ("opm_codes", ["21"], "3 digits"),
        ("hiring_paths", [], "hiring path"),
        ("hiring_paths", ["everyone"], "not a USAJOBS hiring path"),
    ],
)
def test_publishing_checks_every_field_and_names_it(db, poster, field, value, message):
    with pytest.raises(OpeningError) as error:
        opening = openings.create_draft(db, poster, full_values(**{field: value}))
        openings.publish(db, opening, poster, base_version=1, today=TODAY)
    assert error.value.field == field
    assert message in error.value.message


def test_a_close_date_in_the_past_cannot_be_published(db, poster):
    opening = openings.create_draft(
        db,
        poster,
        full_values(open_date=TODAY - timedelta(days=9), close_date=TODAY - timedelta(days=1)),
    )
    with pytest.raises(OpeningError, match="has passed") as error:
        openings.publish(db, opening, poster, base_version=1, today=TODAY)
    assert error.value.field == "close_date" and opening.status is OpeningStatus.DRAFT


def test_remote_alone_is_a_place(db, poster):
    opening = published(db, poster, locations=[], remote=True)
    assert opening.status is OpeningStatus.PUBLISHED and opening.job.remote is True


def test_publishing_writes_the_job_listing_coded_with_the_chosen_roles(db, poster):
    opening = published(db, poster)
    job = opening.job
    assert job is not None and opening.published_at is not None
    assert (opening.status, opening.version) == (OpeningStatus.PUBLISHED, 2)
    assert (job.source, job.source_id, job.status) == ("agency", str(opening.id), JobStatus.OPEN)
    assert (job.organization, job.department, job.agency_code) == (
        "Agency ZZCISA", "Department of Tests", "ZZCISA",
    )  # fmt: skip
    assert job.announcement_number == NUMBER and job.series == ["2210"] and job.pay_plan == "GS"
    assert (job.grade_low, job.grade_high, job.salary_min, job.salary_max) == (
        12,
        13,
        104604,
        161486,
    )
    assert job.locations == ["Arlington, Virginia", "Remote eligible", "Denver, Colorado"]
    assert job.hiring_paths == ["public", "vet"] and job.clearance == "Secret"
    assert (job.open_date, job.close_date) == (TODAY, TODAY + timedelta(days=20))
    assert job.summary == FORENSICS_JOB_TEXT and "U.S. citizens and veterans." in job.body
    assert job.body.startswith("One year of specialized")
    assert job.url == "https://apply.example.gov/cisa-27-12345" and job.posted_by_id == poster.id
    assert job.is_sample is False and len(job.content_hash) == 64 and job.fingerprint is None
    assert [(c.work_role_id, c.rank, c.score, c.source) for c in job.classifications] == [
        (FORENSICS, 1, 100.0, ClassificationSource.STAFF),
        (SOC, 2, 90.0, ClassificationSource.STAFF),
    ]
    assert all(c.reviewed_by_id == poster.id for c in job.classifications)
    [version] = [v for v in openings.versions(db, opening) if v.action == "publish"]
    assert version.document["status"] == "published"
    assert version.document["close_date"] == (TODAY + timedelta(days=20)).isoformat()
    [entry] = audit(db, "agency.publish")
    assert entry.changes["fields"]["status"] == ["draft", "published"]


def test_the_published_job_is_shown_like_a_scraped_one(db, poster):
    opening = published(db, poster)
    job_id = opening.job.id
    page = browse_jobs(db, JobFilters(work_role=FORENSICS), TODAY, per_page=200)
    assert job_id in [job.id for job in page.jobs]
    jobs, _ = open_jobs_for_role(db, SOC, TODAY, limit=500)
    assert job_id in [job.id for job in jobs]
    [posting] = [p for p in job_index.open_postings(db) if p.id == job_id]
    assert posting.roles == (FORENSICS, SOC) and posting.hiring_paths == ("public", "vet")


def test_closing_takes_the_job_out_of_the_listings(db, poster):
    opening = published(db, poster)
    job_id = opening.job.id
    before = job_index.listings_version(db)
    openings.close(db, opening, poster, base_version=opening.version)
    assert opening.status is OpeningStatus.CLOSED and opening.closed_at is not None
    assert opening.job.status is JobStatus.CLOSED and opening.job.closed_at is not None
    assert job_id not in [j.id for j in browse_jobs(db, JobFilters(), TODAY, per_page=500).jobs]
    assert job_id not in [j.id for j in open_jobs_for_role(db, FORENSICS, TODAY, limit=500)[0]]
    assert job_id not in [p.id for p in job_index.open_postings(db)]
    assert job_index.listings_version(db) != before
    assert [v.action for v in openings.versions(db, opening)] == ["close", "publish", "create"]


def test_withdrawing_closes_the_job_too(db, poster):
    opening = published(db, poster)
    openings.withdraw(db, opening, poster, base_version=opening.version)
    assert opening.status is OpeningStatus.WITHDRAWN and opening.job.status is JobStatus.CLOSED
    assert audit(db, "agency.withdraw")[0].changes["fields"]["status"] == ["published", "withdrawn"]


def test_refused_transitions(db, poster):
    draft = openings.create_draft(db, poster, full_values())
    with pytest.raises(OpeningError, match="Only a published"):
        openings.close(db, draft, poster, base_version=1)
    with pytest.raises(OpeningError, match="Only a published"):
        openings.withdraw(db, draft, poster, base_version=1)
    live = openings.publish(db, draft, poster, base_version=1, today=TODAY)
    with pytest.raises(OpeningError, match="Only a draft can be published"):
        openings.publish(db, live, poster, base_version=live.version, today=TODAY)
    with pytest.raises(OpeningError, match="Only a draft can be deleted"):
        openings.delete_draft(db, live, poster)
    openings.close(db, live, poster, base_version=live.version)
    for action in (openings.close, openings.withdraw):
        with pytest.raises(OpeningError):
            action(db, live, poster, base_version=live.version)
    with pytest.raises(OpeningError, match="cannot be edited"):
        openings.update_opening(db, live, poster, {"title": "Again"}, base_version=live.version)


def test_two_live_openings_cannot_share_an_announcement_number(db, poster):
    published(db, poster)
    with pytest.raises(OpeningError) as error:
        published(db, poster, announcement_number=f" {NUMBER.lower()} ")
    assert error.value.field == "announcement_number"


# -- editing ----------------------------------------------------------------------------------


def test_editing_a_published_opening_versions_audits_and_updates_its_job(db, poster):
    opening = published(db, poster)
    before = job_index.listings_version(db)
    openings.update_opening(
        db,
        opening,
        poster,
        {"title": "Senior Digital Forensics Examiner", "work_roles": [SOC], "grade_high": 14},
        base_version=2,
    )
    assert opening.version == 3 and opening.job.title == "Senior Digital Forensics Examiner"
    assert opening.job.grade_high == 14
    assert [(c.work_role_id, c.score) for c in opening.job.classifications] == [(SOC, 100.0)]
    assert job_index.listings_version(db) != before  # the job index is rebuilt
    newest, previous = openings.versions(db, opening)[:2]
    assert newest.action == "edit" and newest.number == 3
    changes = openings.version_changes(previous.document, newest.document)
    assert changes == [
        ("title", "Digital Forensics Examiner", "Senior Digital Forensics Examiner"),
        ("grade_high", 13, 14),
        ("work_roles", [FORENSICS, SOC], [SOC]),
    ]
    [entry] = audit(db, "agency.edit")
    assert entry.changes["fields"]["grade_high"] == [13, 14] and entry.actor == poster.email
    assert openings.version_changes(None, {"title": "x"}) == [("title", None, "x")]


def test_an_edit_that_would_not_publish_is_refused_and_changes_nothing(db, poster):
    opening = published(db, poster)
    with pytest.raises(OpeningError) as error:
        openings.update_opening(db, opening, poster, {"duties": "", "title": "New"}, base_version=2)
    assert error.value.field == "duties"
    assert opening.duties == FORENSICS_JOB_TEXT and opening.title == "Digital Forensics Examiner"
    assert opening.version == 2 and opening.job.summary == FORENSICS_JOB_TEXT


def test_a_draft_edit_keeps_it_a_draft_without_a_job(db, poster):
    opening = openings.create_draft(db, poster, {"title": "SOC Analyst"})
    openings.update_opening(
        db, opening, poster, {"grade_low": 9, "series": "2210, 0854"}, base_version=1
    )
    assert opening.status is OpeningStatus.DRAFT and opening.job is None
    assert opening.series == ["2210", "0854"] and opening.version == 2


def test_nothing_changed_is_refused(db, poster):
    opening = openings.create_draft(db, poster, full_values())
    with pytest.raises(OpeningError, match="Nothing changed"):
        openings.update_opening(db, opening, poster, full_values(), base_version=1)


def test_a_save_that_loses_the_race_for_its_version_number_is_a_conflict(
    db, session_factory, poster
):
    """Both saves passed the version check; the other's version 2 was stored first."""
    opening = openings.create_draft(db, poster, {"title": "SOC Analyst"})
    db.commit()
    with session_factory() as other:
        other.add(
            AgencyOpeningVersion(
                opening_id=opening.id, number=2, action="edit", document={}, actor="other@x.gov"
            )
        )
        other.commit()
    with pytest.raises(OpeningConflict):
        openings.update_opening(db, opening, poster, {"title": "Mine"}, base_version=1)


def test_a_save_from_an_old_version_is_a_conflict(db, poster):
    opening = openings.create_draft(db, poster, {"title": "SOC Analyst"})
    openings.update_opening(db, opening, poster, {"title": "SOC Analyst II"}, base_version=1)
    with pytest.raises(OpeningConflict) as conflict:
        openings.update_opening(db, opening, poster, {"title": "Mine"}, base_version=1)
    assert conflict.value.current is opening and opening.title == "SOC Analyst II"
    for action in (openings.publish,):
        with pytest.raises(OpeningConflict):
            action(db, opening, poster, base_version=1, today=TODAY)


# -- closing at the close date ----------------------------------------------------------------


def test_openings_past_their_close_date_close_by_themselves(db, poster):
    due = published(db, poster, announcement_number="A-1", close_date=TODAY + timedelta(days=2))
    later = published(db, poster, announcement_number="A-2", close_date=TODAY + timedelta(days=3))
    assert openings.close_expired(db, TODAY + timedelta(days=3)) == 1
    assert due.status is OpeningStatus.CLOSED and due.job.status is JobStatus.CLOSED
    assert later.status is OpeningStatus.PUBLISHED
    newest = openings.versions(db, due)[0]
    assert (newest.action, newest.actor, newest.user_id) == ("close", "system", None)
    [entry] = audit(db, "agency.close")
    assert entry.actor == "system" and entry.entity_id == str(due.id)
    assert openings.close_expired(db, TODAY + timedelta(days=3)) == 0


# -- twins ------------------------------------------------------------------------------------


def usajobs_record(number: str | None = NUMBER, source_id: str = "800001", **changes) -> JobRecord:
    values = {
        "source": "usajobs",
        "source_id": source_id,
        "title": "IT Specialist (INFOSEC)",
        "organization": "Cybersecurity and Infrastructure Security Agency",
        "announcement_number": number,
        "series": ("2210",),
        "grade_low": 12,
        "grade_high": 13,
        "locations": ("Arlington, Virginia",),
        "hiring_paths": ("public",),
        "close_date": TODAY + timedelta(days=20),
        "url": f"https://www.usajobs.gov/job/{source_id}",
        "summary": FORENSICS_JOB_TEXT,
    }
    values.update(changes)
    return JobRecord(**values)


def scraped(db, record: JobRecord) -> JobListing:
    Ingestor(db).store(record)
    db.flush()
    job = db.scalar(
        select(JobListing).where(
            JobListing.source == record.source, JobListing.source_id == record.source_id
        )
    )
    db.refresh(job)
    return job


def shown_ids(db) -> set[int]:
    return {job.id for job in browse_jobs(db, JobFilters(), TODAY, per_page=1000).jobs}


def test_publishing_links_the_usajobs_twin_already_stored(db, poster):
    twin = scraped(db, usajobs_record(f"  {NUMBER.lower()} "))
    other = scraped(db, usajobs_record("OTHER-1", "800002", title="Other"))
    assert twin.id in shown_ids(db)
    opening = published(db, poster)
    db.refresh(twin)
    assert twin.duplicate_of_id == opening.job.id and other.duplicate_of_id is None
    shown = shown_ids(db)
    assert opening.job.id in shown and twin.id not in shown and other.id in shown


def test_a_usajobs_twin_stored_after_publishing_is_linked_by_the_store(db, poster):
    opening = published(db, poster)
    twin = scraped(db, usajobs_record())
    assert twin.duplicate_of_id == opening.job.id
    # Stored again, changed, and beside a same-fingerprint copy: the link holds.
    copy = scraped(db, usajobs_record(source_id="800009", summary="The status-only copy."))
    db.refresh(twin)
    assert twin.duplicate_of_id == opening.job.id and copy.duplicate_of_id == opening.job.id
    twin = scraped(db, usajobs_record(summary="Changed text."))
    assert twin.duplicate_of_id == opening.job.id
    assert twin.id not in shown_ids(db) and opening.job.id in shown_ids(db)


def test_a_twin_is_unlinked_when_the_numbers_part(db, poster):
    opening = published(db, poster)
    twin = scraped(db, usajobs_record())
    assert twin.duplicate_of_id == opening.job.id
    openings.update_opening(
        db, opening, poster, {"announcement_number": "CISA-27-99999-DE"}, base_version=2
    )
    db.refresh(twin)
    assert twin.duplicate_of_id is None and twin.id in shown_ids(db)
    assert openings.link_twins(db) == 0


def test_jobs_page_shows_the_agency_job_once(client, db, poster):
    scraped(db, usajobs_record(title="Digital Forensics Examiner"))
    published(db, poster)
    add_job(db, title="Unrelated job")
    db.commit()
    html = client.get("/jobs/?q=").get_data(as_text=True)
    assert html.count("Digital Forensics Examiner") == 1


def test_two_scheduled_closings_at_once_close_each_opening_once(scratch_database_url):
    """`pathfinder purge` on two machines at the same moment: neither fails on the other's
    versions, and every opening past its date is closed once, by one of them."""
    from sqlalchemy.orm import sessionmaker

    from app import migrate
    from app.catalog.loader import load_catalog_into
    from app.db import make_engine, session_scope

    from .conftest import DATA_DIR, at_once

    migrate.upgrade(scratch_database_url)
    engine = make_engine(scratch_database_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with session_scope(factory) as session:
        load_catalog_into(session, DATA_DIR)
        user = make_poster(session, "poster@cisa.example.gov", "ZZCISA")
        tomorrow = TODAY + timedelta(days=1)
        for n in range(12):
            published(session, user, announcement_number=f"CISA-{n}", close_date=tomorrow)

    def scheduled_run() -> int:
        with session_scope(factory) as session:
            return openings.close_expired(session, TODAY + timedelta(days=2))

    try:
        closed = at_once(scheduled_run, scheduled_run)
        assert sum(closed) == 12
        with factory() as session:
            closings = session.scalars(
                select(AgencyOpeningVersion.opening_id).where(
                    AgencyOpeningVersion.action == "close"
                )
            ).all()
            assert sorted(closings) == sorted(set(closings)) and len(closings) == 12
            statuses = set(session.scalars(select(AgencyOpening.status)))
            assert statuses == {OpeningStatus.CLOSED}
    finally:
        engine.dispose()
