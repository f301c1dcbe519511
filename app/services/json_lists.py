"""Filtering on JSON list columns in SQL, the same on SQLite and PostgreSQL.

Each backend expands a list with its own table-valued function (SQLite `json_each`,
PostgreSQL `json_array_elements_text`), both exposing a `value` column, so one `EXISTS`
filter serves both and paging stays in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session


def elements(session: Session, column: Any) -> Any:
    """A JSON list column as a table with one `value` row per element, on this backend."""
    if session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(column).table_valued("value", joins_implicitly=True)
    return func.json_each(column).table_valued("value", joins_implicitly=True)


def contains(session: Session, column: Any, value: str) -> ColumnElement[bool]:
    """The list holds `value`."""
    items = elements(session, column)
    return exists(select(1).select_from(items).where(items.c.value == value))


def contains_any(session: Session, column: Any, values: Iterable[str]) -> ColumnElement[bool]:
    """The list holds at least one of `values`."""
    items = elements(session, column)
    return exists(select(1).select_from(items).where(items.c.value.in_(sorted(values))))


def is_empty(session: Session, column: Any) -> ColumnElement[bool]:
    """The list is null or has no elements."""
    items = elements(session, column)
    return column.is_(None) | ~exists(select(1).select_from(items))
