"""Paths and helpers the DDaT tests share (imported as `ddat_support`)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
DDAT_FIXTURES = FIXTURES / "ddat"
ROLE_CSV = DDAT_FIXTURES / "role-content.csv"
SKILLS_CSV = DDAT_FIXTURES / "skill-descriptions.csv"
TAXONOMY_FILE = ROOT / "config" / "ddat.yml"
FORM_FILE = ROOT / "config" / "issue-forms" / "ddat-feedback.yml"
REPO = "uk-x-gov-software-community/community-space"


def webhook(name: str) -> dict[str, Any]:
    """A real webhook payload (octokit's examples), to change for a case."""
    data = json.loads((FIXTURES / "webhooks" / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def checkout_context(config: Any, client: Any = None) -> Any:
    """A Context on this repository's checkout (the taxonomy is its config/ddat.yml), as an
    Action run has; `client` defaults to one that is never called."""
    from ghcommunity.github.client import Connection, GitHubClient
    from ghcommunity.github.context import Context

    return Context(config, client or GitHubClient(Connection()), checkout=ROOT)
