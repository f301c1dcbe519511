"""What the system did: scrape runs and the audit log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.catalog import _enum


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ScrapeRun(Base):
    """One scrape or ingest of one source, kept for staff to review."""

    __tablename__ = "scrape_runs"
    __table_args__ = (Index("ix_scrape_runs_source_started_at", "source", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="scrape")  # scrape | ingest
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    status: Mapped[RunStatus] = mapped_column(_enum(RunStatus, "run_status"), default="running")
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    new: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    closed: Mapped[int] = mapped_column(default=0)
    # Records a full sweep had closed that came back open by their own dates.
    reopened: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    failed: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # What went wrong short of failing the run: records not stored, details a source refused.
    warnings: Mapped[list[str]] = mapped_column(default=list, server_default=text("'[]'"))


class AuditEntry(Base):
    """Who changed what, when: catalog loads and imports, curation, overrides, postings."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(320))  # e-mail, "cli" or "system"
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(128))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)


class TableChange(Base):
    """One write to a listings table, recorded by the database's own triggers (migration 0012).

    Caches of what the listings give (filter choices, fitted indexes, counts) compare the
    change stamp of the tables they read (`app.services.table_changes`): cheap index lookups
    whatever the table's size, and exact, because a row becomes visible only when the write
    that recorded it commits.
    """

    __tablename__ = "table_changes"
    __table_args__ = (Index("ix_table_changes_table_name_id", "table_name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
