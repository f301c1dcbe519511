"""Engine and sessions.

One engine per application; one session per request (opened lazily, closed on teardown) or
per CLI command (`session_scope`). Plain SQLAlchemy keeps the models usable without Flask.

SQLite, the embedded default, takes concurrent writers (two app processes, a scrape during a
page view): the database runs in WAL mode, so readers never block the writer; a connection
waits up to `SQLITE_BUSY_TIMEOUT` seconds for the write lock instead of failing at once; and
transactions begin with ``BEGIN IMMEDIATE``, taking the write lock up front. A deferred
transaction that reads and then writes cannot wait for the lock (SQLite answers "database
is locked" at once to avoid a deadlock), which is what failed under two browsers. Only work
known to be read-only (a GET page view, `READ_ONLY`) begins deferred, so readers run side
by side.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain `postgresql://` URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


# Seconds a SQLite connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT = 30.0
# Execution options for work that never writes: on SQLite it begins deferred (see above).
READ_ONLY = {"sqlite_begin": "DEFERRED"}


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets its folder, foreign keys, WAL and writers that wait."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    in_memory = not parsed.database or parsed.database == ":memory:"
    if not in_memory:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINTs: let SQLAlchemy emit BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")  # persistent; cheap to repeat
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {'DEFERRED' if mode == 'DEFERRED' else 'IMMEDIATE'}")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
