"""The queue on PostgreSQL (several instances sharing one database): claims with
`FOR UPDATE SKIP LOCKED`, one running job per lane, no job claimed twice.

Runs when a PostgreSQL server binary (`initdb`, `pg_ctl`) and the psycopg driver are installed;
skipped otherwise. A throwaway cluster is created in a temporary directory."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from ghcommunity.app.queue import Queue

pytest.importorskip("psycopg")


@pytest.fixture
def pg_queue(postgres_url: str) -> Iterator[Queue]:
    queue = Queue.open(postgres_url, lease_seconds=60, max_attempts=3)
    with queue.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM ghcommunity_deliveries")
    yield queue
    queue.close()


def test_postgres_queue_basics(pg_queue: Queue) -> None:
    assert pg_queue.postgres
    assert pg_queue.enqueue("a1", "issues", b"{}", installation_id=1).status == "queued"
    assert pg_queue.enqueue("a1", "issues", b"{}", installation_id=1).status == "duplicate"
    pg_queue.enqueue("a2", "issues", b"{}", installation_id=1)
    pg_queue.enqueue("b1", "issues", b"{}", installation_id=2)
    first = pg_queue.claim("w1")
    second = pg_queue.claim("w2")
    assert first is not None
    assert second is not None
    assert (first.id, second.id) == ("a1", "b1")
    assert pg_queue.claim("w3") is None  # a2 waits: its installation is busy
    pg_queue.park(first, "boom")
    assert pg_queue.enqueue("a1", "issues", b"{}", installation_id=1).status == "requeued"
    assert pg_queue.counts()["parked"] == 0


def test_two_instances_never_share_a_job(postgres_url: str, pg_queue: Queue) -> None:
    for n in range(200):
        pg_queue.enqueue(f"d{n}", "issues", b"{}", installation_id=n % 8)
    other = Queue.open(postgres_url)  # a second instance on the same database
    claimed: list[str] = []
    lock = threading.Lock()

    def work(queue: Queue, name: str) -> None:
        idle = 0
        while idle < 50:
            job = queue.claim(name)
            if job is None:
                idle += 1
                continue
            idle = 0
            with lock:
                claimed.append(job.id)
            queue.complete(job)

    threads = [
        threading.Thread(target=work, args=(q, f"{q is other}-{n}"))
        for q in (pg_queue, other)
        for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert sorted(claimed) == sorted(f"d{n}" for n in range(200))
    assert pg_queue.counts()["done"] == 200
