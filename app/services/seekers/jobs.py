"""Browsing open jobs: filters and paging in SQL, the same on SQLite and PostgreSQL.

Series, hiring paths and locations are JSON lists, filtered in SQL on both backends
(`app.services.json_lists`), so paging stays in SQL. How many jobs a filter finds is counted
once per change of the listings (`app.services.listing_choices`), not on every page.

The work-role filter reads the stored classifications: the matcher's top roles, or, once OPM
staff reviewed a job, the roles they set (which replace the matcher's), from the next request.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from app.models import (
    ClassificationReview,
    ClassificationSource,
    JobListing,
    JobRoleClassification,
    JobSeries,
    JobStatus,
)
from app.services import listing_choices
from app.services.json_lists import contains as _contains
from app.services.json_lists import elements as _elements
from matching.jobs import HIRING_PATH_NAMES, JOB_CLEARANCE_LEVELS, US_STATES
from vocabulary.text import is_ascii_digits

PER_PAGE = 20
WORK_ROLE_ID = re.compile(r"[A-Z]{2}-WRL-[0-9]{3}")
CLOSING_SOON_DAYS = 14
CLOSING_WITHIN = (7, 14, 30, 60)
GRADES = tuple(range(1, 16))
# Browse choices -> the job clearance levels of matching.jobs they cover.
CLEARANCE_CHOICES: dict[str, tuple[str, tuple[int, ...]]] = {
    "none": ("No clearance needed", (0,)),
    "public_trust": ("Public Trust", (1,)),
    "secret": ("Confidential, Secret or DOE L", (2, 3)),
    "top_secret": ("Top Secret or DOE Q", (4,)),
    "ts_sci": ("Top Secret/SCI", (5,)),
}


@dataclass(frozen=True)
class JobFilters:
    """What the person chose on /jobs/; None or empty means "any"."""

    series: str | None = None
    hiring_path: str | None = None
    grade: int | None = None
    location: str | None = None
    remote: bool = False
    clearance: str | None = None
    closing_within: int | None = None
    page: int = 1
    work_role: str | None = None  # a work role id ("PD-WRL-001"), query argument "role"

    @classmethod
    def from_args(cls, args: Any) -> JobFilters:
        """From query-string arguments; anything unrecognised is ignored, never an error."""

        def number(name: str, allowed: tuple[int, ...] | None = None) -> int | None:
            raw = (args.get(name) or "").strip()
            if not is_ascii_digits(raw):
                return None
            value = int(raw)
            return value if allowed is None or value in allowed else None

        series = (args.get("series") or "").strip()
        path = (args.get("hiring_path") or "").strip().lower()
        clearance = (args.get("clearance") or "").strip()
        role = (args.get("role") or "").strip().upper()
        return cls(
            series=series if is_ascii_digits(series) and len(series) == 4 else None,
            hiring_path=path if path in HIRING_PATH_NAMES else None,
            grade=number("grade", GRADES),
            location=(args.get("location") or "").strip()[:100] or None,
            remote=(args.get("remote") or "") in {"1", "on", "true", "yes"},
            clearance=clearance if clearance in CLEARANCE_CHOICES else None,
            closing_within=number("closing_within", CLOSING_WITHIN),
            work_role=role if WORK_ROLE_ID.fullmatch(role) else None,
            page=max(1, min(number("page") or 1, 10_000)),
        )

    def active(self) -> bool:
        return any(
            (
                self.series,
                self.hiring_path,
                self.grade,
                self.location,
                self.remote,
                self.clearance,
                self.closing_within,
                self.work_role,
            )
        )

    def query_args(self) -> dict[str, Any]:
        """The filters as query-string arguments (for paging links), without the page."""
        values = {
            "series": self.series,
            "hiring_path": self.hiring_path,
            "grade": self.grade,
            "location": self.location,
            "remote": "1" if self.remote else None,
            "clearance": self.clearance,
            "closing_within": self.closing_within,
            "role": self.work_role,
        }
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass
class JobPage:
    jobs: list[JobListing]
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def _location_matches(session: Session, place: str) -> ColumnElement[bool]:
    """A job location names the place: a state (code or name) as the state, else any text."""
    items = _elements(session, JobListing.locations)
    words = " ".join(place.lower().split())
    state = US_STATES.get(words.replace(".", ""), words if words in US_STATES.values() else None)
    value = func.lower(items.c.value)
    if state:
        condition = or_(value == state, value.like(f"%, {_escape(state)}", escape="\\"))
    else:
        condition = value.like(f"%{_escape(words)}%", escape="\\")
    return exists(select(1).select_from(items).where(condition))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _clearance_texts(levels: tuple[int, ...]) -> list[str]:
    return [text for text, level in JOB_CLEARANCE_LEVELS.items() if level in levels]


def open_jobs_query(today: date):
    """Open, non-duplicate jobs that have not passed their closing date."""
    return select(JobListing).where(
        JobListing.status == JobStatus.OPEN,
        JobListing.duplicate_of_id.is_(None),
        or_(JobListing.close_date.is_(None), JobListing.close_date >= today),
    )


def _apply(session: Session, query: Any, filters: JobFilters, today: date) -> Any:
    if filters.series:
        query = query.where(_contains(session, JobListing.series, filters.series))
    if filters.hiring_path:
        query = query.where(_contains(session, JobListing.hiring_paths, filters.hiring_path))
    if filters.grade:
        query = query.where(
            JobListing.grade_low > 0,
            JobListing.grade_low <= filters.grade,
            func.coalesce(func.nullif(JobListing.grade_high, 0), JobListing.grade_low)
            >= filters.grade,
        )
    if filters.location:
        places = [p for p in filters.location.split(";") if p.strip()]
        query = query.where(or_(*(_location_matches(session, p) for p in places)))
    if filters.remote:
        query = query.where(JobListing.remote.is_(True))
    if filters.clearance:
        label_levels = CLEARANCE_CHOICES[filters.clearance][1]
        normalised = func.lower(func.trim(JobListing.clearance))
        condition = normalised.in_(_clearance_texts(label_levels))
        if 0 in label_levels:
            condition = or_(condition, JobListing.clearance.is_(None), normalised == "")
        query = query.where(condition)
    if filters.closing_within:
        query = query.where(
            JobListing.close_date.is_not(None),
            JobListing.close_date <= today + timedelta(days=filters.closing_within),
        )
    if filters.work_role:
        query = query.where(in_work_role(filters.work_role))
    return query


def in_work_role(role_id: str) -> ColumnElement[bool]:
    """The job is classified under the work role: by the matcher, or by staff (which wins)."""
    return exists(
        select(1).where(
            JobRoleClassification.job_id == JobListing.id,
            JobRoleClassification.work_role_id == role_id,
        )
    )


def browse_jobs(
    session: Session, filters: JobFilters, today: date, per_page: int = PER_PAGE
) -> JobPage:
    """One page of open jobs matching the filters, soonest closing date first."""
    query = _apply(session, open_jobs_query(today), filters, today)
    total = listing_choices.cached(
        session,
        (JobListing, JobRoleClassification) if filters.work_role else JobListing,
        f"jobs-total:{sorted(filters.query_args().items())}",
        today,
        lambda: session.scalar(select(func.count()).select_from(query.subquery())) or 0,
    )
    pages = max(1, math.ceil(total / per_page))
    page = min(filters.page, pages)
    jobs = session.scalars(
        # NULLS LAST is PostgreSQL's own ascending order: its browse index serves this.
        query.order_by(JobListing.close_date.asc().nulls_last(), JobListing.title, JobListing.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return JobPage(list(jobs), total, page, pages, per_page)


def closing_soon(
    session: Session, today: date, days: int = CLOSING_SOON_DAYS, limit: int = 200
) -> list[JobListing]:
    """Open jobs closing within `days` (today included), soonest first."""
    query = _apply(session, open_jobs_query(today), JobFilters(closing_within=days), today)
    return list(
        session.scalars(
            query.order_by(JobListing.close_date, JobListing.title, JobListing.id).limit(limit)
        )
    )


def get_job(session: Session, job_id: int) -> JobListing | None:
    """A job with its work-role classifications (any status: closed jobs say so)."""
    return session.scalar(
        select(JobListing)
        .where(JobListing.id == job_id)
        .options(
            selectinload(JobListing.classifications).selectinload(JobRoleClassification.work_role)
        )
    )


def staff_opm_code(session: Session, job: JobListing) -> str | None:
    """The OPM cyber code staff gave the job in the review behind its staff-set roles, if any."""
    if not any(c.source == ClassificationSource.STAFF for c in job.classifications):
        return None
    return session.scalar(
        select(ClassificationReview.opm_code)
        .where(ClassificationReview.job_id == job.id)
        .order_by(ClassificationReview.id.desc())
        .limit(1)
    )


def series_options(session: Session, today: date) -> list[tuple[str, str]]:
    """(code, "2210 IT Management") for every series that open jobs use (cached per change)."""
    return listing_choices.cached(
        session, JobListing, "series", today, lambda: _series_options(session, today)
    )


def _series_options(session: Session, today: date) -> list[tuple[str, str]]:
    items = _elements(session, JobListing.series)
    codes = session.scalars(
        select(items.c.value)
        .select_from(JobListing)
        .join(items, true())  # a lateral join on both backends
        .where(open_jobs_query(today).whereclause)
        .distinct()
    ).all()
    titles = {
        code: title for code, title in session.execute(select(JobSeries.series, JobSeries.title))
    }
    return [
        (code, f"{code} {titles[code]}" if code in titles else code)
        for code in sorted({str(c) for c in codes if c})
    ]


def series_labels(session: Session, codes: list[str]) -> list[str]:
    """Series codes with their titles ("2210 Information Technology Management")."""
    titles = {
        code: title
        for code, title in session.execute(
            select(JobSeries.series, JobSeries.title).where(JobSeries.series.in_(codes))
        )
    }
    return [f"{code} {titles[code]}" if code in titles else code for code in codes]
