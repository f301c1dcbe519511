"""API keys: hashed at rest, shown once, revocable, and on the API a key's own rate limit, a
401 for a key that is not one (never a silent fallback), and the anonymous limit untouched."""

import hashlib
from datetime import timedelta

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select, text

from app.models import ApiKey, AuditEntry, User
from app.services import api_keys

from .test_api_errors import assert_json_error

ADDRESS = {"REMOTE_ADDR": "198.51.100.40"}


def bearer(plaintext: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plaintext}"}


def read(client, headers=None, path="/api/v1/pathways", ip=ADDRESS):
    return client.get(path, headers=headers or {}, environ_base=ip)


# -- the service ----------------------------------------------------------------------------


def test_only_the_hash_and_prefix_are_stored_never_the_key(db, issue_key):
    key, plaintext = issue_key()
    assert plaintext.startswith("pfk_") and len(plaintext) >= 4 + 43  # 32 random bytes
    assert key.key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert key.prefix == plaintext[:12] and key.prefix != plaintext
    row = db.execute(text("SELECT * FROM api_keys WHERE id = :id"), {"id": key.id}).one()
    assert all(plaintext not in str(value) for value in row)
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "api_key.issue"))
    assert audit.entity_id == str(key.id) and audit.actor == "cli"
    assert plaintext not in str(audit.changes) and audit.changes["prefix"] == key.prefix


def test_every_key_is_new(issue_key):
    first, second = issue_key()[1], issue_key()[1]
    assert first != second and first[:12] != second[:12]


def test_authenticate_finds_an_active_key_and_nothing_else(db, issue_key):
    key, plaintext = issue_key()
    assert api_keys.authenticate(db, plaintext) is key
    for wrong in ("", plaintext[:-1], plaintext + "x", plaintext.upper(), "pfk_" + "é" * 43,
                  plaintext * 10):  # fmt: skip
        assert api_keys.authenticate(db, wrong) is None, wrong
    api_keys.revoke(db, key.id)
    assert api_keys.authenticate(db, plaintext) is None


def test_a_revoke_is_audited_once_with_who_did_it(db, issue_key):
    key, _ = issue_key()
    staff = User(email="staff@opm.example.gov", password_hash="x", display_name="Staff")
    db.add(staff)
    db.flush()
    revoked, changed = api_keys.revoke(db, key.id, staff)
    assert changed and revoked.revoked_at is not None and revoked.revoked_by_id == staff.id
    assert api_keys.revoke(db, key.id, staff) == (key, False)
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "api_key.revoke")).all()
    assert [(e.actor, e.user_id, e.entity_id) for e in entries] == [
        ("staff@opm.example.gov", staff.id, str(key.id))
    ]
    with pytest.raises(api_keys.NotFound):
        api_keys.revoke(db, 2_000_000_000)


@pytest.mark.parametrize(
    "limit", ["600 per minute", "2/second", "10 per 2 hours", "600 per minute; 10000 per day"]
)
def test_rate_limits_in_flask_limiter_notation_are_accepted(limit):
    assert api_keys.check_limit(f"  {limit} ") == limit


@pytest.mark.parametrize(
    "limit", ["", "lots", "600", "0 per minute", "5 per fortnight", "600 per minute; junk",
              "1 per minute" + " " * 10 + "x" * 60]
)  # fmt: skip
def test_a_limit_that_is_not_one_is_refused_by_its_field(db, limit):
    with pytest.raises(api_keys.ApiKeyError) as refused:
        api_keys.issue(db, "Ohio", "data@ohio.example.gov", limit)
    assert refused.value.field == "rate_limit"
    assert db.scalar(select(ApiKey)) is None


@pytest.mark.parametrize(
    ("name", "contact", "field"),
    [("  ", "data@ohio.example.gov", "name"), ("x" * 201, "a@example.gov", "name"),
     ("Ohio", "not an address", "contact_email"), ("Ohio", "", "contact_email")],
)  # fmt: skip
def test_a_name_or_contact_that_is_not_valid_is_refused_by_its_field(db, name, contact, field):
    with pytest.raises(api_keys.ApiKeyError) as refused:
        api_keys.issue(db, name, contact)
    assert refused.value.field == field


def test_the_list_puts_keys_in_use_first(db, issue_key):
    issue_key(name="Old")
    revoked, _ = issue_key(name="Revoked")
    issue_key(name="New")
    api_keys.revoke(db, revoked.id)
    assert [k.name for k in api_keys.list_keys(db)][:3] == ["New", "Old", "Revoked"]


def test_last_use_moves_at_most_once_a_minute(db, issue_key):
    key, _ = issue_key()
    assert api_keys.needs_use_recorded(key)
    now = key.created_at + timedelta(hours=1)
    assert api_keys.record_use(db, key.id, now) is True
    assert api_keys.record_use(db, key.id, now + timedelta(seconds=59)) is False
    db.refresh(key)
    assert key.last_used_at == now
    assert not api_keys.needs_use_recorded(key, now + timedelta(seconds=59))
    assert api_keys.record_use(db, key.id, now + timedelta(seconds=60)) is True


# -- on the API -----------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["bearer", "header"])
def test_a_valid_key_reads_at_its_own_limit(client, catalog, issue_key, how):
    _, plaintext = issue_key("700 per minute")
    headers = bearer(plaintext) if how == "bearer" else {"X-API-Key": plaintext}
    response = read(client, headers)
    assert response.status_code == 200 and response.get_json()["total"] > 0
    assert response.headers["X-RateLimit-Limit"] == "700"
    assert read(client).headers["X-RateLimit-Limit"] == "120"  # no key: the address's


def test_a_key_past_its_limit_gets_429_while_others_keep_their_budget(
    app, client, catalog, issue_key
):
    _, plaintext = issue_key("2 per minute")
    _, other = issue_key("2 per minute", name="Another partner")
    statuses = [read(client, bearer(plaintext)).status_code for _ in range(2)]
    refused = read(client, bearer(plaintext), path="/api/v1/work-roles")  # every read counts
    assert statuses == [200, 200]
    body = assert_json_error(refused, 429)
    assert body["status"] == "Too Many Requests" and int(refused.headers["Retry-After"]) > 0
    assert read(client).status_code == 200  # the same address, without the key
    assert read(client, bearer(other)).status_code == 200  # another key
    elsewhere = read(client, bearer(plaintext), ip={"REMOTE_ADDR": "192.0.2.80"})
    assert elsewhere.status_code == 429  # counted per key, from wherever it is sent


def test_the_anonymous_limit_still_applies_and_a_key_is_not_held_to_it(
    app, client, catalog, issue_key
):
    app.config["API_READ_LIMIT"] = "3 per minute"
    _, plaintext = issue_key()
    assert [read(client).status_code for _ in range(3)] == [200, 200, 200]
    assert_json_error(read(client), 429)
    assert read(client, bearer(plaintext)).status_code == 200


def test_a_revoked_key_is_refused_with_401_not_served_as_anonymous(db, client, catalog, issue_key):
    key, plaintext = issue_key()
    assert read(client, bearer(plaintext)).status_code == 200
    api_keys.revoke(db, key.id)
    db.commit()
    for headers in (bearer(plaintext), {"X-API-Key": plaintext}):
        refused = read(client, headers)
        body = assert_json_error(refused, 401)
        assert body["status"] == "Unauthorized" and "revoked" in body["message"]
        assert refused.headers["WWW-Authenticate"] == (
            'Bearer realm="Pathfinder API", error="invalid_token"'
        )


@pytest.mark.parametrize(
    ("headers", "error"),
    [({"Authorization": "Bearer pfk_not-a-key"}, "invalid_token"),
     ({"X-API-Key": "pfk_not-a-key"}, "invalid_token"),
     ({"Authorization": "Bearer "}, "invalid_token"),
     ({"X-API-Key": ""}, "invalid_token"),
     ({"Authorization": "Basic dXNlcjpwYXNz"}, "invalid_request"),
     ({"X-API-Key": "x" * 5000}, "invalid_token")],
)  # fmt: skip
def test_anything_sent_as_a_key_that_is_not_one_is_a_json_401(client, catalog, headers, error):
    refused = read(client, headers, path="/api/v1/jobs?per_page=0")  # before any validation
    assert_json_error(refused, 401)
    assert refused.headers["WWW-Authenticate"].endswith(f'error="{error}"')


def test_two_different_keys_in_one_request_are_refused(client, catalog, issue_key):
    _, first = issue_key()
    _, second = issue_key()
    both = {**bearer(first), "X-API-Key": second}
    assert "two different" in assert_json_error(read(client, both), 401)["message"]
    assert read(client, {**bearer(first), "X-API-Key": first}).status_code == 200


def test_guesses_at_keys_count_against_the_address(app, client, catalog):
    app.config["API_READ_LIMIT"] = "2 per minute"
    for n in range(2):
        assert read(client, bearer(f"pfk_guess{n}")).status_code == 401
    assert_json_error(read(client, bearer("pfk_guess3")), 429)
    assert_json_error(read(client), 429)


def test_a_read_with_a_key_records_its_last_use(db, client, catalog, issue_key):
    key, plaintext = issue_key()
    assert key.last_used_at is None
    assert read(client, bearer(plaintext)).status_code == 200
    db.expire_all()
    first = db.get(ApiKey, key.id).last_used_at
    assert first is not None
    assert read(client, bearer(plaintext)).status_code == 200
    db.expire_all()
    assert db.get(ApiKey, key.id).last_used_at == first  # not written again within a minute


def test_the_documents_outside_the_api_need_no_key_and_refuse_none(client):
    headers = bearer("pfk_not-a-key")
    assert client.get("/api/v1/openapi.json", headers=headers).status_code == 200
    assert client.get("/api/v1/docs", headers=headers).status_code == 200


def test_openapi_documents_the_optional_keys_and_the_401(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerKey"] == {**schemes["bearerKey"], "type": "http", "scheme": "bearer"}
    assert schemes["headerKey"]["in"] == "header" and schemes["headerKey"]["name"] == "X-API-Key"
    unauthorized = document["components"]["responses"]["INVALID_API_KEY"]
    assert unauthorized["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "WWW-Authenticate" in unauthorized["headers"]
    for path, item in document["paths"].items():
        for operation in (item[m] for m in ("get", "post") if m in item):
            assert operation["security"] == [{}, {"bearerKey": []}, {"headerKey": []}], path
            assert operation["responses"]["401"] == {
                "$ref": "#/components/responses/INVALID_API_KEY"
            }, path


def test_the_docs_page_tells_partners_how_to_send_a_key(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "Authorization: Bearer &lt;key&gt;" in html and "X-API-Key" in html
    assert "401" in html
