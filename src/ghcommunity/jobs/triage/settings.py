"""What triage reads of the config: its own section, and the community's (the community, its
groups), the labels it may own, and the dashboard's first-response days for its dashboard lines."""

from __future__ import annotations

from dataclasses import dataclass

from ghcommunity.config.dashboard import Dashboard
from ghcommunity.config.labels import Labels
from ghcommunity.config.triage import Triage
from ghcommunity.config.view import ConfigView


@dataclass(frozen=True, eq=False)
class TriageConfig(ConfigView):
    triage: Triage
    labels: Labels
    dashboard: Dashboard
