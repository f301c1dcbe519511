"""Flask extensions and the per-request database session, in one place."""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine, make_session_factory

csrf = CSRFProtect()

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


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions[_EXT_KEY]


def db_session() -> Session:
    """The session of the current request (or app context), created on first use."""
    if "db_session" not in g:
        g.db_session = get_database().session_factory()
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
