"""`registry:` what the community registry audit checks, and how the directory is written."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from ghcommunity.config.base import Section

# The registry fields a group can be required to have (see docs/registry.md for what counts as
# "known" for each: e.g. `leads` is known from leads or a team; `cadence` from words or a schedule).
RegistryField = Literal[
    "aim",
    "senior_sponsor",
    "funding",
    "leads",
    "contacts",
    "channels",
    "cadence",
    "schedule",
    "notes_path",
    "status",
    "related",
]
GroupKind = Literal["special-interest-group", "meeting-series", "working-group"]
DEFAULT_REQUIRED: tuple[RegistryField, ...] = (
    "aim",
    "senior_sponsor",
    "funding",
    "leads",
    "contacts",
    "channels",
    "cadence",
    "notes_path",
)


class Directory(Section):
    """The front matter of the Markdown directory, for the community's Eleventy site."""

    title: str = "Groups directory"
    permalink: str | None = Field(default="/groups/", description="Eleventy permalink; null: none.")
    layout: str | None = Field(default=None, description="Eleventy layout, e.g. layouts/page.njk.")
    front_matter: dict[str, Any] = Field(
        default_factory=dict,
        description="More front matter keys, e.g. {eleventyNavigation: {key: Groups}}.",
    )
    intro: str | None = Field(
        default=None, description="A paragraph shown under the title (Markdown)."
    )


class Registry(Section):
    required: list[RegistryField] = Field(
        default_factory=lambda: list(DEFAULT_REQUIRED),
        description="Registry fields every group (not closed) must have.",
    )
    required_by_kind: dict[GroupKind, list[RegistryField]] = Field(
        default_factory=dict,
        description="Per kind of group, a list that replaces `required` (e.g. meeting-series).",
    )
    placeholders: list[str] = Field(
        default_factory=lambda: ["tbc", "tbd", "todo", "unknown", "?", "-"],
        description="Values that mean 'not known yet'; the audit reports them as missing.",
    )
    dormant_months: int = Field(
        default=6, ge=1, description="A group that has not met for this long is defunct."
    )
    duplicate_threshold: float = Field(
        default=80.0, ge=0, le=100, description="Name or aim similarity (0–100) that is reported."
    )
    tracking_issue_title: str = "Community registry audit"
    tracking_issue_labels: list[str] = Field(
        default_factory=list, description="Labels for the tracking issue `audit --publish` keeps."
    )
    directory: Directory = Field(default_factory=Directory)

    @field_validator("placeholders")
    @classmethod
    def _lower(cls, values: list[str]) -> list[str]:
        return [v.strip().lower() for v in values]

    def required_for(self, kind: str) -> list[str]:
        for known, fields in self.required_by_kind.items():
            if known == kind:
                return list(fields)
        return list(self.required)
