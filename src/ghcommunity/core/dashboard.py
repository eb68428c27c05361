"""What the community dashboard is made of: sections of lines, some of them actions a maintainer
can tick. Plain data, shared by the dashboard job and the jobs that offer it a section (each
job's `dashboard.py`, registered through `core/providers.py`).

A tick's id says what ticking it runs: `run:<job>` (the job, through the job registry, with
the options the action names) or `retry:<delivery>` (the App's parked delivery). Ids are
written into the issue as hidden comments, so they must be short and contain no `-->`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

_TICK_ID = re.compile(r"^[a-z][a-z0-9-]*:[A-Za-z0-9._-]+$")


def check_tick_id(value: str) -> str:
    if not _TICK_ID.match(value):
        raise ValueError(f"tick id {value!r}: expected '<kind>:<name>' in letters, digits, .-_")
    return value


@dataclass(frozen=True)
class Tick:
    """An action line: a checkbox a maintainer ticks to run something now."""

    id: str  # e.g. "run:meetings", "retry:d-123"
    label: str  # "Generate the notes for the next meetings now"
    job: str | None = None  # the job it runs (None: handled by whoever registered it)
    options: tuple[tuple[str, Any], ...] = ()  # the job's options, as a door would pass them

    def __post_init__(self) -> None:
        check_tick_id(self.id)

    @property
    def permission_key(self) -> str:
        """The name `dashboard.permissions` lists it under: the job, or the tick's kind."""
        return self.job or self.id.split(":", 1)[0]


@dataclass(frozen=True)
class DashboardLine:
    text: str  # Markdown, already escaped where it quotes people's words
    tick: Tick | None = None


@dataclass(frozen=True)
class DashboardSection:
    """One heading of the dashboard, e.g. "Meetings"; `order` sorts the sections."""

    key: str
    title: str
    lines: tuple[DashboardLine, ...] = ()
    order: int = 50
    empty: str = "Nothing here."  # shown when there are no lines

    @property
    def ticks(self) -> list[Tick]:
        return [line.tick for line in self.lines if line.tick is not None]


@dataclass(frozen=True)
class OpenItem:
    """An open issue or pull request, with what the dashboard's sections read of it
    (`jobs/dashboard/read.py` makes them from the REST list of open issues)."""

    number: int
    title: str = ""
    body: str = ""
    url: str = ""  # its page on GitHub (html_url)
    labels: tuple[str, ...] = ()  # label names, as GitHub spells them
    author: str = ""  # the opener's login, as GitHub spells it ("" when GitHub gives none)
    author_is_bot: bool = False  # a bot account (an App's, or the user type "Bot")
    created_at: str | None = None  # ISO 8601, as GitHub gives it
    comments: int = 0  # how many comments it has
    is_pull_request: bool = False


@dataclass
class DashboardInputs:
    """What the dashboard job read once, for every section to use (saves requests)."""

    repo: str
    now: datetime
    # Open issues and pull requests, oldest first.
    open_items: list[OpenItem] = field(default_factory=list)
    # Every file on the default branch (path → blob sha).
    files: dict[str, str] = field(default_factory=dict)

    @property
    def open_issues(self) -> list[OpenItem]:
        return [i for i in self.open_items if not i.is_pull_request]

    @property
    def open_pulls(self) -> list[OpenItem]:
        return [i for i in self.open_items if i.is_pull_request]


@dataclass(frozen=True)
class TickRun:
    """What running a ticked action did, in one line for the dashboard's log."""

    ok: bool
    summary: str  # e.g. "opened pull request #41", "nothing to do", "failed: ..."
