"""GET /api/v1/deadlines.ics: the closing dates a jobs or funding search finds, as a calendar."""

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from openapi_spec_validator import validate

from app.services import deadlines

from .funding_helpers import make_opportunity
from .seeker_docs import add_job
from .test_api_errors import assert_json_error

TODAY = date.today()
URL = "/api/v1/deadlines.ics"


@pytest.fixture
def listings(db, catalog):
    return {
        "soc": add_job(db, title="SOC analyst", close_date=TODAY + timedelta(days=3)),
        "vet": add_job(
            db,
            title="Forensic examiner",
            series=["1811"],
            hiring_paths=["vet"],
            close_date=TODAY + timedelta(days=12),
        ),
        "continuous": add_job(db, title="Open until filled", close_date=None),
        "grant": make_opportunity(db, days_left=5, title="Water utility cyber grant"),
        "research": make_opportunity(
            db, days_left=40, title="AI security research", eligible_applicants=["06"]
        ),
        "rolling": make_opportunity(db, days_left=None, title="Rolling workforce program"),
        "closed": make_opportunity(db, days_left=-1, title="Closed grant"),
    }


def events(response) -> list:
    """The calendar's events, parsed back with the icalendar library (soonest first)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/calendar"
    assert 'filename="deadlines.ics"' in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    assert calendar["version"] == "2.0" and calendar["x-wr-calname"] == "Pathfinder deadlines"
    return list(calendar.walk("VEVENT"))


def uids(response) -> list[str]:
    return [str(event["uid"]) for event in events(response)]


def test_every_closing_date_of_both_kinds_soonest_first(client, listings):
    found = events(client.get(URL))
    assert [str(e["uid"]) for e in found] == [
        f"job-{listings['soc'].id}@pathfinder",
        f"funding-{listings['grant'].id}@pathfinder",
        f"job-{listings['vet'].id}@pathfinder",
        f"funding-{listings['research'].id}@pathfinder",
    ]  # no event for listings without a date, none for the closed grant
    soc = found[0]
    assert soc.decoded("DTSTART") == listings["soc"].close_date
    assert soc.decoded("DTEND") == listings["soc"].close_date + timedelta(days=1)
    assert str(soc["summary"]).startswith("Closes: SOC analyst")
    assert str(soc["url"]) == listings["soc"].url
    grant = found[1]
    assert str(grant["url"]).endswith(f"/funding/opportunities/{listings['grant'].id}")
    assert list(soc.walk("VALARM"))  # a reminder before each deadline


def test_kind_picks_jobs_or_funding(client, listings):
    assert uids(client.get(f"{URL}?kind=jobs")) == [
        f"job-{listings['soc'].id}@pathfinder", f"job-{listings['vet'].id}@pathfinder"
    ]  # fmt: skip
    assert uids(client.get(f"{URL}?kind=funding")) == [
        f"funding-{listings['grant'].id}@pathfinder",
        f"funding-{listings['research'].id}@pathfinder",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=jobs&series=1811", ["vet"]),
        ("kind=jobs&hiring_path=vet", ["vet"]),
        ("kind=jobs&closing_within=7", ["soc"]),
        ("kind=funding&q=water", ["grant"]),
        ("kind=funding&who=higher_ed", ["research"]),
        ("closing_within=7", ["soc", "grant"]),  # both kinds
        ("series=1811", ["grant", "vet", "research"]),  # a job filter leaves funding alone
        ("q=water", ["soc", "grant", "vet"]),  # and a funding filter the jobs
    ],
)
def test_the_filters_of_jobs_and_funding_apply(client, listings, query, expected):
    prefix = {"soc": "job", "vet": "job", "grant": "funding", "research": "funding"}
    wanted = [f"{prefix[name]}-{listings[name].id}@pathfinder" for name in expected]
    assert uids(client.get(f"{URL}?{query}")) == wanted


def test_the_number_of_events_is_bounded(client, listings, monkeypatch):
    assert len(uids(client.get(f"{URL}?limit=3"))) == 3
    assert uids(client.get(f"{URL}?limit=1")) == [f"job-{listings['soc'].id}@pathfinder"]
    monkeypatch.setattr(deadlines, "MAX_EVENTS", 2)  # the bound holds without a limit too
    assert len(uids(client.get(URL))) == 2
    response = client.get(f"{URL}?limit=501")
    assert list(assert_json_error(response, 422)["errors"]["query"]) == ["limit"]


def test_one_calendar_soonest_first_whatever_the_paging_or_sort(client, listings):
    # Like every query of the API, arguments it does not take are left out.
    assert uids(client.get(f"{URL}?sort=award&page=2&per_page=1")) == uids(client.get(URL))


def test_an_empty_search_is_an_empty_calendar(client, listings):
    assert events(client.get(f"{URL}?kind=funding&q=nothingmatchesthis")) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=grants", "kind"),
        ("closing_within=5", "closing_within"),
        ("grade=16", "grade"),
        ("who=aliens", "who"),
        ("limit=0", "limit"),
    ],
)
def test_bad_arguments_are_a_422_naming_the_field(client, catalog, query, field):
    response = client.get(f"{URL}?{query}")
    assert list(assert_json_error(response, 422)["errors"]["query"]) == [field]


def test_openapi_documents_the_calendar_and_its_parameters(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    operation = document["paths"][URL]["get"]
    assert operation["summary"].startswith("Closing dates of open jobs and funding")
    assert "at most 500 events" in operation["description"]
    assert set(operation["responses"]["200"]["content"]) == {"text/calendar"}
    names = {p["name"] for p in operation["parameters"]}
    assert {"kind", "limit", "series", "role", "q", "who", "closing_within"} <= names
    assert not names & {"page", "per_page", "sort"}
    limit = next(p for p in operation["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == deadlines.MAX_EVENTS == 500
