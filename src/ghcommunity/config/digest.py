"""`digest:` the monthly digest of community activity."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from ghcommunity.config.base import Section, monthly_path
from ghcommunity.config.paths import RepoPath


class DigestTemplates(Section):
    """A community's own templates (paths in its repo), replacing the built-in ones."""

    md: RepoPath | None = Field(
        default=None, description="Markdown, for a discussion, issue or file."
    )
    html: RepoPath | None = Field(default=None, description="HTML, for the newsletter.")
    slack: RepoPath | None = Field(default=None, description="Slack mrkdwn.")


class Digest(Section):
    enabled: bool = True
    publish: Literal["discussion", "issue", "file"] = "file"
    discussion_category: str = "Announcements"
    path: str = Field(
        default="digests/{month}.md", description="Where --publish file writes; {month} is YYYY-MM."
    )
    branch: str = Field(
        default="ghcommunity/digest-{month}", description="The pull request's branch for files."
    )
    title: str = Field(
        default="{{ community }} digest: {{ month_name }}",
        description="Title of the post (a template: community, month, month_name).",
    )
    labels: list[str] = Field(
        default_factory=list, description="Labels for the digest's issue or pull request."
    )
    unanswered_days: int = Field(default=7, ge=1)
    announcement_categories: list[str] = Field(
        default_factory=lambda: ["Announcements"],
        description="Discussion categories that expect no reply: left out of response times "
        "and of the list of items waiting for one.",
    )
    dormant_months: int = Field(default=6, ge=1)
    trend_months: int = Field(default=12, ge=1, le=60, description="Months shown before this one.")
    bots: list[str] = Field(default_factory=list, description="Extra logins to treat as bots.")
    departments: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Department → aliases as people write them (profile company, form answers).",
    )
    members: dict[str, str] = Field(
        default_factory=dict, description="Login → department, where known."
    )
    department_questions: list[str] = Field(
        default_factory=lambda: ["Department or organisation", "Department", "Organisation"],
        description="Issue-form headings whose answer is the author's department.",
    )
    role_questions: list[str] = Field(
        default_factory=lambda: ["Role", "DDaT role", "Which role is this about?"],
        description="Issue-form headings whose answer is the DDaT role feedback is about.",
    )
    templates: DigestTemplates = Field(default_factory=DigestTemplates)
    figures: RepoPath | None = Field(
        default=None,
        description="A small YAML file of figures a maintainer supplies for objectives GitHub "
        "cannot measure (`figures: [{objective, date, value, source}]`), read from the working "
        "directory (in Actions, the checkout); `digest --figures` overrides it.",
    )

    @field_validator("path")
    @classmethod
    def _month_in_path(cls, value: str) -> str:
        return monthly_path(value, what="the path", example="digests/{month}.md")
