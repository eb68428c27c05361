"""A handler for benchmarks/app_load.py: counts each delivery it runs, durably, in SQLite.

It listens to `repository_dispatch` with event_type `ghcommunity-benchmark`, which no real
handler does, so the benchmark measures the App (queue, workers, dispatcher), not the jobs.
Loaded into `ghcommunity serve` with `--handlers app_counter` (with benchmarks/ on PYTHONPATH);
the file comes from GHCOMMUNITY_BENCH_COUNTS. Each run of a delivery adds one to its row, so the
benchmark can tell "processed once" from "processed twice"."""

from __future__ import annotations

import os
import sqlite3
import threading

from ghcommunity.core.events import Event, on
from ghcommunity.core.plan import Plan
from ghcommunity.github.context import Context

_local = threading.local()


def _db() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(os.environ["GHCOMMUNITY_BENCH_COUNTS"], timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # survives a killed process, which is the test
        conn.execute(
            "CREATE TABLE IF NOT EXISTS runs (delivery TEXT PRIMARY KEY, runs INTEGER NOT NULL)"
        )
        _local.conn = conn
    return conn


@on("repository_dispatch.ghcommunity-benchmark")
def count(event: Event, ctx: Context) -> Plan | None:
    conn = _db()
    with conn:
        conn.execute(
            "INSERT INTO runs VALUES (?, 1) ON CONFLICT(delivery) DO UPDATE SET runs = runs + 1",
            (event.delivery_id,),
        )
    return None
