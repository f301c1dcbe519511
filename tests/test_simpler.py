"""simpler.grants.gov search parser and client."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from werkzeug import Request, Response

from scrapers import simpler
from scrapers.errors import ConfigurationError, PayloadError, SourceError
from scrapers.json_api import FundingQuery
from scrapers.simpler import SimplerClient, category_code, parse_search
from vocabulary.codes import FUNDING_CATEGORIES

FIXTURES = Path(__file__).parent / "fixtures" / "simpler"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_parse_search_posted():
    page = parse_search(load("search_response.json"))
    assert (page.total_pages, page.total_records, len(page.records)) == (1, 3, 3)
    record = page.records[0]
    assert record.source == "simpler"
    assert record.source_id == "5a1d7c3e-8a44-4b7e-9d3f-0c9a6f3b1e21"
    assert record.legacy_id == "355001"  # int in the API, string here: links to Grants.gov
    assert (
        record.url == "https://simpler.grants.gov/opportunity/5a1d7c3e-8a44-4b7e-9d3f-0c9a6f3b1e21"
    )
    assert record.title == "Fiscal Year 2025 State and Local Cybersecurity Grant Program"
    assert record.number == "DHS-25-GPD-137-00-99"
    assert record.agency_code == "DHS-DHS"
    assert record.agency == "Department of Homeland Security - FEMA"
    assert record.assistance_listings == ("97.137",)
    assert record.status == "posted"
    assert record.open_date == date(2025, 8, 1)
    assert record.close_date == date(2026, 9, 30)
    assert record.close_date_note == "Applications are due by 5 p.m. ET."
    assert record.archive_date == date(2026, 10, 30)
    assert record.award_ceiling is None and record.award_floor == 0.0
    assert record.total_funding == 279_900_000.0
    assert record.expected_awards == 56
    assert record.eligible_applicants == ("00", "07", "25")
    assert record.categories == ("DPR", "ST")
    assert record.funding_instruments == ("G", "CA")
    assert record.cost_sharing is True
    assert record.description == "The SLCGP helps states address cybersecurity risks & threats."
    assert record.eligibility_note == (
        'Only the State Administrative Agency (SAA) may apply.\nTribes apply under "TCGP".'
    )


def test_parse_search_forecast_uses_forecasted_dates():
    record = parse_search(load("search_response.json")).records[1]
    assert record.status == "forecasted"
    assert record.open_date == date(2026, 7, 15)
    assert record.close_date == date(2026, 10, 15)
    assert record.close_date_note == "Estimated; see the NOFO when posted."
    assert record.agency == "Department of Homeland Security"  # agency_name is null
    assert record.assistance_listings == ("97.156",)  # the null number is skipped
    assert record.eligible_applicants == ("07",)  # the unknown enum value is dropped
    assert record.description == "Funds tribal governments’ cybersecurity programs."
    assert record.cost_sharing is False


def test_parse_search_stand_in_close_date():
    record = parse_search(load("search_response.json")).records[2]
    assert record.close_date is None
    assert record.close_date_note == "Proposals accepted anytime"
    assert record.eligible_applicants == ("99",)
    assert record.categories == ("ST", "O")
    assert (record.award_floor, record.award_ceiling) == (100_000.0, 1_200_000.0)


def test_close_date_ignored_on_forecasts():
    payload = load("search_response.json")
    summary = payload["data"][1]["summary"]
    summary["close_date"] = "2030-01-01"
    assert parse_search(payload).records[1].close_date == date(2026, 10, 15)


def test_every_funding_category_maps_back_to_its_code():
    for code, name in FUNDING_CATEGORIES.items():
        enum = "_".join(name.lower().replace(",", "").split())
        assert category_code(enum) == code, name
    # The API's own spelling drops an "and".
    assert category_code("science_technology_and_other_research_and_development") == "ST"
    assert category_code("employment_labor_and_training") == "ELT"
    assert category_code("not_a_category") is None


def test_applicant_type_map_covers_the_code_list():
    from vocabulary.codes import APPLICANT_TYPES

    assert sorted(simpler.APPLICANT_TYPES.values()) == sorted(APPLICANT_TYPES)


@pytest.mark.parametrize(
    ("payload", "error", "message"),
    [
        (load("error_422.json"), SourceError, "Validation error.*page_size"),
        ({"message": "Internal Server Error", "status_code": 500, "data": {}}, SourceError, "500"),
        ({"message": "Forbidden", "data": []}, SourceError, "Forbidden"),
        ({"message": "Success", "status_code": 200, "data": {}}, PayloadError, "data list"),
        ({"message": "Success", "status_code": 200, "data": []}, PayloadError, "pagination"),
        (
            {"message": "Success", "status_code": 200, "data": [], "pagination_info": {}},
            PayloadError,
            "totals",
        ),
        (
            {
                "message": "Success",
                "status_code": 200,
                "data": [{"opportunity_title": "x"}],
                "pagination_info": {"total_pages": 1, "total_records": 1},
            },
            PayloadError,
            "opportunity_id is missing",
        ),
        (
            {
                "message": "Success",
                "status_code": 200,
                "data": [{"opportunity_id": ["a"], "opportunity_title": "x"}],
                "pagination_info": {"total_pages": 1, "total_records": 1},
            },
            PayloadError,
            "opportunity_id is a JSON list, not a string or integer",
        ),
        ("nope", PayloadError, "JSON object"),
    ],
)
def test_parse_search_errors(payload, error, message):
    with pytest.raises(error, match=message):
        parse_search(payload)


# --- client -----------------------------------------------------------------------------


def test_client_needs_an_api_key(polite_session):
    with pytest.raises(ConfigurationError, match="API key"):
        SimplerClient(polite_session, api_key=None)
    with pytest.raises(ConfigurationError):
        SimplerClient(polite_session, api_key="  ")


def _opportunity(uuid: str, legacy: int, aln: str = "97.137") -> dict[str, Any]:
    item = load("search_response.json")["data"][0]
    item["opportunity_id"] = uuid
    item["legacy_opportunity_id"] = legacy
    item["opportunity_assistance_listings"] = [{"assistance_listing_number": aln}]
    return item


def _page(items: list[dict[str, Any]], page: int, pages: int, total: int) -> Response:
    body = {
        "message": "Success",
        "status_code": 200,
        "data": items,
        "pagination_info": {
            "page_offset": page,
            "page_size": len(items),
            "total_records": total,
            "total_pages": pages,
            "sort_order": [],
        },
        "facet_counts": {},
    }
    return Response(json.dumps(body), content_type="application/json")


def test_search_sends_key_and_body(httpserver, polite_session):
    httpserver.expect_request(
        "/v1/opportunities/search",
        method="POST",
        headers={"X-API-Key": "test-key"},
        json={
            "pagination": {
                "page_offset": 2,
                "page_size": 25,
                "sort_order": [{"order_by": "opportunity_id", "sort_direction": "ascending"}],
            },
            "query": "cybersecurity",
            "filters": {
                "opportunity_status": {"one_of": ["forecasted", "posted"]},
                "assistance_listing_number": {"one_of": ["97.137"]},
            },
        },
    ).respond_with_json(load("search_response.json"))
    client = SimplerClient(polite_session, base_url=httpserver.url_for(""), api_key="test-key")
    page = client.search(FundingQuery("cybersecurity", ("97.137",)), page_offset=2, page_size=25)
    assert len(page.records) == 3


def test_search_rejects_long_queries(polite_session):
    client = SimplerClient(polite_session, api_key="k")
    with pytest.raises(ValueError, match="100"):
        client.search(FundingQuery("x" * 101))


def test_http_error_is_a_source_error(httpserver, polite_session):
    httpserver.expect_request("/v1/opportunities/search").respond_with_json(
        {"message": "Unauthorized", "status_code": 401, "data": {}}, status=401
    )
    client = SimplerClient(polite_session, base_url=httpserver.url_for(""), api_key="bad")
    with pytest.raises(SourceError, match="401"):
        client.search(FundingQuery("cybersecurity"))


def test_iter_opportunities_pages_and_dedupes(httpserver, polite_session):
    pages = {
        1: [_opportunity("u1", 1), _opportunity("u2", 2)],
        2: [_opportunity("u3", 3), _opportunity("u4", 4)],
        3: [_opportunity("u5", 5)],
    }

    def handler(request: Request) -> Response:
        body = request.get_json()
        assert request.headers["X-API-Key"] == "k"
        offset = body["pagination"]["page_offset"]
        if body.get("query") == "cybersecurity":
            return _page(pages[offset], offset, 3, 5)
        assert body["filters"]["assistance_listing_number"] == {"one_of": ["97.156"]}
        return _page([_opportunity("u2", 2), _opportunity("u9", 9, "97.156")], 1, 1, 2)

    httpserver.expect_request("/v1/opportunities/search", method="POST").respond_with_handler(
        handler
    )
    client = SimplerClient(polite_session, base_url=httpserver.url_for(""), api_key="k")
    records = list(client.iter_opportunities(["cybersecurity"], ["97.156"], page_size=2))
    assert [r.source_id for r in records] == ["u1", "u2", "u3", "u4", "u5", "u9"]
    assert [r.legacy_id for r in records] == ["1", "2", "3", "4", "5", "9"]
    assert client.capped == []
    assert len(httpserver.log) == 4  # three pages for the query, one for the ALN


def test_iter_opportunities_slices_a_capped_query_by_aln(httpserver, polite_session, monkeypatch):
    monkeypatch.setattr(simpler, "MAX_RESULTS", 4)
    requests: list[tuple[str | None, tuple[str, ...], int]] = []

    def handler(request: Request) -> Response:
        body = request.get_json()
        alns = tuple(body.get("filters", {}).get("assistance_listing_number", {}).get("one_of", []))
        offset = body["pagination"]["page_offset"]
        requests.append((body.get("query"), alns, offset))
        if body.get("query") == "security" and not alns:
            # 10 matches, more than the (patched) cap of 4: only two pages can be read.
            uuids = [f"q{offset}a", f"q{offset}b"]
            return _page([_opportunity(u, 100 + offset) for u in uuids], offset, 5, 10)
        if body.get("query") == "security":
            return _page([_opportunity(f"s-{alns[0]}", 200, alns[0])], 1, 1, 1)
        return _page([_opportunity(f"a-{alns[0]}", 300, alns[0])], 1, 1, 1)

    httpserver.expect_request("/v1/opportunities/search", method="POST").respond_with_handler(
        handler
    )
    client = SimplerClient(polite_session, base_url=httpserver.url_for(""), api_key="k")
    records = list(client.iter_opportunities(["security"], ["97.137", "97.156"], page_size=2))
    assert client.capped == [("security", 10)]
    assert [r.source_id for r in records] == [
        "s-97.137", "s-97.156",  # slices of the capped query
        "q1a", "q1b", "q2a", "q2b",  # the query itself, up to the cap
        "a-97.137", "a-97.156",  # the ALN searches
    ]  # fmt: skip
    assert ("security", (), 3) not in requests  # never asked past the cap


def test_iter_opportunities_stops_on_an_empty_page(httpserver, polite_session):
    def handler(request: Request) -> Response:
        return _page([], 1, 7, 14)

    httpserver.expect_request("/v1/opportunities/search", method="POST").respond_with_handler(
        handler
    )
    client = SimplerClient(polite_session, base_url=httpserver.url_for(""), api_key="k")
    assert list(client.iter_opportunities(["cyber"], [])) == []
    assert len(httpserver.log) == 1


def test_iter_opportunities_error_with_200(httpserver, polite_session):
    httpserver.expect_request("/v1/opportunities/search", method="POST").respond_with_json(
        load("error_422.json")
    )
    client = SimplerClient(polite_session, base_url=httpserver.url_for(""), api_key="k")
    with pytest.raises(SourceError, match="Validation error"):
        list(client.iter_opportunities(["cyber"], []))


def test_success_is_read_from_status_code_first():
    payload = load("search_response.json")
    payload["message"] = "success"  # casing may change; status_code 200 decides
    assert len(parse_search(payload).records) == 3
    del payload["status_code"]
    assert len(parse_search(payload).records) == 3
