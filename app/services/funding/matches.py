"""A program office's profile and its ranked funding matches.

The ranker (matching.funding.FundingRanker) is fitted on the open canonical opportunities,
with each catalog program's summary, uses and keywords folded into the opportunities under
its Assistance Listing, and a boost for tier-A (dedicated cyber) programs. A fitted ranker is
kept per process and rebuilt only when the open opportunities or the catalog change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import FundingOpportunity, FundingProgram, ProgramOfficeProfile, WorkRole
from app.services.fitted_cache import FittedCache
from app.services.funding.links import funding_version
from app.services.funding.search import (
    ORGANIZATION_TYPES,
    codes_for_organization,
    open_opportunities_statement,
    programs_for,
)
from matching.funding import FundingProfile, FundingRanker, FundingResult, Opportunity

TIER_BOOSTS = {"A": 0.05}
TOP_K = 20


# -- the profile ----------------------------------------------------------------------------


def get_profile(session: Session, user_id: int) -> ProgramOfficeProfile | None:
    return session.scalar(
        select(ProgramOfficeProfile).where(ProgramOfficeProfile.user_id == user_id)
    )


def save_profile(session: Session, user_id: int, data: dict[str, Any]) -> ProgramOfficeProfile:
    """Create or update the profile; the organisation type decides the applicant codes."""
    organization_type = str(data["organization_type"])
    if organization_type not in ORGANIZATION_TYPES:
        raise ValueError(f"unknown organization type {organization_type!r}")
    profile = get_profile(session, user_id)
    if profile is None:
        profile = ProgramOfficeProfile(user_id=user_id)
        session.add(profile)
    profile.organization_type = organization_type
    profile.applicant_types = codes_for_organization(organization_type)
    state = str(data.get("state") or "").strip().upper()
    profile.state = state[:2] or None
    profile.needs = str(data.get("needs") or "").strip()
    profile.award_min = _amount(data.get("award_min"))
    profile.award_max = _amount(data.get("award_max"))
    valid_roles = set(session.scalars(select(WorkRole.id)))
    profile.work_roles = [
        r for r in dict.fromkeys(data.get("work_roles") or []) if r in valid_roles
    ]
    session.flush()
    return profile


def profile_form_data(profile: ProgramOfficeProfile | None) -> dict[str, Any]:
    """A stored profile as the profile form's initial values (whole dollars)."""
    if profile is None:
        return {}
    return {
        "organization_type": profile.organization_type,
        "state": profile.state or "",
        "needs": profile.needs,
        "award_min": int(profile.award_min) if profile.award_min is not None else None,
        "award_max": int(profile.award_max) if profile.award_max is not None else None,
        "work_roles": list(profile.work_roles or []),
    }


def _amount(value: Any) -> float | None:
    return float(value) if value not in (None, "") else None


def work_role_choices(session: Session) -> list[tuple[str, str]]:
    return [
        (role_id, name)
        for role_id, name in session.execute(
            select(WorkRole.id, WorkRole.name).order_by(WorkRole.name)
        )
    ]


def to_funding_profile(profile: ProgramOfficeProfile, today: date) -> FundingProfile:
    return FundingProfile(
        applicant_types=tuple(profile.applicant_types or ()),
        state=profile.state,
        needs=profile.needs or "",
        award_min=profile.award_min,
        award_max=profile.award_max,
        work_roles=tuple(profile.work_roles or ()),
        today=today,
    )


# -- the ranker -----------------------------------------------------------------------------


def to_opportunity(row: FundingOpportunity) -> Opportunity:
    return Opportunity(
        id=row.id,
        title=row.title,
        agency=row.agency,
        text="\n\n".join(p for p in (row.title, row.description) if p),
        eligible_applicants=tuple(row.eligible_applicants or ()),
        assistance_listings=tuple(row.assistance_listings or ()),
        award_floor=row.award_floor,
        award_ceiling=row.award_ceiling,
        close_date=row.close_date,
        status=str(row.status),
        categories=tuple(row.categories or ()),
        url=row.url,
    )


def program_texts(session: Session) -> tuple[dict[str, str], dict[str, float]]:
    """(ALN -> the program's words, ALN -> boost) from the loaded catalog."""
    texts: dict[str, str] = {}
    boosts: dict[str, float] = {}
    for p in session.scalars(select(FundingProgram)):
        parts = [p.title, p.short_name, p.summary, p.cyber_ai_use, ", ".join(p.keywords or ())]
        texts[p.aln] = "\n".join(part for part in parts if part)
        if TIER_BOOSTS.get(p.tier):
            boosts[p.aln] = TIER_BOOSTS[p.tier]
    return texts, boosts


def role_texts(session: Session) -> dict[str, str]:
    return {
        role_id: f"{name}. {description}"
        for role_id, name, description in session.execute(
            select(WorkRole.id, WorkRole.name, WorkRole.description)
        )
    }


def _fit_ranker(session: Session, today: date) -> FundingRanker:
    rows = session.scalars(open_opportunities_statement(today).order_by(FundingOpportunity.id))
    texts, boosts = program_texts(session)
    return FundingRanker(boosts=boosts, role_texts=role_texts(session)).fit(
        [to_opportunity(r) for r in rows], programs=texts
    )


rankers: FittedCache[FundingRanker] = FittedCache("funding-ranker", funding_version, _fit_ranker)


def ranker(session: Session, today: date, version: str | None = None) -> FundingRanker:
    """The fitted ranker for today's open opportunities and the current catalog (cached);
    `version` is `links.funding_version`, if the caller computed it already."""
    return rankers.get(session, today, version=version)


@dataclass
class MatchesView:
    """The ranked matches with the stored rows and catalog programs they refer to."""

    result: FundingResult
    opportunities: dict[int, FundingOpportunity] = field(default_factory=dict)
    programs: dict[str, FundingProgram] = field(default_factory=dict)


def matches_for(
    session: Session,
    profile: ProgramOfficeProfile,
    today: date,
    top_k: int = TOP_K,
    version: str | None = None,
) -> MatchesView:
    """The office's best `top_k` open opportunities; `version` as for `ranker`."""
    result = ranker(session, today, version).rank(to_funding_profile(profile, today), top_k=top_k)
    ids = [int(m.id) for m in result.matches]
    rows = {
        r.id: r
        for r in session.scalars(select(FundingOpportunity).where(FundingOpportunity.id.in_(ids)))
    }
    alns = {a for m in result.matches for a in m.assistance_listings}
    return MatchesView(result, {i: rows[i] for i in ids if i in rows}, programs_for(session, alns))
