"""A polite HTTP session for the scrapers: honest User-Agent, timeouts, retries, rate limit.

One `PoliteSession` per source. Retries (connection errors, 429, 5xx) are done by urllib3's
`Retry` mounted on the session's `HTTPAdapter`, honouring ``Retry-After`` up to a cap. A body
cut off mid-transfer (short read, broken chunking, a read timeout inside the body) happens
after urllib3 has handed the response over, so the session retries it itself with the same
`Retry` budget and backoff. A
per-host throttle spaces requests so a source never sees more than one request per
`min_interval` seconds from us. Errors come out as one-line `SourceError`/`PayloadError`
messages with the status and URL, never a secret.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import guess_json_utf
from urllib3.exceptions import InvalidHeader, MaxRetryError, ProtocolError, ReadTimeoutError
from urllib3.util.retry import Retry

from scrapers.errors import PayloadError, SourceError
from scrapers.json_payload import JsonPayloadError, decode_json

Clock = Callable[[], float]
Sleep = Callable[[float], None]

DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)  # (connect, read) seconds
RETRY_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})
# POST is included on purpose: Grants.gov search2 is a read-only POST, safe to repeat.
RETRY_METHODS: frozenset[str] = frozenset({"GET", "HEAD", "OPTIONS", "POST"})
CHUNK_SIZE = 64 * 1024
# What requests raises while reading a body that stopped short: broken chunking or a short
# Content-Length (ChunkedEncodingError), a read timeout or reset mid-body (ConnectionError).
CUT_OFF_ERRORS: tuple[type[requests.RequestException], ...] = (
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ConnectionError,
)

# Query parameters whose values must never reach a log line or an error message.
# Whole names or suffixes only, so "Keyword" is not mistaken for a key.
_SECRET_PARAM = re.compile(
    r"(?:^|[_\-.])(?:api_?key|key|token|secret|password|passwd|signature|sig|auth)$",
    re.IGNORECASE,
)


class PoliteRetry(Retry):
    """`Retry` whose sleeps go through an injectable function and whose Retry-After is capped.

    The cap is `backoff_max`: a server asking for an hour-long pause must not stall a run
    for an hour (urllib3's own `retry_after_max` defaults to six hours).
    """

    def __init__(self, *args: Any, sleep: Sleep = time.sleep, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sleep = sleep

    def new(self, **kw: Any) -> PoliteRetry:
        # urllib3 builds a fresh Retry after every attempt; keep the injected sleep.
        retry = super().new(**kw)
        retry._sleep = self._sleep
        return retry

    def parse_retry_after(self, retry_after: str) -> float:
        return min(super().parse_retry_after(retry_after), self.backoff_max)

    def sleep(self, response: Any = None) -> None:
        if self.respect_retry_after_header and response is not None:
            try:
                wait = self.get_retry_after(response)
            except InvalidHeader:
                wait = None  # unreadable Retry-After: fall back to exponential backoff
            if wait:
                self._sleep(wait)
                return
        backoff = self.get_backoff_time()
        if backoff > 0:
            self._sleep(backoff)


class HostThrottle:
    """Minimum interval between requests to the same host; thread-safe.

    Each caller reserves the next free slot for its host under the lock and sleeps outside
    it, so concurrent threads are spaced out and other hosts are never blocked.
    """

    def __init__(
        self, min_interval: float, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ) -> None:
        self.min_interval = max(0.0, float(min_interval))
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}

    def wait(self, host: str) -> float:
        """Block until a request to `host` is allowed; return the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = start + self.min_interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)


def redact_url(url: str) -> str:
    """The URL with the values of key/token/secret-like query parameters replaced."""
    parts = urlsplit(url)
    names = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    if not any(_SECRET_PARAM.search(name) for name in names):
        return url  # leave the query exactly as sent
    pairs = [
        (name, "REDACTED" if _SECRET_PARAM.search(name) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe=";,:/")))


class PoliteSession:
    """One `requests.Session` for one source, with the manners a public API deserves."""

    def __init__(
        self,
        user_agent: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff_factor: float = 1.0,
        backoff_max: float = Retry.DEFAULT_BACKOFF_MAX,
        min_interval: float = 1.0,
        status_forcelist: Collection[int] = RETRY_STATUSES,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        """
        Args:
            user_agent: who we are and how to reach us, e.g. "Pathfinder/0.1 (ops@example.org)".
            timeout: (connect, read) seconds applied to every request unless overridden.
            retries: attempts after the first, for connection/read errors and retry statuses.
            backoff_factor: exponential backoff base (factor * 2**(n-1) seconds).
            backoff_max: cap on any single pause, backoff or Retry-After.
            min_interval: minimum seconds between two requests to the same host.
            clock, sleep: injectable for tests; used by the throttle and the retries.
        """
        if not user_agent or not user_agent.strip():
            raise ValueError("PoliteSession needs an honest User-Agent")
        self.timeout = timeout
        self.throttle = HostThrottle(min_interval, clock=clock, sleep=sleep)
        self.retry = PoliteRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff_factor,
            backoff_max=backoff_max,
            status_forcelist=frozenset(status_forcelist),
            allowed_methods=RETRY_METHODS,
            respect_retry_after_header=True,
            # Return the last response instead of raising, so the error can name the status.
            raise_on_status=False,
            sleep=sleep,
        )
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent.strip()
        adapter = HTTPAdapter(max_retries=self.retry)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PoliteSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Throttled request with retries; raises `SourceError` unless the final status is 2xx.

        Without ``stream=True`` the whole body is read here, so a transfer cut off part-way
        is retried like any other transient error.
        """
        kwargs.setdefault("timeout", self.timeout)
        stream = bool(kwargs.pop("stream", False))
        # Name the full URL (with params) in errors: "Page=3" is what an operator needs.
        shown = f"{method.upper()} {redact_url(_with_params(url, kwargs.get('params')))}"
        retry: Retry = self.retry
        while True:
            response = self._send(method, url, shown, kwargs)
            if stream:
                return response
            try:
                response.content  # noqa: B018 - read the body inside the retry loop
            except CUT_OFF_ERRORS as exc:
                response.close()
                retry = self._next_attempt(retry, method, url, exc, shown)
                continue
            return response

    def _send(self, method: str, url: str, shown: str, kwargs: dict[str, Any]) -> requests.Response:
        self.throttle.wait(urlsplit(url).netloc.lower())
        try:
            # Always stream: the body is read by the caller, where a cut-off can be retried.
            response = self.session.request(method, url, stream=True, **kwargs)
        except requests.RequestException as exc:
            raise SourceError(f"{_describe(exc)}: {shown}") from None
        if not response.ok:
            status = f"{response.status_code} {response.reason or ''}".strip()
            response.close()
            raise SourceError(f"HTTP {status} from {shown}")
        return response

    def _next_attempt(
        self, retry: Retry, method: str, url: str, exc: BaseException, shown: str
    ) -> Retry:
        """Count one cut-off transfer against `retry` and sleep its backoff, or give up."""
        try:
            # urllib3 counts a ProtocolError as a read error: same limit, same backoff.
            retry = retry.increment(method.upper(), url, error=ProtocolError(type(exc).__name__))
        except (MaxRetryError, ProtocolError):
            raise SourceError(f"{_describe(exc)}: {shown}") from None
        retry.sleep()
        return retry

    def get_json(self, url: str, **kwargs: Any) -> Any:
        """GET and decode JSON (`params=`, `headers=`, `timeout=` pass through to requests)."""
        return _decode_json(self.request("GET", url, **kwargs))

    def post_json(self, url: str, json: Any = None, **kwargs: Any) -> Any:
        """POST a JSON body and decode the JSON answer."""
        return _decode_json(self.request("POST", url, json=json, **kwargs))

    def download(
        self, url: str, dest_path: str | Path, *, headers: Mapping[str, str] | None = None
    ) -> Path:
        """Stream `url` to `dest_path` in chunks; the file appears only once complete."""
        dest = Path(dest_path)
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename at the end: a failed download never leaves a
        # half file under the real name for the next step to trust.
        partial = dest.with_name(dest.name + ".part")
        shown = f"GET {redact_url(url)}"
        retry: Retry = self.retry
        while True:
            response = self.request("GET", url, stream=True, headers=headers)
            try:
                with partial.open("wb") as fh:
                    for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
                        if chunk:
                            fh.write(chunk)
            except CUT_OFF_ERRORS as exc:
                partial.unlink(missing_ok=True)
                retry = self._next_attempt(retry, "GET", url, exc, f"{shown} (download)")
                continue
            except requests.RequestException as exc:
                partial.unlink(missing_ok=True)
                raise SourceError(f"{_describe(exc)} during download: {shown}") from None
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            finally:
                response.close()
            partial.replace(dest)
            return dest


def _decode_json(response: requests.Response) -> Any:
    # JSON is UTF-8, -16 or -32 whatever charset a header claims (RFC 8259); as in
    # response.json(), a stray invalid byte becomes U+FFFD rather than failing the run.
    content = response.content
    body = content.decode(guess_json_utf(content) or "utf-8", errors="replace")
    try:
        return decode_json(body)
    except JsonPayloadError as exc:
        raise PayloadError(f"{exc.reason} from {redact_url(response.url)}") from None


def _with_params(url: str, params: Any) -> str:
    if not params:
        return url
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url, params)
    except requests.RequestException:
        return url  # the request itself will fail and report it
    return prepared.url or url


def _describe(exc: BaseException) -> str:
    """A short reason for a transport failure; never the exception text (it may hold URLs)."""
    if isinstance(exc, requests.Timeout) or _has_cause(exc, ReadTimeoutError):
        return "timed out after retries"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "response cut off mid-transfer after retries"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed after retries"
    return f"request failed ({type(exc).__name__})"


def _has_cause(exc: BaseException, kind: type[BaseException]) -> bool:
    # requests wraps urllib3's MaxRetryError (whose .reason is the last error) in args[0].
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return True
        if isinstance(item, BaseException):
            stack.extend([getattr(item, "reason", None), item.__cause__, item.__context__])
            stack.extend(arg for arg in item.args if isinstance(arg, BaseException))
    return False
