"""`meetings:` how notes files, calendars and agenda issues are generated.

Each group's own schedule lives on the group (`groups[].schedule`); this section holds what is
shared: lead time, pull request or direct commit, the branch, the default template and where the
calendar feeds go. Feeds are generated files owned by the bot (rewritten when schedules change);
notes files are never modified once they exist.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from ghcommunity.config.base import Section
from ghcommunity.config.paths import RepoPath, check_path

if TYPE_CHECKING:
    from ghcommunity.config import Config

_BRANCH = re.compile(r"^(?!/)(?!.*//)(?!.*\.\.)(?!.*@\{)[^\s~^:?*\[\\]+(?<![/.])$")


class AgendaIssue(Section):
    """An issue (or discussion) opened N days before each meeting, holding its agenda."""

    days_before: int = Field(default=7, ge=1, le=60, description="How many days before.")
    kind: Literal["issue", "discussion"] = "issue"
    category: str | None = Field(default=None, description="Discussion category (discussions).")
    title: str = Field(
        default="Agenda: {{ group.name }}, {{ date_long }}",
        description="A template for the title (same variables as the notes template).",
    )
    template: RepoPath | None = Field(default=None, description="A body template path.")
    labels: list[str] = Field(default_factory=list, description="Labels for the agenda issue.")

    @model_validator(mode="after")
    def _category(self) -> AgendaIssue:
        if self.kind == "discussion" and not self.category:
            raise ValueError("an agenda discussion needs a 'category' (e.g. General)")
        return self


class Meetings(Section):
    enabled: bool = True
    lead_time_days: int = Field(
        default=14, ge=0, le=366, description="Create notes this many days before each meeting."
    )
    mode: Literal["pull-request", "commit"] = Field(
        default="pull-request",
        description="Propose new notes in one pull request, or commit to the default branch.",
    )
    branch: str = Field(
        default="ghcommunity/meeting-notes", description="The bot's branch for the pull request."
    )
    pull_request_labels: list[str] = Field(default_factory=list)
    template: RepoPath | None = Field(
        default=None,
        description="Default notes template: a path in the repo (or local); default: built in.",
    )
    calendars: bool = Field(default=True, description="Write .ics files and calendar feeds.")
    feeds_path: str = Field(
        default="calendars/",
        description="Folder for the feeds (<slug>.ics and all-groups.ics); owned by the bot.",
    )
    joining: str = Field(
        default="Joining details are shared with members; ask in the group's channel.",
        description="Shown when no joining details are given (never put secrets here).",
    )

    @field_validator("branch")
    @classmethod
    def _branch(cls, value: str) -> str:
        if not _BRANCH.match(value) or value.endswith(".lock"):
            raise ValueError(f"{value!r} is not a valid branch name")
        return value

    @field_validator("feeds_path")
    @classmethod
    def _folder(cls, value: str) -> str:
        path = value.strip().strip("/")
        if not path:
            raise ValueError(f"{value!r} is not a folder in the repo")
        check_path(path, what="feeds_path", write=True)
        return path + "/"


def schedule_problems(config: Config) -> list[tuple[tuple[str | int, ...], str]]:
    """Clock problems of schedules in the community's zone, as (config location, message).

    A schedule with its own `timezone` is checked when the config is validated; one that uses
    the community's zone is checked here, where that zone is known.
    """
    from ghcommunity.core.schedules import clock_problems

    found = []
    for index, group in enumerate(config.groups):
        schedule = group.schedule
        if schedule is None or schedule.timezone is not None:
            continue
        for problem in clock_problems(schedule, config.community.timezone):
            found.append((("groups", index, "schedule", *problem.loc), problem.message))
    return found
