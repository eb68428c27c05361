"""Meeting schedules: friendly phrases and RFC 5545 RRULEs, expanded into dated occurrences.

Pure: no clock, no I/O. UK bank holidays come from the offline `holidays` package.

Wall-clock semantics: a meeting at 11:00 Europe/London is at 11:00 on its local date — GMT in
winter, BST in summer — whatever day the expansion runs on. Each occurrence keeps its
*original* date (the date the rule or list gives), which never changes when the meeting moves:
calendar UIDs are built from it, so calendar clients update an event rather than duplicate it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

if TYPE_CHECKING:
    from ghcommunity.config.groups import Schedule

WEEKDAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
WEEKDAY_NUMBERS = {name: number for number, name in enumerate(WEEKDAYS)}  # monday = 0
ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
    "second last": -2,
    "second-last": -2,
    "penultimate": -2,
}
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "eight": 8,
    "twelve": 12,
}

_DAY = r"(?:an?\s+)?(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
_ORD = (
    r"(?P<ord>first|1st|second last|second-last|penultimate|second|2nd|third|3rd|"
    r"fourth|4th|fifth|5th|last)"
)
_N = r"(?P<n>\d+|one|two|three|four|five|six|eight|twelve)"
_FROM = r"(?:,?\s+(?:from|starting(?: on)?|beginning)\s+(?P<start>\d{4}-\d{2}-\d{2}))?"
_MONTHLY = r"(?:monthly|of (?:each|every|the) month|each month|every month|a month)"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # "fourth Thursday monthly", "the last Wednesday of each month"
    (re.compile(rf"^(?:the\s+)?{_ORD}\s+{_DAY}\s+{_MONTHLY}{_FROM}$"), "nth"),
    # "monthly on the fourth Thursday", "every month on the last Friday"
    (
        re.compile(rf"^(?:monthly|every month|each month) on (?:the\s+)?{_ORD}\s+{_DAY}{_FROM}$"),
        "nth",
    ),
    # "every 2 months on the first Tuesday from 2026-01-06", "quarterly on the last Friday from …"
    (
        re.compile(rf"^every\s+{_N}\s+months\s+on\s+(?:the\s+)?{_ORD}\s+{_DAY}{_FROM}$"),
        "nth-months",
    ),
    (re.compile(rf"^quarterly\s+on\s+(?:the\s+)?{_ORD}\s+{_DAY}{_FROM}$"), "nth-quarterly"),
    # "every 4 weeks on Friday from 2023-10-13", "every four weeks on a Friday from …"
    (re.compile(rf"^every\s+{_N}\s+weeks\s+on\s+{_DAY}{_FROM}$"), "weeks"),
    # "weekly on Tuesday", "every Tuesday"
    (re.compile(rf"^(?:weekly on\s+|every\s+){_DAY}{_FROM}$"), "weekly"),
    # "fortnightly on Monday from …", "every other Monday from …"
    (
        re.compile(rf"^(?:fortnightly|every other week|every two weeks) on\s+{_DAY}{_FROM}$"),
        "fortnightly",
    ),
    (re.compile(rf"^(?:every other|fortnightly(?: on)?)\s+{_DAY}{_FROM}$"), "fortnightly"),
]
# "every fourth Thursday" could mean either rule; say so rather than guess.
_AMBIGUOUS = re.compile(rf"^every\s+{_ORD}\s+{_DAY}{_FROM}$")

ACCEPTED = (
    "expected an RRULE (e.g. 'FREQ=MONTHLY;BYDAY=+4TH') or a phrase such as "
    "'fourth Thursday monthly', 'last Wednesday monthly', "
    "'every 4 weeks on Friday from 2023-10-13', 'weekly on Tuesday', "
    "'fortnightly on Monday from 2026-01-05', 'every 2 months on the first Tuesday from 2026-01-06'"
)

# RRULE parts we accept. The time of day is the schedule's `start`, so BYHOUR/BYMINUTE/BYSECOND
# (and sub-daily frequencies) would only contradict it.
_ALLOWED_PARTS = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
}
_FREQS = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


class RuleError(ValueError):
    """A rule that cannot be parsed; the message says what forms are accepted."""


@dataclass(frozen=True)
class ParsedRule:
    rrule: str  # RFC 5545 RRULE body without UNTIL, e.g. "FREQ=MONTHLY;BYDAY=+4TH"
    start: date | None = None  # the anchor (DTSTART) the phrase gave, if any
    until: date | None = None  # the RRULE's UNTIL, as a local date (inclusive)
    anchored: bool = False  # whether the dates depend on the anchor (interval, COUNT, …)


def _phrase_rule(text: str, phrase: str) -> ParsedRule | None:
    for pattern, kind in _PATTERNS:
        match = pattern.match(phrase)
        if not match:
            continue
        groups = match.groupdict()
        start = _iso_date(groups["start"], text) if groups.get("start") else None
        day = WEEKDAYS[groups["day"]]
        if kind == "nth":
            return ParsedRule(f"FREQ=MONTHLY;BYDAY={ORDINALS[groups['ord']]:+d}{day}", start)
        if kind in ("nth-months", "nth-quarterly"):
            interval = 3 if kind == "nth-quarterly" else _number(groups["n"])
            byday = f"BYDAY={ORDINALS[groups['ord']]:+d}{day}"
            if interval == 1:
                return ParsedRule(f"FREQ=MONTHLY;{byday}", start)
            if start is None:
                raise RuleError(
                    f"{text.strip()!r}: a rule every {interval} months needs its first date, "
                    f"e.g. '{phrase} from 2026-01-06'"
                )
            return ParsedRule(f"FREQ=MONTHLY;INTERVAL={interval};{byday}", start, anchored=True)
        if kind == "weeks":
            interval = _number(groups["n"])
            if interval == 1:
                return ParsedRule(f"FREQ=WEEKLY;BYDAY={day}", start)
            if start is None:
                raise RuleError(
                    f"{text.strip()!r}: 'every {interval} weeks' needs its first date, "
                    f"e.g. 'every {interval} weeks on {groups['day'].title()} from 2023-10-13'"
                )
            return ParsedRule(f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={day}", start, anchored=True)
        if kind == "fortnightly":
            if start is None:
                raise RuleError(
                    f"{text.strip()!r}: a fortnightly rule needs its first date, "
                    f"e.g. 'fortnightly on {groups['day'].title()} from 2026-01-05'"
                )
            return ParsedRule(f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}", start, anchored=True)
        return ParsedRule(f"FREQ=WEEKLY;BYDAY={day}", start)
    return None


def _number(raw: str) -> int:
    value = int(raw) if raw.isdigit() else _WORD_NUMBERS[raw]
    if not 1 <= value <= 52:
        raise RuleError(f"an interval of {value} is out of range (1 to 52)")
    return value


def _iso_date(raw: str, text: str) -> date:
    try:
        found = date.fromisoformat(raw)
    except ValueError:
        raise RuleError(f"{text.strip()!r}: {raw} is not a date (YYYY-MM-DD)") from None
    if not 1970 <= found.year <= 2200:
        raise RuleError(f"{text.strip()!r}: {raw} is not a meeting date (years 1970 to 2200)")
    return found


# The range each RRULE part's numbers may take (RFC 5545 3.3.10); an ordinal BYDAY (e.g.
# +4TH) only with FREQ=MONTHLY (1 to 5) or YEARLY (1 to 53). Out-of-range values are refused
# here: dateutil would accept BYDAY=9TH and then search for a date that never comes.
_RANGES = {
    "BYMONTHDAY": 31,
    "BYYEARDAY": 366,
    "BYWEEKNO": 53,
    "BYSETPOS": 366,
    "BYMONTH": 12,
}
_WEEKDAY_ITEM = re.compile(r"^([+-]?)(\d{1,3})?(MO|TU|WE|TH|FR|SA|SU)$")


def _check_ranges(parts: dict[str, str], text: str) -> None:
    def bad(why: str) -> RuleError:
        return RuleError(f"invalid RRULE {text.strip()!r}: {why}")

    freq = parts.get("FREQ")
    for key, limit in _RANGES.items():
        for item in filter(None, parts.get(key, "").split(",")):
            if not re.fullmatch(r"[+-]?\d{1,4}", item):
                raise bad(f"{key}={item} is not a number")
            value = int(item)
            if value == 0 or abs(value) > limit or (key == "BYMONTH" and value < 0):
                low = 1 if key == "BYMONTH" else -limit
                raise bad(f"{key}={item} is out of range ({low} to {limit}, not 0)")
    for item in filter(None, parts.get("BYDAY", "").split(",")):
        match = _WEEKDAY_ITEM.match(item.strip())
        if not match:
            raise bad(f"BYDAY={item} is not a weekday such as TH, +4TH or -1WE")
        if match[2] is not None:
            n = int(match[2])
            weeks = {"MONTHLY": 5, "YEARLY": 53}.get(str(freq))
            if weeks is None:
                raise bad(f"BYDAY={item}: a numbered weekday needs FREQ=MONTHLY or YEARLY")
            if not 1 <= n <= weeks:
                raise bad(f"BYDAY={item}: a {str(freq).lower()} rule has weeks 1 to {weeks}")
    for key, top in (("INTERVAL", 1000), ("COUNT", 10000)):
        raw = parts.get(key)
        if raw is not None and (not raw.isdigit() or not 1 <= int(raw) <= top):
            raise bad(f"{key}={raw} is out of range (1 to {top})")


def _rrule_text(text: str) -> ParsedRule:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts: dict[str, str] = {}
    for item in body.strip().strip(";").split(";"):
        key, sep, value = item.partition("=")
        key = key.strip().upper()
        if not sep or not value.strip():
            raise RuleError(f"invalid RRULE {text.strip()!r}: {item!r} is not NAME=VALUE")
        if key not in _ALLOWED_PARTS:
            hint = (
                " (the time of day is the schedule's 'start')"
                if key in ("BYHOUR", "BYMINUTE", "BYSECOND")
                else (" (put the first date in 'first')" if key == "DTSTART" else "")
            )
            raise RuleError(f"invalid RRULE {text.strip()!r}: {key} is not supported{hint}")
        if key in parts:
            raise RuleError(f"invalid RRULE {text.strip()!r}: {key} appears twice")
        parts[key] = value.strip().upper()
    freq = parts.get("FREQ")
    if freq not in _FREQS:
        raise RuleError(
            f"invalid RRULE {text.strip()!r}: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"
        )
    until = None
    if "UNTIL" in parts:
        raw = parts.pop("UNTIL")
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(?:T\d{6}Z?)?", raw)
        if not match:
            raise RuleError(f"invalid RRULE {text.strip()!r}: UNTIL={raw} is not a date")
        try:
            until = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise RuleError(f"invalid RRULE {text.strip()!r}: UNTIL={raw} is not a date") from None
    if "COUNT" in parts and until is not None:
        raise RuleError(f"invalid RRULE {text.strip()!r}: use COUNT or UNTIL, not both")
    if until is not None and not 1970 <= until.year <= 2200:
        raise RuleError(f"invalid RRULE {text.strip()!r}: UNTIL is not a meeting date")
    _check_ranges(parts, text)
    normalised = ";".join(f"{k}={v}" for k, v in parts.items())
    try:  # a fixed DTSTART: validation must not depend on the clock
        parsed = rrulestr(normalised, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError) as exc:
        raise RuleError(f"invalid RRULE {text.strip()!r}: {exc}") from None
    # A rule that gives no date in 28 years (every weekday pattern repeats by then) never
    # will: e.g. BYMONTH=2;BYMONTHDAY=30. Bounded by UNTIL, so the search always ends.
    if (
        isinstance(parsed, rrule)
        and parsed.replace(count=None, until=datetime(2028, 1, 1)).after(datetime(1999, 12, 31))
        is None
    ):
        raise RuleError(f"invalid RRULE {text.strip()!r}: it gives no dates")
    return ParsedRule(normalised, None, until, anchored=_needs_anchor(parts))


def _needs_anchor(parts: dict[str, str]) -> bool:
    """Whether the dates an RRULE gives depend on its DTSTART (so a first date is required)."""
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return True
    if interval != 1 or "COUNT" in parts:
        return True
    freq = parts["FREQ"]
    if freq == "DAILY":
        return False
    if freq == "WEEKLY":
        return "BYDAY" not in parts
    if freq == "MONTHLY":
        return not ({"BYDAY", "BYMONTHDAY"} & parts.keys())
    return not (
        "BYYEARDAY" in parts
        or ("BYMONTH" in parts and {"BYDAY", "BYMONTHDAY"} & parts.keys())
        or ("BYWEEKNO" in parts and "BYDAY" in parts)
    )


@lru_cache(maxsize=512)
def parse_rule(text: str) -> ParsedRule:
    """Turn a friendly phrase or an RRULE into an RRULE body; raise RuleError if neither."""
    phrase = " ".join(text.strip().lower().split())
    if not phrase:
        raise RuleError(f"empty schedule rule: {ACCEPTED}")
    if phrase.startswith(("rrule:", "freq=")):
        return _rrule_text(text)
    parsed = _phrase_rule(text, phrase)
    if parsed is not None:
        return parsed
    ambiguous = _AMBIGUOUS.match(phrase)
    if ambiguous:
        day = ambiguous["day"].title()
        raise RuleError(
            f"{text.strip()!r} is ambiguous: write '{ambiguous['ord']} {day} monthly' or "
            f"'every {ORDINALS.get(ambiguous['ord'], 4)} weeks on {day} from YYYY-MM-DD'"
        )
    raise RuleError(f"cannot read schedule rule {text.strip()!r}: {ACCEPTED}")


@lru_cache(maxsize=256)
def _rule(body: str, anchor: date) -> rrule:
    result = rrulestr(body, dtstart=datetime.combine(anchor, time()), cache=True)
    assert isinstance(result, rrule)
    return result


def rule_dates(
    parsed: ParsedRule,
    first: date | None,
    until: date | None,
    start: date,
    end: date,
) -> list[date]:
    """The local dates the rule gives in [start, end], within [first, until]."""
    anchor = parsed.start or first
    lo = max(start, anchor) if anchor else start
    last = min(d for d in (end, until, parsed.until) if d is not None)
    if lo > last:
        return []
    rule = _rule(parsed.rrule, anchor or lo)
    return [
        moment.date()
        for moment in rule.between(
            datetime.combine(lo, time()), datetime.combine(last, time()), inc=True
        )
    ]


# -- bank holidays ---------------------------------------------------------------------------

HolidayLookup = Callable[[date], "str | None"]

# Config region names → the `holidays` package's UK subdivisions. England and Wales share
# their bank holidays; Wales is accepted on its own too.
REGIONS = {
    "england-and-wales": "ENG",
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}


@lru_cache(maxsize=8)
def uk_bank_holidays(region: str) -> HolidayLookup:
    """A lookup `date -> holiday name or None` for one UK nation (offline data)."""
    import holidays  # imported here: it takes a few tenths of a second to load

    calendar = holidays.country_holidays("GB", subdiv=REGIONS[region])

    def lookup(day: date) -> str | None:
        name = calendar.get(day)
        return str(name) if name else None

    return lookup


@dataclass(frozen=True)
class HolidayPolicy:
    action: Literal["skip", "ignore", "move"]
    weekday: int | None = None  # 0 = Monday, for "move"
    direction: int = -1  # -1: the previous such day; +1: the next

    @classmethod
    def parse(cls, text: str) -> HolidayPolicy:
        words = " ".join(text.lower().split())
        if words in ("skip", "cancel"):
            return cls("skip")
        if words in ("ignore", "keep"):
            return cls("ignore")
        match = re.fullmatch(
            r"move to (?:the )?(?:(previous|preceding|next|following) )?"
            r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
            words,
        )
        if not match:
            raise ValueError(
                f"unknown bank-holiday policy {text!r}: expected 'skip', 'ignore', "
                "'move to previous Thursday' or 'move to next Monday'"
            )
        direction = 1 if match[1] in ("next", "following") else -1
        return cls("move", WEEKDAY_NUMBERS[match[2]], direction)

    def describe(self) -> str:
        if self.action != "move" or self.weekday is None:
            return self.action
        which = "next" if self.direction > 0 else "previous"
        return f"moved to the {which} {list(WEEKDAYS)[self.weekday].title()}"

    def target(self, day: date, is_holiday: Callable[[date], object]) -> date:
        """The nearest such weekday strictly before (or after) `day` that is not a holiday."""
        assert self.weekday is not None
        step = self.direction
        candidate = day
        for _ in range(60):  # a few weeks at most, even over Christmas
            candidate += timedelta(days=step)
            if candidate.weekday() == self.weekday and not is_holiday(candidate):
                return candidate
        raise ValueError(f"no {list(WEEKDAYS)[self.weekday]} near {day} is free of holidays")


# -- occurrences -----------------------------------------------------------------------------

Status = Literal["scheduled", "moved", "cancelled"]


@dataclass(frozen=True, slots=True)
class Slot:
    """One meeting on the calendar before a time zone is applied."""

    original: date  # the date the rule or the list gives; never changes
    date: date  # the local date it is held on
    time: time  # local start time
    status: Status
    reason: str | None = None
    sequence: int = 0  # bumped when it moves and when it is cancelled
    explicit: bool = False  # moved or cancelled by config (not by the holiday policy)

    @property
    def held(self) -> bool:
        return self.status != "cancelled"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One meeting with its wall-clock start and end in its zone."""

    original: date
    date: date
    start: datetime  # aware, in the meeting's zone
    end: datetime
    status: Status
    reason: str | None = None
    sequence: int = 0

    @property
    def held(self) -> bool:
        return self.status != "cancelled"

    @property
    def start_utc(self) -> datetime:
        return self.start.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return self.end.astimezone(UTC)

    @property
    def zone_abbreviation(self) -> str:
        return self.start.tzname() or ""

    @property
    def duration(self) -> timedelta:
        return self.end_utc - self.start_utc


class ClockError(ValueError):
    """A local start time that does not exist, or happens twice, on a clock-change day."""

    def __init__(self, day: date, at: time, zone: str, problem: str, loc: tuple[str | int, ...]):
        self.day = day
        self.at = at
        self.zone = zone
        self.problem = problem
        self.loc = loc
        why = "the clocks go forward" if problem == "does not exist" else "the clocks go back"
        super().__init__(
            f"{at:%H:%M} on {day:%A} {day.day} {day:%B %Y} {problem} in {zone} ({why}); "
            "choose another start time, or move or cancel that meeting"
        )


class ScheduleError(ValueError):
    """A schedule that contradicts itself (e.g. two meetings moved onto one day)."""

    def __init__(self, message: str, loc: tuple[str | int, ...] = ()):
        super().__init__(message)
        self.loc = loc


@lru_cache(maxsize=64)
def zone_info(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def clock_problem(day: date, at: time, zone: ZoneInfo) -> str | None:
    """Why `at` on `day` is not one clear instant in `zone` (PEP 495 folds), or None."""
    return _problem(datetime.combine(day, at, tzinfo=zone))


def _problem(moment: datetime) -> str | None:
    before = moment.utcoffset()
    after = moment.replace(fold=1 - moment.fold).utcoffset()
    if moment.fold:
        before, after = after, before
    if before == after:
        return None
    assert before is not None
    assert after is not None
    return "does not exist" if before < after else "happens twice"


def local_start(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def _policy(schedule: Schedule) -> tuple[HolidayPolicy, HolidayLookup] | None:
    settings = schedule.bank_holidays
    if settings is None:
        return None
    policy = HolidayPolicy.parse(settings.policy)
    if policy.action == "ignore":
        return None
    return policy, uk_bank_holidays(settings.region)


def _pad(schedule: Schedule) -> timedelta:
    """How far outside a window a meeting's original date can be and still move into it."""
    moves = max((abs((m.to - m.from_).days) for m in schedule.moved), default=0)
    return timedelta(days=moves + 21)


def slots(
    schedule: Schedule,
    start: date,
    end: date,
    *,
    holidays: HolidayLookup | None = None,
    apply_holidays: bool = True,
) -> list[Slot]:
    """Every meeting held, moved or cancelled on a local date in [start, end], in order.

    Explicit moves and cancellations in config come first; then the bank-holiday policy.
    A meeting the holiday policy would move onto a day that already has one is cancelled
    instead, so one group never has two meetings (two notes files) on one date.
    """
    pad = _pad(schedule)
    lo, hi = start - pad, end + pad
    originals: set[date] = set()
    if schedule.rule:
        parsed = parse_rule(schedule.rule)
        originals.update(
            rule_dates(parsed, schedule.first, schedule.until, lo, hi),
        )
    originals.update(d for d in schedule.dates if lo <= d <= hi)
    moves = {m.from_: m for m in schedule.moved}
    cancelled = set(schedule.cancelled)
    policy = _policy(schedule) if apply_holidays else None
    if policy is not None and holidays is not None:
        policy = (policy[0], holidays)

    chosen: dict[date, Slot] = {}  # held meetings by date, explicit first
    out: list[Slot] = []
    deferred: list[tuple[date, str]] = []
    for original in sorted(originals):
        move = moves.get(original)
        if move is not None:
            reason = move.reason or f"moved from {original:%A} {original.day} {original:%B %Y}"
            slot = Slot(original, move.to, move.start or schedule.start, "moved", reason, 1, True)
        else:
            name = policy[1](original) if policy else None
            if name:
                deferred.append((original, name))
                continue
            slot = Slot(original, original, schedule.start, "scheduled")
        out.append(_cancel_if(slot, cancelled))
    for slot in out:
        if slot.held:
            if slot.date in chosen:
                raise ScheduleError(
                    f"two meetings on {slot.date}: {chosen[slot.date].original} and "
                    f"{slot.original}; move or cancel one of them",
                    ("moved",),
                )
            chosen[slot.date] = slot
    if policy is not None:
        rule_of, lookup = policy
        for original, name in deferred:
            if rule_of.action == "skip":
                slot = Slot(
                    original, original, schedule.start, "cancelled", f"bank holiday: {name}", 1
                )
            else:
                to = rule_of.target(original, lookup)
                slot = Slot(
                    original,
                    to,
                    schedule.start,
                    "moved",
                    f"bank holiday ({name}): {rule_of.describe()}",
                    1,
                )
                if to in chosen:
                    slot = Slot(
                        original,
                        original,
                        schedule.start,
                        "cancelled",
                        f"bank holiday ({name}); {to} already has a meeting",
                        1,
                    )
            slot = _cancel_if(slot, cancelled)
            if slot.held:
                chosen[slot.date] = slot
            out.append(slot)
    window = [s for s in out if start <= s.date <= end]
    window.sort(key=lambda s: (s.date, s.time, s.original))
    return window


def _cancel_if(slot: Slot, cancelled: set[date]) -> Slot:
    if slot.held and (slot.original in cancelled or slot.date in cancelled):
        return Slot(
            slot.original,
            slot.date,
            slot.time,
            "cancelled",
            slot.reason,  # the status says "cancelled"; the reason only adds to it
            slot.sequence + 1,
            True,
        )
    return slot


def expand(
    schedule: Schedule,
    zone: str,
    start: date,
    end: date,
    *,
    holidays: HolidayLookup | None = None,
) -> list[Occurrence]:
    """The occurrences on local dates in [start, end], with wall-clock times in `zone`.

    Raises ClockError when a meeting that is held would start at a local time that does not
    exist, or exists twice, on its date (a clock-change day).
    """
    tz = zone_info(zone)
    length = timedelta(minutes=schedule.duration)
    result = []
    for slot in slots(schedule, start, end, holidays=holidays):
        begin = local_start(slot.date, slot.time, tz)
        if slot.held:
            problem = _problem(begin)
            if problem:
                raise ClockError(slot.date, slot.time, zone, problem, _time_loc(schedule, slot))
        # Real elapsed time, not wall-clock arithmetic: a meeting across a clock change still
        # lasts its duration.
        finish = (begin.astimezone(UTC) + length).astimezone(tz)
        result.append(
            Occurrence(
                slot.original, slot.date, begin, finish, slot.status, slot.reason, slot.sequence
            )
        )
    return result


def _time_loc(schedule: Schedule, slot: Slot) -> tuple[str | int, ...]:
    """Which config field gave this meeting its time (for file:line:column errors)."""
    for index, move in enumerate(schedule.moved):
        if move.from_ == slot.original and slot.status == "moved":
            return ("moved", index, "start") if move.start else ("moved", index, "to")
    if slot.original in schedule.dates and slot.date == slot.original:
        return ("dates", schedule.dates.index(slot.original))
    return ("start",)


# -- validation ------------------------------------------------------------------------------

CHECK_FROM = date(2020, 1, 1)  # where clock checks start when a schedule gives no first date
CHECK_YEARS = 30


@dataclass
class Problem:
    loc: tuple[str | int, ...]
    message: str
    value: object = None


@dataclass
class _Origins:
    """Which dates a schedule gives, for checking that moves and cancellations refer to them."""

    schedule: Schedule
    parsed: ParsedRule | None = field(init=False)

    def __post_init__(self) -> None:
        self.parsed = parse_rule(self.schedule.rule) if self.schedule.rule else None

    def is_original(self, day: date) -> bool:
        if day in self.schedule.dates:
            return True
        if self.parsed is None:
            return False
        return bool(rule_dates(self.parsed, self.schedule.first, self.schedule.until, day, day))

    def nearest(self, day: date) -> list[date]:
        candidates = {d for d in self.schedule.dates if abs((d - day).days) <= 45}
        if self.parsed is not None:
            candidates.update(
                rule_dates(
                    self.parsed,
                    self.schedule.first,
                    self.schedule.until,
                    day - timedelta(days=45),
                    day + timedelta(days=45),
                )
            )
        return sorted(candidates, key=lambda d: (abs((d - day).days), d))[:2]


def _near(origins: _Origins, day: date) -> str:
    near = origins.nearest(day)
    return f" (nearest: {', '.join(map(str, near))})" if near else ""


def schedule_problems(schedule: Schedule, zone: str | None = None) -> list[Problem]:
    """What is wrong with a schedule, each with the config field it concerns.

    Without `zone` the clock checks are left out (the community's zone is not known yet).
    """
    problems: list[Problem] = []
    parsed = parse_rule(schedule.rule) if schedule.rule else None
    if parsed is not None:
        if parsed.start and schedule.first and parsed.start != schedule.first:
            problems.append(
                Problem(
                    ("first",),
                    f"the rule starts on {parsed.start} but 'first' says {schedule.first}",
                    schedule.first,
                )
            )
        if parsed.anchored and not (parsed.start or schedule.first):
            problems.append(
                Problem(
                    ("rule",),
                    f"{schedule.rule!r} depends on its first date: add 'first: YYYY-MM-DD'",
                    schedule.rule,
                )
            )
            return problems
    first = (parsed.start if parsed else None) or schedule.first
    if first and schedule.until and schedule.until < first:
        problems.append(
            Problem(("until",), f"'until' ({schedule.until}) is before the first date ({first})")
        )
    origins = _Origins(schedule)
    seen_from: dict[date, int] = {}
    seen_to: dict[date, int] = {}
    for index, move in enumerate(schedule.moved):
        if move.from_ in seen_from:
            problems.append(
                Problem(
                    ("moved", index, "from"),
                    f"{move.from_} is moved twice (see moved[{seen_from[move.from_]}])",
                    str(move.from_),
                )
            )
        seen_from.setdefault(move.from_, index)
        if not origins.is_original(move.from_):
            problems.append(
                Problem(
                    ("moved", index, "from"),
                    f"{move.from_} is not a meeting date of this schedule{_near(origins, move.from_)}",
                    str(move.from_),
                )
            )
        if move.to in seen_to:
            problems.append(
                Problem(
                    ("moved", index, "to"),
                    f"two meetings are moved to {move.to} (see moved[{seen_to[move.to]}])",
                    str(move.to),
                )
            )
        seen_to.setdefault(move.to, index)
        if (
            move.to != move.from_
            and origins.is_original(move.to)
            and move.to not in seen_from
            and move.to not in {m.from_ for m in schedule.moved}
            and move.to not in schedule.cancelled
        ):
            problems.append(
                Problem(
                    ("moved", index, "to"),
                    f"{move.to} already has a meeting; move or cancel that one too",
                    str(move.to),
                )
            )
    for index, day in enumerate(schedule.cancelled):
        if origins.is_original(day) or day in seen_to:
            continue
        # Perhaps the bank-holiday policy moves a meeting onto this day (loads holiday data).
        if not any(s.date == day for s in slots(schedule, day, day)):
            problems.append(
                Problem(
                    ("cancelled", index),
                    f"{day} is not a meeting date of this schedule{_near(origins, day)}",
                    str(day),
                )
            )
    if zone is not None and not problems:
        problems += clock_problems(schedule, zone)
    return problems


def transition_days(zone: str, year: int) -> tuple[date, ...]:
    """The local dates in `year` on which `zone` changes its UTC offset."""
    return _transition_days(zone, year)


@lru_cache(maxsize=1024)
def _transition_days(zone: str, year: int) -> tuple[date, ...]:
    tz = zone_info(zone)
    found = []
    day = date(year, 1, 1)
    offset = datetime.combine(day, time(), tzinfo=tz).utcoffset()
    while day.year == year:
        following = day + timedelta(days=1)
        next_offset = datetime.combine(following, time(), tzinfo=tz).utcoffset()
        if next_offset != offset:
            found.append(day)
        offset = next_offset
        day = following
    return tuple(found)


def clock_problems(
    schedule: Schedule, zone: str, start: date | None = None, end: date | None = None
) -> list[Problem]:
    """Meetings held at a local time that does not exist, or exists twice, in `zone`.

    Only clock-change days can have such a time, so only they are expanded.
    """
    tz = zone_info(zone)
    parsed = parse_rule(schedule.rule) if schedule.rule else None
    first_candidates = [
        d
        for d in (
            parsed.start if parsed else None,
            schedule.first,
            min(schedule.dates, default=None),
        )
        if d is not None
    ]
    lo = start or min(first_candidates, default=CHECK_FROM)
    hi = end or schedule.until or lo.replace(year=lo.year + CHECK_YEARS)
    times = {schedule.start, *(m.start for m in schedule.moved if m.start)}
    suspects: set[date] = set()
    for year in range(lo.year, hi.year + 1):
        for day in transition_days(zone, year):
            for candidate in (day - timedelta(days=1), day, day + timedelta(days=1)):
                if lo <= candidate <= hi and any(clock_problem(candidate, t, tz) for t in times):
                    suspects.add(candidate)
    explicit = {*schedule.dates, *(m.to for m in schedule.moved)}
    suspects |= {d for d in explicit if lo <= d <= hi}
    # One problem per config field: the first meeting it hits, and how many more there are.
    first_error: dict[tuple[str | int, ...], ClockError] = {}
    counts: dict[tuple[str | int, ...], int] = {}
    reported: set[date] = set()
    for day in sorted(suspects):
        for slot in slots(schedule, day, day):
            if not slot.held or slot.date in reported:
                continue
            problem = clock_problem(slot.date, slot.time, tz)
            if problem:
                reported.add(slot.date)
                error = ClockError(slot.date, slot.time, zone, problem, _time_loc(schedule, slot))
                first_error.setdefault(error.loc, error)
                counts[error.loc] = counts.get(error.loc, 0) + 1
    problems = []
    for loc, error in first_error.items():
        message = str(error)
        if counts[loc] > 1:
            more = counts[loc] - 1
            message += f" (and {more} more meeting{'s' if more > 1 else ''} like it)"
        problems.append(Problem(loc, message, f"{error.at:%H:%M}"))
    return problems


# -- helpers for people ----------------------------------------------------------------------


def neighbours(
    occurrences: Sequence[Occurrence], index: int
) -> tuple[Occurrence | None, Occurrence | None]:
    """The previous and next held meetings around occurrences[index]."""
    before = next((o for o in reversed(occurrences[:index]) if o.held), None)
    after = next((o for o in occurrences[index + 1 :] if o.held), None)
    return before, after


def held(occurrences: Iterable[Occurrence]) -> list[Occurrence]:
    return [o for o in occurrences if o.held]


def series_start(schedule: Schedule) -> date:
    """Where the series (and the facilitator rota) begins."""
    parsed = parse_rule(schedule.rule) if schedule.rule else None
    candidates = [
        d
        for d in (
            parsed.start if parsed else None,
            schedule.first,
            min(schedule.dates, default=None),
        )
        if d is not None
    ]
    return min(candidates, default=CHECK_FROM)


def rota_index(schedule: Schedule, original: date) -> int:
    """How many meetings were held before this one since the series began (for the rota).

    Counts from `first` (or the rule's own start, or the earliest listed date); a rule with no
    first date counts from 1 January 2020. Cancelled meetings do not take a turn.
    """
    begin = series_start(schedule)
    if original < begin:
        return 0
    return sum(
        1
        for s in slots(schedule, begin, original - timedelta(days=1), apply_holidays=True)
        if s.held and s.original < original
    )
