"""The job index: open job listings fitted into a `matching.jobs.JobIndex`, cached per process.

Fitting classifies every open job into the work roles, so it is done once per state of the
listings, not per request. The state is read with one aggregate query (count, id sum, the
latest sighting, closing and duplicate link, plus the role model's catalog version), so a
scrape, a close or a new duplicate link rebuilds the index and nothing else does.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import JobListing, JobStatus
from app.services.fitted_cache import FittedCache
from app.services.matcher import catalog_version, job_text
from matching.jobs import JobIndex, JobPosting
from matching.roles import RoleMatcher

log = logging.getLogger(__name__)


def _open_jobs():
    """Open listings shown to job seekers: not closed, not a duplicate of another one."""
    return (JobListing.status == JobStatus.OPEN) & JobListing.duplicate_of_id.is_(None)


def listings_version(session: Session) -> str:
    """Changes whenever the set or content of open, non-duplicate jobs may have changed."""
    is_open = _open_jobs()
    row = session.execute(
        select(
            func.count().filter(is_open),
            func.coalesce(func.sum(JobListing.id).filter(is_open), 0),
            func.max(JobListing.id),
            func.max(JobListing.last_seen_at),
            func.max(JobListing.closed_at),
            func.coalesce(func.sum(JobListing.duplicate_of_id), 0),
        )
    ).one()
    key = "|".join(str(value) for value in row)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def open_postings(session: Session) -> list[JobPosting]:
    """The open, non-duplicate jobs as the matcher sees them, in id order."""
    jobs = session.scalars(select(JobListing).where(_open_jobs()).order_by(JobListing.id))
    return [
        JobPosting(
            id=job.id,
            title=job.title,
            organization=job.organization,
            text=job_text(job),
            series=tuple(job.series or ()),
            grade_low=job.grade_low,
            grade_high=job.grade_high,
            hiring_paths=tuple(p.lower() for p in job.hiring_paths or ()),
            clearance=job.clearance,
            locations=tuple(job.locations or ()),
            remote=job.remote,
            telework=job.telework,
            close_date=job.close_date,
            url=job.url,
        )
        for job in jobs
    ]


def _version(session: Session, matcher: RoleMatcher) -> str:
    # The matcher is the catalog's role model, so the catalog version accounts for it.
    return f"{catalog_version(session)}:{listings_version(session)}"


def _fit(session: Session, matcher: RoleMatcher) -> JobIndex | None:
    postings = open_postings(session)
    index = JobIndex(role_matcher=matcher).fit(postings) if postings else None
    log.info("fitted the job index on %d open jobs", len(postings))
    return index


job_indexes: FittedCache[JobIndex | None] = FittedCache("job-index", _version, _fit)
clear_cache = job_indexes.clear  # the test hook, kept under its old name


def job_index(session: Session, matcher: RoleMatcher) -> JobIndex | None:
    """The fitted index of today's open jobs (None when there are none), rebuilt on change."""
    return job_indexes.get(session, matcher)
