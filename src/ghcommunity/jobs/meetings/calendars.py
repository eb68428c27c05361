"""iCalendar files for meetings: one .ics per meeting and feeds per group and for all groups.

Pure: events in, RFC 5545 text out (with the `icalendar` library). The output depends only on
its input — no clock — so regenerating an unchanged feed gives the same bytes and the bot makes
no write. Each event's UID is built from the group and the meeting's *original* date, so when a
meeting moves, calendar clients update the event they have (its SEQUENCE goes up) instead of
adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

PRODID = "-//ghcommunity//meeting notes//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: datetime  # aware, in the meeting's zone (written with its TZID)
    end: datetime
    status: str = "scheduled"  # scheduled, moved or cancelled
    sequence: int = 0
    description: str = ""
    url: str | None = None
    location: str | None = None
    categories: tuple[str, ...] = ()
    stamp: datetime | None = None  # DTSTAMP: when this entry was made (aware)


def meeting_uid(repo: str, slug: str, original: date) -> str:
    """A stable UID: the group and the date its rule gives, never the date it moved to."""
    return f"{original:%Y%m%d}-{slug}@{repo.lower().replace('/', '.')}.ghcommunity"


def _event(item: CalendarEvent) -> Event:
    event = Event()
    event.add("uid", item.uid)
    # DTSTAMP is when the entry was made: the run that wrote a meeting's own .ics (written
    # once), or for a feed the start of its window (a past moment that changes only when the
    # window moves, so an unchanged feed is not rewritten). SEQUENCE tells clients which
    # version of a meeting is newer.
    made = item.stamp or datetime.combine(item.start.date(), time(), tzinfo=UTC)
    event.add("dtstamp", made.astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", item.start)
    event.add("dtend", item.end)
    event.add("summary", item.summary)
    event.add("sequence", item.sequence)
    event.add("status", "CANCELLED" if item.status == "cancelled" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    if item.location:
        event.add("location", item.location)
    if item.categories:
        event.add("categories", list(item.categories))
    return event


@lru_cache(maxsize=8192)
def _event_text(item: CalendarEvent) -> str:
    """One VEVENT as text (cached: the same meeting appears in several feeds)."""
    text: str = _event(item).to_ical().decode("utf-8")
    return text


@lru_cache(maxsize=64)
def _timezone_text(zone: str, first_year: int, last_year: int) -> str:
    """A VTIMEZONE with the zone's rules from `first_year` to the end of `last_year`."""
    component = Timezone.from_tzid(
        zone, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )
    text: str = component.to_ical().decode("utf-8")
    return text


def calendar_text(
    events: Iterable[CalendarEvent],
    *,
    name: str | None = None,
    description: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> str:
    """One VCALENDAR with a VTIMEZONE for every zone its events use (between first and last)."""
    items = sorted(events, key=lambda e: (e.start.astimezone(UTC), e.uid))
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("name", name)  # RFC 7986
        cal.add("x-wr-calname", name)  # what Outlook and Google Calendar read
    if description:
        cal.add("x-wr-caldesc", description)
    zones = sorted({str(getattr(e.start.tzinfo, "key", "")) for e in items} - {"", "UTC"})
    if len(zones) == 1:
        cal.add("x-wr-timezone", zones[0])
    head = cal.to_ical().decode("utf-8")
    closing = "END:VCALENDAR\r\n"
    assert head.endswith(closing)
    parts = [head[: -len(closing)]]
    if items:
        first_year = (first or min(e.start.date() for e in items)).year
        last_year = (last or max(e.end.date() for e in items)).year
        parts += [_timezone_text(zone, first_year, last_year) for zone in zones]
    parts += [_event_text(item) for item in items]
    parts.append(closing)
    return "".join(parts)


def parse_events(text: str) -> Sequence[dict[str, object]]:
    """The events of an .ics text as plain dicts (uid, start_utc, end_utc, status, sequence)."""
    out = []
    for component in Calendar.from_ical(text).walk("VEVENT"):
        start = component.decoded("dtstart")
        end = component.decoded("dtend")
        out.append(
            {
                "uid": str(component.get("uid")),
                "summary": str(component.get("summary")),
                "start": start,
                "start_utc": start.astimezone(UTC),
                "end_utc": end.astimezone(UTC),
                "status": str(component.get("status", "")),
                "sequence": int(component.get("sequence", 0)),
            }
        )
    return out
