"""Keys that OPM staff issue to partners of the public JSON API, for a higher rate limit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import User
from app.models.base import Base, utcnow


class ApiKey(Base):
    """One partner's key. Only the SHA-256 of the key is stored (`app.services.api_keys`).

    `created_by` and `revoked_by` are None when an operator used the command line.
    """

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # who it is for: "State of Ohio ..."
    contact_email: Mapped[str] = mapped_column(String(320))
    # The key's first characters, shown to staff and partners to tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256
    rate_limit: Mapped[str] = mapped_column(String(64))  # Flask-Limiter notation
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Updated at most once a minute per key (`app.services.api_keys.record_use`).
    last_used_at: Mapped[datetime | None] = mapped_column()

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
