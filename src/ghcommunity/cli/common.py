"""Options every command shares, and how a Plan is shown or applied."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ghcommunity.config import Config, load_config
from ghcommunity.github.client import Connection, GitHubClient
from ghcommunity.plan import Plan

if TYPE_CHECKING:
    from ghcommunity.github.executor import Executor

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


def load(config_path: str | None) -> Config:
    return load_config(config_path)


def client(api_url: str | None, token: str | None) -> GitHubClient:
    return GitHubClient(Connection.from_env(api_url=api_url, token=token))


def show_plan(plan: Plan, *, as_json: bool) -> None:
    if as_json:
        click.echo(plan.to_json())
    else:
        click.echo(plan.to_text())


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def is_terminal() -> bool:
    return sys.stdout.isatty()


def run_plan(
    plan: Plan,
    github: GitHubClient,
    config: Config,
    *,
    dry_run: bool,
    as_json: bool,
    extra: dict[str, Any] | None = None,
    executor: Executor | None = None,
) -> list[Any]:
    """Print the Plan (dry run) or apply it and print what happened. Returns the outcomes.

    Pass an `executor` that already knows the state the job read, to save its reads."""
    from ghcommunity.github.executor import Executor

    if dry_run:
        if as_json:
            echo_json({**plan.to_dict(), **(extra or {}), "dry_run": True})
        else:
            click.echo(plan.to_text())
        return []
    executor = executor or Executor(github, actor=config.community.bot_login)
    outcomes = executor.apply(plan)
    if as_json:
        echo_json({**plan.to_dict(), **(extra or {}), "outcomes": [o.to_dict() for o in outcomes]})
    else:
        if not outcomes:
            click.echo("nothing to do")
        for outcome in outcomes:
            line = f"{outcome.status}: {outcome.op.describe()}"
            if outcome.detail:
                line += f" ({outcome.detail})"
            if outcome.url:
                line += f" {outcome.url}"
            click.echo(line)
        for note in plan.notes:
            click.echo(f"note: {note}")
    return outcomes
