"""Every REST response the sandbox serves during these tests must validate against the
operation's response schema in GitHub's OpenAPI description (fidelity check (a)).

An autouse fixture records the exchanges of each test and fails the test if any of them does
not validate; `no_openapi_check` opts a test out (for deliberately broken requests whose
answers GitHub does not document).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# pytest runs with --import-mode=importlib, which does not put test folders on sys.path.
sys.path.insert(0, str(Path(__file__).parent))

from sandbox_openapi import problems

from ghcommunity.sandbox import Sandbox
from ghcommunity.sandbox.http import Exchange


@pytest.fixture(autouse=True)
def openapi_exchanges(
    request: pytest.FixtureRequest, sandbox_server: Sandbox
) -> Iterator[list[Exchange]]:
    seen: list[Exchange] = []
    sandbox_server.app.observers.append(seen.append)
    try:
        yield seen
    finally:
        sandbox_server.app.observers.remove(seen.append)
    if request.node.get_closest_marker("no_openapi_check"):
        return
    found = [p for exchange in seen for p in problems(exchange)]
    if found:
        pytest.fail("responses GitHub's OpenAPI description rejects:\n" + "\n".join(found[:20]))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "no_openapi_check: do not validate this test's sandbox responses"
    )
