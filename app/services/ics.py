"""iCalendar (RFC 5545) files for deadlines: one all-day event per closing date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

PRODID = "-//Pathfinder//Federal cyber deadlines//EN"


@dataclass(frozen=True)
class Deadline:
    uid: str  # stable per item, so calendar programs update instead of duplicating
    title: str
    day: date  # the closing date (all-day event)
    url: str | None = None
    description: str = ""


def calendar_bytes(deadlines: Iterable[Deadline], name: str, stamp: datetime) -> bytes:
    """A VCALENDAR with one all-day VEVENT (and a reminder two days before) per deadline."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is written as given: a name with a line break would break the file.
    calendar.add("x-wr-calname", " ".join(name.split()))
    for item in deadlines:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", f"Closes: {item.title}")
        text = item.description
        # A URI may not hold a line break (icalendar refuses one): such an address is left
        # out rather than failing the whole calendar.
        if item.url and "\r" not in item.url and "\n" not in item.url:
            event.add("url", item.url)
            text = f"{text}\n\n{item.url}".strip()
        if text:
            event.add("description", text)
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Closing in 2 days: {item.title}")
        alarm.add("trigger", timedelta(days=-2))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
