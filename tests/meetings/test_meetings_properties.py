"""Properties of schedules and action parsing, over many generated cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from helpers_meetings import schedule
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ghcommunity.core.schedules import ClockError, clock_problem, expand, zone_info
from ghcommunity.jobs.meetings.notes import open_actions

ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
    "Pacific/Chatham",
    "America/Sao_Paulo",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ORDINALS = ["first", "second", "third", "fourth", "last"]


@st.composite
def rules(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["nth", "weeks", "weekly", "rrule"]))
    day = draw(st.sampled_from(DAYS))
    if kind == "nth":
        return f"{draw(st.sampled_from(ORDINALS))} {day} monthly"
    if kind == "weeks":
        first = draw(st.dates(date(2015, 1, 1), date(2030, 12, 31)))
        n = draw(st.integers(2, 6))
        # Align the first date with the weekday, as people write it.
        first += timedelta(days=(DAYS.index(day) - first.weekday()) % 7)
        return f"every {n} weeks on {day} from {first.isoformat()}"
    if kind == "weekly":
        return f"weekly on {day}"
    return draw(
        st.sampled_from(
            ["FREQ=MONTHLY;BYMONTHDAY=1,15", "FREQ=DAILY", "FREQ=MONTHLY;BYDAY=+2TU,-1FR"]
        )
    )


times = st.times().map(lambda t: time(t.hour, t.minute))
windows = st.tuples(st.dates(date(2018, 1, 1), date(2035, 12, 31)), st.integers(0, 400))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=rules(), at=times, zone=st.sampled_from(ZONES), window=windows)
def test_every_meeting_starts_at_the_configured_wall_clock_time(
    rule: str, at: time, zone: str, window: tuple[date, int]
) -> None:
    start, span = window
    end = start + timedelta(days=span)
    sched = schedule(rule=rule, start=at.strftime("%H:%M"), duration=75)
    try:
        found = expand(sched, zone, start, end)
    except ClockError as exc:
        error = exc
    else:
        error = None
    if error is not None:
        # Only a real clock change can make a time invalid, and it is reported for that day.
        assert clock_problem(error.day, error.at, zone_info(zone)) is not None
        assert error.at == at
        assert start <= error.day <= end
        return
    tz = zone_info(zone)
    held = [o for o in found if o.held]
    dates = [o.date for o in found]
    assert dates == sorted(dates)
    assert len({o.date for o in held}) == len(held)  # never two meetings on one day
    for occ in found:
        assert start <= occ.date <= end
        assert occ.start.date() == occ.date
        assert occ.start.time() == at  # wall clock, whatever the offset that day
        assert occ.start.tzinfo is tz
        # The UTC instant maps back to the same wall-clock time (no drift at clock changes).
        back = occ.start_utc.astimezone(tz)
        assert (back.date(), back.time()) == (occ.date, at)
        assert occ.end_utc - occ.start_utc == timedelta(minutes=75)


@settings(max_examples=150, deadline=None)
@given(rule=rules(), start=st.dates(date(2020, 1, 1), date(2030, 1, 1)), cut=st.integers(1, 300))
def test_the_plan_does_not_depend_on_the_window(rule: str, start: date, cut: int) -> None:
    """Planning in March for April gives what planning in April gives."""
    sched = schedule(rule=rule, start="12:00", bank_holidays={"policy": "move to next Monday"})
    end = start + timedelta(days=400)
    middle = start + timedelta(days=cut)
    whole = expand(sched, "Europe/London", start, end)
    parts = expand(sched, "Europe/London", start, middle) + expand(
        sched, "Europe/London", middle + timedelta(days=1), end
    )
    assert whole == parts


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    pick=st.integers(0, 5),
    shift=st.integers(-6, 6),
)
def test_a_moved_meeting_replaces_its_original(start: date, pick: int, shift: int) -> None:
    base = schedule(rule="fourth Thursday monthly", start="11:00")
    window_end = start + timedelta(days=200)
    originals = [o.date for o in expand(base, "Europe/London", start, window_end)]
    original = originals[pick]
    target = original + timedelta(days=shift)
    assume(target not in originals or target == original)
    moved = schedule(
        rule="fourth Thursday monthly",
        start="11:00",
        moved=[{"from": original.isoformat(), "to": target.isoformat(), "start": "15:00"}],
    )
    found = expand(
        moved, "Europe/London", start - timedelta(days=10), window_end + timedelta(days=10)
    )
    by_original = {o.original: o for o in found}
    assert by_original[original].date == target
    assert by_original[original].start.time() == time(15, 0)
    assert by_original[original].status == "moved"
    assert [o.original for o in found].count(original) == 1
    for occ in found:
        if occ.original != original:
            assert (occ.date, occ.status, occ.start.time()) == (occ.original, "scheduled", time(11))


def test_a_plan_is_the_same_whatever_day_it_runs() -> None:
    """Nothing reads the clock: the same inputs give the same meetings."""
    sched = schedule(rule="fourth Thursday monthly", start="11:00")
    first = expand(sched, "Europe/London", date(2026, 4, 1), date(2026, 4, 30))
    assert first == expand(sched, "Europe/London", date(2026, 4, 1), date(2026, 4, 30))
    assert first[0].start_utc == datetime(2026, 4, 23, 10, 0, tzinfo=UTC)


# -- actions carried over -----------------------------------------------------------------------

words = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" .,'"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip())


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(
        st.tuples(words, st.booleans(), st.sampled_from(["-", "*", "+", "1."])),
        min_size=0,
        max_size=12,
    ),
    crlf=st.booleans(),
)
def test_unchecked_items_are_carried_and_ticked_ones_are_not(
    items: list[tuple[str, bool, str]], crlf: bool
) -> None:
    lines = ["# Notes", "", "## Actions", ""]
    for text, done, bullet in items:
        lines.append(f"{bullet} [{'x' if done else ' '}] {text}")
    newline = "\r\n" if crlf else "\n"
    found = [a.text for a in open_actions(newline.join(lines) + newline)]
    expected: list[str] = []
    for text, done, _ in items:
        normal = " ".join(text.split())
        if not done and normal.casefold() not in {e.casefold() for e in expected}:
            expected.append(normal)
    assert found == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_parses_without_error(text: str) -> None:
    for action in open_actions(text):
        assert action.text == action.text.strip()
        assert action.text
        assert action.depth >= 0
