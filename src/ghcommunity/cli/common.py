"""Options every command shares, and how a Plan is shown or applied."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ghcommunity.cli.summaries import SUMMARIES
from ghcommunity.config import Config, load_config
from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import Plan
from ghcommunity.core.timestamps import parse_instant
from ghcommunity.github.client import Connection, GitHubClient

if TYPE_CHECKING:
    from ghcommunity.core.jobs import JobOptions
    from ghcommunity.github.context import Context
    from ghcommunity.github.executor import Outcome
    from ghcommunity.jobs.runner import JobRun

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        default=None,
        envvar="GHCOMMUNITY_CONFIG",
        help="Config file (default: .github/ghcommunity.yml, then config/community.yml).",
    )(func)


def github_options(func: F) -> F:
    """--api-url and --token; both also read from the environment Actions sets."""
    func = click.option(
        "--token",
        default=None,
        envvar=["GITHUB_TOKEN", "GH_TOKEN"],
        show_envvar=True,
        help="GitHub token (never printed).",
    )(func)
    return click.option(
        "--api-url",
        default=None,
        envvar="GITHUB_API_URL",
        show_envvar=True,
        help="REST API base: https://api.github.com, https://HOST/api/v3, or the sandbox.",
    )(func)


def plan_options(func: F) -> F:
    func = click.option(
        "--json", "as_json", is_flag=True, help="Print the result (or the Plan) as JSON."
    )(func)
    return click.option("--dry-run", is_flag=True, help="Print the Plan instead of applying it.")(
        func
    )


def parse_now(value: str | None) -> datetime:
    """--now as an ISO date or date-time (UTC when no offset is given); default: the clock."""
    if not value:
        return datetime.now(UTC)
    try:
        return parse_instant(value)
    except ValueError:
        raise InputError(
            f"--now {value!r}: expected an ISO date or time such as 2025-06-01 or "
            "2025-06-01T09:00:00Z"
        ) from None


def load(config_path: str | None) -> Config:
    return load_config(config_path)


def client(api_url: str | None, token: str | None) -> GitHubClient:
    return GitHubClient(Connection.from_env(api_url=api_url, token=token))


def write_output(out: str, text: str) -> None:
    """Write what a command made to the file named by --out (its folder created if needed)."""
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--out {out}: cannot write: {exc.strerror or exc}") from None


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def outcome_lines(plan: Plan, outcomes: list[Outcome]) -> list[str]:
    """What applying a Plan did, a line each, then its notes: for people, not for tools."""
    lines = []
    for outcome in outcomes:
        detail = f" ({outcome.detail})" if outcome.detail else ""
        url = f" {outcome.url}" if outcome.url else ""
        lines.append(f"{outcome.status}: {outcome.op.describe()}{detail}{url}")
    return lines + [f"note: {note}" for note in plan.notes]


def job_context(
    config: Config,
    github: GitHubClient,
    *,
    now: datetime | None = None,
    store_url: str | None = None,
    joining: dict[str, str] | None = None,
    progress: Any = None,
) -> Context:
    """The Context a command runs a job in: the working directory is the checkout."""
    from ghcommunity.github.context import Context

    ctx = Context(
        config,
        github,
        store_url=store_url,
        checkout=Path.cwd(),
        joining=dict(joining or {}),
        progress=progress,
    )
    if now is not None:
        ctx.now = now
    return ctx


def verbosity() -> int:
    """How many -v the command line has (`ghcommunity -v ...`)."""
    ctx = click.get_current_context(silent=True)
    return int((ctx.find_root().params.get("verbose") or 0) if ctx else 0)


def run_job_and_print(
    name: str, ctx: Context, options: JobOptions, *, as_json: bool, repo: str | None = None
) -> JobRun:
    """Run a job through the registry (as every door does) and print what it did: the Plan on
    a dry run, else what applying it did; with --json, one JSON object."""
    from ghcommunity.jobs.runner import run_job

    run = run_job(name, ctx, options, repo)
    summary = SUMMARIES.get(name)
    if summary is not None and not as_json:
        for line in summary(run):
            click.echo(line)
        if not verbosity():
            if run.plan or run.outcomes:
                click.echo("(each change: ghcommunity -v ...)")
            return run
    if as_json:
        echo_json(run.to_dict())
    elif run.dry_run:
        click.echo(run.plan.to_text())
    else:
        if not run.outcomes:
            click.echo("nothing to do")
        for line in outcome_lines(run.plan, run.outcomes):
            click.echo(line)
    return run
