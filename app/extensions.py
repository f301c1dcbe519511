"""Flask extensions and the per-request database session, in one place."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.db import READ_ONLY, make_engine, make_session_factory

csrf = CSRFProtect()
# The one rate limiter; its limits are in `app.rate_limits`, its storage in the config.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Everything from this site: no inline script or style, no framing, no plugins. USWDS needs
# nothing more (its icons in CSS are data: URIs).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

_EXT_KEY = "pathfinder.db"


class Database:
    """Holds the engine and session factory of one application."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory: sessionmaker[Session] = make_session_factory(engine)


def init_database(app: Flask) -> Database:
    engine = make_engine(str(app.config["DATABASE_URL"]), echo=bool(app.config["SQL_ECHO"]))
    database = Database(engine)
    app.extensions[_EXT_KEY] = database
    app.teardown_appcontext(_close_session)
    return database


def init_security_headers(app: Flask) -> Talisman:
    """Security headers on every response, pages, files and errors alike (Flask-Talisman).

    HTTPS is the load balancer's job: nothing here redirects, and Strict-Transport-Security
    goes out in production on responses to HTTPS requests.
    """
    return Talisman(
        app,
        force_https=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        # Same-origin only: result and feed links carry their secret in the path, and
        # Flask-WTF checks the Referer of HTTPS form posts, so our own pages must send it.
        referrer_policy="same-origin",
        strict_transport_security=app.config["ENV_NAME"] == "production",
        strict_transport_security_max_age=int(app.config["HSTS_MAX_AGE"]),
        session_cookie_secure=bool(app.config["SESSION_COOKIE_SECURE"]),
        session_cookie_http_only=bool(app.config["SESSION_COOKIE_HTTPONLY"]),
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions[_EXT_KEY]


def db_session() -> Session:
    """The session of the current request (or app context), created on first use.

    A GET or HEAD request only reads, so on SQLite its transaction begins deferred and page
    views run side by side; any other request takes the write lock up front (`app.db`).
    """
    if "db_session" not in g:
        session = get_database().session_factory()
        if has_request_context() and request.method in {"GET", "HEAD", "OPTIONS"}:
            session.connection(execution_options=READ_ONLY)
        g.db_session = session
    return g.db_session


def rollback_session() -> None:
    """Undo the current request's writes, if it has a session, and keep the session usable."""
    session: Session | None = g.get("db_session")
    if session is not None:
        session.rollback()


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    if exc is not None:
        session.rollback()
    session.close()
