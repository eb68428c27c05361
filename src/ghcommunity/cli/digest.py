"""`ghcommunity digest`: compile a month's digest from the store, and publish it."""

from __future__ import annotations

from contextlib import nullcontext

import click

from ghcommunity.cli.common import (
    client,
    config_option,
    echo_json,
    github_options,
    job_context,
    load,
    outcome_lines,
    plan_options,
    write_output,
)
from ghcommunity.cli.sync import progress_for_terminal, store_option
from ghcommunity.github.client import split_repo
from ghcommunity.jobs.digest.metrics import parse_month
from ghcommunity.jobs.digest.publish import TARGETS
from ghcommunity.jobs.digest.render import FORMATS, Format


@click.command("digest")
@click.option("--repo", help="OWNER/REPO (default: the config's community repo).")
@click.option("--month", help="YYYY-MM (default: last month, in the community's time zone).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="md",
    show_default=True,
    help="What to print or write with --out.",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write the digest to this file.")
@click.option(
    "--publish",
    type=click.Choice(["config", *TARGETS]),
    is_flag=False,
    flag_value="config",
    default=None,
    help="Publish as a discussion, an issue, or a file through a pull request "
    "(alone: digest.publish from the config). Re-running updates the same post.",
)
@store_option
@click.option("--no-sync", is_flag=True, help="Use the store as it is; fetch nothing first.")
@click.option(
    "--figures",
    "figures_path",
    type=click.Path(dir_okay=False),
    help="Maintainer-supplied figures (YAML); default: digest.figures from the config.",
)
@click.option(
    "--recompute",
    is_flag=True,
    help="Compute a past month afresh instead of the figures kept when it was first compiled.",
)
@config_option
@github_options
@plan_options
def digest(
    repo: str | None,
    month: str | None,
    fmt: Format,
    out: str | None,
    publish: str | None,
    store_url: str,
    no_sync: bool,
    figures_path: str | None,
    recompute: bool,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Compile the monthly digest: sync (unless --no-sync), compute the month's figures with
    the twelve months before it, render them, and print, write or publish the result."""
    from ghcommunity.jobs.digest.job import DigestOptions
    from ghcommunity.jobs.runner import run_job

    config = load(config_path)
    target_repo = repo or config.repo
    split_repo(target_repo)
    if month:
        parse_month(month)
    options = DigestOptions(
        month=month,
        format=fmt,
        publish="none" if publish is None else publish,
        sync=not no_sync,
        figures=figures_path,
        recompute=recompute,
        dry_run=dry_run,
    )
    github = client(api_url, token)
    # With --json nothing but the JSON is printed (progress would mix into it).
    progress = None if as_json else progress_for_terminal()
    with progress or nullcontext() as bars:
        ctx = job_context(config, github, store_url=store_url, progress=bars)
        run = run_job("digest", ctx, options, target_repo)
    text = run.result.text or ""
    figures, title = run.result.details["figures"], run.result.details["title"]
    if out:
        write_output(out, text)
        if not as_json:
            click.echo(f"wrote {out} ({fmt}, {len(text.encode())} bytes)", err=True)
    if publish is None:
        if not out:
            if as_json and fmt != "json":
                echo_json({"title": title, **figures})
            else:
                click.echo(text, nl=False)
        return
    if as_json:
        echo_json({k: v for k, v in run.to_dict().items() if k not in ("figures", "title")})
    elif run.dry_run:
        click.echo(run.plan.to_text())
    else:
        if not run.outcomes:
            click.echo("nothing to do")
        for line in outcome_lines(run.plan, run.outcomes):
            click.echo(line)
