"""Password reset and e-mail verification links, workspace landing, the header link."""

from datetime import timedelta

from sqlalchemy import select, update

from app.models import AccountToken, OutboxMessage, User, utcnow
from app.services.accounts import create_user

from .conftest import login

PW = "a long passphrase"
NEW = "violet granite harbour lantern"


def _user(db, email="reset@example.gov", roles=("opm_staff",)):
    user = create_user(db, email, "Reset User", PW, list(roles))
    db.commit()
    return user


def _token_from_outbox(db, email, purpose="reset"):
    body = db.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    marker = f"/account/{purpose}/"
    return body.split(marker, 1)[1].split()[0]


def test_same_answer_for_known_and_unknown_addresses(client, db):
    _user(db)
    known = client.post("/account/reset", data={"email": "reset@example.gov"})
    unknown = client.post("/account/reset", data={"email": "nobody@example.gov"})
    assert known.status_code == unknown.status_code == 200
    norm = lambda r, e: r.get_data(as_text=True).replace(e, "EMAIL")  # noqa: E731
    assert norm(known, "reset@example.gov") == norm(unknown, "nobody@example.gov")
    assert (
        db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "nobody@example.gov"))
        is None
    )
    assert _token_from_outbox(db, "reset@example.gov")
    row = db.scalar(select(AccountToken))
    token = _token_from_outbox(db, "reset@example.gov")
    assert row.token_hash != token and len(row.token_hash) == 64  # only a hash is stored


def test_login_page_links_to_reset(client):
    assert "/account/reset" in client.get("/account/login").get_data(as_text=True)


def test_reset_link_works_once_and_ends_sessions(client, db, app):
    user = _user(db)
    other = app.test_client()
    assert (
        other.post("/account/login", data={"email": user.email, "password": PW}).status_code == 302
    )
    client.post("/account/reset", data={"email": user.email})
    token = _token_from_outbox(db, user.email)
    assert client.get(f"/account/reset/{token}").status_code == 200
    done = client.post(f"/account/reset/{token}", data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and "/account/login" in done.headers["Location"]
    again = client.post(f"/account/reset/{token}", data={"password": NEW, "confirm": NEW})
    assert again.status_code == 410
    assert (
        client.post("/account/login", data={"email": user.email, "password": NEW}).status_code
        == 302
    )
    # The other browser's session ended with the reset.
    assert other.get("/account/password").status_code == 302


def test_reset_applies_the_registration_password_rules(client, db):
    user = _user(db)
    client.post("/account/reset", data={"email": user.email})
    token = _token_from_outbox(db, user.email)
    weak = client.post(
        f"/account/reset/{token}", data={"password": "Password1234", "confirm": "Password1234"}
    )
    assert weak.status_code == 400 and "too easy to guess" in weak.get_data(as_text=True)
    assert db.scalar(select(AccountToken.used_at)) is None


def test_expired_reset_link_does_not_work(client, db):
    user = _user(db)
    client.post("/account/reset", data={"email": user.email})
    token = _token_from_outbox(db, user.email)
    db.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    assert client.get(f"/account/reset/{token}").status_code == 410
    assert "expired" in client.get(f"/account/reset/{token}").get_data(as_text=True)


def test_reset_link_stops_working_after_a_password_change(client, db):
    user = _user(db)
    client.post("/account/reset", data={"email": user.email})
    token = _token_from_outbox(db, user.email)
    client.post("/account/login", data={"email": user.email, "password": PW})
    changed = client.post(
        "/account/password", data={"current": PW, "password": NEW, "confirm": NEW}
    )
    assert changed.status_code == 302
    assert client.get(f"/account/reset/{token}").status_code == 410
    assert client.get("/account/reset/" + "x" * 43).status_code == 404


def test_reset_requests_are_rate_limited(app, client, db):
    app.config["RESET_REQUEST_LIMIT"] = "2 per hour"
    for _ in range(2):
        assert client.post("/account/reset", data={"email": "a@example.gov"}).status_code == 200
    assert client.post("/account/reset", data={"email": "a@example.gov"}).status_code == 429


def test_new_forms_need_csrf_when_protection_is_on(app, client, db):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/account/reset", data={"email": "a@example.gov"}).status_code == 400
    user = _user(db)
    from app.services.account_tokens import request_reset

    token = request_reset(db, user.email, base_url="http://x", hours=1)
    db.commit()
    response = client.post(f"/account/reset/{token}", data={"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert db.scalar(select(AccountToken.used_at)) is None


REGISTRATION = {
    "display_name": "Pat Office",
    "email": "pat@office.example.gov",
    "organization": "",
    "password": "correct horse battery",
    "confirm": "correct horse battery",
}


def test_registration_sends_a_verification_link_and_shows_the_notice(client, db):
    assert client.post("/account/register", data=REGISTRATION).status_code == 302
    user = db.scalar(select(User).where(User.email == REGISTRATION["email"]))
    assert user.email_verified_at is None
    assert "Resend the link" in client.get("/").get_data(as_text=True)
    token = _token_from_outbox(db, user.email, "verify")
    assert client.get(f"/account/verify/{token}").status_code == 200
    assert client.post(f"/account/verify/{token}").status_code == 302
    db.refresh(user)
    assert user.email_verified_at is not None
    assert "Resend the link" not in client.get("/").get_data(as_text=True)
    assert client.post(f"/account/verify/{token}").status_code == 410


def test_resend_replaces_the_earlier_verification_link(client, db):
    client.post("/account/register", data=REGISTRATION)
    first = _token_from_outbox(db, REGISTRATION["email"], "verify")
    assert client.post("/account/verify/resend").status_code == 302
    second = _token_from_outbox(db, REGISTRATION["email"], "verify")
    assert first != second
    assert client.get(f"/account/verify/{first}").status_code == 410
    assert client.get(f"/account/verify/{second}").status_code == 200


def test_invited_and_operator_made_accounts_count_as_verified(db):
    assert _user(db).email_verified_at is not None


def test_unverified_offices_get_no_alert_emails(db):
    from app.models import SavedSearch
    from app.services.funding.alerts import _accounts_with_alerts

    from .funding_helpers import make_office

    office = make_office(db)
    db.add(SavedSearch(user_id=office.id, name="s", query={}, alerts_enabled=True))
    db.flush()
    assert office in _accounts_with_alerts(db)
    office.email_verified_at = None
    db.flush()
    assert office not in _accounts_with_alerts(db)


def test_each_role_lands_on_its_workspace(client, db):
    for email, roles, where in (
        ("s@example.gov", ("opm_staff",), "/staff/"),
        ("a@example.gov", ("admin",), "/admin/"),
        ("o@example.gov", ("program_office",), "/"),
    ):
        response = login(client, db, email, roles)
        assert response.headers["Location"].startswith(where), (roles, response.headers["Location"])
        if where == "/":
            assert response.headers["Location"] == "/"
        client.post("/account/logout")
    create_user(db, "n@example.gov", "N", PW, ["opm_staff"])
    db.commit()
    data = {"email": "n@example.gov", "password": PW}
    assert client.post("/account/login?next=/jobs/", data=data).headers["Location"] == "/jobs/"


def test_an_agency_poster_lands_on_the_agency_workspace(client, db):
    from app.models import Agency

    agency = Agency(code="TR93", name="Bureau of the Fiscal Service")
    db.add(agency)
    db.flush()
    poster = create_user(db, "poster@fiscal.example.gov", "Pat Poster", PW, ["agency_poster"])
    poster.agency_id = agency.id
    db.commit()
    data = {"email": poster.email, "password": PW}
    response = client.post("/account/login", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/agency/"
    page = client.get("/agency/")
    assert page.status_code == 200
    assert "Bureau of the Fiscal Service" in page.get_data(as_text=True)
    client.post("/account/logout")
    # A same-site `next` still wins over the workspace.
    assert client.post("/account/login?next=/jobs/", data=data).headers["Location"] == "/jobs/"


def test_confirming_and_resending_a_verification_link_need_csrf(app, client, db):
    client.post("/account/register", data=REGISTRATION)  # signed in, not verified
    user = db.scalar(select(User).where(User.email == REGISTRATION["email"]))
    token = _token_from_outbox(db, user.email, "verify")
    app.config["WTF_CSRF_ENABLED"] = True
    for data in ({}, {"csrf_token": "not-the-token-we-signed"}):
        assert client.post(f"/account/verify/{token}", data=data).status_code == 400
        assert client.post("/account/verify/resend", data=data).status_code == 400
    db.refresh(user)
    assert user.email_verified_at is None  # not confirmed
    assert _token_from_outbox(db, user.email, "verify") == token  # no new link sent
    assert client.get(f"/account/verify/{token}").status_code == 200  # the link still works


def test_header_links_to_the_workspace_for_staff_only(client, db):
    login(client, db, "s@example.gov", ("opm_staff",))
    assert "Your workspace" in client.get("/").get_data(as_text=True)
    client.post("/account/logout")
    login(client, db, "o@example.gov", ("program_office",))
    assert "Your workspace" not in client.get("/").get_data(as_text=True)


def test_the_new_pages_are_labelled(client, db):
    from .conftest import check_page_structure

    check_page_structure(client.get("/account/reset").get_data(as_text=True))
    check_page_structure(client.post("/account/reset", data={"email": "x"}).get_data(as_text=True))
    user = _user(db)
    client.post("/account/reset", data={"email": user.email})
    token = _token_from_outbox(db, user.email)
    check_page_structure(client.get(f"/account/reset/{token}").get_data(as_text=True))
    check_page_structure(client.get("/account/verify/" + "y" * 43).get_data(as_text=True))
