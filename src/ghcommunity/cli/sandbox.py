"""`ghcommunity sandbox`: run the local GitHub, read its counters, reset it.

ghcommunity sandbox serve [--host 127.0.0.1] [--port P] [--seed sample|minimal|empty|FILE]
                          [--synthetic N] [--seed-random S] [--repo OWNER/NAME]
                          [--latency-ms MS] [--fault-rate F]
                          [--webhook-url URL [--webhook-secret S]] [--persist FILE]
ghcommunity sandbox stats --api-url URL [--log]
ghcommunity sandbox reset --api-url URL [--seed NAME|FILE]
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import click

from ghcommunity.core.errors import InputError, OperationalError


class OneLineErrors(click.Command):
    """Bad flags end with one line (`error: ...`, exit 2) rather than a usage screen."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise InputError(exc.format_message()) from None


@click.group(name="sandbox")
def sandbox() -> None:
    """A local GitHub for tests, the demo and rehearsal (REST, GraphQL and webhooks)."""


_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


@sandbox.command(cls=OneLineErrors)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (loopback by default).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port (default: any free port; the URL is printed).",
)
@click.option(
    "--seed",
    "seed_name",
    default="sample",
    show_default=True,
    help="sample, minimal, empty, or a seed file (YAML or JSON).",
)
@click.option(
    "--synthetic",
    type=click.IntRange(min=0),
    default=None,
    help="Also generate N issues and pull requests (and N/10 discussions).",
)
@click.option(
    "--seed-random",
    type=int,
    default=0,
    show_default=True,
    help="Random seed for --synthetic and --fault-rate (reproducible).",
)
@click.option("--repo", default=None, help="Repository for --synthetic (OWNER/NAME).")
@click.option(
    "--latency-ms",
    type=click.FloatRange(min=0),
    default=0.0,
    help="Sleep this long before answering each request.",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    help="Fraction of requests answered 500, 502, 403 (secondary rate limit) or dropped.",
)
@click.option("--webhook-url", default=None, help="POST every change here, as GitHub does.")
@click.option("--webhook-secret", default=None, help="Sign deliveries (X-Hub-Signature-256).")
@click.option(
    "--persist",
    type=click.Path(dir_okay=False),
    default=None,
    help="Keep the state in this SQLite file (loaded at start, saved on change).",
)
def serve(
    host: str,
    port: int,
    seed_name: str,
    synthetic: int | None,
    seed_random: int,
    repo: str | None,
    latency_ms: float,
    fault_rate: float,
    webhook_url: str | None,
    webhook_secret: str | None,
    persist: str | None,
) -> None:
    """Serve the sandbox until Ctrl-C."""
    from ghcommunity_sandbox import Sandbox
    from ghcommunity_sandbox.seed import SeedError

    if repo is not None and not _REPO.match(repo):
        raise InputError(f"--repo {repo!r} is not OWNER/NAME")
    if webhook_secret and not webhook_url:
        raise InputError("--webhook-secret needs --webhook-url")
    if webhook_url and not webhook_url.startswith(("http://", "https://")):
        raise InputError(f"--webhook-url {webhook_url!r} is not an http(s) URL")
    seed: str | None = None if seed_name in ("empty", "none") else seed_name
    if seed not in (None, "sample", "minimal") and not Path(str(seed)).is_file():
        raise InputError(f"--seed {seed_name!r}: no such seed file (or use sample, minimal, empty)")
    try:
        sb = Sandbox.start(
            seed,
            synthetic=synthetic,
            seed_random=seed_random,
            repo=repo,
            latency_ms=latency_ms,
            fault_rate=fault_rate,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            host=host,
            port=port,
            persist=persist,
        )
    except SeedError as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise OperationalError(str(exc)) from None
    repos = sb.stats()["repos"]
    click.echo(f"ghcommunity sandbox serving {len(repos)} repositories at {sb.url}")
    click.echo(f"  REST     {sb.url}  (GitHub Enterprise Server form: {sb.url}/api/v3)")
    click.echo(f"  GraphQL  {sb.graphql_url}  (GHES: {sb.url}/api/graphql)")
    click.echo(f"  counters {sb.url}/_sandbox/stats")
    for name in repos[:5]:
        click.echo(f"  repo     {name}")
    click.echo(
        f"Try: GITHUB_API_URL={sb.url} GITHUB_TOKEN=sandbox ghcommunity ...  "
        "(any token works). Ctrl-C stops."
    )
    stop = threading.Event()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
        click.echo("sandbox stopped")


_sandbox_url = click.option(
    "--api-url",
    envvar="GITHUB_API_URL",
    default=None,
    help="The sandbox's URL (as printed by `sandbox serve`).",
)


def _api(api_url: str | None) -> str:
    if not api_url:
        raise InputError("--api-url (or GITHUB_API_URL) is required: the sandbox's URL")
    return api_url.rstrip("/")


@sandbox.command(cls=OneLineErrors)
@_sandbox_url
@click.option("--log", "with_log", is_flag=True, help="Include the recent request log.")
def stats(api_url: str | None, with_log: bool) -> None:
    """Print the sandbox's request counters as JSON."""
    data = _call("GET", _api(api_url), "/_sandbox/stats")
    if not with_log and isinstance(data, dict):
        data.pop("log", None)
    click.echo(json.dumps(data, indent=2))


@sandbox.command(cls=OneLineErrors)
@_sandbox_url
@click.option(
    "--seed",
    "seed_name",
    default=None,
    help="Reset to this seed instead of the one it started with.",
)
def reset(api_url: str | None, seed_name: str | None) -> None:
    """Reset the sandbox's state and counters."""
    body = {} if seed_name is None else {"seed": None if seed_name == "empty" else seed_name}
    data = _call("POST", _api(api_url), "/_sandbox/reset", body)
    click.echo(json.dumps(data, indent=2))


def _call(method: str, base: str, path: str, body: dict[str, Any] | None = None) -> Any:
    from ghcommunity_sandbox.control import ControlError, call

    try:
        return call(base, method, path, body)
    except ControlError as exc:
        raise OperationalError(str(exc)) from None
