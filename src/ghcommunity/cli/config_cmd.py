"""`ghcommunity config validate|schema`."""

from __future__ import annotations

import click

from ghcommunity.config import (
    ConfigError,
    checkout_of,
    find_config,
    json_schema,
    load_config,
    missing_files,
)
from ghcommunity.core.providers import config_check_problems
from ghcommunity.github.client import Connection, GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.jobs.runner import load_handlers


@click.group()
def config() -> None:
    """Validate the config, or print its JSON Schema for editors."""


@config.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def validate(path: str | None) -> None:
    """Exit 0 if PATH (default: the discovered config) is valid; 2 with file:line:column if not."""
    found = find_config(path)
    cfg = load_config(found)
    # The files it names must be in the repository (this checkout): a template, the supplied
    # figures, a DDaT taxonomy someone chose. The jobs that read them fail without them.
    text = found.read_text(encoding="utf-8")
    root = checkout_of(found)
    missing = missing_files(text, str(found), cfg, lambda name: (root / name).is_file())
    if missing:
        raise ConfigError(missing)
    # What the jobs find wrong in those files (a DDaT taxonomy that does not parse).
    load_handlers()
    found_wrong = config_check_problems(Context(cfg, GitHubClient(Connection()), checkout=root))
    if found_wrong:
        raise ConfigError(found_wrong)
    click.echo(
        f"{found}: ok ({len(cfg.groups)} groups, {len(cfg.labels.definitions)} labels declared)"
    )


@config.command()
def schema() -> None:
    """Print the JSON Schema of .github/ghcommunity.yml."""
    click.echo(json_schema())
