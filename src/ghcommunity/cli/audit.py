"""`ghcommunity audit` and `ghcommunity directory`: the community registry."""

from __future__ import annotations

import json
import os

import click

from ghcommunity.cli.common import (
    client,
    config_option,
    echo_json,
    github_options,
    job_context,
    load,
    outcome_lines,
    parse_now,
    write_output,
)
from ghcommunity.core.errors import InputError
from ghcommunity.github.client import Connection, web_url_for
from ghcommunity.jobs.registry import audit as registry_audit
from ghcommunity.jobs.registry import directory as registry_directory
from ghcommunity.jobs.registry import read as registry_read
from ghcommunity.jobs.registry.settings import RegistryConfig


def web_url(api_url: str | None) -> str:
    """The web address matching --api-url or GITHUB_API_URL (github.com, an Enterprise Server
    host, the sandbox), read here at the door: the planners never read the environment. No
    token is needed for it (nothing is requested)."""
    env = {"GITHUB_API_URL": os.environ.get("GITHUB_API_URL", "")}
    return web_url_for(Connection.from_env(api_url=api_url, env=env).api_url)


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
    from ghcommunity.jobs.registry.job import AuditOptions
    from ghcommunity.jobs.runner import run_job

    config = load(config_path)
    target = repo or config.repo
    now = parse_now(now_text)
    fmt = "json" if as_json else fmt
    if no_notes and publish:
        raise InputError("--publish needs the notes folders: drop --no-notes")
    if no_notes:  # nothing read from GitHub and nothing written: no job to run
        view = RegistryConfig.of(config)
        report = registry_audit.audit_registry(
            view, None, now.date(), repo=target, web_url=web_url(api_url)
        )
        data, text, lines = report.to_dict(), registry_audit.render_markdown(report, view), []
        ok = report.ok
    else:
        options = AuditOptions(now=now, publish=publish, dry_run=dry_run)
        run = run_job("audit", job_context(config, client(api_url, token)), options, target)
        data, text, ok = run.result.details, run.result.text or "", bool(run.result.details["ok"])
        if publish:
            data = {**data, **{k: v for k, v in run.to_dict().items() if k not in data}}
            lines = (
                run.plan.to_text().splitlines()
                if run.dry_run
                else outcome_lines(run.plan, run.outcomes)
            )
        else:
            lines = []
    if fmt == "json":
        echo_json(data)
    else:
        click.echo(text, nl=False)
        # stdout holds the report; what happened to the tracking issue goes to stderr.
        for line in lines:
            click.echo(line, err=True)
    if strict and not ok:
        raise click.exceptions.Exit(1)


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
    config = RegistryConfig.of(load(config_path))
    now = parse_now(now_text)
    web = web_url(api_url)
    health = None
    if not no_notes:
        notes = registry_read.read_notes(client(api_url, token), config, repo or config.repo)
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
        data = registry_directory.render_json(config, now, health, web_url=web)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif chosen == "html":
        text = registry_directory.render_html(config, now, health, web_url=web)
    else:
        text = registry_directory.render_markdown(config, now, health, web_url=web)
    if out is None:
        click.echo(text, nl=False)
        return
    write_output(out, text)
    click.echo(f"wrote {out} ({len(config.groups)} groups)")
