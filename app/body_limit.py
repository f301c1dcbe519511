"""A 413 page the client can read: drain the body of a request refused unread.

Flask refuses a body over its limit from the declared Content-Length, without reading it.
A server that then closes the connection (gunicorn's sync worker closes after every
response) leaves unread bytes behind, so the kernel resets the connection while the client
is still sending: the client sees a broken pipe or a reset, never the page. This middleware
reads and discards what the application left unread of such a body, up to a cap, before
the response goes out; beyond the cap (or after too long) it stops, and the server closes
the connection as before: a client sending that much is not a person with a resume.

Wired in `create_app`::

    app.wsgi_app = answer_too_large_cleanly(app.wsgi_app, lambda: app.config["MAX_CONTENT_LENGTH"])

A proxy in front that buffers requests and refuses large ones itself (nginx
``client_max_body_size``) answers before the application sees anything; size it above the
upload form's limit (`app.seekers.routes.UPLOAD_BODY_FACTOR` times the file limit) so an
oversized file still gets its message on the form.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

DRAIN_CAP = 64 * 1024 * 1024
DRAIN_SECONDS = 10.0  # well inside gunicorn's 30 s worker timeout
_CHUNK = 64 * 1024


class _CountingInput:
    """``wsgi.input`` that counts what the application reads, so only the rest is drained."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size) if size is not None and size >= 0 else self._stream.read()
        self.consumed += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size) if size >= 0 else self._stream.readline()
        self.consumed += len(data)
        return data

    def readlines(self, hint: int = -1) -> list[bytes]:
        lines = self._stream.readlines(hint) if hint >= 0 else self._stream.readlines()
        self.consumed += sum(len(line) for line in lines)
        return lines

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def _declared_length(environ: WSGIEnvironment) -> int | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def _discard(body: _CountingInput, remaining: int, seconds: float) -> None:
    """Read and drop up to ``remaining`` bytes, for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    try:
        while remaining > 0 and time.monotonic() < deadline:
            chunk = body.read(min(_CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
    except Exception:  # the client went away: there is no one left to answer
        return


def answer_too_large_cleanly(
    wsgi_app: WSGIApplication,
    limit: Callable[[], int | None],
    *,
    cap: int = DRAIN_CAP,
    seconds: float = DRAIN_SECONDS,
) -> WSGIApplication:
    """Wrap `wsgi_app` so a body declared over ``limit()`` bytes is read to its end.

    Only requests whose Content-Length exceeds the limit (the ones the application may
    refuse unread) are touched: their input is counted as the application reads it, and
    whatever is left, if the declared length is at most ``cap``, is discarded before the
    response is handed to the server. Never reads past the declared length, so a
    keep-alive connection's next request is left alone.
    """

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        declared = _declared_length(environ)
        ceiling = limit()
        if declared is None or ceiling is None or declared <= ceiling or declared > cap:
            return wsgi_app(environ, start_response)
        body = _CountingInput(environ["wsgi.input"])
        environ["wsgi.input"] = body
        response = wsgi_app(environ, start_response)
        _discard(body, declared - body.consumed, seconds)
        return response

    return application
