"""One run per source at a time, across processes and machines.

Several app instances may each have `pathfinder scrape` in cron: two runs of one source would
both insert the same new listings and one would fail on the unique key half-way. On
PostgreSQL a run holds a session-level advisory lock named for its source, on a connection of
its own, so the lock goes with the process whatever way it ends. SQLite, the single-machine
default, takes no lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker


def lock_key(source: str) -> int:
    """A stable signed 64-bit key for the source (advisory locks are keyed by bigint)."""
    digest = hashlib.sha256(f"pathfinder-run:{source}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _engine(factory: sessionmaker[Session]) -> Engine:
    bind = factory.kw["bind"]
    return bind.engine if isinstance(bind, Connection) else bind


@dataclass(frozen=True)
class SourceLock:
    acquired: bool  # this process may run the source now
    exclusive: bool  # and no other can: a run still marked running has died


@contextmanager
def source_lock(factory: sessionmaker[Session], source: str) -> Iterator[SourceLock]:
    """The right to run `source` now, held until the block ends."""
    engine = _engine(factory)
    if engine.dialect.name != "postgresql":
        yield SourceLock(acquired=True, exclusive=False)
        return
    key = lock_key(source)
    with engine.connect() as connection:
        acquired = bool(
            connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        )
        connection.commit()  # the lock belongs to the session, not to this transaction
        try:
            yield SourceLock(acquired=acquired, exclusive=acquired)
        finally:
            if acquired:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
