"""The GitHub Actions entry: `python -m ghcommunity.action`.

`action.yml` passes its inputs as environment variables (`INPUT_COMMAND`, `INPUT_TOKEN`,
`INPUT_CONFIG`, `INPUT_DRY_RUN`, `INPUT_MONTH`, `INPUT_LEAD_TIME`, `INPUT_PUBLISH`,
`INPUT_FORMAT`, `INPUT_STORE`; never `${{ }}` inside a script). This module runs the command's
job through the job registry (`ghcommunity.jobs.runner`), as the CLI and the App do — or, for
`handle`, the event through the one dispatcher — then turns the result into what a workflow can
use: step outputs (`$GITHUB_OUTPUT`), a readable Markdown summary (`$GITHUB_STEP_SUMMARY`) and
annotations (`::error file=...,line=...::`) for bad config.

The exit code is the command's: 0 ok, 1 operational failure, 2 bad input or config.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import traceback
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from ghcommunity.core.errors import GhcError, InputError

# ---------------------------------------------------------------------------------------------
# Workflow commands (pure): https://docs.github.com/actions/reference/workflow-commands
# ---------------------------------------------------------------------------------------------


def escape_data(value: str) -> str:
    """A command's message: `%`, CR and LF must be percent-encoded or the runner cuts it."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A command's property (file=, title=): also `:` and `,`, which delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(name: str, message: str = "", **properties: str | int | None) -> str:
    """`::name key=value,...::message`, escaped; properties that are None are left out."""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def output_block(name: str, value: str, delimiter: str | None = None) -> str:
    """One `$GITHUB_OUTPUT` entry in the multi-line form, with a delimiter not in the value."""
    delimiter = delimiter or f"ghadelimiter_{uuid.uuid4()}"
    while delimiter in value or delimiter in name:
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


# `path:line:column: reason` — how ConfigError, YAML errors and JSON payload errors read.
_LOCATED = re.compile(r"^(?P<file>[^\s:][^:\n]*?):(?P<line>\d+):(?P<col>\d+): (?P<reason>.+)$")


@dataclass(frozen=True)
class Annotation:
    level: str  # error, warning, notice
    message: str
    file: str | None = None
    line: int | None = None
    col: int | None = None
    title: str | None = None

    def render(self) -> str:
        where = {"file": self.file, "line": self.line, "col": self.col}
        return workflow_command(self.level, self.message, title=self.title, **where)


def annotations_for_error(
    message: str, *, title: str, workspace: str | None = None
) -> list[Annotation]:
    """One annotation per line of an error; `file:line:col:` lines point at that place."""
    notes = []
    for line in message.splitlines() or [message]:
        found = _LOCATED.match(line.strip())
        if found:
            notes.append(
                Annotation(
                    "error",
                    found["reason"],
                    file=relative_to_workspace(found["file"], workspace),
                    line=int(found["line"]),
                    col=int(found["col"]),
                    title=title,
                )
            )
        elif line.strip():
            notes.append(Annotation("error", line.strip(), title=title))
    return notes


def relative_to_workspace(path: str, workspace: str | None) -> str:
    """Annotations name files relative to the repository root (the workspace)."""
    if workspace and os.path.isabs(path):
        with contextlib.suppress(ValueError):
            return Path(path).resolve().relative_to(Path(workspace).resolve()).as_posix()
    return path.removeprefix("./")


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------

_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE", ""}


def parse_bool(name: str, value: str) -> bool:
    """Booleans as GitHub writes them (YAML 1.2 core schema); anything else is a mistake."""
    value = value.strip()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"input `{name}` must be true or false, not {value!r}")


def _input(environ: Mapping[str, str], name: str) -> str:
    """INPUT_LEAD_TIME, or INPUT_LEAD-TIME as the runner spells inputs for other action kinds."""
    for key in (f"INPUT_{name.upper().replace('-', '_')}", f"INPUT_{name.upper()}"):
        if key in environ:
            return environ[key].strip()
    return ""


@dataclass(frozen=True)
class ActionEnv:
    """Everything this run reads from the environment, read once."""

    command: str
    token: str = field(default="", repr=False)
    config: str = ".github/ghcommunity.yml"
    dry_run: bool = False
    month: str = ""
    lead_time: str = ""
    publish: str = ""
    format: str = ""
    store: str = ""
    repository: str = ""
    event_name: str = ""
    event_path: str = ""
    api_url: str = ""
    workspace: str = ""
    output_file: str = ""
    summary_file: str = ""
    temp_dir: str = ""
    debug: bool = False

    def per_command(self) -> dict[str, str]:
        """The inputs only some commands take, by their names in action.yml."""
        return {
            "month": self.month,
            "lead-time": self.lead_time,
            "publish": self.publish,
            "format": self.format,
            "store": self.store,
        }

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ActionEnv:
        return cls(
            command=_input(environ, "command"),
            token=_input(environ, "token") or environ.get("GITHUB_TOKEN", ""),
            config=_input(environ, "config") or ".github/ghcommunity.yml",
            dry_run=parse_bool("dry-run", _input(environ, "dry-run")),
            month=_input(environ, "month"),
            lead_time=_input(environ, "lead-time"),
            publish=_input(environ, "publish"),
            format=_input(environ, "format"),
            store=_input(environ, "store"),
            repository=environ.get("GITHUB_REPOSITORY", ""),
            event_name=environ.get("GITHUB_EVENT_NAME", ""),
            event_path=environ.get("GITHUB_EVENT_PATH", ""),
            api_url=environ.get("GITHUB_API_URL", ""),
            workspace=environ.get("GITHUB_WORKSPACE", ""),
            output_file=environ.get("GITHUB_OUTPUT", ""),
            summary_file=environ.get("GITHUB_STEP_SUMMARY", ""),
            temp_dir=environ.get("RUNNER_TEMP", ""),
            debug=environ.get("RUNNER_DEBUG") == "1" or bool(environ.get("GHCOMMUNITY_DEBUG")),
        )


# ---------------------------------------------------------------------------------------------
# Commands: which job each Action command runs, and which inputs it reads
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommandSpec:
    name: str
    title: str
    job: str | None  # the registry's job; None: `handle`, the event through the dispatcher
    inputs: tuple[str, ...] = ()  # the per-command inputs it reads (action.yml's names)
    document: str | None = None  # the output naming the file the job's document is written to


COMMANDS: dict[str, CommandSpec] = {
    spec.name: spec
    for spec in (
        CommandSpec("handle", "Triage: handle one event", None),
        CommandSpec("meetings", "Meeting notes", "meetings", ("lead-time",)),
        CommandSpec(
            "digest",
            "Monthly digest",
            "digest",
            ("month", "publish", "format", "store"),
            document="digest-path",
        ),
        CommandSpec("ddat-report", "DDaT feedback report", "ddat-export", ("month",)),
        CommandSpec("labels-sync", "Labels sync", "labels-sync"),
        CommandSpec("lifecycle", "Lifecycle: needs-info reminders", "lifecycle"),
        # The audit keeps its tracking issue up to date; its findings go to the summary.
        CommandSpec("audit", "Registry audit", "audit"),
        CommandSpec("dashboard", "Community dashboard", "dashboard"),
    )
}

_EXTENSIONS = {"md": "md", "html": "html", "slack": "txt", "json": "json", "csv": "csv"}


def previous_month(today: date) -> str:
    """The last complete month: what a report run on the 1st of the month is about."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def unused_inputs(spec: CommandSpec, env: ActionEnv) -> list[str]:
    """Per-command inputs given to a command that takes none of them: a likely mistake."""
    return [
        f"input `{name}` is not used by the `{spec.name}` command"
        for name, value in env.per_command().items()
        if value and name not in spec.inputs
    ]


def job_values(spec: CommandSpec, env: ActionEnv, today: date) -> dict[str, Any]:
    """The job's options from the inputs, with the Action's own defaults."""
    given = {k: v for k, v in env.per_command().items() if v and k in spec.inputs}
    values: dict[str, Any] = {"dry_run": env.dry_run}
    if "lead-time" in given:
        values["lead_time"] = given["lead-time"]
    if "month" in given:
        values["month"] = given["month"]
    if spec.job == "digest":
        # A digest run from the Action publishes (to the config's target unless told); `none`
        # only renders it to digest-path. The month defaults to last month.
        values["publish"] = {"": "config"}.get(env.publish, env.publish)
        if env.format:
            values["format"] = env.format
    if spec.job == "ddat-export" and "month" not in values:
        # The export defaults to the current month; a scheduled run on the 1st reports on the
        # month that has just ended.
        values["month"] = previous_month(today)
    if spec.job == "audit":
        values["publish"] = True
    return values


# ---------------------------------------------------------------------------------------------
# Running a command in-process
# ---------------------------------------------------------------------------------------------


@dataclass
class StepResult:
    exit_code: int
    stdout: str  # what the job log shows, for people
    data: dict[str, Any] | None = None  # the Plan, outcomes and details, as --json has them
    error: str | None = None
    document: str | None = None  # a job's document (the digest), for the digest-path output


def _context(env: ActionEnv) -> Any:
    from ghcommunity.cli.meetings import joining_from_env
    from ghcommunity.config import load_config
    from ghcommunity.github.client import Connection, GitHubClient
    from ghcommunity.github.context import Context

    root = Path(env.workspace or ".")
    config_path = Path(env.config)
    config = load_config(config_path if config_path.is_absolute() else root / config_path)
    connection = Connection.from_env(api_url=env.api_url or None, token=env.token or None)
    return Context(
        config,
        GitHubClient(connection),
        dry_run=env.dry_run,
        store_url=env.store or None,
        checkout=root,
        joining=joining_from_env(config, dict(os.environ)),
    )


def execute(spec: CommandSpec, env: ActionEnv, today: date) -> StepResult:
    """Run the command's job (or dispatch the event) and say what happened."""
    from ghcommunity.jobs import runner

    try:
        ctx = _context(env)
        if spec.job is None:
            from ghcommunity.cli.handle import read_event

            event = read_event(env.event_name, env.event_path)
            result = runner.dispatch(event, ctx)
            data = result.to_dict()
        else:
            options = runner.options_for(spec.job, job_values(spec, env, today), source="input")
            run = runner.run_job(spec.job, ctx, options, env.repository or None)
            data = {k: v for k, v in run.to_dict().items() if k not in ("figures", "title")}
            if spec.job == "digest":
                return StepResult(0, _log(data, env.dry_run), data, document=run.result.text)
        return StepResult(0, _log(data, env.dry_run), data)
    except GhcError as exc:
        return StepResult(exc.exit_code, "", None, error=str(exc))
    except Exception as exc:  # the last line of defence: one line, not a traceback
        if env.debug:
            traceback.print_exc()
        return StepResult(1, "", None, error=f"unexpected {type(exc).__name__}: {exc}")


def _log(data: dict[str, Any], dry_run: bool) -> str:
    return log_text(StepResult(0, "", data), dry_run=dry_run)


# ---------------------------------------------------------------------------------------------
# Outputs and summary (pure)
# ---------------------------------------------------------------------------------------------


def result_word(data: dict[str, Any] | None, *, dry_run: bool, failed: bool) -> str:
    if failed:
        return "failed"
    if data is None:
        return "done"
    if data.get("ignored"):
        return "ignored"
    if "operations" not in data:
        return "done"  # a report, not a Plan
    if dry_run or data.get("dry_run"):
        return "dry-run"
    outcomes = [o for o in data.get("outcomes") or [] if isinstance(o, dict)]
    if any(o.get("status") == "applied" for o in outcomes):
        return "applied"
    if data.get("operations"):
        return "unchanged"
    return "nothing-to-do"


def outputs_for(
    data: dict[str, Any] | None, *, result: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Step outputs: `result`, `operations` (JSON), `labels` (JSON), `pull-request-url`, `urls`."""
    data = data or {}
    operations = [op for op in data.get("operations") or [] if isinstance(op, dict)]
    outcomes = [o for o in data.get("outcomes") or [] if isinstance(o, dict)]
    labels: list[str] = []
    for op in operations:
        if op.get("op") == "add_labels":
            labels += [n for n in op.get("labels") or [] if isinstance(n, str) and n not in labels]
    urls = [o["url"] for o in outcomes if isinstance(o.get("url"), str)]
    pr_urls = [
        o["url"]
        for o in outcomes
        if o.get("op") == "open_pull_request" and isinstance(o.get("url"), str)
    ]
    pr_url = pr_urls[0] if pr_urls else str(data.get("pull_request_url") or "")
    out = {
        "result": result,
        "operations": json.dumps(operations, ensure_ascii=False),
        "labels": json.dumps(labels, ensure_ascii=False),
        "pull-request-url": pr_url,
        "urls": json.dumps(urls, ensure_ascii=False),
    }
    out.update(extra or {})
    return out


def _cell(text: str) -> str:
    """Safe inside a Markdown table cell: no pipes, no line breaks, no raw HTML."""
    return (
        (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|"))
        .replace("\r", " ")
        .replace("\n", " ")
    )


def _describe(op: dict[str, Any]) -> str:
    from ghcommunity.core.plan import Plan

    try:
        return Plan.from_dict({"operations": [op]}).operations[0].describe()
    except Exception:  # an operation this version cannot read back: show its kind
        return str(op.get("op", "operation"))


def summary_markdown(
    spec_title: str,
    command: str,
    *,
    result: str,
    data: dict[str, Any] | None,
    outputs: Mapping[str, str],
    errors: Sequence[str] = (),
    warnings: Sequence[str] = (),
) -> str:
    """The step summary: what ran, what changed (or would), notes, and any errors."""
    data = data or {}
    lines = [f"### ghcommunity: {spec_title}", ""]
    headline = {
        "applied": "Changes applied.",
        "unchanged": "Everything was already up to date; nothing was written.",
        "nothing-to-do": "Nothing to do.",
        "dry-run": "Dry run: this is what would be done; nothing was written.",
        "ignored": f"Event ignored: {data.get('ignored')}",
        "failed": "Failed.",
        "done": "Done.",
    }[result]
    lines.append(f"**`{command}`** · {_cell(headline)}")
    if data.get("event"):
        lines.append(f"Event: `{_cell(str(data['event']))}`")
    lines.append("")
    operations = [op for op in data.get("operations") or [] if isinstance(op, dict)]
    outcomes = [o for o in data.get("outcomes") or [] if isinstance(o, dict)]
    if operations:
        lines += ["| # | Operation | Status |", "|---|---|---|"]
        for index, op in enumerate(operations, 1):
            status = "would do" if result == "dry-run" else ""
            if index - 1 < len(outcomes):
                outcome = outcomes[index - 1]
                status = str(outcome.get("status", ""))
                if outcome.get("url"):
                    status += f" ([link]({_cell(str(outcome['url']))}))"
            lines.append(f"| {index} | {_cell(_describe(op))} | {status} |")
        lines.append("")
    if isinstance(data.get("groups"), list) and "overlaps" in data:  # the registry audit
        lines += audit_markdown(data)
    if outputs.get("pull-request-url"):
        lines += [f"Pull request: {outputs['pull-request-url']}", ""]
    if outputs.get("digest-path"):
        lines += [f"Digest written to `{_cell(outputs['digest-path'])}`.", ""]
    notes = [n for n in data.get("notes") or [] if isinstance(n, str)]
    for heading, items in (("Notes", notes), ("Warnings", warnings), ("Errors", errors)):
        if items:
            lines.append(f"**{heading}**")
            lines += [f"- {_cell(item)}" for item in items]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def log_text(result: StepResult, *, dry_run: bool, debug: bool = False) -> str:
    """What the job log shows: the Plan and what happened to each operation, for people."""
    data = result.data
    if data is None or "operations" not in data or debug:
        return result.stdout.rstrip("\n")
    operations = [op for op in data.get("operations") or [] if isinstance(op, dict)]
    outcomes = [o for o in data.get("outcomes") or [] if isinstance(o, dict)]
    lines = []
    if data.get("ignored"):
        lines.append(f"ignored: {data['ignored']}")
    for index, op in enumerate(operations):
        if index < len(outcomes):
            status = str(outcomes[index].get("status", ""))
            detail = outcomes[index].get("detail") or ""
            url = outcomes[index].get("url") or ""
        else:
            status, detail, url = ("would do" if dry_run else "planned"), "", ""
        line = f"{status}: {_describe(op)}"
        line += f" ({detail})" if detail else ""
        line += f" {url}" if url else ""
        lines.append(line)
    if not operations and not data.get("ignored"):
        lines.append("nothing to do")
    lines += [f"note: {n}" for n in data.get("notes") or [] if isinstance(n, str)]
    return "\n".join(lines)


def audit_markdown(data: Mapping[str, Any]) -> list[str]:
    """The registry audit's findings as a table, one row per group."""
    groups = [g for g in data.get("groups") or [] if isinstance(g, dict)]
    if not groups:
        return []
    lines = ["| Group | Status | Last met | To do |", "|---|---|---|---|"]
    for group in groups:
        todo = [f"add {m}" for m in group.get("missing") or []] + list(group.get("problems") or [])
        lines.append(
            f"| {_cell(str(group.get('name') or group.get('slug') or '?'))} "
            f"| {'✅ ok' if group.get('ok') else '⚠️ ' + _cell(str(group.get('status') or 'check'))} "
            f"| {_cell(str(group.get('last_met') or 'unknown'))} "
            f"| {_cell('; '.join(str(t) for t in todo)) or '–'} |"
        )
    for overlap in data.get("overlaps") or []:
        if isinstance(overlap, dict):
            pair = " and ".join(str(g) for g in overlap.get("groups") or [])
            lines.append(
                f"| {_cell(pair)} | ⚠️ may overlap | | {_cell(str(overlap.get('score')))} |"
            )
    return [*lines, ""]


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def commands_stopped(out: TextIO) -> Iterator[None]:
    """While a job prints text people wrote (issue titles, bodies), the runner must not read
    a line of it as a workflow command: stop command processing, then resume."""
    token = f"ghcommunity-{uuid.uuid4().hex}"
    out.write(f"::stop-commands::{token}\n")
    out.flush()
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        out.write(f"::{token}::\n")
        out.flush()


def _append(path: str, text: str) -> None:
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def run(env: ActionEnv, out: TextIO, *, today: date | None = None) -> int:
    """Run one Action command; write outputs, summary and annotations. Returns the exit code."""
    if env.token:
        out.write(workflow_command("add-mask", env.token) + "\n")
    spec = COMMANDS.get(env.command)
    if spec is None:
        known = ", ".join(COMMANDS)
        message = f"input `command` must be one of {known}; got {env.command!r}"
        out.write(Annotation("error", message, title="ghcommunity").render() + "\n")
        _finish(env, spec_title="ghcommunity", errors=[message], result="failed", data=None)
        return 2

    title = f"ghcommunity {spec.name}"
    warnings = unused_inputs(spec, env)
    errors: list[str] = []
    annotations: list[Annotation] = []
    extra: dict[str, str] = {}

    out.write(f"::group::ghcommunity {spec.name}\n")
    out.flush()
    with commands_stopped(out):
        result = execute(spec, env, today or datetime.now(UTC).date())
        shown_text = result.stdout if not env.debug else json.dumps(result.data, indent=2)
        if shown_text:
            out.write(shown_text + "\n")
    out.write("::endgroup::\n")
    data = result.data
    if result.exit_code != 0:
        message = result.error or f"`{spec.name}` exited with {result.exit_code}"
        errors.append(message)
        annotations += annotations_for_error(message, title=title, workspace=env.workspace)
    if spec.document and result.document is not None:
        extension = _EXTENSIONS.get(env.format or "md", "txt")
        target = Path(env.temp_dir or ".") / "ghcommunity" / f"{spec.job}.{extension}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(result.document, encoding="utf-8")
        extra[spec.document] = str(target)
    if data is not None and isinstance(data.get("month"), str):
        extra["month"] = data["month"]
    annotations += [Annotation("warning", w, title=title) for w in warnings]
    for note in annotations:
        out.write(note.render() + "\n")
    result_name = result_word(data, dry_run=env.dry_run, failed=result.exit_code != 0)
    _finish(
        env,
        spec_title=spec.title,
        command=spec.name,
        errors=errors,
        warnings=warnings,
        result=result_name,
        data=data,
        extra=extra,
    )
    out.flush()
    return result.exit_code


def _finish(
    env: ActionEnv,
    *,
    spec_title: str,
    result: str,
    data: dict[str, Any] | None,
    command: str = "",
    errors: Sequence[str] = (),
    warnings: Sequence[str] = (),
    extra: Mapping[str, str] | None = None,
) -> None:
    outputs = outputs_for(data, result=result, extra=extra)
    if errors:
        outputs["error"] = errors[0]
    _append(env.output_file, "".join(output_block(k, v) for k, v in outputs.items()))
    _append(
        env.summary_file,
        summary_markdown(
            spec_title,
            command or env.command or "?",
            result=result,
            data=data,
            outputs=outputs,
            errors=errors,
            warnings=warnings,
        ),
    )


def main(environ: Mapping[str, str] | None = None, out: TextIO | None = None) -> int:
    from ghcommunity.cli import tune_collector

    tune_collector()  # the Action owns its process, as the CLI does
    environ = os.environ if environ is None else environ
    out = out or sys.stdout
    try:
        env = ActionEnv.from_environ(environ)
    except InputError as exc:
        out.write(Annotation("error", str(exc), title="ghcommunity").render() + "\n")
        where = ActionEnv(
            command=_input(environ, "command"),
            output_file=environ.get("GITHUB_OUTPUT", ""),
            summary_file=environ.get("GITHUB_STEP_SUMMARY", ""),
        )
        _finish(where, spec_title="ghcommunity", errors=[str(exc)], result="failed", data=None)
        return exc.exit_code
    return run(env, out)


if __name__ == "__main__":
    sys.exit(main())
