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


@dataclass(frozen=True, eq=False)
class ConfigView:
    community: Community
    groups: Sequence[Group]

    @classmethod
    def of(cls, config: Config) -> Self:
        """This view of the whole config (the doors and the job registry call this)."""
        if isinstance(config, cls):
            return config
        return cls(**{f.name: getattr(config, f.name) for f in fields(cls)})

    def group(self, slug: str) -> Group | None:
        return group_by_slug(self.groups, slug)

    @property
    def repo(self) -> str:
        return self.community.full_name

    def timezone_for(self, group: Group) -> str:
        return zone_of(group, self.community)


def group_by_slug(groups: Sequence[Group], slug: str) -> Group | None:
    wanted = slug.strip().lower()
    return next((g for g in groups if g.slug == wanted), None)


def zone_of(group: Group, community: Community) -> str:
    if group.schedule and group.schedule.timezone:
        return group.schedule.timezone
    return community.timezone
