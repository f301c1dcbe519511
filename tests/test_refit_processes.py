"""A catalog edit reaches every app process, and none keeps a job seeker waiting for the refit.

Two real servers (gunicorn, one worker each) on one database of the test's own (SQLite or
PostgreSQL, as the suite runs) and one model cache folder, as two instances on a host. Both
match a resume with the old catalog; then a skill alias is added through the ORM with its
"catalog.edit" audit entry, which changes the catalog version. The next match on the second
server is answered at once with the model it has (the alias is not recognised yet, so it did
not wait for a fit) and, within a bounded time, with the refitted one; so is the first
server's. No request is answered with a 5xx.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app import migrate
from app.catalog.loader import load_catalog_into
from app.db import make_engine, session_scope
from app.models import AuditEntry, MatchRequest, SkillAlias
from app.models.catalog import AliasKind
from app.services.seekers.matches import hash_token

from .app_servers import AppServer
from .conftest import DATA_DIR

ALIAS = "quillmarrow analytics"  # a made-up product, an alias of Splunk once staff add it
RESUME = (
    "Security operations analyst, five years on a federal SOC. I triage alerts and build "
    f"dashboards in {ALIAS.title()}, investigate intrusion detection events, analyse network "
    "traffic captures, write incident reports for leadership and tune detection rules with the "
    "engineering team. Bachelor of Science in Information Systems, 2019."
)
REFIT_DEADLINE = 60.0  # seconds for both servers to serve the new model


def found_splunk(factory: sessionmaker, token: str) -> bool:
    """Whether the stored match recognised the alias as Splunk."""
    with factory() as session:
        results = session.scalar(
            select(MatchRequest.results).where(MatchRequest.token_hash == hash_token(token))
        )
    return any(m["skill_id"] == "splunk" for m in results["mentions"])


@pytest.fixture
def servers(scratch_database_url: str, tmp_path: Path) -> Iterator[tuple[AppServer, ...]]:
    migrate.upgrade(scratch_database_url)
    engine = make_engine(scratch_database_url)
    with session_scope(sessionmaker(bind=engine)) as session:
        load_catalog_into(session, DATA_DIR)
    engine.dispose()
    models, logs = tmp_path / "models", tmp_path / "logs"
    logs.mkdir()
    pair = tuple(
        # One cache folder for both, as for the instances of one host.
        AppServer(name, scratch_database_url, logs, SECRET_KEY="refit-tests",
                  MODEL_CACHE_DIR=str(models))
        for name in ("a", "b")
    )  # fmt: skip
    try:
        for server in pair:
            server.wait_ready()
        yield pair
    finally:
        for server in pair:
            server.stop()
    for server in pair:
        assert "Traceback" not in server.log.read_text(), server.log.read_text()


def test_a_catalog_edit_reaches_every_process_without_a_wait(servers, scratch_database_url):
    a, b = servers
    clients = {server.name: requests.Session() for server in servers}
    engine = make_engine(scratch_database_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    try:
        # The first match fits the model, and shares its file.
        token, first_fit = a.match(clients["a"], RESUME)
        assert not found_splunk(factory, token)
        # b loads the model a shared: b has the old model in memory.
        token, _ = b.match(clients["b"], RESUME)
        assert not found_splunk(factory, token)

        with session_scope(factory) as session:  # staff add an alias
            session.add(SkillAlias(skill_id="splunk", alias=ALIAS, kind=AliasKind.ALIAS))
            session.add(
                AuditEntry(
                    actor="staff@example.gov",
                    action="catalog.edit",
                    entity_type="skill",
                    entity_id="splunk",
                    changes={"aliases": {"added": [ALIAS]}},
                )
            )
        changed = time.monotonic()

        token, stale = b.match(clients["b"], RESUME)
        assert not found_splunk(factory, token)  # served by the model in memory: no wait

        waits = {}
        for server in (b, a):
            while True:
                token, _ = server.match(clients[server.name], RESUME)
                if found_splunk(factory, token):
                    waits[server.name] = time.monotonic() - changed
                    break
                assert time.monotonic() - changed < REFIT_DEADLINE, f"{server.name} never refit"
                time.sleep(0.25)
        print(
            f"\nfirst fit (a request on a new process) {first_fit:.2f} s; "
            f"b's match right after the edit {stale:.2f} s; new model served by b after "
            f"{waits['b']:.2f} s, by a after {waits['a']:.2f} s"
        )
    finally:
        engine.dispose()
    assert a.errors() + b.errors() == []
    shared = list((a.log.parent.parent / "models").glob("role-matcher-*.pickle"))
    assert len(shared) == 2  # the old version and the new one, each written once
