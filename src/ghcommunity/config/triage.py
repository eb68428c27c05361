"""`triage:` labelling, routing, missing information, duplicates, welcome, slash commands."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ghcommunity.config.base import Section
from ghcommunity.config.paths import RepoPath
from ghcommunity.core.commands import check_permission

GroupLabel = Literal["group", "agenda"]


class FieldRule(Section):
    """What one field of a form means to triage."""

    options: Literal["groups"] | None = Field(
        default=None,
        description=(
            "Where this dropdown's options come from: 'groups' (the names of every group that is "
            "not closed or proposed). `ghcommunity form render` writes them into the form."
        ),
    )
    extra_options: list[str] = Field(
        default_factory=list,
        description="Options written after the generated ones, e.g. 'The whole community'.",
    )
    group_labels: list[GroupLabel] = Field(
        default_factory=lambda: list[GroupLabel](["group"]),
        description=(
            "For a field whose answers name groups: which of the chosen group's labels to add "
            "('group' → 'group: <slug>', 'agenda' → 'agenda: <slug>')."
        ),
    )
    route: bool = Field(
        default=True,
        description="For a field whose answers name groups: route the issue to those groups.",
    )
    option_labels: dict[str, list[str]] = Field(
        default_factory=dict, description="Answer (option text) → labels to add."
    )

    @field_validator("option_labels", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value


class FormRule(Section):
    template: RepoPath = Field(description="The issue form's file name, e.g. propose-a-group.yml.")
    labels: list[str] = Field(default_factory=list, description="Labels every submission gets.")
    required: list[str] = Field(
        default_factory=list, description="Field ids that must be answered (beyond the form's)."
    )
    fields: dict[str, FieldRule] = Field(
        default_factory=dict,
        description="Field id → what its answers mean (labels, routing, generated options).",
    )
    check_options: bool = Field(
        default=True,
        description=(
            "Report dropdown answers that are not one of the form's options as needing another "
            "look. Turn off for a form whose answers another job resolves (DDaT feedback: "
            "aliases and misspellings are resolved, unknown values named, by the DDaT job)."
        ),
    )
    compare_with_groups: list[str] = Field(
        default_factory=list,
        description=(
            "Field ids (e.g. the proposed name and aim) compared with the registered groups' "
            "names and aims, to point out a group that already exists."
        ),
    )


class KeywordRule(Section):
    labels: list[str]
    keywords: list[str] = Field(default_factory=list, description="Whole words, any case.")
    regex: str | None = Field(default=None, description="A Python regular expression.")
    fields: list[Literal["title", "body"]] = Field(default=["title", "body"])

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _something_to_match(self) -> KeywordRule:
        if not self.keywords and not self.regex:
            raise ValueError("a keyword rule needs 'keywords' or 'regex'")
        return self


class Welcome(Section):
    enabled: bool = True
    template: str = Field(
        default=(
            "Welcome, @{{ author }}, and thank you for opening your first issue in "
            "{{ community }}. A maintainer will be along soon."
        ),
        description="Jinja2 text. Variables: author, community, title, number, form.",
    )
    associations: list[str] = Field(
        default_factory=lambda: ["FIRST_TIMER", "FIRST_TIME_CONTRIBUTOR"],
        description=(
            "The payload's author_association values that mean 'first time here' (no API scan). "
            "In a private organisation repo every member is MEMBER; add NONE to welcome people "
            "from outside the organisation."
        ),
    )

    @field_validator("associations")
    @classmethod
    def _upper(cls, values: list[str]) -> list[str]:
        return [v.upper() for v in values]


class Duplicates(Section):
    enabled: bool = True
    threshold: float = Field(default=80.0, ge=0, le=100, description="Similarity, 0–100.")
    max_candidates: int = Field(default=3, ge=1, le=10)
    group_threshold: float = Field(
        default=60.0,
        ge=0,
        le=100,
        description=(
            "Similarity (0–100) of a group proposal's name and aim to a registered group's name "
            "and aim. Lower than `threshold`: two aims written by different people share fewer "
            "words than two titles about the same thing."
        ),
    )
    label: str | None = Field(
        default="possible-duplicate",
        description="Label for an issue with candidates (null: no label, only the comment).",
    )


class Commands(Section):
    enabled: bool = True
    permissions: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Command → who may run it: 'anyone', 'author' (the issue's author, or triage and "
            "above), 'triage', 'write', 'maintain', 'admin', 'team:<slug>' or 'logins:a,b'; "
            "several joined by ' or '. A command not listed uses its built-in default."
        ),
    )

    @field_validator("permissions")
    @classmethod
    def _tiers(cls, value: dict[str, str]) -> dict[str, str]:
        return {name.lstrip("/").lower(): check_permission(rule) for name, rule in value.items()}


class Project(Section):
    owner: str
    number: int


class Lifecycle(Section):
    """`needs-info` issues: one reminder, then a kind close, unless the author replies."""

    enabled: bool = True
    remind_after_days: int = Field(
        default=14, ge=1, description="Days without a reply from the author before the reminder."
    )
    close_after_days: int = Field(
        default=14, ge=1, description="Days after the reminder before the issue is closed."
    )
    exempt_labels: list[str] = Field(
        default_factory=lambda: ["accepted", "triaged", "pinned"],
        description="Issues with any of these (and always 'accepted', 'triaged') are left alone.",
    )
    reminder_template: str = Field(
        default=(
            "Hello @{{ author }}, this issue is waiting for more information from you "
            "(the `{{ label }}` label). If there is no reply in the next {{ close_after_days }} "
            "days it will be closed for now; it is not lost, and it can be reopened whenever "
            "you are ready. Thank you!"
        ),
        description=(
            "Jinja2 text of the reminder. Variables: author, label, remind_after_days, "
            "close_after_days, community, number, title."
        ),
    )
    close_template: str = Field(
        default=(
            "Closing this for now, as we have not heard back since the reminder. "
            "Thank you for raising it, @{{ author }}. When you have the information, "
            "{% if reopen_command %}comment `/reopen` with it{% else %}add it in a comment"
            "{% endif %} and the facilitators will pick it up again."
        ),
        description=(
            "Jinja2 text of the closing comment. Variables: as for reminder_template, and "
            "reopen_command (true when slash commands are enabled)."
        ),
    )


class Triage(Section):
    enabled: bool = True
    forms_path: RepoPath = Field(
        default=".github/ISSUE_TEMPLATE/",
        description="Where the community repo keeps its issue forms.",
    )
    forms: list[FormRule] = Field(default_factory=list)
    keyword_rules: list[KeywordRule] = Field(default_factory=list)
    needs_info_label: str = "needs-info"
    needs_triage_label: str = "needs-triage"
    assign_leads: bool = Field(default=False, description="Assign leads as well as mention them.")
    mention_leads: bool = Field(
        default=True, description="Mention the group's leads and team in the triage comment."
    )
    welcome: Welcome = Field(default_factory=Welcome)
    duplicates: Duplicates = Field(default_factory=Duplicates)
    commands: Commands = Field(default_factory=Commands)
    project: Project | None = None
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)

    def form_rule(self, template: str) -> FormRule | None:
        wanted = template.lower()
        return next((f for f in self.forms if f.template.lower() == wanted), None)
