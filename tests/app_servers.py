"""Real app servers for the multi-process tests: gunicorn with the repository's configuration.

`AppServer` starts one instance (one worker, a port of its own) on a database, waits until it
answers, times its answers and keeps every status code, so a test can say no request was
answered with a 5xx; `stop` ends it. The client helpers sign in and fetch a form with its
CSRF token, as a browser would. The concurrency, instance and refit tests share them.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .conftest import REPO_ROOT

# Settings a server of these tests never inherits from the environment the suite runs in.
NOT_INHERITED = {"REDIS_URL", "RATELIMIT_STORAGE_URI", "MODEL_REFIT"}
PASSWORD = "violet granite harbour"  # of every account the tests sign in with
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def csrf_token(client: requests.Session, url: str) -> str:
    """The CSRF token of the form on the page at `url` (fetched with `client`'s cookies)."""
    page = client.get(url, timeout=60)
    assert page.status_code == 200, (url, page.status_code)
    found = TOKEN.search(page.text)
    assert found, f"{url} has no form to post (an earlier step failed?)"
    return found.group(1)


def signed_in(base: str, email: str) -> requests.Session:
    """A client signed in as the user (whose password is PASSWORD)."""
    client = requests.Session()
    token = csrf_token(client, f"{base}/account/login")
    response = client.post(
        f"{base}/account/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.status_code
    return client


def edit_form(client: requests.Session, url: str, field: str = "reason") -> dict[str, object]:
    """An edit page's form (the one with `field`) as a browser would post it back, with its
    CSRF token."""
    from .conftest import form_values

    page = client.get(url, timeout=60)
    assert page.status_code == 200, (url, page.status_code)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return {**form_values(page.text, field), "csrf_token": token}


class AppServer:
    """One app instance on `database_url`, with `settings` on top of the suite's environment."""

    def __init__(
        self, name: str, database_url: str, logs: Path, threads: int = 2, **settings: str
    ) -> None:
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = logs / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env.update(DATABASE_URL=database_url, PATHFINDER_ENV="development", **settings)
        command = [
            sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
            "--workers", "1", "--threads", str(threads), "--bind", f"127.0.0.1:{self.port}",
            "--timeout", "120", "--error-logfile", str(self.log), "--access-logfile", "/dev/null",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, env=env, cwd=REPO_ROOT)
        self.statuses: list[int] = []

    def wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        pytest.fail(f"server {self.name} did not start: {self.log.read_text()}")

    def get(self, client: requests.Session, path: str, **kwargs) -> tuple[requests.Response, float]:
        """GET `path`; the response and the seconds it took."""
        started = time.perf_counter()
        response = client.get(f"{self.base}{path}", timeout=120, **kwargs)
        self.statuses.append(response.status_code)
        return response, time.perf_counter() - started

    def match(self, client: requests.Session, resume: str) -> tuple[str, float]:
        """Post a resume through the upload form; (its result link's token, seconds it took)."""
        token = csrf_token(client, f"{self.base}/match")
        started = time.perf_counter()
        posted = client.post(
            f"{self.base}/match",
            data={"csrf_token": token, "resume_text": resume, "us_citizen": "yes"},
            allow_redirects=False,
            timeout=120,
        )
        elapsed = time.perf_counter() - started
        self.statuses.append(posted.status_code)
        assert posted.status_code == 303, (self.name, posted.status_code, posted.text[:300])
        return posted.headers["Location"].rsplit("/", 1)[1], elapsed

    def errors(self) -> list[int]:
        """The 5xx answers this server gave the test."""
        return [status for status in self.statuses if status >= 500]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
