"""Change stamps of the listings tables: what caches of the listings compare, cheaply.

The database records writes to the watched tables in `table_changes` by its own triggers
(migration 0012), so every writer counts, whatever code it is. A table's stamp is the count,
first and last id of its rows there: index lookups over a log kept short, whatever the
table's size. It is exact across processes and instances: a change's row becomes visible
when the write commits, and the count moves even when writes commit out of id order.

Read a stamp before reading the data it stands for: a write committed in between then only
makes the next stamp differ (a recompute), never a stale result kept under a new stamp.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.models import TableChange

Stamp = tuple[int, int | None, int | None]


def stamp(session: Session, table: str) -> Stamp:
    """(how many recorded changes, the first id, the last id) for the table."""
    return stamps(session, table)[0]


def stamps(session: Session, *tables: str) -> tuple[Stamp, ...]:
    """The stamps of several tables, in the order given, in one query."""
    rows = session.execute(
        select(
            TableChange.table_name,
            func.count(),
            func.min(TableChange.id),
            func.max(TableChange.id),
        )
        .where(TableChange.table_name.in_(tables))
        .group_by(TableChange.table_name)
    ).all()
    found = {name: (int(count), first, last) for name, count, first, last in rows}
    return tuple(found.get(table, (0, None, None)) for table in tables)


def compact(session: Session) -> int:
    """Delete all but each table's latest change (stamps move once); returns rows deleted.

    Only the latest row of a table must stay: with it the first id rises and the count falls,
    so no later stamp can equal one taken before the compaction.
    """
    latest = select(func.max(TableChange.id)).group_by(TableChange.table_name).scalar_subquery()
    result = session.execute(delete(TableChange).where(TableChange.id.not_in(latest)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
