"""Error pages in the site's layout; JSON for the API. Never a stack trace to the user."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

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
    429: "Too many requests. Please wait a moment and try again.",
    503: "The site is busy right now, so nothing was saved. Please try again in a minute.",
    500: "Something went wrong on our side. The problem has been logged.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, message: str | None = None):
    message = message or MESSAGES.get(code, "The request could not be completed.")
    if _wants_json():
        return jsonify({"error": {"status": code, "message": message}}), code
    return render_template("errors/error.html", code=code, message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, "Your form expired or was sent from elsewhere. Please try again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if isinstance(error, InternalServerError):
            return _server_error(error)
        return render_error(error.code or 500)

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
