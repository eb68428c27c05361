"""The Action's `dashboard` command (what the reusable workflow runs every day): the same job,
its outputs, and a second run that writes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from dashboard_support import CONFIG, REPO, dashboards

from ghcommunity import action

ROOT = Path(__file__).resolve().parents[2]


def outputs(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        name, _, marker = line.partition("<<")
        value = []
        for inner in lines:
            if inner == marker:
                break
            value.append(inner)
        found[name] = "\n".join(value)
    return found


def run_action(
    tmp: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch, n: int
) -> tuple[int, str, dict[str, str]]:
    workspace = tmp / "workspace"
    (workspace / ".github").mkdir(parents=True, exist_ok=True)
    (workspace / ".github" / "ghcommunity.yml").write_text(CONFIG.read_text())
    output, summary, event = tmp / f"out-{n}", tmp / f"summary-{n}", tmp / f"event-{n}.json"
    output.touch()
    summary.touch()
    event.write_text(json.dumps({"schedule": "17 6 * * *"}))
    inputs = yaml.safe_load((ROOT / "action.yml").read_text())["inputs"]
    for name in inputs:
        monkeypatch.setenv(f"INPUT_{name.upper().replace('-', '_')}", "")
    monkeypatch.setenv("INPUT_COMMAND", "dashboard")
    monkeypatch.setenv("INPUT_TOKEN", "ghs_sandboxtoken0123456789")
    monkeypatch.setenv("INPUT_CONFIG", ".github/ghcommunity.yml")
    for key, value in {
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": sandbox.url,
        "GITHUB_GRAPHQL_URL": sandbox.graphql_url,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(tmp),
        "GITHUB_EVENT_NAME": "schedule",
        "GITHUB_EVENT_PATH": str(event),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(workspace)
    log = io.StringIO()
    code = action.main(out=log)
    return code, log.getvalue(), outputs(output.read_text())


@pytest.mark.usefixtures("pinned_clock")
def test_the_action_keeps_the_dashboard(
    sample_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, log, out = run_action(tmp_path, sample_sandbox, monkeypatch, 1)
    assert code == 0, log
    assert out["result"] == "applied"
    (issue,) = dashboards(sample_sandbox)
    assert issue.pinned
    sample_sandbox.reset_stats()
    code, log, out = run_action(tmp_path, sample_sandbox, monkeypatch, 2)
    assert code == 0, log
    assert out["result"] == "unchanged"
    assert sample_sandbox.stats()["writes"] == 0
