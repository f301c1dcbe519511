"""Browse and search funding opportunities: full text plus filters, on SQLite and PostgreSQL.

Scalar columns (status, agency, dates, award, words) are filtered in SQL. A page sorted by
deadline, date or award is filtered, counted, sorted and paged in SQL, the JSON list columns
(eligible applicants, assistance listings, categories) too (`app.services.json_lists`), so it
costs the same at 50,000 opportunities as at 50; words ranked by relevance need the text, so
those are scored in Python over what the words' SQL prefilter found (on PostgreSQL, trigram
indexes serve that prefilter). `find_opportunities` (alerts, saved searches) filters the
lists in Python, with the same results. Only canonical rows are shown: a cross-source
duplicate is mentioned beside the record it duplicates ("also on simpler.grants.gov").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.orm import Session

from app.models import FundingOpportunity, FundingProgram, OpportunityStatus
from app.services import json_lists, listing_choices, table_changes
from vocabulary.codes import FUNDING_CATEGORIES

UNRESTRICTED = "99"
OTHERS = "25"
OPEN_STATUSES = (OpportunityStatus.FORECASTED, OpportunityStatus.POSTED)
PER_PAGE = 20
MAX_TERMS = 8


@dataclass(frozen=True)
class ApplicantGroup:
    """A plain-language group of Grants.gov applicant-type codes."""

    id: str
    label: str
    codes: tuple[str, ...]


APPLICANT_GROUPS: tuple[ApplicantGroup, ...] = (
    ApplicantGroup("state", "State governments", ("00",)),
    ApplicantGroup(
        "local",
        "Local governments (county, city, township, special district, school district)",
        ("01", "02", "04", "05"),
    ),
    ApplicantGroup("tribal", "Tribal governments and organizations", ("07", "11")),
    ApplicantGroup("housing", "Public and Indian housing authorities", ("08",)),
    ApplicantGroup("higher_ed", "Higher education", ("06", "20")),
    ApplicantGroup("nonprofit", "Nonprofits", ("12", "13")),
    ApplicantGroup("small_business", "Small businesses", ("23",)),
    ApplicantGroup("for_profit", "For-profit companies", ("22", "23")),
    ApplicantGroup("individual", "Individuals", ("21",)),
)
GROUPS_BY_ID = {g.id: g for g in APPLICANT_GROUPS}

# What an organisation is, finer than the groups: each maps to the codes it may apply under.
ORGANIZATION_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "state": ("State or territory government", ("00",)),
    "county": ("County government", ("01",)),
    "city": ("City or township government", ("02",)),
    "special_district": ("Special district (for example a water or power utility)", ("04",)),
    "school_district": ("Independent school district", ("05",)),
    "tribal_government": ("Federally recognized tribal government", ("07",)),
    "tribal_organization": ("Other tribal organization", ("11",)),
    "housing_authority": ("Public or Indian housing authority", ("08",)),
    "public_higher_ed": ("Public college or university", ("06",)),
    "private_higher_ed": ("Private college or university", ("20",)),
    "nonprofit_501c3": ("Nonprofit with 501(c)(3) status", ("12",)),
    "nonprofit_other": ("Nonprofit without 501(c)(3) status", ("13",)),
    "small_business": ("Small business", ("23",)),
    "for_profit": ("For-profit company (not a small business)", ("22",)),
    "individual": ("Individual", ("21",)),
}

SORTS = {
    "relevance": "Best match",
    "closing": "Closing soonest",
    "newest": "Newest",
    "award": "Largest award",
}
STATUS_LABELS = {"posted": "Open for applications", "forecasted": "Forecasted"}
CLOSING_CHOICES = (7, 14, 30, 60, 90)


def codes_for_groups(group_ids: Iterable[str]) -> set[str]:
    """The applicant codes of the chosen groups, plus "99 unrestricted" (anyone may apply)."""
    codes = {UNRESTRICTED}
    for group_id in group_ids:
        group = GROUPS_BY_ID.get(group_id)
        if group:
            codes.update(group.codes)
    return codes


def codes_for_organization(organization_type: str) -> list[str]:
    return list(ORGANIZATION_TYPES.get(organization_type, ("", ()))[1])


# -- the query ------------------------------------------------------------------------------


def _int_or_none(value: Any, low: int = 0, high: int = 10**12) -> int | None:
    try:
        number = int(str(value).replace(",", "").replace("$", "").strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _values(params: Mapping[str, Any], key: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    raw = getlist(key) if getlist else params.get(key, [])
    if raw is None:
        return []
    if isinstance(raw, str | int | float):
        raw = [raw]
    return [str(v) for v in raw if str(v).strip()]


@dataclass(frozen=True)
class SearchQuery:
    """A funding search: words plus filters; empty filters mean "any"."""

    q: str = ""
    who: tuple[str, ...] = ()
    agency: str = ""
    aln: str = ""
    category: str = ""
    status: tuple[str, ...] = ()
    award_min: int | None = None
    award_max: int | None = None
    closing_within: int | None = None
    sort: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SearchQuery:
        """From request args or a saved search's JSON; unknown or malformed values are dropped."""

        def one(key: str) -> str:
            values = _values(params, key)
            return values[0].strip()[:200] if values else ""

        closing = _int_or_none(one("closing_within"), 1, 365)
        sort = one("sort")
        return cls(
            q=" ".join(one("q").split())[:200],
            who=tuple(sorted({v for v in _values(params, "who") if v in GROUPS_BY_ID})),
            agency=one("agency"),
            aln=one("aln")[:8],
            category=one("category") if one("category") in FUNDING_CATEGORIES else "",
            status=tuple(sorted({v for v in _values(params, "status") if v in STATUS_LABELS})),
            award_min=_int_or_none(one("award_min")),
            award_max=_int_or_none(one("award_max")),
            closing_within=closing,
            sort=sort if sort in SORTS else "",
        )

    def to_params(self) -> dict[str, Any]:
        """The non-empty fields, JSON- and URL-ready (lists for multi-valued filters)."""
        data: dict[str, Any] = {
            "q": self.q,
            "who": list(self.who),
            "agency": self.agency,
            "aln": self.aln,
            "category": self.category,
            "status": list(self.status),
            "award_min": self.award_min,
            "award_max": self.award_max,
            "closing_within": self.closing_within,
            "sort": self.sort,
        }
        return {k: v for k, v in data.items() if v not in ("", None, [])}

    @property
    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.q else "closing")

    @property
    def is_empty(self) -> bool:
        return not {k: v for k, v in self.to_params().items() if k != "sort"}

    def describe(self) -> str:
        """A short plain-language name, used as a saved search's default name."""
        parts: list[str] = []
        if self.q:
            parts.append(f"“{self.q}”")
        parts.extend(GROUPS_BY_ID[g].label.split(" (")[0] for g in self.who)
        if self.agency:
            parts.append(self.agency)
        if self.aln:
            parts.append(f"listing {self.aln}")
        if self.category:
            parts.append(FUNDING_CATEGORIES[self.category])
        parts.extend(STATUS_LABELS[s].lower() for s in self.status)
        if self.award_min:
            parts.append(f"awards from ${self.award_min:,}")
        if self.award_max:
            parts.append(f"awards up to ${self.award_max:,}")
        if self.closing_within:
            parts.append(f"closing within {self.closing_within} days")
        return (", ".join(parts) or "All open funding opportunities")[:200]


# -- words ----------------------------------------------------------------------------------

# The search box's hint: each must find something in the sample listings (tests check it).
SEARCH_EXAMPLES: tuple[str, ...] = ("electric utility", '"operational technology"', "97.137")

# Straight or typographic quotes (phones and word processors turn " into “ ”) make a phrase.
_TERM = re.compile(r'["“”„]([^"“”„]+)["“”„]|(\S+)')
# An assistance listing number (ALN, formerly CFDA): two digits, a dot, three digits.
_ALN = re.compile(r"\d{2}\.\d{3}")


def search_terms(q: str) -> list[str]:
    """Lower-case terms; "quoted phrases" stay whole; plurals folded (utilities ~ utility)."""
    terms: list[str] = []
    for phrase, word in _TERM.findall(q.lower()):
        term = (phrase or word).strip(" ,.;:!?()[]'\"“”„")
        if not term:
            continue
        if word and len(term) > 4:
            if term.endswith("ies"):
                term = term[:-3]
            elif term.endswith("y") or (term.endswith("s") and not term.endswith("ss")):
                term = term[:-1]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_TEXT_COLUMNS = (
    FundingOpportunity.title,
    FundingOpportunity.description,
    FundingOpportunity.number,
    FundingOpportunity.agency,
)


def _is_listing_number(term: str) -> bool:
    """Whether a search term is a whole assistance listing number ("97.137", not "97.13")."""
    return _ALN.fullmatch(term) is not None


def _term_condition(session: Session, term: str) -> ColumnElement[bool]:
    """A term appears in a text column or, if it is an ALN, is one of the listings exactly.

    Only ALN-shaped terms test the JSON list, so other words stay served by the trigram
    indexes; `_relevance` scores the same two ways, so both sorts find the same rows.
    """
    pattern = _like(term)
    condition = or_(*(func.lower(col).like(pattern, escape="\\") for col in _TEXT_COLUMNS))
    if _is_listing_number(term):
        listings = FundingOpportunity.assistance_listings
        condition = or_(condition, json_lists.contains(session, listings, term))
    return condition


def _relevance(row: FundingOpportunity, terms: list[str]) -> float:
    """Title hits count most, then number, listing and agency, then (capped) description
    mentions."""
    title = row.title.lower()
    other = f"{row.number or ''} {row.agency or ''}".lower()
    # An exact entry: only a whole listing number can equal one (see `_term_condition`).
    listings = row.assistance_listings or ()
    body = (row.description or "").lower()
    score = 0.0
    for term in terms:
        in_other = term in other or term in listings
        score += 3.0 * (term in title) + 2.0 * in_other + min(body.count(term), 5) * 0.5
    return score


# -- searching ------------------------------------------------------------------------------


@dataclass
class SearchHit:
    opportunity: FundingOpportunity
    score: float = 0.0
    also_on: list[FundingOpportunity] = field(default_factory=list)


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def open_opportunities_statement(today: date) -> Select[tuple[FundingOpportunity]]:
    """Canonical forecasted or posted opportunities that have not closed by `today`."""
    return select(FundingOpportunity).where(
        FundingOpportunity.duplicate_of_id.is_(None),
        FundingOpportunity.status.in_(OPEN_STATUSES),
        or_(FundingOpportunity.close_date.is_(None), FundingOpportunity.close_date >= today),
    )


def _sql_prefilter(
    session: Session, query: SearchQuery, today: date
) -> Select[tuple[FundingOpportunity]]:
    statement = open_opportunities_statement(today)
    if query.status:
        statement = statement.where(FundingOpportunity.status.in_(query.status))
    if query.agency:
        statement = statement.where(FundingOpportunity.agency == query.agency)
    if query.closing_within:
        statement = statement.where(
            FundingOpportunity.close_date.is_not(None),
            FundingOpportunity.close_date <= today + timedelta(days=query.closing_within),
        )
    if query.award_min:
        statement = statement.where(
            or_(
                FundingOpportunity.award_ceiling.is_(None),
                FundingOpportunity.award_ceiling <= 0,
                FundingOpportunity.award_ceiling >= query.award_min,
            )
        )
    if query.award_max:
        statement = statement.where(
            or_(
                FundingOpportunity.award_floor.is_(None),
                FundingOpportunity.award_floor <= query.award_max,
            )
        )
    for term in search_terms(query.q):
        statement = statement.where(_term_condition(session, term))
    return statement


def _passes_lists(row: FundingOpportunity, query: SearchQuery) -> bool:
    if query.who:
        eligible = set(row.eligible_applicants or [])
        # Unstated eligibility cannot rule anyone out: keep it, shown as "not stated".
        if eligible and not eligible & codes_for_groups(query.who):
            return False
    if query.aln and query.aln not in (row.assistance_listings or []):
        return False
    return not (query.category and query.category not in (row.categories or []))


def _sql_lists(session: Session, query: SearchQuery) -> list[ColumnElement[bool]]:
    """`_passes_lists` as SQL conditions."""
    conditions: list[ColumnElement[bool]] = []
    if query.who:
        applicants = FundingOpportunity.eligible_applicants
        conditions.append(
            json_lists.is_empty(session, applicants)
            | json_lists.contains_any(session, applicants, codes_for_groups(query.who))
        )
    if query.aln:
        conditions.append(
            json_lists.contains(session, FundingOpportunity.assistance_listings, query.aln)
        )
    if query.category:
        conditions.append(
            json_lists.contains(session, FundingOpportunity.categories, query.category)
        )
    return conditions


def _sql_order(query: SearchQuery) -> list[Any]:
    """`_sort_key` for the sorts that need no text (all but relevance), as ORDER BY."""
    o = FundingOpportunity
    closing = [o.close_date.is_(None), o.close_date, func.lower(o.title), o.id]
    if query.effective_sort == "newest":
        return [o.open_date.is_(None), o.open_date.desc(), func.lower(o.title), o.id]
    if query.effective_sort == "award":
        return [func.coalesce(o.award_ceiling, 0).desc(), *closing]
    return closing


def _sort_key(query: SearchQuery, far: date):
    sort = query.effective_sort

    def closing(hit: SearchHit) -> tuple:
        return (hit.opportunity.close_date or far, hit.opportunity.title.lower())

    if sort == "relevance":
        return lambda hit: (-hit.score, *closing(hit))
    if sort == "newest":
        return lambda hit: (
            -(hit.opportunity.open_date or date.min).toordinal(),
            hit.opportunity.title.lower(),
        )
    if sort == "award":
        return lambda hit: (-(hit.opportunity.award_ceiling or 0), *closing(hit))
    return closing


def find_opportunities(
    session: Session,
    query: SearchQuery,
    today: date,
    exclude_ids: Iterable[int] = (),
) -> list[SearchHit]:
    """Every opportunity matching `query`, sorted; `exclude_ids` are hidden ("not interested")."""
    excluded = set(exclude_ids)
    terms = search_terms(query.q)
    hits = [
        SearchHit(row, _relevance(row, terms))
        for row in session.scalars(_sql_prefilter(session, query, today))
        if row.id not in excluded and _passes_lists(row, query)
    ]
    hits.sort(key=_sort_key(query, date.max))
    return hits


def search(
    session: Session,
    query: SearchQuery,
    today: date,
    page: int = 1,
    per_page: int = PER_PAGE,
    exclude_ids: Iterable[int] = (),
) -> SearchPage:
    """One page of results, with each hit's cross-source duplicates attached."""
    if query.effective_sort == "relevance":
        hits = find_opportunities(session, query, today, exclude_ids)
        total = len(hits)
        page = _clamp(page, total, per_page)
        shown = hits[(page - 1) * per_page : page * per_page]
    else:
        statement = _sql_prefilter(session, query, today).where(*_sql_lists(session, query))
        excluded = sorted(set(exclude_ids))
        if excluded:
            statement = statement.where(FundingOpportunity.id.not_in(excluded))
        total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        page = _clamp(page, total, per_page)
        rows = session.scalars(
            statement.order_by(*_sql_order(query)).offset((page - 1) * per_page).limit(per_page)
        )
        shown = [SearchHit(row) for row in rows]
    duplicates = duplicates_of(session, [h.opportunity.id for h in shown])
    for hit in shown:
        hit.also_on = duplicates.get(hit.opportunity.id, [])
    return SearchPage(shown, total, page, per_page)


def _clamp(page: int, total: int, per_page: int) -> int:
    return min(max(1, page), max(1, math.ceil(total / per_page)))


def duplicates_of(session: Session, ids: Iterable[int]) -> dict[int, list[FundingOpportunity]]:
    """The records linked as duplicates of each canonical id."""
    ids = list(ids)
    found: dict[int, list[FundingOpportunity]] = {}
    if not ids:
        return found
    for row in session.scalars(
        select(FundingOpportunity)
        .where(FundingOpportunity.duplicate_of_id.in_(ids))
        .order_by(FundingOpportunity.source, FundingOpportunity.id)
    ):
        found.setdefault(row.duplicate_of_id or 0, []).append(row)
    return found


# -- filter choices -------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    agencies: list[str]
    listings: list[tuple[str, str]]  # (aln, "97.137 State and Local Cybersecurity ...")
    categories: list[tuple[str, str]]


def filter_options(session: Session, today: date) -> FilterOptions:
    """The agencies, assistance listings and categories of the open opportunities (cached
    until the opportunities change)."""
    return listing_choices.cached(
        session, FundingOpportunity, "filters", today, lambda: _filter_options(session, today)
    )


def _filter_options(session: Session, today: date) -> FilterOptions:
    """The agencies, assistance listings and categories of the open opportunities.

    Distinct values are found in SQL: the rows themselves never reach Python.
    """
    is_open = open_opportunities_statement(today).whereclause

    def distinct_elements(column: Any) -> set[str]:
        items = json_lists.elements(session, column)
        statement = select(items.c.value).select_from(FundingOpportunity).join(items, true())
        return {str(v) for v in session.scalars(statement.where(is_open).distinct()) if v}

    found = session.scalars(
        select(FundingOpportunity.agency)
        .where(is_open, FundingOpportunity.agency.is_not(None))
        .distinct()
    ).all()
    agencies = sorted({a for a in found if a}, key=str.casefold)
    alns = sorted(distinct_elements(FundingOpportunity.assistance_listings))
    titles = dict(
        session.execute(
            select(FundingProgram.aln, FundingProgram.title).where(FundingProgram.aln.in_(alns))
        ).all()
    )
    categories = sorted(distinct_elements(FundingOpportunity.categories))
    return FilterOptions(
        agencies=agencies,
        listings=[(a, f"{a} {titles[a]}" if a in titles else a) for a in alns],
        categories=[(c, FUNDING_CATEGORIES.get(c, c)) for c in categories],
    )


def program_opportunities(
    session: Session, aln: str, today: date
) -> tuple[list[FundingOpportunity], list[FundingOpportunity]]:
    """A program's current (posted) and forecast opportunities, soonest deadline first."""
    rows = [
        row
        for row in session.scalars(
            open_opportunities_statement(today).order_by(
                FundingOpportunity.close_date.is_(None), FundingOpportunity.close_date
            )
        )
        if aln in (row.assistance_listings or [])
    ]
    current = [r for r in rows if r.status == OpportunityStatus.POSTED]
    forecast = [r for r in rows if r.status == OpportunityStatus.FORECASTED]
    return current, forecast


def canonical(session: Session, opportunity_id: int) -> FundingOpportunity | None:
    """The opportunity shown for an id: a duplicate resolves to the record it duplicates."""
    row = session.get(FundingOpportunity, opportunity_id)
    seen = set()
    while row is not None and row.duplicate_of_id and row.id not in seen:
        seen.add(row.id)
        row = session.get(FundingOpportunity, row.duplicate_of_id)
    return row


def programs_for(session: Session, alns: Iterable[str]) -> dict[str, FundingProgram]:
    alns = list(alns)
    if not alns:
        return {}
    return {
        p.aln: p
        for p in session.scalars(select(FundingProgram).where(FundingProgram.aln.in_(alns)))
    }


def by_ids(session: Session, ids: Iterable[int]) -> dict[int, FundingOpportunity]:
    ids = list(ids)
    if not ids:
        return {}
    return {
        r.id: r
        for r in session.scalars(select(FundingOpportunity).where(FundingOpportunity.id.in_(ids)))
    }


def open_version(session: Session, today: date) -> str:
    """Changes whenever the opportunities do (added, changed, closed) and with the day."""
    return f"{today.isoformat()}:{table_changes.stamp(session, FundingOpportunity.__tablename__)}"
