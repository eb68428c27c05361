"""What the DDaT job reads of the config: its own section and the community's; the labels it may
own (`labels.owns`); from triage, the needs-triage label it adds and the issue forms it tells
apart from its own; and the digest's list of departments (the report's department roll-up)."""

from __future__ import annotations

from dataclasses import dataclass

from ghcommunity.config.ddat import Ddat
from ghcommunity.config.digest import Digest
from ghcommunity.config.labels import Labels
from ghcommunity.config.triage import Triage
from ghcommunity.config.view import ConfigView


@dataclass(frozen=True, eq=False)
class DdatConfig(ConfigView):
    ddat: Ddat
    labels: Labels
    triage: Triage
    digest: Digest
