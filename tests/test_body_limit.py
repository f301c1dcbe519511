"""A refused oversized upload still gets its 413 page, not a broken pipe (app.body_limit)."""

from __future__ import annotations

import http.client
import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder

from app import migrate
from app.body_limit import answer_too_large_cleanly

from .conftest import REPO_ROOT

LIMIT = 1000
GUNICORN = Path(sys.executable).with_name("gunicorn")
LISTENING = re.compile(r"Listening at: http://[\d.]+:(\d+)")


def call(middleware, body: bytes, content_length: int | None = None):
    """Run one POST through the middleware; returns (status, response body, input stream)."""
    environ = EnvironBuilder(method="POST", input_stream=io.BytesIO(body)).get_environ()
    environ["CONTENT_LENGTH"] = str(len(body) if content_length is None else content_length)
    stream = environ["wsgi.input"]
    started = []
    response = middleware(environ, lambda status, headers: started.append(status))
    return started[0], b"".join(response), stream


def refuse_unread(environ, start_response):
    start_response("413 Request Entity Too Large", [("Content-Type", "text/plain")])
    return [b"too large"]


def test_a_body_refused_unread_is_read_to_its_end_before_the_answer():
    status, body, stream = call(answer_too_large_cleanly(refuse_unread, lambda: LIMIT), b"x" * 5000)
    assert (status, body) == ("413 Request Entity Too Large", b"too large")
    assert stream.tell() == 5000


def test_only_what_the_application_left_is_drained_and_it_sees_the_whole_body():
    seen = []

    def reads_some(environ, start_response):
        seen.append(environ["wsgi.input"].read(1500))
        seen.append(environ["wsgi.input"].readline())
        start_response("400 Bad Request", [])
        return [b""]

    body = b"a" * 1500 + b"line\n" + b"b" * 3000
    _, _, stream = call(answer_too_large_cleanly(reads_some, lambda: LIMIT), body)
    assert seen == [b"a" * 1500, b"line\n"]
    assert stream.tell() == len(body)


def test_nothing_past_the_declared_length_is_read():
    # The next request on a keep-alive connection follows the body: it is not ours to read.
    body = b"x" * 5000 + b"GET / HTTP/1.1\r\n\r\n"
    _, _, stream = call(answer_too_large_cleanly(refuse_unread, lambda: LIMIT), body, 5000)
    assert stream.tell() == 5000


def test_bodies_within_the_limit_or_beyond_the_cap_are_left_alone():
    untouched = []

    def remembers_input(environ, start_response):
        untouched.append(environ["wsgi.input"])
        return refuse_unread(environ, start_response)

    middleware = answer_too_large_cleanly(remembers_input, lambda: LIMIT, cap=4000)
    _, _, small = call(middleware, b"x" * LIMIT)
    _, _, huge = call(middleware, b"x" * 5000)
    assert untouched == [small, huge]  # the application read the server's own stream
    assert small.tell() == huge.tell() == 0
    _, _, unlimited = call(answer_too_large_cleanly(refuse_unread, lambda: None), b"x" * 5000)
    assert unlimited.tell() == 0


def test_draining_stops_when_the_time_is_up():
    _, _, stream = call(
        answer_too_large_cleanly(refuse_unread, lambda: LIMIT, seconds=0), b"x" * 5000
    )
    assert stream.tell() == 0


# -- through a real gunicorn ------------------------------------------------------------------


# gunicorn's default worker, and the threaded one gunicorn.conf.py runs in production.
WORKERS = {
    "sync": ["--worker-class", "sync"],
    "gthread": ["--worker-class", "gthread", "--threads", "4"],
}


@pytest.fixture(scope="module", params=list(WORKERS))
def gunicorn(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """gunicorn with one worker serving the application on a free port.

    It starts in a directory of its own (``--chdir`` to the repository) so that no
    gunicorn.conf.py it finds there changes what is tested.
    """
    scratch = tmp_path_factory.mktemp("gunicorn")
    url = f"sqlite:///{scratch / 'pathfinder.db'}"
    migrate.upgrade(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "body-limit-tests",
        "PATHFINDER_ENV": "development",
        "MODEL_CACHE_DIR": str(scratch / "models"),
    }
    log = (scratch / "gunicorn.log").open("w+")
    process = subprocess.Popen(
        [str(GUNICORN), "-w", "1", *WORKERS[request.param], "-b", "127.0.0.1:0",
         "--no-control-socket", "--chdir", str(REPO_ROOT), "app:create_app()"],
        cwd=scratch, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        port = _wait_until_serving(process, Path(log.name))
        yield "127.0.0.1", port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_serving(process: subprocess.Popen, log: Path, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    port = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log.read_text()}")
        if port is None and (found := LISTENING.search(log.read_text())):
            port = int(found.group(1))
        if port is not None:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return port
            except OSError:
                pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {seconds} s:\n{log.read_text()}")


def test_a_30_mb_upload_sent_whole_gets_the_413_page_through_gunicorn(gunicorn):
    boundary = "pathfinder-test-boundary"
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="resume"; '
            'filename="huge.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode(),
            b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    for _ in range(2):  # and the server goes on answering
        # http.client sends the whole body before it reads a byte of the answer, as many
        # clients do: without the drain it fails with a broken pipe or a reset.
        connection = http.client.HTTPConnection(*gunicorn, timeout=30)
        connection.request(
            "POST", "/match", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        response = connection.getresponse()
        page = response.read().decode()
        connection.close()
        assert response.status == 413
        assert "the limit for a resume file is 5 MB" in page
