"""Accounts. Job seekers need none; staff, agency posters, program offices and admins do."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, utcnow
from app.models.catalog import _enum


class Role(enum.StrEnum):
    OPM_STAFF = "opm_staff"
    AGENCY_POSTER = "agency_poster"
    PROGRAM_OFFICE = "program_office"
    ADMIN = "admin"


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-case
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    organization: Mapped[str | None] = mapped_column(String(255))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column()
    # Part of the id in every session cookie: raising it ends every session of the account,
    # on every instance (sign-out, a password change, an admin disabling the account).
    session_version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    # Secret for the personal iCal feed URL; None when revoked or never created.
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # When the account proved it reads mail at `email` (a verification link, or an invitation
    # to that address). Self-registered program offices start unverified; until then no alert
    # e-mail is sent to them (`app.services.funding.alerts`).
    email_verified_at: Mapped[datetime | None] = mapped_column()

    roles: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan")

    # Flask-Login's user protocol, spelled out so the model needs no Flask import.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """What a session cookie holds: the id and the session version (see `app.auth`)."""
        return f"{self.id}:{self.session_version}"

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, *roles: Role) -> bool:
        """Admins hold every role."""
        held = {r.role for r in self.roles}
        return Role.ADMIN in held or any(role in held for role in roles)


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role, "user_role"), primary_key=True)


class TokenPurpose(enum.StrEnum):
    RESET = "reset"  # a password reset link
    VERIFY = "verify"  # an e-mail address verification link


class AccountToken(Base):
    """A one-time link sent to an account's address; only the token's SHA-256 is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[TokenPurpose] = mapped_column(_enum(TokenPurpose, "account_token_purpose"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
