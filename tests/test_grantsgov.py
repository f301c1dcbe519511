"""Grants.gov search2 / fetchOpportunity parsers and client (fixtures in the real formats)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from werkzeug import Request, Response

from scrapers.errors import PayloadError, SourceError
from scrapers.grantsgov import (
    CYBER_KEYWORDS,
    GrantsGovClient,
    Search2Hit,
    parse_opportunity,
    parse_search2,
    record_from_hit,
)
from scrapers.json_api import FundingQuery

FIXTURES = Path(__file__).parent / "fixtures" / "grantsgov"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# --- search2 ----------------------------------------------------------------------------


def test_parse_search2_reads_hits_and_hit_count():
    page = parse_search2(load("search2_facets.json"))
    assert page.hit_count == 4
    assert [hit.id for hit in page.hits] == ["355001", "320536", "365100", "362210"]
    first = page.hits[0]
    assert first == Search2Hit(
        id="355001",
        number="DHS-25-GPD-137-00-99",
        title="Fiscal Year 2025 State and Local Cybersecurity Grant Program – SLCGP",
        agency_code="DHS-DHS",
        agency="Department of Homeland Security - FEMA",
        open_date=date(2025, 8, 1),
        close_date=date(2026, 9, 30),
        status="posted",
        doc_type="synopsis",
        alns=("97.137",),
    )


def test_parse_search2_reads_both_key_spellings():
    hits = parse_search2(load("search2_facets.json")).hits
    # The official sample's `agencyName` / `alnist` spelling.
    assert hits[1].agency == "U.S. National Science Foundation"
    assert hits[1].alns == ("47.070", "47.076")
    # No cfdaList at all: no ALNs, not an error.
    assert hits[3].alns == ()


def test_parse_search2_unescapes_titles_and_blank_dates():
    hits = parse_search2(load("search2_facets.json")).hits
    assert hits[3].title == "Health Sector Cybersecurity Information Sharing & Analysis ’26"
    assert hits[3].agency == "Administration for Strategic Preparedness & Response"
    assert hits[1].close_date is None  # "" for rolling NSF solicitations
    assert hits[2].close_date is None and hits[2].doc_type == "forecast"


def test_record_from_hit():
    hits = parse_search2(load("search2_facets.json")).hits
    record = record_from_hit(hits[0])
    assert record.source == "grantsgov"
    assert record.source_id == record.legacy_id == "355001"
    assert record.url == "https://www.grants.gov/search-results-detail/355001"
    assert record.status == "posted"
    assert record.assistance_listings == ("97.137",)
    assert record.close_date == date(2026, 9, 30)
    assert record_from_hit(hits[2]).status == "forecasted"


def test_record_from_hit_falls_back_on_doc_type_for_unknown_status():
    hit = parse_search2(load("search2_facets.json")).hits[2]
    odd = Search2Hit(**{**hit.__dict__, "status": "something-new"})
    assert record_from_hit(odd).status == "forecasted"


@pytest.mark.parametrize(
    ("payload", "error", "message"),
    [
        ({"errorcode": 3, "msg": "Webservice Fails", "data": None}, SourceError, "Fails"),
        (
            {"errorcode": 0, "msg": "ok", "data": {"hitCount": 0, "errorMsgs": ["bad sortBy"]}},
            SourceError,
            "bad sortBy",
        ),
        ({"message": "No response received. Backend not available."}, SourceError, "not avail"),
        ({"errorcode": 0, "msg": "ok", "data": {"oppHits": []}}, PayloadError, "hitCount"),
        ({"errorcode": 0, "msg": "ok", "data": {"hitCount": "x"}}, PayloadError, "hitCount"),
        (
            {"errorcode": 0, "msg": "ok", "data": {"hitCount": 1, "oppHits": [{"title": "t"}]}},
            PayloadError,
            "id is missing",
        ),
        (
            {"errorcode": 0, "msg": "ok", "data": {"hitCount": 1, "oppHits": [{"id": {"x": 1}}]}},
            PayloadError,
            "id is a JSON object, not a string or integer",
        ),
        (["not", "an", "object"], PayloadError, "JSON object"),
    ],
)
def test_parse_search2_errors(payload, error, message):
    with pytest.raises(error, match=message):
        parse_search2(payload)


# --- fetchOpportunity -------------------------------------------------------------------


def test_parse_opportunity_posted_rolling():
    record = parse_opportunity(load("fetch_posted_rolling.json"))
    assert record.source == "grantsgov"
    assert record.source_id == record.legacy_id == "320536"
    assert record.number == "PD-20-8060"
    assert record.title == "Secure and Trustworthy Cyberspace – Core & Education"
    assert record.agency_code == "NSF"
    assert record.agency == "U.S. National Science Foundation"
    # The entry without a cfdaNumber is skipped.
    assert record.assistance_listings == ("47.070", "47.076")
    assert record.status == "posted"
    assert record.open_date == date(2019, 9, 12)
    # 2099 is the stand-in for "rolling": no deadline, and the note says why.
    assert record.close_date is None
    assert record.close_date_note == "Proposals accepted anytime"
    assert record.archive_date == date(2099, 2, 1)
    assert record.award_ceiling is None  # "none"
    assert record.award_floor == 0.0  # "0" stays 0
    assert record.total_funding == 69_000_000.0
    assert record.expected_awards == 90
    assert record.eligible_applicants == ("25", "06", "20")  # int 6 zero-padded
    assert record.eligibility_note == (
        "Proposals may be submitted by IHEs & non-profit, non-academic organizations. "
        'See the solicitation’s "Who May Submit" section.'
    )
    assert record.categories == ("ST",)
    assert record.funding_instruments == ("G", "CA")
    assert record.cost_sharing is False
    assert record.url == "https://www.grants.gov/search-results-detail/320536"
    # The synopsis wins over the stale forecast; HTML and entities are gone.
    assert record.description == (
        "The Secure and Trustworthy Cyberspace (SaTC) program funds research on cybersecurity "
        "& privacy, including artificial intelligence security.\n\nProposals may address:"
        "\n\nUsable security\n\nCryptography"
    )
    assert record.raw is not None and record.raw["id"] == 320536


def test_parse_opportunity_forecast_only():
    record = parse_opportunity(load("fetch_forecast_only.json"))
    assert record.status == "forecasted"
    assert record.open_date == date(2026, 7, 15)  # estimated synopsis posting date
    assert record.close_date == date(2026, 10, 15)  # estimated application response date
    assert record.archive_date == date(2026, 12, 31)
    # agencyDetails is null: the top agency is the best name there is.
    assert record.agency == "Department of Homeland Security"
    assert record.agency_code == "DHS-DHS"
    assert record.assistance_listings == ("97.156",)
    assert record.eligible_applicants == ("07",)
    assert record.award_ceiling is None and record.award_floor == 0.0
    assert record.total_funding == 12_000_000.0
    assert record.description == "Funds tribal governments’ cybersecurity programs."
    assert record.eligibility_note == "Federally recognized tribes only."


def test_parse_opportunity_status_without_ost_uses_doc_type():
    payload = load("fetch_forecast_only.json")
    del payload["data"]["ost"]
    assert parse_opportunity(payload).status == "forecasted"
    payload = load("fetch_posted_rolling.json")
    del payload["data"]["ost"], payload["data"]["docType"]
    assert parse_opportunity(payload).status == "posted"


def test_parse_opportunity_today_marks_closed_and_archived():
    payload = load("fetch_posted_rolling.json")
    synopsis = payload["data"]["synopsis"]
    synopsis["responseDateStr"] = "2026-03-01-00-00-00"
    synopsis["archiveDateStr"] = "2026-04-01-00-00-00"
    assert parse_opportunity(payload).status == "posted"  # no today: trust ost
    assert parse_opportunity(payload, today=date(2026, 2, 1)).status == "posted"
    assert parse_opportunity(payload, today=date(2026, 3, 15)).status == "closed"
    assert parse_opportunity(payload, today=date(2026, 5, 1)).status == "archived"


def test_parse_opportunity_undefined_and_missing_str_dates():
    payload = load("fetch_posted_rolling.json")
    synopsis = payload["data"]["synopsis"]
    synopsis["responseDateStr"] = "undefined"
    synopsis["responseDate"] = "undefined"
    synopsis["responseDateDesc"] = "undefined"
    del synopsis["postingDateStr"]  # falls back to the long form
    record = parse_opportunity(payload)
    assert record.close_date is None and record.close_date_note is None
    assert record.open_date == date(2019, 9, 12)
    synopsis["responseDateStr"] = None
    synopsis["responseDate"] = "Aug 03, 2026 12:00:00 AM EDT"
    assert parse_opportunity(payload).close_date == date(2026, 8, 3)


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("fetch_error_no_record.json", "no record found"),
        ("fetch_error_messages.json", "no record found"),
        ("fetch_error_backend.json", "backend server is not available"),
        ("fetch_error_required.json", "is required"),
        ("fetch_error_code.json", "errorcode 1"),
    ],
)
def test_parse_opportunity_error_shapes_sent_with_200(fixture, message):
    with pytest.raises(SourceError, match=message):
        parse_opportunity(load(fixture))


def test_parse_opportunity_without_id_or_title_is_a_payload_error():
    with pytest.raises(PayloadError, match="id is missing"):
        parse_opportunity(load("fetch_no_id.json"))
    payload = load("fetch_posted_rolling.json")
    payload["data"]["opportunityTitle"] = "  "
    with pytest.raises(PayloadError):
        parse_opportunity(payload)
    with pytest.raises(PayloadError, match="no data"):
        parse_opportunity({"errorcode": 0, "msg": "Webservice Succeeds"})


def test_cyber_keywords_are_distinct_and_include_the_basics():
    lowered = [k.lower() for k in CYBER_KEYWORDS]
    assert len(set(lowered)) == len(lowered)
    for keyword in ("cybersecurity", "cyber security", "election security"):
        assert keyword in lowered


# --- client -----------------------------------------------------------------------------


def _fetch_payload(opp_id: int, title: str) -> dict[str, Any]:
    payload = copy.deepcopy(load("fetch_posted_rolling.json"))
    payload["data"]["id"] = opp_id
    payload["data"]["opportunityTitle"] = title
    return payload


def test_search_sends_the_documented_body(httpserver, polite_session):
    httpserver.expect_request(
        "/v1/api/search2",
        method="POST",
        json={
            "rows": 4,
            "startRecordNum": 0,
            "oppStatuses": "forecasted|posted",
            "keyword": "cybersecurity",
        },
    ).respond_with_json(load("search2_facets.json"))
    client = GrantsGovClient(polite_session, base_url=httpserver.url_for(""))
    page = client.search(FundingQuery("cybersecurity"), rows=4)
    assert page.hit_count == 4 and len(page.hits) == 4


def test_search_all_pages_until_hit_count(httpserver, polite_session):
    for start, fixture in ((0, "search2_page1.json"), (2, "search2_page2.json")):
        httpserver.expect_ordered_request(
            "/v1/api/search2",
            method="POST",
            json={
                "rows": 2,
                "startRecordNum": start,
                "oppStatuses": "posted",
                "keyword": "election security",
            },
        ).respond_with_json(load(fixture))
    client = GrantsGovClient(polite_session, base_url=httpserver.url_for(""))
    hits = list(client.search_all(FundingQuery("election security", statuses=("posted",)), rows=2))
    assert [hit.id for hit in hits] == ["360002", "355001", "361777"]
    httpserver.check_assertions()


def test_search_all_stops_on_an_empty_page(httpserver, polite_session):
    payload = load("search2_page1.json")
    payload["data"]["hitCount"] = 50
    payload["data"]["oppHits"] = []
    httpserver.expect_request("/v1/api/search2", method="POST").respond_with_json(payload)
    client = GrantsGovClient(polite_session, base_url=httpserver.url_for(""))
    assert list(client.search_all(FundingQuery("x"), rows=2)) == []
    assert len(httpserver.log) == 1


def test_fetch_posts_a_numeric_id(httpserver, polite_session):
    httpserver.expect_request(
        "/v1/api/fetchOpportunity", method="POST", json={"opportunityId": 320536}
    ).respond_with_json(load("fetch_posted_rolling.json"))
    client = GrantsGovClient(polite_session, base_url=httpserver.url_for(""))
    record = client.fetch("320536")
    assert record.source_id == "320536"
    with pytest.raises(ValueError):
        client.fetch("not-a-number")


def test_fetch_error_with_http_200_is_a_source_error(httpserver, polite_session):
    httpserver.expect_request("/v1/api/fetchOpportunity", method="POST").respond_with_json(
        load("fetch_error_backend.json")
    )
    client = GrantsGovClient(polite_session, base_url=httpserver.url_for(""))
    with pytest.raises(SourceError, match="not available"):
        client.fetch(1)


def test_iter_opportunities_dedupes_and_survives_one_failed_detail(httpserver, polite_session):
    aln_page = load("search2_facets.json")
    aln_page["data"]["oppHits"] = [aln_page["data"]["oppHits"][2], aln_page["data"]["oppHits"][0]]
    aln_page["data"]["hitCount"] = 2

    def search2(request: Request) -> Response:
        body = request.get_json()
        if body.get("keyword") == "election security":
            fixture = "search2_page1.json" if body["startRecordNum"] == 0 else "search2_page2.json"
            return Response(json.dumps(load(fixture)), content_type="application/json")
        assert body.get("aln") == "97.156"
        return Response(json.dumps(aln_page), content_type="application/json")

    details = {
        360002: _fetch_payload(360002, "Election Infrastructure Resilience"),
        355001: _fetch_payload(355001, "State and Local Cybersecurity Grant Program"),
        361777: load("fetch_error_backend.json"),  # an error sent with HTTP 200
        365100: load("fetch_forecast_only.json"),
    }

    def fetch(request: Request) -> Response:
        opp_id = request.get_json()["opportunityId"]
        if opp_id not in details:
            return Response("boom", status=500)
        return Response(json.dumps(details[opp_id]), content_type="application/json")

    httpserver.expect_request("/v1/api/search2", method="POST").respond_with_handler(search2)
    httpserver.expect_request("/v1/api/fetchOpportunity", method="POST").respond_with_handler(fetch)
    client = GrantsGovClient(polite_session, base_url=httpserver.url_for(""))
    progress: list[tuple[int, int]] = []
    records = list(
        client.iter_opportunities(
            ["election security"], ["97.156"], on_progress=lambda d, t: progress.append((d, t)),
            rows=2,
        )
    )  # fmt: skip
    # 360002, 355001, 361777 from the keyword (two pages); 365100 and 355001 again from the ALN.
    assert [r.source_id for r in records] == ["360002", "355001", "365100"]
    assert records[2].status == "forecasted"
    assert [f.opportunity_id for f in client.failures] == ["361777"]
    failure = client.failures[0]
    assert "not available" in failure.error
    assert failure.partial is not None and failure.partial.title == "Election Worker Safety"
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]
    fetched = [
        json.loads(entry[0].get_data())["opportunityId"]
        for entry in httpserver.log
        if entry[0].path.endswith("fetchOpportunity")
    ]
    assert fetched == [360002, 355001, 361777, 365100]  # each once


def test_iter_opportunities_http_error_on_one_detail_is_recorded(httpserver, polite_session):
    page = load("search2_page2.json")
    page["data"]["hitCount"] = 1
    httpserver.expect_request("/v1/api/search2", method="POST").respond_with_json(page)
    httpserver.expect_request("/v1/api/fetchOpportunity", method="POST").respond_with_data(
        "Service Unavailable", status=503
    )
    client = GrantsGovClient(polite_session, base_url=httpserver.url_for(""))
    assert list(client.iter_opportunities(["x"], [])) == []
    assert len(client.failures) == 1 and "503" in client.failures[0].error


def test_iter_opportunities_search_error_aborts(httpserver, polite_session):
    httpserver.expect_request("/v1/api/search2", method="POST").respond_with_json(
        {"errorcode": 1, "msg": "Webservice Fails"}
    )
    client = GrantsGovClient(polite_session, base_url=httpserver.url_for(""))
    with pytest.raises(SourceError, match="Fails"):
        list(client.iter_opportunities(["x"], []))


def test_iter_opportunities_truncated_json_is_a_payload_error(httpserver, polite_session):
    httpserver.expect_request("/v1/api/search2", method="POST").respond_with_data(
        '{"errorcode":0,"msg":"Webservice Succeeds","data":{"hitCount":3,"oppHits":[{"id"',
        content_type="application/json",
    )
    client = GrantsGovClient(polite_session, base_url=httpserver.url_for(""))
    with pytest.raises(PayloadError):
        list(client.iter_opportunities(["x"], []))
