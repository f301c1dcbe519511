"""Scrapes end to end against a local HTTP server serving recorded-format fixtures."""

import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug import Response

from app.models import FundingOpportunity, JobListing, RunStatus, ScrapeRun
from app.services.ingest import scrape
from app.services.ingest.scrape import ScrapeSettings, ingest_file, scrape_source, since_days

from .scraper_helpers import fixture_path, load_json, usajobs_item, usajobs_page

TODAY = date(2026, 11, 22)
SETTINGS = ScrapeSettings(
    "ops@pathfinder.example",
    {
        "USAJOBS_API_KEY": "test-key",
        "USAJOBS_EMAIL": "ops@pathfinder.example",
        "SIMPLER_API_KEY": "simpler-key",
    },
)


@pytest.fixture(autouse=True)
def no_pacing(monkeypatch):
    """Tests talk to a local server: no politeness delays needed."""
    monkeypatch.setattr(scrape, "MIN_INTERVAL", dict.fromkeys(scrape.MIN_INTERVAL, 0.0))


def count(db, model, *where):
    return db.scalar(select(func.count()).select_from(model).where(*where))


def serve_usajobs(httpserver, ids_for_2210, seen_params):
    def handler(request):
        seen_params.append(dict(request.args))
        ids = ids_for_2210 if request.args.get("JobCategoryCode") == "2210" else []
        page = usajobs_page([], total=len(ids), pages=1)
        page["SearchResult"]["SearchResultItems"] = [
            usajobs_item(i, ApplicationCloseDate="2026-12-18T23:59:59.9970") for i in ids
        ]
        page["SearchResult"]["SearchResultCount"] = len(ids)
        return Response(json.dumps(page), content_type="application/json")

    httpserver.expect_request("/api/Search").respond_with_handler(handler)


def test_usajobs_full_sweep_then_incremental_run(httpserver, session_factory, db):
    params: list[dict] = []
    serve_usajobs(httpserver, ["801", "802"], params)
    base = httpserver.url_for("/").rstrip("/")

    first = scrape_source(session_factory, "usajobs", SETTINGS, base_url=base, today=TODAY)
    assert first.status == RunStatus.SUCCEEDED, first.error
    assert (first.counts.new, first.counts.failed) == (2, 0)
    assert all("DatePosted" not in p for p in params)  # no previous run: full sweep
    assert all(p["Fields"] == "Full" and p["ResultsPerPage"] == "500" for p in params)

    # The next run asks only for what was posted since the last success (plus a day).
    params.clear()
    second = scrape_source(session_factory, "usajobs", SETTINGS, base_url=base, today=TODAY)
    assert second.status == RunStatus.SUCCEEDED
    assert second.counts.unchanged == 2 and second.counts.new == 0
    assert {p.get("DatePosted") for p in params} == {"1"}
    assert count(db, JobListing) == 2


def test_a_job_gone_from_a_full_sweep_is_closed_not_deleted(httpserver, session_factory, db):
    params: list[dict] = []
    serve_usajobs(httpserver, ["801", "802"], params)
    base = httpserver.url_for("/").rstrip("/")
    scrape_source(session_factory, "usajobs", SETTINGS, base_url=base, today=TODAY)
    db.execute(ScrapeRun.__table__.delete())  # forget the success: the next run is full again
    httpserver.clear()
    serve_usajobs(httpserver, ["801"], params)
    result = scrape_source(session_factory, "usajobs", SETTINGS, base_url=base, today=TODAY)
    assert result.counts.closed == 1
    assert count(db, JobListing) == 2
    assert count(db, JobListing, JobListing.status == "closed") == 1


def test_usajobs_without_a_key_fails_clearly_and_stores_nothing(session_factory, db):
    settings = ScrapeSettings("ops@pathfinder.example")
    result = scrape_source(session_factory, "usajobs", settings, today=TODAY)
    assert result.status == RunStatus.FAILED
    assert "USAJOBS_API_KEY" in result.error
    assert count(db, JobListing) == 0
    assert str(db.get(ScrapeRun, result.run_id).status) == "failed"


def test_grantsgov_search_then_details(httpserver, session_factory, db):
    search = load_json("grantsgov", "search2_page1.json")
    search["data"]["hitCount"] = len(search["data"]["oppHits"])
    httpserver.expect_request("/v1/api/search2", method="POST").respond_with_json(search)
    detail = load_json("grantsgov", "fetch_posted_rolling.json")

    def fetch(request):
        body = dict(detail)
        body["data"] = {**detail["data"], "id": request.get_json()["opportunityId"]}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/v1/api/fetchOpportunity", method="POST").respond_with_handler(fetch)
    base = httpserver.url_for("/").rstrip("/")
    result = scrape_source(session_factory, "grantsgov", SETTINGS, base_url=base, today=TODAY)
    assert result.status == RunStatus.SUCCEEDED, result.error
    assert result.counts.new == 2
    row = db.scalar(select(FundingOpportunity).order_by(FundingOpportunity.source_id))
    assert row.close_date is None  # a 2099 stand-in is not a deadline
    assert row.close_date_note == "Proposals accepted anytime"
    assert row.title == "Secure and Trustworthy Cyberspace – Core & Education"  # unescaped


def test_grantsgov_error_sent_with_http_200_fails_the_run_and_keeps_old_data(
    httpserver, session_factory, db
):
    ingest_file(session_factory, fixture_path("grantsgov", "extract.xml"), today=TODAY)
    before = count(db, FundingOpportunity)
    httpserver.expect_request("/v1/api/search2", method="POST").respond_with_json(
        {"errorcode": 1, "msg": "No response received: backend server not available."}
    )
    base = httpserver.url_for("/").rstrip("/")
    result = scrape_source(session_factory, "grantsgov", SETTINGS, base_url=base, today=TODAY)
    assert result.status == RunStatus.FAILED
    assert "backend server not available" in result.error
    assert count(db, FundingOpportunity) == before


def _zip(xml_path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(xml_path, "GrantsDBExtract.xml")
    return buffer.getvalue()


def test_xml_extract_falls_back_a_day_and_keeps_only_relevant(httpserver, session_factory, db):
    yesterday = TODAY - timedelta(days=1)
    httpserver.expect_request(f"/extract/GrantsDBExtract{TODAY:%Y%m%d}v2.zip").respond_with_data(
        "not yet", status=404
    )
    httpserver.expect_request(
        f"/extract/GrantsDBExtract{yesterday:%Y%m%d}v2.zip"
    ).respond_with_data(_zip(fixture_path("grantsgov", "extract.xml")))
    base = httpserver.url_for("/").rstrip("/")
    result = scrape_source(session_factory, "grantsgov-xml", SETTINGS, base_url=base, today=TODAY)
    assert result.status == RunStatus.SUCCEEDED, result.error
    titles = set(db.scalars(select(FundingOpportunity.title)))
    assert "Rural Food Security Outreach" not in titles  # not cyber: filtered out
    assert any("Cybersecurity" in t for t in titles)


def test_a_truncated_extract_fails_the_run_without_losing_earlier_records(
    httpserver, session_factory, db
):
    ingest_file(session_factory, fixture_path("grantsgov", "extract.xml"), today=TODAY)
    before = {r.source_id: r.content_hash for r in db.scalars(select(FundingOpportunity))}
    httpserver.expect_request(f"/extract/GrantsDBExtract{TODAY:%Y%m%d}v2.zip").respond_with_data(
        _zip(fixture_path("grantsgov", "extract_truncated.xml"))
    )
    base = httpserver.url_for("/").rstrip("/")
    result = scrape_source(session_factory, "grantsgov-xml", SETTINGS, base_url=base, today=TODAY)
    assert result.status == RunStatus.FAILED
    assert "truncated" in result.error or "malformed" in result.error
    after = {r.source_id: r.content_hash for r in db.scalars(select(FundingOpportunity))}
    assert after == before


def test_simpler_records_link_to_their_grantsgov_twins(httpserver, session_factory, db):
    ingest_file(session_factory, fixture_path("grantsgov", "search2_page1.json"))
    httpserver.expect_request("/v1/opportunities/search", method="POST").respond_with_json(
        load_json("simpler", "search_response.json")
    )
    base = httpserver.url_for("/").rstrip("/")
    result = scrape_source(session_factory, "simpler", SETTINGS, base_url=base, today=TODAY)
    assert result.status == RunStatus.SUCCEEDED, result.error
    twin = db.scalar(
        select(FundingOpportunity).where(
            FundingOpportunity.source == "simpler",
            FundingOpportunity.number == "DHS-25-GPD-137-00-99",
        )
    )
    original = db.scalar(
        select(FundingOpportunity).where(
            FundingOpportunity.source == "grantsgov", FundingOpportunity.source_id == "355001"
        )
    )
    assert twin.duplicate_of_id == original.id
    assert original.duplicate_of_id is None


def test_since_days_logic():
    assert since_days(None, None, TODAY) is None
    assert since_days(date(2026, 11, 12), None, TODAY) == 11
    last = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)
    assert since_days(None, last, TODAY) == 2
    assert since_days(date(2025, 1, 1), None, TODAY) == 60  # the API's maximum
    # A last run stamped after "today" (another clock) still asks for a day of overlap.
    assert since_days(None, datetime(2026, 12, 5, tzinfo=UTC), TODAY) == 1


def test_samples_closed_by_a_full_sweep_reopen_when_loaded_again(httpserver, session_factory, db):
    # The probe: a full sweep that served 3 jobs closed every sample job, and a samples load
    # afterwards left them closed, so the job pages showed none though they close in 2027.
    from app.services.ingest.samples import load_samples
    from app.services.seekers.jobs import open_jobs_query

    from .conftest import DATA_DIR

    def open_samples():
        """What /jobs/ lists (a linked duplicate is shown once), and all open sample rows."""
        query = open_jobs_query(date.today()).where(JobListing.is_sample.is_(True))
        listed = db.scalar(select(func.count()).select_from(query.subquery()))
        return listed, count(db, JobListing, JobListing.is_sample, JobListing.status == "open")

    first = load_samples(session_factory, DATA_DIR / "samples")["usajobs_cyber_jobs.json"]
    assert first.counts.new == 64
    assert open_samples() == (61, 62)  # 2 are closed at the source; one is a twin

    params: list[dict] = []
    serve_usajobs(httpserver, ["801", "802", "803"], params)
    base = httpserver.url_for("/").rstrip("/")
    sweep = scrape_source(session_factory, "usajobs", SETTINGS, base_url=base, today=TODAY)
    assert sweep.status == RunStatus.SUCCEEDED, sweep.error
    assert all("DatePosted" not in p for p in params)  # a full sweep
    assert (sweep.counts.new, sweep.counts.closed) == (3, 62)
    assert open_samples() == (0, 0)

    again = load_samples(session_factory, DATA_DIR / "samples")["usajobs_cyber_jobs.json"]
    assert again.status == RunStatus.SUCCEEDED, again.error
    assert open_samples() == (61, 62)
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 0, 64)
    assert again.counts.reopened == 62
    assert "64 unchanged, 0 closed, 62 reopened, 0 failed" in again.summary()
    assert db.get(ScrapeRun, again.run_id).reopened == 62
    assert count(db, JobListing, JobListing.is_sample, JobListing.closed_at.is_not(None)) == 2
    # The two closed at the source stay closed, with their close dates before today.
    closed = db.scalars(
        select(JobListing).where(JobListing.is_sample, JobListing.status == "closed")
    ).all()
    assert len(closed) == 2 and all(job.close_date < date.today() for job in closed)

    # A second load the same day changes nothing more.
    third = load_samples(session_factory, DATA_DIR / "samples")["usajobs_cyber_jobs.json"]
    assert (third.counts.unchanged, third.counts.reopened) == (64, 0)
