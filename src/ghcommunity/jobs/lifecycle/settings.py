"""What the lifecycle job reads of the config: its settings live in the triage section
(`triage.lifecycle`, the needs-info label, the commands' names), and the community's."""

from __future__ import annotations

from dataclasses import dataclass

from ghcommunity.config.triage import Triage
from ghcommunity.config.view import ConfigView


@dataclass(frozen=True, eq=False)
class LifecycleConfig(ConfigView):
    triage: Triage
