"""octokit.js against the sandbox: `octokit/conformance.mjs`, run by Node with the packages
pinned in `octokit/package-lock.json` (`npm ci --prefix tests/conformance/octokit`).

Skipped when `node` or the installed packages are missing, unless `CONFORMANCE_REQUIRE_NODE`
is set (`.ci/run` sets it once it has installed them): then their absence is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from helpers_conformance import ADA_TOKEN, NAME, ORG, TEAM, TOKEN, arrange

from ghcommunity_sandbox import Sandbox

HERE = Path(__file__).parent / "octokit"
SCRIPT = HERE / "conformance.mjs"
SECRET = "conformance-secret"
NEEDED = ("@octokit/rest", "@octokit/graphql", "@octokit/webhooks")


def _node() -> str:
    node = shutil.which("node")
    missing = [p for p in NEEDED if not (HERE / "node_modules" / p / "package.json").exists()]
    why = (
        "node is not installed"
        if node is None
        else f"{', '.join(missing)} not installed (npm ci --prefix tests/conformance/octokit)"
        if missing
        else ""
    )
    if why:
        if os.environ.get("CONFORMANCE_REQUIRE_NODE"):
            pytest.fail(why)
        pytest.skip(why)
    assert node is not None
    return node


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_octokit_gets_what_github_gives_it() -> None:
    node = _node()
    port = _free_port()
    sandbox = Sandbox.start(
        seed="minimal", webhook_url=f"http://127.0.0.1:{port}/webhooks", webhook_secret=SECRET
    )
    try:
        arrange(sandbox)
        env = {
            **os.environ,
            "SANDBOX_URL": sandbox.url,
            "WEBHOOK_PORT": str(port),
            "WEBHOOK_SECRET": SECRET,
            "OWNER": ORG,
            "REPO": NAME,
            "TEAM": TEAM,
            "TOKEN": TOKEN,
            "ADA_TOKEN": ADA_TOKEN,
        }
        # the timeout only stops a hung run; it is not a limit on speed
        done = subprocess.run(
            [node, str(SCRIPT)],
            cwd=HERE,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        sandbox.stop()
    report = done.stdout + done.stderr
    print(report)
    assert done.returncode == 0, report
    assert "not ok" not in report
