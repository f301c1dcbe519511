"""The agencies posters post for: the `Agency` rows, by USAJOBS organisation code.

Nothing else creates them: the store keeps a job's `agency_code`, organisation and department
on the listing. `agencies_from_jobs` adds an `Agency` for each code the stored jobs name that
has none yet (its name the organisation's, its department the job's), so a first
`pathfinder samples load` or scrape gives admins agencies to choose when inviting a poster.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Agency, JobListing

__all__ = ["agencies_from_jobs", "agency_by_code", "agency_choices"]


def agency_choices(session: Session) -> list[Agency]:
    """Every agency, by name."""
    return list(session.scalars(select(Agency).order_by(Agency.name, Agency.code)))


def agency_by_code(session: Session, code: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.code == (code or "").strip().upper()))


def agencies_from_jobs(session: Session) -> int:
    """An `Agency` for every agency code of the stored jobs that has none; returns how many."""
    known = set(session.scalars(select(Agency.code)))
    rows = session.execute(
        select(JobListing.agency_code, JobListing.organization, JobListing.department)
        .where(JobListing.agency_code.is_not(None), JobListing.organization.is_not(None))
        .order_by(JobListing.agency_code, JobListing.id)
    )
    added = 0
    for code, organization, department in rows:
        code = (code or "").strip().upper()
        if not code or code in known or len(code) > 32:
            continue
        session.add(Agency(code=code, name=organization[:255], department=department))
        known.add(code)
        added += 1
    session.flush()
    return added
