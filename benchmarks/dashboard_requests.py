"""Print what the community dashboard costs against the sandbox's sample community: requests
and writes for its first run, a rerun, a refused tick, a maintainer's tick (the meetings job and
the redraw), and a redelivered tick event.

    python benchmarks/dashboard_requests.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "dashboard"))

from dashboard_support import dashboard, dashboards, handle, tick  # noqa: E402

from ghcommunity_sandbox.server import Sandbox  # noqa: E402


def settle(sandbox: Any) -> None:
    last = None
    for _ in range(50):
        total = sandbox.stats()["total"]
        if total == last:
            break
        last = total
        time.sleep(0.02)
    sandbox.reset_stats()


def show(sandbox: Any, what: str) -> None:
    stats = sandbox.stats()
    print(f"{what}: {stats['total']} requests, {stats['writes']} writes")


def main() -> None:
    sandbox = Sandbox.start(seed="sample")
    scratch = Path(tempfile.mkdtemp(prefix="ghc-dashboard-"))
    try:
        settle(sandbox)
        dashboard(sandbox)
        show(sandbox, "dashboard, first run (open and pin)")
        settle(sandbox)
        dashboard(sandbox)
        show(sandbox, "dashboard, second run")
        (issue,) = dashboards(sandbox)
        refused = tick(sandbox, issue.number, "helen-macleod")
        settle(sandbox)
        handle(sandbox, refused, scratch)
        show(sandbox, "a tick by someone without write access")
        payload = tick(sandbox, issue.number, "tom-okafor")
        settle(sandbox)
        handle(sandbox, payload, scratch)
        show(sandbox, "a maintainer's tick: the meetings job, then the redraw")
        settle(sandbox)
        handle(sandbox, payload, scratch)
        show(sandbox, "the same event redelivered")
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
