"""`pathfinder ingest`, `listings` and `scrape`: payloads stored all or nothing, then listed."""

import json

import pytest


def test_ingest_then_listings_then_ingest_again_changes_nothing(run):
    from .scraper_helpers import fixture_path

    assert run("db", "upgrade").exit_code == 0
    path = str(fixture_path("usajobs", "search_page.json"))
    first = run("ingest", path)
    assert first.exit_code == 0, first.output
    assert "3 new, 0 updated, 0 unchanged, 0 closed, 0 reopened, 0 failed" in first.output
    again = run("ingest", path)
    assert "0 new, 0 updated, 3 unchanged" in again.output

    listed = json.loads(run("listings", "--kind", "jobs", "--json").output)
    assert len(listed) == 3
    required = {
        "source", "source_id", "title", "organization", "department", "series", "pay_plan",
        "grade_low", "grade_high", "salary_min", "salary_max", "salary_interval", "locations",
        "remote", "telework", "clearance", "hiring_paths", "open_date", "close_date", "url",
        "summary", "status",
    }  # fmt: skip
    assert required <= set(listed[0])
    assert listed[0]["url"].startswith("https://www.usajobs.gov/job/")


def test_ingest_funding_payloads_and_list_them(run):
    from .scraper_helpers import fixture_path

    assert run("db", "upgrade").exit_code == 0
    result = run(
        "ingest", str(fixture_path("grantsgov", "extract.xml")), "--source", "grantsgov-xml"
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(run("listings", "--kind", "funding", "--json").output)
    required = {
        "source", "source_id", "number", "title", "agency_code", "agency",
        "assistance_listings", "status", "open_date", "close_date", "award_ceiling",
        "award_floor", "total_funding", "eligible_applicants", "categories", "url",
        "description",
    }  # fmt: skip
    assert listed and required <= set(listed[0])
    assert all("<" not in (item["description"] or "") for item in listed)


def test_ingest_of_a_broken_file_stores_nothing_and_exits_non_zero(run, tmp_path):
    assert run("db", "upgrade").exit_code == 0
    broken = tmp_path / "search.json"
    broken.write_text('{"SearchResult": {"SearchResultItems": [{"MatchedObjectId": "1"')
    result = run("ingest", str(broken))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "truncated or invalid JSON" in result.output
    assert json.loads(run("listings", "--kind", "jobs", "--json").output) == []


def test_ingest_stores_what_fits_and_warns_of_the_record_that_does_not(run, tmp_path):
    from .scraper_helpers import fixture_path

    assert run("db", "upgrade").exit_code == 0
    payload = json.loads(fixture_path("usajobs", "search_page.json").read_text())
    items = payload["SearchResult"]["SearchResultItems"]
    first = items[0]["MatchedObjectDescriptor"]
    first["PositionTitle"] = "IT Specialist (INFOSEC) " * 30
    items[1]["MatchedObjectDescriptor"]["PositionTitle"] += "\u0000"
    edited = tmp_path / "search.json"
    edited.write_text(json.dumps(payload))

    result = run("ingest", str(edited))
    assert result.exit_code == 0, result.output
    assert "2 new, 0 updated, 0 unchanged, 0 closed, 0 reopened, 1 failed" in result.output
    assert "warning: usajobs 801234500: title is 719 characters" in result.output
    listed = json.loads(run("listings", "--kind", "jobs", "--json").output)
    assert len(listed) == 2 and all("\x00" not in job["title"] for job in listed)


def test_scrape_without_keys_reports_per_source_and_fails(run):
    assert run("db", "upgrade").exit_code == 0
    result = run("scrape", "usajobs")
    assert result.exit_code == 1
    assert "usajobs: 0 new, 0 updated, 0 unchanged, 0 closed, 0 reopened, 1 failed" in result.output
    assert "USAJOBS_API_KEY" in result.output


@pytest.fixture
def fake_scrapes(monkeypatch):
    """`scrape_source` replaced by an empty, successful run: no network, a real recorded run."""
    from app.services.ingest import scrape
    from app.services.ingest.store import execute_run
    from scrapers.sources import REGISTRY

    ran: list[str] = []

    def fake(factory, source, settings, **kwargs):
        ran.append(source)
        store = REGISTRY[source].store_name
        result = execute_run(factory, store, lambda: iter([]), params={"source": source})
        result.source = source
        return result

    monkeypatch.setattr(scrape, "scrape_source", fake)
    return ran


def requests_in(url: str, *sources: str) -> list[int]:
    """Queue re-runs in the command's database, as the staff page does; their IDs."""
    from sqlalchemy.orm import Session

    from app.db import make_engine
    from app.models import ScrapeRequest

    engine = make_engine(url)
    with Session(engine) as session:
        rows = [ScrapeRequest(source=s) for s in sources]
        session.add_all(rows)
        session.commit()
        ids = [r.id for r in rows]
    engine.dispose()
    return ids


def request_rows(url: str) -> dict[int, tuple]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.db import make_engine
    from app.models import ScrapeRequest, ScrapeRun

    engine = make_engine(url)
    with Session(engine) as session:
        found = {
            r.id: (r.picked_at is not None, r.run_id, r.run_id and session.get(ScrapeRun, r.run_id))
            for r in session.scalars(select(ScrapeRequest))
        }
        rows = {i: (picked, run_id, run.params["source"] if run else None)
                for i, (picked, run_id, run) in found.items()}  # fmt: skip
    engine.dispose()
    return rows


def test_scrape_queued_with_nothing_queued(run, fake_scrapes):
    assert run("db", "upgrade").exit_code == 0
    result = run("scrape", "queued")
    assert result.exit_code == 0, result.output
    assert "No queued scrapes." in result.output
    assert fake_scrapes == []


def test_scrape_queued_runs_each_request_once(run, fake_scrapes, scratch_database_url):
    assert run("db", "upgrade").exit_code == 0
    first, second = requests_in(scratch_database_url, "simpler", "grantsgov-xml")
    result = run("scrape", "queued")
    assert result.exit_code == 0, result.output
    assert fake_scrapes == ["simpler", "grantsgov-xml"]  # oldest first
    assert "simpler: 0 new, 0 updated" in result.output
    assert "1 queued request of simpler done by run" in result.output
    assert "Queued scrapes: 2 runs, 0 failed, 0 left queued." in result.output
    rows = request_rows(scratch_database_url)
    assert rows[first][0] and rows[first][2] == "simpler"
    assert rows[second][0] and rows[second][2] == "grantsgov-xml"
    again = run("scrape", "queued")
    assert "No queued scrapes." in again.output and len(fake_scrapes) == 2


def test_scrape_all_takes_the_queued_requests_of_its_sources(
    run, fake_scrapes, scratch_database_url, monkeypatch
):
    import importlib

    listings_module = importlib.import_module("app.cli.listings")
    monkeypatch.setattr(listings_module, "classify_new_jobs", lambda ctx: None)
    assert run("db", "upgrade").exit_code == 0
    [queued] = requests_in(scratch_database_url, "grantsgov")
    result = run("scrape", "all")
    assert result.exit_code == 0, result.output
    assert fake_scrapes == ["usajobs", "grantsgov", "grantsgov-xml", "simpler"]
    assert "1 queued request of grantsgov done by run" in result.output
    picked, run_id, source = request_rows(scratch_database_url)[queued]
    assert picked and run_id and source == "grantsgov"
    assert "No queued scrapes." in run("scrape", "queued").output


def test_a_scrape_of_one_source_takes_that_sources_queued_requests(
    run, fake_scrapes, scratch_database_url
):
    assert run("db", "upgrade").exit_code == 0
    simpler, grants = requests_in(scratch_database_url, "simpler", "grantsgov")
    result = run("scrape", "simpler")
    assert result.exit_code == 0, result.output
    assert fake_scrapes == ["simpler"]
    assert "1 queued request of simpler done by run" in result.output
    rows = request_rows(scratch_database_url)
    assert rows[simpler][0] and rows[simpler][2] == "simpler"
    assert rows[grants][0] is False  # another source's request waits for its own run
