"""Sessions that really end: sign-out, a password change and disabling end every session."""

from sqlalchemy import select

from app import create_app
from app.extensions import get_database
from app.models import AuditEntry, User
from app.services.accounts import set_active

from .funding_helpers import PASSWORD, make_office

NEW_PASSWORD = "violet granite harbour"


def signed_in(app, db, email="office@example.gov"):
    client = app.test_client()
    response = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/funding/searches").status_code == 200
    return client


def replay(app, cookie: str):
    """A client that only has a session cookie saved earlier (a copied or stolen cookie)."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_saved_before_sign_out_opens_nothing_afterwards(app, db):
    make_office(db)
    db.commit()
    client = signed_in(app, db)
    saved = session_cookie(client)
    client.post("/account/logout")
    stale = replay(app, saved).get("/funding/searches")
    assert stale.status_code == 302 and "/account/login" in stale.headers["Location"]


def test_signing_out_on_one_device_signs_out_the_others(app, db):
    make_office(db)
    db.commit()
    laptop, phone = signed_in(app, db), signed_in(app, db)
    laptop.post("/account/logout")
    assert phone.get("/funding/searches").status_code == 302


def test_signing_out_ends_sessions_on_every_instance(app, db, database_url, model_cache_dir):
    """Two app instances share only the database and the secret: the version is enough."""
    other = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "MODEL_CACHE_DIR": str(model_cache_dir),
        }
    )
    get_database(other).session_factory = get_database(app).session_factory
    make_office(db)
    db.commit()
    client = signed_in(app, db)
    saved = session_cookie(client)
    assert replay(other, saved).get("/funding/searches").status_code == 200
    client.post("/account/logout")
    assert replay(other, saved).get("/funding/searches").status_code == 302


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, db):
    make_office(db)
    db.commit()
    client, elsewhere = signed_in(app, db), signed_in(app, db)
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/funding/searches").status_code == 200
    assert elsewhere.get("/funding/searches").status_code == 302
    audit = db.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "user")).all()
    assert "user.password_change" in audit


def test_disabling_an_account_ends_its_sessions_at_once(app, db):
    make_office(db)
    db.commit()
    client = signed_in(app, db)
    set_active(db, "office@example.gov", active=False, actor="admin@example.gov")
    db.commit()
    assert client.get("/funding/searches").status_code == 302
    # Enabling it again does not bring the old session back.
    set_active(db, "office@example.gov", active=True, actor="admin@example.gov")
    db.commit()
    assert client.get("/funding/searches").status_code == 302
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.action.in_(["user.disable", "user.enable"]))
    ).all()
    assert sorted(actions) == ["user.disable", "user.enable"]


def test_a_cookie_without_a_session_version_is_not_accepted(app, db):
    """Cookies issued before session versions (the bare id) are treated as signed out."""
    user = make_office(db)
    db.commit()
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = str(user.id)
        cookie["_fresh"] = True
    assert client.get("/funding/searches").status_code == 302
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{user.id}:{user.session_version}"
    assert client.get("/funding/searches").status_code == 200
    assert db.get(User, user.id).session_version == 1
