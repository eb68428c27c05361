"""The App (no checkout) labels DDaT feedback by the community's own taxonomy, `ddat.taxonomy` in
its repository, read through the API once per version of the file — not the copy shipped with
ghcommunity, and not a file in whatever directory the App runs in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from app_harness import wait_until

from ghcommunity.app.service import Service
from ghcommunity.core.forms import load_form, render_body
from ghcommunity_sandbox.server import Sandbox

ROOT = Path(__file__).resolve().parents[2]
ORG = "uk-x-gov-software-community"
REPO = f"{ORG}/community-space"
SHIPPED = (ROOT / "config" / "ddat.yml").read_text(encoding="utf-8")
SHORT = "Development operations (DevOps) engineer: DevOps engineer"


def taxonomy(short_name: str) -> str:
    """The shipped taxonomy with another short name (so another label) for the DevOps role."""
    assert SHORT in SHIPPED
    return SHIPPED.replace(SHORT, f"Development operations (DevOps) engineer: {short_name}")


def settle(service: Service, sandbox: Sandbox) -> None:
    for _ in range(3):  # the App's own label events come back, and are ignored
        sandbox.flush_webhooks()
        wait_until(
            lambda: service.queue.counts()["queued"] + service.queue.counts()["running"] == 0
        )


def setup(service: Service, sandbox: Sandbox, config_extra: str = "") -> None:
    state = sandbox.state
    state.add_app(4242, "ghcommunity", owner=ORG)
    state.add_installation(77, app_id=4242, account=ORG)
    state.add_user("ada")
    state.add_token("ada-token", "ada")
    reference = (ROOT / "config" / "community.yml").read_text(encoding="utf-8")
    state.put_file(REPO, ".github/ghcommunity.yml", reference + config_extra, author="ada")
    settle(service, sandbox)


def open_feedback(service: Service, sandbox: Sandbox) -> set[str]:
    form = load_form(ROOT / "config" / "issue-forms" / "ddat-feedback.yml")
    body = render_body(
        form,
        {
            "role": ["Development operations (DevOps) engineer"],
            "level": ["Senior DevOps engineer"],
            "skills": ["Prototyping"],
            "type": ["Missing skill"],
            "details": "Platform engineering is missing.",
        },
    )
    created = httpx.post(
        f"{sandbox.url}/repos/{REPO}/issues",
        json={"title": "DDaT feedback: DevOps", "body": body},
        headers={"Authorization": "token ada-token"},
    )
    assert created.status_code == 201
    settle(service, sandbox)
    number = created.json()["number"]
    issue = httpx.get(
        f"{sandbox.url}/repos/{REPO}/issues/{number}", headers={"Authorization": "token ada-token"}
    ).json()
    return {label["name"] for label in issue["labels"]}


def role_labels(labels: set[str]) -> set[str]:
    return {name for name in labels if name.startswith("ddat-role:")}


def test_the_app_labels_by_the_repositorys_taxonomy_and_reads_it_once_per_version(
    app_and_sandbox: tuple[Service, Any, Sandbox],
) -> None:
    service, _served, sandbox = app_and_sandbox
    setup(service, sandbox)
    # No taxonomy in the repository: the shipped copy (the default path).
    assert role_labels(open_feedback(service, sandbox)) == {"ddat-role: DevOps engineer"}

    # The community commits its own: a push to the default branch that changes the file.
    sandbox.state.put_file(REPO, "config/ddat.yml", taxonomy("Ops engineer"), author="ada")
    settle(service, sandbox)
    assert role_labels(open_feedback(service, sandbox)) == {"ddat-role: Ops engineer"}
    files = service.processor.files
    assert files.reads == 2  # one read (a 404) for the first issue, one after the push
    # More events, no more reads while the file is unchanged.
    for _ in range(3):
        assert role_labels(open_feedback(service, sandbox)) == {"ddat-role: Ops engineer"}
    assert files.reads == 2

    # A new version is picked up after its push (a new blob SHA, a new kit).
    sandbox.state.put_file(REPO, "config/ddat.yml", taxonomy("Platform engineer"), author="ada")
    settle(service, sandbox)
    assert role_labels(open_feedback(service, sandbox)) == {"ddat-role: Platform engineer"}
    assert files.reads == 3

    # Over 1 MB the contents API leaves the content out: it is read through the blob API.
    # (Under the parser's 1,000,000 characters: a quotation mark is three bytes in UTF-8.)
    big = taxonomy("Big engineer") + ("# " + "\u2018" * 99 + "\n") * 4000
    assert len(big.encode()) > 1024 * 1024 > len(big)
    sandbox.state.put_file(REPO, "config/ddat.yml", big, author="ada")
    settle(service, sandbox)
    assert role_labels(open_feedback(service, sandbox)) == {"ddat-role: Big engineer"}
    assert files.reads == 4
    assert service.queue.list("parked") == []


def test_a_chosen_taxonomy_missing_from_the_repository_is_a_clear_error(
    app_and_sandbox: tuple[Service, Any, Sandbox], caplog: pytest.LogCaptureFixture
) -> None:
    service, _served, sandbox = app_and_sandbox
    setup(service, sandbox)
    reference = (ROOT / "config" / "community.yml").read_text(encoding="utf-8")
    chosen = reference.replace("taxonomy: config/ddat.yml", "taxonomy: community/ddat.yml")
    assert chosen != reference
    sandbox.state.put_file(REPO, ".github/ghcommunity.yml", chosen, author="ada")
    settle(service, sandbox)

    labels = open_feedback(service, sandbox)
    assert not role_labels(labels)  # never the shipped copy in its place
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ddat.taxonomy: community/ddat.yml is not in uk-x-gov-software-community/" in logged
    assert "Traceback" not in logged
    assert "needs-triage" in labels  # the other handlers still ran on the issue
    # The issue's delivery did not fail; the push's labels sync (which needs the taxonomy's
    # labels) stops with the same clear message.
    parked = service.queue.list("parked")
    assert [(d["event"], d["last_error"]) for d in parked] == [
        (
            "push",
            "InputError: ddat.taxonomy: community/ddat.yml is not in "
            "uk-x-gov-software-community/community-space; generate it with `ghcommunity ddat "
            "taxonomy --out community/ddat.yml` and commit it, or fix the path",
        )
    ]
