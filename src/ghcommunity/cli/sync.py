"""`ghcommunity sync`: fetch a repository's activity into the local store."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from datetime import UTC, date, datetime
from typing import Any

import click

from ghcommunity.cli.common import (
    F,
    client,
    config_option,
    echo_json,
    github_options,
    job_context,
    load,
)
from ghcommunity.config import Config
from ghcommunity.core.errors import InputError
from ghcommunity.github.client import GitHubClient, split_repo
from ghcommunity.jobs.digest.store import DEFAULT_URL
from ghcommunity.jobs.digest.sync import SyncReport, sync_store

RESOURCE_NAMES = {
    "issues": "Issues",
    "pulls": "Pull requests",
    "discussions": "Discussions",
    "notes": "Notes folders",
}


class PlainProgress:
    """One line per step, for CI logs (no control characters, nothing redrawn)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.totals: dict[str, int | None] = {}
        self.every = 1000

    def start(self, resource: str, total: int | None) -> None:
        self.seen[resource] = 0
        self.totals[resource] = total
        about = f" (about {total})" if total else ""
        click.echo(f"sync: {RESOURCE_NAMES.get(resource, resource)}{about}…", err=True)

    def advance(self, resource: str, count: int) -> None:
        before = self.seen.get(resource, 0)
        self.seen[resource] = before + count
        if before // self.every != self.seen[resource] // self.every:
            total = self.totals.get(resource)
            of = f" of {total}" if total else ""
            click.echo(f"sync: {resource}: {self.seen[resource]}{of}", err=True)

    def finish(self, resource: str, summary: str) -> None:
        click.echo(f"sync: {summary}", err=True)


class RichProgress:
    """A progress bar per resource, on a terminal."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def start(self, resource: str, total: int | None) -> None:
        self.tasks[resource] = self.progress.add_task(
            RESOURCE_NAMES.get(resource, resource), total=total
        )

    def advance(self, resource: str, count: int) -> None:
        self.progress.advance(self.tasks[resource], count)

    def finish(self, resource: str, summary: str) -> None:
        task = self.tasks[resource]
        self.progress.update(task, description=summary)
        # A warm sync does not know its total: show the bar complete.
        done = self.progress.tasks[task].completed
        self.progress.update(task, total=max(done, 1), completed=max(done, 1))


def in_ci() -> bool:
    return bool(os.environ.get("CI")) or not sys.stderr.isatty()


def parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"--since {value!r}: expected a date, YYYY-MM-DD") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def store_option(func: F) -> F:
    """--store (GHCOMMUNITY_STORE): where `sync` writes and `digest` reads."""
    return click.option(
        "--store",
        "store_url",
        default=DEFAULT_URL,
        show_default=True,
        envvar="GHCOMMUNITY_STORE",
        help="SQLAlchemy URL of the store, e.g. postgresql://user@host/db.",
    )(func)


def progress_for_terminal() -> Any:
    """How a sync shows its progress where we run: lines in CI, bars in a terminal (a context
    manager either way)."""
    return nullcontext(PlainProgress()) if in_ci() else RichProgress()


def run_sync(
    github: GitHubClient,
    store_url: str,
    repo: str,
    config: Config,
    *,
    since: datetime | None = None,
    full: bool = False,
    quiet: bool = False,
) -> SyncReport:
    """Sync with the right progress display for where we run."""
    from ghcommunity.core.providers import role_resolver
    from ghcommunity.jobs.digest.settings import DigestConfig

    # Role answers read against the DDaT taxonomy in the checkout (the working directory).
    resolve = role_resolver(job_context(config, github))
    view = DigestConfig.of(config)
    if quiet:
        return sync_store(
            github, store_url, repo, view, since=since, full=full, resolve_role=resolve
        )
    with progress_for_terminal() as bars:
        return sync_store(
            github,
            store_url,
            repo,
            view,
            since=since,
            full=full,
            progress=bars,
            resolve_role=resolve,
        )


@click.command("sync")
@click.option("--repo", help="OWNER/REPO (default: the config's community repo).")
@click.option("--since", help="Fetch nothing last updated before this date (YYYY-MM-DD).")
@store_option
@click.option("--full", is_flag=True, help="Forget what was synced and fetch everything again.")
@click.option("--json", "as_json", is_flag=True, help="Print what was fetched as JSON.")
@config_option
@github_options
def sync(
    repo: str | None,
    since: str | None,
    store_url: str,
    full: bool,
    as_json: bool,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
) -> None:
    """Fetch issues, pull requests, discussions, comments, reviews, label events and notes
    commits into the local store. Only what changed since the last sync is fetched."""
    config = load(config_path)
    target = repo or config.repo
    split_repo(target)
    report = run_sync(
        client(api_url, token),
        store_url,
        target,
        config,
        since=parse_since(since),
        full=full,
        quiet=as_json,
    )
    if as_json:
        echo_json(report.to_dict())
        return
    words = {"issues": "issue", "pulls": "pull request", "discussions": "discussion"}
    items = ", ".join(
        f"{count} {words[name]}{'' if count == 1 else 's'}" for name, count in report.items.items()
    )
    click.echo(
        f"synced {target}: {items} new or changed; {report.contributions} comments, reviews "
        f"and replies; {report.notes_commits} notes commits; {report.requests} requests "
        f"in {report.seconds:.1f} s"
    )
