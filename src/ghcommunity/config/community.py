"""`community:` who the community is and where it lives on GitHub."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from ghcommunity.config.base import Section


def check_timezone(value: str) -> str:
    """An IANA zone name such as Europe/London; shared by every section that takes a zone."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}: expected an IANA name such as 'Europe/London'"
        ) from None
    return value


class Community(Section):
    name: str = Field(description="The community's name, as people know it.")
    org: str = Field(description="GitHub organisation (or user) that owns the repo.")
    repo: str = Field(description="The community's repository name, e.g. community-space.")
    timezone: str = Field(
        default="Europe/London", description="IANA time zone for schedules and reports."
    )
    bot_login: str = Field(
        default="github-actions[bot]",
        description="The bot account's login; events it caused are ignored (no loops).",
    )
    default_branch: str = Field(default="main")
    website: str | None = Field(default=None, description="The community's website, if any.")
    contact: str | None = Field(default=None, description="A role mailbox, never a person's.")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_timezone(value)

    @property
    def full_name(self) -> str:
        return f"{self.org}/{self.repo}"
