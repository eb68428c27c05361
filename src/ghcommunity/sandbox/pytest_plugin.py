"""pytest fixtures for the sandbox (register with `pytest_plugins = ("ghcommunity.sandbox.pytest_plugin",)`).

- `sandbox_server`: one `Sandbox` for the whole test session.
- `sandbox`: that server reset to the minimal community (the org `uk-x-gov-software-community`
  and its repo `community-space`, default branch `main` with one commit), counters reset.
- `sample_sandbox`: the server reset to the sample community (`data/sample.yml`), counters reset.
- `github`: a `ghcommunity.github.client.GitHubClient` pointed at the sandbox (token
  `test-token`, acting as `ghcommunity[bot]`; retries without sleeping).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ghcommunity.sandbox.server import Sandbox


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    sb = Sandbox.start(seed="minimal")
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    sandbox_server.reset(seed="minimal")
    return sandbox_server


@pytest.fixture
def sample_sandbox(sandbox_server: Sandbox) -> Sandbox:
    sandbox_server.reset(seed="sample")
    return sandbox_server


@pytest.fixture
def github(sandbox_server: Sandbox) -> Iterator[Any]:
    from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy

    client = GitHubClient(
        Connection(api_url=sandbox_server.url, token="test-token"),  # noqa: S106
        retry=RetryPolicy(sleep_scale=0.0),
    )
    try:
        yield client
    finally:
        client.close()
