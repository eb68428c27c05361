"""`ghcommunity lifecycle`: remind, then close, `needs-info` issues whose author went quiet."""

from __future__ import annotations

import click

from ghcommunity.cli.common import (
    client,
    config_option,
    github_options,
    load,
    parse_now,
    plan_options,
    run_plan,
)
from ghcommunity.github.executor import Executor
from ghcommunity.jobs.lifecycle.lifecycle import lifecycle_plan


@click.command()
@click.option("--repo", default=None, help="OWNER/REPO (default: the config's repo).")
@click.option("--now", "now_text", default=None, help="Act as if it were this time (ISO).")
@config_option
@github_options
@plan_options
def lifecycle(
    repo: str | None,
    now_text: str | None,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Remind the author of a needs-info issue once, then close it kindly if they stay quiet.

    Only the author's reply (a comment or an edit of the issue) restarts the wait. Issues
    labelled accepted, triaged, or with an exempt label are never reminded or closed.
    """
    config = load(config_path)
    now = parse_now(now_text)
    target = repo or config.repo
    github = client(api_url, token)
    executor = Executor(github, actor=config.community.bot_login)
    plan, decisions = lifecycle_plan(github, config, target, now, executor)
    run_plan(
        plan,
        github,
        config,
        dry_run=dry_run,
        as_json=as_json,
        extra={"now": now.isoformat(), "decisions": [d.to_dict() for d in decisions]},
        executor=executor,
    )
