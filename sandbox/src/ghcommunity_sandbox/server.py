"""`Sandbox`: a local GitHub on a loopback port, in a background thread.

    from ghcommunity_sandbox import Sandbox

    with Sandbox.start(seed="sample") as sb:
        sb.url            # REST root, as api.github.com; GHES form: sb.url + "/api/v3"
        sb.graphql_url    # sb.url + "/graphql" (GHES: sb.url + "/api/graphql")
        sb.state          # live state: arrange and assert (see ghcommunity_sandbox.state)
        sb.stats()        # request counters, as GET /_sandbox/stats
        sb.reset_stats()  # as POST /_sandbox/reset-stats
        sb.reset("sample")  # fresh state (and counters, rate limits, deliveries)
        sb.flush_webhooks(timeout=5); sb.deliveries

Knobs: `latency_ms` (sleep per request), `fault_rate` + `seed_random` (reproducible 500, 502,
403 secondary rate limit with `retry-after: 1`, or a dropped connection; `/_sandbox/` routes
are never faulted), `webhook_url` + `webhook_secret`, `persist` (a SQLite file: the state is
loaded from it at start when present, and saved to it after changes and at stop).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from ghcommunity_sandbox import seed as seeds
from ghcommunity_sandbox.http import FAULT_KINDS, Faults, Reply, Router, SandboxApp
from ghcommunity_sandbox.state import State
from ghcommunity_sandbox.webhooks import Delivery, WebhookDispatcher

SeedArg = str | os.PathLike[str] | None
_KEEP: Any = object()


def build_router() -> Router:
    from ghcommunity_sandbox import (
        checks,  # noqa: F401 - registers the Checks API's routes
        hook_deliveries,  # noqa: F401 - the App's hook deliveries
    )
    from ghcommunity_sandbox.graphql_api import register as register_graphql
    from ghcommunity_sandbox.rest import ROUTER

    if not any(r.resource == "graphql" for r in ROUTER.routes):
        register_graphql(ROUTER)
    return ROUTER


class Persistence:
    """The state as one pickled snapshot in a SQLite table, saved when it changed."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS sandbox_state ("
                "id INTEGER PRIMARY KEY CHECK (id = 1), saved_at REAL NOT NULL, data BLOB NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def load(self) -> bytes | None:
        with self._connect() as db:
            row = db.execute("SELECT data FROM sandbox_state WHERE id = 1").fetchone()
        return bytes(row[0]) if row else None

    def save(self, blob: bytes) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO sandbox_state (id, saved_at, data) VALUES (1, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET saved_at = excluded.saved_at, data = excluded.data",
                (time.time(), blob),
            )


class Sandbox:
    """A running sandbox. Make one with `Sandbox.start(...)`; stop it with `stop()`."""

    def __init__(
        self,
        state: State,
        app: SandboxApp,
        *,
        seed: SeedArg,
        synthetic: int | None,
        seed_random: int,
        repo: str | None,
        webhooks: WebhookDispatcher,
        persistence: Persistence | None,
    ) -> None:
        self.state = state
        self.app = app
        self.seed = seed
        self.synthetic = synthetic
        self.seed_random = seed_random
        self.repo = repo
        self.webhooks = webhooks
        self.persistence = persistence
        self.host = "127.0.0.1"
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._saver: threading.Thread | None = None
        self._stopping = threading.Event()
        self._saved_writes = -1

    # -- starting and stopping --------------------------------------------------------------

    @classmethod
    def start(
        cls,
        seed: SeedArg = None,
        *,
        synthetic: int | None = None,
        seed_random: int = 0,
        repo: str | None = None,
        latency_ms: float = 0.0,
        fault_rate: float = 0.0,
        fault_kinds: Sequence[str] = FAULT_KINDS,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        persist: str | os.PathLike[str] | None = None,
    ) -> Sandbox:
        """Start a sandbox serving on `host:port` (port 0: any free port) and return it."""
        if latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if synthetic is not None and synthetic < 0:
            raise ValueError("synthetic must not be negative")
        from ghcommunity_sandbox.graphql_api import warm_up

        warm_up()
        state = State()
        persistence = Persistence(persist) if persist else None
        blob = persistence.load() if persistence else None
        if blob is not None:
            state.restore(blob)
        else:
            seeds.load(state, seed, synthetic=synthetic, seed_random=seed_random, repo=repo)
        faults = Faults(fault_rate, seed_random, fault_kinds)
        app = SandboxApp(
            state, build_router(), latency_ms=latency_ms, faults=faults, internal=INTERNAL
        )
        webhooks = WebhookDispatcher(state, webhook_url, webhook_secret, api="", web="")
        sandbox = cls(
            state,
            app,
            seed=seed,
            synthetic=synthetic,
            seed_random=seed_random,
            repo=repo,
            webhooks=webhooks,
            persistence=persistence,
        )
        app.sandbox = sandbox  # type: ignore[attr-defined]
        # The server thread shares the GIL with its in-process clients (tests, the demo): with
        # Python's default 5 ms switch interval each request waits for a hand-over, about 14 ms
        # a request on loopback; at 0.5 ms it is about 4 ms.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.0005))
        sandbox._serve(host, port)
        webhooks.api = webhooks.web = sandbox.url
        webhooks.start()
        state.listeners.append(webhooks.on_change)
        if persistence is not None:
            sandbox._saver = threading.Thread(
                target=sandbox._autosave, name="sandbox-persist", daemon=True
            )
            sandbox._saver.start()
        return sandbox

    def _serve(self, host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this: without it, a response's header and body writes
        # meet the client's delayed ACK and every request takes 40 ms.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        sock.listen(128)
        self.host, self.port = host, sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            server_header=False,
            timeout_keep_alive=30,
            backlog=256,
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="sandbox-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)

    def stop(self) -> None:
        """Stop serving (saving the state first when persisting)."""
        self._stopping.set()
        self.webhooks.flush(timeout=2)
        self.webhooks.stop()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._saver is not None:
            self._saver.join(timeout=5)
            self._saver = None
        self.save()
        if self.webhooks.on_change in self.state.listeners:
            self.state.listeners.remove(self.webhooks.on_change)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- persistence ------------------------------------------------------------------------

    def save(self) -> None:
        """Write the state to the `persist` file now (no-op without one)."""
        if self.persistence is not None:
            self.persistence.save(self.state.snapshot())
            self._saved_writes = self.app.stats.writes

    def _autosave(self) -> None:
        while not self._stopping.wait(1.0):
            if self.app.stats.writes != self._saved_writes:
                self.save()

    # -- the contract -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def graphql_url(self) -> str:
        return self.url + "/graphql"

    @property
    def ghes_url(self) -> str:
        return self.url + "/api/v3"

    def stats(self) -> dict[str, Any]:
        with self.state.lock:
            repos = sorted(r.full_name for r in self.state.repos.values())
        return self.app.stats.to_dict(repos)

    def reset_stats(self) -> None:
        self.app.stats.reset()

    def reset(
        self,
        seed: SeedArg = _KEEP,
        *,
        synthetic: int | None = _KEEP,
        seed_random: int | None = None,
        repo: str | None = _KEEP,
    ) -> None:
        """Fresh state from a seed (default: the one it started with); counters, rate limits
        and recorded deliveries are reset too."""
        self.flush_webhooks(timeout=5)
        if seed is not _KEEP:
            self.seed = seed
            if synthetic is _KEEP:
                synthetic = None
        if synthetic is not _KEEP:
            self.synthetic = synthetic
        if repo is not _KEEP:
            self.repo = repo
        if seed_random is not None:
            self.seed_random = seed_random
        with self.state.lock:
            seeds.load(
                self.state,
                self.seed,
                synthetic=self.synthetic,
                seed_random=self.seed_random,
                repo=self.repo,
            )
        self.app.stats.reset()
        self.app.rate.reset()
        self.webhooks.clear()

    def flush_webhooks(self, timeout: float = 5.0) -> bool:
        """Wait until queued webhook deliveries are sent (False if `timeout` ran out)."""
        return self.webhooks.flush(timeout)

    @property
    def deliveries(self) -> list[Delivery]:
        return list(self.webhooks.deliveries)


# -- /_sandbox/ routes -------------------------------------------------------------------------


def _stats(app: SandboxApp, body: dict[str, Any]) -> Reply:
    sandbox: Sandbox = app.sandbox  # type: ignore[attr-defined]
    return Reply(sandbox.stats())


def _reset_stats(app: SandboxApp, body: dict[str, Any]) -> Reply:
    app.stats.reset()
    return Reply({"ok": True})


def _reset(app: SandboxApp, body: dict[str, Any]) -> Reply:
    sandbox: Sandbox = app.sandbox  # type: ignore[attr-defined]
    try:
        if "seed" in body:
            sandbox.reset(
                body.get("seed"),
                synthetic=body.get("synthetic"),
                seed_random=body.get("seed_random"),
            )
        else:
            sandbox.reset()
    except seeds.SeedError as exc:
        return Reply({"message": str(exc)}, 422)
    return Reply({"ok": True, "repos": sandbox.stats()["repos"]})


def _deliveries(app: SandboxApp, body: dict[str, Any]) -> Reply:
    sandbox: Sandbox = app.sandbox  # type: ignore[attr-defined]
    return Reply(
        [
            {
                "id": d.id,
                "event": d.event,
                "action": d.action,
                "status": d.status,
                "error": d.error,
                "payload": d.payload,
            }
            for d in sandbox.deliveries
        ]
    )


INTERNAL = {
    ("GET", "/_sandbox/stats"): _stats,
    ("POST", "/_sandbox/reset-stats"): _reset_stats,
    ("POST", "/_sandbox/reset"): _reset,
    ("GET", "/_sandbox/deliveries"): _deliveries,
}
