"""The funding pages' labels, flash messages and page-view objects (app/funding/views.py)."""

from datetime import date
from types import SimpleNamespace

import pytest

from app.funding import views
from app.services.funding.pages import SearchResult
from app.services.funding.search import FilterOptions, SearchPage, SearchQuery

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [(["99"], ["Anyone (unrestricted)"]), (["02", "00"], ["States", "Cities and townships"])],
)
def test_eligibility_labels_are_plain_words(codes, expected):
    assert views.eligibility_labels(codes) == expected


def test_source_instrument_status_and_sort_labels():
    assert views.source_label("grantsgov-xml") == "Grants.gov"
    assert views.source_label("elsewhere") == "elsewhere"
    assert views.instrument_label("CA") == "Cooperative agreement"
    assert views.instrument_label("ZZ") == "ZZ"
    assert views.status_label("posted") == "Open for applications"
    assert views.status_label("archived") == "Archived"
    assert views.status_label("odd") == "odd"
    assert views.sort_description("closing") == "closing date, soonest first"


def test_the_filters_are_registered_app_wide(app):
    for name in ("eligibility_labels", "source_label", "instrument_label", "status_label",
                 "sort_description", "applicant_label", "category_label"):  # fmt: skip
        assert name in app.jinja_env.filters


def test_flash_messages():
    search = SimpleNamespace(name="Water", frequency="weekly", alerts_enabled=True)
    assert views.search_saved_message(search).startswith("Saved “Water”.")
    assert (
        views.settings_saved_message(search) == "Saved the settings of “Water” (weekly alerts on)."
    )
    search.alerts_enabled = False
    assert views.settings_saved_message(search).endswith("(alerts off).")
    assert views.reminders_message(SimpleNamespace(alerts_enabled=True)) == "Deadline reminders on."
    assert views.feed_created_message(True).startswith("New calendar address created")
    assert views.first_error(SimpleNamespace(errors={"a": [], "b": ["Too long."]})) == "Too long."
    assert views.first_error(SimpleNamespace(errors={})) == "please try again."


def test_search_view_context_is_the_templates_arguments(app):
    query = SearchQuery(q="water", status=("posted",))
    found = SearchResult(
        query=query,
        results=SearchPage(hits=[], total=0, page=1),
        options=FilterOptions(agencies=["FEMA"], listings=[], categories=[]),
        saved_ids={3},
        is_office=True,
    )
    with app.test_request_context("/funding/?q=water&status=posted"):
        form = views.SearchForm(formdata=None, data=query.to_params())
        context = views.search_view(found, form, TODAY).context()
        assert set(context) == {"form", "query", "results", "today", "saved_search",
                                "save_form", "saved_ids", "page_url", "is_office"}  # fmt: skip
        assert context["save_form"].name.data == query.describe()
        assert context["page_url"](2) == "/funding/?q=water&status=posted&page=2"
        assert ("FEMA", "FEMA") in [(c.value, c.label) if hasattr(c, "value") else c
                                    for c in context["form"].agency.choices]  # fmt: skip


def test_feed_view_without_a_token(app):
    with app.test_request_context():
        assert views.feed_view(None).context() == {"feed_url": None, "download_url": None}


def test_pages_gather_a_search_and_an_opportunity(db, tmp_path):
    from app.services.funding import pages

    from .funding_helpers import make_office, make_opportunity

    user, row = make_office(db), make_opportunity(db, today=TODAY)
    visitor = pages.search_page(db, SearchQuery(), TODAY, saved_id=1)
    assert (visitor.is_office, visitor.saved_search, visitor.saved_ids) == (False, None, set())
    assert [h.opportunity.id for h in visitor.results.hits] == [row.id]
    office = pages.search_page(db, SearchQuery(), TODAY, user_id=user.id)
    assert office.is_office
    assert pages.opportunity_page(db, 10**9, TODAY, tmp_path) is None
    assert pages.saved_searches(db, user.id) == []
    assert pages.matches_page(db, user.id, TODAY, tmp_path) is None  # no profile yet
