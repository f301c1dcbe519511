"""Delivering the outbox: SMTP when configured, otherwise the log.

A message is claimed before it is sent (a conditional update that only one sender can win),
so two senders running at once never both send it; it is marked sent right after. A failed
send keeps its error and is retried later with exponential backoff, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=12)
CLAIM_LEASE = timedelta(minutes=10)  # a sender that dies mid-send frees the message after this
BATCH = 200


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    username: str = ""
    password: str = ""
    sender: str = "pathfinder@localhost"
    starttls: bool = True
    timeout: float = 30.0


class SmtpMailer:
    """Sends through an SMTP server: STARTTLS (verified) and login when configured."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password)
            smtp.send_message(message)


class LogMailer:
    """No SMTP server configured: each message is written to the log instead."""

    def send(self, message: EmailMessage) -> None:
        log.info(
            "outbox (no SMTP_HOST set; not sent by e-mail) to=%s subject=%s\n%s",
            message["To"],
            message["Subject"],
            message.get_content(),
        )


def mailer_from_config(config: Mapping[str, Any]) -> Mailer:
    """SMTP when SMTP_HOST is set, otherwise the log."""
    host = str(config.get("SMTP_HOST") or "")
    if not host:
        return LogMailer()
    return SmtpMailer(
        SmtpSettings(
            host=host,
            port=int(config.get("SMTP_PORT") or 587),
            username=str(config.get("SMTP_USERNAME") or ""),
            password=str(config.get("SMTP_PASSWORD") or ""),
            sender=str(config.get("SMTP_FROM") or "pathfinder@localhost"),
            starttls=bool(config.get("SMTP_STARTTLS", True)),
        )
    )


def sender_address(config: Mapping[str, Any]) -> str:
    return str(config.get("SMTP_FROM") or "pathfinder@localhost")


def to_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    # Stable per outbox row: should a message ever go out twice, mail programs merge them.
    domain = sender.rpartition("@")[2] or "pathfinder.local"
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=domain)
    email.set_content(message.body)
    return email


def backoff(attempts: int) -> timedelta:
    """5 minutes, 10, 20, ... capped at 12 hours."""
    return min(BASE_BACKOFF * (2 ** max(0, attempts - 1)), MAX_BACKOFF)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0

    def summary(self) -> str:
        text = f"{self.sent} sent, {self.failed} failed (will retry)"
        return text + (
            f", {self.gave_up} given up after {MAX_ATTEMPTS} attempts" if self.gave_up else ""
        )


def pending(session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    """Ids of unsent messages whose turn has come."""
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.attempts < MAX_ATTEMPTS,
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def _claim(session: Session, message_id: int, now: datetime) -> bool:
    """Take the message for this sender (one winner), committed before anything is sent."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.attempts < MAX_ATTEMPTS,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .values(next_attempt_at=now + CLAIM_LEASE, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(result.rowcount)


def deliver(
    session: Session, mailer: Mailer, now: datetime, sender: str, limit: int = BATCH
) -> DeliveryReport:
    """Send what is due; commits after each message so progress is never lost."""
    report = DeliveryReport()
    for message_id in pending(session, now, limit):
        if not _claim(session, message_id, now):
            continue  # another sender has it
        message = session.get(OutboxMessage, message_id, populate_existing=True)
        if message is None:
            continue
        try:
            mailer.send(to_email(message, sender))
        except Exception as exc:  # any failure is recorded and retried later
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.next_attempt_at = None
                report.gave_up += 1
                log.error("giving up on outbox message %s: %s", message.id, message.last_error)
            else:
                message.next_attempt_at = now + backoff(message.attempts)
                report.failed += 1
                log.warning("outbox message %s failed: %s", message.id, message.last_error)
        else:
            message.sent_at = now
            message.next_attempt_at = None
            message.last_error = None
            report.sent += 1
        session.commit()
    return report
