"""PoliteSession: User-Agent, timeouts, retries with backoff and Retry-After, throttle, errors."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from werkzeug import Request, Response

from scrapers.errors import PayloadError, SourceError
from scrapers.http import HostThrottle, PoliteSession, redact_url

from .scraper_helpers import FakeClock, fixture_path

UA = "Pathfinder-tests/0.1 (+https://example.org/pathfinder; ops@example.org)"


def make_session(clock: FakeClock | None = None, **kwargs) -> PoliteSession:
    """A session that never really sleeps: retries and throttle pauses go to the fake clock."""
    clock = clock or FakeClock()
    options = {"retries": 3, "backoff_factor": 1.0, "min_interval": 0.0, "timeout": (2.0, 5.0)}
    options.update(kwargs)
    return PoliteSession(UA, clock=clock, sleep=clock.sleep, **options)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_sends_the_honest_user_agent(httpserver):
    httpserver.expect_request("/ok", headers={"User-Agent": UA}).respond_with_json({"a": 1})

    assert make_session().get_json(httpserver.url_for("/ok")) == {"a": 1}
    httpserver.check_assertions()


def test_blank_user_agent_is_refused():
    with pytest.raises(ValueError, match="User-Agent"):
        PoliteSession("  ")


def test_429_waits_for_retry_after_then_succeeds(httpserver):
    clock = FakeClock()
    httpserver.expect_ordered_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request("/busy").respond_with_json({"ok": True})

    assert make_session(clock).get_json(httpserver.url_for("/busy")) == {"ok": True}
    assert clock.sleeps == [7.0]  # the server's pause, not our backoff
    assert len(httpserver.log) == 2


def test_retry_after_is_capped_by_backoff_max(httpserver):
    clock = FakeClock()
    httpserver.expect_ordered_request("/busy").respond_with_data(
        "", status=503, headers={"Retry-After": "3600"}
    )
    httpserver.expect_ordered_request("/busy").respond_with_json([])

    make_session(clock, backoff_max=5.0).get_json(httpserver.url_for("/busy"))
    assert clock.sleeps == [5.0]


def test_500_then_success(httpserver):
    httpserver.expect_ordered_request("/flaky").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/flaky").respond_with_json({"ok": 1})

    assert make_session().get_json(httpserver.url_for("/flaky")) == {"ok": 1}
    assert len(httpserver.log) == 2


def test_500_forever_raises_one_line_source_error_after_exponential_backoff(httpserver):
    clock = FakeClock()
    httpserver.expect_request("/down").respond_with_data("boom", status=500)
    url = httpserver.url_for("/down")

    with pytest.raises(SourceError) as caught:
        make_session(clock, retries=3).get_json(url)

    message = str(caught.value)
    assert "500" in message and url in message
    assert "\n" not in message
    assert len(httpserver.log) == 4  # first try + 3 retries
    assert clock.sleeps == [2.0, 4.0]  # factor * 2**(n-1); the first retry is immediate


def test_backoff_never_exceeds_backoff_max(httpserver):
    clock = FakeClock()
    httpserver.expect_request("/down").respond_with_data("", status=502)

    with pytest.raises(SourceError):
        make_session(clock, retries=4, backoff_max=3.0).get_json(httpserver.url_for("/down"))
    assert clock.sleeps == [2.0, 3.0, 3.0]


def test_client_errors_are_not_retried(httpserver):
    httpserver.expect_request("/missing").respond_with_data("no", status=404)

    with pytest.raises(SourceError, match="404"):
        make_session().get_json(httpserver.url_for("/missing"))
    assert len(httpserver.log) == 1


def test_post_is_retried_with_the_same_body(httpserver):
    httpserver.expect_ordered_request("/search2", method="POST").respond_with_data("", status=503)
    httpserver.expect_ordered_request(
        "/search2", method="POST", json={"keyword": "cyber"}
    ).respond_with_json({"hits": 2})

    result = make_session().post_json(httpserver.url_for("/search2"), json={"keyword": "cyber"})
    assert result == {"hits": 2}
    assert [req.get_json() for req, _ in httpserver.log] == [{"keyword": "cyber"}] * 2


def test_connection_errors_are_retried_with_backoff_then_raise():
    clock = FakeClock()
    url = f"http://127.0.0.1:{closed_port()}/api"

    with pytest.raises(SourceError, match="connection failed") as caught:
        make_session(clock, retries=3).get_json(url)
    assert url in str(caught.value)
    assert clock.sleeps == [2.0, 4.0]


def test_read_timeout_raises_source_error(httpserver):
    release = threading.Event()

    def stall(request: Request) -> Response:
        release.wait(3)  # far longer than the read timeout below
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/slow").respond_with_handler(stall)
    session = make_session(retries=1, timeout=(2.0, 0.2))
    started = time.monotonic()
    try:
        with pytest.raises(SourceError, match="timed out") as caught:
            session.get_json(httpserver.url_for("/slow"))
    finally:
        release.set()
    assert time.monotonic() - started < 2.0  # gave up on the read timeout, not the server
    assert httpserver.url_for("/slow") in str(caught.value)


def test_truncated_json_raises_payload_error(httpserver):
    body = fixture_path("usajobs", "search_truncated.json").read_bytes()
    httpserver.expect_request("/api/Search").respond_with_data(
        body, content_type="application/json"
    )
    url = httpserver.url_for("/api/Search")

    with pytest.raises(PayloadError, match="truncated or invalid JSON") as caught:
        make_session().get_json(url)
    assert url in str(caught.value)


def test_json_that_is_not_strict_raises_payload_error_with_its_reason(httpserver):
    # Python's json reads NaN; PostgreSQL would refuse it later, failing the run there.
    httpserver.expect_request("/opps").respond_with_data(
        '{"data": {"hitCount": NaN}}', content_type="application/json"
    )
    url = httpserver.url_for("/opps")

    with pytest.raises(PayloadError) as caught:
        make_session().get_json(url)
    assert str(caught.value) == f"invalid JSON (NaN is not a JSON value) from {url}"


def test_json_is_read_in_the_encoding_json_allows_whatever_the_header_says(httpserver):
    body = '{"title": "Défense"}'.encode("utf-16")
    # A text/* type without a charset would make requests decode it as Latin-1.
    httpserver.expect_request("/opps").respond_with_data(body, content_type="text/json")
    assert make_session().get_json(httpserver.url_for("/opps")) == {"title": "Défense"}


def test_a_stray_invalid_byte_in_json_text_does_not_fail_the_page(httpserver):
    httpserver.expect_request("/opps").respond_with_data(
        b'{"title": "Cyber \xff Grants"}', content_type="application/json"
    )
    assert make_session().get_json(httpserver.url_for("/opps")) == {"title": "Cyber \ufffd Grants"}


def test_secret_query_parameters_never_reach_the_error_message(httpserver):
    httpserver.expect_request("/opps").respond_with_data("nope", status=500)

    with pytest.raises(SourceError) as caught:
        make_session(retries=0).get_json(
            httpserver.url_for("/opps"), params={"api_key": "s3cr3t-KEY", "q": "cyber"}
        )
    message = str(caught.value)
    assert "s3cr3t-KEY" not in message
    assert "api_key=REDACTED" in message and "q=cyber" in message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.gov/a?token=abc&Page=2", "https://x.gov/a?token=REDACTED&Page=2"),
        ("https://x.gov/a?apiKey=abc", "https://x.gov/a?apiKey=REDACTED"),
        ("https://x.gov/a?access_token=abc", "https://x.gov/a?access_token=REDACTED"),
        (
            "https://x.gov/a?Keyword=cyber%20ops&Page=2",
            "https://x.gov/a?Keyword=cyber%20ops&Page=2",
        ),
        ("https://x.gov/a", "https://x.gov/a"),
    ],
)
def test_redact_url_hides_secrets_and_keeps_ordinary_parameters(url, expected):
    assert redact_url(url) == expected


def test_throttle_spaces_requests_to_the_same_host_only():
    clock = FakeClock()
    throttle = HostThrottle(1.0, clock=clock, sleep=clock.sleep)

    assert throttle.wait("data.usajobs.gov") == 0
    assert throttle.wait("data.usajobs.gov") == 1.0  # immediately again: waits the interval
    assert throttle.wait("api.grants.gov") == 0  # another host is not held up
    clock.advance(0.25)
    assert throttle.wait("data.usajobs.gov") == 0.75  # slot reserved at t+1, now at t+1.25
    clock.advance(5)
    assert throttle.wait("data.usajobs.gov") == 0  # long idle: no wait
    assert clock.sleeps == [1.0, 0.75]


def test_throttle_gives_concurrent_callers_distinct_slots():
    delays: list[float] = []
    throttle = HostThrottle(1.0, clock=lambda: 0.0, sleep=delays.append)

    threads = [threading.Thread(target=throttle.wait, args=("h",)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(delays) == [1.0, 2.0, 3.0, 4.0]


def test_session_applies_the_rate_limit_between_requests(httpserver):
    clock = FakeClock()
    httpserver.expect_request("/page").respond_with_json({})
    session = make_session(clock, min_interval=0.5)

    session.get_json(httpserver.url_for("/page"))
    session.get_json(httpserver.url_for("/page"))
    session.get_json(httpserver.url_for("/page"))
    # Only the fake sleep moves the clock, so each follow-up waits the whole interval.
    assert clock.sleeps == [0.5, 0.5]
    assert clock.now == pytest.approx(1001.0)


def test_download_streams_to_the_file(httpserver, tmp_path):
    payload = bytes(range(256)) * 1024  # 256 KiB: several chunks
    httpserver.expect_request("/extract.zip").respond_with_data(
        payload, content_type="application/zip"
    )
    dest = tmp_path / "nested" / "extract.zip"

    result = make_session().download(httpserver.url_for("/extract.zip"), dest)
    assert result == dest
    assert dest.read_bytes() == payload
    assert list(dest.parent.iterdir()) == [dest]  # no .part file left behind


def test_failed_download_leaves_no_file(httpserver, tmp_path):
    httpserver.expect_request("/extract.zip").respond_with_data("gone", status=500)
    dest = tmp_path / "extract.zip"

    with pytest.raises(SourceError, match="500"):
        make_session(retries=0).download(httpserver.url_for("/extract.zip"), dest)
    assert list(tmp_path.iterdir()) == []


class CutOffServer:
    """A raw socket server whose first `cut` responses promise more body than they send.

    werkzeug cannot send a short body on purpose, so this answers by hand: headers with the
    full Content-Length, part of the body, then the connection is closed.
    """

    def __init__(self, body: bytes, *, cut: int) -> None:
        self.body = body
        self.cut = cut
        self.requests = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}{path}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                self.requests += 1
                short = self.requests <= self.cut
                head = (
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(self.body)}\r\nConnection: close\r\n\r\n"
                )
                sent = self.body[: len(self.body) // 2] if short else self.body
                conn.sendall(head.encode() + sent)

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def cut_off_server():
    servers: list[CutOffServer] = []

    def start(body: bytes, *, cut: int) -> CutOffServer:
        servers.append(CutOffServer(body, cut=cut))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_a_body_cut_off_once_is_retried_and_read_whole(cut_off_server):
    clock = FakeClock()
    server = cut_off_server(b'{"items": [1, 2, 3], "pad": "' + b"x" * 4000 + b'"}', cut=1)

    result = make_session(clock).get_json(server.url("/search"))
    assert result["items"] == [1, 2, 3]
    assert server.requests == 2
    assert clock.sleeps == []  # urllib3's backoff: the first retry is immediate


def test_a_body_always_cut_off_raises_after_the_retry_limit_with_backoff(cut_off_server):
    clock = FakeClock()
    server = cut_off_server(b"[" + b"1," * 2000 + b"1]", cut=100)
    url = server.url("/search?Page=3")

    with pytest.raises(SourceError, match="cut off") as caught:
        make_session(clock, retries=3).get_json(url)
    assert url in str(caught.value)
    assert "\n" not in str(caught.value)
    assert server.requests == 4  # first try + 3 retries, the same limit as a 500
    assert clock.sleeps == [2.0, 4.0]  # and the same backoff


def test_a_download_cut_off_once_is_fetched_again_whole(cut_off_server, tmp_path):
    payload = bytes(range(256)) * 1024
    server = cut_off_server(payload, cut=1)
    dest = tmp_path / "extract.zip"

    assert make_session().download(server.url("/extract.zip"), dest) == dest
    assert dest.read_bytes() == payload
    assert list(tmp_path.iterdir()) == [dest]
    assert server.requests == 2


def test_a_download_always_cut_off_raises_and_leaves_no_file(cut_off_server, tmp_path):
    server = cut_off_server(bytes(200_000), cut=100)

    with pytest.raises(SourceError, match="cut off"):
        make_session(retries=2).download(server.url("/extract.zip"), tmp_path / "extract.zip")
    assert list(tmp_path.iterdir()) == []
    assert server.requests == 3
