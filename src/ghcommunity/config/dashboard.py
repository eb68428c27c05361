"""`dashboard:` the one pinned "Community dashboard" issue, and who may act from it."""

from __future__ import annotations

from pydantic import Field, field_validator

from ghcommunity.config.base import Section
from ghcommunity.core.commands import check_permission


class Dashboard(Section):
    enabled: bool = True
    title: str = Field(default="Community dashboard", min_length=1, max_length=200)
    pin: bool = Field(default=True, description="Pin the dashboard issue to the repository.")
    first_response_days: int = Field(
        default=7,
        ge=1,
        le=365,
        description="List open issues with no reply from anyone but their author and the bot "
        "after this many days.",
    )
    permission: str = Field(
        default="write",
        description="Who may run a job by ticking its box (rules as for slash commands: "
        "'triage', 'write', 'maintain', 'admin', 'team:<slug>', 'logins:a,b', joined by ' or ').",
    )
    permissions: dict[str, str] = Field(
        default_factory=dict,
        description="Per job (meetings, digest, audit, labels-sync) or 'retry' (the App's parked "
        "deliveries): who may tick it, overriding `permission`.",
    )
    history: int = Field(
        default=10, ge=1, le=50, description="How many of the latest runs the dashboard lists."
    )

    @field_validator("permission")
    @classmethod
    def _rule(cls, value: str) -> str:
        return check_permission(value)

    @field_validator("permissions")
    @classmethod
    def _rules(cls, value: dict[str, str]) -> dict[str, str]:
        return {name.strip().lower(): check_permission(rule) for name, rule in value.items()}

    def rule_for(self, key: str) -> str:
        return self.permissions.get(key.lower(), self.permission)
