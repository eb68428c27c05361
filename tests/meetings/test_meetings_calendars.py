"""Calendar files: they parse, land at the right UTC instants, and update rather than duplicate."""

from __future__ import annotations

from datetime import UTC, date, datetime

from helpers_meetings import make_config, reference
from icalendar import Calendar

from ghcommunity.jobs.meetings.calendars import calendar_text, meeting_uid, parse_events
from ghcommunity.jobs.meetings.notes import (
    ALL_FEED,
    Rendering,
    feed_files,
    group_meetings,
    meeting_ics,
)

RENDERING = Rendering(repo="uk-x-gov-software-community/community-space")
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def lean_coffee(config=None):  # type: ignore[no-untyped-def]
    config = config or reference()
    return config, config.group("lean-coffee")


def test_a_meeting_ics_parses_and_lands_at_the_right_instant() -> None:
    config, group = lean_coffee()
    for day, instant in [
        (date(2026, 3, 26), datetime(2026, 3, 26, 11, 0, tzinfo=UTC)),  # GMT
        (date(2026, 4, 23), datetime(2026, 4, 23, 10, 0, tzinfo=UTC)),  # BST
    ]:
        (meeting,) = group_meetings(config, group, day, day)
        text = meeting_ics(config, meeting, RENDERING)
        (event,) = parse_events(text)
        assert event["start_utc"] == instant
        assert event["end_utc"] == instant.replace(hour=instant.hour + 1)
        assert str(event["start"].tzinfo) == "Europe/London"
        cal = Calendar.from_ical(text)
        (zone,) = cal.walk("VTIMEZONE")
        assert zone["TZID"] == "Europe/London"
        assert {str(c["TZNAME"]) for c in zone.walk() if "TZNAME" in c} == {"GMT", "BST"}
        assert "DTSTART;TZID=Europe/London:" in text
        assert text.endswith("END:VCALENDAR\r\n")


def test_uid_is_stable_and_sequence_goes_up_when_a_meeting_moves() -> None:
    plain = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          schedule: {rule: fourth Thursday monthly}
        """
    )
    moved = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          schedule:
            rule: fourth Thursday monthly
            moved: [{from: 2026-12-24, to: 2026-12-17}]
        """
    )
    before = {
        e["uid"]: e
        for e in parse_events(feed_files(plain, NOW, RENDERING)["calendars/lean-coffee.ics"])
    }
    after = {
        e["uid"]: e
        for e in parse_events(feed_files(moved, NOW, RENDERING)["calendars/lean-coffee.ics"])
    }
    assert before.keys() == after.keys()  # same events: clients update, never duplicate
    uid = meeting_uid(RENDERING.repo, "lean-coffee", date(2026, 12, 24))
    assert before[uid]["sequence"] == 0
    assert after[uid]["sequence"] == 1
    assert after[uid]["start_utc"] == datetime(2026, 12, 17, 11, 0, tzinfo=UTC)
    unchanged = [k for k in before if k != uid]
    assert all(before[k] == after[k] for k in unchanged)


def test_feeds_per_group_and_for_all_groups() -> None:
    config = reference()
    feeds = feed_files(config, NOW, RENDERING)
    assert set(feeds) == {
        "calendars/lean-coffee.ics",
        "calendars/inclusive-recruitment.ics",
        "calendars/open-source.ics",
        f"calendars/{ALL_FEED}",
    }
    every = parse_events(feeds[f"calendars/{ALL_FEED}"])
    per_group = sum(len(parse_events(t)) for p, t in feeds.items() if not p.endswith(ALL_FEED))
    assert len(every) == per_group
    assert len({e["uid"] for e in every}) == len(every)
    # Last year to next year: 2025 to 2027.
    years = {e["start_utc"].year for e in every}
    assert years == {2025, 2026, 2027}
    cal = Calendar.from_ical(feeds["calendars/lean-coffee.ics"])
    assert str(cal["X-WR-CALNAME"]).startswith("Lean Coffee")
    # The real 2025 meetings are in the feed where they were held.
    starts = {e["start_utc"] for e in parse_events(feeds["calendars/lean-coffee.ics"])}
    assert datetime(2025, 10, 30, 11, 0, tzinfo=UTC) in starts
    assert datetime(2025, 12, 18, 11, 0, tzinfo=UTC) in starts


def test_feeds_are_byte_for_byte_the_same_on_any_day_of_the_year() -> None:
    config = reference()
    march = feed_files(config, NOW, RENDERING)
    november = feed_files(config, datetime(2026, 11, 30, 23, 0, tzinfo=UTC), RENDERING)
    assert march == november
    next_year = feed_files(config, datetime(2027, 1, 2, 9, 0, tzinfo=UTC), RENDERING)
    assert next_year != march


def test_a_zone_without_clock_changes_and_several_zones() -> None:
    config = make_config(
        """
        - slug: utc-group
          name: UTC group
          schedule: {rule: first Monday monthly, timezone: UTC, start: "09:00"}
        - slug: ny-group
          name: New York group
          schedule: {rule: first Monday monthly, timezone: America/New_York, start: "09:00"}
        """
    )
    feeds = feed_files(config, NOW, RENDERING)
    cal = Calendar.from_ical(feeds[f"calendars/{ALL_FEED}"])
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["America/New_York"]
    events = parse_events(feeds[f"calendars/{ALL_FEED}"])
    jan = sorted(e["start_utc"] for e in events if e["start_utc"].date() == date(2026, 1, 5))
    assert jan == [
        datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        datetime(2026, 1, 5, 14, 0, tzinfo=UTC),
    ]


def test_an_empty_calendar_is_still_valid() -> None:
    text = calendar_text([], name="Nothing")
    assert parse_events(text) == []
    assert Calendar.from_ical(text)["X-WR-CALNAME"] == "Nothing"
