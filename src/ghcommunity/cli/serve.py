"""`ghcommunity serve`: the GitHub App's webhook server (Starlette + uvicorn)."""

from __future__ import annotations

import logging
import os
import sys

import click

from ghcommunity.app.settings import (
    DEFAULT_QUEUE_URL,
    DEFAULT_STORE_URL,
    Settings,
    check,
    read_private_key,
)
from ghcommunity.cli.common import github_options

BACKLOG = 512  # pending connections the kernel holds for us


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="GHCOMMUNITY_HOST",
    help="Address to listen on (0.0.0.0 in a container).",
)
@click.option("--port", default=8000, show_default=True, type=int, envvar="PORT")
@click.option(
    "--workers",
    default=4,
    show_default=True,
    type=click.IntRange(1, 256),
    envvar="GHCOMMUNITY_WORKERS",
    help="Worker threads running handlers.",
)
@click.option(
    "--queue",
    "queue_url",
    default=DEFAULT_QUEUE_URL,
    show_default=True,
    envvar="GHCOMMUNITY_QUEUE_URL",
    help="Queue database: sqlite:///PATH, or a PostgreSQL URL shared by several instances.",
)
@click.option(
    "--store",
    "store_url",
    default=DEFAULT_STORE_URL,
    show_default=True,
    envvar="GHCOMMUNITY_STORE",
    help="The digest's activity store (SQLAlchemy URL), kept between monthly runs.",
)
@click.option(
    "--webhook-secret",
    envvar="GHCOMMUNITY_WEBHOOK_SECRET",
    show_envvar=True,
    help="The App's webhook secret (required).",
)
@click.option("--app-id", envvar="GHCOMMUNITY_APP_ID", show_envvar=True)
@click.option(
    "--private-key-file",
    envvar="GHCOMMUNITY_PRIVATE_KEY_FILE",
    show_envvar=True,
    type=click.Path(dir_okay=False),
    help="The App's private key file (.pem). Or put the key's text in GHCOMMUNITY_PRIVATE_KEY; "
    "there is no flag for the text, because other users can read a command line.",
)
@click.option(
    "--admin-token",
    envvar="GHCOMMUNITY_ADMIN_TOKEN",
    show_envvar=True,
    help="Bearer token for /admin/...; without one the admin endpoints are off.",
)
@click.option(
    "--max-attempts",
    default=5,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Attempts before a failing delivery is parked.",
)
@click.option(
    "--retry-base",
    default=30.0,
    show_default=True,
    type=float,
    help="Seconds before the first retry; doubles each time (capped at an hour).",
)
@click.option(
    "--lease-seconds",
    default=60.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    help="A job whose worker stops heartbeating for this long is taken over by another.",
)
@click.option(
    "--job-timeout",
    default=600.0,
    show_default=True,
    type=click.FloatRange(1, 86400),
    envvar="GHCOMMUNITY_JOB_TIMEOUT",
    help="Seconds a delivery's handlers may run; after that it is failed and retried later.",
)
@click.option(
    "--max-connections",
    default=2000,
    show_default=True,
    type=click.IntRange(10, 100_000),
    envvar="GHCOMMUNITY_MAX_CONNECTIONS",
    help="Open connections at most; beyond it the one waiting longest for its request is closed.",
)
@click.option(
    "--recover-interval",
    default=600.0,
    show_default=True,
    type=click.FloatRange(0, 86400),
    envvar="GHCOMMUNITY_RECOVER_INTERVAL",
    help="App mode: at start and then every this many seconds, ask GitHub to redeliver the "
    "deliveries it could not make (the App was down); 0 turns it off.",
)
@click.option(
    "--schedule",
    is_flag=True,
    help="Run scheduled jobs (meetings and lifecycle daily, the digest monthly).",
)
@click.option(
    "--schedule-repo",
    "schedule_repos",
    multiple=True,
    metavar="OWNER/NAME",
    help="With --token: the repositories to schedule jobs for (App mode finds them).",
)
@click.option(
    "--handlers",
    "handler_modules",
    multiple=True,
    metavar="MODULE",
    help="Also import this module's @on(...) handlers (your own extensions).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
@github_options
def serve(
    host: str,
    port: int,
    workers: int,
    queue_url: str,
    store_url: str,
    webhook_secret: str | None,
    app_id: str | None,
    private_key_file: str | None,
    admin_token: str | None,
    max_attempts: int,
    retry_base: float,
    lease_seconds: float,
    job_timeout: float,
    max_connections: int,
    recover_interval: float,
    schedule: bool,
    schedule_repos: tuple[str, ...],
    handler_modules: tuple[str, ...],
    log_level: str,
    api_url: str | None,
    token: str | None,
) -> None:
    """Receive GitHub's webhooks and run the same handlers as `ghcommunity handle`.

    Development against one account (or the sandbox): --token instead of the App's id and key.
    """
    import uvicorn

    from ghcommunity.app import logging as app_logging
    from ghcommunity.app.http import protocol_class
    from ghcommunity.app.service import build

    app_mode = bool(app_id)
    settings = check(
        Settings(
            webhook_secret=webhook_secret or "",
            api_url=(api_url or "https://api.github.com").rstrip("/"),
            app_id=app_id or None,
            private_key=read_private_key(
                os.environ.get("GHCOMMUNITY_PRIVATE_KEY") or None, private_key_file
            ),
            token=None if app_mode else (token or None),
            admin_token=admin_token or None,
            queue_url=queue_url,
            store_url=store_url,
            workers=workers,
            max_attempts=max_attempts,
            retry_base=retry_base,
            lease_seconds=lease_seconds,
            job_timeout=job_timeout,
            max_connections=max_connections,
            recover_interval=recover_interval,
            schedule=schedule,
            schedule_repos=schedule_repos,
            handler_modules=handler_modules,
        )
    )
    service = build(settings)
    # Worker threads run handlers (CPU and I/O) beside the event loop that acknowledges
    # webhooks; a shorter GIL switch interval keeps acknowledgements quick while they work.
    sys.setswitchinterval(0.0005)
    app_logging.configure(getattr(logging, log_level.upper()), secrets=settings.secrets())
    config = uvicorn.Config(
        service.asgi,
        host=host,
        port=port,
        log_config=None,
        access_log=log_level == "debug",
        lifespan="on",
        timeout_graceful_shutdown=10,
        timeout_keep_alive=5,
        server_header=False,
        backlog=BACKLOG,
        http=protocol_class(
            header_timeout=settings.header_timeout,
            body_timeout=settings.body_timeout,
            # Below the open-files limit, so the cap (which makes room) always acts before
            # accepting fails for want of file descriptors.
            max_connections=_raise_open_files(settings.max_connections),
        ),
    )
    logging.getLogger(__name__).info(
        "listening on http://%s:%d (%s)", host, port, "App" if app_mode else "token, development"
    )
    uvicorn.Server(config).run()


def _raise_open_files(connections: int) -> int:
    """Let the process open enough sockets for `connections` plus its databases and clients:
    raise the soft limit on open files towards the hard one. Returns the connection cap that
    fits (lower than asked when the hard limit is too low)."""
    # Connections accepted in one go before the cap closes any (up to the listen backlog), and
    # the queue, the store, GitHub clients and logs.
    spare = BACKLOG + 256
    try:
        import resource
    except ImportError:  # not on this platform
        return connections
    wanted = connections + spare
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return connections
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        target = soft
    if target >= wanted:
        return connections
    fits = max(target - spare, 10)
    logging.getLogger(__name__).warning(
        "only %d open files allowed: at most %d connections (not %d)", target, fits, connections
    )
    return fits
