"""The API's blueprint and settings; every view in `app.api.routes` is registered on `bp`.

Anonymous reads are rate limited per client address (`API_READ_LIMIT`, Flask-Limiter
notation, "120 per minute" by default), on the site's one limiter; reads with an API key
OPM staff issued count per key, at the key's own limit (`app.api.keys`).
"""

from __future__ import annotations

from typing import TypeVar

from flask_smorest import Blueprint, abort

from app.rate_limits import api_read_limit

T = TypeVar("T")
PREFIX = "/api/v1"
SETTINGS: dict[str, object] = {
    "API_TITLE": "Pathfinder",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Pathfinder's catalog (NICE work roles and federal hiring "
            "pathways), open federal cyber jobs and open funding opportunities, their "
            "deadlines as iCalendar, and matching a resume (POST /match). No key is needed; "
            "requests are rate limited per address. Partners "
            "with an API key from OPM send it as 'Authorization: Bearer <key>' or "
            "'X-API-Key: <key>' and are limited per key, at the key's own, higher limit; a "
            "key that is not valid is refused (401). Errors answer with the Error schema."
        },
    },
}

bp = api_read_limit(
    Blueprint(
        "api",
        __name__,
        url_prefix=PREFIX,
        description="Work roles, hiring pathways, jobs and funding opportunities.",
    )
)


def found_or_404(value: T | None) -> T:
    """The entry a detail view looked up; a JSON 404 when there is none."""
    if value is None:
        abort(404)
    return value
