"""Shared test setup.

- The sandbox's fixtures (`sandbox_server`, `sandbox`, `sample_sandbox`, `github`).
- Fidelity check (a): every REST response the sandbox serves to any test that uses it must
  validate against the operation's response schema in GitHub's OpenAPI description. Opt a test
  out with `@pytest.mark.no_openapi_check` (for deliberately broken requests whose answers
  GitHub does not document).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Helper modules beside the tests are imported by their bare names.
sys.path.insert(0, str(Path(__file__).parent))

from sandbox_openapi import problems

pytest_plugins = ("ghcommunity.sandbox.pytest_plugin",)

# Property tests explore new cases on developers' machines; CI replays a fixed set, so a run
# never fails by chance (a case found locally becomes a regression test).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def openapi_exchanges(request: pytest.FixtureRequest) -> Iterator[list[object]]:
    seen: list[object] = []
    if "sandbox_server" not in request.fixturenames:
        yield seen  # the test does not use the shared sandbox: nothing to check
        return
    sandbox_server = request.getfixturevalue("sandbox_server")
    sandbox_server.app.observers.append(seen.append)
    try:
        yield seen
    finally:
        sandbox_server.app.observers.remove(seen.append)
    if request.node.get_closest_marker("no_openapi_check"):
        return
    found = [p for exchange in seen for p in problems(exchange)]  # type: ignore[arg-type]
    if found:
        pytest.fail("responses GitHub's OpenAPI description rejects:\n" + "\n".join(found[:20]))


# -- a throwaway PostgreSQL cluster, for the App's queue and the digest's store -------------
# Used when PostgreSQL's server binaries (initdb, pg_ctl) are installed; tests skip otherwise.


def _postgres_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for version in sorted(Path("/usr/lib/postgresql").glob("*"), reverse=True):
        candidate = version / "bin" / name
        if candidate.exists():
            return str(candidate)
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    initdb, pg_ctl = _postgres_binary("initdb"), _postgres_binary("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL is not installed")
    root = Path(tempfile.mkdtemp(prefix="ghc-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser")
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*run_as, initdb, "-D", str(data), "-A", "trust", "-U", "ghc"],
        check=True,
        capture_output=True,
    )
    options = f"-k {sockets} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-o", options, "-w", "-l", str(root / "log"), "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://ghc@/postgres?host={sockets}"
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "no_openapi_check: do not validate this test's sandbox responses"
    )
