"""`pathfinder db` and `catalog`: migrate, load and export the catalog, import NICE workbooks."""

import json
import shutil

from .conftest import DATA_DIR


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
