"""The outbox sender: SMTP when configured (a fake server here), the log otherwise,
never twice, failures retried with backoff."""

import logging
import smtplib
from datetime import UTC, datetime, timedelta

import pytest

from app.models import OutboxMessage
from app.services import outbox
from app.services.outbox import (
    LogMailer,
    SmtpMailer,
    backoff,
    deliver,
    mailer_from_config,
)

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
SETTINGS = {
    "SMTP_HOST": "smtp.example.gov",
    "SMTP_PORT": 2525,
    "SMTP_USERNAME": "pathfinder",
    "SMTP_PASSWORD": "secret",
    "SMTP_FROM": "alerts@pathfinder.example.gov",
    "SMTP_STARTTLS": True,
}


class FakeSMTP:
    """Stands in for smtplib.SMTP; records every connection and message."""

    sent: list = []
    connections: list = []
    fail_times = 0

    def __init__(self, host, port, timeout=None):
        self.calls = [("connect", host, port)]
        FakeSMTP.connections.append(self.calls)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.calls.append(("quit",))

    def starttls(self, context=None):
        self.calls.append(("starttls", context is not None))

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, message):
        if FakeSMTP.fail_times:
            FakeSMTP.fail_times -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(monkeypatch):
    FakeSMTP.sent, FakeSMTP.connections, FakeSMTP.fail_times = [], [], 0
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


def queue(db, key="digest:1:2026-11-22", **fields):
    message = OutboxMessage(
        to_address="office@example.gov",
        subject="Pathfinder funding alerts: 1 new",
        body="Hello,\n\nSomething new.\n",
        dedupe_key=key,
        **fields,
    )
    db.add(message)
    db.flush()
    return message


def send(db, when=NOW):
    return deliver(db, mailer_from_config(SETTINGS), when, SETTINGS["SMTP_FROM"])


def test_smtp_delivery_uses_starttls_and_login_and_marks_sent(db, smtp):
    message = queue(db)
    report = send(db)
    assert (report.sent, report.failed) == (1, 0)
    [email] = smtp.sent
    assert email["To"] == "office@example.gov" and email["From"] == SETTINGS["SMTP_FROM"]
    assert email["Subject"] == "Pathfinder funding alerts: 1 new"
    assert "Something new." in email.get_content()
    assert email["Message-ID"]
    calls = smtp.connections[0]
    assert calls[0] == ("connect", "smtp.example.gov", 2525)
    assert ("starttls", True) in calls and ("login", "pathfinder", "secret") in calls
    db.refresh(message)
    assert message.sent_at == NOW and message.attempts == 1 and message.last_error is None


def test_a_message_is_never_sent_twice(db, smtp):
    queue(db)
    send(db)
    assert send(db).sent == 0
    assert send(db, NOW + timedelta(days=3)).sent == 0
    assert len(smtp.sent) == 1


def test_a_failed_send_keeps_its_error_and_is_retried_after_backoff(db, smtp):
    message = queue(db)
    smtp.fail_times = 1
    report = send(db)
    assert (report.sent, report.failed) == (0, 1)
    db.refresh(message)
    assert message.sent_at is None and message.attempts == 1
    assert "SMTPServerDisconnected" in message.last_error
    assert message.next_attempt_at == NOW + backoff(1)

    assert send(db, NOW + timedelta(minutes=1)).sent == 0  # not yet its turn
    assert send(db, NOW + backoff(1)).sent == 1
    db.refresh(message)
    assert message.sent_at is not None and message.attempts == 2 and message.last_error is None
    assert len(smtp.sent) == 1


def test_backoff_grows_and_is_capped():
    assert backoff(1) == timedelta(minutes=5)
    assert backoff(2) == timedelta(minutes=10)
    assert backoff(3) == timedelta(minutes=20)
    assert backoff(30) == outbox.MAX_BACKOFF


def test_gives_up_after_the_last_attempt(db, smtp):
    message = queue(db, attempts=outbox.MAX_ATTEMPTS - 1)
    smtp.fail_times = 5
    report = send(db)
    assert report.gave_up == 1
    db.refresh(message)
    assert message.attempts == outbox.MAX_ATTEMPTS and message.next_attempt_at is None
    assert send(db, NOW + timedelta(days=30)).sent == 0


def test_reminder_records_and_claimed_messages_are_not_sent(db, smtp):
    queue(db, key="closing:1:2:14:2026-12-06", sent_at=NOW)  # a record, already "sent"
    queue(db, key="digest:2:2026-11-22", next_attempt_at=NOW + timedelta(minutes=5))  # claimed
    assert send(db).sent == 0
    assert smtp.sent == []


def test_a_message_claimed_by_another_sender_is_skipped(db, smtp):
    message = queue(db)
    # Another sender claims it between our listing and our claim.
    assert outbox._claim(db, message.id, NOW)
    assert not outbox._claim(db, message.id, NOW)
    assert send(db).sent == 0
    assert smtp.sent == []


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_without_smtp_host_messages_go_to_the_log(db, smtp):
    queue(db)
    mailer = mailer_from_config({"SMTP_HOST": ""})
    assert isinstance(mailer, LogMailer)
    logger = logging.getLogger("app.services.outbox")
    handler, level = ListHandler(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        report = deliver(db, mailer, NOW, "pathfinder@localhost")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert report.sent == 1 and smtp.sent == []
    text = "\n".join(handler.lines)
    assert "Something new." in text and "office@example.gov" in text


def test_mailer_from_config_reads_the_smtp_settings():
    mailer = mailer_from_config(SETTINGS)
    assert isinstance(mailer, SmtpMailer)
    assert mailer.settings.port == 2525 and mailer.settings.starttls
    assert mailer.settings.sender == "alerts@pathfinder.example.gov"
