"""Openings agencies post through Pathfinder: a draft, then published as a job, then closed.

An opening is the agency's own record, edited by its posters; publishing it writes the job
listing job seekers see (`JobListing`, source "agency", `source_id` the opening's id), coded
with the work roles the poster chose. Every change to an opening is a numbered version.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.catalog import _enum
from app.models.listings import Agency, JobListing


class OpeningStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"  # by hand, or at its close date
    WITHDRAWN = "withdrawn"  # taken down before its close date


class AgencyOpening(Base):
    __tablename__ = "agency_openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[OpeningStatus] = mapped_column(
        _enum(OpeningStatus, "opening_status"), default=OpeningStatus.DRAFT
    )
    version: Mapped[int] = mapped_column(default=1)  # the number of its latest version
    title: Mapped[str] = mapped_column(String(500))
    announcement_number: Mapped[str | None] = mapped_column(String(128), index=True)
    series: Mapped[list[str]] = mapped_column(default=list)
    pay_plan: Mapped[str | None] = mapped_column(String(8))
    grade_low: Mapped[int | None] = mapped_column()
    grade_high: Mapped[int | None] = mapped_column()
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    locations: Mapped[list[str]] = mapped_column(default=list)
    remote: Mapped[bool] = mapped_column(default=False)
    telework: Mapped[bool] = mapped_column(default=False)
    hiring_paths: Mapped[list[str]] = mapped_column(default=list)  # USAJOBS HiringPath codes
    who_may_apply: Mapped[str | None] = mapped_column(Text)
    clearance: Mapped[str | None] = mapped_column(String(128))
    open_date: Mapped[date | None] = mapped_column()
    close_date: Mapped[date | None] = mapped_column()
    duties: Mapped[str | None] = mapped_column(Text)
    qualifications: Mapped[str | None] = mapped_column(Text)
    apply_url: Mapped[str | None] = mapped_column(String(500))
    work_roles: Mapped[list[str]] = mapped_column(default=list)  # NICE role ids, primary first
    opm_codes: Mapped[list[str]] = mapped_column(default=list)  # OPM cyber codes, primary first
    # The listing job seekers see, once published (kept, closed, after it closes).
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_listings.id", ondelete="SET NULL"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()

    agency: Mapped[Agency] = relationship()
    job: Mapped[JobListing | None] = relationship()
    versions: Mapped[list[AgencyOpeningVersion]] = relationship(
        back_populates="opening",
        cascade="all, delete-orphan",
        order_by="AgencyOpeningVersion.number",
    )


class AgencyOpeningVersion(Base):
    """One version of an opening: all its fields as they became, who, when and what happened."""

    __tablename__ = "agency_opening_versions"
    __table_args__ = (UniqueConstraint("opening_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(
        ForeignKey("agency_openings.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(16))  # create | edit | publish | close | withdraw
    document: Mapped[dict[str, Any]] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(320))  # e-mail, or "system" for automatic closing
    at: Mapped[datetime] = mapped_column(default=utcnow)

    opening: Mapped[AgencyOpening] = relationship(back_populates="versions")
