"""OPM staff review job classifications: a queue by confidence, then accept or override.

The queue lists open, non-duplicate jobs by *confidence*: the matcher's top work-role score
for the job (calibrated 0-100; the score of its first stored classification), lowest first;
jobs not classified yet come before all others. Each job comes with the matcher's
explanation: the skills it found in the text and its best roles with their scores.

A decision (`save_review`) is recorded three ways, in the caller's transaction:

- a `ClassificationReview` (who, when, accept or override, the roles, the OPM code, why);
- the job's `JobRoleClassification` rows, which become source "staff" (the matcher's
  `classify_jobs` never overwrites those): an accept keeps the stored roles and scores; an
  override replaces them with the 1 to 3 roles staff chose, primary first, each with the
  matcher's score for it (for reference);
- an `AuditEntry` "classification.accept" or "classification.override" with before and after.

From the next request, job browsing, the role links' open jobs and seekers' job matches use
the staff roles (the job index's version follows the reviews), and an override becomes a
labelled example of the role model, which refits (`app.services.matcher.catalog_version`
counts override reviews).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from app.models import (
    AuditEntry,
    ClassificationReview,
    ClassificationSource,
    JobListing,
    JobRoleClassification,
    JobStatus,
    User,
    WorkRole,
    WorkRoleOpmCode,
)
from app.services.matcher import OVERRIDE, job_text, role_matcher
from matching.roles import RoleMatch, RoleMatcher
from vocabulary.text import is_ascii_digits

ACCEPT = "accept"
ACTIONS = (ACCEPT, OVERRIDE)
STATUSES = ("unreviewed", "reviewed", "all")
PER_PAGE = 20
MAX_ROLES = 3
EXPLAINED_ROLES = 3  # in the queue
DETAILED_ROLES = 5  # on a job's review page
SKILLS_SHOWN = 12
REASON_MAX = 2000


class ReviewError(ValueError):
    """A decision that cannot be saved; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Explanation:
    """Why the matcher classified a job as it did."""

    skills: list[str]  # the skills it credits the text with, in order of first mention
    roles: list[RoleMatch]  # its best roles, with scores and the skills behind each


@dataclass(frozen=True)
class QueueItem:
    job: JobListing
    confidence: float | None  # None: not classified yet
    review: ClassificationReview | None  # the latest one
    explanation: Explanation | None  # None when the matcher is not available


@dataclass(frozen=True)
class ReviewQueue:
    items: list[QueueItem]
    total: int
    page: int
    pages: int
    status: str
    matcher_available: bool = True

    @property
    def jobs(self) -> list[JobListing]:
        return [item.job for item in self.items]


@dataclass(frozen=True)
class ReviewSubject:
    """One job as its review page shows it."""

    job: JobListing
    confidence: float | None
    explanation: Explanation | None
    reviews: list[ClassificationReview] = field(default_factory=list)  # newest first
    reviewers: dict[int, str] = field(default_factory=dict)  # user id -> e-mail


# -- reading ----------------------------------------------------------------------------------


def _matcher(session: Session) -> RoleMatcher | None:
    try:
        return role_matcher(session)
    except LookupError:  # no catalog yet
        return None


def explain(matcher: RoleMatcher, jobs: list[JobListing], top: int) -> list[Explanation]:
    """The matcher's explanation of each job's classification (one vectorised pass)."""
    texts = [job_text(job) for job in jobs]
    mentions = [matcher.extract(text) for text in texts]
    ranked = matcher.rank_many(texts, top_k=top, mentions=mentions)
    result = []
    for found, roles in zip(mentions, ranked, strict=True):
        names = list(dict.fromkeys(m.name for m in found if m.credited))
        result.append(Explanation(names[:SKILLS_SHOWN], roles))
    return result


def _open_jobs() -> Any:
    return (JobListing.status == JobStatus.OPEN) & JobListing.duplicate_of_id.is_(None)


def _reviewed() -> Any:
    return exists(select(1).where(ClassificationReview.job_id == JobListing.id))


def review_queue(
    session: Session, status: str = "unreviewed", page: int = 1, per_page: int = PER_PAGE
) -> ReviewQueue:
    """One page of open jobs to review: by confidence, lowest first (reviewed: newest first)."""
    status = status if status in STATUSES else STATUSES[0]
    top = aliased(JobRoleClassification)
    query = (
        select(JobListing, top.score)
        .outerjoin(top, (top.job_id == JobListing.id) & (top.rank == 1))
        .where(_open_jobs())
    )
    if status == "unreviewed":
        query = query.where(~_reviewed())
    elif status == "reviewed":
        query = query.where(_reviewed())
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)  # a page past the end shows the last one
    if status == "reviewed":
        last_review = (
            select(func.max(ClassificationReview.id))
            .where(ClassificationReview.job_id == JobListing.id)
            .scalar_subquery()
        )
        order: tuple[Any, ...] = (last_review.desc(), JobListing.id)
    else:
        order = (top.score.is_not(None), top.score, JobListing.close_date, JobListing.id)
    rows = session.execute(
        query.options(
            selectinload(JobListing.classifications).selectinload(JobRoleClassification.work_role)
        )
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    jobs = [row[0] for row in rows]
    latest = latest_reviews(session, [job.id for job in jobs])
    matcher = _matcher(session)
    explanations: list[Explanation | None] = (
        list(explain(matcher, jobs, EXPLAINED_ROLES)) if matcher and jobs else [None] * len(jobs)
    )
    items = [
        QueueItem(job, score, latest.get(job.id), explanation)
        for (job, score), explanation in zip(rows, explanations, strict=True)
    ]
    return ReviewQueue(items, total, page, pages, status, matcher is not None)


def latest_reviews(session: Session, job_ids: list[int]) -> dict[int, ClassificationReview]:
    """{job id: its latest review} for the jobs that have one."""
    latest: dict[int, ClassificationReview] = {}
    if job_ids:
        for review in session.scalars(
            select(ClassificationReview)
            .where(ClassificationReview.job_id.in_(job_ids))
            .order_by(ClassificationReview.at, ClassificationReview.id)
        ):
            latest[review.job_id] = review
    return latest


def review_subject(session: Session, job_id: int) -> ReviewSubject | None:
    """A job with its classification, the matcher's explanation and its review history."""
    job = session.scalar(
        select(JobListing)
        .where(JobListing.id == job_id)
        .options(
            selectinload(JobListing.classifications).selectinload(JobRoleClassification.work_role)
        )
    )
    if job is None:
        return None
    matcher = _matcher(session)
    explanation = explain(matcher, [job], DETAILED_ROLES)[0] if matcher else None
    reviews = list(
        session.scalars(
            select(ClassificationReview)
            .where(ClassificationReview.job_id == job_id)
            .order_by(ClassificationReview.at.desc(), ClassificationReview.id.desc())
        )
    )
    user_ids = {r.user_id for r in reviews if r.user_id is not None}
    reviewers = (
        dict(session.execute(select(User.id, User.email).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    confidence = job.classifications[0].score if job.classifications else None
    return ReviewSubject(job, confidence, explanation, reviews, reviewers)


def role_choices(session: Session) -> list[tuple[str, str]]:
    """(id, "Name (id)") of every work role, by name."""
    return [
        (role_id, f"{name} ({role_id})")
        for role_id, name in session.execute(
            select(WorkRole.id, WorkRole.name).order_by(WorkRole.name, WorkRole.id)
        )
    ]


def known_opm_codes(session: Session) -> set[str]:
    return set(session.scalars(select(WorkRoleOpmCode.code).distinct()))


# -- deciding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What staff chose; roles and code only count for an override."""

    action: str
    roles: tuple[str, ...] = ()
    opm_code: str | None = None
    reason: str | None = None


def _snapshot(job: JobListing) -> dict[str, Any]:
    return {
        "work_roles": [c.work_role_id for c in job.classifications],
        "scores": [c.score for c in job.classifications],
        "source": str(job.classifications[0].source) if job.classifications else None,
    }


def _check(session: Session, decision: Decision) -> Decision:
    """The decision, cleaned; a ReviewError naming the field when it cannot stand."""
    if decision.action not in ACTIONS:
        raise ReviewError("Choose whether to accept the classification or override it.", "action")
    reason = (decision.reason or "").strip()[:REASON_MAX] or None
    if decision.action == ACCEPT:
        return Decision(ACCEPT, reason=reason)
    roles = tuple(r for r in decision.roles if r)
    if not roles:
        raise ReviewError("Choose the job's primary work role.", "role_1")
    if len(roles) > MAX_ROLES:
        raise ReviewError(f"Choose at most {MAX_ROLES} work roles.", "role_1")
    if len(set(roles)) != len(roles):
        raise ReviewError("Choose each work role once.", "role_2")
    known = set(session.scalars(select(WorkRole.id).where(WorkRole.id.in_(roles))))
    for position, role_id in enumerate(roles, start=1):
        if role_id not in known:
            raise ReviewError("Choose a work role from the list.", f"role_{position}")
    code = (decision.opm_code or "").strip() or None
    if code is not None:
        if len(code) != 3 or not is_ascii_digits(code):
            raise ReviewError("Enter the OPM cyber code as 3 digits, such as 212.", "opm_code")
        if code not in known_opm_codes(session):
            raise ReviewError(
                f"{code} is not an OPM cyber code of any work role in the catalog.", "opm_code"
            )
    if reason is None:
        raise ReviewError("Say why you are overriding the classification.", "reason")
    return Decision(OVERRIDE, roles, code, reason)


def save_review(
    session: Session, job: JobListing, user: User, decision: Decision
) -> ClassificationReview:
    """Record staff's decision on a job's work roles (see the module); the caller commits."""
    decision = _check(session, decision)
    if decision.action == ACCEPT and not job.classifications:
        raise ReviewError(
            "This job has no classification to accept yet: override it with its work roles.",
            "action",
        )
    before = _snapshot(job)
    if decision.action == ACCEPT:
        for row in job.classifications:
            row.source = ClassificationSource.STAFF
            row.reviewed_by_id = user.id
        roles = [c.work_role_id for c in job.classifications]
    else:
        roles = list(decision.roles)
        scores = _matcher_scores(session, job, roles)
        job.classifications = []
        session.flush()  # the old rows go first: a kept role is the same primary key
        job.classifications = [
            JobRoleClassification(
                work_role_id=role_id,
                score=scores.get(role_id, 0.0),
                rank=rank,
                source=ClassificationSource.STAFF,
                reviewed_by_id=user.id,
            )
            for rank, role_id in enumerate(roles, start=1)
        ]
    review = ClassificationReview(
        job_id=job.id,
        user_id=user.id,
        action=decision.action,
        work_roles=roles,
        opm_code=decision.opm_code,
        reason=decision.reason,
    )
    session.add(review)
    session.flush()
    after = {**_snapshot(job), "opm_code": decision.opm_code}
    session.add(
        AuditEntry(
            user_id=user.id,
            actor=user.email,
            action=f"classification.{decision.action}",
            entity_type="job",
            entity_id=str(job.id),
            changes={"before": before, "after": after},
            note=decision.reason,
        )
    )
    session.flush()
    return review


def _matcher_scores(session: Session, job: JobListing, roles: list[str]) -> dict[str, float]:
    """The matcher's score (0-100) for each role on the job's text, kept for reference."""
    matcher = _matcher(session)
    if matcher is None:
        return {}
    row = matcher.score_texts([job_text(job)])[0]
    ids = [r.id for r in matcher.roles_]
    return {ids[j]: round(float(row[j]), 1) for j in range(len(ids)) if ids[j] in roles}


def get_job(session: Session, job_id: int) -> JobListing | None:
    return session.scalar(
        select(JobListing)
        .where(JobListing.id == job_id)
        .options(selectinload(JobListing.classifications))
    )
