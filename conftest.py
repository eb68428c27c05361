"""Shared test setup for both test trees (tests/ and sandbox/tests/).

- The sandbox's fixtures (`sandbox_server`, `sandbox`, `sample_sandbox`, `github`).
- Fidelity check (a): every REST response any sandbox serves during any test (the shared
  `sandbox_server`, or one the test starts itself) must validate against the operation's
  response schema in GitHub's OpenAPI description, and every GraphQL answer against the types
  of GitHub's schema. Opt a test out with `@pytest.mark.no_openapi_check` (for deliberately
  broken requests whose answers GitHub does not document).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Helper modules beside the tests are imported by their bare names.
sys.path.insert(0, str(Path(__file__).parent / "tests"))

from ghcommunity_sandbox.http import Exchange, SandboxApp
from sandbox_graphql_check import graphql_problems
from sandbox_openapi import problems

pytest_plugins = ("ghcommunity_sandbox.pytest_plugin",)


# Property tests explore new cases on developers' machines; CI replays a fixed set, so a run
# never fails by chance (a case found locally becomes a regression test).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def openapi_exchanges(request: pytest.FixtureRequest) -> Iterator[list[Exchange]]:
    """Every exchange any sandbox in this process serves while the test runs (the shared
    one, and those a test or its fixtures start themselves), checked once the test is done:
    REST answers against GitHub's OpenAPI description, GraphQL answers against its schema."""
    seen: list[Exchange] = []
    SandboxApp.every_observers.append(seen.append)
    try:
        yield seen
    finally:
        SandboxApp.every_observers.remove(seen.append)
    if request.node.get_closest_marker("no_openapi_check"):
        return
    found = [p for exchange in seen for p in problems(exchange) + graphql_problems(exchange)]
    if found:
        pytest.fail(
            "responses GitHub's OpenAPI description or GraphQL schema rejects:\n"
            + "\n".join(found[:20])
        )


@pytest.fixture
def github(sandbox_server: Any) -> Iterator[Any]:
    """A `GitHubClient` pointed at the sandbox (token `test-token`, acting as `ghcommunity[bot]`;
    retries without sleeping)."""
    from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy

    client = GitHubClient(
        Connection(api_url=sandbox_server.url, token="test-token"),
        retry=RetryPolicy(sleep_scale=0.0),
    )
    try:
        yield client
    finally:
        client.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "no_openapi_check: do not validate this test's sandbox responses"
    )
