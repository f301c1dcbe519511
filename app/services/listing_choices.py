"""Filter choices (series, agencies, listings, categories) worked out once per change.

The choices offered beside /jobs/ and /funding/ come from every open listing, a scan that
grows with the table; they change only when listings do. A table's stamp (row count, last
id, last sighting, last closing: four index lookups, whatever the table's size) changes
whenever a listing is stored, changed, seen, closed, reopened or deleted, since every writer
(ingest, agency postings, closing by date) sets `last_seen_at` or `closed_at`. Each process
keeps the last result per database, choice and day, and recomputes it when the stamp moves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

_results: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = {}
_lock = threading.Lock()


def table_stamp(session: Session, model: Any) -> tuple[Any, ...]:
    """What changes whenever a row of the listings table does (indexed lookups only)."""
    return tuple(
        session.execute(
            select(
                select(func.count()).select_from(model).scalar_subquery(),
                select(func.max(model.id)).scalar_subquery(),
                select(func.max(model.last_seen_at)).scalar_subquery(),
                select(func.max(model.closed_at)).scalar_subquery(),
            )
        ).one()
    )


def cached(session: Session, model: Any, name: str, today: date, compute: Callable[[], T]) -> T:
    """`compute()`, or its result from when the table and the day were the same."""
    slot = (str(session.get_bind().engine.url), name)
    stamp = (today, *table_stamp(session, model))
    found = _results.get(slot)
    if found is not None and found[0] == stamp:
        return found[1]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _results[slot] = (stamp, value)
    return value


def clear() -> None:
    """Forget every cached choice (the test hook)."""
    with _lock:
        _results.clear()
