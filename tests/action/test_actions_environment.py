"""`python -m ghcommunity.action` in a realistic GitHub Actions environment, against the sandbox.

Each test sets what the runner sets (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH to a real webhook
payload, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE, RUNNER_TEMP, GITHUB_API_URL at the
sandbox, GITHUB_REPOSITORY) and what action.yml sets (INPUT_*), runs the entry point, and checks
the step outputs, the summary, the annotations and the sandbox's state.
"""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from action_support import ROOT, parse_command, read_outputs

from ghcommunity import action
from ghcommunity.core.resources import reference_config

REPO = "uk-x-gov-software-community/community-space"
WEBHOOKS = ROOT / "tests" / "fixtures" / "webhooks"
TOKEN = "ghs_sandboxtoken0123456789"
INPUTS = (
    "command",
    "token",
    "config",
    "dry-run",
    "month",
    "lead-time",
    "publish",
    "format",
    "store",
)


@dataclass
class Run:
    exit_code: int
    log: str
    outputs: dict[str, str]
    summary: str

    @property
    def annotations(self) -> list[tuple[str, dict[str, str], str]]:
        return [
            parse_command(line)
            for line in self.log.splitlines()
            if line.startswith(("::error", "::warning", "::notice"))
        ]


class Runner:
    """A job's environment: a workspace holding the config, and the runner's files."""

    def __init__(self, root: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.workspace = root / "workspace"
        self.temp = root / "runner-temp"
        self.sandbox = sandbox
        self.monkeypatch = monkeypatch
        (self.workspace / ".github").mkdir(parents=True)
        self.temp.mkdir()
        self.config = self.workspace / ".github" / "ghcommunity.yml"
        self.config.write_text(reference_config().read_text(encoding="utf-8"), encoding="utf-8")
        self.runs = 0

    def event(self, name: str, payload: dict[str, Any]) -> Path:
        path = self.temp / f"event-{self.runs}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return path

    def environ(self, event: tuple[str, dict[str, Any]] | None, **inputs: str) -> dict[str, str]:
        self.runs += 1
        output = self.temp / f"output-{self.runs}"
        summary = self.temp / f"summary-{self.runs}"
        output.touch()
        summary.touch()
        # action.yml passes every input, empty when not given.
        env = {f"INPUT_{k.upper().replace('-', '_')}": "" for k in INPUTS}
        env.update({f"INPUT_{k.upper().replace('-', '_')}": v for k, v in inputs.items()})
        # action.yml's defaults: the workflow's token and the usual config path.
        env["INPUT_TOKEN"] = env["INPUT_TOKEN"] or TOKEN
        env["INPUT_CONFIG"] = env["INPUT_CONFIG"] or ".github/ghcommunity.yml"
        env.update(
            GITHUB_ACTIONS="true",
            GITHUB_API_URL=self.sandbox.url,
            GITHUB_GRAPHQL_URL=self.sandbox.graphql_url,
            GITHUB_REPOSITORY=REPO,
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_OUTPUT=str(output),
            GITHUB_STEP_SUMMARY=str(summary),
            RUNNER_TEMP=str(self.temp),
        )
        # A scheduled run's event is `schedule`, its payload the cron line that fired.
        name, payload = event or ("schedule", {"schedule": "17 6 * * *"})
        env.update(GITHUB_EVENT_NAME=name, GITHUB_EVENT_PATH=str(self.event(name, payload)))
        return env

    def run(
        self, command: str, event: tuple[str, dict[str, Any]] | None = None, **inputs: str
    ) -> Run:
        env = self.environ(event, command=command, **inputs)
        for key in [k for k in os.environ if k.startswith(("INPUT_", "GITHUB_"))]:
            self.monkeypatch.delenv(key)
        for key, value in env.items():
            self.monkeypatch.setenv(key, value)
        self.monkeypatch.chdir(self.workspace)
        log = io.StringIO()
        code = action.main(out=log)
        return Run(
            exit_code=code,
            log=log.getvalue(),
            outputs=read_outputs(Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8")),
            summary=Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8"),
        )


@pytest.fixture
def runner(tmp_path: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Runner:
    return Runner(tmp_path, sandbox, monkeypatch)


def webhook(name: str) -> dict[str, Any]:
    data = json.loads((WEBHOOKS / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def retarget(payload: dict[str, Any], sandbox: Any) -> dict[str, Any]:
    """A real payload pointed at the sandbox's repo (its shape is GitHub's, its names ours)."""
    owner, name = REPO.split("/")
    repo = payload["repository"]
    repo.update(name=name, full_name=REPO, default_branch="main", private=True)
    repo["owner"]["login"] = owner
    if "organization" in payload:
        payload["organization"]["login"] = owner
    payload["sender"]["login"] = "a-member"
    payload["sender"]["type"] = "User"
    return payload


def issue_payload(sandbox: Any, number: int) -> dict[str, Any]:
    issue = sandbox.state.issue(REPO, number)
    payload = retarget(webhook("issues.opened"), sandbox)
    payload["issue"].update(
        number=number,
        title=issue.title,
        body=issue.body,
        labels=[],
        author_association="NONE",
    )
    payload["issue"]["user"]["login"] = issue.user.login
    payload["sender"]["login"] = issue.user.login
    return payload


def config_push(sandbox: Any) -> dict[str, Any]:
    payload = retarget(webhook("push.event"), sandbox)
    payload.update(ref="refs/heads/main", deleted=False)
    for commit in [*payload.get("commits", []), payload.get("head_commit") or {}]:
        commit["modified"] = [".github/ghcommunity.yml"]
    return payload


def writes(sandbox: Any) -> int:
    return int(sandbox.stats()["writes"])


def labels_on(sandbox: Any) -> set[str]:
    return {label.name for label in sandbox.state.require_repo(REPO).labels.values()}


# -- handle --------------------------------------------------------------------------------------


def test_handle_a_config_push_syncs_the_labels(runner: Runner, sandbox: Any) -> None:
    """`handle` on a real push payload that changed the config: the labels are created."""
    sandbox.state.add_user("a-member")
    before = labels_on(sandbox)
    run = runner.run("handle", ("push", config_push(sandbox)))
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "applied"
    created = labels_on(sandbox) - before
    assert {"needs-info", "ddat-feedback", "type: group proposal"} <= created
    operations = json.loads(run.outputs["operations"])
    assert {op["name"] for op in operations if op["op"] == "create_label"} == created
    assert "### ghcommunity: Triage: handle one event" in run.summary
    assert "push" in run.summary
    assert "| applied |" in run.summary
    # The token was masked first, and never printed after that.
    assert run.log.startswith(f"::add-mask::{TOKEN}\n")
    assert run.log.count(TOKEN) == 1

    sandbox.reset_stats()
    again = runner.run("handle", ("push", config_push(sandbox)))
    assert again.exit_code == 0, again.log
    assert again.outputs["result"] in ("unchanged", "nothing-to-do")
    assert writes(sandbox) == 0


def test_handle_an_event_from_the_bot_itself_is_ignored(runner: Runner, sandbox: Any) -> None:
    payload = config_push(sandbox)
    payload["sender"]["login"] = "ghcommunity[bot]"
    sandbox.reset_stats()
    run = runner.run("handle", ("push", payload))
    assert run.exit_code == 0
    assert run.outputs["result"] == "ignored"
    assert "ignored to avoid loops" in run.summary
    assert sandbox.stats()["total"] == 0


def test_handle_an_opened_issue_labels_it(runner: Runner, sandbox: Any) -> None:
    state = sandbox.state
    state.add_user("a-member")
    body = (
        "### Role\n\nSoftware developer\n\n### Level\n\nSenior developer\n\n### Skills\n\n"
        "None\n\n### Type of feedback\n\nMissing skill\n\n### Department or organisation\n\n"
        "_No response_\n\n### Details\n\nPlatform engineering is missing.\n\n"
        "### Evidence or examples\n\n_No response_"
    )
    number = state.add_issue(REPO, "DDaT: platform engineering", body, author="a-member")
    run = runner.run("handle", ("issues", issue_payload(sandbox, number)))
    assert run.exit_code == 0, run.log
    labels = json.loads(run.outputs["labels"])
    assert "ddat-feedback" in labels
    on_issue = {label.name for label in state.issue(REPO, number).labels}
    assert set(labels) <= on_issue
    sandbox.reset_stats()
    again = runner.run("handle", ("issues", issue_payload(sandbox, number)))
    assert again.exit_code == 0, again.log
    assert writes(sandbox) == 0


# -- bad config, bad input ------------------------------------------------------------------------


def test_a_config_error_is_an_annotation_at_its_file_and_line(runner: Runner, sandbox: Any) -> None:
    lines = runner.config.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("  timezone:"))
    lines[index] = lines[index].replace("timezone:", "time_zone:")
    runner.config.write_text("".join(lines), encoding="utf-8")
    sandbox.reset_stats()

    run = runner.run("handle", ("push", config_push(sandbox)))

    assert run.exit_code == 2
    (error,) = [a for a in run.annotations if a[0] == "error"]
    _, props, message = error
    assert props["file"] == ".github/ghcommunity.yml"
    assert props["line"] == str(index + 1)
    assert props["col"] == "3"
    assert props["title"] == "ghcommunity handle"
    assert "community.time_zone: unknown key" in message
    assert run.outputs["result"] == "failed"
    assert "unknown key" in run.outputs["error"]
    assert "**Errors**" in run.summary
    assert f".github/ghcommunity.yml:{index + 1}:3:" in run.summary
    assert sandbox.stats()["total"] == 0


def test_invalid_yaml_is_an_annotation_at_its_line(runner: Runner, sandbox: Any) -> None:
    runner.config.write_text("community:\n  name: [unclosed\n  org: x\n", encoding="utf-8")
    run = runner.run("labels-sync")
    assert run.exit_code == 2
    (error,) = [a for a in run.annotations if a[0] == "error"]
    assert error[1]["file"] == ".github/ghcommunity.yml"
    assert error[1]["line"] in ("2", "3")
    assert "invalid YAML" in error[2]


def test_an_unknown_command_is_refused(runner: Runner) -> None:
    run = runner.run("deploy")
    assert run.exit_code == 2
    (error,) = run.annotations
    assert "input `command` must be one of handle, meetings, digest" in error[2]
    assert run.outputs["result"] == "failed"


def test_a_command_runs_its_job_through_the_registry_not_the_cli(
    runner: Runner, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Action calls the job registry as the CLI and the App do; it never runs the CLI and
    reads what it printed."""
    from ghcommunity import cli

    def no_cli(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the Action ran the CLI")

    monkeypatch.setattr(cli.cli, "main", no_cli)
    seen: list[str] = []
    from ghcommunity.jobs import runner as job_runner

    real = job_runner.run_job

    def spy(name: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(job_runner, "run_job", spy)
    run = runner.run("labels-sync", DRY_RUN="true")
    assert run.exit_code == 0, run.log
    assert seen == ["labels-sync"]
    assert run.outputs["result"] == "dry-run"


def test_a_bad_input_value_is_refused_with_the_jobs_own_message(runner: Runner) -> None:
    run = runner.run("meetings", LEAD_TIME="soon")
    assert run.exit_code == 2
    (error,) = [a for a in run.annotations if a[0] == "error"]
    assert error[2].startswith("input.lead_time 'soon': expected days")
    assert run.outputs["result"] == "failed"


def test_a_bad_boolean_input_is_refused(runner: Runner) -> None:
    run = runner.run("labels-sync", DRY_RUN="yes")
    assert run.exit_code == 2
    (error,) = run.annotations
    assert error[2] == "input `dry-run` must be true or false, not 'yes'"
    assert run.outputs["result"] == "failed"
    assert "must be true or false" in run.summary


def test_an_input_the_command_does_not_use_is_a_warning(runner: Runner, sandbox: Any) -> None:
    run = runner.run("labels-sync", MONTH="2026-10")
    assert run.exit_code == 0, run.log
    warnings = [a for a in run.annotations if a[0] == "warning"]
    assert warnings
    assert warnings[0][2] == "input `month` is not used by the `labels-sync` command"
    assert "**Warnings**" in run.summary


# -- labels-sync, lifecycle, audit ---------------------------------------------------------------


def test_labels_sync_dry_run_writes_nothing(runner: Runner, sandbox: Any) -> None:
    sandbox.reset_stats()
    run = runner.run("labels-sync", DRY_RUN="true")
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "dry-run"
    assert writes(sandbox) == 0
    assert "Dry run" in run.summary
    assert "| would do |" in run.summary
    assert "would do: create label 'needs-info'" in run.log


def test_labels_sync_then_nothing_to_do(runner: Runner, sandbox: Any) -> None:
    run = runner.run("labels-sync")
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "applied"
    assert "needs-info" in labels_on(sandbox)
    sandbox.reset_stats()
    again = runner.run("labels-sync")
    assert again.outputs["result"] in ("unchanged", "nothing-to-do")
    assert writes(sandbox) == 0


def test_lifecycle_reminds_a_quiet_author(runner: Runner, sandbox: Any) -> None:
    state = sandbox.state
    state.add_user("quiet-author")
    when = state.now.replace(microsecond=0)
    from datetime import timedelta

    number = state.add_issue(
        REPO,
        "Please add the details",
        "A question",
        author="quiet-author",
        labels=["needs-info"],
        created_at=when - timedelta(days=40),
    )
    run = runner.run("lifecycle")
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "applied"
    operations = json.loads(run.outputs["operations"])
    assert any(op.get("issue") == number for op in operations)
    sandbox.reset_stats()
    assert runner.run("lifecycle").exit_code == 0
    assert writes(sandbox) == 0


def test_audit_publishes_its_tracking_issue(runner: Runner, sandbox: Any) -> None:
    run = runner.run("audit")
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "applied"
    (url,) = json.loads(run.outputs["urls"])
    number = int(url.rsplit("/", 1)[1])
    assert "registry audit" in sandbox.state.issue(REPO, number).title.lower()
    assert "| Group | Status | Last met | To do |" in run.summary
    assert "| Lean Coffee |" in run.summary
    sandbox.reset_stats()
    again = runner.run("audit")
    assert again.exit_code == 0, again.log
    assert again.outputs["result"] == "unchanged"
    assert writes(sandbox) == 0


# -- digest and DDaT report -----------------------------------------------------------------------


def test_digest_publishes_the_month_as_a_discussion(runner: Runner, sandbox: Any) -> None:
    state = sandbox.state
    state.add_discussion_category(REPO, "Announcements")
    state.add_user("a-member", company="Department for Education")
    state.add_issue(REPO, "First", "Hello", author="a-member", created_at="2026-10-06T10:00:00Z")
    store = runner.temp / "store.sqlite"
    run = runner.run("digest", MONTH="2026-10", STORE=f"sqlite:///{store}")
    assert run.exit_code == 0, run.log
    assert run.outputs["month"] == "2026-10"
    assert run.outputs["result"] == "applied"
    (url,) = json.loads(run.outputs["urls"])
    assert "/discussions/" in url
    digest_path = Path(run.outputs["digest-path"])
    assert digest_path.is_file()
    assert digest_path.parent == runner.temp / "ghcommunity"
    assert "2026" in digest_path.read_text(encoding="utf-8")
    assert "Monthly digest" in run.summary

    sandbox.reset_stats()
    again = runner.run("digest", MONTH="2026-10", STORE=f"sqlite:///{store}")
    assert again.exit_code == 0, again.log
    assert again.outputs["result"] == "unchanged"
    assert writes(sandbox) == 0


def test_ddat_report_opens_one_pull_request(runner: Runner, sandbox: Any) -> None:
    state = sandbox.state
    state.add_user("a-member")
    body = (
        "### Role\n\nSoftware developer\n\n### Level\n\nSenior developer\n\n### Skills\n\n"
        "None\n\n### Type of feedback\n\nMissing skill\n\n### Department or organisation\n\n"
        "_No response_\n\n### Details\n\nPlatform engineering is missing.\n\n"
        "### Evidence or examples\n\n_No response_"
    )
    state.add_issue(
        REPO,
        "DDaT: platform engineering",
        body,
        author="a-member",
        labels=["ddat-feedback"],
        created_at="2026-10-08T10:00:00Z",
    )
    run = runner.run("ddat-report", MONTH="2026-10")
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "applied"
    url = run.outputs["pull-request-url"]
    assert "/pull/" in url
    assert f"Pull request: {url}" in run.summary

    sandbox.reset_stats()
    again = runner.run("ddat-report", MONTH="2026-10")
    assert again.exit_code == 0, again.log
    assert again.outputs["result"] in ("unchanged", "nothing-to-do")
    assert writes(sandbox) == 0


def test_meetings_opens_one_pull_request_with_the_notes(runner: Runner, sandbox: Any) -> None:
    run = runner.run("meetings", LEAD_TIME="60d")
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "applied"
    assert "/pull/" in run.outputs["pull-request-url"]
    (commit,) = [op for op in json.loads(run.outputs["operations"]) if op["op"] == "commit_files"]
    paths = [f["path"] for f in commit["files"]]
    assert any(p.startswith("lean-coffees/") and p.endswith(".md") for p in paths)
    assert f"Pull request: {run.outputs['pull-request-url']}" in run.summary
    sandbox.reset_stats()
    again = runner.run("meetings", LEAD_TIME="60d")
    assert again.exit_code == 0, again.log
    assert writes(sandbox) == 0


# -- the real process ------------------------------------------------------------------------------


def test_python_dash_m_ghcommunity_action(runner: Runner, sandbox: Any) -> None:
    """The entry point as action.yml runs it: a separate process, exit code and files."""
    env = runner.environ(None, command="labels-sync", **{"dry-run": "true"})
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("INPUT_")}, **env}
    done = subprocess.run(
        [sys.executable, "-m", "ghcommunity.action"],
        env=env,
        cwd=runner.workspace,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = read_outputs(Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8"))
    assert outputs["result"] == "dry-run"
    assert "::stop-commands::" in done.stdout
    assert "Labels sync" in Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")


def test_text_people_wrote_cannot_issue_workflow_commands(
    runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job's output (issue titles, bodies) is printed with command processing stopped."""
    hostile = "::error file=x::forged\n::add-mask::everything\n"

    def fake(*args: Any, **kwargs: Any) -> action.StepResult:
        return action.StepResult(exit_code=0, stdout=hostile)

    monkeypatch.setattr(action, "execute", fake)
    run = runner.run("labels-sync")
    lines = run.log.splitlines()
    stop = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    token = lines[stop].removeprefix("::stop-commands::")
    resume = lines.index(f"::{token}::")
    assert stop < lines.index("::error file=x::forged") < resume
    assert stop < lines.index("::add-mask::everything") < resume
    assert len(token) >= 32
    assert token not in hostile
