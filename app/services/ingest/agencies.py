"""The `Agency` rows that stored listings name, kept up by every scrape and ingest.

The store keeps a job's `agency_code`, organisation and department on the listing; admins
choose among `Agency` rows when they invite a poster. After each run, `add_missing_agencies`
adds an `Agency` for each code the stored jobs name that has none yet (its name the
organisation's, its department the job's), so a scrape of a new agency's jobs is all it takes
for that agency to be invitable.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.models import Agency, JobListing

__all__ = ["add_missing_agencies", "agencies_from_jobs"]

log = logging.getLogger(__name__)
CODE_LENGTH = Agency.__table__.c.code.type.length


def agencies_from_jobs(session: Session) -> int:
    """An `Agency` for every agency code of the stored jobs that has none; returns how many.

    One row per code (its first job's organisation and department); codes that do not fit
    the column are skipped.
    """
    known = select(Agency.code)
    first_jobs = (
        select(func.min(JobListing.id))
        .where(
            JobListing.agency_code.is_not(None),
            JobListing.organization.is_not(None),
            func.upper(func.trim(JobListing.agency_code)).not_in(known),
        )
        .group_by(func.upper(func.trim(JobListing.agency_code)))
    )
    rows = session.execute(
        select(JobListing.agency_code, JobListing.organization, JobListing.department)
        .where(JobListing.id.in_(first_jobs))
        .order_by(JobListing.id)
    )
    added: set[str] = set()
    for code, organization, department in rows:
        code = code.strip().upper()
        if not code or code in added or len(code) > CODE_LENGTH:
            continue
        session.add(Agency(code=code, name=organization[:255], department=department))
        added.add(code)
    session.flush()
    return len(added)


def add_missing_agencies(factory: sessionmaker[Session]) -> int:
    """`agencies_from_jobs` in its own transaction, safe beside another run doing the same.

    Two runs of different sources may finish together and both add one new code: the
    second's insert then fails on the unique code, and it tries once more, finding the
    first's row. A failure here never fails the run whose listings are already stored.
    """
    for attempt in (1, 2):
        with factory() as session:
            try:
                added = agencies_from_jobs(session)
                session.commit()
                return added
            except IntegrityError:
                session.rollback()
                if attempt == 2:
                    log.warning("agencies were not updated: another run kept adding them")
    return 0
