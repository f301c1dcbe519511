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


def test_staff_see_recorded_runs_with_their_errors(client, db, session_factory):
    from app.services.ingest import execute_run
    from scrapers.errors import PayloadError

    def broken():
        raise PayloadError("search2 said: backend not available")
        yield  # pragma: no cover

    execute_run(session_factory, "grantsgov", broken, kind="scrape")
    login(client, db)
    html = client.get("/staff/").get_data(as_text=True)
    assert "grantsgov" in html and "Failed" in html
    assert "backend not available" in html
