"""The operator's command line, end to end on a database of its own."""

import json
import shutil

import pytest
from click.testing import CliRunner

from app.cli import cli

from .conftest import DATA_DIR


@pytest.fixture
def run(scratch_database_url, tmp_path):
    runner = CliRunner()
    env = {"DATABASE_URL": scratch_database_url, "MODEL_CACHE_DIR": str(tmp_path / "models")}

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), env=env, input=input)

    return invoke


@pytest.fixture
def loaded(run):
    """A migrated scratch database with the catalog loaded."""
    assert run("db", "upgrade").exit_code == 0
    assert run("catalog", "load").exit_code == 0
    return run


def test_db_upgrade_then_catalog_load_then_export(run):
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "Database at revision" in result.output

    result = run("catalog", "load")
    assert result.exit_code == 0, result.output
    assert "41 work roles" in result.output
    assert "Changes: created" in result.output

    result = run("catalog", "load")
    assert result.exit_code == 0
    assert "No changes" in result.output

    result = run("catalog", "export", "--json")
    assert result.exit_code == 0
    exported = json.loads(result.output)
    assert exported["counts"]["work_roles"] == 41
    role = next(r for r in exported["work_roles"] if r["id"] == "PD-WRL-001")
    assert role["opm_codes"] == ["511"]
    assert role["category"] == "PD"
    assert role["tks_statements"] == 0
    assert role["skills"] and {"id", "name", "weight"} <= set(role["skills"][0])
    assert len(exported["pathways"]) >= 15
    assert len(exported["funding_programs"]) >= 30


def test_catalog_load_before_migrating_says_what_to_do(run):
    result = run("catalog", "load")
    assert result.exit_code == 1
    assert "pathfinder db upgrade" in result.output


def test_a_malformed_catalog_is_rejected_with_its_location(run, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("samples"))
    (data / "job_series.yaml").write_text("- series: '22x0'\n  title: Broken\n  relevance: core\n")
    assert run("db", "upgrade").exit_code == 0
    result = run("catalog", "load", "--data-dir", str(data))
    assert result.exit_code == 1
    assert "job_series.yaml, entry 1 (22x0), field 'series'" in result.output
    assert "Traceback" not in result.output
    # Nothing half-loaded: a correct load afterwards creates everything from scratch.
    result = run("catalog", "load")
    assert "created 4" in result.output or "Changes: created" in result.output


def test_import_nice_workbook_and_reimport(run, nice_workbook):
    assert run("db", "upgrade").exit_code == 0
    assert run("catalog", "load").exit_code == 0
    result = run("catalog", "import-nice", str(nice_workbook))
    assert result.exit_code == 0, result.output
    assert "NICE v2.1.0: 2 work roles, 4 statements" in result.output
    again = run("catalog", "import-nice", str(nice_workbook))
    assert "0 roles created, 0 updated, 0 statements new, 0 changed" in again.output
    exported = json.loads(run("catalog", "export", "--json").output)
    assert exported["counts"]["tks_statements"] == 4


def test_import_nice_rejects_another_layout(run, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert run("db", "upgrade").exit_code == 0
    result = run("catalog", "import-nice", str(path))
    assert result.exit_code == 1
    assert "not a readable .xlsx" in result.output


def test_users_create_hashes_the_password(run):
    assert run("db", "upgrade").exit_code == 0
    runner_result = run(
        "users", "create", "--email", "Staff@OPM.example.gov", "--name", "Staff Member",
        "--role", "opm_staff", "--password", "correct horse battery",
    )  # fmt: skip
    assert runner_result.exit_code == 0, runner_result.output
    assert "staff@opm.example.gov" in runner_result.output


def test_users_disable_and_enable_are_audited_and_named(run):
    assert run("db", "upgrade").exit_code == 0
    created = run(
        "users", "create", "--email", "leaver@example.gov", "--name", "Leaver",
        "--role", "opm_staff", input="violet granite harbour\nviolet granite harbour\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    result = run("users", "disable", "--email", "Leaver@example.gov")
    assert result.exit_code == 0 and "Disabled leaver@example.gov" in result.output
    assert "Enabled" in run("users", "enable", "--email", "leaver@example.gov").output
    missing = run("users", "disable", "--email", "nobody@example.gov")
    assert missing.exit_code != 0 and "no account for nobody@example.gov" in missing.output


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


def test_scrape_without_keys_reports_per_source_and_fails(run):
    assert run("db", "upgrade").exit_code == 0
    result = run("scrape", "usajobs")
    assert result.exit_code == 1
    assert "usajobs: 0 new, 0 updated, 0 unchanged, 0 closed, 0 reopened, 1 failed" in result.output
    assert "USAJOBS_API_KEY" in result.output


SOC_RESUME = (
    "Security operations analyst, 5 years. Monitored Splunk SIEM alerts, triaged phishing and "
    "malware incidents, tuned Suricata rules and hunted threats with CrowdStrike Falcon. "
    "No experience with Kubernetes. CompTIA Security+."
)


def test_skills_json_gives_spans_into_the_extracted_text(loaded, tmp_path):
    path = tmp_path / "resume.txt"
    path.write_text(SOC_RESUME)
    result = loaded("skills", str(path), "--json")
    assert result.exit_code == 0, result.output
    skills = json.loads(result.output)
    names = {s["name"] for s in skills}
    assert "Splunk" in names and not any("Kubernetes" in n for n in names)
    for s in skills:
        assert SOC_RESUME[s["start"] : s["end"]] == s["text"]
        assert {"skill_id", "name", "start", "end", "text"} <= set(s)


def test_match_roles_from_stdin_as_json(loaded):
    result = loaded("match", "roles", "-", "--top", "3", "--json", input=SOC_RESUME)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["roles"]) == 3 and 0 < data["threshold"] < 100
    top = data["roles"][0]
    assert top["id"] in {"PD-WRL-001", "PD-WRL-003", "PD-WRL-006"}
    assert top["score"] >= data["threshold"]
    assert {"id", "name", "opm_code", "score", "matched", "missing"} <= set(top)


def test_match_roles_batch_gives_one_line_per_input_line(loaded, tmp_path):
    batch = tmp_path / "in.jsonl"
    lines = [
        {"id": "soc", "text": SOC_RESUME},
        {"id": "nurse", "text": "Registered nurse, ICU, charting in Epic, BLS and ACLS."},
    ]
    batch.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n")
    result = loaded("match", "roles", "--batch", str(batch), "--top", "2")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o.get("id") for o in out[:2]] == ["soc", "nurse"]
    assert out[0]["roles"][0]["score"] >= out[0]["threshold"]
    assert all(r["score"] < out[1]["threshold"] for r in out[1]["roles"])
    assert out[2] == {"line": 3, "error": 'expected {"id": ..., "text": "..."}'}


def test_match_roles_rejects_an_unreadable_file_plainly(loaded, tmp_path):
    path = tmp_path / "resume.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    result = loaded("match", "roles", str(path))
    assert result.exit_code == 1
    assert "PNG" in result.output and "Traceback" not in result.output


def test_match_jobs_and_funding_against_the_sample_listings(loaded, tmp_path):
    assert loaded("samples", "load").exit_code == 0
    resume = tmp_path / "resume.txt"
    resume.write_text(SOC_RESUME)
    result = loaded("match", "jobs", str(resume), "--top", "5", "--json")
    assert result.exit_code == 0, result.output
    jobs = json.loads(result.output)
    assert 1 <= len(jobs["jobs"]) <= 5 and jobs["total"] >= 50
    first = jobs["jobs"][0]
    assert first["url"].startswith("https://www.usajobs.gov/job/") and first["close_date"]
    assert first["score"] >= jobs["jobs"][-1]["score"]

    profile = tmp_path / "office.json"
    profile.write_text(
        json.dumps(
            {
                "applicant_types": ["04"],
                "needs": "AI-assisted vulnerability detection for our water utility OT network",
                "award_max": 2000000,
            }
        )
    )
    result = loaded("match", "funding", str(profile), "--json")
    assert result.exit_code == 0, result.output
    funding = json.loads(result.output)
    assert funding["opportunities"] and funding["ineligible_count"] > 0
    assert "81.008" in funding["opportunities"][0]["assistance_listings"]

    profile.write_text('{"needs": "cyber"}')
    bad = loaded("match", "funding", str(profile))
    assert bad.exit_code == 1 and "applicant_types" in bad.output


def test_sigterm_stops_a_run_as_ctrl_c_does_and_is_restored_after():
    import os
    import signal
    import time

    from app.cli.context import stop_on_terminate

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), stop_on_terminate():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # never reached in full: the handler raises as soon as it runs
    assert signal.getsignal(signal.SIGTERM) is before


def test_command_modules_import_the_shared_context_not_the_assembled_group():
    """`app.cli` only assembles; a command module importing it back would be a cycle."""
    import ast
    from pathlib import Path

    import app.cli

    package = Path(app.cli.__file__).parent
    for module in sorted(package.glob("*.py")):
        if module.name == "__init__.py":
            continue
        imported = set()
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        assert "app.cli" not in imported, module.name
