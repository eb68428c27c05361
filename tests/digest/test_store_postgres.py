"""The store on PostgreSQL (a shared deployment) gives the same month as on SQLite.

Runs when PostgreSQL's server binaries and the psycopg driver are installed (see
tests/conftest.py's `postgres_url`); skipped otherwise.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ghcommunity.config import load_config
from ghcommunity.core.providers import role_label_names, role_resolver
from ghcommunity.core.resources import reference_config
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.jobs.digest.metrics import DigestSettings, compute, window
from ghcommunity.jobs.digest.store import Store, metadata
from ghcommunity.jobs.digest.sync import settings_from_config, sync_repo

pytest.importorskip("psycopg")

REPO = "uk-x-gov-software-community/community-space"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # the sample seed's frozen clock


def october(github: GitHubClient, store: Store) -> dict[str, Any]:
    config = load_config(reference_config())
    ctx = Context(config, github, checkout=Path(__file__).resolve().parents[2])
    settings = settings_from_config(config, role_resolver(ctx))
    sync_repo(github, store, REPO, settings, now=lambda: NOW)
    digest = DigestSettings.from_config(config, role_label_names(ctx))
    figures = compute(store.activity(REPO, *window("2026-10", digest)), digest, "2026-10")
    return figures.model_dump(mode="json")


def test_postgres_and_sqlite_stores_give_the_same_month(
    sample_sandbox: Any, github: GitHubClient, postgres_url: str
) -> None:
    postgres = Store(postgres_url)
    try:
        with postgres.engine.begin() as conn:  # a clean slate: the cluster is per session
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
        expected = october(github, Store("sqlite://"))
        first = october(github, postgres)
        assert first == expected
        assert first["participants"]["active"] > 0  # the month is not empty
        # An incremental re-sync upserts into the same rows: the month does not change.
        sample_sandbox.state.add_comment(REPO, 1, body="A November reply", author="ada")
        assert october(github, postgres) == expected
    finally:
        postgres.close()
