from datetime import UTC, date, datetime

from icalendar import Calendar

from app.services.ics import Deadline, calendar_bytes

STAMP = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_one_all_day_event_per_deadline_that_parses_back():
    data = calendar_bytes(
        [
            Deadline("job-1@pathfinder", "IT Specialist (INFOSEC)", date(2026, 12, 5),
                     url="https://www.usajobs.gov/job/1"),
            Deadline("opp-2@pathfinder", "State and Local Cybersecurity Grant", date(2027, 1, 30)),
        ],
        "My deadlines",
        STAMP,
    )  # fmt: skip
    calendar = Calendar.from_ical(data)
    assert calendar["version"] == "2.0" and calendar["prodid"].startswith("-//Pathfinder")
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == ["job-1@pathfinder", "opp-2@pathfinder"]
    first = events[0]
    assert first.decoded("dtstart") == date(2026, 12, 5)
    assert first.decoded("dtend") == date(2026, 12, 6)
    assert str(first["summary"]) == "Closes: IT Specialist (INFOSEC)"
    assert str(first["url"]) == "https://www.usajobs.gov/job/1"
    assert first.walk("VALARM")
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")  # RFC 5545 line endings


def test_an_empty_calendar_is_still_valid():
    calendar = Calendar.from_ical(calendar_bytes([], "Nothing", STAMP))
    assert calendar.walk("VEVENT") == []


def test_text_with_line_breaks_cannot_add_properties_or_events():
    data = calendar_bytes(
        [
            Deadline(
                "job-3@pathfinder",
                "Analyst\r\nBEGIN:VEVENT",
                date(2026, 12, 5),
                url="https://www.usajobs.gov/job/3\r\nATTACH:https://evil.example",
                description="Line one\nX-INJECTED:1",
            )
        ],
        "Mine\r\nX-WR-CALNAME:Other",
        STAMP,
    )
    calendar = Calendar.from_ical(data)
    assert str(calendar["x-wr-calname"]) == "Mine X-WR-CALNAME:Other"
    (event,) = calendar.walk("VEVENT")
    assert "url" not in event  # an address with a line break is left out, not a failure
    assert "ATTACH" not in event and "X-INJECTED" not in event
    assert str(event["summary"]).replace("\r", "") == "Closes: Analyst\nBEGIN:VEVENT"  # text
    assert b"\r\nBEGIN:VEVENT" not in data.replace(b"BEGIN:VEVENT\r\n", b"", 1)
