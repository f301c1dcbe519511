"""What the listings give, worked out once per change: filter choices, counts, role lists.

The choices offered beside /jobs/ and /funding/, the number of jobs a filter finds and the
open jobs of a work role come from every open listing, a scan that grows with the table;
they change only when the listings (or their classifications) do. The tables' change stamps
(`app.services.table_changes`, recorded by the database on every write) say when. Each
process keeps the last result per database, name and day, and recomputes it when a stamp
moves; at most `MAX_ENTRIES` names are kept, the oldest dropped first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from app.services import table_changes

T = TypeVar("T")

MAX_ENTRIES = 1024  # counts are kept per filter: enough for the filters people use

_results: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = {}
_lock = threading.Lock()


def cached(
    session: Session,
    models: Any | tuple[Any, ...],
    name: str,
    today: date,
    compute: Callable[[], T],
) -> T:
    """`compute()`, or its result from when the tables of `models` and the day were the same."""
    tables = tuple(m.__tablename__ for m in (models if isinstance(models, tuple) else (models,)))
    slot = (str(session.get_bind().engine.url), name)
    stamp = (today, table_changes.stamps(session, *tables))  # read before the data it stands for
    found = _results.get(slot)
    if found is not None and found[0] == stamp:
        return found[1]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _results.pop(slot, None)
        while len(_results) >= MAX_ENTRIES:
            del _results[next(iter(_results))]
        _results[slot] = (stamp, value)
    return value


def clear() -> None:
    """Forget every cached choice (the test hook)."""
    with _lock:
        _results.clear()
