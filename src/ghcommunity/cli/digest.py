"""`ghcommunity digest`: compile a month's digest from the store, and publish it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from ghcommunity.cli.common import (
    client,
    config_option,
    echo_json,
    github_options,
    load,
    plan_options,
    run_plan,
    write_output,
)
from ghcommunity.cli.sync import run_sync, store_option
from ghcommunity.config import Config
from ghcommunity.core.errors import InputError
from ghcommunity.github.client import split_repo
from ghcommunity.jobs.digest.metrics import DigestSettings, parse_month, previous_month
from ghcommunity.jobs.digest.publish import TARGETS, Target, compile_digest, plan_digest
from ghcommunity.jobs.digest.render import FORMATS, Format, render


def user_template(config: Config, fmt: Format) -> tuple[str | None, str | None]:
    """The community's own template for a format, read from its repo checkout, if configured."""
    if fmt == "json":
        return None, None
    path = getattr(config.digest.templates, fmt)
    if not path:
        return None, None
    try:
        return Path(path).read_text(encoding="utf-8"), path
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"digest.templates.{fmt}: cannot read {path}: {exc}") from None


def render_format(figures: dict[str, Any], fmt: Format, title: str, config: Config) -> str:
    template, name = user_template(config, fmt)
    return render(figures, fmt, title=title, template=template, template_name=name)


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
    config = load(config_path)
    target_repo = repo or config.repo
    split_repo(target_repo)
    settings = DigestSettings.from_config(config)
    chosen = month or previous_month(datetime.now(UTC), settings.zone)
    parse_month(chosen)
    github = client(api_url, token)
    if not no_sync:
        # With --json nothing but the JSON is printed (progress would mix into it).
        run_sync(github, store_url, target_repo, config, quiet=as_json)
    figures, title = compile_digest(
        store_url, target_repo, chosen, config, figures_path=figures_path, recompute=recompute
    )
    text = render_format(figures, fmt, title, config)
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
    where: Target = config.digest.publish if publish == "config" else publish  # type: ignore[assignment]
    markdown = text if fmt == "md" else render_format(figures, "md", title, config)
    plan = plan_digest(
        repo=target_repo,
        month=chosen,
        title=title,
        markdown=markdown,
        figures=figures,
        config=config,
        target=where,
    )
    run_plan(plan, github, config, dry_run=dry_run, as_json=as_json, extra={"month": chosen})
