"""`ghcommunity dashboard` and ticking its boxes, end to end against the sample community."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from dashboard_support import CONFIG, MEETINGS_BOX, REPO, dashboard, dashboards, handle, tick

from ghcommunity.config import load_config


def settle(sandbox: Any) -> None:
    """Reset the counters once every earlier request is counted."""
    last = None
    for _ in range(50):
        total = sandbox.stats()["total"]
        if total == last:
            break
        last = total
        time.sleep(0.02)
    sandbox.reset_stats()


def notes_pulls(sandbox: Any) -> list[Any]:
    branch = load_config(CONFIG).meetings.branch
    repo = sandbox.state.repo(REPO)
    return [
        i
        for i in repo.issues.values()
        if i.pull is not None and i.state == "open" and i.pull.head_ref == branch
    ]


def test_one_dashboard_issue_listing_meetings_waiting_issues_and_audit_findings(
    sample_sandbox: Any,
) -> None:
    settle(sample_sandbox)
    first = dashboard(sample_sandbox)
    assert "opened #" in first.output
    stats = sample_sandbox.stats()
    assert stats["writes"] == 2  # the issue, and pinning it
    # The open issues, the tree, three GraphQL pages (replies, needs-info, notes folders; none
    # for a digest file), labels, the notes pull request, the search for a closed dashboard;
    # then the new issue, the re-read that keeps only the oldest if another run made one at the
    # same moment, and pinning it (finding it, whether it is pinned, the pin).
    assert stats["total"] <= 17, stats["by_route"]
    (issue,) = dashboards(sample_sandbox)
    body = issue.body
    assert issue.title == "Community dashboard"
    assert issue.pinned
    assert "**Lean Coffee**: Thursday 26 November 2026, 11:00 GMT; notes not generated yet" in body
    assert "### Waiting on the community" in body
    assert "#62 Welsh language versions of community pages: no reply since" in body
    assert "### Registry audit" in body
    assert "**Inclusive Recruitment**: missing senior sponsor" in body
    assert "has not met since 2026-04-15" in body
    assert MEETINGS_BOX in body

    settle(sample_sandbox)
    second = dashboard(sample_sandbox)
    assert "is up to date" in second.output
    assert sample_sandbox.stats()["writes"] == 0
    assert sample_sandbox.stats()["total"] <= 9, sample_sandbox.stats()["by_route"]

    # A new issue that nobody answers is listed (after the wait) by editing the same issue.
    sample_sandbox.state.add_token("noah-token", "noah-williams")
    created = httpx.post(
        f"{sample_sandbox.url}/repos/{REPO}/issues",
        json={"title": "Mentoring for new engineers", "body": "Is there a scheme?"},
        headers={"Authorization": "token noah-token"},
    )
    assert created.status_code == 201
    number = created.json()["number"]
    settle(sample_sandbox)
    dashboard(sample_sandbox, "--now", "2026-11-30T09:00:00Z")
    (again,) = dashboards(sample_sandbox)
    assert again.number == issue.number
    assert f"#{number} Mentoring for new engineers: no reply since" in again.body
    by_route = sample_sandbox.stats()["by_route"]
    assert by_route.get("PATCH /repos/{owner}/{repo}/issues/{issue_number}") == 1
    assert "POST /repos/{owner}/{repo}/issues" not in by_route


@pytest.mark.usefixtures("pinned_clock")
def test_ticking_the_meetings_box_through_handle(sample_sandbox: Any, tmp_path: Path) -> None:
    dashboard(sample_sandbox)
    (issue,) = dashboards(sample_sandbox)

    # A member with triage access (not write) ticks it: nothing runs; the box is undone.
    refused = tick(sample_sandbox, issue.number, "helen-macleod")
    settle(sample_sandbox)
    result = handle(sample_sandbox, refused, tmp_path)
    assert result.exit_code == 0, result.output
    assert notes_pulls(sample_sandbox) == []
    body = sample_sandbox.state.issue(REPO, issue.number).body
    assert MEETINGS_BOX in body  # unticked
    assert "@helen-macleod ticked “Generate the notes for the next meetings now”; not run: " in body
    assert "it is for people with write access" in body
    assert sample_sandbox.stats()["writes"] == 1, (
        result.output,
        sample_sandbox.stats()["by_route"],
    )

    # A maintainer ticks it: the notes pull request is opened once, the box unticked.
    payload = tick(sample_sandbox, issue.number, "tom-okafor")
    result = handle(sample_sandbox, payload, tmp_path)
    assert result.exit_code == 0, result.output
    pulls = notes_pulls(sample_sandbox)
    assert len(pulls) == 1, (result.output, sample_sandbox.state.issue(REPO, issue.number).body)
    pull = pulls[0]
    body = sample_sandbox.state.issue(REPO, issue.number).body
    assert MEETINGS_BOX in body
    assert "@tom-okafor ran “Generate the notes for the next meetings now”: " in body
    assert f"pull request {sample_sandbox.url}/{REPO}/pull/{pull.number}" in body
    # The dashboard shows at once what the run changed.
    assert (
        f"**Lean Coffee**: Thursday 26 November 2026, 11:00 GMT; notes proposed in #{pull.number}"
    ) in body
    assert f"Notes pull request: #{pull.number}" in body

    # The same event again (a redelivery) does nothing at all.
    settle(sample_sandbox)
    again = handle(sample_sandbox, payload, tmp_path)
    assert again.exit_code == 0, again.output
    assert sample_sandbox.stats()["writes"] == 0, sample_sandbox.stats()["by_route"]
    assert len(notes_pulls(sample_sandbox)) == 1


def test_the_dashboard_is_left_unpinned_with_the_reason_when_three_are_pinned(
    sample_sandbox: Any,
) -> None:
    repo = sample_sandbox.state.repo(REPO)
    for issue in [i for i in repo.issues.values() if i.pull is None][:3]:
        issue.pinned = True
    result = dashboard(sample_sandbox)
    assert "skipped: pin the issue [dashboard]" in result.output
    assert "a repository can pin at most 3 issues" in result.output
    (issue,) = dashboards(sample_sandbox)
    assert not issue.pinned


def test_the_dashboards_graphql_documents_are_valid() -> None:
    from graphql import parse, validate

    from ghcommunity.github.queries import ISSUE_PIN, PIN_ISSUE
    from ghcommunity.jobs.digest.dashboard import RECENT_DISCUSSIONS
    from ghcommunity.jobs.triage.dashboard import COMMENTERS
    from ghcommunity_sandbox.graphql_api import schema

    for document in (ISSUE_PIN, PIN_ISSUE, RECENT_DISCUSSIONS, COMMENTERS):
        assert validate(schema(), parse(document)) == []


def test_a_forged_dashboard_runs_nothing(sample_sandbox: Any, tmp_path: Path) -> None:
    """A person's issue that starts with the dashboard's marker is just a person's issue."""
    dashboard(sample_sandbox)
    (real,) = dashboards(sample_sandbox)
    sample_sandbox.state.add_token("tom-token", "tom-okafor")
    created = httpx.post(
        f"{sample_sandbox.url}/repos/{REPO}/issues",
        json={"title": "Community dashboard", "body": real.body},
        headers={"Authorization": "token tom-token"},
    )
    assert created.status_code == 201
    payload = tick(sample_sandbox, created.json()["number"], "tom-okafor")
    result = handle(sample_sandbox, payload, tmp_path, "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert notes_pulls(sample_sandbox) == []
    data = json.loads(result.output)
    # Triage reads it as any issue; the dashboard's handler plans nothing for it.
    assert any(h.startswith("ghcommunity.jobs.triage.") for h in data["handlers"])
    assert not [op for op in data["operations"] if op["op"] == "update_issue"]
