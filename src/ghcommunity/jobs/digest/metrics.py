"""The digest's figures for one month, with the months before it for trends. Pure.

Input: plain rows from the store (`ghcommunity.jobs.digest.activity.Activity`) and the settings
taken from the config (`DigestSettings.from_config`). Output: one `Figures` model
(`ghcommunity.jobs.digest.figures`) that the renderers, the publish plan and the JSON output
share. Everything is "as at the end of the month", so a digest computed again later for the same
month says the same thing.

Who counts as a person: bots (GraphQL type `Bot`, a login ending in `[bot]`, `digest.bots`, the
community's own bot) never do; a deleted account (`ghost`) is nobody in particular, so its
contributions count as activity but not as a participant, and a `ghost` reply to a `ghost` item
is not taken as a response (they may be the same person).
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from ghcommunity.core.departments import alias_table, normalise_name
from ghcommunity.core.departments import department as normalise_department
from ghcommunity.core.errors import InputError
from ghcommunity.core.held import DatedNotes, group_health
from ghcommunity.jobs.digest.activity import (
    GHOST,
    Activity,
    Contribution,
    CountSample,
    Item,
    LabelEvent,
)
from ghcommunity.jobs.digest.figures import (
    Ddat,
    DepartmentCount,
    Departments,
    Engagement,
    Figures,
    Group,
    Items,
    Objective,
    ObjectiveStatus,
    Participants,
    Period,
    PerKind,
    Response,
    RoleCount,
    TrendRow,
    Unanswered,
    UnansweredEntry,
)

if TYPE_CHECKING:
    from ghcommunity.jobs.digest.settings import DigestConfig

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


# -- months ----------------------------------------------------------------------------------


def parse_month(text: str) -> tuple[int, int]:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise InputError(f"--month {text!r}: expected YYYY-MM, e.g. 2026-10")
    if not 1970 <= int(match[1]) <= 2999:  # a month's window and trend must be real dates
        raise InputError(f"--month {text!r}: expected a month between 1970 and 2999")
    return int(match[1]), int(match[2])


def shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def month_id(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_name(year: int, month: int) -> str:
    return f"{MONTH_NAMES[month - 1]} {year}"


def month_start(year: int, month: int, zone: ZoneInfo) -> datetime:
    """The first instant of a month in the community's time zone, in UTC."""
    return datetime(year, month, 1, tzinfo=zone).astimezone(UTC)


def window(month: str, settings: DigestSettings) -> tuple[datetime, datetime]:
    """[start, end) in UTC of a month and the `trend_months` before it."""
    year, mon = parse_month(month)
    return (
        month_start(*shift(year, mon, -settings.trend_months), settings.zone),
        month_start(*shift(year, mon, 1), settings.zone),
    )


def previous_month(now: datetime, zone: ZoneInfo) -> str:
    local = now.astimezone(zone)
    return month_id(*shift(local.year, local.month, -1))


# -- people ----------------------------------------------------------------------------------


def is_ghost(login: str, kind: str = "") -> bool:
    return kind == "Ghost" or login.lower() == GHOST


def is_bot(login: str, kind: str, bots: frozenset[str]) -> bool:
    name = login.lower()
    return kind == "Bot" or name.endswith("[bot]") or name in bots


_NO_ANSWER = {"", "_no response_", "none", "n/a", "na", "-", "prefer not to say"}
_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


def form_answer(body: str | None, questions: Iterable[str]) -> str | None:
    """The answer under the first `### <question>` heading of an issue-form body, if any.

    Tolerant of `\\r\\n`, extra spaces and case; "_No response_" and "None" are no answer.
    """
    if not body:
        return None
    text = body.replace("\r\n", "\n")
    wanted = {normalise_name(q) for q in questions}
    headings = list(_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        if normalise_name(heading[1]) not in wanted:
            continue
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        value = " ".join(text[heading.end() : end].split())
        return None if value.lower() in _NO_ANSWER else value[:200]
    return None


# -- settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    slug: str
    name: str
    label: str
    folder: str  # notes folder, without a trailing slash
    status: str = "active"


@dataclass(frozen=True)
class ObjectiveSpec:
    id: str
    title: str
    metric: str
    target: float | None
    by: date | None = None
    baseline: float | None = None
    baseline_date: date | None = None
    period: str | None = None
    baseline_month: str | None = None  # department_share: the month the change counts from
    stated: str | None = None  # where the community states the objective


@dataclass(frozen=True)
class Supplied:
    """A figure a maintainer supplies (it cannot be read from GitHub), with its date and source."""

    objective: str
    day: date
    value: float
    source: str
    note: str | None = None


@dataclass(frozen=True)
class DigestSettings:
    community: str = "community"
    timezone: str = "Europe/London"
    bots: frozenset[str] = frozenset()
    departments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    members: Mapping[str, str] = field(default_factory=dict)  # login (lower) → department
    groups: tuple[GroupSpec, ...] = ()
    unanswered_days: int = 7
    announcement_categories: frozenset[str] = frozenset({"announcements"})  # lower case
    dormant_months: int = 6
    trend_months: int = 12
    ddat_label: str = "ddat-feedback"
    ddat_prefix: str = "ddat"
    # A DDaT role label's name (lower case, after the prefix) → the framework's name, for labels
    # whose name is a short name ("DevOps engineer" → "Development operations (DevOps) engineer").
    ddat_role_names: Mapping[str, str] = field(default_factory=dict)
    objectives: tuple[ObjectiveSpec, ...] = ()
    supplied: tuple[Supplied, ...] = ()  # maintainer-supplied figures (digest.figures)
    baselines: Mapping[str, float] = field(default_factory=dict)  # objective id → kept figure

    @classmethod
    def from_config(
        cls, config: DigestConfig, ddat_role_names: Mapping[str, str] | None = None
    ) -> DigestSettings:
        """The settings the figures need, from the config (and the DDaT role label names,
        read at the edge: `core.providers.role_label_names`)."""
        digest = config.digest
        bots = {b.lower().lstrip("@") for b in digest.bots}
        bots.add(config.community.bot_login.lower())
        return cls(
            community=config.community.name,
            timezone=config.community.timezone,
            bots=frozenset(bots),
            departments={k: tuple(v) for k, v in digest.departments.items()},
            members={k.lower().lstrip("@"): v for k, v in digest.members.items()},
            groups=tuple(
                GroupSpec(g.slug, g.name, g.group_label, g.notes_folder.rstrip("/"), g.status)
                for g in config.groups
            ),
            unanswered_days=digest.unanswered_days,
            announcement_categories=frozenset(c.lower() for c in digest.announcement_categories),
            dormant_months=digest.dormant_months,
            trend_months=digest.trend_months,
            ddat_label=config.ddat.feedback_label,
            ddat_prefix=config.ddat.label_prefix,
            ddat_role_names=dict(ddat_role_names or {}),
            objectives=tuple(
                ObjectiveSpec(
                    o.id,
                    o.title,
                    o.metric,
                    o.target,
                    o.by,
                    o.baseline,
                    o.baseline_date,
                    o.period,
                    o.baseline_month,
                    o.stated,
                )
                for o in config.objectives
            ),
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# -- the figures -----------------------------------------------------------------------------


def _percentile_90(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


class _Months:
    """Which of the trend's months an instant falls in, by bisecting UTC boundaries."""

    def __init__(self, year: int, month: int, count: int, zone: ZoneInfo) -> None:
        self.months = [shift(year, month, -count + i) for i in range(count + 1)]
        self.bounds = [month_start(y, m, zone) for y, m in self.months]
        self.bounds.append(month_start(*shift(year, month, 1), zone))

    def index(self, when: datetime | None) -> int | None:
        if when is None or when < self.bounds[0] or when >= self.bounds[-1]:
            return None
        return bisect.bisect_right(self.bounds, when) - 1

    @property
    def start(self) -> datetime:
        return self.bounds[0]

    @property
    def end(self) -> datetime:
        return self.bounds[-1]

    @property
    def this_start(self) -> datetime:
        return self.bounds[-2]


def _closed(item: Item) -> datetime | None:
    return item.closed_at or item.merged_at


def _open_at(item: Item, when: datetime) -> bool:
    closed = _closed(item)
    return item.created_at < when and (closed is None or closed >= when)


def _per_kind(keys: Iterable[tuple[str, int]] | Iterable[str]) -> PerKind:
    counter: Counter[str] = Counter()
    for key in keys:
        counter[key[0] if isinstance(key, tuple) else key] += 1
    issue, pull, discussion = (counter.get(kind, 0) for kind in ("issue", "pull", "discussion"))
    return PerKind(discussion=discussion, issue=issue, pull=pull, total=issue + pull + discussion)


class _People:
    def __init__(
        self, activity: Activity, settings: DigestSettings, end: datetime | None = None
    ) -> None:
        self.settings = settings
        self.people = activity.people
        self.forms = activity.form_departments  # the store gives the answers in force at `end`
        # The profile company in force at the month's end: the last one seen before it, or
        # the first one ever seen (which stands for everything before the store saw it).
        self.companies: dict[str, str] = {}
        for login, seen in activity.companies.items():
            before = [company for at, company in seen if end is None or at < end]
            chosen = before[-1] if before else (seen[0][1] if seen else None)
            if chosen:
                self.companies[login] = chosen
        self.aliases = alias_table(settings.departments)
        self._spellings: dict[str, str] = {}
        self._counts: dict[tuple[str, str], bool] = {}

    def counts(self, login: str, kind: str) -> bool:
        """Whether this login is a person for participant counts (asked ~10⁵ times: cached)."""
        answer = self._counts.get((login, kind))
        if answer is None:
            answer = not is_ghost(login, kind) and not is_bot(login, kind, self.settings.bots)
            self._counts[(login, kind)] = answer
        return answer

    def department(self, login: str) -> tuple[str | None, str]:
        """(department, status) for a login, status being "known", "unrecognised" (an
        organisation none of the aliases match) or "unknown" (nothing to go on). Sources, in
        order: the config's mapping, the person's latest form answer, their profile company."""
        key = login.lower()
        person = self.people.get(key)
        status = "unknown"
        company = (
            self.companies.get(key, person.company if person else None)
            if self.companies
            else (person.company if person else None)
        )
        for text in (
            self.settings.members.get(key),
            self.forms.get(key),
            company,
        ):
            found, how = normalise_department(text, self.aliases)
            if how == "unknown" or text is None:
                continue
            if how == "known":
                # no aliases configured: organisations as people write them (first spelling met)
                return (found if self.aliases else self._as_written(text)), "known"
            status = "unrecognised"
        return None, status

    def _as_written(self, text: str) -> str:
        # One spelling per organisation: the first one met, compared loosely.
        return self._spellings.setdefault(normalise_name(text), text.strip().lstrip("@").strip())


def _responders(
    item: Item, contribs: list[Contribution], bots: frozenset[str]
) -> Iterable[Contribution]:
    author = item.author.lower()
    ghost_item = is_ghost(item.author, item.author_type)
    for c in contribs:
        if is_bot(c.author, c.author_type, bots):
            continue
        if c.author.lower() == author and not is_ghost(c.author, c.author_type):
            continue  # the author replying to themselves
        if ghost_item and is_ghost(c.author, c.author_type):
            continue  # two deleted accounts may be one person
        yield c


def first_response(
    item: Item, contribs: list[Contribution], bots: frozenset[str], until: datetime
) -> datetime | None:
    """When someone other than the author (and not a bot) first responded, before `until`."""
    times = [
        c.created_at
        for c in _responders(item, contribs, bots)
        if item.created_at <= c.created_at < until
    ]
    if item.answered_at and item.created_at <= item.answered_at < until:
        times.append(item.answered_at)
    return min(times) if times else None


_ROLE_LABEL_CACHE: dict[str, re.Pattern[str]] = {}


def role_from_labels(
    labels: Iterable[str], prefix: str, names: Mapping[str, str] | None = None
) -> str | None:
    """A DDaT role label such as `ddat: role: Software developer` or `ddat-role/…`, as the
    framework's name when `names` knows the label's (short) name."""
    pattern = _ROLE_LABEL_CACHE.get(prefix)
    if pattern is None:
        pattern = re.compile(
            rf"^\s*{re.escape(prefix)}[\s:/_-]*role[\s:/_-]+(.+?)\s*$", re.IGNORECASE
        )
        _ROLE_LABEL_CACHE[prefix] = pattern
    for label in labels:
        match = pattern.match(label)
        if match:
            found = (names or {}).get(match[1].lower())
            if found:
                return found
            # A name too long for a label is shortened with a hash: `... eng ~eb9c`.
            return re.sub(r"\s+~[0-9a-f]{4}$", "", match[1])
    return None


def labels_at_end(
    items: Iterable[Item], later: Iterable[LabelEvent]
) -> dict[tuple[str, int], tuple[str, ...]]:
    """The labels of the items that `later` (their label events after the month's end) says
    changed since, as they were at the end; an item not in the result has its labels as now.

    Per label, the first event after the end says it: `labeled` → it was not there,
    `unlabeled` → it was (undoing the events newest first comes to the same). Events in the
    same second as the first, both ways, are told apart by the count: events alternate, so an
    even number leaves the label as it is now, an odd one the other way. Names compare
    ignoring case, as GitHub's do. Discussions have no label events: theirs are as now."""
    by_item: dict[tuple[str, int], dict[str, list[LabelEvent]]] = defaultdict(dict)
    for event in later:
        by_item[(event.item_kind, event.item_number)].setdefault(event.label.lower(), []).append(
            event
        )
    out: dict[tuple[str, int], tuple[str, ...]] = {}
    if not by_item:
        return out
    for item in items:
        changed = by_item.get(item.key)
        if not changed:
            continue
        then: dict[str, bool] = {}  # label → there at the end
        for name, events in changed.items():
            events.sort(key=lambda e: e.created_at)
            first = {e.action for e in events if e.created_at == events[0].created_at}
            if first == {"labeled"}:
                then[name] = False
            elif first == {"unlabeled"}:
                then[name] = True
            else:
                now = any(label.lower() == name for label in item.labels)
                then[name] = now == (len(events) % 2 == 0)
        # In the order they have now, then the ones removed since (spelt as the event did).
        kept = [label for label in item.labels if then.get(label.lower(), True)]
        present = {label.lower() for label in kept}
        kept += [
            changed[name][0].label for name, there in then.items() if there and name not in present
        ]
        out[item.key] = tuple(kept)
    return out


def compute(activity: Activity, settings: DigestSettings, month: str) -> Figures:
    """Every figure of the digest for `month` (YYYY-MM)."""
    year, mon = parse_month(month)
    zone = settings.zone
    months = _Months(year, mon, settings.trend_months, zone)
    this = len(months.months) - 1
    start, end = months.this_start, months.end
    bots = settings.bots
    people = _People(activity, settings, end)

    items = activity.items
    by_key: dict[tuple[str, int], Item] = {i.key: i for i in items}
    # Every label a figure reads is as it was at the month's end, not as it is now.
    changed_labels = labels_at_end(items, activity.later_label_events)

    def labels_of(item: Item) -> tuple[str, ...]:
        return changed_labels.get(item.key, item.labels) if changed_labels else item.labels

    n = len(months.months)
    index = months.index
    counts_as_person = people.counts

    # -- one pass over the items: the trend's counts, and this month's items ----------------
    opened = [0] * n
    closed = [0] * n
    merged = [0] * n
    comment_counts = [0] * n
    active: list[set[str]] = [set() for _ in range(n)]
    opened_keys: list[tuple[str, int]] = []
    closed_keys: list[tuple[str, int]] = []
    merged_keys: list[tuple[str, int]] = []
    active_keys: set[tuple[str, int]] = set()
    open_at_end: list[Item] = []
    for item in items:
        key = item.key
        at = index(item.created_at)
        if at is not None:
            opened[at] += 1
            if counts_as_person(item.author, item.author_type):
                active[at].add(item.author.lower())
            if at == this:
                opened_keys.append(key)
        if item.merged_at is not None:
            at = index(item.merged_at)
            if at is not None:
                merged[at] += 1
                if at == this:
                    merged_keys.append(key)
        elif item.closed_at is not None:
            at = index(item.closed_at)
            if at is not None:
                closed[at] += 1
                if at == this:
                    closed_keys.append(key)
        if item.answered_at is not None and index(item.answered_at) == this:
            active_keys.add(key)
        if _open_at(item, end):
            open_at_end.append(item)
    active_keys.update(opened_keys, closed_keys, merged_keys)

    # -- one pass over the comments and reviews -------------------------------------------
    contribs_by_item: dict[tuple[str, int], list[Contribution]] = defaultdict(list)
    month_contribs: list[Contribution] = []
    for c in activity.contributions:
        key = (c.item_kind, c.item_number)
        contribs_by_item[key].append(c)
        at = index(c.created_at)
        if at is None:
            continue
        comment_counts[at] += 1
        if counts_as_person(c.author, c.author_type):
            active[at].add(c.author.lower())
        if at == this:
            active_keys.add(key)
            month_contribs.append(c)
    active_keys.update(
        (e.item_kind, e.item_number) for e in activity.label_events if index(e.created_at) == this
    )
    new: list[set[str]] = [set() for _ in range(n)]
    for login, first in activity.first_seen.items():
        at = index(first)
        if at is None:
            continue
        kind = people.people[login].type if login in people.people else "User"
        if counts_as_person(login, kind):
            new[at].add(login)
    members_series = _members_by_month(activity, months)
    # The trend starts at the repository's first activity, not with months of zeros.
    first_activity = min(activity.first_seen.values(), default=None)
    first_index = months.index(first_activity) if first_activity is not None else this
    if first_index is None:  # first activity before the trend's window (or after the month)
        first_index = 0 if first_activity is not None and first_activity < months.start else this
    trend = tuple(
        TrendRow(
            month=month_id(y, m),
            label=f"{MONTH_NAMES[m - 1][:3]} {y % 100:02d}",
            opened=opened[i],
            closed=closed[i],
            merged=merged[i],
            comments=comment_counts[i],
            active_participants=len(active[i]),
            new_participants=len(new[i]),
            members=members_series[i],
        )
        for i, (y, m) in enumerate(months.months)
        if i >= first_index
    )

    def in_month(when: datetime | None) -> bool:
        return when is not None and start <= when < end

    # -- responses -------------------------------------------------------------------------
    response_hours: list[float] = []
    awaiting = 0

    def expects_reply(item: Item) -> bool:
        if is_bot(item.author, item.author_type, bots):
            return False
        return not (item.category and item.category.lower() in settings.announcement_categories)

    for item in (by_key[key] for key in opened_keys):
        if not expects_reply(item):
            continue
        answered = first_response(item, contribs_by_item.get(item.key, []), bots, end)
        if answered is None:
            awaiting += 1
        else:
            response_hours.append(_hours(answered - item.created_at))
    cutoff = end - timedelta(days=settings.unanswered_days)
    unanswered = sorted(
        (
            UnansweredEntry(
                kind=item.kind,
                number=item.number,
                title=item.title,
                url=item.url,
                age_days=(end - item.created_at).days,
                labels=tuple(labels_of(item)),
            )
            for item in open_at_end
            if item.created_at <= cutoff
            and expects_reply(item)
            and first_response(item, contribs_by_item.get(item.key, []), bots, end) is None
        ),
        key=lambda row: (-row.age_days, row.kind, row.number),
    )

    # -- participants and departments ------------------------------------------------------
    active_now = active[this]
    new_now = new[this] & active_now
    returning = active_now - new_now
    departments, dept_unknown, dept_unrecognised = _departments(active_now, people)
    year_people: set[str] = set().union(*active[1:])  # the twelve months ending with this one
    engaged = _engaged(activity, settings, months, year_people)
    year_departments, _, _ = _departments(year_people, people)
    month_items = [by_key[key] for key in opened_keys]
    ghost_contributions = sum(1 for c in month_contribs if is_ghost(c.author, c.author_type)) + sum(
        1 for i in month_items if is_ghost(i.author, i.author_type)
    )
    reactions = sum(i.reactions for i in month_items) + sum(c.reactions for c in month_contribs)

    # -- groups ----------------------------------------------------------------------------
    groups = _groups(
        activity, settings, months, active_keys, by_key, contribs_by_item, changed_labels
    )

    # -- DDaT feedback ---------------------------------------------------------------------
    feedback_label = settings.ddat_label.lower()
    roles: Counter[str] = Counter()
    feedback_total = 0
    year_feedback = 0
    for item in items:
        labels = labels_of(item)
        if feedback_label not in {label.lower() for label in labels}:
            continue
        if (months.index(item.created_at) or 0) >= 1:
            year_feedback += 1
        if not in_month(item.created_at):
            continue
        feedback_total += 1
        # A role label (the DDaT labeller's, or a maintainer's correction) over the raw answer.
        role = role_from_labels(labels, settings.ddat_prefix, settings.ddat_role_names)
        role = role or item.role
        roles[role or ""] += 1
    by_role = tuple(
        RoleCount(role=role, count=count)
        for role, count in sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))
        if role
    )

    figures = Figures(
        community=settings.community,
        repo=activity.repo,
        month=month_id(year, mon),
        month_name=month_name(year, mon),
        period=Period(
            start=start.isoformat().replace("+00:00", "Z"),
            end=end.isoformat().replace("+00:00", "Z"),
            timezone=settings.timezone,
        ),
        items=Items(
            opened=_per_kind(opened_keys),
            closed=_per_kind(closed_keys),
            merged=len(merged_keys),
            still_open=_per_kind(i.key for i in open_at_end),
            active=_per_kind(active_keys),
        ),
        response=Response(
            measured=len(response_hours) + awaiting,
            responded=len(response_hours),
            awaiting=awaiting,
            median_hours=round(statistics.median(response_hours), 1) if response_hours else None,
            p90_hours=round(_percentile_90(response_hours), 1) if response_hours else None,
        ),
        unanswered=Unanswered(
            days=settings.unanswered_days, count=len(unanswered), entries=tuple(unanswered)
        ),
        participants=Participants(
            active=len(active_now),
            new=len(new_now),
            returning=len(returning),
            deleted_account_contributions=ghost_contributions,
            active_12_months=len(year_people),
            engaged_12_months=engaged["total"],
            attendees_12_months=engaged["attendees"],
            held_meetings_with_attendance=engaged["meetings"],
        ),
        engagement=Engagement(comments=comment_counts[this], reactions=reactions),
        departments=Departments(
            represented=len(departments),
            counts=tuple(
                DepartmentCount(department=name, participants=count)
                for name, count in sorted(departments.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
            unknown=dept_unknown,
            unrecognised=dept_unrecognised,
            represented_12_months=len(year_departments),
            known=len(settings.departments),
            share_12_months=round(100 * len(year_departments) / len(settings.departments), 1)
            if settings.departments
            else None,
        ),
        groups=groups,
        dormant_months=settings.dormant_months,
        dormant_groups=tuple(g.slug for g in groups if g.dormant),
        ddat=Ddat(
            total=feedback_total,
            by_role=by_role,
            no_role=roles.get("", 0),
            total_12_months=year_feedback,
        ),
        trend=trend,
        synced_at=activity.synced_at.isoformat().replace("+00:00", "Z")
        if activity.synced_at
        else None,
        objectives=(),
    )
    # The objectives read the other figures: computed last, into a copy of the frozen model.
    return figures.model_copy(update={"objectives": _objectives(figures, activity, settings, end)})


def _departments(logins: Iterable[str], people: _People) -> tuple[dict[str, int], int, int]:
    found: Counter[str] = Counter()
    unknown = unrecognised = 0
    for login in sorted(logins):  # the first spelling met is the same in every run
        name, status = people.department(login)
        if name:
            found[name] += 1
        elif status == "unrecognised":
            unrecognised += 1
        else:
            unknown += 1
    return dict(found), unknown, unrecognised


# GitHub gives only the current member count, read at each sync. A month's figure is the last
# reading in it, or else the first reading in the week after it ended (the digest's own sync on
# the 1st); a month with neither has none ("–"). Either way the reading is fixed once taken.
COUNT_GRACE = timedelta(days=7)


def _month_sample(samples: list[CountSample], start: datetime, end: datetime) -> CountSample | None:
    inside = [s for s in samples if start <= s.at < end]
    if inside:
        return inside[-1]
    after = [s for s in samples if end <= s.at < end + COUNT_GRACE]
    return after[0] if after else None


def _members_by_month(activity: Activity, months: _Months) -> list[int | None]:
    """The organisation's member count at the end of each month (see COUNT_GRACE)."""
    samples = sorted((s for s in activity.counts if s.metric == "org_members"), key=lambda s: s.at)
    out: list[int | None] = []
    for i in range(len(months.months)):
        found = _month_sample(samples, months.bounds[i], months.bounds[i + 1])
        out.append(found.value if found else None)
    return out


def _groups(
    activity: Activity,
    settings: DigestSettings,
    months: _Months,
    active_keys: set[tuple[str, int]],
    by_key: dict[tuple[str, int], Item],
    contribs_by_item: dict[tuple[str, int], list[Contribution]],
    labels_then: Mapping[tuple[str, int], tuple[str, ...]],
) -> tuple[Group, ...]:
    zone = settings.zone
    first_day = months.this_start.astimezone(zone).date()
    last_day = (months.end - timedelta(seconds=1)).astimezone(zone).date()
    start, end = months.this_start, months.end
    notes_by_folder: dict[str, list[DatedNotes]] = defaultdict(list)
    undated: Counter[str] = Counter()
    for note in activity.notes:
        if note.meeting_date is None:
            undated[note.folder] += 1
        else:
            # A file whose text was not read (None) is taken as held, as before the marker.
            notes_by_folder[note.folder].append(
                DatedNotes(note.meeting_date, note.held is not False, note.path)
            )
    commits_in_month: Counter[str] = Counter(
        c.folder for c in activity.note_commits if start <= c.committed_at < end
    )
    by_label: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for key, item in by_key.items():
        labels = labels_then.get(key, item.labels) if labels_then else item.labels
        for name in {name.lower() for name in labels}:
            by_label[name].append(key)
    out = []
    for group in settings.groups:
        labelled = by_label.get(group.label.lower(), [])
        active_items = [key for key in labelled if key in active_keys]
        opened = [key for key in labelled if start <= by_key[key].created_at < end]
        comments = sum(
            1
            for key in labelled
            for c in contribs_by_item.get(key, [])
            if start <= c.created_at < end
        )
        notes = [n for n in notes_by_folder.get(group.folder, []) if n.day <= last_day]
        verdict = group_health(notes, last_day, settings.dormant_months)
        last = verdict.last_met
        in_month = sorted(n.day for n in notes if n.held and first_day <= n.day <= last_day)
        planned = sorted(n.day for n in notes if not n.held and first_day <= n.day <= last_day)
        watch = group.status in ("active", "dormant")
        dormant = watch and verdict.health == "dormant"
        if not watch:
            status_text = group.status.capitalize()
        elif dormant and last is not None:
            status_text = f"Dormant: not met for {_months_between(last, last_day)} months"
        elif dormant:
            status_text = f"Dormant: {verdict.reason}"
        elif verdict.health == "unknown":
            status_text = f"Unknown: {verdict.reason}"
        else:
            status_text = group.status.capitalize()
        out.append(
            Group(
                slug=group.slug,
                name=group.name,
                label=group.label,
                status=group.status,
                items_active=len(active_items),
                items_opened=len(opened),
                comments=comments,
                meetings=len(in_month),
                meeting_dates=tuple(d.isoformat() for d in in_month),
                planned_not_held=tuple(d.isoformat() for d in planned),
                health=verdict.health if watch else group.status,
                health_reason=verdict.reason,
                status_text=status_text,
                notes_commits=commits_in_month.get(group.folder, 0),
                last_meeting=last.isoformat() if last else None,
                months_since_meeting=_months_between(last, last_day) if last else None,
                dormant=dormant,
            )
        )
    return tuple(out)


def _months_between(earlier: date, later: date) -> int:
    delta = relativedelta(later, earlier)
    return delta.years * 12 + delta.months


def _engaged(
    activity: Activity, settings: DigestSettings, months: _Months, year_people: set[str]
) -> dict[str, int]:
    """Active engagement over the twelve months ending with this one: the people active on
    GitHub and the attendees that held meetings' notes record (a `@login` there is the same
    person as on GitHub; a name is counted once however often it appears)."""
    folders = {g.folder for g in settings.groups}
    zone = settings.zone
    first = months.bounds[1].astimezone(zone).date()
    last = (months.end - timedelta(seconds=1)).astimezone(zone).date()
    keys: set[str] = set()
    meetings = 0
    for note in activity.notes:
        if note.folder not in folders or not note.held or note.meeting_date is None:
            continue
        if not first <= note.meeting_date <= last or not note.attendees:
            continue
        meetings += 1
        keys.update(k[1:] if k.startswith("@") else k for k in note.attendees)
    return {
        "total": len(year_people | keys),
        "attendees": len(keys),
        "meetings": meetings,
    }


GITHUB_SOURCES = {
    "org_members": "GitHub: the organisation's member count, read at sync",
    "departments": "GitHub activity in the repository, departments from form answers, "
    "profiles and the config",
    "department_share": "GitHub activity in the repository, departments from form answers, "
    "profiles and the config",
    "active_participants": "GitHub activity in the repository",
    "new_participants": "GitHub activity in the repository",
    "active_engagement": "GitHub activity in the repository and attendance in held meetings' notes",
    "groups_active": "the groups' meeting notes (held meetings only)",
    "ddat_feedback": "issues labelled as DDaT framework feedback",
}


def _objectives(
    figures: Figures, activity: Activity, settings: DigestSettings, end: datetime
) -> tuple[Objective, ...]:
    out = []
    month_end_day = (end - timedelta(seconds=1)).astimezone(settings.zone).date()
    trend = figures.trend
    participants, departments = figures.participants, figures.departments
    for objective in settings.objectives:
        period = objective.period or "12-months"
        value: int | float | None
        as_of: str | None = None
        source = GITHUB_SOURCES.get(objective.metric, "")
        note: str | None = None
        unit: Literal["count", "percentage points"] = "count"
        change: float | None = None
        if objective.metric == "org_members":
            value, as_of = _latest_count(activity, "org_members", end)
            period = "at month end"
            if value is None:
                note = (
                    "GitHub gives only the current count, and none was read by this month's end "
                    "or in the week after it"
                )
            else:
                source = f"GitHub: the organisation's member count, read {(as_of or '')[:10]}"
        elif objective.metric == "groups_active":
            watched = [g for g in figures.groups if g.status in ("active", "dormant")]
            value = sum(1 for g in watched if g.health == "active")
            period = "at month end"
        elif objective.metric == "new_participants":
            value = (
                participants.new
                if period == "month"
                else sum(row.new_participants for row in trend[1:])
            )
        elif objective.metric == "active_participants":
            value = participants.active if period == "month" else participants.active_12_months
        elif objective.metric == "active_engagement":
            period = "12-months"
            value = participants.engaged_12_months
            note = (
                f"{participants.active_12_months} active on GitHub, "
                f"{participants.attendees_12_months} recorded as attending "
                f"{participants.held_meetings_with_attendance} held meeting(s)"
            )
        elif objective.metric == "departments":
            value = (
                departments.represented if period == "month" else departments.represented_12_months
            )
        elif objective.metric == "department_share":
            period = "12-months"
            unit = "percentage points"
            share = departments.share_12_months
            baseline = settings.baselines.get(objective.id, objective.baseline)
            if share is None:
                value = None
                note = "no departments are listed in the config (digest.departments)"
            elif baseline is None:
                value = None
                note = (
                    f"{share}% of the {departments.known} departments now; the "
                    f"baseline month {objective.baseline_month or '(none set)'} has not been "
                    "compiled"
                )
            else:
                value = round(share - baseline, 1)
                change = value
                note = (
                    f"{share}% of the {departments.known} departments, from "
                    f"{baseline}% in {objective.baseline_month or objective.baseline_date}"
                )
        elif objective.metric == "ddat_feedback":
            value = figures.ddat.total if period == "month" else figures.ddat.total_12_months
        elif objective.metric == "supplied":
            period = "as supplied"
            chosen = _supplied(settings.supplied, objective.id, month_end_day)
            if chosen is None:
                value = None
                source = "supplied by a maintainer: none yet"
            else:
                value = chosen.value
                as_of = chosen.day.isoformat()
                source = f"supplied by a maintainer: {chosen.source}, {chosen.day.isoformat()}"
                note = chosen.note
        else:  # the config model only allows the metrics above
            value = None
        target = objective.target
        out.append(
            Objective(
                id=objective.id,
                title=objective.title,
                metric=objective.metric,
                period=period,
                value=value,
                unit=unit,
                change=change,
                as_of=as_of,
                target=target,
                by=objective.by.isoformat() if objective.by else None,
                percent=round(100 * value / target, 1) if value is not None and target else None,
                status=_status(objective, value, month_end_day),
                source=source,
                stated=objective.stated,
                note=note,
            )
        )
    return tuple(out)


def _supplied(found: Iterable[Supplied], objective: str, day: date) -> Supplied | None:
    """The newest figure supplied for an objective dated on or before `day`."""
    dated = [f for f in found if f.objective == objective and f.day <= day]
    return max(dated, key=lambda f: f.day, default=None)


def _latest_count(activity: Activity, metric: str, end: datetime) -> tuple[int | None, str | None]:
    """The last reading before the month's end, else the first in the week after it (see
    COUNT_GRACE); none: the figure was not known then."""
    samples = sorted((s for s in activity.counts if s.metric == metric), key=lambda s: s.at)
    before = [s for s in samples if s.at < end]
    after = [s for s in samples if end <= s.at < end + COUNT_GRACE]
    chosen = before[-1] if before else (after[0] if after else None)
    if chosen is None:
        return None, None
    return chosen.value, chosen.at.isoformat().replace("+00:00", "Z")


def _status(objective: ObjectiveSpec, value: float | None, today: date) -> ObjectiveStatus:
    """met, missed, on track, behind, in progress, or unknown (no figure)."""
    if value is None:
        return "unknown"
    if objective.target is None:
        return "tracked"
    if value >= objective.target:
        return "met"
    if objective.by and today >= objective.by:
        return "missed"
    if objective.by and objective.baseline is not None and objective.baseline_date:
        total = (objective.by - objective.baseline_date).days
        done = (today - objective.baseline_date).days
        if total > 0 and done >= 0:
            expected = objective.baseline + (objective.target - objective.baseline) * done / total
            return "on track" if value >= expected else "behind"
    return "in progress"
