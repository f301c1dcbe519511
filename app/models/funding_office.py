"""Program offices: profile, saved searches and opportunities, alerts, and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, utcnow


class ProgramOfficeProfile(TimestampMixin, Base):
    """What an office is and needs: the input of its funding matches."""

    __tablename__ = "program_office_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    organization_type: Mapped[str] = mapped_column(String(64))  # a plain-language group id
    applicant_types: Mapped[list[str]] = mapped_column(default=list)  # Grants.gov codes
    state: Mapped[str | None] = mapped_column(String(2))
    needs: Mapped[str] = mapped_column(Text, default="")
    award_min: Mapped[float | None] = mapped_column()
    award_max: Mapped[float | None] = mapped_column()
    work_roles: Mapped[list[str]] = mapped_column(default=list)


class SavedSearch(TimestampMixin, Base):
    """A funding search kept with a snapshot of its results, diffed for alerts."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[dict[str, Any]] = mapped_column(default=dict)
    alerts_enabled: Mapped[bool] = mapped_column(default=True)
    frequency: Mapped[str] = mapped_column(String(16), default="daily")  # daily | weekly
    # Opportunity ids and content hashes seen at the last alert: {"123": "hash"}.
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_alerted_at: Mapped[datetime | None] = mapped_column()

    exclusions: Mapped[list[SavedSearchExclusion]] = relationship(
        cascade="all, delete-orphan", back_populates="search"
    )


class SavedSearchExclusion(Base):
    """ "Not interested": one opportunity hidden from one saved search and its digests."""

    __tablename__ = "saved_search_exclusions"

    search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True
    )
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("funding_opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    search: Mapped[SavedSearch] = relationship(back_populates="exclusions")


class SavedOpportunity(Base):
    __tablename__ = "saved_opportunities"
    __table_args__ = (UniqueConstraint("user_id", "opportunity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("funding_opportunities.id", ondelete="CASCADE")
    )
    alerts_enabled: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedJob(Base):
    """A job kept by an account holder; its closing date joins their calendar feed."""

    __tablename__ = "saved_jobs"
    __table_args__ = (UniqueConstraint("user_id", "job_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job_listings.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """A message to send. `dedupe_key` is unique: the same alert is never queued twice."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


class AlertLog(Base):
    """What an alert already told an account (e.g. a 14-day reminder), so it is told once.

    `dedupe_key` names the fact (``closing:{user}:{opportunity}:{days}:{close date}``);
    `message_id` is the digest that carried it.
    """

    __tablename__ = "alert_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
