"""Program office registration, and the sign-in rate limit per e-mail and per client address."""

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from app.models import LoginAttempt, Role, User

from .conftest import check_page_structure
from .funding_helpers import PASSWORD, make_office

FORM = {
    "display_name": "Pat Office",
    "email": "Pat@Springfield.example.gov",
    "organization": "Springfield Water Department",
    "password": "correct horse battery",
    "confirm": "correct horse battery",
}


def test_register_page_is_labelled(client):
    response = client.get("/account/register")
    assert response.status_code == 200
    check_page_structure(response.get_data(as_text=True))


def test_registering_creates_a_signed_in_program_office_account(client, db):
    response = client.post("/account/register", data=FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/funding/profile"
    user = db.scalar(select(User).where(User.email == "pat@springfield.example.gov"))
    assert user is not None and user.has_role(Role.PROGRAM_OFFICE)
    assert not user.has_role(Role.OPM_STAFF)
    assert user.organization == "Springfield Water Department"
    assert user.password_hash != FORM["password"]
    assert check_password_hash(user.password_hash, FORM["password"])
    assert client.get("/funding/profile").status_code == 200  # signed in


def test_problems_are_summarised_and_explained_next_to_each_field(client, db):
    data = {**FORM, "email": "not-an-address", "password": "short", "confirm": "other"}
    response = client.post("/account/register", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    summary = soup.find(attrs={"role": "alert"})
    assert summary is not None
    assert {a["href"] for a in summary.find_all("a")} >= {"#email", "#password", "#confirm"}
    for name in ("email", "password", "confirm"):
        field = soup.find(id=name)
        assert f"{name}-error" in field["aria-describedby"].split()
        assert soup.find(id=f"{name}-error").get_text(strip=True)
    assert "not the same" in html
    assert not soup.find(id="password").get("value")  # a password is never sent back
    assert 'value="Pat Office"' in html  # what was typed is kept
    assert (
        db.scalar(select(func.count()).select_from(User).where(User.email == "not-an-address")) == 0
    )


def test_an_existing_address_cannot_register_again(client, db):
    make_office(db, "pat@springfield.example.gov")
    db.commit()
    response = client.post("/account/register", data=FORM)
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_registration_attempts_are_limited_per_client_address(app, client, db):
    """Probing many addresses for existing accounts from one network is cut short."""
    app.config["LOGIN_MAX_FAILURES"] = 2
    for n in range(2):
        probe = {**FORM, "email": f"probe{n}@example.gov"}
        make_office(db, probe["email"])
        db.commit()
        assert "already exists" in client.post(
            "/account/register", data=probe, environ_base={"REMOTE_ADDR": "198.51.100.7"}
        ).get_data(as_text=True)
    blocked = client.post(
        "/account/register",
        data={**FORM, "email": "new@example.gov"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert blocked.status_code == 429
    assert "Too many registration attempts" in blocked.get_data(as_text=True)
    other = client.post(
        "/account/register",
        data={**FORM, "email": "new@example.gov"},
        environ_base={"REMOTE_ADDR": "198.51.100.8"},
    )
    assert other.status_code == 302  # another network is not affected


def test_registration_needs_a_csrf_token_when_protection_is_on(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/account/register", data=FORM).status_code == 400


def _login(client, email, password, ip="203.0.113.5"):
    return client.post(
        "/account/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_failed_sign_ins_are_limited_per_email_address(app, client, db):
    make_office(db, "target@example.gov")
    db.commit()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for attempt in range(limit):
        ip = f"198.51.100.{attempt}"  # different clients: only the e-mail limit applies
        assert _login(client, "target@example.gov", "wrong guess", ip).status_code == 400
    locked = _login(client, "TARGET@example.gov", PASSWORD, "198.51.100.99")
    assert locked.status_code == 429
    html = locked.get_data(as_text=True)
    check_page_structure(html)
    assert "Too many failed sign-in attempts" in html and "Traceback" not in html
    assert 'role="alert"' in html

    # Once the failures leave the window, the right password works and clears the count.
    for attempt in db.scalars(select(LoginAttempt)):
        attempt.at = attempt.at - timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 1)
    db.commit()
    assert _login(client, "target@example.gov", PASSWORD).status_code == 302
    keys = set(db.scalars(select(LoginAttempt.key)))
    assert "email:target@example.gov" not in keys


def test_failed_sign_ins_are_limited_per_client_address(app, client, db):
    make_office(db, "victim@example.gov")
    db.commit()
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(client, f"guess{n}@example.gov", "wrong", ip="192.0.2.7")
    assert _login(client, "victim@example.gov", PASSWORD, ip="192.0.2.7").status_code == 429
    assert _login(client, "victim@example.gov", PASSWORD, ip="192.0.2.8").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(app, client, db):
    make_office(db, "forgetful@example.gov")
    db.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _login(client, "forgetful@example.gov", "wrong")
    assert _login(client, "forgetful@example.gov", PASSWORD).status_code == 302
    client.post("/account/logout")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _login(client, "forgetful@example.gov", "wrong")
    assert _login(client, "forgetful@example.gov", PASSWORD).status_code == 302


def test_production_session_cookies_are_secure_httponly_and_samesite(
    database_url, engine, session_factory, db
):
    from app import create_app
    from app.extensions import get_database

    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "s",
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
        }
    )
    get_database(app).session_factory = session_factory
    make_office(db, "cookie@example.gov")
    db.commit()
    response = app.test_client().post(
        "/account/login",
        data={"email": "cookie@example.gov", "password": PASSWORD},
        base_url="https://pathfinder.example.gov",
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
