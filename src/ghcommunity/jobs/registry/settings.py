"""What the registry audit and directory read of the config: their own section, the community's,
and where the meetings job publishes calendar feeds (the directory links them)."""

from __future__ import annotations

from dataclasses import dataclass

from ghcommunity.config.meetings import Meetings
from ghcommunity.config.registry import Registry
from ghcommunity.config.view import ConfigView


@dataclass(frozen=True, eq=False)
class RegistryConfig(ConfigView):
    registry: Registry
    meetings: Meetings
