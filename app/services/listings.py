"""Read-side of stored listings: the normalised JSON shape, shared by the CLI and the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import FundingOpportunity, JobListing
from app.services.ingest.store import FUNDING_FIELDS, JOB_FIELDS


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):  # StrEnum members become plain strings
        return str(value)
    return value


def listing_dict(row: JobListing | FundingOpportunity) -> dict[str, Any]:
    """The normalised record of a stored listing, plus its id, provenance and links."""
    fields = JOB_FIELDS if isinstance(row, JobListing) else FUNDING_FIELDS
    data: dict[str, Any] = {"source": row.source, "source_id": row.source_id}
    data.update({name: _plain(getattr(row, name)) for name in fields})
    data.update(
        {
            "id": row.id,
            "is_sample": row.is_sample,
            "duplicate_of": row.duplicate_of_id,
            "first_seen_at": _plain(row.first_seen_at),
            "last_seen_at": _plain(row.last_seen_at),
            "closed_at": _plain(row.closed_at),
        }
    )
    return data


def all_listings(session: Session, kind: str, include_duplicates: bool = False) -> list[dict]:
    model = JobListing if kind == "jobs" else FundingOpportunity
    query = select(model).order_by(model.source, model.source_id)
    if not include_duplicates:
        query = query.where(model.duplicate_of_id.is_(None))
    return [listing_dict(row) for row in session.scalars(query)]
