"""What the dashboard job reads of the config: its own section and the community's. Each job's
lines on the dashboard come through `core/providers.py`, each reading its own view."""

from __future__ import annotations

from dataclasses import dataclass

from ghcommunity.config.dashboard import Dashboard
from ghcommunity.config.view import ConfigView


@dataclass(frozen=True, eq=False)
class DashboardConfig(ConfigView):
    dashboard: Dashboard
