"""A NICE workbook's diff against the catalog, and the staff pages that upload and confirm it."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.catalog.nice_diff import (
    PENDING_DAYS,
    AlreadyApplied,
    apply_pending,
    diff_workbook,
    purge_uploads,
    stage_upload,
)
from app.catalog.nice_import import NiceImportError, import_workbook, parse_workbook
from app.models import (
    AuditEntry,
    NiceImport,
    PendingNiceImport,
    TksStatement,
    User,
    WorkRole,
    utcnow,
)

from .conftest import build_nice_workbook, check_page_structure, login


def edited_workbook(path: Path, *, rename: str | None = None, reword: str | None = None) -> Path:
    """The test workbook with PD-WRL-001 renamed and/or T0001 reworded."""
    book = load_workbook(path)
    roles, tks = book["v2.1.0 Work Roles + Categories"], book["v2.1.0 TKS Statements"]
    for row in roles.iter_rows(min_row=2):
        if rename and row[2].value == "PD-WRL-001":
            row[0].value = rename
    for row in tks.iter_rows(min_row=2):
        if reword and row[0].value == "T0001":
            row[1].value = reword
    book.save(path)
    return path


def staff_user(db, email="user@example.gov") -> User:
    return db.scalar(select(User).where(User.email == email))


# -- the diff ---------------------------------------------------------------------------------


def test_a_first_import_adds_statements_and_lists_what_the_workbook_lacks(db, catalog, tmp_path):
    path = build_nice_workbook(tmp_path / "nice.xlsx", extra_role=True)
    diff = diff_workbook(db, parse_workbook(path))
    assert diff.version == "NICE v2.1.0" and diff.work_roles == 3 and diff.statements == 4
    assert diff.roles_added == [("PD-WRL-099", "Example Future Role")]
    assert diff.roles_renamed == []
    catalog_roles = db.scalar(select(func.count()).select_from(WorkRole))
    assert len(diff.roles_removed) == catalog_roles - 2  # the catalog's others, all kept
    assert [i for i, _ in diff.statements_added] == ["K0001", "S0001", "T0001", "T0002"]
    assert diff.statements_removed == [] and diff.statements_changed == []
    assert {i for i, _, _ in diff.roles_relinked} == {"PD-WRL-001", "PD-WRL-002", "PD-WRL-099"}
    assert diff.changes_anything
    assert db.scalar(select(func.count()).select_from(TksStatement)) == 0  # it only reads


def test_after_the_import_the_same_workbook_changes_nothing(db, catalog, nice_workbook):
    import_workbook(db, nice_workbook)
    db.commit()
    diff = diff_workbook(db, parse_workbook(nice_workbook))
    assert not diff.changes_anything
    assert diff.statements_added == diff.statements_changed == diff.roles_relinked == []


def test_renamed_roles_and_reworded_statements_are_shown_old_and_new(db, catalog, tmp_path):
    path = build_nice_workbook(tmp_path / "nice.xlsx")
    import_workbook(db, path)
    db.commit()
    edited_workbook(path, rename="Defensive Cyber Operations", reword="Triage intrusion alerts")
    diff = diff_workbook(db, parse_workbook(path))
    assert diff.roles_renamed == [
        ("PD-WRL-001", "Defensive Cybersecurity", "Defensive Cyber Operations")
    ]
    assert diff.statements_changed == [
        ("T0001", "Analyze alerts from intrusion detection sensors", "Triage intrusion alerts")
    ]
    lines = diff.summary_lines()
    assert "Work roles renamed: 1" in lines
    assert "Statements changed: 1" in lines
    changed = [line for line in lines if line.startswith("  T0001: ")]
    assert changed == [
        "  T0001: “Analyze alerts from intrusion detection sensors” becomes "
        "“Triage intrusion alerts”"
    ]


def test_a_statement_gone_from_the_workbook_is_listed_as_removed(db, catalog, tmp_path):
    db.add(TksStatement(id="K9999", kind="knowledge", text="Knowledge of X", catalog_version="v"))
    db.commit()
    diff = diff_workbook(db, parse_workbook(build_nice_workbook(tmp_path / "nice.xlsx")))
    assert diff.statements_removed == [("K9999", "Knowledge of X")]


def test_the_summary_lists_the_first_entries_then_how_many_more(db, catalog, nice_workbook):
    diff = diff_workbook(db, parse_workbook(nice_workbook))
    lines = diff.summary_lines(limit=2)
    assert lines[0] == "NICE v2.1.0: 2 work roles, 4 statements in the workbook."
    start = lines.index("Statements added: 4")
    assert lines[start + 1].startswith("  (")  # what the import does about them
    assert lines[start + 2 : start + 5] == [
        "  K0001: Knowledge of network protocols",
        "  S0001: Skill in reading packet captures",
        "  ... and 2 more",
    ]
    assert f"Work roles removed: {len(diff.roles_removed)}" in lines


# -- pending uploads ----------------------------------------------------------------------------


def test_a_pending_import_applies_once_with_the_importers_audit_entry(
    client, db, catalog, nice_workbook
):
    login(client, db)
    user = staff_user(db)
    pending = stage_upload(db, "nice.xlsx", nice_workbook.read_bytes(), user)
    db.commit()
    report = apply_pending(db, pending.id, user)
    db.commit()
    assert report.new_statements == 4
    assert pending.applied_at is not None
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "catalog.import_nice"))
    assert entry.actor == "user@example.gov" and entry.user_id == user.id
    assert entry.note == "nice.xlsx"
    with pytest.raises(AlreadyApplied, match="already applied"):
        apply_pending(db, pending.id, user)
    assert db.scalar(select(func.count()).select_from(NiceImport)) == 1


def test_an_unreadable_upload_is_not_kept(client, db, tmp_path):
    login(client, db)
    with pytest.raises(NiceImportError, match="not a readable .xlsx"):
        stage_upload(db, "x.xlsx", b"PK\x03\x04 nope", staff_user(db))
    assert db.scalar(select(func.count()).select_from(PendingNiceImport)) == 0


# -- the staff pages ----------------------------------------------------------------------------


def upload(client, data: bytes, name: str = "nice.xlsx"):
    return client.post(
        "/staff/nice",
        data={"workbook": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_upload_page_is_for_staff_only(client, db):
    assert client.get("/staff/nice").status_code == 302
    login(client, db, "po@example.gov", ("program_office",))
    assert client.get("/staff/nice").status_code == 403


def test_the_upload_form_is_labelled(client, db):
    login(client, db)
    response = client.get("/staff/nice")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert 'enctype="multipart/form-data"' in html
    assert '<label class="usa-label" for="workbook">' in html


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (None, None, "Choose the NICE Framework Components workbook"),
        (b"TKS ID,TKS Description\n", "nice.csv", "ending in .xlsx"),
        (b"not a zip at all", "nice.xlsx", "is not an .xlsx workbook"),
        (
            b"PK\x03\x04 a broken zip",
            "nice.xlsx",
            "cannot be imported: nice.xlsx is not a readable",
        ),
        (b"", "nice.xlsx", "This file is empty"),
    ],
)
def test_a_wrong_upload_is_refused_with_an_error_summary(client, db, data, name, message):
    login(client, db)
    if data is None:
        response = client.post("/staff/nice", data={}, content_type="multipart/form-data")
    else:
        response = upload(client, data, name)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert 'class="usa-alert usa-alert--error"' in html
    assert message in html
    assert db.scalar(select(func.count()).select_from(PendingNiceImport)) == 0


def test_a_workbook_of_another_layout_is_refused_clearly(client, db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Something else"])
    book.save(tmp_path / "other.xlsx")
    login(client, db)
    response = upload(client, (tmp_path / "other.xlsx").read_bytes(), "other.xlsx")
    assert response.status_code == 400
    assert "Work Roles + Categories" in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused(client, db, monkeypatch):
    from app.staff import forms

    monkeypatch.setattr(forms, "NICE_MAX_BYTES", 10)
    login(client, db)
    response = upload(client, b"PK\x03\x04" + b"x" * 100)
    assert response.status_code == 400
    assert "the limit is" in response.get_data(as_text=True)


def test_upload_then_diff_then_confirm_once(client, db, catalog, tmp_path):
    path = build_nice_workbook(tmp_path / "nice.xlsx", extra_role=True)
    login(client, db)
    response = upload(client, path.read_bytes())
    assert response.status_code == 302
    pending = db.scalar(select(PendingNiceImport))
    assert response.headers["Location"].endswith(f"/staff/nice/{pending.id}")
    assert pending.filename == "nice.xlsx" and pending.applied_at is None

    html = client.get(f"/staff/nice/{pending.id}").get_data(as_text=True)
    check_page_structure(html)
    assert "What nice.xlsx would change" in html
    assert "PD-WRL-099 Example Future Role" in html
    assert "Confirm and apply nice.xlsx" in html
    assert db.scalar(select(func.count()).select_from(TksStatement)) == 0  # not yet

    response = client.post(f"/staff/nice/{pending.id}/confirm")
    assert response.status_code == 302
    assert db.scalar(select(func.count()).select_from(TksStatement)) == 4
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "catalog.import_nice"))
    assert entry.actor == "user@example.gov"
    page = client.get(f"/staff/nice/{pending.id}").get_data(as_text=True)
    assert "Applied NICE v2.1.0: 1 work roles created" in page
    assert "This workbook was applied on" in page and "Confirm and apply" not in page

    again = client.post(f"/staff/nice/{pending.id}/confirm")
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    check_page_structure(html)
    assert "nice.xlsx was already applied on" in html and "it was not applied again" in html
    assert db.scalar(select(func.count()).select_from(NiceImport)) == 1


def test_confirm_needs_the_csrf_token(app, client, db, catalog, nice_workbook):
    login(client, db)
    pending = stage_upload(db, "nice.xlsx", nice_workbook.read_bytes(), staff_user(db))
    db.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/staff/nice/{pending.id}/confirm").status_code == 400
    assert db.get(PendingNiceImport, pending.id).applied_at is None


def test_an_unknown_pending_import_is_not_found(client, db):
    login(client, db)
    assert client.get("/staff/nice/999999").status_code == 404
    assert client.post("/staff/nice/999999/confirm").status_code == 404


def test_a_body_over_the_apps_limit_gets_the_form_back(app, client, db):
    login(client, db)
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = upload(client, b"PK\x03\x04" + b"x" * 5000)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert "This upload is too large, so we did not read it" in html


@pytest.mark.parametrize("roles", [None, ("agency_poster",)])
def test_a_body_over_the_limit_from_someone_not_staff_gets_no_staff_form(app, client, db, roles):
    if roles:
        login(client, db, email="poster@example.gov", roles=roles)
    app.config["MAX_CONTENT_LENGTH"] = 2000
    app.config["WTF_CSRF_ENABLED"] = True  # its check reads the body before the role check
    response = upload(client, b"PK\x03\x04" + b"x" * 5000)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "This upload is too large, so we did not read it" not in html
    assert 'name="workbook"' not in html


def test_uploaded_workbooks_are_deleted_after_a_week_applied_or_not(client, db, nice_workbook):
    login(client, db)
    user = staff_user(db)
    data = nice_workbook.read_bytes()
    old, applied, fresh = (stage_upload(db, "nice.xlsx", data, user) for _ in range(3))
    now = utcnow()
    old.uploaded_at = applied.uploaded_at = now - timedelta(days=PENDING_DAYS, hours=1)
    applied.applied_at = now - timedelta(days=PENDING_DAYS)
    fresh.uploaded_at = now - timedelta(days=PENDING_DAYS - 1)
    db.flush()
    ids = old.id, applied.id, fresh.id
    assert purge_uploads(db, now) == 2
    left = db.scalars(select(PendingNiceImport.id).where(PendingNiceImport.id.in_(ids))).all()
    assert left == [ids[2]]
