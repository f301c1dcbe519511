"""Program office registration: the form, its checks, and the account it makes."""

from bs4 import BeautifulSoup
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from app.models import Role, User

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


def test_registration_needs_a_csrf_token_when_protection_is_on(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/account/register", data=FORM).status_code == 400


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
