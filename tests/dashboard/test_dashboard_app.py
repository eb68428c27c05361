"""Ticking the dashboard through the App: the sandbox's real `issues.edited` webhook, the App's
queue and workers, the same job registry."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from app_harness import wait_until
from dashboard_support import CONFIG, MEETINGS_BOX, NOW, REPO, dashboards

from ghcommunity.config import load_config
from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy
from ghcommunity.github.context import Context
from ghcommunity.jobs.dashboard.job import DashboardOptions
from ghcommunity.jobs.runner import run_job

ORG = "uk-x-gov-software-community"


def idle(service: Any, sandbox: Any) -> None:
    sandbox.flush_webhooks()
    wait_until(lambda: service.queue.counts()["queued"] + service.queue.counts()["running"] == 0)


@pytest.mark.usefixtures("pinned_clock")
def test_a_maintainer_ticks_the_meetings_box_and_the_app_opens_the_notes_pull_request(
    app_and_sandbox: Any,
) -> None:
    service, _served, sandbox = app_and_sandbox
    sandbox.reset(seed="sample")
    state = sandbox.state
    state.add_app(4242, "ghcommunity", owner=ORG)
    state.add_installation(77, app_id=4242, account=ORG)
    state.add_token("tom-token", "tom-okafor")
    state.put_file(REPO, ".github/ghcommunity.yml", CONFIG.read_text(), author="priya-shah")
    idle(service, sandbox)

    config = load_config(CONFIG)
    client = GitHubClient(
        Connection(api_url=sandbox.url, token="test-token"), retry=RetryPolicy(sleep_scale=0.0)
    )
    try:
        run_job("dashboard", Context(config, client, now=NOW), DashboardOptions())
    finally:
        client.close()
    idle(service, sandbox)
    (issue,) = dashboards(sandbox)

    headers = {"Authorization": "token tom-token"}
    body = sandbox.state.issue(REPO, issue.number).body
    ticked = body.replace(MEETINGS_BOX, MEETINGS_BOX.replace("[ ]", "[x]"), 1)
    response = httpx.patch(
        f"{sandbox.url}/repos/{REPO}/issues/{issue.number}", json={"body": ticked}, headers=headers
    )
    assert response.status_code == 200
    idle(service, sandbox)
    idle(service, sandbox)  # the App's own edit comes back, and is ignored

    branch = config.meetings.branch
    pulls = [
        i
        for i in sandbox.state.repo(REPO).issues.values()
        if i.pull is not None and i.pull.head_ref == branch
    ]
    assert len(pulls) == 1, [d["result"] for d in service.queue.list("done")]
    after = sandbox.state.issue(REPO, issue.number).body
    assert MEETINGS_BOX in after
    assert "@tom-okafor ran “Generate the notes for the next meetings now”" in after
    assert f"Notes pull request: #{pulls[0].number}" in after
    assert service.queue.list("parked") == []
    edited = [d for d in service.queue.list("done") if d["action"] == "edited"]
    assert any("1 handler(s)" in d["result"] for d in edited), edited
    assert any("ignored" in d["result"] for d in edited)  # the bot's own untick


@pytest.mark.usefixtures("pinned_clock")
def test_parked_deliveries_are_listed_and_a_tick_retries_one(app_and_sandbox: Any) -> None:
    service, _served, sandbox = app_and_sandbox
    sandbox.reset(seed="sample")
    state = sandbox.state
    state.add_app(4242, "ghcommunity", owner=ORG)
    state.add_installation(77, app_id=4242, account=ORG)
    state.add_token("tom-token", "tom-okafor")
    state.put_file(REPO, ".github/ghcommunity.yml", CONFIG.read_text(), author="priya-shah")
    idle(service, sandbox)
    # A delivery for an installation GitHub no longer has: it fails until it is parked.
    body = json.dumps(
        {
            "action": "opened",
            "issue": {"number": 1, "title": "t", "body": "", "user": {"login": "ada"}},
            "repository": {"full_name": REPO},
            "sender": {"login": "ada"},
            "installation": {"id": 999},
        }
    ).encode()
    service.queue.enqueue("gone-1", "issues", body, action="opened", repo=REPO, installation_id=999)
    service.workers.wake()
    wait_until(lambda: service.queue.counts()["parked"] == 1)
    (parked,) = service.queue.list("parked")

    config = load_config(CONFIG)
    client = GitHubClient(
        Connection(api_url=sandbox.url, token="test-token"), retry=RetryPolicy(sleep_scale=0.0)
    )
    try:
        run_job("dashboard", Context(config, client, now=NOW), DashboardOptions())
    finally:
        client.close()
    idle(service, sandbox)
    (issue,) = dashboards(sandbox)
    text = issue.body
    assert "### The App's parked deliveries" in text
    assert "`issues.opened` received" in text
    assert f"parked after {parked['attempts']} attempt(s)" in text
    box = "- [ ] Retry this parked delivery (issues.opened)"
    assert box in text

    ticked = text.replace(box, box.replace("[ ]", "[x]"), 1)
    response = httpx.patch(
        f"{sandbox.url}/repos/{REPO}/issues/{issue.number}",
        json={"body": ticked},
        headers={"Authorization": "token tom-token"},
    )
    assert response.status_code == 200
    idle(service, sandbox)
    idle(service, sandbox)
    after = sandbox.state.issue(REPO, issue.number).body
    # Unticked; whether it is listed again depends on whether it failed again before the
    # dashboard was redrawn (the workers retry at once here).
    assert box.replace("[ ]", "[x]") not in after
    assert (
        "@tom-okafor ran “Retry this parked delivery (issues.opened)”: delivery gone-1 queued again"
    ) in after
    wait_until(lambda: service.queue.counts()["parked"] == 1)  # it failed again, honestly
    (again,) = service.queue.list("parked")
    assert again["id"] == "gone-1"
