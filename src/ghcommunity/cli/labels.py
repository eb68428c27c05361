"""`ghcommunity labels sync|list`: labels as code."""

from __future__ import annotations

import click

from ghcommunity.cli.common import (
    client,
    config_option,
    echo_json,
    github_options,
    job_context,
    load,
    plan_options,
    run_job_and_print,
)
from ghcommunity.core.providers import labels_from_jobs
from ghcommunity.jobs.labels.plan import declared_labels
from ghcommunity.jobs.labels.settings import LabelsConfig
from ghcommunity.jobs.runner import load_handlers


@click.group()
def labels() -> None:
    """Labels as code: the labels the config declares, kept in step with the repo."""


@labels.command()
@click.option("--repo", default=None, help="OWNER/REPO (default: the config's repo).")
@click.option(
    "--prune/--no-prune",
    default=None,
    help="Delete owned labels no longer declared that no issue carries (default: labels.prune).",
)
@config_option
@github_options
@plan_options
def sync(
    repo: str | None,
    prune: bool | None,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Create and update the declared labels; rename `previously` names in place.

    Never deletes or changes a label ghcommunity does not own. With --prune, owned labels that
    are no longer declared are deleted only if no issue or pull request carries them; the
    others are listed with how many carry them.
    """
    from ghcommunity.jobs.labels.job import LabelsOptions

    config = load(config_path)
    ctx = job_context(config, client(api_url, token))
    options = LabelsOptions(prune=prune, dry_run=dry_run)
    run_job_and_print("labels-sync", ctx, options, as_json=as_json, repo=repo)


@labels.command("list")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_labels(config_path: str | None, as_json: bool) -> None:
    """Print the labels the config declares (no GitHub access needed)."""
    load_handlers()  # what other jobs declare (the DDaT taxonomy's labels)
    config = load(config_path)
    # Other jobs' labels (the DDaT taxonomy's), read from the checkout: no request is made.
    specs = declared_labels(
        LabelsConfig.of(config), labels_from_jobs(job_context(config, client(None, None)), set())
    )
    if as_json:
        echo_json(
            [
                {**spec.model_dump(mode="json"), "owned": config.labels.owns(spec.name)}
                for spec in specs
            ]
        )
        return
    for spec in specs:
        owned = "owned" if config.labels.owns(spec.name) else "     "
        line = f"#{spec.color}  {owned}  {spec.name}"
        if spec.description:
            line += f" — {spec.description}"
        if spec.previously:
            line += f" (was: {', '.join(spec.previously)})"
        click.echo(line)
