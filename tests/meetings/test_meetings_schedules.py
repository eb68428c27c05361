"""Schedules pinned to real dates: the community's own meetings, 2023 to 2027."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
from helpers_meetings import reference, schedule

from ghcommunity.core.schedules import (
    ClockError,
    HolidayPolicy,
    RuleError,
    expand,
    parse_rule,
    rota_index,
    rule_dates,
    uk_bank_holidays,
)
from ghcommunity.jobs.meetings.notes import plan_meetings

LONDON = "Europe/London"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rrule", "start"),
    [
        ("fourth Thursday monthly", "FREQ=MONTHLY;BYDAY=+4TH", None),
        ("Fourth  Thursday   Monthly", "FREQ=MONTHLY;BYDAY=+4TH", None),
        ("the fourth Thursday of each month", "FREQ=MONTHLY;BYDAY=+4TH", None),
        ("last Wednesday monthly", "FREQ=MONTHLY;BYDAY=-1WE", None),
        ("monthly on the last Friday", "FREQ=MONTHLY;BYDAY=-1FR", None),
        ("second last Tuesday of the month", "FREQ=MONTHLY;BYDAY=-2TU", None),
        (
            "every 4 weeks on Friday from 2023-10-13",
            "FREQ=WEEKLY;INTERVAL=4;BYDAY=FR",
            date(2023, 10, 13),
        ),
        (
            "every four weeks on a Friday from 2023-10-13",
            "FREQ=WEEKLY;INTERVAL=4;BYDAY=FR",
            date(2023, 10, 13),
        ),
        ("weekly on Tuesday", "FREQ=WEEKLY;BYDAY=TU", None),
        ("every Tuesday", "FREQ=WEEKLY;BYDAY=TU", None),
        (
            "fortnightly on Monday from 2026-01-05",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            date(2026, 1, 5),
        ),
        ("every other Monday from 2026-01-05", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", date(2026, 1, 5)),
        (
            "every 2 months on the first Tuesday from 2026-01-06",
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=+1TU",
            date(2026, 1, 6),
        ),
        (
            "quarterly on the last Friday from 2026-01-30",
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR",
            date(2026, 1, 30),
        ),
        ("FREQ=MONTHLY;BYDAY=+4TH", "FREQ=MONTHLY;BYDAY=+4TH", None),
        ("RRULE:freq=monthly;byday=-1we", "FREQ=MONTHLY;BYDAY=-1WE", None),
    ],
)
def test_friendly_phrases_and_rrules(text: str, rrule: str, start: date | None) -> None:
    parsed = parse_rule(text)
    assert parsed.rrule == rrule
    assert parsed.start == start


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("whenever we feel like it", "cannot read"),
        ("every 4 weeks on Friday", "needs its first date"),
        ("fortnightly on Monday", "needs its first date"),
        ("every fourth Thursday", "ambiguous"),
        ("FREQ=HOURLY", "FREQ must be"),
        ("FREQ=WEEKLY;BYDAY=TH;BYHOUR=11", "start"),
        ("FREQ=WEEKLY;DTSTART=20260101", "first"),
        ("FREQ=WEEKLY;BYDAY=XX", "invalid RRULE"),
        ("FREQ=WEEKLY;UNTIL=2026-13-01", "not a date"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20260101", "COUNT or UNTIL"),
        ("every 4 weeks on Friday from 2023-02-30", "not a date"),
    ],
)
def test_rules_that_cannot_be_read_say_why(text: str, words: str) -> None:
    with pytest.raises(RuleError, match=words):
        parse_rule(text)


def test_rrule_until_is_a_local_date_even_with_a_utc_suffix() -> None:
    parsed = parse_rule("FREQ=WEEKLY;BYDAY=TH;UNTIL=20260122T000000Z")
    assert parsed.until == date(2026, 1, 22)
    dates = rule_dates(parsed, None, None, date(2026, 1, 1), date(2026, 3, 1))
    assert dates == [date(2026, 1, 1), date(2026, 1, 8), date(2026, 1, 15), date(2026, 1, 22)]


def test_anchor_dependent_rrules_are_flagged() -> None:
    assert parse_rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO").anchored
    assert parse_rule("FREQ=MONTHLY;COUNT=6;BYDAY=+1MO").anchored
    assert parse_rule("FREQ=WEEKLY").anchored  # the weekday comes from DTSTART
    assert not parse_rule("FREQ=MONTHLY;BYMONTHDAY=15").anchored
    assert not parse_rule("FREQ=YEARLY;BYMONTH=6;BYDAY=+1TU").anchored


# -- Lean Coffee: the fourth Thursday of each month, 11:00 UK time -----------------------------


def lean_coffee_2026(**extra: object) -> list[tuple[date, str, str]]:
    sched = schedule(rule="fourth Thursday monthly", start="11:00", duration=60, **extra)
    return [
        (o.date, o.start.isoformat(), o.start_utc.isoformat())
        for o in expand(sched, LONDON, date(2026, 1, 1), date(2026, 12, 31))
        if o.held
    ]


def test_lean_coffee_2026_lands_on_the_fourth_thursday_at_11_local() -> None:
    found = {d: (local, z) for d, local, z in lean_coffee_2026()}
    assert found[date(2026, 1, 22)] == ("2026-01-22T11:00:00+00:00", "2026-01-22T11:00:00+00:00")
    assert found[date(2026, 2, 26)] == ("2026-02-26T11:00:00+00:00", "2026-02-26T11:00:00+00:00")
    assert found[date(2026, 3, 26)] == ("2026-03-26T11:00:00+00:00", "2026-03-26T11:00:00+00:00")
    # After the clocks go forward on 29 March: 11:00 BST is 10:00Z.
    assert found[date(2026, 4, 23)] == ("2026-04-23T11:00:00+01:00", "2026-04-23T10:00:00+00:00")
    # 22 October is before the clocks go back on the 25th: still BST.
    assert found[date(2026, 10, 22)] == ("2026-10-22T11:00:00+01:00", "2026-10-22T10:00:00+00:00")
    assert found[date(2026, 11, 26)] == ("2026-11-26T11:00:00+00:00", "2026-11-26T11:00:00+00:00")
    assert found[date(2026, 12, 24)] == ("2026-12-24T11:00:00+00:00", "2026-12-24T11:00:00+00:00")
    assert len(found) == 12


def test_christmas_eve_2026_unless_moved_to_the_17th() -> None:
    moved = lean_coffee_2026(moved=[{"from": "2026-12-24", "to": "2026-12-17"}])
    dates = [d for d, _, _ in moved]
    assert date(2026, 12, 24) not in dates
    assert dates[-1] == date(2026, 12, 17)
    sched = schedule(
        rule="fourth Thursday monthly", moved=[{"from": "2026-12-24", "to": "2026-12-17"}]
    )
    (december,) = expand(sched, LONDON, date(2026, 12, 1), date(2026, 12, 31))
    assert december.status == "moved"
    assert december.original == date(2026, 12, 24)  # the calendar UID stays with the 24th
    assert december.sequence == 1
    assert december.start_utc == utc("2026-12-17T11:00:00Z")


def test_a_plan_made_in_march_puts_23_april_at_10z() -> None:
    config = reference()
    # What the CLI does on 1 March (GMT): the window starts today, whatever the offset today is.
    today = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    found = plan_meetings(config, today.date(), date(2026, 5, 1), group="lean-coffee")
    april = next(m for m in found if m.date == date(2026, 4, 23))
    assert april.to_dict()["start"] == "2026-04-23T11:00:00+01:00"
    assert april.to_dict()["start_utc"] == "2026-04-23T10:00:00Z"
    assert april.to_dict()["end"] == "2026-04-23T12:00:00+01:00"
    assert april.path == "lean-coffees/2026-04-23.md"


def test_reference_config_keeps_the_real_2025_meetings() -> None:
    config = reference()
    found = plan_meetings(config, date(2025, 10, 1), date(2025, 12, 31), group="lean-coffee")
    assert [(m.date, m.occurrence.status) for m in found] == [
        (date(2025, 10, 30), "moved"),  # held on the last Thursday, after the clocks changed
        (date(2025, 11, 27), "scheduled"),
        (date(2025, 12, 18), "moved"),  # the fourth Thursday was Christmas Day
    ]
    assert found[0].occurrence.start_utc == utc("2025-10-30T11:00:00Z")  # GMT by then


def test_last_thursday_and_fourth_thursday_differ_in_october_2025() -> None:
    last = expand(
        schedule(rule="last Thursday monthly"), LONDON, date(2025, 10, 1), date(2025, 10, 31)
    )
    fourth = expand(
        schedule(rule="fourth Thursday monthly"), LONDON, date(2025, 10, 1), date(2025, 10, 31)
    )
    assert [o.date for o in last] == [date(2025, 10, 30)]
    assert [o.date for o in fourth] == [date(2025, 10, 23)]
    # …and the same in a month with four Thursdays.
    assert [
        o.date
        for o in expand(
            schedule(rule="last Thursday monthly"), LONDON, date(2026, 2, 1), date(2026, 2, 28)
        )
    ] == [date(2026, 2, 26)]


# -- Open Source: every four weeks on a Friday, and Good Friday -------------------------------


def open_source(policy: str | None) -> list:
    fields: dict[str, object] = {
        "rule": "every 4 weeks on Friday from 2023-10-13",
        "start": "12:00",
    }
    if policy is not None:
        fields["bank_holidays"] = {"region": "england-and-wales", "policy": policy}
    return expand(schedule(**fields), LONDON, date(2023, 1, 1), date(2027, 12, 31))


def test_open_source_every_four_weeks_from_13_october_2023_through_2027() -> None:
    found = open_source(None)
    originals = [o.original for o in found]
    assert originals[0] == date(2023, 10, 13)
    assert all((b - a) == timedelta(weeks=4) for a, b in itertools.pairwise(originals))
    assert originals[-1] == date(2027, 12, 31)  # 55 four-week steps later
    assert len(originals) == 56
    assert date(2024, 3, 29) in originals
    assert date(2027, 3, 26) in originals
    assert all(o.start.time() == time(12, 0) for o in found)


def _around_good_friday(found: list, good_friday: date) -> object:
    return next(o for o in found if o.original == good_friday)


@pytest.mark.parametrize("good_friday", [date(2024, 3, 29), date(2027, 3, 26)])
def test_good_friday_under_each_bank_holiday_policy(good_friday: date) -> None:
    lookup = uk_bank_holidays("england-and-wales")
    assert lookup(good_friday) == "Good Friday"

    ignored = _around_good_friday(open_source("ignore"), good_friday)
    assert (ignored.date, ignored.status) == (good_friday, "scheduled")

    no_policy = _around_good_friday(open_source(None), good_friday)
    assert (no_policy.date, no_policy.status) == (good_friday, "scheduled")

    skipped = _around_good_friday(open_source("skip"), good_friday)
    assert (skipped.date, skipped.status) == (good_friday, "cancelled")
    assert "Good Friday" in skipped.reason

    moved = _around_good_friday(open_source("move to previous Thursday"), good_friday)
    assert moved.date == good_friday - timedelta(days=1)
    assert moved.status == "moved"
    assert moved.sequence == 1
    assert moved.start.time() == time(12, 0)

    later = _around_good_friday(open_source("move to next Monday"), good_friday)
    # Easter Monday is a bank holiday too, so the next free Monday is a week later.
    assert later.date == good_friday + timedelta(days=10)
    assert later.date.weekday() == 0


def test_bank_holiday_policies_only_touch_bank_holidays() -> None:
    plain = [o.date for o in open_source(None)]
    for policy in ("skip", "move to previous Thursday"):
        changed = [
            (o.original, o.date) for o in open_source(policy) if o.original != o.date or not o.held
        ]
        # Good Friday 2024 and 2027, and New Year's Day 2027 (a Friday in the series);
        # Christmas Day 2026 is a Friday too, but not one of the group's.
        assert {original for original, _ in changed} == {
            date(2024, 3, 29),
            date(2027, 1, 1),
            date(2027, 3, 26),
        }
    assert date(2024, 3, 29) in plain


def test_scotland_has_its_own_bank_holidays() -> None:
    sched = lambda region: schedule(  # noqa: E731
        rule="FREQ=MONTHLY;BYMONTHDAY=2",
        bank_holidays={"region": region, "policy": "skip"},
    )
    day = date(2026, 1, 2)
    (scotland,) = expand(sched("scotland"), LONDON, day, day)
    (england,) = expand(sched("england-and-wales"), LONDON, day, day)
    assert scotland.status == "cancelled"
    assert england.status == "scheduled"
    assert expand(sched("SCT"), LONDON, day, day)[0].status == "cancelled"  # the package's code


def test_holiday_move_onto_an_existing_meeting_cancels_instead() -> None:
    # Weekly on Thursday and Friday: moving Good Friday to Thursday would double-book it.
    sched = schedule(
        rule="FREQ=WEEKLY;BYDAY=TH,FR",
        bank_holidays={"policy": "move to previous Thursday"},
    )
    found = expand(sched, LONDON, date(2024, 3, 25), date(2024, 3, 31))
    held = [o.date for o in found if o.held]
    assert len(held) == len(set(held))
    good_friday = next(o for o in found if o.original == date(2024, 3, 29))
    assert good_friday.status == "cancelled"


def test_holiday_policy_text() -> None:
    assert HolidayPolicy.parse("Move to the previous Thursday") == HolidayPolicy("move", 3, -1)
    assert HolidayPolicy.parse("move to next Monday") == HolidayPolicy("move", 0, 1)
    assert HolidayPolicy.parse("move to thursday") == HolidayPolicy("move", 3, -1)
    with pytest.raises(ValueError, match="unknown bank-holiday policy"):
        HolidayPolicy.parse("postpone")


# -- explicit dates, cancellations, moves with a new time ---------------------------------------


def test_explicit_dates_cancellations_and_moves() -> None:
    sched = schedule(
        dates=["2025-09-17", "2025-10-29", "2025-12-03", "2026-01-21"],
        cancelled=["2025-12-03"],
        moved=[{"from": "2026-01-21", "to": "2026-01-22", "start": "14:30", "reason": "strike"}],
        start="13:00",
        duration="1h30m",
    )
    found = expand(sched, LONDON, date(2025, 1, 1), date(2026, 12, 31))
    assert [(o.date, o.status) for o in found] == [
        (date(2025, 9, 17), "scheduled"),
        (date(2025, 10, 29), "scheduled"),
        (date(2025, 12, 3), "cancelled"),
        (date(2026, 1, 22), "moved"),
    ]
    assert found[0].start_utc == utc("2025-09-17T12:00:00Z")  # 13:00 BST
    assert found[1].start_utc == utc("2025-10-29T13:00:00Z")  # 13:00 GMT
    assert found[3].start.time() == time(14, 30)
    assert found[3].reason == "strike"
    assert found[3].duration == timedelta(minutes=90)
    assert found[2].sequence == 1


def test_cancelling_a_moved_meeting_by_its_new_date() -> None:
    sched = schedule(
        rule="fourth Thursday monthly",
        moved=[{"from": "2026-12-24", "to": "2026-12-17"}],
        cancelled=["2026-12-17"],
    )
    (december,) = expand(sched, LONDON, date(2026, 12, 1), date(2026, 12, 31))
    assert december.status == "cancelled"
    assert december.sequence == 2  # moved, then cancelled


def test_a_move_from_outside_the_window_into_it_is_found() -> None:
    sched = schedule(
        rule="fourth Thursday monthly", moved=[{"from": "2026-01-22", "to": "2026-02-05"}]
    )
    found = expand(sched, LONDON, date(2026, 2, 1), date(2026, 2, 10))
    assert [(o.original, o.date) for o in found] == [(date(2026, 1, 22), date(2026, 2, 5))]


def test_first_and_until_bound_the_rule() -> None:
    sched = schedule(rule="weekly on Monday", first="2026-03-02", until="2026-03-23")
    found = expand(sched, LONDON, date(2026, 1, 1), date(2026, 12, 31))
    assert [o.date.day for o in found] == [2, 9, 16, 23]


# -- wall-clock times -----------------------------------------------------------------------------


def test_a_time_the_clocks_skip_is_an_error_naming_the_date() -> None:
    sched = schedule(rule="last Sunday monthly", start="01:30")
    with pytest.raises(ClockError, match=r"01:30 on Sunday 29 March 2026 does not exist"):
        expand(sched, LONDON, date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(ClockError, match=r"25 October 2026 happens twice"):
        expand(sched, LONDON, date(2026, 10, 1), date(2026, 10, 31))
    # Other months are fine.
    (june,) = expand(sched, LONDON, date(2026, 6, 1), date(2026, 6, 30))
    assert june.start_utc == utc("2026-06-28T00:30:00Z")


def test_a_cancelled_meeting_at_a_skipped_time_is_not_an_error() -> None:
    sched = schedule(rule="last Sunday monthly", start="01:30", cancelled=["2026-03-29"])
    (march,) = expand(sched, LONDON, date(2026, 3, 1), date(2026, 3, 31))
    assert march.status == "cancelled"


def test_duration_is_real_time_across_a_clock_change() -> None:
    sched = schedule(rule="last Saturday monthly", start="23:30", duration=180)
    (march,) = expand(sched, LONDON, date(2026, 3, 1), date(2026, 3, 31))
    assert march.duration == timedelta(hours=3)
    assert march.end.isoformat() == "2026-03-29T03:30:00+01:00"  # 3 hours, one of them skipped


def test_other_zones_keep_their_own_wall_clock() -> None:
    sched = schedule(rule="first Monday monthly", start="09:00", timezone="America/New_York")
    found = expand(sched, "America/New_York", date(2026, 1, 1), date(2026, 12, 31))
    assert {o.start.time() for o in found} == {time(9, 0)}
    assert found[0].start_utc == utc("2026-01-05T14:00:00Z")  # EST
    assert found[3].start_utc == utc("2026-04-06T13:00:00Z")  # EDT


# -- the facilitator rota ---------------------------------------------------------------------------


def test_rota_counts_held_meetings_from_the_first() -> None:
    sched = schedule(rule="every 4 weeks on Friday from 2023-10-13", cancelled=["2023-11-10"])
    assert rota_index(sched, date(2023, 10, 13)) == 0
    assert rota_index(sched, date(2023, 12, 8)) == 1  # 10 November was cancelled
    assert rota_index(sched, date(2024, 1, 5)) == 2
    # Deterministic: the same answer whenever it is asked.
    assert rota_index(sched, date(2024, 1, 5)) == 2
