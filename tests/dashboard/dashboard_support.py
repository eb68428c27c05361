"""Helpers for the dashboard's tests: run the CLI against a sandbox, tick a box as a person,
build the `issues.edited` event GitHub would send."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from ghcommunity.cli import cli
from ghcommunity.core.plan import marker_key

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "community.yml"
REPO = "uk-x-gov-software-community/community-space"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # the sample's frozen clock
MEETINGS_BOX = "- [ ] Generate the notes for the next meetings now"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def dashboard(sandbox: Any, *extra: str) -> Any:
    result = invoke(
        "dashboard",
        "--config",
        str(CONFIG),
        "--api-url",
        sandbox.url,
        "--token",
        "test-token",
        "--now",
        NOW.isoformat(),
        *extra,
    )
    assert result.exception is None, result.output
    return result


def dashboards(sandbox: Any) -> list[Any]:
    repo = sandbox.state.repo(REPO)
    return [i for i in repo.issues.values() if i.pull is None and marker_key(i.body) == "dashboard"]


def tick(sandbox: Any, number: int, login: str, box: str = MEETINGS_BOX) -> dict[str, Any]:
    """`login` ticks a box by editing the issue (as GitHub's web page does); returns the
    `issues.edited` payload GitHub would send."""
    token = f"{login}-token"
    sandbox.state.add_token(token, login)
    headers = {"Authorization": f"token {token}"}
    before = httpx.get(f"{sandbox.url}/repos/{REPO}/issues/{number}", headers=headers).json()
    body = before["body"]
    assert box in body, body
    ticked = body.replace(box, box.replace("[ ]", "[x]"), 1)
    response = httpx.patch(
        f"{sandbox.url}/repos/{REPO}/issues/{number}", json={"body": ticked}, headers=headers
    )
    assert response.status_code == 200, response.text
    issue = response.json()
    return {
        "action": "edited",
        "issue": issue,
        "changes": {"body": {"from": body}},
        "repository": {"full_name": REPO, "name": "community-space"},
        "sender": {"login": login, "type": "User"},
    }


def handle(sandbox: Any, payload: dict[str, Any], tmp: Path, *extra: str) -> Any:
    path = tmp / "event.json"
    path.write_text(json.dumps(payload))
    return invoke(
        "handle",
        "--event-name",
        "issues",
        "--event",
        str(path),
        "--config",
        str(CONFIG),
        "--api-url",
        sandbox.url,
        "--token",
        "test-token",
        *extra,
    )
