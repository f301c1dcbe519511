"""The job index: open job listings fitted into a `matching.jobs.JobIndex`, cached per process.

Fitting classifies every open job into the work roles, so it is done once per state of the
listings, not per request. The state is the listings table's change stamp
(`app.services.table_changes`) and the role model's catalog version, so a scrape that changed
a listing, a close, a new duplicate link or a catalog change rebuilds the index and nothing
else does. While a new index is fitted in the background, requests are served the previous
one.

A job whose work roles staff set or confirmed (its classifications have source "staff") is
given to the index with those roles (`JobPosting.roles`), which it uses instead of its own
classification. Staff decisions count from the next request, whatever index is being served:
`job_index` lays the database's current staff roles over it (`JobIndex.with_staff_roles`, no
refit), again only when a review was added.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    ClassificationReview,
    ClassificationSource,
    JobListing,
    JobRoleClassification,
    JobStatus,
)
from app.services import table_changes
from app.services.fitted_cache import FittedCache
from app.services.matcher import catalog_version, job_text
from matching.jobs import JobIndex, JobPosting
from matching.roles import RoleMatcher

log = logging.getLogger(__name__)


def _open_jobs():
    """Open listings shown to job seekers: not closed, not a duplicate of another one."""
    return (JobListing.status == JobStatus.OPEN) & JobListing.duplicate_of_id.is_(None)


def listings_version(session: Session) -> str:
    """Changes whenever the job listings do (the database records every write)."""
    return str(table_changes.stamp(session, JobListing.__tablename__))


def reviews_version(session: Session) -> str:
    """Changes whenever staff review a job's classification (reviews are only added)."""
    count, last = session.execute(select(func.count(), func.max(ClassificationReview.id))).one()
    return f"{count}:{last}"


def staff_roles(session: Session) -> dict[int, tuple[str, ...]]:
    """{job id: its staff-set work roles, primary first} for the open jobs staff reviewed."""
    rows = session.execute(
        select(JobRoleClassification.job_id, JobRoleClassification.work_role_id)
        .join(JobListing, JobListing.id == JobRoleClassification.job_id)
        .where(_open_jobs(), JobRoleClassification.source == ClassificationSource.STAFF)
        .order_by(JobRoleClassification.job_id, JobRoleClassification.rank)
    )
    roles: dict[int, list[str]] = {}
    for job_id, role_id in rows:
        roles.setdefault(job_id, []).append(role_id)
    return {job_id: tuple(ids) for job_id, ids in roles.items()}


def open_postings(session: Session) -> list[JobPosting]:
    """The open, non-duplicate jobs as the matcher sees them, in id order."""
    jobs = session.scalars(select(JobListing).where(_open_jobs()).order_by(JobListing.id))
    reviewed = staff_roles(session)
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
            roles=reviewed.get(job.id, ()),
        )
        for job in jobs
    ]


def _version(session: Session, matcher: RoleMatcher) -> str:
    # The matcher is the catalog's role model, so the catalog version accounts for it. Reviews
    # are not part of it: `_with_current_reviews` applies them without a refit.
    return f"{catalog_version(session)}:{listings_version(session)}"


def _fit(session: Session, matcher: RoleMatcher) -> JobIndex | None:
    postings = open_postings(session)
    index = JobIndex(role_matcher=matcher).fit(postings) if postings else None
    log.info("fitted the job index on %d open jobs", len(postings))
    return index


job_indexes: FittedCache[JobIndex | None] = FittedCache("job-index", _version, _fit)

# (fitted index, reviews version, that index with those reviews' roles), replaced as a whole.
_reviewed: tuple[JobIndex, str, JobIndex] | None = None
_reviewed_lock = threading.Lock()


def _with_current_reviews(session: Session, index: JobIndex) -> JobIndex:
    """`index` with the staff roles the database holds now (computed once per review)."""
    global _reviewed
    version = reviews_version(session)
    entry = _reviewed
    if entry is not None and entry[0] is index and entry[1] == version:
        return entry[2]
    with _reviewed_lock:
        roles = staff_roles(session)
        current = index if roles == index.staff_roles() else index.with_staff_roles(roles)
        _reviewed = (index, version, current)
    return current


def clear_cache() -> None:
    """Forget the fitted index and its reviewed copy (the test hook)."""
    global _reviewed
    job_indexes.clear()
    _reviewed = None


def job_index(session: Session, matcher: RoleMatcher) -> JobIndex | None:
    """The fitted index of today's open jobs (None when there are none), with staff's roles."""
    index = job_indexes.get(session, matcher)
    return None if index is None else _with_current_reviews(session, index)
