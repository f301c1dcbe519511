"""The agencies posters post for: the `Agency` rows, by USAJOBS organisation code.

Every scrape and ingest adds the agencies its jobs name (`app.services.ingest.agencies`),
so admins have them to choose from when inviting a poster.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Agency

__all__ = ["agency_by_code", "agency_choices"]


def agency_choices(session: Session) -> list[Agency]:
    """Every agency, by name."""
    return list(session.scalars(select(Agency).order_by(Agency.name, Agency.code)))


def agency_by_code(session: Session, code: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.code == (code or "").strip().upper()))
