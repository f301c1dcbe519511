"""Invitations: a one-time link, stored only as its SHA-256, that makes an invited account."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.models import Agency, AuditEntry, Invitation, OutboxMessage, User
from app.services.accounts import AccountError, create_user
from app.services.admin.invitations import (
    LinkError,
    LinkState,
    accept,
    find_invitation,
    invite,
)

from .conftest import check_page_structure

PASSWORD = "a long passphrase"
NEW_PASSWORD = "violet granite harbour"
BASE = "https://pathfinder.example.gov"


@pytest.fixture
def admin(db):
    user = create_user(db, "admin@example.gov", "Ada Admin", PASSWORD, ["admin"])
    db.commit()
    return user


@pytest.fixture
def agency(db):
    agency = Agency(code="HSCS", name="Cybersecurity and Infrastructure Security Agency")
    db.add(agency)
    db.commit()
    return agency


def send(
    db, admin, email="new.staff@example.gov", roles=("opm_staff",), now=None, hours=168, agency=None
):
    if agency is None and "agency_poster" in roles:
        agency = db.scalar(select(Agency).where(Agency.code == "TEST"))
        if agency is None:
            agency = Agency(code="TEST", name="Test Agency")
            db.add(agency)
            db.flush()
    token, invitation = invite(
        db, admin, email, list(roles), base_url=BASE, hours=hours, now=now,
        agency_id=agency.id if agency else None,
    )  # fmt: skip
    db.commit()
    return token, invitation


def link_path(message: OutboxMessage) -> str:
    match = re.search(r"https://pathfinder\.example\.gov(/account/invitation/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_an_invitation_stores_only_the_token_hash_and_queues_the_link(db, admin):
    token, invitation = send(db, admin, "New.Staff@Example.gov", ("opm_staff", "agency_poster"))
    assert invitation.email == "new.staff@example.gov"
    assert invitation.roles == ["agency_poster", "opm_staff"]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(invitation.__dict__.values())
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    [message] = db.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == invitation.email)
    )
    assert message.dedupe_key == f"invitation:{invitation.id}"
    assert f"{BASE}/account/invitation/{token}" in message.body
    assert "Ada Admin (admin@example.gov)" in message.body
    assert "agency job poster and OPM staff for Test Agency" in message.body
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "account.invite"))
    assert audit.actor == "admin@example.gov" and audit.user_id == admin.id
    assert audit.entity_id == str(invitation.id)
    assert audit.changes["email"] == "new.staff@example.gov"
    assert token not in str(audit.changes)


def test_an_address_with_an_account_is_refused_on_the_email_field(db, admin):
    with pytest.raises(AccountError) as refused:
        send(db, admin, "ADMIN@example.gov")
    assert refused.value.field == "email"
    assert db.scalar(select(Invitation)) is None


def test_roles_must_be_chosen_from_the_invitable_ones(db, admin):
    for roles in ((), ("program_office",), ("root",)):
        with pytest.raises(AccountError) as refused:
            send(db, admin, roles=roles)
        assert refused.value.field == "roles"


def test_a_poster_is_invited_for_an_agency_their_account_gets(db, admin, agency):
    with pytest.raises(AccountError) as refused:
        invite(db, admin, "p@example.gov", ["agency_poster"], base_url=BASE, hours=24)
    assert refused.value.field == "agency"
    with pytest.raises(AccountError) as unknown:
        invite(
            db, admin, "p@example.gov", ["agency_poster"], base_url=BASE, hours=24,
            agency_id=agency.id + 1000,
        )  # fmt: skip
    assert unknown.value.field == "agency"
    token, invitation = send(db, admin, "p@example.gov", ("agency_poster",), agency=agency)
    assert invitation.agency_id == agency.id
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "account.invite"))
    assert audit.changes["agency"] == "HSCS"
    user = accept(db, token, "Pat Poster", NEW_PASSWORD)
    db.commit()
    assert user.agency_id == agency.id
    staff_token, _ = send(db, admin, "s@example.gov", ("opm_staff",))
    assert accept(db, staff_token, "Sam Staff", NEW_PASSWORD).agency_id is None


def test_a_new_invitation_replaces_the_pending_one(db, admin):
    first, _ = send(db, admin)
    second, _ = send(db, admin)
    assert find_invitation(db, first)[0] is LinkState.REVOKED
    assert find_invitation(db, second)[0] is LinkState.OPEN


def test_accepting_makes_the_account_with_the_invited_roles_once(db, admin):
    token, invitation = send(db, admin, roles=("agency_poster",))
    user = accept(db, token, "Sam Staff", NEW_PASSWORD)
    db.commit()
    assert user.email == "new.staff@example.gov"
    assert [str(r.role) for r in user.roles] == ["agency_poster"]
    db.refresh(invitation)
    assert invitation.accepted_at is not None and invitation.user_id == user.id
    with pytest.raises(LinkError) as again:
        accept(db, token, "Someone Else", NEW_PASSWORD)
    assert again.value.state is LinkState.USED
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["user.create", "invitation.accept"]


def test_an_expired_link_does_not_work(db, admin):
    long_ago = datetime.now(UTC) - timedelta(days=8)
    token, _ = send(db, admin, now=long_ago)
    assert find_invitation(db, token)[0] is LinkState.EXPIRED
    with pytest.raises(LinkError):
        accept(db, token, "Sam Staff", NEW_PASSWORD)
    assert db.scalar(select(User).where(User.email == "new.staff@example.gov")) is None


def test_a_weak_password_is_refused_and_the_link_still_works(db, admin):
    token, _ = send(db, admin)
    with pytest.raises(AccountError) as refused:
        accept(db, token, "Sam Staff", "password1234")
    assert refused.value.field == "password"
    assert find_invitation(db, token)[0] is LinkState.OPEN


@pytest.mark.parametrize("token", ["", "x", "%00", "a" * 43, "a" * 3000])
def test_unknown_tokens_are_unknown(db, token):
    assert find_invitation(db, token) == (LinkState.UNKNOWN, None)


# -- the page ---------------------------------------------------------------------------------


def test_the_invitee_sets_a_password_and_is_signed_in_as_staff(client, db, admin):
    token, _ = send(db, admin)
    [message] = db.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("invit%")))
    path = link_path(message)
    assert path == f"/account/invitation/{token}"
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    check_page_structure(html)
    assert "new.staff@example.gov" in html and "OPM staff" in html
    response = client.post(
        path, data={"display_name": "Sam Staff", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    used = client.get(path)
    assert used.status_code == 410
    assert "already been used" in used.get_data(as_text=True)
    check_page_structure(used.get_data(as_text=True))


def test_the_page_shows_problems_by_their_fields(client, db, admin):
    token, _ = send(db, admin)
    response = client.post(
        f"/account/invitation/{token}",
        data={"display_name": "", "password": "short", "confirm": "other"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(id="error-summary-heading") is not None
    assert soup.find(id="display_name-error") is not None
    assert soup.find(id="password-error") is not None
    assert soup.find(id="confirm-error") is not None
    assert find_invitation(db, token)[0] is LinkState.OPEN


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_a_link_that_no_longer_works_gets_a_clear_page(client, db, admin, state):
    now = datetime.now(UTC) - timedelta(days=8) if state == "expired" else None
    token, invitation = send(db, admin, now=now)
    if state == "revoked":
        invitation.revoked_at = datetime.now(UTC)
        db.commit()
    if state == "unknown":
        token = token[::-1]
    for response in (
        client.get(f"/account/invitation/{token}"),
        client.post(
            f"/account/invitation/{token}",
            data={"display_name": "X", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        ),
    ):
        assert response.status_code == (404 if state == "unknown" else 410)
        html = response.get_data(as_text=True)
        check_page_structure(html)
        assert "This invitation link does not work" in html
    assert db.scalar(select(User).where(User.email == "new.staff@example.gov")) is None


def test_the_invitation_page_needs_a_csrf_token(app, client, db, admin):
    token, _ = send(db, admin)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        f"/account/invitation/{token}",
        data={"display_name": "Sam", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert db.scalar(select(User).where(User.email == "new.staff@example.gov")) is None


def test_the_cli_invites_and_prints_the_link(run):
    assert run("db", "upgrade").exit_code == 0
    result = run("users", "invite", "Staff@OPM.example.gov", "--role", "opm_staff")
    assert result.exit_code == 0, result.output
    assert "Invited staff@opm.example.gov (opm_staff)" in result.output
    assert "/account/invitation/" in result.output
    again = run("users", "invite", "x", "--role", "opm_staff")
    assert again.exit_code != 0 and "not a valid e-mail" in again.output


def test_the_cli_invites_a_poster_for_an_agency_the_samples_recorded(run):
    assert run("db", "upgrade").exit_code == 0
    poster = ("users", "invite", "poster@cisa.example.gov", "--role", "agency_poster")
    unknown = run(*poster, "--agency", "HSCS")
    assert unknown.exit_code != 0 and "No agency has the code HSCS" in unknown.output
    missing = run(*poster)
    assert missing.exit_code != 0 and "Choose the agency" in missing.output
    assert run("samples", "load").exit_code == 0  # records the sample jobs' agencies
    result = run(*poster, "--agency", "hscs")
    assert result.exit_code == 0, result.output
    assert "Invited poster@cisa.example.gov (agency_poster) for HSCS." in result.output
