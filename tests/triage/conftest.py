"""Fixtures for triage tests (the builders live in triage_helpers.py)."""

from __future__ import annotations

import pytest
from triage_helpers import reference_config, reference_forms

from ghcommunity.config import Config
from ghcommunity.core.forms import IssueForm


@pytest.fixture
def config() -> Config:
    return reference_config()


@pytest.fixture
def forms() -> dict[str, IssueForm]:
    return reference_forms()
