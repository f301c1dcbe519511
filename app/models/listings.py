"""Listings gathered by the scrapers or posted by agencies: jobs and funding opportunities.

Both are unique on (source, source_id); a listing that disappears from its source is closed,
never deleted; a cross-source duplicate points at the record shown in its place.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.catalog import WorkRole, _enum


class JobStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class OpportunityStatus(enum.StrEnum):
    FORECASTED = "forecasted"
    POSTED = "posted"
    CLOSED = "closed"
    ARCHIVED = "archived"


class ClassificationSource(enum.StrEnum):
    MODEL = "model"
    STAFF = "staff"


class Agency(Base):
    """A hiring or funding organisation (USAJOBS organisation code or Grants.gov agency code)."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    department: Mapped[str | None] = mapped_column(String(255))


class ListingMixin:
    """Provenance and lifecycle shared by jobs and funding opportunities."""

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(500))
    is_sample: Mapped[bool] = mapped_column(default=False)
    # Hash of the normalised record: an unchanged record is recognised without a field diff.
    content_hash: Mapped[str] = mapped_column(String(64))
    # What makes two records the same listing across sources or control numbers.
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    # The source's payload, kept for staff and reprocessing; no page reads it, so it is
    # loaded only when asked for (a USAJOBS payload is several times the listing's size).
    raw: Mapped[dict[str, Any] | None] = mapped_column(deferred=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Indexed so that a table's stamp (`app.services.listing_choices`) costs two lookups.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)


class JobListing(ListingMixin, Base):
    __tablename__ = "job_listings"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_job_listings_status_close_date", "status", "close_date"),
        # /jobs/ in its order (soonest deadline first): a page and its count read the index,
        # never the whole table. Partial: only what job seekers browse.
        Index(
            "ix_job_listings_browse",
            "close_date",
            "title",
            "id",
            sqlite_where=text("status = 'open' AND duplicate_of_id IS NULL"),
            postgresql_where=text("status = 'open' AND duplicate_of_id IS NULL"),
        ),
    )

    announcement_number: Mapped[str | None] = mapped_column(String(128))
    organization: Mapped[str | None] = mapped_column(String(255))
    department: Mapped[str | None] = mapped_column(String(255))
    agency_code: Mapped[str | None] = mapped_column(String(32), index=True)
    series: Mapped[list[str]] = mapped_column(default=list)
    pay_plan: Mapped[str | None] = mapped_column(String(8))
    grade_low: Mapped[int | None] = mapped_column()
    grade_high: Mapped[int | None] = mapped_column()
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    salary_interval: Mapped[str | None] = mapped_column(String(32))
    locations: Mapped[list[str]] = mapped_column(default=list)
    remote: Mapped[bool | None] = mapped_column()
    telework: Mapped[bool | None] = mapped_column()
    clearance: Mapped[str | None] = mapped_column(String(128))
    hiring_paths: Mapped[list[str]] = mapped_column(default=list)
    open_date: Mapped[date | None] = mapped_column()
    close_date: Mapped[date | None] = mapped_column()
    summary: Mapped[str | None] = mapped_column(Text)
    # Duties, qualifications and other announcement text, for matching.
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus, "job_status"), default="open")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_listings.id", ondelete="SET NULL")
    )
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The content hash the stored role classification was computed from.
    classified_hash: Mapped[str | None] = mapped_column(String(64))

    classifications: Mapped[list[JobRoleClassification]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="JobRoleClassification.rank"
    )


class JobRoleClassification(Base):
    """A job's likely work roles: computed by the matcher, overridable by staff."""

    __tablename__ = "job_role_classifications"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("job_listings.id", ondelete="CASCADE"), primary_key=True
    )
    work_role_id: Mapped[str] = mapped_column(
        ForeignKey("work_roles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column()
    source: Mapped[ClassificationSource] = mapped_column(
        _enum(ClassificationSource, "classification_source")
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    job: Mapped[JobListing] = relationship(back_populates="classifications")
    work_role: Mapped[WorkRole] = relationship()


def _keyword_indexes(table: str, columns: tuple[str, ...]) -> list[Index]:
    """PostgreSQL trigram indexes for `lower(column) LIKE '%word%'`: keyword search read from
    an index rather than every row's text. SQLite (small databases) has none."""
    return [
        Index(
            f"ix_{table}_{column}_trgm",
            func.lower(text(column)).label(f"{column}_lower"),
            postgresql_using="gin",
            postgresql_ops={f"{column}_lower": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql")
        for column in columns
    ]


class FundingOpportunity(ListingMixin, Base):
    __tablename__ = "funding_opportunities"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_funding_opportunities_status_close_date", "status", "close_date"),
        *_keyword_indexes("funding_opportunities", ("title", "description", "number", "agency")),
    )

    number: Mapped[str | None] = mapped_column(String(128), index=True)
    agency_code: Mapped[str | None] = mapped_column(String(64))
    agency: Mapped[str | None] = mapped_column(String(255))
    assistance_listings: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[OpportunityStatus] = mapped_column(
        _enum(OpportunityStatus, "opportunity_status")
    )
    open_date: Mapped[date | None] = mapped_column()
    # Null when rolling or unknown: stand-in years such as 2099 are not deadlines.
    close_date: Mapped[date | None] = mapped_column()
    close_date_note: Mapped[str | None] = mapped_column(Text)
    archive_date: Mapped[date | None] = mapped_column()
    award_ceiling: Mapped[float | None] = mapped_column(Float)
    award_floor: Mapped[float | None] = mapped_column(Float)
    total_funding: Mapped[float | None] = mapped_column(Float)
    expected_awards: Mapped[int | None] = mapped_column()
    eligible_applicants: Mapped[list[str]] = mapped_column(default=list)
    eligibility_note: Mapped[str | None] = mapped_column(Text)
    categories: Mapped[list[str]] = mapped_column(default=list)
    funding_instruments: Mapped[list[str]] = mapped_column(default=list)
    cost_sharing: Mapped[bool | None] = mapped_column()
    description: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_opportunities.id", ondelete="SET NULL")
    )
