"""What labels sync reads of the config: its own section and the community's (each group's
labels). Labels other jobs declare (DDaT's) come through `core/providers.py`."""

from __future__ import annotations

from dataclasses import dataclass

from ghcommunity.config.labels import Labels
from ghcommunity.config.view import ConfigView


@dataclass(frozen=True, eq=False)
class LabelsConfig(ConfigView):
    labels: Labels
