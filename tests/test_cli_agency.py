"""`pathfinder agency close-expired`, and `pathfinder purge` closing openings too."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app.db import make_engine
from app.models import AgencyOpening, JobListing, JobStatus, OpeningStatus
from app.services.agency import openings

from .test_agency_openings import full_values, make_poster

TODAY = date.today()


def add_published(url: str, **changes) -> int:
    """A published opening in the scratch database, closing as `changes` say."""
    engine = make_engine(url)
    with sessionmaker(bind=engine)() as session:
        poster = make_poster(session, f"poster{len(changes)}@example.gov", "ZZCLI")
        draft = openings.create_draft(session, poster, full_values(**changes))
        opening = openings.publish(
            session, draft, poster, base_version=1, today=draft.open_date or TODAY
        )
        session.commit()
        opening_id = opening.id
    engine.dispose()
    return opening_id


def state(url: str, opening_id: int) -> tuple[OpeningStatus, JobStatus]:
    engine = make_engine(url)
    with sessionmaker(bind=engine)() as session:
        opening = session.get(AgencyOpening, opening_id)
        job = session.scalar(select(JobListing).where(JobListing.id == opening.job_id))
        result = (opening.status, job.status)
    engine.dispose()
    return result


def test_close_expired_closes_openings_past_their_date(loaded, scratch_database_url):
    past = add_published(
        scratch_database_url,
        open_date=TODAY - timedelta(days=30),
        close_date=TODAY - timedelta(days=1),
    )
    result = loaded("agency", "close-expired")
    assert result.exit_code == 0, result.output
    assert "Closed 1 agency opening past their closing date." in result.output
    assert state(scratch_database_url, past) == (OpeningStatus.CLOSED, JobStatus.CLOSED)
    again = loaded("agency", "close-expired")
    assert "Closed 0 agency openings" in again.output


def test_close_expired_judges_against_the_day_given(loaded, scratch_database_url):
    live = add_published(scratch_database_url, close_date=TODAY + timedelta(days=5))
    assert "Closed 0" in loaded("agency", "close-expired").output
    result = loaded("agency", "close-expired", "--today", str(TODAY + timedelta(days=6)))
    assert result.exit_code == 0 and "Closed 1 agency opening " in result.output
    assert state(scratch_database_url, live)[0] is OpeningStatus.CLOSED


def test_the_hourly_purge_closes_expired_openings_too(loaded, scratch_database_url):
    past = add_published(
        scratch_database_url,
        open_date=TODAY - timedelta(days=30),
        close_date=TODAY - timedelta(days=1),
    )
    result = loaded("purge")
    assert result.exit_code == 0, result.output
    assert "Deleted 0 job-seeker matches" in result.output
    assert "Closed 1 agency opening past their closing date." in result.output
    assert state(scratch_database_url, past)[0] is OpeningStatus.CLOSED
