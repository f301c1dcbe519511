"""The closing dates of open jobs and funding opportunities, as an iCalendar file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Response

from app.api import schemas
from app.api.blueprint import bp
from app.extensions import db_session
from app.links import request_base_url
from app.services import deadlines as deadline_service

ICS_DOC = {"type": "string", "description": "An iCalendar (RFC 5545) file."}


@bp.get("/deadlines.ics")
@bp.arguments(schemas.DeadlineQuerySchema, location="query", as_kwargs=False)
@bp.response(200, ICS_DOC, content_type="text/calendar", description="The calendar.")
def deadlines(args: dict[str, Any]) -> Response:
    """Closing dates of open jobs and funding opportunities as a calendar (.ics).

    One all-day event per closing date, with a reminder two days before, for the listings
    the filters of /jobs and /funding find; at most 500 events, the soonest first. Listings
    open until filled or rolling have no closing date, so no event.
    """
    jobs, funding = schemas.deadline_sources(args)
    found = deadline_service.listing_deadlines(
        db_session(), jobs=jobs, funding=funding, today=date.today(),
        base_url=request_base_url(), limit=args["limit"],
    )  # fmt: skip
    body = deadline_service.deadlines_calendar(found, datetime.now(UTC))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="deadlines.ics"'
    return response
