"""What the meetings job reads of the config: its own section, and the community's."""

from __future__ import annotations

from dataclasses import dataclass

from ghcommunity.config.meetings import Meetings
from ghcommunity.config.view import ConfigView


@dataclass(frozen=True, eq=False)
class MeetingsConfig(ConfigView):
    meetings: Meetings
