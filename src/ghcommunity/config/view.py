"""A job's part of the config: the community and its groups, and the sections the job declares.

Each job declares its view in its own `settings.py` (a subclass naming the sections it reads,
with the names they have in the whole config), and its handlers, planners and reads are given
that view, never the whole config: what a job depends on is written down in one place, mypy
checks every read against it, and a test checks no job reaches for the whole config.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Self

from ghcommunity.config.community import Community
from ghcommunity.config.groups import Group

if TYPE_CHECKING:
    from ghcommunity.config import Config


class CommunityFacts:
    """What the whole config and every view answer about the community and its groups."""

    community: Community
    groups: Sequence[Group]

    def group(self, slug: str) -> Group | None:
        wanted = slug.strip().lower()
        return next((g for g in self.groups if g.slug == wanted), None)

    @property
    def repo(self) -> str:
        return self.community.full_name

    def timezone_for(self, group: Group) -> str:
        if group.schedule and group.schedule.timezone:
            return group.schedule.timezone
        return self.community.timezone


@dataclass(frozen=True, eq=False)
class ConfigView(CommunityFacts):
    community: Community
    groups: Sequence[Group]

    @classmethod
    def of(cls, config: Config) -> Self:
        """This view of the whole config (the doors and the job registry call this)."""
        if isinstance(config, cls):
            return config
        return cls(**{f.name: getattr(config, f.name) for f in fields(cls)})
