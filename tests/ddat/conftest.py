"""Shared DDaT test data: the reference config, the generated taxonomy, the kit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The tests import their shared paths and helpers from ddat_support.py next to this file;
# with --import-mode=importlib the folder is not on sys.path by itself.
sys.path.insert(0, str(Path(__file__).parent))

from ddat_support import ROOT, TAXONOMY_FILE

from ghcommunity.config import Config, load_config
from ghcommunity.jobs.ddat.classify import DdatKit
from ghcommunity.jobs.ddat.setup import load_kit
from ghcommunity.jobs.ddat.taxonomy import Taxonomy, load_taxonomy


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config(ROOT / "config" / "community.yml")


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy(TAXONOMY_FILE)


@pytest.fixture(scope="session")
def kit(config: Config, taxonomy: Taxonomy) -> DdatKit:
    return load_kit(config, taxonomy)
