"""Funding opportunities and program office accounts made to measure for the funding tests."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date, timedelta
from typing import Any

from app.models import FundingOpportunity, OpportunityStatus
from app.services.accounts import create_user

_ids = itertools.count(1)
PASSWORD = "a long passphrase"


def make_opportunity(db, *, days_left: int | None = 30, today: date | None = None, **fields: Any):
    """A canonical posted opportunity closing `days_left` days after `today` (None: rolling)."""
    today = today or date.today()
    n = next(_ids)
    values: dict[str, Any] = {
        "source": "grantsgov",
        "source_id": f"T{n:06d}",
        "title": f"Test opportunity {n}",
        "number": f"TEST-{n:04d}",
        "agency": "Cybersecurity and Infrastructure Security Agency",
        "status": OpportunityStatus.POSTED,
        "close_date": None if days_left is None else today + timedelta(days=days_left),
        "eligible_applicants": ["00"],
        "assistance_listings": ["97.137"],
        "categories": ["DPR"],
        "description": "Cybersecurity for state and local governments.",
        "url": f"https://www.grants.gov/search-results-detail/{n}",
    }
    values.update(fields)
    values.setdefault("content_hash", _hash(values))
    row = FundingOpportunity(**values)
    db.add(row)
    db.flush()
    return row


def change(row: FundingOpportunity, **fields: Any) -> FundingOpportunity:
    """Edit an opportunity the way a re-scrape would: new values, new content hash."""
    for key, value in fields.items():
        setattr(row, key, value)
    row.content_hash = _hash({k: getattr(row, k) for k in ("title", "description", "close_date")})
    return row


def _hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(repr(sorted(values.items(), key=lambda kv: kv[0])).encode()).hexdigest()


def make_office(db, email: str = "office@example.gov", name: str = "Pat Office"):
    user = create_user(db, email, name, PASSWORD, ["program_office"])
    db.flush()
    return user
