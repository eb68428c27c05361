"""Requests and time for `sync` against the sandbox with synthetic data and injected latency.
Prints a table; not a timed test.

    .venv/bin/python benchmarks/digest_sync.py                    # 1,000 and 10,000 items
    .venv/bin/python benchmarks/digest_sync.py --sizes 1000 10000 100000 --latency-ms 20

For each size (N issues and pull requests; the synthetic generator adds about N/10
discussions), into an empty store:

- cold: the first sync, everything;
- warm: the same sync again at once (nothing changed);
- cold: points: GitHub's GraphQL rate-limit points it used (a token has 5,000 an hour; an
  Actions GITHUB_TOKEN 1,000 per repository);
- next month: after a month of new activity (N/24 new issues with a comment each, and a new
  comment on N/100 existing issues), what a monthly scheduled run fetches.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from datetime import UTC, datetime, timedelta

from ghcommunity.config import load_config
from ghcommunity.core.resources import reference_config
from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy
from ghcommunity.jobs.digest.settings import DigestConfig
from ghcommunity.jobs.digest.store import Store
from ghcommunity.jobs.digest.sync import settings_from_config, sync_repo
from ghcommunity_sandbox import Sandbox

REPO = "uk-x-gov-software-community/community-space"
NOW = "2026-11-16T09:00:00Z"


def a_month_of_activity(sandbox: Sandbox, n: int) -> None:
    state = sandbox.state
    state.now = NOW  # frozen: the new month's activity is dated after everything synced
    state.advance(days=30)
    start = datetime.fromisoformat(NOW) + timedelta(days=1)
    with state.quiet():
        for i in range(max(1, n // 24)):
            when = start + timedelta(minutes=10 * i)
            state.add_issue(
                REPO,
                title=f"New this month {i}",
                author=f"newcomer{i % 50}",
                created_at=when,
                comments=[
                    {"body": "Welcome", "author": "helper", "created_at": when + timedelta(hours=2)}
                ],
            )
        numbers = sorted(k for k, v in state.repo(REPO).issues.items() if not v.is_pull)
        for i, number in enumerate(numbers[: max(1, n // 100)]):
            state.add_comment(
                REPO,
                number,
                body="Any news?",
                author="asker",
                created_at=start + timedelta(hours=i % 500),
            )


def run(size: int, latency_ms: float) -> dict[str, object]:
    started = time.perf_counter()
    sandbox = Sandbox.start(seed="minimal", synthetic=size, latency_ms=latency_ms)
    seeded = time.perf_counter() - started
    try:
        repo = sandbox.state.repo(REPO)
        items = len(repo.issues) + len(repo.discussions)
        github = GitHubClient(
            Connection(api_url=sandbox.url, token="bench"), retry=RetryPolicy(sleep_scale=0)
        )
        settings = settings_from_config(DigestConfig.of(load_config(reference_config())))
        rows: dict[str, object] = {"size": size, "items": items, "seeded": seeded}
        with tempfile.TemporaryDirectory() as folder:
            store = Store(f"sqlite:///{folder}/store.sqlite")
            for label in ("cold", "warm", "next month"):
                if label == "next month":
                    a_month_of_activity(sandbox, size)
                sandbox.reset_stats()
                clock = time.perf_counter()
                report = sync_repo(github, store, REPO, settings, now=lambda: datetime.now(UTC))
                rows[label] = (
                    sandbox.stats()["total"],
                    time.perf_counter() - clock,
                    sum(report.items.values()),
                    report.cost,
                )
            store.close()
        return rows
    finally:
        sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args()
    print(f"sync against the sandbox, {args.latency_ms:g} ms injected latency per request\n")
    header = (
        "| items (N + discussions) | budget 1.1×⌈N/100⌉+20 | cold: requests | cold: points | "
        "cold: s | warm: requests | warm: s | next month: requests | next month: items | "
        "next month: s |"
    )
    print(header)
    print("|" + "|".join("---:" for _ in range(header.count("|") - 1)) + "|")
    for size in args.sizes:
        row = run(size, args.latency_ms)
        items = int(row["items"])  # type: ignore[call-overload]
        cold, warm, later = row["cold"], row["warm"], row["next month"]
        print(
            f"| {items:,} | {1.1 * math.ceil(items / 100) + 20:.0f} | {cold[0]:,} | {cold[3]:,} | {cold[1]:.1f} | "  # type: ignore[index]
            f"{warm[0]} | {warm[1]:.2f} | {later[0]} | {later[2]:,} | {later[1]:.1f} |",  # type: ignore[index]
            flush=True,
        )


if __name__ == "__main__":
    main()
