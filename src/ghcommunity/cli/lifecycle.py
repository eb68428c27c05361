"""`ghcommunity lifecycle`: remind, then close, `needs-info` issues whose author went quiet."""

from __future__ import annotations

import click

from ghcommunity.cli.common import (
    client,
    config_option,
    github_options,
    job_context,
    load,
    parse_now,
    plan_options,
    run_job_and_print,
)


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
    from ghcommunity.jobs.lifecycle.job import LifecycleOptions

    config = load(config_path)
    ctx = job_context(config, client(api_url, token))
    options = LifecycleOptions(now=parse_now(now_text), dry_run=dry_run)
    run_job_and_print("lifecycle", ctx, options, as_json=as_json, repo=repo)
