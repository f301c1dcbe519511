"""What the program offices' pages show: labels, flash messages and page-view objects.

Services return data (app/services/funding); the functions here turn it into what a template
reads. Each page view's `context()` is the template's keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import url_for

from app.funding.forms import (
    OpportunityAlertsForm,
    SaveSearchForm,
    SearchForm,
    SearchSettingsForm,
)
from app.links import external_url
from app.models import (
    FundingOpportunity,
    FundingProgram,
    ProgramOfficeProfile,
    SavedOpportunity,
    SavedSearch,
)
from app.services.funding.links import RoleLink
from app.services.funding.matches import MatchesView as MatchesResult
from app.services.funding.pages import MatchesPage, OpportunityPage, SearchResult
from app.services.funding.saved import SavedItem
from app.services.funding.search import STATUS_LABELS, SearchPage, SearchQuery

# -- labels ---------------------------------------------------------------------------------

SHORT_APPLICANT_LABELS = {
    "00": "States",
    "01": "Counties",
    "02": "Cities and townships",
    "04": "Special districts",
    "05": "School districts",
    "06": "Public colleges and universities",
    "07": "Federally recognized tribes",
    "08": "Housing authorities",
    "11": "Other tribal organizations",
    "12": "Nonprofits with 501(c)(3) status",
    "13": "Other nonprofits",
    "20": "Private colleges and universities",
    "21": "Individuals",
    "22": "For-profit companies",
    "23": "Small businesses",
    "25": "Others (see the eligibility details)",
    "99": "Anyone (unrestricted)",
}

FUNDING_INSTRUMENTS = {
    "G": "Grant",
    "CA": "Cooperative agreement",
    "PC": "Procurement contract",
    "O": "Other",
}

SOURCE_LABELS = {
    "grantsgov": "Grants.gov",
    "grantsgov-xml": "Grants.gov",
    "simpler": "simpler.grants.gov",
}

# How the results line names the sort in use (the menu's labels are search.SORTS).
SORT_DESCRIPTIONS = {
    "relevance": "best match",
    "closing": "closing date, soonest first",
    "newest": "newest first",
    "award": "largest award first",
}

# Status tags: the searchable statuses, plus those an opportunity page can still show.
STATUS_TAGS = {**STATUS_LABELS, "closed": "Closed", "archived": "Archived"}


def eligibility_labels(codes: Iterable[str]) -> list[str]:
    """Who may apply, in short plain words, in code order."""
    return [SHORT_APPLICANT_LABELS.get(c, f"Code {c}") for c in sorted(set(codes))]


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, source)


def instrument_label(code: str) -> str:
    return FUNDING_INSTRUMENTS.get(code, code)


def status_label(status: object) -> str:
    """An opportunity status as its tag reads ("Open for applications")."""
    text = str(status)
    return STATUS_TAGS.get(text, text)


def sort_description(sort: str) -> str:
    return SORT_DESCRIPTIONS[sort]


# -- flash messages -------------------------------------------------------------------------


def first_error(form: object) -> str:
    """The first validation message of a form, for a one-line flash."""
    for errors in getattr(form, "errors", {}).values():
        if errors:
            return str(errors[0])
    return "please try again."


def search_saved_message(search: SavedSearch) -> str:
    return f"Saved “{search.name}”. We will e-mail you when something new appears."


def settings_saved_message(search: SavedSearch) -> str:
    state = f"{search.frequency} alerts on" if search.alerts_enabled else "alerts off"
    return f"Saved the settings of “{search.name}” ({state})."


def reminders_message(saved: SavedOpportunity) -> str:
    return "Deadline reminders on." if saved.alerts_enabled else "Deadline reminders off."


def feed_created_message(replacing: bool) -> str:
    if replacing:
        return "New calendar address created; the old one no longer works."
    return "Your calendar address is ready. Add it to your calendar program."


# -- page views -----------------------------------------------------------------------------


class PageView:
    """A dataclass whose fields are a template's keyword arguments."""

    def context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


@dataclass
class SearchView(PageView):
    form: SearchForm
    query: SearchQuery
    results: SearchPage
    today: date
    saved_search: SavedSearch | None
    save_form: SaveSearchForm
    saved_ids: set[int]
    page_url: Callable[[int], str]
    is_office: bool


def _form_data(query: SearchQuery) -> dict[str, object]:
    data = query.to_params()
    if query.closing_within:
        data["closing_within"] = str(query.closing_within)
    return data


def search_view(found: SearchResult, form: SearchForm, today: date) -> SearchView:
    """The search page; a saved search's own filters replace those of the request."""
    saved_search = found.saved_search
    if saved_search is not None:
        form = SearchForm(data=_form_data(found.query))
    options = found.options
    form.set_options(options.agencies, options.listings, options.categories)
    params = found.query.to_params()
    link_args = {"saved": saved_search.id} if saved_search else params
    return SearchView(
        form=form,
        query=found.query,
        results=found.results,
        today=today,
        saved_search=saved_search,
        save_form=SaveSearchForm(query=urlencode(params, doseq=True), name=found.query.describe()),
        saved_ids=found.saved_ids,
        page_url=lambda page: url_for("funding.search", **link_args, page=page),
        is_office=found.is_office,
    )


@dataclass
class OpportunityView(PageView):
    o: FundingOpportunity
    today: date
    duplicates: list[FundingOpportunity]
    programs: dict[str, FundingProgram]
    roles: list[RoleLink]
    saved_row: SavedOpportunity | None
    alerts_form: OpportunityAlertsForm
    is_office: bool


def opportunity_view(found: OpportunityPage, today: date) -> OpportunityView:
    row, saved_row = found.opportunity, found.saved_row
    return OpportunityView(
        o=row,
        today=today,
        duplicates=found.duplicates,
        programs=found.programs,
        roles=found.roles,
        saved_row=saved_row,
        alerts_form=OpportunityAlertsForm(
            prefix=f"o{row.id}", alerts_enabled=saved_row.alerts_enabled if saved_row else True
        ),
        is_office=found.is_office,
    )


@dataclass
class MatchesView(PageView):
    view: MatchesResult  # read by the template as `view`
    profile: ProgramOfficeProfile
    roles: dict[int, list[RoleLink]]
    today: date
    saved_ids: set[int]


def matches_view(found: MatchesPage, today: date) -> MatchesView:
    return MatchesView(
        view=found.matches,
        profile=found.profile,
        roles=found.roles,
        today=today,
        saved_ids=found.saved_ids,
    )


@dataclass
class SearchesView(PageView):
    items: list[tuple[SavedSearch, SearchSettingsForm, list[FundingOpportunity]]]
    search_url: Callable[[SavedSearch], str] = field(
        default=lambda s: url_for("funding.search", saved=s.id)
    )


def searches_view(found: Iterable[tuple[SavedSearch, list[FundingOpportunity]]]) -> SearchesView:
    """Each saved search with its settings form and what it hides as not interesting."""
    return SearchesView(
        items=[
            (
                s,
                SearchSettingsForm(
                    prefix=f"s{s.id}",
                    name=s.name,
                    alerts_enabled=s.alerts_enabled,
                    frequency=s.frequency,
                ),
                hidden,
            )
            for s, hidden in found
        ]
    )


@dataclass
class SavedListView(PageView):
    items: list[tuple[SavedItem, OpportunityAlertsForm]]
    today: date


def saved_list_view(found: Iterable[SavedItem], today: date) -> SavedListView:
    return SavedListView(
        items=[
            (
                item,
                OpportunityAlertsForm(
                    prefix=f"o{item.opportunity.id}", alerts_enabled=item.saved.alerts_enabled
                ),
            )
            for item in found
        ],
        today=today,
    )


@dataclass
class FeedView(PageView):
    feed_url: str | None
    download_url: str | None


def feed_view(token: str | None) -> FeedView:
    if not token:
        return FeedView(None, None)
    return FeedView(
        feed_url=external_url("feed_ics", token=token),
        download_url=url_for("feed_ics", token=token),
    )
