"""Admins: the accounts list, invitations, disabling and enabling accounts, roles; all audited,
and denied to every other role."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.models import Agency, AuditEntry, Invitation, OutboxMessage, Role, User
from app.services.accounts import create_user
from app.services.admin.invitations import invite

from .conftest import check_page_structure, login

PASSWORD = "a long passphrase"
ADMIN = "admin@example.gov"

# Ids that exist or not: the role check comes before any lookup.
ADMIN_PAGES = ("/admin/", "/admin/invite", "/admin/accounts/1/roles")
ADMIN_ACTIONS = (
    "/admin/invite",
    "/admin/accounts/1/roles",
    "/admin/accounts/1/disable",
    "/admin/accounts/1/enable",
    "/admin/invitations/1/revoke",
)


def other_account(db, email="staff@example.gov", roles=("opm_staff",)) -> User:
    user = create_user(db, email, "Sam Staff", PASSWORD, list(roles))
    db.commit()
    return user


def an_agency(db, code="HSCS", name="Cybersecurity and Infrastructure Security Agency") -> Agency:
    agency = Agency(code=code, name=name, department="Department of Homeland Security")
    db.add(agency)
    db.commit()
    return agency


def me(db) -> User:
    return db.scalar(select(User).where(User.email == ADMIN))


def audit(db, action: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_admin_pages_send_anonymous_visitors_to_sign_in(client):
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/account/login" in response.headers["Location"]
    for path in ADMIN_ACTIONS:
        response = client.post(path)
        assert response.status_code == 302, path
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [r.value for r in Role if r is not Role.ADMIN])
def test_admin_pages_are_refused_to_every_other_role(client, db, role):
    login(client, db, f"{role}@example.gov", (role,))
    target = other_account(db, "target@example.gov")
    for path in ADMIN_PAGES:
        assert client.get(path.replace("/1/", f"/{target.id}/")).status_code == 403, path
    for path in ADMIN_ACTIONS:
        assert client.post(path.replace("/1/", f"/{target.id}/")).status_code == 403, path
    assert db.get(User, target.id).is_active
    assert audit(db, "account.disable") == []
    html = client.get("/").get_data(as_text=True)
    assert "/admin/" not in html


def test_staff_routes_stay_refused_to_other_roles_and_open_to_admins(client, db):
    login(client, db, ADMIN, ("admin",))
    assert client.get("/staff/").status_code == 200
    # Admins pass the agency role check; one whose account names no agency is told so.
    refused = client.get("/agency/")
    assert refused.status_code == 403 and "not linked to an agency" in refused.get_data(
        as_text=True
    )
    me(db).agency_id = an_agency(db).id
    db.commit()
    assert client.get("/agency/").status_code == 200


def test_admins_see_accounts_and_pending_invitations(client, db):
    login(client, db, ADMIN, ("admin",))
    other_account(db)
    agency = an_agency(db)
    invite(
        db, me(db), "invited@example.gov", ["agency_poster"], base_url="http://x", hours=24,
        agency_id=agency.id,
    )  # fmt: skip
    db.commit()
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    assert "staff@example.gov" in html and "OPM staff" in html
    assert "invited@example.gov" in html and "Agency job poster" in html
    assert soup.find("td", attrs={"data-label": "Agency"}, string=f"{agency.name} (HSCS)")
    buttons = [" ".join(b.get_text().split()) for b in soup.find_all("button")]
    assert "Disable staff@example.gov" in buttons
    assert f"Disable {ADMIN}" not in buttons  # no button to disable oneself
    assert soup.find("a", href="/admin/") is not None  # the header link, for admins


def test_inviting_queues_the_link_and_is_audited(client, db):
    login(client, db, ADMIN, ("admin",))
    page = client.get("/admin/invite")
    assert page.status_code == 200
    check_page_structure(page.get_data(as_text=True))
    assert "7 days" in page.get_data(as_text=True)
    agency = an_agency(db)
    data = {"email": "New@Example.gov", "roles": ["opm_staff", "agency_poster"]}
    response = client.post("/admin/invite", data={**data, "agency": str(agency.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    invitation = db.scalar(select(Invitation).where(Invitation.email == "new@example.gov"))
    assert invitation.roles == ["agency_poster", "opm_staff"]
    assert invitation.agency_id == agency.id
    message = db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "new@example.gov"))
    assert "http://127.0.0.1:5000/account/invitation/" in message.body
    [entry] = audit(db, "account.invite")
    assert entry.actor == ADMIN
    assert entry.changes["agency"] == "HSCS"
    listed = client.get("/admin/").get_data(as_text=True)
    assert "Invitation sent to new@example.gov as Administrator" not in listed
    assert (
        f"Invitation sent to new@example.gov as Agency job poster, OPM staff for {agency.name}"
        in listed
    )


def test_a_poster_invitation_needs_an_agency_by_the_field(client, db):
    login(client, db, ADMIN, ("admin",))
    agency = an_agency(db)
    page = BeautifulSoup(client.get("/admin/invite").get_data(as_text=True), "html.parser")
    options = [o.get_text() for o in page.find("select", id="agency").find_all("option")]
    assert options == ["No agency", f"{agency.name} (HSCS)"]
    data = {"email": "poster@example.gov", "roles": ["agency_poster"]}
    response = client.post("/admin/invite", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page_structure(html)
    error = BeautifulSoup(html, "html.parser").find(id="agency-error")
    assert error.get_text() == "Choose the agency this poster posts openings for."
    assert 'value="poster@example.gov"' in html  # what was typed is kept
    unknown = client.post("/admin/invite", data={**data, "agency": "99999"})
    assert unknown.status_code == 400
    assert "Choose an agency from the list." in unknown.get_data(as_text=True)
    assert db.scalar(select(Invitation)) is None
    staff = {"email": "staff2@example.gov", "roles": ["opm_staff"]}
    assert client.post("/admin/invite", data=staff).status_code == 302  # no agency needed


def test_inviting_an_address_with_an_account_is_refused_on_the_field(client, db):
    login(client, db, ADMIN, ("admin",))
    other_account(db)
    response = client.post(
        "/admin/invite", data={"email": "staff@example.gov", "roles": "opm_staff"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    error = soup.find(id="email-error")
    assert error is not None and "already exists" in error.get_text()
    assert soup.find(id="error-summary-heading") is not None
    assert db.scalar(select(Invitation)) is None


def test_an_invitation_needs_an_address_and_a_role(client, db):
    login(client, db, ADMIN, ("admin",))
    response = client.post("/admin/invite", data={"email": "not an address"})
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "name@example.gov" in soup.find(id="email-error").get_text()
    assert "at least one role" in soup.find(id="roles-error").get_text()
    assert soup.find("a", href="#roles-1") is not None  # the summary links to the first box
    response = client.post(
        "/admin/invite", data={"email": "a@example.gov", "roles": "program_office"}
    )
    assert response.status_code == 400


def test_disabling_ends_the_accounts_sessions_and_enabling_is_audited(app, client, db):
    login(client, db, ADMIN, ("admin",))
    target = other_account(db)
    theirs = app.test_client()
    theirs.post("/account/login", data={"email": "staff@example.gov", "password": PASSWORD})
    assert theirs.get("/staff/").status_code == 200

    response = client.post(f"/admin/accounts/{target.id}/disable")
    assert response.status_code == 302
    assert theirs.get("/staff/").status_code == 302  # signed out at once
    db.refresh(target)
    assert not target.is_active
    [entry] = audit(db, "account.disable")
    assert (entry.actor, entry.entity_id) == (ADMIN, str(target.id))
    assert "is disabled" in client.get("/admin/").get_data(as_text=True)
    refused = theirs.post(
        "/account/login", data={"email": "staff@example.gov", "password": PASSWORD}
    )
    assert refused.status_code == 400

    client.post(f"/admin/accounts/{target.id}/enable")
    db.refresh(target)
    assert target.is_active
    assert len(audit(db, "account.enable")) == 1
    assert theirs.get("/staff/").status_code == 302  # the old session does not come back


def test_an_admin_cannot_disable_themselves(client, db):
    login(client, db, ADMIN, ("admin",))
    response = client.post(f"/admin/accounts/{me(db).id}/disable")
    assert response.status_code == 302
    assert "cannot disable your own account" in client.get("/admin/").get_data(as_text=True)
    assert me(db).is_active and audit(db, "account.disable") == []
    assert client.get("/admin/").status_code == 200


def test_changing_roles_is_audited(client, db):
    login(client, db, ADMIN, ("admin",))
    target = other_account(db)
    page = client.get(f"/admin/accounts/{target.id}/roles")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    checked = [
        i["value"] for i in soup.find_all("input", attrs={"name": "roles"}) if i.has_attr("checked")
    ]
    assert checked == ["opm_staff"]
    response = client.post(
        f"/admin/accounts/{target.id}/roles", data={"roles": ["agency_poster", "opm_staff"]}
    )
    assert response.status_code == 302
    db.refresh(target)
    assert sorted(str(r.role) for r in target.roles) == ["agency_poster", "opm_staff"]
    [entry] = audit(db, "account.roles")
    assert entry.changes == {"roles": [["opm_staff"], ["agency_poster", "opm_staff"]]}
    assert entry.actor == ADMIN
    # Saving the same roles again changes and records nothing.
    client.post(
        f"/admin/accounts/{target.id}/roles", data={"roles": ["agency_poster", "opm_staff"]}
    )
    assert len(audit(db, "account.roles")) == 1


def test_roles_take_effect_on_the_accounts_next_page(app, client, db):
    login(client, db, ADMIN, ("admin",))
    target = other_account(db)
    theirs = app.test_client()
    theirs.post("/account/login", data={"email": "staff@example.gov", "password": PASSWORD})
    assert theirs.get("/staff/").status_code == 200
    target.agency_id = an_agency(db).id
    db.commit()
    client.post(f"/admin/accounts/{target.id}/roles", data={"roles": ["agency_poster"]})
    assert theirs.get("/staff/").status_code == 403
    assert theirs.get("/agency/").status_code == 200


def test_an_admin_cannot_remove_their_own_admin_role_or_leave_no_role(client, db):
    login(client, db, ADMIN, ("admin",))
    response = client.post(f"/admin/accounts/{me(db).id}/roles", data={"roles": ["opm_staff"]})
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "your own administrator role" in soup.find(id="roles-error").get_text()
    assert [str(r.role) for r in me(db).roles] == ["admin"]
    target = other_account(db)
    # A browser always sends the CSRF token, so a form with every box cleared is not empty.
    response = client.post(f"/admin/accounts/{target.id}/roles", data={"csrf_token": "t"})
    assert response.status_code == 400
    assert "at least one role" in response.get_data(as_text=True)
    assert audit(db, "account.roles") == []


def test_revoking_an_invitation_stops_its_link(client, db):
    login(client, db, ADMIN, ("admin",))
    token, invitation = invite(
        db, me(db), "invited@example.gov", ["opm_staff"], base_url="http://x", hours=24
    )
    db.commit()
    response = client.post(f"/admin/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    [entry] = audit(db, "invitation.revoke")
    assert entry.actor == ADMIN and entry.changes == {"email": "invited@example.gov"}
    page = client.get(f"/account/invitation/{token}")
    assert page.status_code == 410 and "withdrawn" in page.get_data(as_text=True)
    assert (
        "invited@example.gov"
        not in client.get("/admin/")
        .get_data(as_text=True)
        .split("All accounts")[0]
        .split("Pending invitations")[1]
    )
    client.post(f"/admin/invitations/{invitation.id}/revoke")
    assert len(audit(db, "invitation.revoke")) == 1
    assert "can no longer be used" in client.get("/admin/").get_data(as_text=True)


def test_unknown_accounts_and_invitations_are_not_found(client, db):
    login(client, db, ADMIN, ("admin",))
    assert client.get("/admin/accounts/2147483647/roles").status_code == 404
    assert client.post("/admin/accounts/2147483647/disable").status_code == 404
    assert client.post("/admin/invitations/2147483647/revoke").status_code == 404
    assert client.get("/admin/accounts/99999999999999999999/roles").status_code == 404


def test_admin_forms_and_buttons_need_a_csrf_token(app, client, db):
    login(client, db, ADMIN, ("admin",))
    target = other_account(db)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/accounts/{target.id}/disable").status_code == 400
    response = client.post("/admin/invite", data={"email": "x@example.gov", "roles": "opm_staff"})
    assert response.status_code == 400
    response = client.post(f"/admin/accounts/{target.id}/roles", data={"roles": "admin"})
    assert response.status_code == 400
    db.refresh(target)
    assert target.is_active and [str(r.role) for r in target.roles] == ["opm_staff"]
    assert db.scalar(select(Invitation)) is None
