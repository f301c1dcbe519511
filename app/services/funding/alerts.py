"""Alert digests: what is new or changed in saved searches, and saved deadlines coming up.

`queue_digests` (run by `pathfinder alerts send`) writes at most one digest per account per
day into the outbox (dedupe key ``digest:{user}:{date}``), then moves each checked search's
snapshot forward. A second run on the same day leaves an account that already has a digest
untouched, so nothing it found is lost: it is reported the next day.

Deadline reminders fire 14 and 3 days before a saved opportunity closes. Each is recorded
under its own key ``closing:{user}:{opp}:{14|3}:{close_date}`` in the alert log, with the
digest that carried it, so it is included once; a moved deadline gets a fresh key and a fresh
reminder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import (
    AlertLog,
    FundingOpportunity,
    OpportunityStatus,
    OutboxMessage,
    SavedOpportunity,
    SavedSearch,
    User,
)
from app.services.funding.saved import excluded_ids, search_query
from app.services.funding.search import find_opportunities

log = logging.getLogger(__name__)

REMINDER_DAYS = (14, 3)
FREQUENCY_DAYS = {"daily": 1, "weekly": 7}
ROLLING = "Rolling / no fixed deadline"


def digest_key(user_id: int, day: date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def reminder_key(user_id: int, opportunity_id: int, threshold: int, close_date: date) -> str:
    return f"closing:{user_id}:{opportunity_id}:{threshold}:{close_date.isoformat()}"


def is_due(search: SavedSearch, today: date) -> bool:
    """Alerts on, and a day (daily) or a week (weekly) since the search was last checked."""
    if not search.alerts_enabled:
        return False
    if search.last_alerted_at is None:
        return True
    return (today - search.last_alerted_at.date()).days >= FREQUENCY_DAYS.get(search.frequency, 1)


@dataclass
class SearchNews:
    search: SavedSearch
    new: list[FundingOpportunity] = field(default_factory=list)
    changed: list[FundingOpportunity] = field(default_factory=list)
    snapshot: dict[str, str] = field(default_factory=dict)

    @property
    def has_news(self) -> bool:
        return bool(self.new or self.changed)


@dataclass
class Reminder:
    opportunity: FundingOpportunity
    threshold: int
    days_left: int
    key: str


@dataclass
class Digest:
    user: User
    day: date
    searches: list[SearchNews] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.reminders and not any(n.has_news for n in self.searches)

    @property
    def key(self) -> str:
        return digest_key(self.user.id, self.day)


@dataclass
class AlertReport:
    digests: int = 0
    searches_checked: int = 0
    new: int = 0
    changed: int = 0
    reminders: int = 0
    already_sent_today: int = 0

    def summary(self) -> str:
        return (
            f"{self.digests} digests queued ({self.new} new, {self.changed} updated, "
            f"{self.reminders} deadline reminders); {self.searches_checked} saved searches "
            f"checked; {self.already_sent_today} accounts already had today's digest."
        )


def search_news(session: Session, search: SavedSearch, today: date) -> SearchNews:
    """The diff of a saved search against its snapshot ("not interested" ones left out)."""
    hits = find_opportunities(session, search_query(search), today, excluded_ids(search))
    before = search.snapshot or {}
    news = SearchNews(search)
    for hit in hits:
        row = hit.opportunity
        news.snapshot[str(row.id)] = row.content_hash
        previous = before.get(str(row.id))
        if previous is None:
            news.new.append(row)
        elif previous != row.content_hash:
            news.changed.append(row)
    return news


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    """Keys already used: digests queued (outbox) and reminders given (alert log)."""
    if not keys:
        return set()
    queued = session.scalars(
        select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))
    )
    told = session.scalars(select(AlertLog.dedupe_key).where(AlertLog.dedupe_key.in_(keys)))
    return set(queued) | set(told)


def due_reminders(session: Session, user_id: int, today: date) -> list[Reminder]:
    """Saved opportunities (alerts on) closing within 14 or 3 days, not reminded of yet."""
    rows = session.scalars(
        select(FundingOpportunity)
        .join(SavedOpportunity, SavedOpportunity.opportunity_id == FundingOpportunity.id)
        .where(
            SavedOpportunity.user_id == user_id,
            SavedOpportunity.alerts_enabled.is_(True),
            FundingOpportunity.close_date.is_not(None),
            FundingOpportunity.close_date >= today,
            FundingOpportunity.status.in_((OpportunityStatus.POSTED, OpportunityStatus.FORECASTED)),
        )
        .order_by(FundingOpportunity.close_date, FundingOpportunity.id)
    ).all()
    candidates: list[Reminder] = []
    for row in rows:
        assert row.close_date is not None
        days_left = (row.close_date - today).days
        # The nearest threshold reached; a 3-day reminder supersedes a 14-day one never sent.
        threshold = next((t for t in sorted(REMINDER_DAYS) if days_left <= t), None)
        if threshold is not None:
            key = reminder_key(user_id, row.id, threshold, row.close_date)
            candidates.append(Reminder(row, threshold, days_left, key))
    done = _existing_keys(session, [c.key for c in candidates])
    return [c for c in candidates if c.key not in done]


def _deadline(row: FundingOpportunity) -> str:
    if row.close_date is None:
        return ROLLING
    return f"closes {row.close_date:%B} {row.close_date.day}, {row.close_date.year}"


def _when(days_left: int) -> str:
    if days_left == 0:
        return "Closes today"
    return f"Closes in {days_left} day{'s' if days_left != 1 else ''}"


def render_digest(digest: Digest, base_url: str) -> tuple[str, str]:
    """The subject and plain-text body of a digest."""
    base = base_url.rstrip("/")

    def link(row: FundingOpportunity) -> str:
        return f"{base}/funding/opportunities/{row.id}"

    new = sum(len(n.new) for n in digest.searches)
    changed = sum(len(n.changed) for n in digest.searches)
    counts = []
    if new:
        counts.append(f"{new} new")
    if changed:
        counts.append(f"{changed} updated")
    if digest.reminders:
        counts.append(f"{len(digest.reminders)} closing soon")
    subject = f"Pathfinder funding alerts: {', '.join(counts)}"

    day = f"{digest.day:%B} {digest.day.day}, {digest.day.year}"
    lines = [f"Hello {digest.user.display_name},", "", f"Your funding alerts for {day}.", ""]
    if digest.reminders:
        lines += ["Deadlines coming up for opportunities you saved", ""]
        for r in digest.reminders:
            assert r.opportunity.close_date is not None
            lines.append(
                f"- {_when(r.days_left)} ({r.opportunity.close_date.isoformat()}): "
                f"{r.opportunity.title}"
            )
            lines.append(f"  {link(r.opportunity)}")
        lines.append("")
    for news in digest.searches:
        if not news.has_news:
            continue
        lines += [f"Saved search: {news.search.name}", ""]
        for label, rows in (("New", news.new), ("Updated", news.changed)):
            for row in rows:
                agency = f" ({row.agency})" if row.agency else ""
                lines.append(f"- {label}: {row.title}{agency}; {_deadline(row)}")
                lines.append(f"  {link(row)}")
        lines.append("")
    lines += [
        "Change or stop these alerts:",
        f"{base}/funding/searches",
        f"{base}/funding/saved",
    ]
    return subject, "\n".join(lines) + "\n"


def build_digest(session: Session, user: User, today: date) -> Digest:
    """What one account would be told today (nothing is written)."""
    digest = Digest(user, today)
    searches = session.scalars(
        select(SavedSearch)
        .where(SavedSearch.user_id == user.id)
        .order_by(SavedSearch.created_at, SavedSearch.id)
    ).all()
    digest.searches = [search_news(session, s, today) for s in searches if is_due(s, today)]
    digest.reminders = due_reminders(session, user.id, today)
    return digest


def _accounts_with_alerts(session: Session) -> list[User]:
    with_searches = select(SavedSearch.user_id).where(SavedSearch.alerts_enabled.is_(True))
    with_saved = select(SavedOpportunity.user_id).where(SavedOpportunity.alerts_enabled.is_(True))
    return list(
        session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                # Mail goes only to addresses the account has proved it reads.
                User.email_verified_at.is_not(None),
                or_(User.id.in_(with_searches), User.id.in_(with_saved)),
            )
            .order_by(User.id)
        )
    )


def _write(session: Session, digest: Digest, now: datetime, base_url: str) -> None:
    for news in digest.searches:
        news.search.snapshot = news.snapshot
        news.search.last_alerted_at = now
    if digest.is_empty:
        return
    subject, body = render_digest(digest, base_url)
    message = OutboxMessage(
        user_id=digest.user.id,
        to_address=digest.user.email,
        subject=subject,
        body=body,
        dedupe_key=digest.key,
        created_at=now,
    )
    session.add(message)
    session.flush()
    for reminder in digest.reminders:
        # Remember that this digest carried the reminder, so no later run repeats it.
        session.add(
            AlertLog(
                dedupe_key=reminder.key,
                user_id=digest.user.id,
                message_id=message.id,
                created_at=now,
            )
        )


def queue_digests(session: Session, now: datetime, base_url: str) -> AlertReport:
    """One digest per account with news; snapshots move forward. The caller commits."""
    today = now.date()
    report = AlertReport()
    for user in _accounts_with_alerts(session):
        if _existing_keys(session, [digest_key(user.id, today)]):
            report.already_sent_today += 1
            continue
        digest = build_digest(session, user, today)
        try:
            with session.begin_nested():
                _write(session, digest, now, base_url)
        except IntegrityError:
            # Another run queued this account's digest in the meantime: leave it to that one.
            session.expire_all()
            report.already_sent_today += 1
            log.info("digest for user %s already queued by another run", user.id)
            continue
        report.searches_checked += len(digest.searches)
        if not digest.is_empty:
            report.digests += 1
            report.new += sum(len(n.new) for n in digest.searches)
            report.changed += sum(len(n.changed) for n in digest.searches)
            report.reminders += len(digest.reminders)
    return report
