"""End to end with the sandbox: the App, authenticated as an App installation, receives the
sandbox's real webhooks and acts through the sandbox's API.

Two loops: a tiny handler registered on `issues.opened` (the App's own plumbing, nothing else),
and the real triage handler with the reference config and issue forms committed to the repo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from app_harness import Served, config_text, wait_until

from ghcommunity.app.service import Service
from ghcommunity.core import events
from ghcommunity.core.events import Event, Registration
from ghcommunity.core.plan import AddLabels, Plan
from ghcommunity.github.context import Context
from ghcommunity.jobs import runner
from ghcommunity_sandbox.server import Sandbox

ORG = "uk-x-gov-software-community"
REPO = f"{ORG}/community-space"


@pytest.fixture
def labelling_handler() -> Iterator[list[str]]:
    seen: list[str] = []

    def label(event: Event, ctx: Context) -> Plan:
        seen.append(event.key)
        return Plan.of(
            [AddLabels(repo=event.repo, issue=event.issue_number or 0, labels=["needs triage"])]
        )

    saved = list(events._REGISTRY)
    runner.load_handlers()
    events._REGISTRY[:] = [Registration(("issues.opened",), label, "test.label")]
    yield seen
    events._REGISTRY[:] = saved


def test_an_issue_opened_in_the_sandbox_is_labelled_by_the_app(
    app_and_sandbox: tuple[Service, Served, Sandbox], labelling_handler: list[str]
) -> None:
    service, _served, sandbox = app_and_sandbox
    state = sandbox.state
    state.add_app(4242, "ghcommunity", owner=ORG)
    state.add_installation(77, app_id=4242, account=ORG)
    sandbox.reset_stats()
    state.add_user("ada")
    state.add_token("ada-token", "ada")
    state.put_file(REPO, ".github/ghcommunity.yml", config_text(REPO), author="ada")
    sandbox.flush_webhooks()
    wait_until(lambda: service.queue.counts()["queued"] + service.queue.counts()["running"] == 0)

    created = httpx.post(
        f"{sandbox.url}/repos/{REPO}/issues",
        json={"title": "Proposal: a Rust special interest group", "body": "Who is in?"},
        headers={"Authorization": "token ada-token"},
    )
    assert created.status_code == 201
    number = created.json()["number"]
    sandbox.flush_webhooks()

    def labelled() -> bool:
        issue = httpx.get(
            f"{sandbox.url}/repos/{REPO}/issues/{number}",
            headers={"Authorization": "token ada-token"},
        ).json()
        return "needs triage" in [label["name"] for label in issue["labels"]]

    wait_until(labelled)
    sandbox.flush_webhooks()  # the App's own `labeled` event comes back, and is ignored
    wait_until(lambda: service.queue.counts()["queued"] + service.queue.counts()["running"] == 0)
    assert labelling_handler == ["issues.opened"]
    counts = service.queue.counts()
    assert counts["parked"] == 0
    done = service.queue.list("done")
    opened = [d for d in done if d["event"] == "issues" and d["action"] == "opened"]
    assert len(opened) == 1
    assert "1 applied" in opened[0]["result"]
    labeled = [d for d in done if d["action"] == "labeled"]
    assert labeled
    assert "ignored" in labeled[0]["result"]
    # The App acted as its installation, with a token narrowed to the one repository.
    assert service.clients.tokens.issued == 1
    stats = sandbox.stats()
    assert stats["by_route"].get("POST /app/installations/{installation_id}/access_tokens") == 1
    by_route = stats["by_route"]
    assert by_route["POST /repos/{owner}/{repo}/issues/{issue_number}/labels"] == 1
    # The config was read once (on the push that added it), then cached: at the push's sha,
    # on the default branch; and the push's config check read the DDaT taxonomy it names.
    assert by_route["GET /repos/{owner}/{repo}/contents/{path}"] == 3


ROOT = Path(__file__).resolve().parents[2]
FORM_BODY = """### Is it a question or an idea?

A question

### Tell us more

How do other departments keep Renovate from opening forty pull requests on a Monday?

### Is it for a particular group?

Open Source
"""


def test_real_triage_labels_a_form_issue_through_the_app(
    app_and_sandbox: tuple[Service, Served, Sandbox],
) -> None:
    service, _served, sandbox = app_and_sandbox
    state = sandbox.state
    state.add_app(4242, "ghcommunity", owner=ORG)
    state.add_installation(77, app_id=4242, account=ORG)
    state.add_user("ada")
    state.add_token("ada-token", "ada")
    for form in sorted((ROOT / "config" / "issue-forms").glob("*.yml")):
        state.put_file(REPO, f".github/ISSUE_TEMPLATE/{form.name}", form.read_text(), author="ada")
    reference = (ROOT / "config" / "community.yml").read_text()
    state.put_file(REPO, ".github/ghcommunity.yml", reference, author="ada")
    sandbox.flush_webhooks()
    wait_until(lambda: service.queue.counts()["queued"] + service.queue.counts()["running"] == 0)

    created = httpx.post(
        f"{sandbox.url}/repos/{REPO}/issues",
        json={"title": "Taming Renovate", "body": FORM_BODY},
        headers={"Authorization": "token ada-token"},
    )
    assert created.status_code == 201
    number = created.json()["number"]
    sandbox.flush_webhooks()
    wait_until(lambda: service.queue.counts()["queued"] + service.queue.counts()["running"] == 0)
    sandbox.flush_webhooks()  # the App's own label events come back, and are ignored
    wait_until(lambda: service.queue.counts()["queued"] + service.queue.counts()["running"] == 0)

    issue = httpx.get(
        f"{sandbox.url}/repos/{REPO}/issues/{number}", headers={"Authorization": "token ada-token"}
    ).json()
    labels = {label["name"] for label in issue["labels"]}
    assert "type: question or idea" in labels
    assert "group: open-source" in labels
    parked = service.queue.list("parked")
    assert parked == [], [p["last_error"] for p in parked]
    [opened] = [d for d in service.queue.list("done") if d["action"] == "opened"]
    assert " 0 applied" not in opened["result"]
    # The forms were read once, through the API, from the repository the issue is in.
    assert service.processor.forms.reads == 1
