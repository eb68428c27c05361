"""What the digest reads of the config: its own section, the community's (the community, its
groups, its objectives), and the DDaT feedback label and prefix (to count feedback by role)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ghcommunity.config.ddat import Ddat
from ghcommunity.config.digest import Digest
from ghcommunity.config.objectives import Objective
from ghcommunity.config.view import ConfigView


@dataclass(frozen=True, eq=False)
class DigestConfig(ConfigView):
    digest: Digest
    objectives: Sequence[Objective]
    ddat: Ddat
