"""Funding pages: programs, search with filters, opportunity pages, program office accounts."""

import re
from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from app.models import FundingOpportunity, OpportunityStatus, SavedSearch, User

from .conftest import check_page_structure, login
from .funding_helpers import make_office, make_opportunity


def test_funding_programs_list_and_detail(client, catalog):
    html = client.get("/funding/programs/").get_data(as_text=True)
    check_page_structure(html)
    assert "97.137" in html
    detail = client.get("/funding/programs/97.137")
    assert detail.status_code == 200
    page = detail.get_data(as_text=True)
    check_page_structure(page)
    assert "State governments" in page  # applicant codes shown in words


def test_unknown_program_is_a_404(client, catalog):
    assert client.get("/funding/programs/99.999").status_code == 404


# --- funding opportunities: search, opportunity pages, programs ---------------------------


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_search_page_lists_open_opportunities_with_eligibility_and_deadlines(client, samples):
    response = client.get("/funding/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    items = soup.select(".usa-collection__item")
    assert 15 <= len(items) <= 20  # one page
    for item in items:
        text = item.get_text(" ", strip=True)
        assert "Who can apply" in text and "Closes" in text and "Sample listing" in text
    assert "Rolling / no fixed deadline" in client.get("/funding/?q=SaTC").get_data(as_text=True)
    assert "Also on simpler.grants.gov" in " ".join(soup.get_text(" ").split())
    assert 'aria-current="page"' in html and ">Funding<" in html  # in the navigation
    assert "2099" not in html  # stand-in dates are never shown as deadlines


def test_search_filters_narrow_the_results(client, samples):
    everything = _soup(client.get("/funding/"))
    total = int(re.match(r"\d+", everything.find(id="results-heading").get_text(strip=True))[0])
    tribal = _soup(client.get("/funding/?who=tribal&status=posted&closing_within=60"))
    heading = tribal.find(id="results-heading").get_text(strip=True)
    assert int(re.match(r"\d+", heading)[0]) < total
    assert "Tribal Cybersecurity Grant Program" in tribal.get_text()
    assert tribal.find(id="who-3").has_attr("checked")  # the filter stays chosen
    utility = _soup(client.get("/funding/?q=utilities&aln=81.008"))
    titles = [h.get_text(strip=True) for h in utility.select(".usa-collection__heading")]
    assert titles and "Utility" in titles[0]
    assert all("81.008" in item.get_text() for item in utility.select(".usa-collection__item"))


def _result_count(soup) -> int:
    heading = soup.find(id="results-heading").get_text(strip=True)
    found = re.match(r"\d+", heading)
    return int(found[0]) if found else 0


def test_every_example_the_search_hint_gives_finds_sample_listings(client, samples):
    hint = _soup(client.get("/funding/")).find(id="q-hint").get_text(strip=True)
    examples = hint.removeprefix("For example:").strip().split(", ")
    assert len(examples) == 3
    for example in examples:
        for sort in ("", "closing"):  # ranked in Python, and paged in SQL
            found = _soup(client.get("/funding/", query_string={"q": example, "sort": sort}))
            assert _result_count(found) >= 1, (example, sort)


def test_words_find_listing_numbers_opportunity_numbers_and_phrases(client, samples):
    by_listing = _soup(client.get("/funding/?aln=97.137"))
    by_words = _soup(client.get("/funding/?q=97.137"))
    assert _result_count(by_words) == _result_count(by_listing) == 2
    titles = [h.get_text(strip=True) for h in by_words.select(".usa-collection__heading")]
    assert all("State and Local Cybersecurity Grant Program" in t for t in titles)
    assert _result_count(_soup(client.get("/funding/?q=97.13"))) == 0  # not a prefix match
    numbered = _soup(client.get("/funding/?q=dhs-26-gpd-137-00-98"))
    assert _result_count(numbered) == 1
    phrase = _soup(client.get("/funding/", query_string={"q": '"operational technology"'}))
    words = _soup(client.get("/funding/?q=operational+technology"))
    assert 1 <= _result_count(phrase) < _result_count(words)  # the words, but not together


def test_a_malformed_amount_is_explained_next_to_the_field(client, samples):
    response = client.get("/funding/?award_min=lots")
    assert response.status_code == 200
    soup = _soup(response)
    check_page_structure(str(soup))
    assert soup.find(attrs={"role": "alert"}) is not None
    assert "award_min-error" in soup.find(id="award_min")["aria-describedby"]
    assert soup.select(".usa-collection__item")  # the rest of the search still runs


def test_search_pages_through_results(client, db, catalog):
    for n in range(25):
        make_opportunity(db, title=f"Paged grant {n}", agency="Paging agency")
    db.commit()
    first = _soup(client.get("/funding/?agency=Paging+agency"))
    assert len(first.select(".usa-collection__item")) == 20
    nav = first.find("nav", attrs={"aria-label": "Pages of results"})
    assert nav is not None
    second = _soup(client.get("/funding/?agency=Paging+agency&page=2"))
    assert len(second.select(".usa-collection__item")) == 5


def test_opportunity_page_shows_the_normalised_facts_and_sources(client, db, samples):
    slcgp = db.scalar(
        select(FundingOpportunity).where(
            FundingOpportunity.number == "DHS-26-GPD-137-00-98",
            FundingOpportunity.duplicate_of_id.is_(None),
        )
    )
    response = client.get(f"/funding/opportunities/{slcgp.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    for expected in (
        "Department of Homeland Security",
        "DHS-26-GPD-137-00-98",
        "States",
        "97.137",
        "State and Local Cybersecurity Grant Program",
        "Sample listing",
        "grants.gov/search-results-detail",
        "Also on simpler.grants.gov",
        ".ics",
        "Cooperative agreement",
        "Work roles this funding needs",
    ):
        assert expected in html, expected
    assert 'href="/funding/programs/97.137"' in html


def test_a_duplicate_record_redirects_to_the_one_shown(client, db, samples):
    duplicate = db.scalar(
        select(FundingOpportunity).where(FundingOpportunity.duplicate_of_id.is_not(None))
    )
    response = client.get(f"/funding/opportunities/{duplicate.id}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/{duplicate.duplicate_of_id}")
    assert client.get("/funding/opportunities/999999").status_code == 404


def test_rolling_deadlines_are_shown_as_such(client, db, catalog):
    row = make_opportunity(db, days_left=None, close_date_note="Proposals accepted anytime.")
    db.commit()
    html = client.get(f"/funding/opportunities/{row.id}").get_data(as_text=True)
    assert "Rolling / no fixed deadline" in html and "Proposals accepted anytime." in html
    assert f"/funding/opportunities/{row.id}.ics" not in html


def test_program_page_lists_current_and_forecast_opportunities(client, db, catalog):
    today = date.today()
    current = make_opportunity(db, title="Current SLCGP", assistance_listings=["97.137"])
    forecast = make_opportunity(
        db,
        title="Forecast SLCGP",
        assistance_listings=["97.137"],
        status=OpportunityStatus.FORECASTED,
    )
    make_opportunity(
        db,
        title="Closed SLCGP",
        assistance_listings=["97.137"],
        status=OpportunityStatus.CLOSED,
        close_date=today - timedelta(days=3),
    )
    db.commit()
    html = client.get("/funding/programs/97.137").get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    now_heading = soup.find("h2", string="Open for applications now")
    forecast_heading = soup.find("h2", string="Forecast")
    assert "Current SLCGP" in now_heading.find_next("ul").get_text()
    assert "Forecast SLCGP" in forecast_heading.find_next("ul").get_text()
    assert "Closed SLCGP" not in html
    assert current.id and forecast.id


# --- program office accounts ---------------------------------------------------------------

ACCOUNT_PAGES = (
    "/funding/profile",
    "/funding/matches",
    "/funding/searches",
    "/funding/saved",
    "/funding/feed",
)
ACCOUNT_ACTIONS = (
    "/funding/searches",
    "/funding/searches/1/settings",
    "/funding/searches/1/delete",
    "/funding/searches/1/hide/1",
    "/funding/searches/1/unhide/1",
    "/funding/opportunities/1/save",
    "/funding/opportunities/1/unsave",
    "/funding/saved/1/alerts",
    "/funding/feed",
    "/funding/feed/revoke",
)


def test_account_pages_need_a_program_office_account(client, db, catalog):
    for path in ACCOUNT_PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    for path in ACCOUNT_ACTIONS:
        assert client.post(path).status_code == 302, path
    login(client, db, "staff@example.gov", ("opm_staff",))
    for path in ACCOUNT_PAGES:
        assert client.get(path).status_code == 403, path
    for path in ACCOUNT_ACTIONS:
        assert client.post(path).status_code == 403, path


def test_small_buttons_need_a_csrf_token(app, client, db, catalog):
    row = make_opportunity(db)
    login(client, db, "office@example.gov", ("program_office",))
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/funding/opportunities/{row.id}/save")
    assert response.status_code == 400
    assert client.post("/funding/feed/revoke").status_code == 400


def test_account_pages_are_well_formed(client, db, catalog):
    login(client, db, "office@example.gov", ("program_office",))
    for path in ("/funding/profile", "/funding/searches", "/funding/saved", "/funding/feed"):
        response = client.get(path)
        assert response.status_code == 200, path
        check_page_structure(response.get_data(as_text=True))


def test_save_a_search_hide_one_result_and_manage_alerts(client, db, catalog):
    keep = make_opportunity(db, title="Keep me", agency="Saved search agency")
    hide = make_opportunity(db, title="Hide me", agency="Saved search agency")
    db.commit()
    login(client, db, "office@example.gov", ("program_office",))
    page = _soup(client.get("/funding/?agency=Saved+search+agency"))
    query = page.find("input", attrs={"name": "query"})["value"]
    assert query == "agency=Saved+search+agency"

    response = client.post(
        "/funding/searches", data={"query": query, "name": "", "frequency": "weekly"}
    )
    assert response.status_code == 302
    search = db.scalar(select(SavedSearch))
    assert search.name == "Saved search agency" and search.frequency == "weekly"
    assert set(search.snapshot) == {str(keep.id), str(hide.id)}
    listing = client.get("/funding/searches").get_data(as_text=True)
    check_page_structure(listing)
    assert "Saved search agency" in listing

    view = client.get(f"/funding/?saved={search.id}").get_data(as_text=True)
    check_page_structure(view)
    assert "Not interested" in view
    client.post(
        f"/funding/searches/{search.id}/hide/{hide.id}",
        data={"next": f"/funding/?saved={search.id}"},
    )
    view = client.get(f"/funding/?saved={search.id}").get_data(as_text=True)
    assert "Keep me" in view and "Hide me" not in view
    assert "Hide me" in client.get("/funding/searches").get_data(as_text=True)  # can be undone
    assert "Hide me" in client.get("/funding/?agency=Saved+search+agency").get_data(as_text=True)

    prefix = f"s{search.id}-"
    client.post(
        f"/funding/searches/{search.id}/settings",
        data={prefix + "name": "Renamed", prefix + "frequency": "daily"},
    )
    db.refresh(search)
    assert (search.name, search.alerts_enabled, search.frequency) == ("Renamed", False, "daily")

    client.post(f"/funding/searches/{search.id}/unhide/{hide.id}")
    assert "Hide me" in client.get(f"/funding/?saved={search.id}").get_data(as_text=True)

    other = make_office(db, "other@example.gov")
    search.user_id = other.id
    db.commit()
    assert client.post(f"/funding/searches/{search.id}/delete").status_code == 404
    search.user_id = db.scalar(select(User.id).where(User.email == "office@example.gov"))
    db.commit()
    assert client.post(f"/funding/searches/{search.id}/delete").status_code == 302
    assert db.scalar(select(SavedSearch)) is None


def test_save_and_unsave_an_opportunity_with_its_reminder_switch(client, db, catalog):
    row = make_opportunity(db, title="Save me")
    db.commit()
    login(client, db, "office@example.gov", ("program_office",))
    html = client.get(f"/funding/opportunities/{row.id}").get_data(as_text=True)
    assert "Save and remind me" in html
    response = client.post(
        f"/funding/opportunities/{row.id}/save", data={"next": f"/funding/opportunities/{row.id}"}
    )
    assert response.headers["Location"] == f"/funding/opportunities/{row.id}"
    # A browser reads a backslash as "/", so this "next" would lead to evil.example.com.
    off_site = client.post(
        f"/funding/opportunities/{row.id}/save", data={"next": "/\\evil.example.com/"}
    )
    assert off_site.headers["Location"] == f"/funding/opportunities/{row.id}"
    saved_page = client.get("/funding/saved").get_data(as_text=True)
    check_page_structure(saved_page)
    assert "Save me" in saved_page and "checked" in saved_page

    client.post(f"/funding/saved/{row.id}/alerts", data={})  # the box unticked
    assert "checked" not in client.get("/funding/saved").get_data(as_text=True)
    client.post(f"/funding/saved/{row.id}/alerts", data={f"o{row.id}-alerts_enabled": "y"})
    assert "checked" in client.get("/funding/saved").get_data(as_text=True)

    client.post(f"/funding/opportunities/{row.id}/unsave")
    assert "Save me" not in client.get("/funding/saved").get_data(as_text=True)
    assert client.post("/funding/opportunities/999999/save").status_code == 404
