"""Addresses refused before any route reads them, where the database would refuse them later.

No page, search or identifier of ours holds a NUL, and PostgreSQL refuses one in any query,
so a link carrying "%00" gets a plain 400 instead of reaching the database. Form fields are
cleaned instead (`app.forms`): a NUL pasted with a resume should not cost the paste.
Likewise an id in a path beyond what an integer column holds is simply not found (404).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter, Map

from app.errors import render_error
from app.models.base import INT32_MAX

ID_MAX = INT32_MAX  # ids are Integer columns
MESSAGE = "The address holds a character that is not allowed. Check the link and try again."


class DatabaseIntegerConverter(IntegerConverter):
    """``<int:...>`` capped at ``ID_MAX`` unless a route says otherwise."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        if len(args) < 3:  # fixed_digits, min, max
            kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def query_id(name: str) -> int | None:
    """An id from the query string, or None when missing, malformed or beyond any stored id."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= ID_MAX else None


def register_request_guard(app: Flask) -> None:
    """Call before any blueprint is registered: routes pick up converters as they are added."""
    app.url_map.converters["int"] = DatabaseIntegerConverter

    # create_app registers this before any other before-request hook, so it runs first.
    @app.before_request
    def _refuse_nul():
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.args.lists()
        ):
            return render_error(400, MESSAGE)
        return None
