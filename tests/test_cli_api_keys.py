"""`pathfinder api-keys`: operators issue, list and revoke keys; audited as "cli"."""

import json

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app.db import make_engine
from app.models import AuditEntry
from app.services import api_keys


def in_database(url: str, check):
    engine = make_engine(url)
    try:
        with sessionmaker(bind=engine)() as session:
            return check(session)
    finally:
        engine.dispose()


def issue(run, *extra: str):
    return run(
        "api-keys", "issue", "State of Ohio workforce board", "--contact", "data@ohio.example.gov",
        *extra,
    )  # fmt: skip


def test_issue_prints_the_key_once_and_stores_its_hash(loaded, scratch_database_url):
    result = issue(loaded, "--limit", "1000 per hour")
    assert result.exit_code == 0, result.output
    plaintext = result.stdout.strip().splitlines()[-1]
    assert plaintext.startswith("pfk_")
    assert "Issued key 1 for State of Ohio workforce board" in result.stdout
    assert "1000 per hour" in result.stdout and "cannot be shown again" in result.stderr

    def check(session):
        key = api_keys.authenticate(session, plaintext)
        assert key is not None and key.rate_limit == "1000 per hour"
        assert key.key_hash != plaintext and key.created_by_id is None
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "api_key.issue"))
        assert entry.actor == "cli" and plaintext not in json.dumps(entry.changes)

    in_database(scratch_database_url, check)
    listing = loaded("api-keys", "list")
    assert listing.exit_code == 0 and plaintext not in listing.output
    assert plaintext[:12] in listing.output and "active" in listing.output


def test_the_default_limit_is_the_services(loaded):
    result = issue(loaded)
    assert result.exit_code == 0, result.output
    assert api_keys.DEFAULT_LIMIT in result.stdout


def test_a_bad_limit_or_contact_is_refused_with_its_reason(loaded):
    bad_limit = issue(loaded, "--limit", "lots")
    assert bad_limit.exit_code != 0 and "'lots' is not a rate limit" in bad_limit.output
    bad_contact = loaded("api-keys", "issue", "Ohio", "--contact", "nobody")
    assert bad_contact.exit_code != 0 and "contact_email" in bad_contact.output
    assert "No keys have been issued." in loaded("api-keys", "list").output


def test_revoke_stops_the_key_and_is_audited(loaded, scratch_database_url):
    plaintext = issue(loaded).stdout.strip().splitlines()[-1]
    result = loaded("api-keys", "revoke", "1")
    assert result.exit_code == 0 and "Revoked key 1 for State of Ohio" in result.output
    assert "already revoked" in loaded("api-keys", "revoke", "1").output

    def check(session):
        assert api_keys.authenticate(session, plaintext) is None
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "api_key.revoke"))
        assert [e.actor for e in entries] == ["cli"]

    in_database(scratch_database_url, check)
    rows = [json.loads(line) for line in loaded("api-keys", "list", "--json").output.splitlines()]
    assert [(r["id"], r["status"]) for r in rows] == [(1, "revoked")]
    assert rows[0]["revoked_at"] and "key_hash" not in rows[0]


def test_revoking_an_unknown_key_says_so(loaded):
    result = loaded("api-keys", "revoke", "42")
    assert result.exit_code != 0 and "There is no key 42" in result.output
