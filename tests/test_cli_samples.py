"""`pathfinder samples load`: the sample listings, loaded again without change."""

import json

from click.testing import CliRunner

from app.cli import cli


def test_samples_load_is_idempotent(run):
    assert run("db", "upgrade").exit_code == 0
    assert run("catalog", "load").exit_code == 0
    first = run("samples", "load")
    assert first.exit_code == 0, first.output
    assert "usajobs_cyber_jobs.json: usajobs: 64 new" in first.output
    second = run("samples", "load")
    assert " 0 new, 0 updated" in second.output and "new, 0 updated" in second.output
    jobs = json.loads(run("listings", "--kind", "jobs", "--json").output)
    assert len(jobs) >= 60 and all(job["is_sample"] for job in jobs)
    funding = json.loads(run("listings", "--kind", "funding", "--json").output)
    assert len(funding) >= 30


def test_samples_closed_by_a_full_sweep_are_reopened_by_samples_load(
    scratch_database_url, tmp_path, httpserver, monkeypatch
):
    from werkzeug import Response

    from app.services.ingest import scrape

    from .scraper_helpers import usajobs_item, usajobs_page

    def handler(request):
        ids = ["801", "802", "803"] if request.args.get("JobCategoryCode") == "2210" else []
        page = usajobs_page([], total=len(ids), pages=1)
        page["SearchResult"]["SearchResultItems"] = [
            usajobs_item(i, ApplicationCloseDate="2099-01-15T23:59:59.9970") for i in ids
        ]
        page["SearchResult"]["SearchResultCount"] = len(ids)
        return Response(json.dumps(page), content_type="application/json")

    httpserver.expect_request("/api/Search").respond_with_handler(handler)
    monkeypatch.setattr(scrape, "MIN_INTERVAL", dict.fromkeys(scrape.MIN_INTERVAL, 0.0))
    runner = CliRunner()
    env = {
        "DATABASE_URL": scratch_database_url,
        "MODEL_CACHE_DIR": str(tmp_path / "models"),
        "USAJOBS_API_KEY": "test-key",
        "USAJOBS_EMAIL": "ops@pathfinder.example",
    }

    def run(*args: str):
        result = runner.invoke(cli, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    def open_jobs():
        jobs = json.loads(run("listings", "--kind", "jobs", "--all", "--json"))
        return sum(job["is_sample"] and job["status"] == "open" for job in jobs)

    run("db", "upgrade")
    run("catalog", "load")
    run("samples", "load")
    assert open_jobs() == 62
    swept = run("scrape", "usajobs", "--base-url", httpserver.url_for("/").rstrip("/"))
    assert "usajobs: 3 new, 0 updated, 0 unchanged, 62 closed" in swept
    assert open_jobs() == 0
    again = run("samples", "load")
    assert open_jobs() == 62
    assert (
        "usajobs_cyber_jobs.json: usajobs: 0 new, 0 updated, 64 unchanged, 0 closed, "
        "62 reopened, 0 failed"
    ) in again


def test_loading_unchanged_samples_again_records_no_new_runs(run, scratch_database_url):
    from sqlalchemy import text

    from app.db import make_engine

    def runs() -> list[tuple[str, int, int, int]]:
        engine = make_engine(scratch_database_url)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT source, new, updated, unchanged FROM scrape_runs ORDER BY id")
            ).all()
        engine.dispose()
        return [tuple(row) for row in rows]

    assert run("db", "upgrade").exit_code == 0
    assert run("catalog", "load").exit_code == 0
    assert run("samples", "load").exit_code == 0
    first = runs()
    assert len(first) == 3 and all(new for _, new, _, _ in first)
    again = run("samples", "load")
    assert again.exit_code == 0, again.output
    assert "usajobs: 0 new, 0 updated, 64 unchanged" in again.output  # still said
    assert runs() == first  # the staff dashboard shows no runs that changed nothing
