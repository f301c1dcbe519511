"""What a program office keeps: saved searches (with "not interested") and saved opportunities.

Every function takes the owner's user id and only ever touches that user's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.models import FundingOpportunity, SavedOpportunity, SavedSearch, SavedSearchExclusion
from app.services.funding.search import SearchQuery, find_opportunities

FREQUENCIES = {"daily": "Daily", "weekly": "Weekly"}
MAX_SAVED_SEARCHES = 50


class SavedError(ValueError):
    """The change cannot be made; the message says why, in plain words."""


def snapshot_for(
    session: Session, query: SearchQuery, today: date, exclude_ids: set[int] | None = None
) -> dict[str, str]:
    """{opportunity id: content hash} of what the search finds now."""
    return {
        str(hit.opportunity.id): hit.opportunity.content_hash
        for hit in find_opportunities(session, query, today, exclude_ids or ())
    }


# -- saved searches -------------------------------------------------------------------------


def user_searches(session: Session, user_id: int) -> list[SavedSearch]:
    return list(
        session.scalars(
            select(SavedSearch)
            .where(SavedSearch.user_id == user_id)
            .options(selectinload(SavedSearch.exclusions))
            .order_by(SavedSearch.created_at, SavedSearch.id)
        )
    )


def get_search(session: Session, user_id: int, search_id: int) -> SavedSearch | None:
    search = session.get(SavedSearch, search_id)
    return search if search is not None and search.user_id == user_id else None


def save_search(
    session: Session,
    user_id: int,
    query: SearchQuery,
    today: date,
    name: str = "",
    frequency: str = "daily",
    alerts_enabled: bool = True,
) -> SavedSearch:
    """Keep a search; what it finds today is its first snapshot, so alerts report only news."""
    count = session.scalar(
        select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user_id)
    )
    if (count or 0) >= MAX_SAVED_SEARCHES:
        raise SavedError(
            f"You can keep up to {MAX_SAVED_SEARCHES} saved searches. Delete one to save another."
        )
    if frequency not in FREQUENCIES:
        raise SavedError("Choose daily or weekly alerts.")
    search = SavedSearch(
        user_id=user_id,
        name=(name.strip() or query.describe())[:200],
        query=query.to_params(),
        alerts_enabled=alerts_enabled,
        frequency=frequency,
        snapshot=snapshot_for(session, query, today),
    )
    session.add(search)
    session.flush()
    return search


def update_search(
    search: SavedSearch, *, alerts_enabled: bool, frequency: str, name: str | None = None
) -> None:
    if frequency not in FREQUENCIES:
        raise SavedError("Choose daily or weekly alerts.")
    search.alerts_enabled = alerts_enabled
    search.frequency = frequency
    if name is not None and name.strip():
        search.name = name.strip()[:200]


def change_settings(
    session: Session,
    search: SavedSearch,
    today: date,
    *,
    alerts_enabled: bool,
    frequency: str,
    name: str | None = None,
) -> None:
    """New name and alert settings; alerts turned on start from what the search finds now."""
    turning_on = alerts_enabled and not search.alerts_enabled
    update_search(search, alerts_enabled=alerts_enabled, frequency=frequency, name=name)
    if turning_on:  # not from long ago: only what appears from now on is news
        search.snapshot = snapshot_for(session, search_query(search), today, excluded_ids(search))


def delete_search(session: Session, search: SavedSearch) -> None:
    session.delete(search)
    session.flush()


def search_query(search: SavedSearch) -> SearchQuery:
    return SearchQuery.from_params(search.query or {})


def excluded_ids(search: SavedSearch) -> set[int]:
    return {e.opportunity_id for e in search.exclusions}


def exclude(session: Session, search: SavedSearch, opportunity_id: int) -> None:
    """ "Not interested": hide one opportunity from this search and its alerts."""
    if session.get(FundingOpportunity, opportunity_id) is None:
        raise SavedError("That funding opportunity no longer exists.")
    if opportunity_id not in excluded_ids(search):
        search.exclusions.append(SavedSearchExclusion(opportunity_id=opportunity_id))
        session.flush()


def include(session: Session, search: SavedSearch, opportunity_id: int) -> None:
    """Undo "not interested"."""
    search.exclusions = [e for e in search.exclusions if e.opportunity_id != opportunity_id]
    session.flush()


def hidden_opportunities(session: Session, search: SavedSearch) -> list[FundingOpportunity]:
    ids = excluded_ids(search)
    if not ids:
        return []
    return list(
        session.scalars(
            select(FundingOpportunity)
            .where(FundingOpportunity.id.in_(ids))
            .order_by(FundingOpportunity.title)
        )
    )


# -- saved opportunities --------------------------------------------------------------------


@dataclass(frozen=True)
class SavedItem:
    saved: SavedOpportunity
    opportunity: FundingOpportunity


def saved_opportunities(session: Session, user_id: int) -> list[SavedItem]:
    """The user's saved opportunities, soonest deadline first (rolling ones last)."""
    rows = session.execute(
        select(SavedOpportunity, FundingOpportunity)
        .join(FundingOpportunity, FundingOpportunity.id == SavedOpportunity.opportunity_id)
        .where(SavedOpportunity.user_id == user_id)
        .order_by(
            FundingOpportunity.close_date.is_(None),
            FundingOpportunity.close_date,
            FundingOpportunity.title,
        )
    ).all()
    return [SavedItem(saved, opportunity) for saved, opportunity in rows]


def saved_opportunity_ids(session: Session, user_id: int) -> set[int]:
    return set(
        session.scalars(
            select(SavedOpportunity.opportunity_id).where(SavedOpportunity.user_id == user_id)
        )
    )


def get_saved_opportunity(
    session: Session, user_id: int, opportunity_id: int
) -> SavedOpportunity | None:
    return session.scalar(
        select(SavedOpportunity).where(
            SavedOpportunity.user_id == user_id,
            SavedOpportunity.opportunity_id == opportunity_id,
        )
    )


def save_opportunity(session: Session, user_id: int, opportunity_id: int) -> SavedOpportunity:
    """Keep an opportunity (idempotent); its deadline joins the user's reminders and feed."""
    if session.get(FundingOpportunity, opportunity_id) is None:
        raise SavedError("That funding opportunity no longer exists.")
    saved = get_saved_opportunity(session, user_id, opportunity_id)
    if saved is not None:
        return saved
    saved = SavedOpportunity(user_id=user_id, opportunity_id=opportunity_id)
    try:
        with session.begin_nested():
            session.add(saved)
    except IntegrityError:
        # Saved at the same moment by another request (a double click, a second tab).
        saved = get_saved_opportunity(session, user_id, opportunity_id)
        if saved is None:
            raise
    return saved


def unsave_opportunity(session: Session, user_id: int, opportunity_id: int) -> bool:
    result = session.execute(
        delete(SavedOpportunity).where(
            SavedOpportunity.user_id == user_id,
            SavedOpportunity.opportunity_id == opportunity_id,
        )
    )
    return bool(result.rowcount)


def set_opportunity_alerts(
    session: Session, user_id: int, opportunity_id: int, enabled: bool
) -> SavedOpportunity | None:
    saved = get_saved_opportunity(session, user_id, opportunity_id)
    if saved is not None:
        saved.alerts_enabled = enabled
    return saved
