"""Calendar feeds: the personal feed (secret URL, revocable) and one-off files, parsed back."""

from datetime import date, timedelta

from icalendar import Calendar

from app.models import JobListing, SavedJob
from app.services.funding import feed, saved

from .conftest import check_page_structure, login
from .funding_helpers import make_office, make_opportunity


def events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def make_job(db, days_left: int | None = 20, **fields):
    job = JobListing(
        source="usajobs",
        source_id=f"J{days_left}{fields.get('title', '')}",
        title="IT Specialist (INFOSEC)",
        content_hash="h",
        organization="Bureau of the Fiscal Service",
        announcement_number="FS-26-001",
        url="https://www.usajobs.gov/job/1",
        close_date=None if days_left is None else date.today() + timedelta(days=days_left),
        **fields,
    )
    db.add(job)
    db.flush()
    return job


def test_personal_feed_has_saved_opportunity_and_job_deadlines(client, db, app):
    user = make_office(db)
    dated = make_opportunity(db, days_left=10, title="Water utility OT grant")
    rolling = make_opportunity(db, days_left=None, title="Rolling grant")
    past = make_opportunity(db, days_left=-2, title="Past grant")
    job = make_job(db)
    for row in (dated, rolling, past):
        saved.save_opportunity(db, user.id, row.id)
    db.add(SavedJob(user_id=user.id, job_id=job.id))
    token = feed.new_feed_token(user)
    db.commit()

    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    found = events(response.data)
    assert set(found) == {f"funding-{dated.id}@pathfinder", f"job-{job.id}@pathfinder"}
    event = found[f"funding-{dated.id}@pathfinder"]
    assert event.decoded("DTSTART") == dated.close_date
    assert str(event["SUMMARY"]) == "Closes: Water utility OT grant"
    assert str(event["URL"]).endswith(f"/funding/opportunities/{dated.id}")
    job_event = found[f"job-{job.id}@pathfinder"]
    assert job_event.decoded("DTSTART") == job.close_date
    assert "Bureau of the Fiscal Service" in str(job_event["SUMMARY"])


def test_revoked_replaced_and_unknown_secrets_find_nothing(client, db):
    user = make_office(db)
    first = feed.new_feed_token(user)
    db.commit()
    assert client.get(f"/feeds/{first}.ics").status_code == 200
    second = feed.new_feed_token(user)
    db.commit()
    assert second != first and len(second) >= 40
    assert client.get(f"/feeds/{first}.ics").status_code == 404
    assert client.get(f"/feeds/{second}.ics").status_code == 200
    feed.revoke_feed_token(user)
    db.commit()
    assert client.get(f"/feeds/{second}.ics").status_code == 404
    assert client.get("/feeds/not-a-real-secret.ics").status_code == 404
    assert feed.user_for_token(db, "") is None


def test_one_off_calendar_file_per_opportunity(client, db):
    row = make_opportunity(db, days_left=21, title="One-off grant")
    rolling = make_opportunity(db, days_left=None)
    db.commit()
    response = client.get(f"/funding/opportunities/{row.id}.ics")
    assert response.status_code == 200
    assert f'filename="funding-{row.id}.ics"' in response.headers["Content-Disposition"]
    [event] = events(response.data).values()
    assert event.decoded("DTSTART") == row.close_date
    assert event.decoded("DTEND") == row.close_date + timedelta(days=1)
    assert [a for a in event.walk("VALARM")]  # a reminder before the deadline
    assert client.get(f"/funding/opportunities/{rolling.id}.ics").status_code == 404


def test_a_title_with_a_line_break_still_makes_a_calendar_file(client, db):
    # The title names the calendar; sources do send titles broken over two lines.
    row = make_opportunity(db, days_left=21, title="Cyber Resilience\nGrant Program")
    db.commit()
    response = client.get(f"/funding/opportunities/{row.id}.ics")
    assert response.status_code == 200
    assert Calendar.from_ical(response.data)["x-wr-calname"] == "Cyber Resilience Grant Program"


def test_feed_page_creates_shows_and_revokes_the_address(client, db):
    login(client, db, "feed@example.gov", ("program_office",))
    page = client.get("/funding/feed")
    check_page_structure(page.get_data(as_text=True))
    assert "no calendar address yet" in page.get_data(as_text=True)

    assert client.post("/funding/feed").status_code == 302
    html = client.get("/funding/feed").get_data(as_text=True)
    check_page_structure(html)
    from app.models import User

    user = db.query(User).filter_by(email="feed@example.gov").one()
    db.refresh(user)
    assert f"/feeds/{user.feed_token}.ics" in html
    assert client.get(f"/feeds/{user.feed_token}.ics").status_code == 200

    old = user.feed_token
    assert client.post("/funding/feed/revoke").status_code == 302
    assert client.get(f"/feeds/{old}.ics").status_code == 404
