"""A job seeker's match: what they uploaded and answered, kept only as long as needed.

No account: the unguessable token in the results link is the only key, and only its hash is
stored. The uploaded file itself is kept only when the person asks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class MatchRequest(Base):
    __tablename__ = "match_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the link token
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    source_kind: Mapped[str] = mapped_column(String(16))  # pdf | docx | txt | html | pasted
    filename: Mapped[str | None] = mapped_column(String(255))
    pages: Mapped[int | None] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    warnings: Mapped[list[str]] = mapped_column(default=list)
    # The eligibility questions as answered (student, veteran, rating, location, ...).
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Role matches, pathway eligibility and signals computed at upload (jobs are live).
    results: Mapped[dict[str, Any]] = mapped_column(default=dict)
    file_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    file_type: Mapped[str | None] = mapped_column(String(100))
