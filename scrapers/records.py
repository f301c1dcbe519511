"""Normalised records: one schema per kind of listing, whatever the source.

Parsers produce these; the application stores them. Unknown values are None (or an empty
tuple), never a guess. `to_dict()` gives the JSON shape of `pathfinder listings --json`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

JobStatus = Literal["open", "closed"]
FundingStatus = Literal["forecasted", "posted", "closed", "archived"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


class _Record:
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (dates as ISO 8601 strings, tuples as lists), raw payload excluded."""
        return {
            f.name: _jsonable(getattr(self, f.name))
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.name != "raw"
        }

    def content_hash(self) -> str:
        """Stable hash of the normalised content: equal hashes mean nothing changed."""
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class JobRecord(_Record):
    source: str  # "usajobs" or "agency" (posted in Pathfinder)
    source_id: str  # USAJOBS control number (MatchedObjectId)
    title: str
    organization: str | None = None
    department: str | None = None
    agency_code: str | None = None  # e.g. "HSBD" from OrganizationCodes "HS/HSBD"
    announcement_number: str | None = None  # PositionID
    series: tuple[str, ...] = ()  # 4-digit strings, e.g. ("2210",)
    pay_plan: str | None = None  # "GS", "GG", ...
    grade_low: int | None = None
    grade_high: int | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_interval: str | None = None  # "Per Year", "Per Hour", ...
    locations: tuple[str, ...] = ()
    remote: bool | None = None
    telework: bool | None = None
    clearance: str | None = None  # codelist value text, e.g. "Top Secret"
    hiring_paths: tuple[str, ...] = ()  # lowercase USAJOBS codes, e.g. ("public", "vet")
    open_date: date | None = None
    close_date: date | None = None
    url: str | None = None  # canonical https://www.usajobs.gov/job/<id>
    summary: str | None = None  # plain text
    body: str | None = None  # duties, qualifications, requirements: plain text for matching
    status: JobStatus = "open"
    raw: dict[str, Any] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class FundingRecord(_Record):
    source: str  # "grantsgov" or "simpler"
    source_id: str  # Grants.gov opportunity id (digits) or simpler.grants.gov UUID
    title: str
    number: str | None = None  # funding opportunity number, e.g. "DHS-26-..."
    legacy_id: str | None = None  # Grants.gov id, also on simpler records: links the two
    agency_code: str | None = None
    agency: str | None = None
    assistance_listings: tuple[str, ...] = ()  # "97.137"
    status: FundingStatus = "posted"
    open_date: date | None = None
    close_date: date | None = None  # None when rolling or unknown (2076/2099 stand-ins)
    close_date_note: str | None = None  # e.g. "Proposals accepted anytime"
    archive_date: date | None = None
    award_ceiling: float | None = None
    award_floor: float | None = None
    total_funding: float | None = None
    expected_awards: int | None = None
    eligible_applicants: tuple[str, ...] = ()  # Grants.gov codes "00".."99"
    eligibility_note: str | None = None  # plain text
    categories: tuple[str, ...] = ()  # Grants.gov funding activity codes, e.g. ("ST",)
    funding_instruments: tuple[str, ...] = ()  # "G", "CA", "PC", "O"
    cost_sharing: bool | None = None
    url: str | None = None  # https://www.grants.gov/search-results-detail/<id>
    description: str | None = None  # plain text, HTML removed
    raw: dict[str, Any] | None = field(default=None, compare=False, repr=False)
