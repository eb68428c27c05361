"""The digest's figures for one month, as one typed model. Pure: no I/O, nothing but pydantic.

`metrics.compute` builds a `Figures`; every renderer (Markdown, HTML, Slack, JSON), the publish
plan, the CLI and the store read it by attribute. The store keeps a past month as
`model_dump_json`-compatible JSON and reads it back with `Figures.model_validate_json`.

The JSON is the published format (`digest --format json`, the kept months in the store), so
each model's fields are in alphabetical order: `model_dump(mode="json")` gives the keys in the
order the JSON has always had them (it was written with `sort_keys`). Every model is frozen and
forbids unknown keys, so a misspelt figure is an error, not a silent blank.

Numbers that can be a count or a measure (an objective's value and target) are `int | float`:
pydantic keeps whichever was given, so `37` stays `37` and `1000.0` stays `1000.0`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Number = int | float
ObjectiveStatus = Literal[
    "met", "missed", "on track", "behind", "in progress", "tracked", "unknown"
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Period(_Model):
    """The month's [start, end) in UTC (ISO 8601 with `Z`), and the community's time zone."""

    end: str
    start: str
    timezone: str


class PerKind(_Model):
    """A count of items by kind, and their total."""

    discussion: int
    issue: int
    pull: int
    total: int


class Items(_Model):
    active: PerKind  # opened, closed, merged, answered, commented on or labelled in the month
    closed: PerKind  # closed without being merged
    merged: int
    opened: PerKind
    still_open: PerKind  # open at the month's end


class Response(_Model):
    """First responses to the items opened in the month (bots and announcements aside)."""

    awaiting: int
    measured: int
    median_hours: float | None
    p90_hours: float | None
    responded: int


class UnansweredEntry(_Model):
    age_days: int
    kind: str
    labels: tuple[str, ...]
    number: int
    title: str
    url: str


class Unanswered(_Model):
    """Items open at the month's end with no response for `days` days or more, oldest first."""

    count: int
    days: int
    entries: tuple[UnansweredEntry, ...]


class Participants(_Model):
    active: int
    active_12_months: int
    attendees_12_months: int
    deleted_account_contributions: int
    engaged_12_months: int
    held_meetings_with_attendance: int
    new: int
    returning: int


class Engagement(_Model):
    comments: int
    reactions: int


class DepartmentCount(_Model):
    department: str
    participants: int


class Departments(_Model):
    counts: tuple[DepartmentCount, ...]  # most participants first
    known: int  # departments listed in the config
    represented: int
    represented_12_months: int
    share_12_months: float | None  # percent of the known departments; None: none are listed
    unknown: int
    unrecognised: int


class Group(_Model):
    comments: int
    dormant: bool
    health: str
    health_reason: str
    items_active: int
    items_opened: int
    label: str
    last_meeting: str | None  # ISO date
    meeting_dates: tuple[str, ...]
    meetings: int
    months_since_meeting: int | None
    name: str
    notes_commits: int
    planned_not_held: tuple[str, ...]
    slug: str
    status: str
    status_text: str


class RoleCount(_Model):
    count: int
    role: str


class Ddat(_Model):
    """DDaT framework feedback: issues carrying the feedback label."""

    by_role: tuple[RoleCount, ...]
    no_role: int
    total: int
    total_12_months: int


class TrendRow(_Model):
    """One month of the trend."""

    active_participants: int
    closed: int
    comments: int
    label: str  # "Oct 26"
    members: int | None  # the organisation's member count, when one was read
    merged: int
    month: str  # YYYY-MM
    new_participants: int
    opened: int


class Objective(_Model):
    """An objective of the community with its figure for the month."""

    as_of: str | None
    by: str | None  # ISO date
    change: float | None
    id: str
    metric: str
    note: str | None
    percent: float | None  # of the target
    period: str
    source: str
    stated: str | None
    status: ObjectiveStatus
    target: Number | None
    title: str
    unit: Literal["count", "percentage points"]
    value: Number | None


class Figures(_Model):
    """Every figure of one month's digest."""

    community: str
    ddat: Ddat
    departments: Departments
    dormant_groups: tuple[str, ...]
    dormant_months: int
    engagement: Engagement
    groups: tuple[Group, ...]
    items: Items
    month: str  # YYYY-MM
    month_name: str  # "October 2026"
    objectives: tuple[Objective, ...]
    participants: Participants
    period: Period
    repo: str
    response: Response
    synced_at: str | None  # when the store was last synced (ISO 8601, `Z`)
    trend: tuple[TrendRow, ...]
    unanswered: Unanswered
