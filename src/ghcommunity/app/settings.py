"""The App's settings: flags or environment, checked once at start-up.

The server refuses to start without a webhook secret (an unsigned endpoint on the internet would
act on anyone's forged events) and without a way to authenticate to GitHub.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ghcommunity.core.errors import InputError

MAX_BODY = 25 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB
# A webhook secret anyone could guess signs forged events. GitHub asks for "a random string with
# high entropy"; 16 characters is the least we take (`openssl rand -hex 32` gives 64).
MIN_SECRET = 16
DEFAULT_QUEUE_URL = "sqlite:///.ghcommunity/app-queue.db"
# The digest's activity store, beside the queue; rows are keyed by repository, so one database
# serves every installation (a PostgreSQL URL for several instances).
DEFAULT_STORE_URL = "sqlite:///.ghcommunity/app-store.sqlite"


@dataclass(frozen=True)
class Settings:
    webhook_secret: str = field(repr=False)
    api_url: str = "https://api.github.com"
    app_id: str | None = None
    private_key: str | None = field(default=None, repr=False)
    # Development and the sandbox: one plain token for every repository instead of App auth.
    token: str | None = field(default=None, repr=False)
    admin_token: str | None = field(default=None, repr=False)
    queue_url: str = DEFAULT_QUEUE_URL
    store_url: str = DEFAULT_STORE_URL
    workers: int = 4
    max_attempts: int = 5
    retry_base: float = 30.0  # seconds before the first retry; doubles each time
    retry_cap: float = 3600.0
    lease_seconds: float = 60.0  # a claimed job not heartbeated for this long is reclaimed
    keep_done_days: float = 7.0  # how long finished deliveries are remembered for dedup
    config_ttl: float = 3600.0  # re-read a repository's config at least this often
    max_body: int = MAX_BODY
    schedule: bool = False
    schedule_repos: tuple[str, ...] = ()
    handler_modules: tuple[str, ...] = ()
    job_timeout: float = 600.0  # a job still running after this is failed and retried
    shutdown_timeout: float = 20.0  # how long stopping waits for running jobs
    header_timeout: float = 10.0  # a client has this long to send its request headers
    body_timeout: float = 60.0  # ... and then this long to send the body
    max_connections: int = 2000  # open connections; beyond it the slowest idle one is dropped
    # Recover deliveries GitHub could not make while we were down (App mode): at start, then
    # this often (0 = never), looking back at most `recover_window` seconds.
    recover_interval: float = 600.0
    recover_window: float = 3 * 86400.0

    @property
    def app_mode(self) -> bool:
        return bool(self.app_id and self.private_key)

    def secrets(self) -> list[str]:
        """Every secret value, for the log redaction filter."""
        values = [self.webhook_secret, self.private_key, self.token, self.admin_token]
        return [v for v in values if v]


def read_private_key(value: str | None, path: str | None) -> str | None:
    """The PEM text from the value itself or from a file."""
    if value:
        return value.replace("\\n", "\n").strip() + "\n"
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the App's private key: {exc.strerror}") from None
    return text.strip() + "\n"


def check(settings: Settings) -> Settings:
    """Refuse settings the server cannot safely run with; one line each."""
    if not settings.webhook_secret.strip():
        raise InputError(
            "no webhook secret: set GHCOMMUNITY_WEBHOOK_SECRET (or --webhook-secret); "
            "the server will not accept unsigned webhooks"
        )
    if len(settings.webhook_secret.strip()) < MIN_SECRET:
        raise InputError(
            f"the webhook secret is too short ({len(settings.webhook_secret.strip())} "
            f"characters): use at least {MIN_SECRET} random characters, e.g. from "
            "`openssl rand -hex 32`, in the App's settings and in GHCOMMUNITY_WEBHOOK_SECRET"
        )
    if bool(settings.app_id) != bool(settings.private_key):
        missing = "the private key" if settings.app_id else "the App id"
        raise InputError(
            f"incomplete App credentials: {missing} is missing "
            "(GHCOMMUNITY_APP_ID with GHCOMMUNITY_PRIVATE_KEY or GHCOMMUNITY_PRIVATE_KEY_FILE)"
        )
    if not settings.app_mode and not settings.token:
        raise InputError(
            "no GitHub credentials: set GHCOMMUNITY_APP_ID and GHCOMMUNITY_PRIVATE_KEY_FILE "
            "(or --token for development against one account)"
        )
    if settings.private_key and "PRIVATE KEY" not in settings.private_key:
        raise InputError("the App's private key is not a PEM key (expected '-----BEGIN ...')")
    if settings.workers < 1:
        raise InputError("--workers must be at least 1")
    if settings.max_attempts < 1:
        raise InputError("--max-attempts must be at least 1")
    if settings.job_timeout <= 0:
        raise InputError("--job-timeout must be more than 0 seconds")
    _check_store(settings.store_url)
    return settings


def _check_store(url: str) -> None:
    """A store URL that cannot work is refused at start, not on the first monthly digest."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = ""
    if backend not in ("sqlite", "postgresql"):
        raise InputError(
            f"--store {url!r} is not a database URL: expected sqlite:///PATH or "
            "postgresql://user@host/db"
        )
