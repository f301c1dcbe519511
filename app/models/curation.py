"""What OPM staff and admins do: catalog versions, invitations, classification reviews, queued
scrapes, and NICE workbooks waiting for confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class CatalogVersion(Base):
    """One version of one catalog entry: the whole entry, in `data/`'s format, as it became.

    Versions are numbered from 1 per entry and never change; a revert is a new version whose
    document is an older one's. `action` says where the version came from: "load" (the
    reviewed files), "edit" or "revert" (a person, with a reason), "delete".
    """

    __tablename__ = "catalog_versions"
    __table_args__ = (UniqueConstraint("entity_type", "entity_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(32))  # work_role | skill | pathway | ...
    entity_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(16))
    document: Mapped[dict[str, Any] | None] = mapped_column()  # None once deleted
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(320))  # e-mail, "cli" or "system"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reverted_to: Mapped[int | None] = mapped_column()  # the version number a revert restored


class Invitation(Base):
    """A one-time link an admin sent; only the token's SHA-256 is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)  # stored lower-case
    roles: Mapped[list[str]] = mapped_column(default=list)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # An agency poster's agency, which their account gets on accepting (posters post for one).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"))


class ClassificationReview(Base):
    """A staff decision on a job's work roles: accepted as classified, or overridden."""

    __tablename__ = "classification_reviews"
    __table_args__ = (Index("ix_classification_reviews_job_id_at", "job_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job_listings.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(16))  # accept | override
    work_roles: Mapped[list[str]] = mapped_column(default=list)  # primary first
    opm_code: Mapped[str | None] = mapped_column(String(3))
    reason: Mapped[str | None] = mapped_column(Text)


class ScrapeRequest(Base):
    """A re-run of a source queued by staff, picked up by the next `pathfinder scrape`."""

    __tablename__ = "scrape_requests"
    __table_args__ = (Index("ix_scrape_requests_source_picked_at", "source", "picked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    picked_at: Mapped[datetime | None] = mapped_column()
    run_id: Mapped[int | None] = mapped_column(ForeignKey("scrape_runs.id", ondelete="SET NULL"))


class PendingNiceImport(Base):
    """An uploaded NICE workbook waiting for staff to confirm its diff."""

    __tablename__ = "pending_nice_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column()
