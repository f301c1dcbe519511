"""Error pages in the site's layout; JSON for the API. Never a stack trace to the user."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from app.extensions import rollback_session

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have access to this page.",
    404: "We could not find that page.",
    405: "That action is not allowed here.",
    409: "That was changed by another request at the same moment, so nothing was saved. "
    "Please check the page and try again.",
    413: "The file is too large.",
    422: "Some of the request's parameters are not valid: see errors.",
    429: "Too many requests. Please wait a moment and try again.",
    503: "The site is busy right now, so nothing was saved. Please try again in a minute.",
    500: "Something went wrong on our side. The problem has been logged.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(code: int, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The API's error shape, flask-smorest's `ErrorSchema`: code, status, message, errors."""
    body: dict[str, Any] = {
        "code": code,
        "status": HTTP_STATUS_CODES.get(code, "Error"),
        "message": message,
    }
    if errors:
        body["errors"] = errors
    return body


def render_error(code: int, message: str | None = None, errors: dict[str, Any] | None = None):
    """The error page, or under /api/ the JSON error (`errors`: what was wrong, by field)."""
    message = message or MESSAGES.get(code, "The request could not be completed.")
    if _wants_json():
        return jsonify(error_body(code, message, errors)), code
    return render_template("errors/error.html", code=code, message=message), code


def _http_error(error: HTTPException):
    """An HTTP error; for the API with webargs' validation messages and the error's headers."""
    code = error.code or 500
    if not _wants_json():
        return render_error(code)
    data = getattr(error, "data", None) or {}
    body, code = render_error(code, data.get("message"), data.get("errors") or data.get("messages"))
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    return body, code, headers


def register_error_handlers(app: Flask) -> None:
    """The site's error handlers; registered last, they replace flask-smorest's own."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, "Your form expired or was sent from elsewhere. Please try again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if isinstance(error, InternalServerError):
            return _server_error(error)
        return _http_error(error)

    @app.errorhandler(IntegrityError)
    def _conflict(error: IntegrityError):
        # Two requests wrote the same thing at once (a double click, two app instances):
        # the database kept the first. This one is undone before the page is drawn, since
        # drawing it may read from the same session.
        rollback_session()
        log.warning("Conflicting write on %s %s: %s", request.method, request.path, error.orig)
        return render_error(409)

    @app.errorhandler(OperationalError)
    def _busy(error: OperationalError):
        # SQLite waits SQLITE_BUSY_TIMEOUT for another writer; past that, say so, not 500.
        if "database is locked" not in str(error.orig):
            return _server_error(error)
        rollback_session()
        log.warning("Database busy on %s %s: %s", request.method, request.path, error.orig)
        body, code = render_error(503)
        return body, code, {"Retry-After": "30"}

    @app.errorhandler(Exception)
    def _server_error(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
