"""action.yml, the reusable workflows and the issue forms pass GitHub's schemas and zizmor, and
keep the rules the schemas cannot see: pinned actions, least privilege, no `${{ }}` in scripts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from action_support import REUSABLE, ROOT, WORKFLOWS, check_schema, zizmor

from ghcommunity.core.resources import reference_dir

ACTION = ROOT / "action.yml"
FORMS = reference_dir() / "issue-forms"
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40}) # v\d+\.\d+\.\d+$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    on = workflow.get("on", workflow.get(True))
    return on if isinstance(on, dict) else {}


def uses_lines(path: Path) -> list[str]:
    """Every `uses:` value with its trailing comment, as written."""
    return [
        m.group(1).strip()
        for m in re.finditer(r"^\s*(?:-\s+)?uses:\s*(.+)$", path.read_text(), re.MULTILINE)
    ]


def reusable_paths() -> list[Path]:
    return [WORKFLOWS / f"{name}.yml" for name in REUSABLE]


def test_every_reusable_workflow_exists() -> None:
    missing = [p.name for p in reusable_paths() if not p.is_file()]
    assert not missing


def test_action_yml_matches_githubs_schema() -> None:
    result = check_schema("vendor.github-actions", ACTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_workflow_matches_githubs_schema() -> None:
    paths = sorted(WORKFLOWS.glob("*.yml"))
    result = check_schema("vendor.github-workflows", *paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_forms_match_githubs_schemas() -> None:
    forms = sorted(p for p in FORMS.glob("*.yml") if p.name != "config.yml")
    assert forms
    result = check_schema("vendor.github-issue-forms", *forms)
    assert result.returncode == 0, result.stdout + result.stderr
    result = check_schema("vendor.github-issue-config", FORMS / "config.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_in_the_action_and_workflows() -> None:
    result = zizmor(ACTION, *sorted(WORKFLOWS.glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


@pytest.mark.parametrize("path", [ACTION, *reusable_paths()], ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_full_sha_with_its_version(path: Path) -> None:
    for value in uses_lines(path):
        if value == "$/":  # ghcommunity's own action, at the same commit as this workflow
            continue
        assert PINNED.match(value), f"{path.name}: {value!r} is not `owner/repo@<sha> # vX.Y.Z`"


def test_each_action_is_pinned_to_one_sha_everywhere() -> None:
    seen: dict[str, set[str]] = {}
    for path in [ACTION, *reusable_paths()]:
        for value in uses_lines(path):
            found = PINNED.match(value)
            if found:
                seen.setdefault(found["action"].split("/")[1], set()).add(found["sha"])
    assert seen
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}


def run_scripts(data: Any) -> list[str]:
    """Every `run:` script in a workflow or a composite action."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "run" and isinstance(value, str):
                found.append(value)
            else:
                found += run_scripts(value)
    elif isinstance(data, list):
        for item in data:
            found += run_scripts(item)
    return found


@pytest.mark.parametrize("path", [ACTION, *reusable_paths()], ids=lambda p: p.name)
def test_no_expression_inside_a_script(path: Path) -> None:
    scripts = run_scripts(load(path))
    assert all("${{" not in script for script in scripts), path.name


def test_every_input_reaches_python_through_the_environment() -> None:
    data = load(ACTION)
    run_step = next(s for s in data["runs"]["steps"] if s.get("id") == "run")
    env = run_step["env"]
    for name in data["inputs"]:
        key = "INPUT_" + name.upper().replace("-", "_")
        assert env.get(key) == f"${{{{ inputs.{name} }}}}", name
    assert "-m ghcommunity.action" in run_step["run"]


def test_every_output_comes_from_the_run_step() -> None:
    data = load(ACTION)
    for name, output in data["outputs"].items():
        assert output["value"] == f"${{{{ steps.run.outputs.{name} }}}}"


@pytest.mark.parametrize("name", REUSABLE)
def test_reusable_workflow_is_least_privilege_and_safe(name: str) -> None:
    workflow = load(WORKFLOWS / f"{name}.yml")
    assert set(triggers(workflow)) == {"workflow_call"}
    assert workflow["permissions"] == {}
    for job_id, job in workflow["jobs"].items():
        assert job.get("permissions"), f"{job_id}: no permissions"
        assert all(v in ("read", "write") for v in job["permissions"].values())
        assert 0 < job["timeout-minutes"] <= 30
        group = job["concurrency"]["group"]
        assert "github.repository" in group
        assert job["concurrency"]["cancel-in-progress"] is False
        steps = job["steps"]
        checkout = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
        assert checkout
        assert all(s["with"]["persist-credentials"] is False for s in checkout)
        app_tokens = [s for s in steps if "create-github-app-token" in str(s.get("uses", ""))]
        assert app_tokens, f"{job_id}: no way to act as the App"
        level = {"read": 1, "write": 2}
        for step in app_tokens:
            asked = {
                k.removeprefix("permission-"): v
                for k, v in step["with"].items()
                if k.startswith("permission-")
            }
            # Whatever the job's GITHUB_TOKEN may do, the App token may do too: switching to
            # the App never loses a feature.
            for permission, needed in job["permissions"].items():
                assert level.get(asked.get(permission, ""), 0) >= level[needed], permission
        ours = [s for s in steps if s.get("uses") == "$/"]
        assert len(ours) == 1
        assert "token" in ours[0]["with"]


def test_triage_runs_once_per_issue_in_order() -> None:
    job = load(WORKFLOWS / "triage.yml")["jobs"]["triage"]
    assert "github.event.issue.number" in job["concurrency"]["group"]
    assert job["concurrency"]["queue"] == "max"


def test_digest_caches_the_store_between_runs() -> None:
    steps = load(WORKFLOWS / "digest.yml")["jobs"]["digest"]["steps"]
    restore = next(s for s in steps if "actions/cache/restore@" in str(s.get("uses")))
    save = next(s for s in steps if "actions/cache/save@" in str(s.get("uses")))
    assert restore["with"]["path"] == save["with"]["path"] == ".ghcommunity"
    assert restore["with"]["key"] == save["with"]["key"]
    assert restore["with"]["restore-keys"] == "ghcommunity-store-"
    assert save["if"] == "${{ !cancelled() }}"


def test_reusable_workflow_outputs_come_from_its_job() -> None:
    for name in REUSABLE:
        workflow = load(WORKFLOWS / f"{name}.yml")
        outputs = triggers(workflow)["workflow_call"]["outputs"]
        (job_id, job) = next(iter(workflow["jobs"].items()))
        for key, output in outputs.items():
            assert output["value"] == f"${{{{ jobs.{job_id}.outputs.{key} }}}}"
            assert job["outputs"][key] == f"${{{{ steps.ghcommunity.outputs.{key} }}}}"


def test_zizmor_reports_a_real_problem() -> None:
    """The zizmor check can fail: an unpinned action and a script expression are found."""
    bad = ROOT / "tests" / "action" / "bad-workflow.yml.txt"
    text = bad.read_text(encoding="utf-8")
    result = zizmor_text(text)
    assert result["returncode"] != 0
    assert {"unpinned-uses", "template-injection"} <= set(result["audits"])


def zizmor_text(text: str) -> dict[str, Any]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ".github" / "workflows" / "bad.yml"
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        from action_support import run_tool, tool

        result = run_tool(tool("zizmor"), "--offline", "--format", "json", path)
    findings = json.loads(result.stdout or "[]")
    return {"returncode": result.returncode, "audits": [f["ident"] for f in findings]}
