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

import os
import re
import socket
import subprocess
import sys
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

from .conftest import DATA_DIR, REPO_ROOT

ALIAS = "quillmarrow analytics"  # a made-up product, an alias of Splunk once staff add it
RESUME = (
    "Security operations analyst, five years on a federal SOC. I triage alerts and build "
    f"dashboards in {ALIAS.title()}, investigate intrusion detection events, analyse network "
    "traffic captures, write incident reports for leadership and tune detection rules with the "
    "engineering team. Bachelor of Science in Information Systems, 2019."
)
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
REFIT_DEADLINE = 60.0  # seconds for both servers to serve the new model


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name: str, url: str, models: Path, logs: Path) -> None:
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = logs / f"{name}.log"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"REDIS_URL", "RATELIMIT_STORAGE_URI", "MODEL_REFIT"}
        }
        env.update(
            DATABASE_URL=url,
            SECRET_KEY="refit-tests",
            PATHFINDER_ENV="development",
            MODEL_CACHE_DIR=str(models),  # shared by both, as by the instances of one host
        )
        command = [
            sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
            "--workers", "1", "--threads", "2", "--bind", f"127.0.0.1:{self.port}",
            "--timeout", "120", "--error-logfile", str(self.log), "--access-logfile", "/dev/null",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, env=env, cwd=REPO_ROOT)
        self.client = requests.Session()
        self.statuses: list[int] = []

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.client.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        pytest.fail(f"{self.name} did not start: {self.log.read_text()}")

    def match(self) -> tuple[str, float]:
        """Post the resume; (its link token, seconds the match took)."""
        page = self.client.get(f"{self.base}/match", timeout=60)
        self.statuses.append(page.status_code)
        token = TOKEN.search(page.text)
        assert token, page.text[:300]
        started = time.perf_counter()
        posted = self.client.post(
            f"{self.base}/match",
            data={"csrf_token": token.group(1), "resume_text": RESUME, "us_citizen": "yes"},
            allow_redirects=False,
            timeout=120,
        )
        elapsed = time.perf_counter() - started
        self.statuses.append(posted.status_code)
        assert posted.status_code == 303, (self.name, posted.status_code, posted.text[:300])
        return posted.headers["Location"].rsplit("/", 1)[1], elapsed

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def found_splunk(factory: sessionmaker, token: str) -> bool:
    """Whether the stored match recognised the alias as Splunk."""
    with factory() as session:
        results = session.scalar(
            select(MatchRequest.results).where(MatchRequest.token_hash == hash_token(token))
        )
    return any(m["skill_id"] == "splunk" for m in results["mentions"])


@pytest.fixture
def servers(scratch_database_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    migrate.upgrade(scratch_database_url)
    engine = make_engine(scratch_database_url)
    with session_scope(sessionmaker(bind=engine)) as session:
        load_catalog_into(session, DATA_DIR)
    engine.dispose()
    models, logs = tmp_path / "models", tmp_path / "logs"
    logs.mkdir()
    pair = (
        Server("a", scratch_database_url, models, logs),
        Server("b", scratch_database_url, models, logs),
    )
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
    engine = make_engine(scratch_database_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    try:
        token, first_fit = a.match()  # the first match fits the model, and shares its file
        assert not found_splunk(factory, token)
        token, _ = b.match()  # loads the model a shared: b has the old model in memory
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

        token, stale = b.match()
        assert not found_splunk(factory, token)  # served by the model in memory: no wait

        waits = {}
        for server in (b, a):
            while True:
                token, _ = server.match()
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
    assert [s for s in a.statuses + b.statuses if s >= 500] == []
    shared = list((a.log.parent.parent / "models").glob("role-matcher-*.pickle"))
    assert len(shared) == 2  # the old version and the new one, each written once
