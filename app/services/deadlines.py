"""The closing dates of the open jobs and funding opportunities a search finds, as one
iCalendar file (the public API's deadlines.ics).

Jobs are found as on /jobs/ (`app.services.seekers.jobs`), opportunities as on /funding/
(`app.services.funding.search`); each becomes the same event as in an account's personal
feed (`app.services.funding.feed`), so a calendar that has both updates one event. At most
`MAX_EVENTS` events, the soonest closing first: listings without a closing date (open until
filled, rolling) have no event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.services.funding import search as funding_search
from app.services.funding.feed import job_deadline, opportunity_deadline
from app.services.ics import Deadline, calendar_bytes
from app.services.seekers import jobs as job_browse

MAX_EVENTS = 500
CALENDAR_NAME = "Pathfinder deadlines"


def listing_deadlines(
    session: Session,
    *,
    jobs: job_browse.JobFilters | None,
    funding: funding_search.SearchQuery | None,
    today: date,
    base_url: str,
    limit: int = MAX_EVENTS,
) -> list[Deadline]:
    """The soonest `limit` (at most MAX_EVENTS) closing dates; None leaves that kind out."""
    limit = max(0, min(limit, MAX_EVENTS))
    found: list[Deadline] = []
    if jobs is not None and limit:
        # Soonest closing first, jobs without a date last: the first `limit` hold every dated
        # job that can make the cut.
        page = job_browse.browse_jobs(session, replace(jobs, page=1), today, per_page=limit)
        found += [d for d in map(job_deadline, page.jobs) if d]
    if funding is not None and limit:
        hits = funding_search.find_opportunities(session, replace(funding, sort="closing"), today)
        found += [
            d for d in (opportunity_deadline(h.opportunity, base_url) for h in hits[:limit]) if d
        ]
    return sorted(found, key=lambda d: (d.day, d.title, d.uid))[:limit]


def deadlines_calendar(deadlines: list[Deadline], now: datetime) -> bytes:
    return calendar_bytes(deadlines, CALENDAR_NAME, now)
