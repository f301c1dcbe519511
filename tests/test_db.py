"""The engine: SQLite set up for several writers at once; PostgreSQL untouched."""

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from app.db import READ_ONLY, make_engine


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_reader_that_then_writes_waits_for_the_other_writer(sqlite_engine):
    """The defect: a deferred transaction that read first failed at once with "locked"."""
    factory = sessionmaker(bind=sqlite_engine)
    holding, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with factory() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            holding.set()
            release.wait(5)
            session.commit()

    thread = threading.Thread(target=other_writer)
    thread.start()
    holding.wait(5)
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    with factory() as session:
        session.execute(text("SELECT count(*) FROM t")).scalar()  # read first, then write
        session.execute(text("INSERT INTO t VALUES (2)"))
        session.commit()
    thread.join()
    assert time.monotonic() - started >= 0.4  # it waited its turn instead of failing
    with factory() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 2


def test_read_only_work_reads_beside_a_writer(sqlite_engine):
    factory = sessionmaker(bind=sqlite_engine)
    with factory() as writer:
        writer.execute(text("INSERT INTO t VALUES (1)"))  # holds the write lock, uncommitted
        with factory() as reader:
            reader.connection(execution_options=READ_ONLY)
            started = time.monotonic()
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0
            assert time.monotonic() - started < 1
        writer.commit()


def test_postgresql_urls_use_psycopg_3():
    engine = make_engine("postgresql://postgres@127.0.0.1:5432/test")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()
