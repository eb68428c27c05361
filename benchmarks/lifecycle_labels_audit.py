"""Requests and seconds for `lifecycle`, `labels sync` and `audit` against the sandbox.

    python benchmarks/lifecycle_labels_audit.py [--issues 500] [--labels 300] [--groups 40]

Prints, for each job, the requests it made (reads and writes) and the wall-clock seconds, on a
first run (work to do) and a second run the same day (nothing to do: no writes expected).
Figures, not assertions: the tests assert the request budgets.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ghcommunity.config import load_config, parse_config
from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy
from ghcommunity.github.executor import Executor
from ghcommunity.jobs.labels.handlers import sync_labels
from ghcommunity.jobs.lifecycle.plan import plan_lifecycle
from ghcommunity.jobs.lifecycle.read import read_needs_info_issues, teach_executor
from ghcommunity.jobs.registry.audit import audit_registry
from ghcommunity.jobs.registry.read import read_notes
from ghcommunity_sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[1]
REPO = "uk-x-gov-software-community/community-space"
T0 = datetime(2025, 3, 3, 10, tzinfo=UTC)


def measure(sb: Sandbox, what: str, run: Callable[[], Any]) -> None:
    sb.reset_stats()
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    stats = sb.stats()
    print(f"{what:<48} {stats['total']:>5} requests {stats['writes']:>5} writes {seconds:>7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--labels", type=int, default=300)
    parser.add_argument("--groups", type=int, default=40)
    args = parser.parse_args()
    config = load_config(ROOT / "config" / "community.yml")
    sb = Sandbox.start(seed="minimal")
    try:
        gh = GitHubClient(Connection(api_url=sb.url, token="bench"), retry=RetryPolicy())
        state = sb.state
        state.set_clock(T0)
        state.add_user("alice")
        with state.quiet():
            for i in range(args.issues):
                number = state.add_issue(
                    REPO, f"Waiting {i}", author="alice", labels=["needs-info"]
                )
                for j in range(3):
                    state.add_comment(REPO, number, f"comment {j}", author="alice", created_at=T0)
        gh.graphql("query { viewer { login } }")  # warm the sandbox's schema

        def lifecycle() -> None:
            now = T0 + timedelta(days=15)
            issues = read_needs_info_issues(gh, REPO, "needs-info")
            plan, _ = plan_lifecycle(issues, config, now, repo=REPO)
            executor = Executor(gh, actor=config.community.bot_login)
            teach_executor(executor, REPO, issues)
            executor.apply(plan)

        state.set_clock(T0 + timedelta(days=15))
        measure(sb, f"lifecycle, {args.issues} issues, first run", lifecycle)
        measure(sb, f"lifecycle, {args.issues} issues, same day again", lifecycle)

        with state.quiet():
            for i in range(args.labels):
                state.add_label(REPO, f"topic {i:04d}", "ededed", "")

        def labels() -> None:
            result = sync_labels(gh, config, REPO)
            executor = Executor(gh, actor=config.community.bot_login)
            executor.know_labels(REPO, result.existing_as_rest())
            executor.apply(result.plan)

        measure(sb, f"labels sync, {args.labels} other labels, first run", labels)
        measure(sb, f"labels sync, {args.labels} other labels, again", labels)

        groups = "".join(
            f"  - {{slug: group-{i:03d}, name: 'Group {i} {i * 7919 % 1000}', aim: 'Aim {i}'}}\n"
            for i in range(args.groups)
        )
        many = parse_config(
            "community: {name: C, org: uk-x-gov-software-community, repo: community-space}\n"
            f"groups:\n{groups}"
        )
        with state.quiet():
            for i in range(args.groups):
                state.put_file(
                    REPO, f"special-interest-meetings/group-{i:03d}/2025-02-0{1 + i % 9}.md", "x"
                )

        def audit() -> None:
            audit_registry(many, read_notes(gh, many, REPO), T0.date())

        measure(sb, f"audit, {args.groups} groups (notes read)", audit)
    finally:
        sb.stop()


if __name__ == "__main__":
    main()
