"""Paging for API lists: query arguments, the response envelope and the Link header."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import request
from marshmallow import Schema, fields, validate

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_PAGE = 10_000
LINK_HEADER_DOC = {
    "Link": {
        "description": 'RFC 8288 links to the first, previous, next and last pages (rel="...").',
        "schema": {"type": "string"},
    }
}


class PageQuerySchema(Schema):
    """`page` (from 1) and `per_page` (1 to 100, 25 by default)."""

    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": "Page number; past the last page answers the last page."},
    )
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": "Items per page."},
    )


class PageSchema(Schema):
    """The envelope of a page: its items and where it is in the whole list."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Items on every page."})


def envelope(items: list[dict[str, Any]], page: int, per_page: int, total: int) -> dict[str, Any]:
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def link_header(page: int, pages: int) -> dict[str, str]:
    """The Link header for this request's list, keeping its other query arguments."""

    def url(number: int) -> str:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
        return f"{request.base_url}?{urlencode([*args, ('page', str(number))])}"

    rels = {"first": 1, "last": pages}
    if page > 1:
        rels["prev"] = page - 1
    if page < pages:
        rels["next"] = page + 1
    return {"Link": ", ".join(f'<{url(n)}>; rel="{rel}"' for rel, n in rels.items())}
