"""`ghcommunity audit` and `ghcommunity directory`: the community registry."""

from __future__ import annotations

import json
from typing import Any

import click

from ghcommunity.cli.common import (
    client,
    config_option,
    echo_json,
    github_options,
    load,
    outcome_lines,
    parse_now,
    write_output,
)
from ghcommunity.config import Config
from ghcommunity.core.errors import InputError
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.executor import Executor
from ghcommunity.jobs.registry import audit as registry_audit
from ghcommunity.jobs.registry import directory as registry_directory


@click.command()
@click.option("--repo", default=None, help="OWNER/REPO holding the notes (default: the config's).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="Report format.",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option("--strict", is_flag=True, help="Exit 1 when anything fails (for CI).")
@click.option(
    "--publish", is_flag=True, help="Keep the tracking issue up to date with the findings."
)
@click.option("--dry-run", is_flag=True, help="With --publish: print the Plan instead.")
@click.option(
    "--no-notes", is_flag=True, help="Skip reading notes folders (no GitHub access needed)."
)
@click.option("--now", "now_text", default=None, help="Act as if it were this time (ISO).")
@config_option
@github_options
def audit(
    repo: str | None,
    fmt: str,
    as_json: bool,
    strict: bool,
    publish: bool,
    dry_run: bool,
    no_notes: bool,
    now_text: str | None,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
) -> None:
    """Audit the registry: missing basics, when each group last met, likely duplicates."""
    config = load(config_path)
    target = repo or config.repo
    now = parse_now(now_text)
    fmt = "json" if as_json else fmt
    if no_notes and publish:
        raise InputError("--publish needs the notes folders: drop --no-notes")
    github = None if no_notes else client(api_url, token)
    notes = None if github is None else registry_audit.read_notes(github, config, target)
    report = registry_audit.audit_registry(config, notes, now.date(), repo=target)
    published: dict[str, Any] = {}
    if publish:
        assert github is not None
        published = _publish(report, config, github, target, dry_run=dry_run)
    if fmt == "json":
        extra = {k: v for k, v in published.items() if k != "lines"}
        echo_json({**report.to_dict(), **extra})
    else:
        click.echo(registry_audit.render_markdown(report, config), nl=False)
        # stdout holds the report; what happened to the tracking issue goes to stderr.
        for line in published.get("lines", []):
            click.echo(line, err=True)
    if strict and not report.ok:
        raise click.exceptions.Exit(1)


def _publish(
    report: registry_audit.AuditReport,
    config: Config,
    github: GitHubClient,
    repo: str,
    *,
    dry_run: bool,
) -> dict[str, Any]:
    """Keep the tracking issue up to date; returns the Plan, outcomes and lines for people."""
    executor = Executor(github, actor=config.community.bot_login)
    plan = registry_audit.plan_tracking(report, config, repo, executor)
    if dry_run:
        return {**plan.to_dict(), "dry_run": True, "lines": plan.to_text().splitlines()}
    outcomes = executor.apply(plan)
    lines = outcome_lines(plan, outcomes)
    return {**plan.to_dict(), "outcomes": [o.to_dict() for o in outcomes], "lines": lines}


@click.command()
@click.option(
    "--out", type=click.Path(dir_okay=False), default=None, help="File (default: stdout)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json"]),
    default=None,
    help="Default: from --out's extension, else md.",
)
@click.option("--now", "now_text", default=None, help="Next meetings as of this time (ISO).")
@click.option(
    "--no-notes",
    is_flag=True,
    help="Skip reading the notes folders (no GitHub access; every status is then unknown).",
)
@click.option("--repo", default=None, help="OWNER/REPO holding the notes (default: the config's).")
@config_option
@github_options
def directory(
    out: str | None,
    fmt: str | None,
    now_text: str | None,
    no_notes: bool,
    repo: str | None,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
) -> None:
    """Write the directory of groups: Markdown with Eleventy front matter, a standalone HTML
    page, or JSON. Each group's status comes from its notes, as in the audit."""
    config = load(config_path)
    now = parse_now(now_text)
    health = None
    if not no_notes:
        notes = registry_audit.read_notes(client(api_url, token), config, repo or config.repo)
        health = {
            g.slug: registry_audit.health_of(
                notes[g.slug], now.date(), config.registry.dormant_months
            )
            for g in config.groups
            if g.slug in notes
        }
    suffix = (out or "").rsplit(".", 1)[-1].lower() if out and "." in out else ""
    chosen = fmt or ({"json": "json", "html": "html", "htm": "html"}.get(suffix, "md"))
    if chosen == "json":
        data = registry_directory.render_json(config, now, health)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif chosen == "html":
        text = registry_directory.render_html(config, now, health)
    else:
        text = registry_directory.render_markdown(config, now, health)
    if out is None:
        click.echo(text, nl=False)
        return
    write_output(out, text)
    click.echo(f"wrote {out} ({len(config.groups)} groups)")
