"""Calendar feeds: a personal feed behind a secret URL, and a one-off file per opportunity.

The personal feed lists the closing dates of the account's saved funding opportunities and
saved jobs. Its secret can be replaced or revoked; a revoked or unknown secret finds nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    FundingOpportunity,
    JobListing,
    JobStatus,
    OpportunityStatus,
    SavedJob,
    SavedOpportunity,
    User,
)
from app.services.ics import Deadline, calendar_bytes

TOKEN_BYTES = 32  # 43 URL-safe characters; the column holds 64


def new_feed_token(user: User) -> str:
    """Create (or replace) the secret: any earlier feed URL stops working."""
    user.feed_token = secrets.token_urlsafe(TOKEN_BYTES)
    return user.feed_token


def revoke_feed_token(user: User) -> None:
    user.feed_token = None


def user_for_token(session: Session, token: str) -> User | None:
    """The active account whose current feed secret is `token`."""
    if not token or len(token) > 64:
        return None
    user = session.scalar(select(User).where(User.feed_token == token))
    if (
        user is None
        or not user.is_active
        or not secrets.compare_digest(user.feed_token or "", token)
    ):
        return None
    return user


def opportunity_deadline(row: FundingOpportunity, base_url: str) -> Deadline | None:
    """The deadline of one opportunity, or None when it is rolling or unknown."""
    if row.close_date is None:
        return None
    parts = [row.agency or "", f"Opportunity number {row.number}" if row.number else ""]
    if row.close_date_note:
        parts.append(row.close_date_note)
    return Deadline(
        uid=f"funding-{row.id}@pathfinder",
        title=row.title,
        day=row.close_date,
        url=f"{base_url.rstrip('/')}/funding/opportunities/{row.id}",
        description="\n".join(p for p in parts if p),
    )


def job_deadline(row: JobListing) -> Deadline | None:
    if row.close_date is None:
        return None
    where = row.organization or row.department or ""
    return Deadline(
        uid=f"job-{row.id}@pathfinder",
        title=f"{row.title}{f' ({where})' if where else ''}",
        day=row.close_date,
        url=row.url,
        description=f"Announcement {row.announcement_number}" if row.announcement_number else "",
    )


def feed_deadlines(session: Session, user_id: int, base_url: str, today: date) -> list[Deadline]:
    """Saved opportunities' and saved jobs' closing dates from `today` on."""
    opportunities = session.scalars(
        select(FundingOpportunity)
        .join(SavedOpportunity, SavedOpportunity.opportunity_id == FundingOpportunity.id)
        .where(
            SavedOpportunity.user_id == user_id,
            FundingOpportunity.close_date >= today,
            FundingOpportunity.status.in_((OpportunityStatus.POSTED, OpportunityStatus.FORECASTED)),
        )
    ).all()
    jobs = session.scalars(
        select(JobListing)
        .join(SavedJob, SavedJob.job_id == JobListing.id)
        .where(
            SavedJob.user_id == user_id,
            JobListing.close_date >= today,
            JobListing.status == JobStatus.OPEN,
        )
    ).all()
    deadlines: Iterable[Deadline | None] = [
        *(opportunity_deadline(o, base_url) for o in opportunities),
        *(job_deadline(j) for j in jobs),
    ]
    return sorted((d for d in deadlines if d), key=lambda d: (d.day, d.title))


def personal_feed(session: Session, user: User, base_url: str, now: datetime) -> bytes:
    return calendar_bytes(
        feed_deadlines(session, user.id, base_url, now.date()),
        name="Pathfinder deadlines",
        stamp=now,
    )


def opportunity_calendar(row: FundingOpportunity, base_url: str, now: datetime) -> bytes | None:
    """A one-event calendar for one opportunity; None when it has no fixed deadline."""
    deadline = opportunity_deadline(row, base_url)
    if deadline is None:
        return None
    return calendar_bytes([deadline], name=row.title[:100], stamp=now)
