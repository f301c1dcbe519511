"""Absolute links follow the address served unless PUBLIC_BASE_URL says otherwise."""

import os
import runpy
from pathlib import Path

import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import select

from app.links import bind_base_url, mail_base_url, served_base_url
from app.models import OutboxMessage
from app.services.accounts import create_user

from .conftest import login
from .funding_helpers import make_opportunity

REPOSITORY = Path(__file__).resolve().parent.parent
PUBLIC = "https://pathfinder.example.gov"


def event_url(body: bytes) -> str:
    [event] = Calendar.from_ical(body).walk("VEVENT")
    return str(event["URL"])


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 5101, "http://127.0.0.1:5101"),
        ("0.0.0.0", 8080, "http://127.0.0.1:8080"),  # every address: a link names this one
        ("::1", 5000, "http://[::1]:5000"),
        ("pathfinder.internal", 80, "http://pathfinder.internal:80"),
    ],
)
def test_the_served_address_as_a_base_url(host, port, expected):
    assert served_base_url(host, port) == expected


@pytest.mark.parametrize(
    ("bind", "expected"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000"),
        ("[::]:8000", "http://127.0.0.1:8000"),
        ("unix:/run/pathfinder.sock", None),
        ("localhost:http", None),
    ],
)
def test_gunicorns_bind_as_a_base_url(bind, expected):
    assert bind_base_url(bind) == expected


def _served_app(run, monkeypatch, *args: str) -> Flask:
    """The app `pathfinder serve ARGS` would serve (its server is not started)."""
    served: list[Flask] = []
    monkeypatch.setattr(Flask, "run", lambda self, **kwargs: served.append(self))
    result = run("serve", *args)
    assert result.exit_code == 0, result.output
    return served[0]


def test_serve_on_a_port_links_to_that_port(run, monkeypatch):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    app = _served_app(run, monkeypatch, "--port", "5101")
    assert mail_base_url(app.config) == "http://127.0.0.1:5101"


def test_an_explicit_public_base_url_wins_over_the_served_port(run, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://pathfinder.example.gov/")
    app = _served_app(run, monkeypatch, "--host", "0.0.0.0", "--port", "5101")
    assert mail_base_url(app.config) == "https://pathfinder.example.gov"


def test_gunicorn_conf_tells_the_workers_its_bind(monkeypatch):
    monkeypatch.setenv("SERVED_BASE_URL", "")
    monkeypatch.delenv("SERVED_BASE_URL")  # restored to unset afterwards
    monkeypatch.setenv("PATHFINDER_BIND", "0.0.0.0:8123")
    runpy.run_path(str(REPOSITORY / "gunicorn.conf.py"))
    assert os.environ["SERVED_BASE_URL"] == "http://127.0.0.1:8123"


def test_a_calendar_file_links_to_the_address_it_was_fetched_from(client, db):
    row = make_opportunity(db, days_left=21)
    db.commit()
    response = client.get(f"/funding/opportunities/{row.id}.ics", base_url="http://127.0.0.1:5101")
    assert event_url(response.data) == f"http://127.0.0.1:5101/funding/opportunities/{row.id}"
    api = client.get("/api/v1/deadlines.ics?kind=funding", base_url="http://127.0.0.1:5101")
    assert event_url(api.data).startswith("http://127.0.0.1:5101/funding/opportunities/")


def test_an_explicit_public_base_url_wins_in_a_request(app_with, db):
    client = app_with(PUBLIC_BASE_URL="https://pathfinder.example.gov").test_client()
    row = make_opportunity(db, days_left=21)
    db.commit()
    response = client.get(f"/funding/opportunities/{row.id}.ics", base_url="http://127.0.0.1:5101")
    assert (
        event_url(response.data) == f"https://pathfinder.example.gov/funding/opportunities/{row.id}"
    )


def test_a_mailed_link_never_follows_the_requests_host(app_with, db):
    # Anyone can send any Host: a reset link mailed to the owner must not point there.
    app = app_with(SERVED_BASE_URL="http://127.0.0.1:5101")
    create_user(db, "owner@example.gov", "Owner", "a long passphrase", ["program_office"])
    db.commit()
    response = app.test_client().post(
        "/account/reset", data={"email": "owner@example.gov"}, base_url="http://evil.example"
    )
    assert response.status_code == 200
    body = db.scalar(
        select(OutboxMessage.body).where(OutboxMessage.to_address == "owner@example.gov")
    )
    assert "http://127.0.0.1:5101/account/reset/" in body
    assert "evil.example" not in body


@pytest.mark.parametrize(
    ("settings", "expected"),
    [({}, "http://localhost/feeds/"), ({"PUBLIC_BASE_URL": PUBLIC}, f"{PUBLIC}/feeds/")],
)
def test_the_calendar_address_shown_follows_the_same_rule(app_with, db, settings, expected):
    client = app_with(**settings).test_client()
    login(client, db, "feed@example.gov", ("program_office",))
    assert client.post("/funding/feed").status_code == 302
    html = client.get("/funding/feed").get_data(as_text=True)  # the test client's host
    assert expected in html
