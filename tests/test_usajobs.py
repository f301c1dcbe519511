"""USAJOBS: Search payloads normalised to JobRecord, code lists, and the paging/slicing client."""

from __future__ import annotations

import json
from datetime import date

import pytest
from werkzeug import Request, Response

from scrapers.errors import ConfigurationError, PayloadError, SourceError
from scrapers.http import PoliteSession
from scrapers.records import JobRecord
from scrapers.usajobs import (
    CYBER_KEYWORDS,
    CYBER_SERIES,
    RATE_INTERVALS,
    SearchPage,
    UsajobsClient,
    agency_code,
    hiring_paths,
    parse_codelist,
    parse_search,
    position_sensitivity,
    salary_interval,
)

from .scraper_helpers import FakeClock, fixture_path, load_json, usajobs_item, usajobs_page

TODAY = date(2025, 3, 10)
API_KEY = "usajobs-KEY-0123456789"
EMAIL = "ops@example.org"


def records_by_id(name: str, today: date = TODAY) -> dict[str, JobRecord]:
    page = parse_search(load_json("usajobs", name), today=today)
    return {record.source_id: record for record in page.records}


# --------------------------------------------------------------------------- parse_search


class TestNormalPage:
    @pytest.fixture
    def page(self) -> SearchPage:
        return parse_search(load_json("usajobs", "search_page.json"), today=TODAY)

    def test_page_totals(self, page):
        assert page.total == 3
        assert page.pages == 1
        assert [r.source_id for r in page.records] == ["801234500", "799000111", "802222333"]

    def test_full_item(self, page):
        job = page.records[0]
        assert job.source == "usajobs"
        assert job.title == "IT Specialist (INFOSEC)"
        assert job.organization == "U.S. Customs and Border Protection"
        assert job.department == "Department of Homeland Security"
        assert job.agency_code == "HSBD"
        assert job.announcement_number == "CBP-25-HQ-0042"
        assert job.series == ("2210", "0080")  # "80" zero-padded, the repeated 2210 dropped
        assert job.pay_plan == "GS"
        assert (job.grade_low, job.grade_high) == (13, 14)
        assert (job.salary_min, job.salary_max) == (117962.0, 153354.0)
        assert job.salary_interval == "Per Year"
        assert job.remote is False
        assert job.telework is True
        assert job.clearance == "Top Secret"
        assert (job.open_date, job.close_date) == (date(2025, 3, 3), date(2025, 3, 17))
        assert job.status == "open"

    def test_locations_are_deduplicated_in_order_and_placeholder_display_ignored(self, page):
        assert page.records[0].locations == (
            "Washington, District of Columbia",
            "Ashburn, Virginia",
        )

    def test_hiring_paths_are_lowercase_and_unique(self, page):
        assert page.records[0].hiring_paths == ("fed-competitive", "vet", "mspouse")

    def test_url_is_canonical_not_the_443_getjob_form(self, page):
        assert page.records[0].url == "https://www.usajobs.gov/job/801234500"
        assert all(":443" not in (r.url or "") for r in page.records)

    def test_summary_is_plain_text_from_job_summary(self, page):
        assert page.records[0].summary == (
            "Protect CBP's networks.\n\nJoin the Security Operations Center."
        )

    def test_body_joins_the_text_sections_in_order_without_blanks_or_html(self, page):
        body = page.records[0].body
        sections = [
            "Monitor security events and triage alerts.",
            "Lead incident response.",
            "You must have one year of specialized experience",
            "U.S. Citizenship is required.",
            "Must pass a background investigation",
            "You will be evaluated on your resume",
        ]
        positions = [body.index(section) for section in sections]
        assert positions == sorted(positions)
        assert "<" not in body and "\n\n\n" not in body

    def test_raw_is_the_item_and_stays_out_of_to_dict(self, page):
        raw_item = load_json("usajobs", "search_page.json")["SearchResult"]["SearchResultItems"][0]
        assert page.records[0].raw == raw_item
        assert "raw" not in page.records[0].to_dict()
        json.dumps(page.records[0].to_dict())  # JSON-ready

    def test_single_part_org_code_display_location_and_hourly_pay(self, page):
        job = page.records[1]
        assert job.agency_code == "TR"
        assert job.locations == ("Anywhere in the U.S. (remote job)",)
        assert (job.grade_low, job.grade_high) == (4, 5)
        assert (job.salary_min, job.salary_max, job.salary_interval) == (21.5, 27.96, "Per Hour")
        assert job.remote is True and job.telework is False

    def test_title_entities_are_unescaped(self, page):
        assert page.records[1].title == "Cybersecurity Student Trainee & Intern"

    def test_hiring_paths_from_code_or_name_dicts(self, page):
        assert page.records[1].hiring_paths == ("student", "recent graduates")

    def test_blank_clearance_is_none(self, page):
        assert page.records[1].clearance is None

    def test_summary_falls_back_to_qualification_summary(self, page):
        assert page.records[1].summary == "Enrolled at least half-time in an accredited program."
        assert page.records[2].summary == "Experience with intrusion detection."

    def test_closed_when_close_date_is_before_today(self, page):
        assert page.records[1].close_date == date(2024, 11, 30)
        assert page.records[1].status == "closed"

    def test_dates_fall_back_to_position_start_and_end(self, page):
        job = page.records[2]
        assert (job.open_date, job.close_date) == (date(2025, 2, 10), date(2025, 6, 30))

    def test_blank_and_non_numeric_values_become_none(self, page):
        job = page.records[2]
        assert job.agency_code is None  # OrganizationCodes ""
        assert (job.grade_low, job.grade_high) == (None, None)  # "" and "None"
        assert (job.salary_min, job.salary_max, job.salary_interval) == (None, None, None)
        assert job.hiring_paths == ()
        assert job.telework is False and job.remote is False  # "False" strings
        assert job.locations == ("Fort Gordon, Georgia",)  # no PositionLocation key


def test_grades_and_pay_that_are_not_numbers_are_unknown_not_a_lost_posting():
    # "²" passes str.isdigit() and int() refuses it; "1e999" is an infinite salary.
    item = usajobs_item(
        "801000001",
        UserArea={"Details": {"LowGrade": "\u00b2", "HighGrade": "\u0661\u0662"}},
        PositionRemuneration=[{"MinimumRange": "1e999", "MaximumRange": "nan"}],
    )
    page = usajobs_page([])
    page["SearchResult"].update(SearchResultItems=[item], SearchResultCount=1)
    (job,) = parse_search(page, today=TODAY).records
    assert (job.grade_low, job.grade_high) == (None, None)
    assert (job.salary_min, job.salary_max) == (None, None)


class TestOlderShapes:
    def test_2022_shape(self):
        job = records_by_id("search_2022_shape.json")["640112233"]  # numeric MatchedObjectId
        assert job.url == "https://www.usajobs.gov/job/640112233"
        assert job.salary_interval == "Per Year"  # RateIntervalCode already in words
        assert (job.salary_min, job.salary_max) == (92000.0, 143000.0)  # number and "143,000"
        assert job.hiring_paths == ("public",)  # a single string, not a list
        assert job.remote is True and job.telework is False  # "True"/"False" strings
        assert (job.open_date, job.close_date) == (date(2022, 3, 1), date(2022, 3, 31))
        assert job.body.startswith("Perform penetration tests.\n\nReport findings")
        assert job.agency_code == "DD04"
        assert job.status == "closed"

    def test_2022_total_given_as_string(self):
        page = parse_search(load_json("usajobs", "search_2022_shape.json"), today=TODAY)
        assert page.total == 2

    def test_misspelled_position_sensitivity_is_read(self):
        job = records_by_id("search_2022_shape.json")["640112233"]
        assert position_sensitivity(job.raw) == "Critical-Sensitive (CS)/High Risk"
        assert position_sensitivity({"MatchedObjectId": "1"}) is None

    def test_fields_min_item_without_details(self):
        job = records_by_id("search_2022_shape.json")["640445566"]
        assert job.title == "Supervisory IT Specialist (INFOSEC)"
        assert job.series == ("2210",)
        assert (job.salary_min, job.salary_interval) == (139395.0, "Per Year")
        assert job.agency_code is None and job.grade_low is None and job.clearance is None
        assert job.remote is None and job.telework is None
        assert job.hiring_paths == ()
        assert job.summary == job.body == "One year of specialized experience at GS-13."

    def test_bare_minimum_item(self):
        payload = usajobs_page([])
        payload["SearchResult"]["SearchResultItems"] = [
            {"MatchedObjectId": "42", "MatchedObjectDescriptor": {"PositionTitle": "Analyst"}}
        ]
        (job,) = parse_search(payload, today=TODAY).records
        assert job == JobRecord(
            source="usajobs", source_id="42", title="Analyst", url="https://www.usajobs.gov/job/42"
        )

    def test_multiple_locations_placeholder_without_locations_gives_none(self):
        item = usajobs_item("7", PositionLocation=[], PositionLocationDisplay="Multiple Locations")
        payload = usajobs_page([])
        payload["SearchResult"]["SearchResultItems"] = [item]
        assert parse_search(payload).records[0].locations == ()


class TestStatus:
    @pytest.mark.parametrize(
        ("today", "status"),
        [(date(2025, 3, 16), "open"), (date(2025, 3, 17), "open"), (date(2025, 3, 18), "closed")],
    )
    def test_open_through_the_close_date(self, today, status):
        job = parse_search(usajobs_page(["1"]), today=today).records[0]  # closes 2025-03-17
        assert job.status == status

    def test_no_close_date_is_open(self):
        payload = usajobs_page(["1"])
        descriptor = payload["SearchResult"]["SearchResultItems"][0]["MatchedObjectDescriptor"]
        del descriptor["ApplicationCloseDate"]
        assert parse_search(payload, today=date(2099, 1, 1)).records[0].status == "open"


class TestMalformed:
    @pytest.mark.parametrize(
        "payload",
        [
            [],
            "error",
            {},
            {"SearchResult": None},
            {"SearchResult": {"SearchResultItems": None}},
            {"SearchResult": {"SearchResultItems": {"0": {}}}},
        ],
    )
    def test_payload_without_item_list(self, payload):
        with pytest.raises(PayloadError, match="USAJOBS search response"):
            parse_search(payload)

    def test_item_without_id_is_skipped_and_named_by_its_index(self):
        payload = usajobs_page(["1", "2"])
        del payload["SearchResult"]["SearchResultItems"][1]["MatchedObjectId"]
        page = parse_search(payload)
        assert [job.source_id for job in page.records] == ["1"]
        assert page.skipped == ["USAJOBS search item 1 MatchedObjectId is missing"]
        assert page.size == 2

    @pytest.mark.parametrize(
        ("value", "kind"),
        [
            ({"x": 1}, "a JSON object"),
            (["640112233"], "a JSON list"),
            (True, "a boolean"),
            (640112233.5, "a fraction"),
        ],
    )
    def test_item_whose_id_is_not_a_string_or_integer_is_skipped(self, value, kind):
        payload = usajobs_page(["1", "2"])
        payload["SearchResult"]["SearchResultItems"][0]["MatchedObjectId"] = value
        page = parse_search(payload)
        assert [job.source_id for job in page.records] == ["2"]
        assert page.skipped == [
            f"USAJOBS search item 0 MatchedObjectId is {kind}, not a string or integer"
        ]

    def test_an_integer_id_is_read_as_its_digits(self):
        payload = usajobs_page(["1"])
        payload["SearchResult"]["SearchResultItems"][0]["MatchedObjectId"] = 640112233
        assert [job.source_id for job in parse_search(payload).records] == ["640112233"]

    def test_item_without_title_is_skipped_and_named_by_its_index(self):
        payload = usajobs_page(["1", "2"])
        payload["SearchResult"]["SearchResultItems"][0]["MatchedObjectDescriptor"][
            "PositionTitle"
        ] = "  "
        assert parse_search(payload).skipped == ["USAJOBS search item 0 (1) has no PositionTitle"]

    def test_item_that_is_not_an_object_is_skipped(self):
        payload = usajobs_page(["1"])
        payload["SearchResult"]["SearchResultItems"].append("oops")
        assert parse_search(payload).skipped == ["USAJOBS search item 1 is not a JSON object"]


class TestFieldRules:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("DN/DN03", "DN03"),
            ("HS/HSBD", "HSBD"),
            ("TR", "TR"),
            (" DD / DD04 ", "DD04"),
            ("", None),
            (None, None),
        ],
    )
    def test_agency_code(self, value, expected):
        assert agency_code(value) == expected

    @pytest.mark.parametrize(("code", "words"), sorted(RATE_INTERVALS.items()))
    def test_every_rate_interval_code_maps_to_words(self, code, words):
        assert salary_interval(code) == words
        assert salary_interval(words) == words  # 2022 shape: the words in the code field

    def test_rate_interval_code_wins_and_description_is_the_fallback(self):
        assert salary_interval("PA", "Per Year") == "Per Year"
        assert salary_interval("per hour") == "Per Hour"
        assert salary_interval("XX", "Per Shift") == "Per Shift"
        assert salary_interval("XX") is None
        assert salary_interval(None, None) is None

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (["fed-competitive", "VET"], ("fed-competitive", "vet")),
            ("public", ("public",)),
            ("public;vet", ("public", "vet")),
            ([{"Code": "NGUARD", "Name": "National Guard & Reserves"}], ("nguard",)),
            ([{"Name": "The public"}], ("the public",)),
            (["", None, "  "], ()),
            (None, ()),
        ],
    )
    def test_hiring_paths(self, value, expected):
        assert hiring_paths(value) == expected

    def test_constants(self):
        assert CYBER_SERIES[:2] == ("2210", "0080")
        assert all(len(code) == 4 and code.isdigit() for code in CYBER_SERIES)
        assert "cybersecurity" in CYBER_KEYWORDS and "INFOSEC" in CYBER_KEYWORDS


# --------------------------------------------------------------------------- parse_codelist


def test_codelist_keeps_enabled_entries():
    assert parse_codelist(load_json("usajobs", "codelist_hiringpaths.json")) == {
        "FED-COMPETITIVE": "Federal employees - Competitive service",
        "PUBLIC": "The public",
        "VET": "Veterans",
    }


def test_codelist_reads_grouping_name():
    payload = {
        "CodeList": [
            {
                "ValidValue": [
                    {"GroupingName": "Cybersecurity", "Code": "2", "IsDisabled": "No"},
                    {"GroupingName": "", "Code": "9", "IsDisabled": "No"},
                ],
                "id": "CyberWorkGrouping",
            }
        ],
        "DateGenerated": "2025-03-01T16:39:08.7550641Z",
    }
    assert parse_codelist(payload) == {"2": "Cybersecurity"}


@pytest.mark.parametrize("payload", [[], {}, {"CodeList": "x"}])
def test_codelist_malformed(payload):
    with pytest.raises(PayloadError, match="CodeList"):
        parse_codelist(payload)


# --------------------------------------------------------------------------- client


class FakeSearchApi:
    """Serves canned Search pages keyed by the query (minus Fields/ResultsPerPage)."""

    def __init__(self) -> None:
        self.pages: dict[frozenset, dict] = {}
        self.queries: list[dict[str, str]] = []

    def add(self, payload: dict, **params: str) -> None:
        self.pages[frozenset(params.items())] = payload

    def __call__(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.queries.append(args)
        key = frozenset((k, v) for k, v in args.items() if k not in {"Fields", "ResultsPerPage"})
        if key not in self.pages:
            return Response(f"unexpected query {sorted(args.items())}", status=404)
        return Response(json.dumps(self.pages[key]), content_type="application/json")

    def served(self) -> list[dict[str, str]]:
        """The queries, without the parameters every request carries."""
        return [
            {k: v for k, v in q.items() if k not in {"Fields", "ResultsPerPage"}}
            for q in self.queries
        ]


@pytest.fixture
def api(httpserver) -> FakeSearchApi:
    fake = FakeSearchApi()
    httpserver.expect_request("/api/Search").respond_with_handler(fake)
    return fake


def make_client(httpserver, **kwargs) -> UsajobsClient:
    clock = FakeClock()
    session = PoliteSession(
        "Pathfinder-tests/0.1", retries=0, min_interval=0, clock=clock, sleep=clock.sleep
    )
    options = {"api_key": API_KEY, "email": EMAIL, "today": lambda: TODAY}
    options.update(kwargs)
    return UsajobsClient(session, base_url=httpserver.url_for("/").rstrip("/"), **options)


def ids(records) -> list[str]:
    return [record.source_id for record in records]


def test_search_sends_auth_headers_and_always_full_fields_and_500_per_page(httpserver):
    httpserver.expect_request(
        "/api/Search",
        headers={"User-Agent": EMAIL, "Authorization-Key": API_KEY},
        query_string={
            "JobCategoryCode": "2210",
            "Page": "1",
            "Fields": "Full",
            "ResultsPerPage": "500",
        },
    ).respond_with_json(load_json("usajobs", "search_page.json"))

    page = make_client(httpserver).search({"JobCategoryCode": "2210", "Page": 1, "Fields": "Min"})
    httpserver.check_assertions()
    assert page.total == 3 and len(page.records) == 3


@pytest.mark.parametrize(
    ("api_key", "email", "missing"),
    [
        (None, EMAIL, "API key"),
        ("", EMAIL, "API key"),
        (API_KEY, None, "e-mail"),
        (API_KEY, " ", "e-mail"),
    ],
)
def test_missing_key_or_email_is_a_configuration_error(httpserver, api_key, email, missing):
    client = make_client(httpserver, api_key=api_key, email=email)
    with pytest.raises(ConfigurationError, match=missing):
        client.search({"Keyword": "cyber"})
    with pytest.raises(ConfigurationError, match=missing):
        client.iter_jobs(series=["2210"], keywords=[])  # at call time, not on first next()
    assert httpserver.log == []


def test_codelist_needs_no_key(httpserver):
    httpserver.expect_request("/api/codelist/hiringpaths").respond_with_json(
        load_json("usajobs", "codelist_hiringpaths.json")
    )
    client = make_client(httpserver, api_key=None, email=None)
    assert client.codelist("hiringpaths")["VET"] == "Veterans"
    ((request, _),) = httpserver.log
    assert "Authorization-Key" not in request.headers
    with pytest.raises(ValueError):
        client.codelist("../Search")


def test_api_key_never_appears_in_errors(httpserver):
    httpserver.expect_request("/api/Search").respond_with_data(
        f"Invalid Authorization-Key {API_KEY}", status=401
    )
    with pytest.raises(SourceError, match="401") as caught:
        make_client(httpserver).search({"Keyword": "cyber"})
    assert API_KEY not in str(caught.value)
    assert "Keyword=cyber" in str(caught.value)


def test_server_error_is_a_source_error(httpserver):
    httpserver.expect_request("/api/Search").respond_with_data("down", status=503)
    with pytest.raises(SourceError, match="503"):
        make_client(httpserver).search({"Keyword": "cyber"})


def test_truncated_search_response_is_a_payload_error(httpserver):
    httpserver.expect_request("/api/Search").respond_with_data(
        fixture_path("usajobs", "search_truncated.json").read_bytes(),
        content_type="application/json",
    )
    with pytest.raises(PayloadError, match="truncated or invalid JSON"):
        make_client(httpserver).search({"Keyword": "cyber"})


def test_paging_stops_at_the_first_short_page(httpserver, api):
    api.add(usajobs_page(["a", "b"], total=5), JobCategoryCode="2210", Page="1")
    api.add(usajobs_page(["c", "d"], total=5), JobCategoryCode="2210", Page="2")
    api.add(usajobs_page(["e"], total=5), JobCategoryCode="2210", Page="3")

    client = make_client(httpserver, results_per_page=2)
    assert ids(client.iter_jobs(series=["2210"], keywords=[])) == ["a", "b", "c", "d", "e"]
    assert [q["Page"] for q in api.served()] == ["1", "2", "3"]
    assert {q["ResultsPerPage"] for q in api.queries} == {"2"}


def test_paging_stops_at_number_of_pages(httpserver, api):
    api.add(usajobs_page(["a", "b"], total=4, pages=2), Keyword="cyber", Page="1")
    api.add(usajobs_page(["c", "d"], total=4, pages=2), Keyword="cyber", Page="2")

    client = make_client(httpserver, results_per_page=2)
    assert ids(client.iter_jobs(series=[], keywords=["cyber"])) == ["a", "b", "c", "d"]
    assert len(api.queries) == 2  # no request for page 3


def test_paging_stops_on_an_empty_page(httpserver, api):
    api.add(usajobs_page(["a", "b"], total=2), Keyword="cyber", Page="1")
    api.add(usajobs_page([], total=2), Keyword="cyber", Page="2")

    client = make_client(httpserver, results_per_page=2)
    assert ids(client.iter_jobs(series=[], keywords=["cyber"])) == ["a", "b"]
    assert len(api.queries) == 2


def test_an_unreadable_item_fails_alone_with_a_warning_and_paging_goes_on(httpserver, api):
    first = usajobs_page(["a", "b"], total=3)
    first["SearchResult"]["SearchResultItems"][1]["MatchedObjectId"] = {"x": 1}
    api.add(first, Keyword="cyber", Page="1")
    api.add(usajobs_page(["c"], total=3), Keyword="cyber", Page="2")

    client = make_client(httpserver, results_per_page=2)
    assert ids(client.iter_jobs(series=[], keywords=["cyber"])) == ["a", "c"]
    assert client.warnings == [
        "USAJOBS Keyword=cyber page 1: USAJOBS search item 1 MatchedObjectId is a JSON object,"
        " not a string or integer; not stored"
    ]


def test_slices_by_series_then_keyword_and_deduplicates(httpserver, api):
    api.add(usajobs_page(["a", "b"]), JobCategoryCode="2210", Page="1")
    api.add(usajobs_page(["b", "c"]), JobCategoryCode="1550", Page="1")
    api.add(usajobs_page(["c", "a", "d"]), Keyword="cyber", Page="1")
    seen_pages = []

    client = make_client(httpserver)
    jobs = list(
        client.iter_jobs(
            series=["2210", "1550"],
            keywords=["cyber"],
            on_page=lambda query, page: seen_pages.append((query["Page"], len(page.records))),
        )
    )
    assert ids(jobs) == ["a", "b", "c", "d"]
    assert api.served() == [
        {"JobCategoryCode": "2210", "Page": "1"},
        {"JobCategoryCode": "1550", "Page": "1"},
        {"Keyword": "cyber", "Page": "1"},
    ]
    assert seen_pages == [("1", 2), ("1", 2), ("1", 3)]
    assert client.warnings == []


@pytest.mark.parametrize(("since_days", "sent"), [(3, "3"), (90, "60"), (0, "0")])
def test_since_days_becomes_date_posted_capped_at_60(httpserver, api, since_days, sent):
    api.add(usajobs_page(["a"]), JobCategoryCode="2210", DatePosted=sent, Page="1")

    client = make_client(httpserver)
    assert ids(client.iter_jobs(series=["2210"], keywords=[], since_days=since_days)) == ["a"]


def test_over_the_real_cap_reslices_by_date_posted(httpserver, api):
    # 12,000 matches: more than the API's 10,000-per-query cap.
    api.add(load_json("usajobs", "search_over_cap.json"), JobCategoryCode="2210", Page="1")
    api.add(
        usajobs_page(["810000003"], total=800), JobCategoryCode="2210", DatePosted="60", Page="1"
    )

    client = make_client(httpserver)
    jobs = ids(client.iter_jobs(series=["2210"], keywords=[]))
    assert jobs == ["810000001", "810000002", "810000003"]
    assert api.served()[-1] == {"JobCategoryCode": "2210", "DatePosted": "60", "Page": "1"}
    (warning,) = client.warnings  # the trimmed fixture cannot account for 12,000
    assert "JobCategoryCode=2210" in warning and "12000" in warning and "10000" in warning


def test_over_cap_slice_reads_to_the_cap_then_the_widest_window_under_it(httpserver, api):
    # Scaled down: cap 4, 2 per page. The slice has 6 jobs a..f.
    api.add(usajobs_page(["a", "b"], total=6), JobCategoryCode="2210", Page="1")
    api.add(usajobs_page(["c", "d"], total=6), JobCategoryCode="2210", Page="2")
    # 60 days still over the cap: probed (page 1 only), then 30 days fits and is read in full.
    api.add(usajobs_page(["f", "e"], total=5), JobCategoryCode="2210", DatePosted="60", Page="1")
    api.add(usajobs_page(["f", "e"], total=3), JobCategoryCode="2210", DatePosted="30", Page="1")
    api.add(usajobs_page(["d"], total=3), JobCategoryCode="2210", DatePosted="30", Page="2")

    client = make_client(httpserver, results_per_page=2, query_cap=4)
    assert ids(client.iter_jobs(series=["2210"], keywords=[])) == ["a", "b", "c", "d", "f", "e"]
    assert [(q.get("DatePosted"), q["Page"]) for q in api.served()] == [
        (None, "1"),
        (None, "2"),  # stops at the cap: no page 3
        ("60", "1"),
        ("30", "1"),
        ("30", "2"),
    ]
    assert client.warnings == []  # all 6 read


def test_when_even_the_narrowest_window_is_over_the_cap_the_first_cap_items_are_kept(
    httpserver, api
):
    # since_days=1 leaves only the 0-day window to split into; it has 8 jobs, cap is 4.
    api.add(usajobs_page(["a", "b"], total=10), Keyword="cyber", DatePosted="1", Page="1")
    api.add(usajobs_page(["c", "d"], total=10), Keyword="cyber", DatePosted="1", Page="2")
    api.add(usajobs_page(["e", "f"], total=8), Keyword="cyber", DatePosted="0", Page="1")
    api.add(usajobs_page(["g", "h"], total=8), Keyword="cyber", DatePosted="0", Page="2")

    client = make_client(httpserver, results_per_page=2, query_cap=4)
    jobs = ids(client.iter_jobs(series=[], keywords=["cyber"], since_days=1))
    assert jobs == ["a", "b", "c", "d", "e", "f", "g", "h"]
    assert len(api.queries) == 4  # neither query is read past the cap
    assert client.warnings == [
        "USAJOBS Keyword=cyber DatePosted=1: 10 matches but the API serves at most 4 per "
        "query; read 8, 2 not reachable"
    ]


def test_warnings_are_reset_on_each_run(httpserver, api):
    api.add(usajobs_page(["a", "b"], total=9), Keyword="cyber", DatePosted="0", Page="1")
    api.add(usajobs_page(["c", "d"], total=9), Keyword="cyber", DatePosted="0", Page="2")
    api.add(usajobs_page(["a"], total=1), Keyword="vulnerability", Page="1")

    client = make_client(httpserver, results_per_page=2, query_cap=4)
    list(client.iter_jobs(series=[], keywords=["cyber"], since_days=0))
    assert len(client.warnings) == 1  # no narrower window exists: keeps the first 4 of 9
    list(client.iter_jobs(series=[], keywords=["vulnerability"]))
    assert client.warnings == []
