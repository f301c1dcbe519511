from sqlalchemy import select

from app.extensions import db_session
from app.models import User

from .conftest import check_page_structure, login


def test_home_routes_each_user_group_to_its_work(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    for href in ("/match", "/pathways/", "/staff/", "/agency/", "/funding/"):
        assert f'href="{href}"' in html


def test_health_check_reaches_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert "We could not find that page." in html


def test_an_unexpected_error_is_a_500_page_without_a_stack_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internals" not in html and "Traceback" not in html
    check_page_structure(html)


def test_a_write_that_lost_a_race_is_a_409_page_and_is_undone(app, client, db):
    # A unique row written at the same moment by another request: the database refuses the
    # second, which is told to try again instead of seeing a server error.
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/race")
    def race():
        session = db_session()
        session.scalar(select(User)).display_name = "Changed"
        session.add(User(email="staff@example.gov", display_name="Twin", password_hash="x"))
        session.commit()

    login(client, db, "staff@example.gov")
    response = client.post("/race")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "changed by another request at the same moment" in html
    check_page_structure(html)  # drawn for the signed-in user from a usable session
    db.expire_all()
    assert [u.display_name for u in db.scalars(select(User))] == ["Test User"]


def test_a_database_still_locked_after_the_wait_is_a_503_page(app, client):
    """SQLite's writer waits its turn; if the turn never comes, the page says so, not a 500."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/busy")
    def busy():
        raise OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))

    response = client.post("/busy")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert "busy right now" in html and "Traceback" not in html
    check_page_structure(html)
