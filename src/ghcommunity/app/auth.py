"""Installation auth: the App's id and key → installation tokens, cached, narrowed per repository.

GitHub issues an installation token for an hour. We ask for one narrowed to the repositories a
delivery concerns (`repositories: [name]`), so a handler acting on one repository cannot write to
another, keep it until five minutes before it expires, and build one `GitHubClient` per token.
In development (`--token`), one plain token serves every repository instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from ghcommunity.app.logging import REDACTOR
from ghcommunity.app.settings import Settings
from ghcommunity.core.errors import OperationalError
from ghcommunity.core.timestamps import timestamp
from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy, split_repo

log = logging.getLogger(__name__)

REFRESH_MARGIN = 300.0  # seconds before expiry at which a cached token is replaced
# Rate-limit waits longer than this are not slept through in a worker thread: the job fails
# and the queue retries it after GitHub's `retry-after` instead.
IN_THREAD_WAIT = timedelta(seconds=10)


class NoInstallation(OperationalError):
    """A delivery without an installation cannot be acted on in App mode."""


@dataclass(frozen=True)
class CachedToken:
    token: str
    expires_at: float


def _parse_expiry(value: object, now: float) -> float:
    expires = timestamp(value)
    if expires is not None:
        return expires.timestamp()
    return now + 3600.0  # GitHub's documented lifetime


class InstallationTokens:
    """Installation tokens keyed by (installation, repositories), refreshed before expiry."""

    def __init__(
        self,
        app_client: Callable[[], GitHubClient],
        *,
        clock: Callable[[], float] = time.time,
        margin: float = REFRESH_MARGIN,
    ) -> None:
        self._app_client = app_client
        self._clock = clock
        self._margin = margin
        self._tokens: dict[tuple[int, tuple[str, ...]], CachedToken] = {}
        self._locks: dict[tuple[int, tuple[str, ...]], threading.Lock] = {}
        self._guard = threading.Lock()
        self.issued = 0  # how many tokens we asked GitHub for

    def token(self, installation_id: int, repositories: Iterable[str] = ()) -> str:
        key = (installation_id, tuple(sorted({r.lower() for r in repositories})))
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one request per key even when several workers want it at once
            cached = self._tokens.get(key)
            now = self._clock()
            if cached and cached.expires_at - self._margin > now:
                return cached.token
            body = {"repositories": list(key[1])} if key[1] else None
            data = self._app_client().rest(
                "POST",
                f"/app/installations/{installation_id}/access_tokens",
                json=body,
                what=f"getting a token for installation {installation_id}",
            )
            token = str((data or {}).get("token") or "")
            if not token:
                raise OperationalError(f"installation {installation_id}: GitHub returned no token")
            REDACTOR.add(token)
            self.issued += 1
            self._tokens[key] = CachedToken(token, _parse_expiry(data.get("expires_at"), now))
            log.info(
                "installation %s: new token for %s",
                installation_id,
                ", ".join(key[1]) or "all repositories",
            )
            return token

    def forget(self, installation_id: int) -> None:
        """Drop every token of an installation (it was deleted or suspended)."""
        with self._guard:
            for key in [k for k in self._tokens if k[0] == installation_id]:
                self._tokens.pop(key, None)


class Clients:
    """The GitHubClient a delivery's handlers use: per installation and repositories."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self._retry = RetryPolicy(max_wait=IN_THREAD_WAIT)
        self.tokens = InstallationTokens(self.app_client, clock=clock)
        self._clients: dict[str, GitHubClient] = {}
        self._guard = threading.Lock()

    def _client_for_token(self, token: str) -> GitHubClient:
        with self._guard:
            client = self._clients.get(token)
            if client is None:
                if len(self._clients) > 256:  # expired tokens: start afresh
                    self._clients.clear()
                client = GitHubClient(
                    Connection(api_url=self.settings.api_url, token=token, max_wait=IN_THREAD_WAIT),
                    retry=self._retry,
                )
                self._clients[token] = client
            return client

    def app_client(self) -> GitHubClient:
        """Authenticated as the App itself (a JWT): for installation tokens and listings."""
        return GitHubClient(
            Connection(
                api_url=self.settings.api_url,
                app_id=self.settings.app_id,
                private_key=self.settings.private_key,
                max_wait=IN_THREAD_WAIT,
            ),
            retry=self._retry,
        )

    def for_repos(self, installation_id: int | None, repos: Iterable[str]) -> GitHubClient:
        if not self.settings.app_mode:
            assert self.settings.token  # checked at start-up
            return self._client_for_token(self.settings.token)
        if not installation_id:
            raise NoInstallation("the delivery names no installation; nothing to act as")
        names: list[str] = []
        owner = None
        for full_name in repos:
            repo_owner, name = split_repo(full_name)
            owner = owner or repo_owner.lower()
            if repo_owner.lower() == owner:  # an installation belongs to one account
                names.append(name)
        return self._client_for_token(self.tokens.token(installation_id, names))

    def forget(self, installation_id: int) -> None:
        self.tokens.forget(installation_id)
