from pathlib import Path

from .conftest import check_page_structure, login


def test_staff_workspace_requires_sign_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_staff_workspace_is_refused_to_other_roles(client, db):
    login(client, db, "po@example.gov", ("program_office",))
    assert client.get("/staff/").status_code == 403


def test_staff_see_catalog_counts_and_the_audit_log(client, db, catalog):
    login(client, db)
    response = client.get("/staff/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert "Work roles: <strong>41</strong>" in html
    assert "catalog.load" in html


def test_without_a_nice_import_staff_are_told_how_to_add_the_statements(client, db, catalog):
    login(client, db)
    html = client.get("/staff/").get_data(as_text=True)
    assert "NICE statements: <strong>0</strong>" not in html
    assert "NICE statements: <strong>none imported yet</strong>" in html
    assert "<code>pathfinder catalog import-nice FILE.xlsx</code>" in html
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "pathfinder catalog import-nice FILE.xlsx" in readme  # the command as documented


def test_imported_nice_statements_are_counted(client, db, catalog):
    from app.models import StatementKind, TksStatement

    db.add(TksStatement(id="T0001", kind=StatementKind.TASK, text="x", catalog_version="v"))
    db.commit()
    login(client, db)
    html = client.get("/staff/").get_data(as_text=True)
    assert "NICE statements: <strong>1</strong>" in html
    assert "none imported yet" not in html


def test_staff_see_recorded_runs_with_their_errors(client, db, session_factory):
    from app.services.ingest.store import execute_run
    from scrapers.errors import PayloadError

    def broken():
        raise PayloadError("search2 said: backend not available")
        yield  # pragma: no cover

    execute_run(session_factory, "grantsgov", broken, kind="scrape")
    login(client, db)
    html = client.get("/staff/").get_data(as_text=True)
    assert "grantsgov" in html and "Failed" in html
    assert "backend not available" in html


def test_staff_see_when_runs_finished_and_which_records_failed(client, db, session_factory):
    from app.services.ingest.store import execute_run
    from scrapers.records import JobRecord

    def records():
        yield JobRecord(source="usajobs", source_id="820000009", title="<b>x</b>" * 100)

    execute_run(session_factory, "usajobs", records, kind="ingest")
    login(client, db)
    html = client.get("/staff/operations").get_data(as_text=True)
    check_page_structure(html)
    assert '<td data-label="Failed">1</td>' in html
    assert "<summary>1 warning</summary>" in html
    assert "usajobs 820000009: title is 800 characters" in html
    assert "<b>x</b>" not in html  # warnings are escaped like everything else
    assert "Not yet" not in html  # the run is finished, and says when


def test_staff_see_how_many_jobs_a_run_reopened(client, db, session_factory):
    from datetime import date, timedelta

    from app.services.ingest.store import execute_run
    from scrapers.records import JobRecord

    closes = date.today() + timedelta(days=30)
    jobs = [
        JobRecord(
            source="usajobs", source_id=f"82000010{i}", title="IT Specialist", close_date=closes
        )
        for i in range(3)
    ]
    execute_run(session_factory, "usajobs", lambda: iter(jobs), kind="ingest")
    execute_run(session_factory, "usajobs", lambda: iter(jobs[:1]), full_sweep=True)
    execute_run(session_factory, "usajobs", lambda: iter(jobs), kind="ingest")
    login(client, db)
    html = client.get("/staff/operations").get_data(as_text=True)
    check_page_structure(html)
    assert '<th scope="col">Reopened</th>' in html
    assert '<td data-label="Closed">2</td>' in html  # the sweep closed two ...
    assert '<td data-label="Reopened">2</td>' in html  # ... the next ingest reopened them


def test_staff_review_job_classifications(client, db, catalog, tmp_path):
    from app.services.ingest.store import Ingestor
    from app.services.matcher import classify_jobs, role_matcher
    from scrapers.records import JobRecord

    Ingestor(db).store(
        JobRecord(
            source="usajobs",
            source_id="820000001",
            title="IT Specialist (INFOSEC) - Digital Forensics Examiner",
            summary="Acquire forensic images with FTK Imager, analyse memory with Volatility, "
            "and document chain of custody for incident investigations.",
        )
    )
    classify_jobs(db, role_matcher(db, tmp_path))
    db.commit()
    assert client.get("/staff/classifications").status_code == 302  # sign-in first
    login(client, db)
    response = client.get("/staff/classifications")
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert "Digital Forensics Examiner" in html
    assert "Digital Forensics" in html and "model)" in html


def test_a_classifications_page_past_the_end_shows_the_last_page(client, db):
    from app.services.ingest.store import Ingestor
    from scrapers.records import JobRecord

    Ingestor(db).store(JobRecord(source="usajobs", source_id="820000002", title="IT Specialist"))
    login(client, db)
    for page in ("99999999999999999999", "-3", "2"):
        response = client.get(f"/staff/classifications?page={page}")
        assert response.status_code == 200
        assert "IT Specialist" in response.get_data(as_text=True)
