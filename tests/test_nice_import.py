"""Importing the official NICE workbook: statements, roles, version; idempotent; strict layout."""

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.catalog.nice_import import NiceImportError, import_workbook, parse_workbook
from app.models import AuditEntry, NiceImport, TksStatement, WorkRole

from .conftest import build_nice_workbook


def test_parse_reads_roles_statements_and_version(nice_workbook):
    parsed = parse_workbook(nice_workbook)
    assert parsed.version == "NICE v2.1.0"
    assert parsed.categories == {"PD": "Protection and Defense"}
    assert [r.id for r in parsed.roles] == ["PD-WRL-001", "PD-WRL-002"]
    assert parsed.roles[0].statement_ids == ["T0001", "K0001", "S0001"]
    assert parsed.roles[0].opm_codes == ["511"]


def test_import_links_statements_to_catalog_roles(db, catalog, nice_workbook):
    report = import_workbook(db, nice_workbook)
    db.commit()
    assert report.new_statements == 4 and report.updated_roles == 2
    role = db.get(WorkRole, "PD-WRL-001")
    assert [s.id for s in role.statements] == ["K0001", "S0001", "T0001"]
    assert role.official_description == "Watches systems and networks for threats."
    assert role.catalog_version == "NICE v2.1.0"
    assert str(db.get(TksStatement, "T0001").kind) == "task"
    assert db.scalar(select(func.count()).select_from(NiceImport)) == 1


def test_reimport_is_idempotent(db, catalog, nice_workbook):
    import_workbook(db, nice_workbook)
    db.commit()
    audits = db.scalar(select(func.count()).select_from(AuditEntry))
    again = import_workbook(db, nice_workbook)
    db.commit()
    assert not again.changed
    assert db.scalar(select(func.count()).select_from(NiceImport)) == 1
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == audits


def test_a_role_missing_from_the_catalog_is_created_from_the_workbook(db, catalog, tmp_path):
    path = build_nice_workbook(tmp_path / "newer.xlsx", extra_role=True)
    report = import_workbook(db, path)
    db.commit()
    assert report.created_roles == 1
    assert db.get(WorkRole, "PD-WRL-099").opm_code_list == ["999"]


def test_catalog_reload_keeps_imported_statements(db, catalog, nice_workbook):
    from app.catalog.loader import load_catalog_into

    from .conftest import DATA_DIR

    import_workbook(db, nice_workbook)
    db.commit()
    load_catalog_into(db, DATA_DIR)
    db.commit()
    assert len(db.get(WorkRole, "PD-WRL-001").statements) == 3


def test_a_workbook_of_another_layout_is_refused_clearly(tmp_path):
    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["name", "value"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    with pytest.raises(NiceImportError, match="Work Roles \\+ Categories"):
        parse_workbook(path)


def test_a_file_that_is_not_a_workbook_is_refused_clearly(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("this is not a spreadsheet")
    with pytest.raises(NiceImportError, match="not a readable .xlsx"):
        parse_workbook(path)
