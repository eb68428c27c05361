"""`ghcommunity dashboard`: keep the one "Community dashboard" issue up to date."""

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
@click.option(
    "--print", "print_body", is_flag=True, help="Print the dashboard's text instead of the Plan."
)
@config_option
@github_options
@plan_options
def dashboard(
    repo: str | None,
    now_text: str | None,
    print_body: bool,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Keep the "Community dashboard" issue up to date: each group's next meeting, issues
    waiting on the community, DDaT feedback, the registry audit's findings and the digest,
    with boxes a maintainer ticks to run a job now. It is written only when something changed.
    """
    from ghcommunity.jobs.dashboard.job import DashboardOptions

    config = load(config_path)
    ctx = job_context(config, client(api_url, token), now=parse_now(now_text) if now_text else None)
    if print_body:
        from ghcommunity.jobs.runner import plan_job

        result = plan_job("dashboard", ctx, DashboardOptions(dry_run=True), repo)
        click.echo(result.text or "")
        return
    run_job_and_print(
        "dashboard", ctx, DashboardOptions(dry_run=dry_run), as_json=as_json, repo=repo
    )
