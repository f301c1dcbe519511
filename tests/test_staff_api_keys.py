"""Staff's API key pages: the list, issuing (the key shown once), revoking (confirmed), each
audited, for OPM staff and admins only, with CSRF protection."""

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.models import ApiKey, AuditEntry

from .conftest import check_page_structure, login

STAFF = "staff@opm.example.gov"
NEW_KEY = {
    "name": "State of Ohio workforce board",
    "contact_email": "Data@Ohio.example.gov",
    "rate_limit": "1000 per hour",
}


def issue_through_the_page(client, data=None):
    return client.post("/staff/api-keys/new", data=data or NEW_KEY)


def shown_key(html: str) -> str:
    return BeautifulSoup(html, "html.parser").find("input", id="api-key")["value"]


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def key_audits(db, action: str = "api_key.") -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action.startswith(action))))


def test_the_pages_are_for_staff_and_admins_only(client, db, issue_key):
    key, _ = issue_key()
    pages = ["/staff/api-keys", "/staff/api-keys/new", f"/staff/api-keys/{key.id}/revoke"]
    for path in pages:
        assert "/account/login" in client.get(path).headers["Location"]
    login(client, db, "poster@example.gov", ("agency_poster",))
    for path in pages:
        assert client.get(path).status_code == 403, path
    assert issue_through_the_page(client).status_code == 403
    assert client.post(f"/staff/api-keys/{key.id}/revoke").status_code == 403
    assert count(db, ApiKey) == 1 and db.get(ApiKey, key.id).revoked_at is None


def test_admins_use_the_pages_too(client, db):
    login(client, db, "admin@example.gov", ("admin",))
    assert client.get("/staff/api-keys").status_code == 200
    assert issue_through_the_page(client).status_code == 201


def test_the_dashboard_links_to_the_keys(client, db):
    login(client, db, STAFF)
    html = client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/api-keys"' in html


def test_the_form_labels_every_field_and_suggests_a_limit(client, db):
    login(client, db, STAFF)
    response = client.get("/staff/api-keys/new")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("input", attrs={"name": "rate_limit"})["value"] == "600 per minute"
    assert soup.find("input", attrs={"name": "contact_email"})["type"] == "email"


def test_a_new_key_is_shown_once_and_only_its_prefix_after(client, db):
    login(client, db, STAFF)
    response = issue_through_the_page(client)
    assert response.status_code == 201
    assert "no-store" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert "it will not be shown again" in html
    plaintext = shown_key(html)
    key = db.scalar(select(ApiKey))
    assert plaintext.startswith(key.prefix) and key.key_hash != plaintext
    assert (key.name, key.contact_email, key.rate_limit) == (
        "State of Ohio workforce board", "data@ohio.example.gov", "1000 per hour"
    )  # fmt: skip
    assert key.created_by.email == STAFF
    listing = client.get("/staff/api-keys").get_data(as_text=True)
    check_page_structure(listing)
    assert plaintext not in listing and f"{key.prefix}…" in listing
    assert "State of Ohio workforce board" in listing and "1000 per hour" in listing
    assert "Never" in listing and "Active" in listing
    assert plaintext not in client.get(f"/staff/api-keys/{key.id}/revoke").get_data(as_text=True)


def test_issuing_is_audited_under_the_staff_member(client, db):
    login(client, db, STAFF)
    plaintext = shown_key(issue_through_the_page(client).get_data(as_text=True))
    [entry] = key_audits(db, "api_key.issue")
    assert entry.actor == STAFF and entry.entity_type == "api_key"
    assert plaintext not in str(entry.changes)
    assert entry.changes["rate_limit"] == "1000 per hour"


def test_bad_input_is_told_by_its_field_and_kept(client, db):
    login(client, db, STAFF)
    typed = {"name": "", "contact_email": "ohio", "rate_limit": "loads per minute"}
    response = issue_through_the_page(client, typed)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    assert "Please correct 3 problems" in html
    assert "Enter who the key is for." in soup.find(id="name-error").get_text()
    assert "e-mail address" in soup.find(id="contact_email-error").get_text()
    assert "'loads per minute' is not a rate limit" in soup.find(id="rate_limit-error").get_text()
    assert soup.find(id="rate_limit")["aria-invalid"] == "true"
    assert soup.find(id="rate_limit")["value"] == "loads per minute"
    assert count(db, ApiKey) == 0 and key_audits(db) == []


def test_a_zero_limit_is_refused(client, db):
    login(client, db, STAFF)
    response = issue_through_the_page(client, {**NEW_KEY, "rate_limit": "0 per minute"})
    assert response.status_code == 400
    assert "at least 1 request" in response.get_data(as_text=True)


def test_revoking_is_confirmed_first_then_audited_and_the_key_stops_working(
    client, db, catalog, issue_key
):
    key, plaintext = issue_key()
    login(client, db, STAFF)
    listing = BeautifulSoup(client.get("/staff/api-keys").get_data(as_text=True), "html.parser")
    link = listing.find("a", href=f"/staff/api-keys/{key.id}/revoke")
    assert link is not None and "Revoke" in link.get_text()
    confirm = client.get(link["href"])
    html = confirm.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", action=f"/staff/api-keys/{key.id}/revoke")
    assert form["method"] == "post" and "Revoke this key" in form.get_text()
    assert "cannot be undone" in html and db.get(ApiKey, key.id).revoked_at is None

    done = client.post(f"/staff/api-keys/{key.id}/revoke", follow_redirects=True)
    assert done.status_code == 200 and "is revoked" in done.get_data(as_text=True)
    db.expire_all()
    revoked = db.get(ApiKey, key.id)
    assert revoked.revoked_at is not None and revoked.revoked_by.email == STAFF
    [entry] = key_audits(db, "api_key.revoke")
    assert entry.actor == STAFF and entry.entity_id == str(key.id)
    assert client.get("/api/v1/pathways", headers={"X-API-Key": plaintext}).status_code == 401

    again = client.post(f"/staff/api-keys/{key.id}/revoke", follow_redirects=True)
    assert "already revoked" in again.get_data(as_text=True)
    assert len(key_audits(db, "api_key.revoke")) == 1  # the second press changed nothing
    listing = client.get("/staff/api-keys").get_data(as_text=True)
    assert "Revoked" in listing and f'href="/staff/api-keys/{key.id}/revoke"' not in listing


def test_an_unknown_key_is_404(client, db):
    login(client, db, STAFF)
    assert client.get("/staff/api-keys/2000000000/revoke").status_code == 404
    assert client.post("/staff/api-keys/2000000000/revoke").status_code == 404


def test_issuing_and_revoking_need_a_csrf_token(app, client, db, issue_key):
    key, _ = issue_key()
    login(client, db, STAFF)
    app.config["WTF_CSRF_ENABLED"] = True
    assert issue_through_the_page(client).status_code == 400
    assert client.post(f"/staff/api-keys/{key.id}/revoke").status_code == 400
    assert count(db, ApiKey) == 1 and db.get(ApiKey, key.id).revoked_at is None
    # With the page's token, both go through.
    page = client.get("/staff/api-keys/new").get_data(as_text=True)
    token = BeautifulSoup(page, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert (
        issue_through_the_page(client, {**NEW_KEY, "csrf_token": token["value"]}).status_code == 201
    )
