"""`groups:` special interest groups and meeting series, with their registry fields and schedules."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from ghcommunity.config.base import Section
from ghcommunity.config.community import check_timezone
from ghcommunity.config.labels import check_label_name
from ghcommunity.config.meetings import AgendaIssue
from ghcommunity.config.paths import RepoPath, WritePath
from ghcommunity.core.schedules import HolidayPolicy, RuleError, parse_rule, schedule_problems

# At most 42 characters, so "agenda: <slug>" stays within GitHub's 50-character label limit.
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}[a-z0-9]$")
LOGIN = re.compile(r"^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
_DURATION = re.compile(r"^(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?$")


def _sensible_year(value: date) -> date:
    # Dates at the ends of the calendar (0001, 9999) overflow once moved into a time zone.
    if not 1970 <= value.year <= 2200:
        raise ValueError(f"{value.isoformat()} is not a meeting date (years 1970 to 2200)")
    return value


MeetingDate = Annotated[date, AfterValidator(_sensible_year)]


def clock_time(value: object) -> object:
    """A start time as people write it: "11:00", "9:30", or YAML's reading of them.

    YAML 1.1 reads an unquoted 11:00 as the sexagesimal number 660; a bare 11 means 11:00.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value < 24:
            return time(value, 0)
        if 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
    if isinstance(value, str) and re.fullmatch(r"\d:\d\d(:\d\d)?", value.strip()):
        return "0" + value.strip()
    return value


class MovedMeeting(Section):
    from_: MeetingDate = Field(alias="from", description="The date the rule (or the list) gives.")
    to: MeetingDate = Field(description="The date it is actually held.")
    start: time | None = Field(default=None, description="A new local start time, if it changes.")
    reason: str | None = Field(default=None, description="Shown in the notes and the calendar.")

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value: object) -> object:
        return clock_time(value)


class BankHolidays(Section):
    region: Literal["england-and-wales", "england", "wales", "scotland", "northern-ireland"] = (
        Field(default="england-and-wales", description="Whose UK bank holidays apply.")
    )
    policy: str = Field(
        default="skip",
        description="'skip', 'ignore', 'move to previous Thursday' or 'move to next Monday' "
        "(a bare 'move to Thursday' means the previous one).",
    )

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = "-".join(value.lower().replace("&", " and ").split())
        aliases = {
            "eng": "england-and-wales",
            "wls": "wales",
            "sct": "scotland",
            "nir": "northern-ireland",
            "ni": "northern-ireland",
        }
        return aliases.get(text, text)

    @field_validator("policy")
    @classmethod
    def _policy(cls, value: str) -> str:
        HolidayPolicy.parse(value)  # raises ValueError with the accepted forms
        return " ".join(value.lower().split())


class Schedule(Section):
    rule: str | None = Field(
        default=None,
        description="An RRULE or a phrase such as 'fourth Thursday monthly'. Omit for dates only.",
    )
    first: MeetingDate | None = Field(
        default=None,
        description="The first meeting under the rule (its anchor, DTSTART); the facilitator "
        "rota counts from here.",
    )
    until: MeetingDate | None = Field(
        default=None, description="No meetings under the rule after this."
    )
    dates: list[MeetingDate] = Field(
        default_factory=list, description="Extra explicit meeting dates."
    )
    cancelled: list[MeetingDate] = Field(
        default_factory=list, description="Dates (as the rule gives them, or as moved) not held."
    )
    moved: list[MovedMeeting] = Field(default_factory=list)
    start: time = Field(default=time(11, 0), description="Local start time, HH:MM.")
    duration: int = Field(default=60, description="Minutes, or a text such as '1h' or '90m'.")
    timezone: str | None = Field(default=None, description="IANA zone; default: the community's.")
    bank_holidays: BankHolidays | None = None
    agenda_issue: AgendaIssue | None = Field(
        default=None, description="Open an agenda issue (or discussion) before each meeting."
    )

    @field_validator("duration", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if isinstance(value, str):
            match = _DURATION.match(value.strip())
            if not match or not value.strip():
                raise ValueError(
                    f"cannot read duration {value!r}: expected minutes, '1h' or '1h30m'"
                )
            return int(match["h"] or 0) * 60 + int(match["m"] or 0)
        return value

    @field_validator("duration")
    @classmethod
    def _positive(cls, value: int) -> int:
        if not 0 < value <= 24 * 60:
            raise ValueError("duration must be between 1 minute and 24 hours")
        return value

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value: object) -> object:
        return clock_time(value)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else check_timezone(value)

    @field_validator("rule")
    @classmethod
    def _rule(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_rule(value)
            except RuleError as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Schedule:
        if self.rule is None and not self.dates:
            raise ValueError("a schedule needs a 'rule' or explicit 'dates'")
        # Moves and cancellations must name real meeting dates (a typo would otherwise
        # silently leave a cancelled meeting in place), and with an explicit zone no meeting
        # may start at a time the clock skips or repeats.
        problems = schedule_problems(self, self.timezone)
        if problems:
            raise ValidationError.from_exception_data(
                "Schedule",
                [
                    InitErrorDetails(
                        type=PydanticCustomError("schedule", problem.message),
                        loc=problem.loc,
                        input=problem.value,
                    )
                    for problem in problems
                ],
            )
        return self


class Channels(Section):
    slack: str | None = Field(default=None, description="Slack channel, e.g. #lean-coffee.")
    slack_url: str | None = Field(default=None, description="A link to the Slack channel.")
    slack_workspace: str | None = Field(
        default=None, description="Which Slack, e.g. UK Government Digital Slack."
    )
    slack_note: str | None = Field(
        default=None, description="How to join, e.g. 'request an invite for the channel'."
    )
    mailing_list: str | None = None
    other: list[str] = Field(default_factory=list)


class Group(Section):
    slug: str = Field(description="Short stable id: lower-case letters, digits and hyphens.")
    name: str
    kind: Literal["special-interest-group", "meeting-series", "working-group"] = (
        "special-interest-group"
    )
    aim: str | None = None
    status: Literal["active", "dormant", "closed", "proposed"] = "active"
    senior_sponsor: str | None = Field(
        default=None, description="Name or role of the senior sponsor."
    )
    funding: str | None = Field(default=None, description="'none', or how the group is funded.")
    leads: list[str] = Field(default_factory=list, description="GitHub logins of the leads.")
    team: str | None = Field(default=None, description="A GitHub team slug, e.g. org/team.")
    contacts: list[str] = Field(default_factory=list, description="Role mailboxes.")
    channels: Channels = Field(default_factory=Channels)
    notes_path: WritePath | None = Field(
        default=None, description="Folder for notes; default special-interest-meetings/<slug>/."
    )
    cadence: str | None = Field(
        default=None, description="How often it meets, in words (e.g. 'monthly')."
    )
    schedule: Schedule | None = None
    facilitators: list[str] = Field(default_factory=list, description="A rota, in order.")
    label: str | None = Field(
        default=None, description="The group's label; default 'group: <slug>'."
    )
    agenda_label: str | None = Field(default=None, description="Default 'agenda: <slug>'.")
    keywords: list[str] = Field(default_factory=list, description="Words that route issues here.")
    related: list[str] = Field(default_factory=list, description="Slugs of related groups.")
    template: RepoPath | None = Field(
        default=None, description="A notes template path for this group."
    )
    aim_url: str | None = Field(default=None, description="Where the group states its aim.")
    published_notes: str | None = Field(
        default=None,
        description="Where the group's notes are published besides the repo (a link or path).",
    )
    supported_by: str | None = Field(
        default=None,
        description="Who supports the group, as its page says (not a senior sponsor unless "
        "the page says so).",
    )

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(
                f"invalid slug {value!r}: expected 2 to 42 lower-case letters, digits and hyphens"
            )
        return value

    @field_validator("label", "agenda_label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        return None if value is None else check_label_name(value)

    @field_validator("leads", "facilitators")
    @classmethod
    def _logins(cls, values: list[str]) -> list[str]:
        for value in values:
            if not LOGIN.match(value):
                raise ValueError(f"{value!r} is not a GitHub login")
        return [value.lstrip("@") for value in values]

    @field_validator("contacts")
    @classmethod
    def _mailboxes(cls, values: list[str]) -> list[str]:
        for value in values:
            if "@" not in value.strip("@"):
                raise ValueError(f"{value!r} is not an email address (use a role mailbox)")
        return values

    @property
    def group_label(self) -> str:
        return self.label or f"group: {self.slug}"

    @property
    def agenda(self) -> str:
        return self.agenda_label or f"agenda: {self.slug}"

    @property
    def notes_folder(self) -> str:
        path = self.notes_path or f"special-interest-meetings/{self.slug}/"
        return path if path.endswith("/") else path + "/"
