"""`ghcommunity demo`: every job against the sandbox's sample community; no token, no network.

The demo starts the sandbox in-process with the sample community (`seed="sample"`), then runs
its steps in order and prints what each did and which files it wrote (under `./demo-output/`,
or `--out`). A step is a function `(sandbox, config, out_dir) -> StepResult`; add one by
writing it and listing it in `STEPS`. A step whose job is not built yet says so plainly
(`StepResult.not_built`) instead of pretending.
"""

from __future__ import annotations

import importlib
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ghcommunity.errors import GhcError, InputError

if TYPE_CHECKING:
    from ghcommunity.config import Config
    from ghcommunity.sandbox import Sandbox


@dataclass
class StepResult:
    """What one step did: a title, lines for people, and the files it wrote."""

    title: str
    lines: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    status: str = "ok"  # ok | not-built | not-wired | failed

    @classmethod
    def not_built(cls, title: str, what: str) -> StepResult:
        return cls(
            title, [f"not built yet ({what} does not exist in this version)"], status="not-built"
        )


Step = Callable[["Sandbox", "Config | None", Path], StepResult]


def job_available(module: str, attribute: str | None = None) -> bool:
    """Whether a job's entry point can be imported (and, if named, has `attribute`)."""
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return False
    return attribute is None or hasattr(loaded, attribute)


# -- steps -------------------------------------------------------------------------------------


def community_step(sb: Sandbox, config: Config | None, out: Path) -> StepResult:
    """The sample community the other steps work on."""
    from ghcommunity.sandbox.seed import COMMUNITY_REPO

    state = sb.state
    with state.lock:
        repo = state.repo(COMMUNITY_REPO)
        if repo is None:
            return StepResult(
                "The sample community", ["the sample repository is missing"], status="failed"
            )
        issues = [i for i in repo.issues.values() if i.pull is None]
        pulls = [i for i in repo.issues.values() if i.pull is not None]
        org = state.org(repo.owner.login)
        members = len(org.members) if org else 0
        head = repo.git.refs.get(f"refs/heads/{repo.default_branch}")
        files = sorted(repo.git.files(repo.git.commits[head].tree)) if head else []
        notes = [f for f in files if f.endswith(".md") and "/" in f]
        companies = Counter(
            u.company for u in state.users.values() if u.company and u.type == "User"
        )
        labels = Counter(lab.name for i in issues for lab in i.labels)
        discussions = len(repo.discussions)
        rows = {
            "repository": repo.full_name,
            "issues": len(issues),
            "open_issues": sum(1 for i in issues if i.state == "open"),
            "pull_requests": len(pulls),
            "discussions": discussions,
            "comments": len(repo.comments),
            "org_members": members,
            "notes_files": len(notes),
            "people_with_a_company": sum(companies.values()),
        }
    groups = [f"{g.name} ({g.slug})" for g in config.groups] if config else []
    lines = [
        f"{rows['repository']}: {rows['issues']} issues ({rows['open_issues']} open), "
        f"{rows['pull_requests']} pull requests, {rows['discussions']} discussions, "
        f"{rows['comments']} comments",
        f"{rows['org_members']} org members; {rows['notes_files']} meeting-notes files on "
        f"{repo.default_branch}",
        "groups: " + (", ".join(groups) if groups else "(no config loaded)"),
        "most used labels: " + ", ".join(f"{n} ({c})" for n, c in labels.most_common(5)),
        f"sandbox: {sb.url} (GraphQL {sb.graphql_url})",
    ]
    path = out / "community.json"
    path.write_text(
        json.dumps({**rows, "groups": groups, "labels": dict(labels)}, indent=2) + "\n",
        encoding="utf-8",
    )
    return StepResult("The sample community", lines, [path])


def _job_step(title: str, module: str, attribute: str | None = None) -> Step:
    """A step for a job the lead has not wired into the demo yet: says whether it exists."""

    def step(sb: Sandbox, config: Config | None, out: Path) -> StepResult:
        if not job_available(module, attribute):
            return StepResult.not_built(title, module + (f".{attribute}" if attribute else ""))
        return StepResult(
            title,
            [f"{module} exists but is not wired into the demo yet, so it did not run"],
            status="not-wired",
        )

    step.__doc__ = f"{title} ({module})"
    return step


def run_cli(sb: Sandbox, args: list[str]) -> tuple[int, str]:
    """Run a `ghcommunity` subcommand in-process against the sandbox: (exit code, output).

    For wiring a job into the demo through its command line, e.g.
    `run_cli(sb, ["labels", "sync", "--json"])`.
    """
    from click.testing import CliRunner

    from ghcommunity.cli import cli

    result = CliRunner().invoke(
        cli,
        args,
        env={"GITHUB_API_URL": sb.url, "GITHUB_TOKEN": "sandbox-demo"},
        catch_exceptions=True,
    )
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\n{type(result.exception).__name__}: {result.exception}"
    return result.exit_code, output


STEPS: list[Step] = [
    community_step,
    _job_step("Labels as code", "ghcommunity.jobs.labels"),
    _job_step("Triage of the seeded issues", "ghcommunity.jobs.triage"),
    _job_step("DDaT framework feedback", "ghcommunity.jobs.ddat"),
    _job_step("Next month's meeting notes", "ghcommunity.jobs.meetings"),
    _job_step("Lifecycle (needs-info reminders)", "ghcommunity.jobs.lifecycle"),
    _job_step("Last month's digest", "ghcommunity.jobs.digest"),
]


def run_steps(
    sb: Sandbox, config: Config | None, out: Path, steps: list[Step] | None = None
) -> list[tuple[StepResult, dict[str, Any]]]:
    """Run each step; a step that raises is reported as failed and the demo carries on."""
    results = []
    for step in steps if steps is not None else STEPS:
        sb.reset_stats()
        started = time.perf_counter()
        try:
            result = step(sb, config, out)
        except GhcError as exc:
            result = StepResult(
                getattr(step, "__doc__", None) or step.__name__, [str(exc)], status="failed"
            )
        stats = sb.stats()
        results.append(
            (
                result,
                {
                    "requests": stats["total"],
                    "writes": stats["writes"],
                    "seconds": round(time.perf_counter() - started, 2),
                },
            )
        )
    return results


@click.command(name="demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="demo-output",
    show_default=True,
    help="Where the demo writes its files.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Config file (default: .github/ghcommunity.yml, then config/community.yml).",
)
def demo(out_dir: str, config_path: str | None) -> None:
    """Run every job against the sandbox's sample community and show what each did."""
    from ghcommunity.config import load_config
    from ghcommunity.sandbox import Sandbox

    config: Config | None
    try:
        config = load_config(config_path)
    except InputError:
        if config_path:
            raise
        config = None
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out_dir}: cannot create it: {exc.strerror or exc}") from None
    click.echo("Starting the sandbox with the sample community...")
    with Sandbox.start(seed="sample") as sb:
        results = run_steps(sb, config, out)
    summary = []
    for result, counters in results:
        mark = {
            "ok": "done",
            "not-built": "not built yet",
            "not-wired": "not run by the demo yet",
            "failed": "FAILED",
        }[result.status]
        click.echo(f"\n== {result.title}: {mark}")
        for line in result.lines:
            click.echo(f"   {line}")
        if result.status == "ok":
            click.echo(
                f"   ({counters['requests']} requests, {counters['writes']} writes, "
                f"{counters['seconds']} s)"
            )
        for path in result.files:
            click.echo(f"   wrote {path}")
        summary.append(
            {
                "title": result.title,
                "status": result.status,
                "lines": result.lines,
                "files": [str(p) for p in result.files],
                **counters,
            }
        )
    summary_path = out / "summary.json"
    summary_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    click.echo(f"\nSummary: {summary_path}")
