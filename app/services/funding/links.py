"""Funding and hiring, linked through the work: which work roles an opportunity's activities
need (the role matcher, read on the opportunity's text), the hiring pathways and open jobs for
those roles, and, from a work role, the open funding that pays for that kind of work.

The role scores of every open opportunity are computed in one vectorised pass and kept per
process until the opportunities or the catalog change.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import (
    FundingOpportunity,
    HiringPathway,
    JobListing,
    JobRoleClassification,
    JobStatus,
    PathwayStatus,
    WorkRole,
    pathway_work_roles,
)
from app.services import listing_choices
from app.services.funding.search import open_opportunities_statement, open_version
from app.services.matcher import catalog_version, role_matcher
from matching.roles import RoleMatcher

# Calibrated role scores (0-100) are tuned for resumes; funding notices score lower, so a role
# is named when it is among the opportunity's best and clears this floor.
ROLE_FLOOR = 1.0
TOP_ROLES = 3
JOBS_SHOWN = 3
PATHWAYS_SHOWN = 3

_lock = threading.Lock()
_scores: dict[str, dict[int, list[tuple[str, float]]]] = {}


def clear_cache() -> None:
    """Forget the opportunities' role scores (the test hook)."""
    with _lock:
        _scores.clear()


@dataclass
class RoleLink:
    """A work role an opportunity needs, and how to hire for it."""

    role_id: str
    name: str
    score: float
    pathways: list[HiringPathway] = field(default_factory=list)
    jobs: list[JobListing] = field(default_factory=list)
    job_count: int = 0


def opportunity_text(row: FundingOpportunity) -> str:
    """What an opportunity says about the work it pays for."""
    return "\n".join(part for part in (row.title, row.description) if part)


def _top_roles(matcher: RoleMatcher, texts: list[str], top: int) -> list[list[tuple[str, float]]]:
    if not texts:
        return []
    scores = matcher.score_texts(texts)
    ids = [r.id for r in matcher.roles_]
    result = []
    for row in scores:
        order = np.argsort(-row, kind="stable")[:top]
        result.append([(ids[j], round(float(row[j]), 1)) for j in order if row[j] >= ROLE_FLOOR])
    return result


def funding_version(session: Session, today: date) -> str:
    """Changes with the catalog (the role model's inputs) and with today's open opportunities:
    the key of what is computed over both, their work roles here and the matches' ranker."""
    return f"{catalog_version(session)}:{open_version(session, today)}"


def open_role_scores(
    session: Session, cache_dir: Path, today: date, version: str | None = None
) -> dict[int, list[tuple[str, float]]]:
    """{opportunity id: its best work roles} for every open canonical opportunity (cached);
    `version` is `funding_version`, if the caller computed it already."""
    key = version or funding_version(session, today)
    with _lock:
        cached = _scores.get(key)
    if cached is not None:
        return cached
    matcher = role_matcher(session, cache_dir)
    rows = session.scalars(open_opportunities_statement(today)).all()
    tops = _top_roles(matcher, [opportunity_text(r) for r in rows], TOP_ROLES)
    computed = {row.id: top for row, top in zip(rows, tops, strict=True)}
    with _lock:
        _scores.clear()  # one version at a time per process
        _scores[key] = computed
    return computed


def _hiring_links(
    session: Session, role_id: str, today: date
) -> tuple[list[HiringPathway], list[JobListing], int]:
    pathways = list(
        session.scalars(
            select(HiringPathway)
            .join(pathway_work_roles, pathway_work_roles.c.pathway_id == HiringPathway.id)
            .where(
                pathway_work_roles.c.work_role_id == role_id,
                HiringPathway.status != PathwayStatus.ENDED,
            )
            .order_by(HiringPathway.name)
            .limit(PATHWAYS_SHOWN)
        )
    )
    jobs, count = open_jobs_for_role(session, role_id, today)
    return pathways, jobs, count


def open_jobs_for_role(
    session: Session, role_id: str, today: date, limit: int = JOBS_SHOWN
) -> tuple[list[JobListing], int]:
    """(the first `limit` open jobs in the work role, how many there are).

    Read from the stored classifications: the matcher's top roles, or the roles OPM staff set
    for the job, which replace the matcher's from the next request. Jobs where the role is
    the primary one come first, then the soonest closing.
    """

    def first_ids_and_count() -> tuple[list[int], int]:
        in_role = (
            select(JobListing.id)
            .join(JobRoleClassification, JobRoleClassification.job_id == JobListing.id)
            .where(
                JobRoleClassification.work_role_id == role_id,
                JobListing.status == JobStatus.OPEN,
                JobListing.duplicate_of_id.is_(None),
                or_(JobListing.close_date.is_(None), JobListing.close_date >= today),
            )
        )
        count = session.scalar(select(func.count()).select_from(in_role.subquery())) or 0
        ids = session.scalars(
            in_role.order_by(
                JobRoleClassification.rank, JobListing.close_date, JobListing.id
            ).limit(limit)
        ).all()
        return list(ids), count

    ids, count = listing_choices.cached(
        session,
        (JobListing, JobRoleClassification),
        f"role-jobs:{role_id}:{limit}",
        today,
        first_ids_and_count,
    )
    found = {
        job.id: job for job in session.scalars(select(JobListing).where(JobListing.id.in_(ids)))
    }
    return [found[i] for i in ids if i in found], count


def roles_for_opportunities(
    session: Session,
    opportunities: Iterable[FundingOpportunity],
    cache_dir: Path,
    today: date,
    top: int = TOP_ROLES,
    version: str | None = None,
) -> dict[int, list[RoleLink]]:
    """For each opportunity, the work roles its activities need, with pathways and open jobs
    (`version` as for `open_role_scores`)."""
    rows = list(opportunities)
    if not rows:
        return {}
    scores = open_role_scores(session, cache_dir, today, version)
    missing = [r for r in rows if r.id not in scores]  # closed, or a duplicate record
    if missing:
        matcher = role_matcher(session, cache_dir)
        found = _top_roles(matcher, [opportunity_text(r) for r in missing], TOP_ROLES)
        scores = {**scores, **{r.id: f for r, f in zip(missing, found, strict=True)}}
    names = dict(session.execute(select(WorkRole.id, WorkRole.name)).all())
    hiring: dict[str, tuple[list[HiringPathway], list[JobListing], int]] = {}
    result: dict[int, list[RoleLink]] = {}
    for row in rows:
        links = []
        for role_id, score in scores.get(row.id, [])[:top]:
            if role_id not in hiring:
                hiring[role_id] = _hiring_links(session, role_id, today)
            pathways, jobs, count = hiring[role_id]
            links.append(
                RoleLink(role_id, names.get(role_id, role_id), score, pathways, jobs, count)
            )
        result[row.id] = links
    return result


def roles_for_opportunity(
    session: Session,
    opportunity: FundingOpportunity,
    cache_dir: Path,
    today: date,
    top: int = TOP_ROLES,
) -> list[RoleLink]:
    """The work roles one opportunity's activities need, with pathways and open jobs."""
    return roles_for_opportunities(session, [opportunity], cache_dir, today, top)[opportunity.id]


def funding_for_role(
    session: Session, role_id: str, cache_dir: Path, today: date, limit: int = 10
) -> list[FundingOpportunity]:
    """Open opportunities whose activities need this work role, strongest need first."""
    scores = open_role_scores(session, cache_dir, today)
    ranked = sorted(
        (
            (-score, opportunity_id)
            for opportunity_id, roles in scores.items()
            for rid, score in roles
            if rid == role_id
        )
    )[:limit]
    if not ranked:
        return []
    ids = [opportunity_id for _, opportunity_id in ranked]
    rows = {
        r.id: r
        for r in session.scalars(select(FundingOpportunity).where(FundingOpportunity.id.in_(ids)))
    }
    return [rows[i] for i in ids if i in rows]
