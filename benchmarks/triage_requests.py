"""Print what triage costs: API requests per event on the sample community, and parser speed.

    python benchmarks/triage_requests.py

1. Starts a sandbox with the sample community (labels made as `labels sync` would), and sends
   `issues.opened` for every open issue through the full dispatcher (triage, DDaT and any other
   handler), once and then again: requests and writes per event, from the sandbox's counters.
2. A slash command (`/label needs-info` by a facilitator): requests for the first and a rerun.
3. The same `issues.opened` events as the App meets them, with no checkout: files (the DDaT
   taxonomy) read from the repository through the API, once, then kept across events in the
   App's cache; and, for comparison, with neither a checkout nor a cache.
4. Parses every sample issue body with `parse_body` many times: bodies per second.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests/triage"))

from triage_helpers import (  # noqa: E402
    REPO,
    context,
    listed_issue_event,
    reference_config,
    reference_forms,
    sandbox_comment_event,
)

from ghcommunity.core.forms import detect_form, parse_body  # noqa: E402
from ghcommunity.core.providers import labels_from_jobs  # noqa: E402
from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy  # noqa: E402
from ghcommunity.github.context import Context  # noqa: E402
from ghcommunity.github.files import FileCache  # noqa: E402
from ghcommunity.github.forms import DirectoryFormSource  # noqa: E402
from ghcommunity.jobs.labels.plan import declared_labels  # noqa: E402
from ghcommunity.jobs.labels.settings import LabelsConfig  # noqa: E402
from ghcommunity.jobs.runner import dispatch, load_handlers  # noqa: E402
from ghcommunity_sandbox.server import Sandbox  # noqa: E402


def spread(values: list[int]) -> str:
    return f"mean {statistics.mean(values):.2f}, max {max(values)}, min {min(values)}"


def main() -> None:
    sb = Sandbox.start(seed="sample")
    github = GitHubClient(
        Connection(api_url=sb.url, token="bench"), retry=RetryPolicy(sleep_scale=0)
    )
    try:
        existing = {lab["name"].lower() for lab in github.paginate(f"/repos/{REPO}/labels")}
        load_handlers()  # every job, as both doors load them: the DDaT taxonomy's labels too
        config = reference_config()
        for spec in declared_labels(
            LabelsConfig.of(config), labels_from_jobs(context(github), set())
        ):
            if spec.name.lower() not in existing:
                sb.state.add_label(REPO, spec.name, spec.color, spec.description)
        repository = github.rest("GET", f"/repos/{REPO}")
        issues = [
            i
            for i in github.paginate(f"/repos/{REPO}/issues", {"state": "open"})
            if "pull_request" not in i
        ]
        first: dict[str, list[int]] = {"total": [], "writes": []}
        again: dict[str, list[int]] = {"total": [], "writes": []}
        seconds = []
        for runs in (first, again):
            for issue in issues:
                event = listed_issue_event("opened", issue, repository)
                sb.reset_stats()
                started = time.perf_counter()
                dispatch(event, context(github))
                seconds.append(time.perf_counter() - started)
                stats: dict[str, Any] = sb.stats()
                runs["total"].append(stats["total"])
                runs["writes"].append(stats["writes"])
        ddat = [any(lab["name"] == "ddat-feedback" for lab in issue["labels"]) for issue in issues]
        print(f"issues.opened, {len(issues)} open sample issues, every handler:")
        for name, keep in (("not DDaT feedback", False), ("DDaT feedback", True)):
            pick = [i for i, flag in enumerate(ddat) if flag is keep]
            print(f"  {name} ({len(pick)} issues):")
            for when, runs in (("first delivery", first), ("redelivery", again)):
                total = [runs["total"][i] for i in pick]
                writes = [runs["writes"][i] for i in pick]
                print(f"    {when}: requests {spread(total)}; writes {spread(writes)}")
        print(
            f"  wall time per event (sandbox, local): median {statistics.median(seconds) * 1000:.0f} ms"
        )

        number = issues[0]["number"]
        sb.state.set_permission(REPO, "tom-okafor", "triage")
        comment_id = sb.state.add_comment(REPO, number, "/label needs-info", author="tom-okafor")
        event = sandbox_comment_event(github, "created", number, comment_id)
        for label in ("first", "rerun"):
            sb.reset_stats()
            dispatch(event, context(github))
            stats = sb.stats()
            print(
                f"issue_comment `/label needs-info` ({label}): {stats['total']} requests, "
                f"{stats['writes']} writes"
            )

        # 3. As the App meets them: no checkout (each event a fresh Context, as each delivery).
        cache = FileCache()
        forms = DirectoryFormSource(ROOT / "config/issue-forms")

        def no_checkout(files: Any) -> Context:
            return Context(config, github, form_source=forms, files=files)

        for name, files in (("cached across events (the App)", cache), ("no cache", None)):
            totals = []
            for issue in issues:
                event = listed_issue_event("opened", issue, repository)
                sb.reset_stats()
                dispatch(event, no_checkout(files.source(REPO) if files else None))
                totals.append(sb.stats()["total"])
            print(f"issues.opened redelivered with no checkout, taxonomy {name}:")
            print(f"  requests {spread(totals)}; {sum(totals)} for {len(issues)} events")
        print(f"  the App's cache read the taxonomy {cache.reads} time(s) for {len(issues)} events")
    finally:
        github.close()
        sb.stop()

    parsed = reference_forms()
    bodies = [i.get("body") or "" for i in issues]
    rounds = 50
    started = time.perf_counter()
    for _ in range(rounds):
        for body in bodies:
            form = detect_form(body, parsed)
            if form is not None:
                parse_body(body, form)
    elapsed = time.perf_counter() - started
    print(
        f"detect_form + parse_body: {rounds * len(bodies) / elapsed:,.0f} bodies/s "
        f"({len(bodies)} sample bodies x {rounds})"
    )


if __name__ == "__main__":
    main()
