"""Alert digests: new and changed results, "not interested", deadline reminders, never twice."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.models import AlertLog, OutboxMessage
from app.services.funding import saved
from app.services.funding.alerts import digest_key, is_due, queue_digests, reminder_key
from app.services.funding.search import SearchQuery

from .funding_helpers import change, make_office, make_opportunity

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
TODAY = NOW.date()
BASE = "https://pathfinder.example.gov"
QUERY = SearchQuery(agency="Alert test agency")


def digests(db, user_id):
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == user_id, OutboxMessage.dedupe_key.like("digest:%"))
            .order_by(OutboxMessage.id)
        )
    )


def run(db, when=NOW):
    report = queue_digests(db, when, BASE)
    db.flush()
    return report


def test_new_and_changed_results_since_the_snapshot_are_reported_once(db):
    user = make_office(db)
    existing = make_opportunity(db, today=TODAY, agency=QUERY.agency, title="Existing grant")
    search = saved.save_search(db, user.id, QUERY, TODAY, name="My alert test")
    assert search.snapshot == {str(existing.id): existing.content_hash}

    added = make_opportunity(db, today=TODAY, agency=QUERY.agency, title="Brand new grant")
    change(existing, description="Now with a larger award.")
    report = run(db)

    assert (report.digests, report.new, report.changed) == (1, 1, 1)
    [message] = digests(db, user.id)
    assert message.dedupe_key == digest_key(user.id, TODAY) == f"digest:{user.id}:2026-11-22"
    assert message.to_address == user.email and message.sent_at is None
    assert "1 new, 1 updated" in message.subject
    assert "Saved search: My alert test" in message.body
    assert f"- New: Brand new grant ({QUERY.agency})" in message.body
    assert "- Updated: Existing grant" in message.body
    assert f"{BASE}/funding/opportunities/{added.id}" in message.body
    assert search.snapshot == {
        str(existing.id): existing.content_hash,
        str(added.id): added.content_hash,
    }
    assert search.last_alerted_at == NOW

    # The same day again: today's digest exists, nothing is queued twice.
    again = run(db, NOW + timedelta(hours=3))
    assert again.digests == 0 and again.already_sent_today == 1
    # The next day: nothing new since the snapshot, so no message at all.
    assert run(db, NOW + timedelta(days=1)).digests == 0
    assert len(digests(db, user.id)) == 1


def test_news_found_after_todays_digest_waits_for_tomorrow(db):
    user = make_office(db)
    saved.save_search(db, user.id, QUERY, TODAY)
    make_opportunity(db, today=TODAY, agency=QUERY.agency, title="Morning grant")
    assert run(db).digests == 1
    make_opportunity(db, today=TODAY, agency=QUERY.agency, title="Afternoon grant")
    assert run(db, NOW + timedelta(hours=4)).digests == 0
    tomorrow = run(db, NOW + timedelta(days=1))
    assert tomorrow.digests == 1 and tomorrow.new == 1
    assert "Afternoon grant" in digests(db, user.id)[-1].body
    assert "Morning grant" not in digests(db, user.id)[-1].body


def test_not_interested_opportunities_are_left_out(db):
    user = make_office(db)
    search = saved.save_search(db, user.id, QUERY, TODAY)
    hidden = make_opportunity(db, today=TODAY, agency=QUERY.agency, title="Hidden grant")
    kept = make_opportunity(db, today=TODAY, agency=QUERY.agency, title="Kept grant")
    saved.exclude(db, search, hidden.id)
    assert run(db).new == 1
    body = digests(db, user.id)[0].body
    assert "Kept grant" in body and "Hidden grant" not in body
    assert str(hidden.id) not in search.snapshot and str(kept.id) in search.snapshot


def test_weekly_searches_and_switched_off_alerts(db):
    user = make_office(db)
    weekly = saved.save_search(db, user.id, QUERY, TODAY, frequency="weekly")
    off = saved.save_search(db, user.id, SearchQuery(q="zzz-nothing"), TODAY, alerts_enabled=False)
    weekly.last_alerted_at = NOW - timedelta(days=3)
    make_opportunity(db, today=TODAY, agency=QUERY.agency)
    assert not is_due(weekly, TODAY) and not is_due(off, TODAY)
    assert run(db).digests == 0
    assert is_due(weekly, TODAY + timedelta(days=4))
    assert run(db, NOW + timedelta(days=4)).new == 1
    assert off.last_alerted_at is None


def test_saved_opportunities_get_one_reminder_at_14_and_one_at_3_days(db):
    user = make_office(db)
    row = make_opportunity(db, today=TODAY, days_left=14, title="Deadline grant")
    saved.save_opportunity(db, user.id, row.id)

    first = run(db)
    assert first.reminders == 1
    message = digests(db, user.id)[0]
    assert "1 closing soon" in message.subject
    assert "Closes in 14 days (2026-12-06): Deadline grant" in message.body
    key14 = reminder_key(user.id, row.id, 14, row.close_date)
    ledger = db.scalar(select(AlertLog).where(AlertLog.dedupe_key == key14))
    assert ledger is not None and ledger.message_id == message.id  # carried by that digest
    assert key14 == f"closing:{user.id}:{row.id}:14:2026-12-06"

    for day in range(1, 11):  # 13 .. 4 days left: already reminded
        assert run(db, NOW + timedelta(days=day)).reminders == 0
    three = run(db, NOW + timedelta(days=11))
    assert three.reminders == 1
    assert "Closes in 3 days" in digests(db, user.id)[-1].body
    for day in (12, 13, 14):
        assert run(db, NOW + timedelta(days=day)).reminders == 0
    assert len(digests(db, user.id)) == 2


def test_a_moved_deadline_gets_a_fresh_reminder_and_late_saves_skip_to_3_days(db):
    user = make_office(db)
    moved = make_opportunity(db, today=TODAY, days_left=10)
    late = make_opportunity(db, today=TODAY, days_left=2)
    saved.save_opportunity(db, user.id, moved.id)
    saved.save_opportunity(db, user.id, late.id)
    assert run(db).reminders == 2
    keys = set(
        db.scalars(
            select(AlertLog.dedupe_key).where(AlertLog.dedupe_key.like(f"closing:{user.id}:%"))
        )
    )
    assert reminder_key(user.id, late.id, 3, late.close_date) in keys
    assert reminder_key(user.id, late.id, 14, late.close_date) not in keys

    change(moved, close_date=moved.close_date + timedelta(days=1))  # extended by a day
    assert run(db, NOW + timedelta(days=1)).reminders == 1


def test_reminders_respect_the_alert_switch_and_skip_rolling_deadlines(db):
    user = make_office(db)
    quiet = make_opportunity(db, today=TODAY, days_left=3)
    rolling = make_opportunity(db, today=TODAY, days_left=None)
    saved.save_opportunity(db, user.id, quiet.id)
    saved.save_opportunity(db, user.id, rolling.id)
    saved.set_opportunity_alerts(db, user.id, quiet.id, False)
    assert run(db).digests == 0


def test_one_digest_per_account_with_everything_in_it(db):
    pat = make_office(db, "pat@example.gov", "Pat")
    sam = make_office(db, "sam@example.gov", "Sam")
    saved.save_search(db, pat.id, QUERY, TODAY, name="First")
    saved.save_search(db, pat.id, SearchQuery(q="second-search-word"), TODAY, name="Second")
    saved.save_search(db, sam.id, QUERY, TODAY, name="Sam's")
    make_opportunity(db, today=TODAY, agency=QUERY.agency, title="For both")
    make_opportunity(db, today=TODAY, title="Has second-search-word in it")
    soon = make_opportunity(db, today=TODAY, days_left=3)
    saved.save_opportunity(db, pat.id, soon.id)

    report = run(db)
    assert report.digests == 2
    [pats] = digests(db, pat.id)
    [sams] = digests(db, sam.id)
    assert "Saved search: First" in pats.body and "Saved search: Second" in pats.body
    assert "Closes in 3 days" in pats.body
    assert "Hello Sam" in sams.body and "Closes in" not in sams.body


def test_inactive_accounts_get_nothing(db):
    user = make_office(db)
    saved.save_search(db, user.id, QUERY, TODAY)
    make_opportunity(db, today=TODAY, agency=QUERY.agency)
    user.is_active = False
    assert run(db).digests == 0


def test_two_scheduled_runs_at_once_queue_and_send_each_digest_once(scratch_database_url):
    """`pathfinder alerts send` on two machines at the same moment (queue, then deliver)."""
    import threading
    import time

    from sqlalchemy import func
    from sqlalchemy.orm import sessionmaker

    from app import migrate
    from app.db import make_engine, session_scope
    from app.services.outbox import deliver

    from .conftest import at_once

    migrate.upgrade(scratch_database_url)
    engine = make_engine(scratch_database_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    offices = 10
    with session_scope(factory) as session:
        make_opportunity(session, today=TODAY, agency=QUERY.agency, title="Known grant")
        for n in range(offices):
            user = make_office(session, f"office{n}@example.gov")
            saved.save_search(session, user.id, QUERY, TODAY, name=f"Search {n}")
            closing = make_opportunity(session, today=TODAY, days_left=3, title=f"Closing {n}")
            saved.save_opportunity(session, user.id, closing.id)
        make_opportunity(session, today=TODAY, agency=QUERY.agency, title="Brand new grant")

    sent: list[str] = []
    lock = threading.Lock()

    class SlowMailer:  # an SMTP server that takes its time, so the two runs overlap
        def send(self, message) -> None:
            time.sleep(0.02)
            with lock:
                sent.append(message["To"])

    def scheduled_run() -> int:
        with session_scope(factory) as session:
            queued = queue_digests(session, NOW, BASE).digests
        with factory() as session:
            deliver(session, SlowMailer(), NOW, "alerts@example.gov")
        return queued

    try:
        queued = at_once(scheduled_run, scheduled_run)
        assert sum(queued) == offices  # each account's digest queued by one run or the other
        assert sorted(sent) == sorted(f"office{n}@example.gov" for n in range(offices))
        with factory() as session:
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == offices
            assert session.scalar(select(func.count()).select_from(AlertLog)) == offices
            unsent = select(func.count()).where(OutboxMessage.sent_at.is_(None))
            assert session.scalar(unsent) == 0
    finally:
        engine.dispose()
