"""Sign-in and registration limits (Flask-Limiter): what an attacker meets, what an owner keeps."""

import uuid

import pytest
import redis

from app import create_app
from app.extensions import get_database

from .conftest import check_page_structure
from .funding_helpers import PASSWORD, make_office

REGISTRATION = {
    "display_name": "Pat Office",
    "organization": "Springfield Water Department",
    "password": "correct horse battery",
    "confirm": "correct horse battery",
}


def sign_in(client, email, password, ip="203.0.113.5", **headers):
    return client.post(
        "/account/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
        headers=headers,
    )


def test_guessing_at_an_account_is_stopped_and_the_page_says_how_long(client, db):
    make_office(db, "target@example.gov")
    db.commit()
    for _ in range(5):
        assert sign_in(client, "target@example.gov", "wrong guess").status_code == 400
    locked = sign_in(client, "TARGET@example.gov", PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    html = locked.get_data(as_text=True)
    check_page_structure(html)
    assert "Too many failed sign-in attempts" in html and "minutes" in html
    assert 'role="alert"' in html and "Traceback" not in html
    assert 'value="TARGET@example.gov"' in html  # what was typed is kept


def test_a_correct_sign_in_to_ones_own_account_buys_no_more_guesses(client, db):
    """The probe's sidestep: four wrong guesses, one good sign-in of one's own, repeated."""
    make_office(db, "victim@example.gov")
    make_office(db, "attacker@example.gov")
    db.commit()
    statuses = []
    for _ in range(4):
        statuses += [sign_in(client, "victim@example.gov", "guess").status_code for _ in range(4)]
        assert sign_in(client, "attacker@example.gov", PASSWORD).status_code in {302, 429}
        client.post("/account/logout")
    assert 429 in statuses
    assert statuses.count(400) == 5  # the sixth guess at the victim was already refused


def test_the_owner_signs_in_from_elsewhere_while_an_attacker_is_locked_out(client, db):
    make_office(db, "owner@example.gov")
    db.commit()
    for _ in range(6):
        sign_in(client, "owner@example.gov", "guess", ip="198.51.100.66")
    assert sign_in(client, "owner@example.gov", PASSWORD, ip="198.51.100.66").status_code == 429
    assert sign_in(client, "owner@example.gov", PASSWORD, ip="192.0.2.10").status_code == 302


def test_one_address_cannot_work_through_many_accounts(app, client, db):
    make_office(db, "someone@example.gov")
    db.commit()
    for n in range(20):  # under the per-account limit for each, over the per-address one
        assert sign_in(client, f"guess{n % 5}-{n}@example.gov", "x", ip="192.0.2.7").status_code
    assert sign_in(client, "someone@example.gov", PASSWORD, ip="192.0.2.7").status_code == 429
    assert sign_in(client, "someone@example.gov", PASSWORD, ip="192.0.2.8").status_code == 302


def test_forwarded_for_is_ignored_unless_a_proxy_is_configured(client, db):
    make_office(db, "xff@example.gov")
    db.commit()
    for n in range(5):
        sign_in(client, "xff@example.gov", "guess", **{"X-Forwarded-For": f"10.0.0.{n}"})
    blocked = sign_in(client, "xff@example.gov", "guess", **{"X-Forwarded-For": "10.0.0.99"})
    assert blocked.status_code == 429


def test_behind_a_configured_proxy_the_forwarded_client_address_counts(
    database_url, engine, session_factory, db, model_cache_dir
):
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "MODEL_CACHE_DIR": str(model_cache_dir),
            "TRUSTED_PROXY_HOPS": 1,
        }
    )
    get_database(app).session_factory = session_factory
    client = app.test_client()
    make_office(db, "proxied@example.gov")
    db.commit()
    for _ in range(5):
        sign_in(client, "proxied@example.gov", "guess", **{"X-Forwarded-For": "198.51.100.1"})
    # The proxy names two clients: only the first is locked out.
    first = sign_in(client, "proxied@example.gov", PASSWORD, **{"X-Forwarded-For": "198.51.100.1"})
    other = sign_in(client, "proxied@example.gov", PASSWORD, **{"X-Forwarded-For": "198.51.100.2"})
    assert (first.status_code, other.status_code) == (429, 302)


def test_registrations_are_limited_per_client_address(app, client, db):
    app.config["REGISTER_LIMIT"] = "2 per hour"
    for n in range(2):
        probe = {**REGISTRATION, "email": f"probe{n}@example.gov"}
        make_office(db, probe["email"])
        db.commit()
        response = client.post(
            "/account/register", data=probe, environ_base={"REMOTE_ADDR": "198.51.100.7"}
        )
        assert "already exists" in response.get_data(as_text=True)
    blocked = client.post(
        "/account/register",
        data={**REGISTRATION, "email": "new@example.gov"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Too many registration attempts" in html
    assert 'value="new@example.gov"' in html
    other = client.post(
        "/account/register",
        data={**REGISTRATION, "email": "new@example.gov"},
        environ_base={"REMOTE_ADDR": "198.51.100.8"},
    )
    assert other.status_code == 302  # another network is not affected


@pytest.fixture
def redis_url():
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail("Redis at 127.0.0.1:6379 is needed for the shared rate-limit test")
    return url


def test_with_redis_the_counts_live_in_redis_for_every_instance(
    database_url, engine, session_factory, db, model_cache_dir, redis_url
):
    email = f"shared-{uuid.uuid4().hex[:8]}@example.gov"
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "MODEL_CACHE_DIR": str(model_cache_dir),
            "REDIS_URL": redis_url,
        }
    )
    get_database(app).session_factory = session_factory
    make_office(db, email)
    db.commit()
    ip = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    sign_in(app.test_client(), email, "guess", ip=ip)
    store = redis.Redis.from_url(redis_url)
    keys = [k.decode() for k in store.scan_iter(f"*{ip}*")]
    try:
        assert any("sign-in-account" in k for k in keys), keys
    finally:
        if keys:
            store.delete(*keys)
