"""What each program-office page needs from the database, gathered in one call per page.

Routes parse the request and call one function here; app/funding/views.py turns the result
into what the template shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.models import (
    FundingOpportunity,
    FundingProgram,
    ProgramOfficeProfile,
    SavedOpportunity,
    SavedSearch,
)
from app.services.funding import links, saved
from app.services.funding import matches as funding_matches
from app.services.funding import search as fs


@dataclass
class SearchResult:
    """One page of a search; `saved_search` is set when the request named one of the user's."""

    query: fs.SearchQuery
    results: fs.SearchPage
    options: fs.FilterOptions
    saved_search: SavedSearch | None = None
    saved_ids: set[int] = field(default_factory=set)
    is_office: bool = False


def search_page(
    session: Session,
    query: fs.SearchQuery,
    today: date,
    *,
    user_id: int | None = None,
    saved_id: int | None = None,
    page: int = 1,
) -> SearchResult:
    """Search with `query`, or with the saved search `saved_id` of office user `user_id`.

    `user_id` is None for visitors who are not program offices: they see no saved searches.
    """
    options = fs.filter_options(session, today)
    found = saved.get_search(session, user_id, saved_id) if saved_id and user_id else None
    exclude: set[int] = set()
    if found is not None:
        query, exclude = saved.search_query(found), saved.excluded_ids(found)
    return SearchResult(
        query=query,
        results=fs.search(session, query, today, page=page, exclude_ids=exclude),
        options=options,
        saved_search=found,
        saved_ids=saved.saved_opportunity_ids(session, user_id) if user_id else set(),
        is_office=user_id is not None,
    )


@dataclass
class OpportunityPage:
    """An opportunity and what its page shows; only `opportunity` is set when it `moved`."""

    opportunity: FundingOpportunity
    moved: bool = False
    duplicates: list[FundingOpportunity] = field(default_factory=list)
    programs: dict[str, FundingProgram] = field(default_factory=dict)
    roles: list[links.RoleLink] = field(default_factory=list)
    saved_row: SavedOpportunity | None = None
    is_office: bool = False


def opportunity_page(
    session: Session,
    opportunity_id: int,
    today: date,
    cache_dir: Path,
    user_id: int | None = None,
) -> OpportunityPage | None:
    """None when there is no such opportunity; `moved` when the id is a duplicate's."""
    row = fs.canonical(session, opportunity_id)
    if row is None:
        return None
    if row.id != opportunity_id:
        return OpportunityPage(row, moved=True)
    try:
        roles = links.roles_for_opportunity(session, row, cache_dir, today)
    except LookupError:  # no catalog loaded
        roles = []
    return OpportunityPage(
        opportunity=row,
        duplicates=fs.duplicates_of(session, [row.id]).get(row.id, []),
        programs=fs.programs_for(session, row.assistance_listings or []),
        roles=roles,
        saved_row=saved.get_saved_opportunity(session, user_id, row.id) if user_id else None,
        is_office=user_id is not None,
    )


@dataclass
class MatchesPage:
    profile: ProgramOfficeProfile
    matches: funding_matches.MatchesView
    roles: dict[int, list[links.RoleLink]]
    saved_ids: set[int]


def matches_page(
    session: Session, user_id: int, today: date, cache_dir: Path
) -> MatchesPage | None:
    """The office's ranked matches with the work roles each needs; None without a profile."""
    profile = funding_matches.get_profile(session, user_id)
    if profile is None:
        return None
    version = links.funding_version(session, today)  # a few queries: once, for both caches
    view = funding_matches.matches_for(session, profile, today, version=version)
    try:
        roles = links.roles_for_opportunities(
            session, view.opportunities.values(), cache_dir, today, version=version
        )
    except LookupError:
        roles = {}
    return MatchesPage(profile, view, roles, saved.saved_opportunity_ids(session, user_id))


def saved_searches(
    session: Session, user_id: int
) -> list[tuple[SavedSearch, list[FundingOpportunity]]]:
    """The user's saved searches, each with the opportunities it hides as not interesting."""
    return [
        (s, saved.hidden_opportunities(session, s)) for s in saved.user_searches(session, user_id)
    ]
