"""Two runs at once must not duplicate anything: both doors on the same issues, and every
scheduled job twice at once, as real parallel processes against one sandbox.

    python benchmarks/concurrency.py [--issues 50] [--trials 3]

1. Two doors at once: N new form issues in the sample community; one process runs
   `ghcommunity handle` for each (the Action's door) while another delivers the same events as
   the App's worker does (a Context per event, the same dispatcher). Then two `handle`
   processes at once on the same issues.
2. Every scheduled writing job (labels sync, the audit issue, lifecycle reminders, the meetings
   pull request, the digest as a discussion, an issue and a file, the DDaT export) started
   twice at the same moment.

Each trial starts from a fresh sample. Printed: duplicates found (must be 0), per part and
trial, and failed runs. `SAFETY_SRC=/path/to/other/src` runs another checkout's ghcommunity
(e.g. main's) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "safety"))

from safety_harness import (  # noqa: E402
    REPO,
    duplicates,
    finish,
    handle_runs,
    issue_events,
    scheduled_jobs,
    start_app_door,
    start_runs,
)

from ghcommunity_sandbox.server import Sandbox  # noqa: E402


def add_issues(sb: Sandbox, count: int) -> list[int]:
    """`count` new issues, bodies copied from the sample's open form issues."""
    with sb.state.lock:
        repo = sb.state.repo(REPO)
        bodies = [
            i.body
            for i in repo.issues.values()
            if i.pull is None and i.state == "open" and i.body and "###" in i.body
        ]
        titles = [i.title for i in repo.issues.values() if i.pull is None]
    return [
        sb.state.add_issue(
            REPO,
            title=f"{titles[n % len(titles)]} ({n})",
            body=bodies[n % len(bodies)],
            author=f"member-{n}",
        )
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=50)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    sb = Sandbox.start(seed="sample")
    total = 0
    try:
        for trial in range(1, args.trials + 1):
            for part in ("Action + App", "Action + Action", "scheduled jobs x2"):
                sb.reset("sample")
                with tempfile.TemporaryDirectory() as tmp:
                    work = Path(tmp)
                    started = time.perf_counter()
                    if part == "scheduled jobs x2":
                        failed = 0
                        first, second = scheduled_jobs(sb, work, "a"), scheduled_jobs(sb, work, "b")
                        for name in first:
                            a = start_runs(sb, [first[name]])
                            b = start_runs(sb, [second[name]])
                            failed += sum(1 for c in finish(a)[0] + finish(b)[0] if c)
                        runs = 2 * len(first)
                    else:
                        numbers = add_issues(sb, args.issues)
                        events = issue_events(sb, work, numbers)
                        a = start_runs(sb, handle_runs(events))
                        b = (
                            start_app_door(sb, events)
                            if part == "Action + App"
                            else start_runs(sb, handle_runs(events))
                        )
                        codes = finish(a)[0] + finish(b)[0]
                        failed = sum(1 for c in codes if c) + 2 * len(events) - len(codes)
                        runs = 2 * len(events)
                    found = duplicates(sb)
                    total += len(found)
                    print(
                        f"trial {trial}, {part}: {runs} runs, {failed} failed, "
                        f"duplicates found: {len(found)} "
                        f"({time.perf_counter() - started:.1f} s)"
                    )
                    for line in found[:10]:
                        print(f"    {line}")
        print(f"duplicates found in all: {total}")
    finally:
        sb.stop()


if __name__ == "__main__":
    main()
