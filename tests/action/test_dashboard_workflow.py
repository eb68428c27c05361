"""Ticks on the dashboard in Actions: the dashboard workflow's `ticks` job runs them, with the
permissions the ticked jobs need, and only for the dashboard issue the bot wrote; the triage
workflow (whose token cannot write notes or reports) leaves that issue alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"
DASHBOARD_ISSUE = (
    "github.event_name == 'issues' && github.event.issue.user.type == 'Bot' && "
    "startsWith(github.event.issue.body, '<!-- ghcommunity:dashboard -->')"
)


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


def test_ticks_run_in_the_dashboard_workflow_with_write_permissions() -> None:
    jobs = load("dashboard.yml")["jobs"]
    ticks = jobs["ticks"]
    assert DASHBOARD_ISSUE in ticks["if"]
    assert ticks["permissions"] == {
        "contents": "write",
        "issues": "write",
        "pull-requests": "write",
        "discussions": "write",
    }
    (run,) = [s for s in ticks["steps"] if s.get("uses") == "$/"]
    assert run["with"]["command"] == "handle"
    # The daily update stays read-only (but for the dashboard issue) and never runs on an edit.
    assert jobs["dashboard"]["if"] == "${{ github.event_name != 'issues' }}"
    assert jobs["dashboard"]["permissions"]["contents"] == "read"
    assert ticks["concurrency"]["group"] == jobs["dashboard"]["concurrency"]["group"]


def test_triage_leaves_the_dashboard_issue_to_the_dashboard_workflow() -> None:
    condition = " ".join(load("triage.yml")["jobs"]["triage"]["if"].split())
    assert f"!({DASHBOARD_ISSUE})" in condition
