"""pytest fixtures for the sandbox (register with `pytest_plugins = ("ghcommunity_sandbox.pytest_plugin",)`).

- `sandbox_server`: one `Sandbox` for the whole test session.
- `sandbox`: that server reset to the minimal community (the org `uk-x-gov-software-community`
  and its repo `community-space`, default branch `main` with one commit), counters reset.
- `sample_sandbox`: the server reset to the sample community (`data/sample.yml`), counters reset.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ghcommunity_sandbox.server import Sandbox


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
