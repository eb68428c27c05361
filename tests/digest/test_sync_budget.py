"""The sync's request budget at scale, counted by the sandbox: a cold sync of N items (issues,
pull requests and discussions) costs at most 1.1 × ceil(N/100) + 20 requests; a warm re-run at
most 5; nothing is fetched twice."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest

from ghcommunity.config import load_config
from ghcommunity.core.resources import reference_config
from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy
from ghcommunity.jobs.digest.store import Store
from ghcommunity.jobs.digest.sync import settings_from_config, sync_repo

REPO = "uk-x-gov-software-community/community-space"


@pytest.mark.slow
def test_ten_thousand_items_cold_and_warm(sandbox_server: Any, tmp_path) -> None:
    sandbox_server.reset(seed="minimal", synthetic=10_000)
    try:
        repo = sandbox_server.state.repo(REPO)
        n = len(repo.issues) + len(repo.discussions)
        assert n >= 10_000
        github = GitHubClient(
            Connection(api_url=sandbox_server.url, token="t"), retry=RetryPolicy(sleep_scale=0)
        )
        store = Store(f"sqlite:///{tmp_path}/store.sqlite")
        settings = settings_from_config(load_config(reference_config()))
        now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
        sandbox_server.reset_stats()
        cold = sync_repo(github, store, REPO, settings, now=lambda: now)
        requests = sandbox_server.stats()["total"]
        assert requests == cold.requests
        assert requests <= 1.1 * math.ceil(n / 100) + 20
        assert sandbox_server.stats()["writes"] == 0
        assert sum(store.item_count(REPO).values()) == n  # everything, once
        sandbox_server.reset_stats()
        warm = sync_repo(github, store, REPO, settings, now=lambda: now)
        assert sandbox_server.stats()["total"] <= 5
        assert warm.items == {"issues": 0, "pulls": 0, "discussions": 0}
    finally:
        sandbox_server.reset(seed="minimal", synthetic=None)
