"""The product's test setup: a throwaway PostgreSQL cluster for the App's queue and the digest's
store (the sandbox fixtures and the OpenAPI check are in the root conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session", autouse=True)
def every_job_loaded() -> None:
    """Load every job, as both doors do, so what one job offers another (core/providers.py)
    is there whichever test runs first."""
    from ghcommunity.jobs.runner import load_handlers

    load_handlers()
