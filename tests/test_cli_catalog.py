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
    result = run("catalog", "import-nice", str(nice_workbook), "--yes")
    assert result.exit_code == 0, result.output
    assert "NICE v2.1.0: 2 work roles, 4 statements" in result.output
    assert "Applied NICE v2.1.0" in result.output
    again = run("catalog", "import-nice", str(nice_workbook))
    assert again.exit_code == 0, again.output
    assert "No changes: the database already matches nice.xlsx." in again.output
    assert "Apply nice.xlsx" not in again.output  # nothing to confirm
    exported = json.loads(run("catalog", "export", "--json").output)
    assert exported["counts"]["tks_statements"] == 4


def test_import_nice_rejects_another_layout(run, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert run("db", "upgrade").exit_code == 0
    result = run("catalog", "import-nice", str(path))
    assert result.exit_code == 1
    assert "not a readable .xlsx" in result.output


def test_import_nice_shows_the_diff_and_applies_only_when_confirmed(loaded, nice_workbook):
    declined = loaded("catalog", "import-nice", str(nice_workbook), input="n\n")
    assert declined.exit_code == 1  # aborted
    assert "Statements added: 4" in declined.output
    assert "  T0001: Analyze alerts from intrusion detection sensors" in declined.output
    assert "Work roles added: 0" in declined.output
    assert "Apply nice.xlsx to the database? [y/N]" in declined.output
    assert "Applied" not in declined.output
    exported = json.loads(loaded("catalog", "export", "--json").output)
    assert exported["counts"]["tks_statements"] == 0

    accepted = loaded("catalog", "import-nice", str(nice_workbook), input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Applied NICE v2.1.0: 2 work roles, 4 statements (0 roles created" in accepted.output
    exported = json.loads(loaded("catalog", "export", "--json").output)
    assert exported["counts"]["tks_statements"] == 4


def test_import_nice_dry_run_only_shows(loaded, tmp_path):
    from .conftest import build_nice_workbook

    path = build_nice_workbook(tmp_path / "newer.xlsx", extra_role=True)
    result = loaded("catalog", "import-nice", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Work roles added: 1" in result.output
    assert "  PD-WRL-099 Example Future Role" in result.output
    assert "Work roles removed: " in result.output and "the import keeps them" in result.output
    assert "Dry run: nothing was applied." in result.output
    exported = json.loads(loaded("catalog", "export", "--json").output)
    assert exported["counts"]["tks_statements"] == 0


def test_export_yaml_writes_data_files_that_load_back_unchanged(loaded, tmp_path):
    out = tmp_path / "exported"
    result = loaded("catalog", "export", "--yaml", str(out))
    assert result.exit_code == 0, result.output
    assert "Exported the catalog as 7 files" in result.output
    assert (out / "work_roles.yaml").read_bytes() == (DATA_DIR / "work_roles.yaml").read_bytes()
    again = loaded("catalog", "load", "--data-dir", str(out))
    assert again.exit_code == 0 and "No changes" in again.output


def test_load_names_the_staff_edits_it_keeps_and_force_replaces_them(
    loaded, tmp_path, scratch_database_url
):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    programs = data / "funding_programs.yaml"
    programs.write_text(programs.read_text().replace('tier: "A"', 'tier: "B"', 1))
    # A staff edit of the same entry, as the staff pages make it.
    from sqlalchemy.orm import Session

    from app.db import make_engine
    from app.models import Role, User, UserRole
    from app.services.staff import curation

    engine = make_engine(scratch_database_url)
    with Session(engine) as session:
        user = User(email="curator@opm.example.gov", password_hash="x", display_name="C")
        user.roles = [UserRole(role=Role.OPM_STAFF)]
        session.add(user)
        entry = curation.get_entry(session, "funding_program", "32.012")
        doc = {**entry.document, "summary": "Staff wording of the summary."}
        curation.save_entry(
            session, "funding_program", doc, base_number=entry.number, user=user, reason="r"
        )
        session.commit()
    engine.dispose()
    kept = loaded("catalog", "load", "--data-dir", str(data))
    assert kept.exit_code == 0, kept.output
    assert "Kept 1 staff edit that differ from the files: funding program 32.012" in kept.output
    forced = loaded("catalog", "load", "--data-dir", str(data), "--force")
    assert "Replaced 1 staff edit(s) with the files: funding program 32.012" in forced.output
