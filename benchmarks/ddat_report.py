"""The DDaT report and classifier at scale: requests, seconds, per issue.

Run: .venv/bin/python benchmarks/ddat_report.py [ISSUES]
Prints figures; asserts nothing (timings belong in benchmarks, not tests). Starts a sandbox,
files ISSUES form-submitted feedback issues (default 1,000), then reads them the way
`ghcommunity ddat report` does and renders every format.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ghcommunity.config import load_config
from ghcommunity.core.forms import render_body
from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy
from ghcommunity.jobs.ddat.fetch import fetch_feedback
from ghcommunity.jobs.ddat.report import FORMATS, build_report
from ghcommunity.jobs.ddat.report_render import render_bytes
from ghcommunity.jobs.ddat.settings import DdatConfig
from ghcommunity.jobs.ddat.setup import load_kit
from ghcommunity.jobs.ddat.taxonomy import load_taxonomy
from ghcommunity_sandbox.server import Sandbox

ROOT = Path(__file__).resolve().parents[1]
REPO = "uk-x-gov-software-community/community-space"


def main(count: int) -> None:
    config = load_config(ROOT / "config" / "community.yml")
    kit = load_kit(DdatConfig.of(config), load_taxonomy(ROOT / config.ddat.taxonomy))
    roles = kit.taxonomy.roles
    skills = [s.name for s in kit.taxonomy.skills]
    sandbox = Sandbox.start(seed="minimal")
    try:
        sandbox.state.add_user("ada")
        with sandbox.state.quiet():
            for i in range(count):
                role = roles[i % len(roles)]
                body = render_body(
                    kit.form,
                    {
                        "role": [role.name],
                        "level": [role.levels[i % len(role.levels)]],
                        "skills": [skills[i % len(skills)], skills[(i * 7) % len(skills)]],
                        "type": [kit.taxonomy.feedback_types[i % 5]],
                        "details": "x " * 200,
                    },
                )
                sandbox.state.add_issue(
                    REPO,
                    f"Feedback {i}",
                    body,
                    author="ada",
                    labels=["ddat-feedback"],
                    created_at=f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T10:00:00Z",
                    state="closed" if i % 4 == 0 else "open",
                )
        github = GitHubClient(
            Connection(api_url=sandbox.url, token="t"), retry=RetryPolicy(sleep_scale=0)
        )
        sandbox.reset_stats()
        started = time.perf_counter()
        issues = fetch_feedback(github, REPO, "ddat-feedback")
        fetched = time.perf_counter()
        report = build_report(issues, kit, repo=REPO)
        built = time.perf_counter()
        sizes = {fmt: len(render_bytes(report, fmt)) for fmt in FORMATS}
        rendered = time.perf_counter()
        stats = sandbox.stats()
        print(f"issues: {count}, in the report: {report.total}")
        print(f"requests: {stats['total']} ({stats['by_route']})")
        print(f"fetch (sandbox, local): {fetched - started:.2f} s")
        print(
            f"classify + group: {built - fetched:.2f} s "
            f"({(built - fetched) / max(count, 1) * 1000:.2f} ms per issue)"
        )
        print(f"render every format: {rendered - built:.2f} s; bytes: {sizes}")
    finally:
        sandbox.stop()


if __name__ == "__main__":
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and not sys.argv[1].isdigit()):
        sys.exit(f"usage: python {sys.argv[0]} [ISSUES]   (default 1000)")
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
