"""The durable queue: leases, one job per lane, retries, parking, redelivery, many claimers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ghcommunity.app.queue import Queue


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue(tmp_path: Path, clock: Clock) -> Queue:
    q = Queue.open(f"sqlite:///{tmp_path / 'q.db'}", lease_seconds=60, max_attempts=3, clock=clock)
    yield q
    q.close()


def test_fifo_claim_and_complete(queue: Queue) -> None:
    for n in range(3):
        assert queue.enqueue(f"d{n}", "issues", b"{}", installation_id=n + 1).status == "queued"
    jobs = [queue.claim("w") for _ in range(3)]
    assert [j.id for j in jobs if j] == ["d0", "d1", "d2"]
    assert queue.claim("w") is None
    for job in jobs:
        assert job is not None
        assert queue.complete(job)
    assert queue.counts() == {"queued": 0, "running": 0, "done": 3, "parked": 0}


def test_one_running_job_per_installation(queue: Queue) -> None:
    queue.enqueue("a1", "issues", b"{}", installation_id=7)
    queue.enqueue("a2", "issues", b"{}", installation_id=7)
    queue.enqueue("b1", "issues", b"{}", installation_id=8)
    first = queue.claim("w1")
    second = queue.claim("w2")
    assert first is not None
    assert first.id == "a1"
    assert second is not None
    assert second.id == "b1"
    assert queue.claim("w3") is None
    queue.complete(first)
    third = queue.claim("w3")
    assert third is not None
    assert third.id == "a2"


def test_a_dead_workers_job_is_reclaimed_after_its_lease(queue: Queue, clock: Clock) -> None:
    queue.enqueue("d", "issues", b"{}", installation_id=1)
    job = queue.claim("dead-worker")
    assert job is not None
    clock.now += 59
    assert queue.claim("other") is None  # the lease still holds
    clock.now += 2
    again = queue.claim("other")
    assert again is not None
    assert again.id == "d"
    assert again.attempts == 2
    assert not queue.complete(job)  # the dead worker's late result is refused
    assert queue.complete(again)


def test_heartbeat_keeps_the_lease(queue: Queue, clock: Clock) -> None:
    queue.enqueue("d", "issues", b"{}")
    job = queue.claim("w")
    assert job is not None
    clock.now += 50
    assert queue.heartbeat("w") == 1
    clock.now += 50
    assert queue.claim("thief") is None


def test_retry_waits_then_parks_after_max_attempts(queue: Queue, clock: Clock) -> None:
    queue.enqueue("d", "issues", b"{}")
    for attempt in (1, 2):
        job = queue.claim("w")
        assert job is not None
        assert job.attempts == attempt
        assert queue.fail(job, "GitHub answered 502", retry_in=30) == "queued"
        assert queue.claim("w") is None  # not before the backoff
        clock.now += 31
    job = queue.claim("w")
    assert job is not None
    assert job.attempts == 3
    assert queue.fail(job, "GitHub answered 502 again", retry_in=30) == "parked"
    parked = queue.list("parked")
    assert [(r["id"], r["attempts"], r["last_error"]) for r in parked] == [
        ("d", 3, "GitHub answered 502 again")
    ]


def test_redelivery_of_a_parked_delivery_runs_again(queue: Queue) -> None:
    queue.enqueue("d", "issues", b'{"v": 1}')
    job = queue.claim("w")
    assert job is not None
    queue.park(job, "boom")
    result = queue.enqueue("d", "issues", b'{"v": 2}')
    assert result.status == "requeued"
    again = queue.claim("w")
    assert again is not None
    assert again.attempts == 1
    assert again.body == b'{"v": 2}'
    queue.complete(again)
    assert queue.enqueue("d", "issues", b"{}").note == "duplicate delivery: already processed"


def test_duplicates_of_queued_and_running_are_noted(queue: Queue) -> None:
    queue.enqueue("d", "issues", b"{}")
    assert queue.enqueue("d", "issues", b"{}").note == "duplicate delivery: already queued"
    assert queue.claim("w") is not None
    assert queue.enqueue("d", "issues", b"{}").note == "duplicate delivery: already running"


def test_admin_retry(queue: Queue) -> None:
    assert queue.retry("nope") is None
    queue.enqueue("d", "issues", b"{}")
    assert queue.retry("d") == "queued"  # nothing to do: it is queued already
    job = queue.claim("w")
    assert job is not None
    queue.park(job, "boom")
    assert queue.retry("d") == "parked"
    assert queue.counts()["queued"] == 1


def test_prune_forgets_old_finished_deliveries(queue: Queue, clock: Clock) -> None:
    queue.enqueue("old", "issues", b"{}")
    job = queue.claim("w")
    assert job is not None
    queue.complete(job)
    clock.now += 8 * 86400
    queue.enqueue("new", "issues", b"{}")
    assert queue.prune(7) == 1
    assert queue.get("old") is None
    assert queue.get("new") is not None


def test_many_threads_never_claim_a_job_twice(tmp_path: Path) -> None:
    queue = Queue.open(f"sqlite:///{tmp_path / 'q.db'}")
    for n in range(300):
        queue.enqueue(f"d{n}", "issues", b"{}", installation_id=n % 10)
    claimed: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while True:
            job = queue.claim(name)
            if job is None:
                if queue.counts()["queued"] == 0:
                    return
                continue
            with lock:
                claimed.append(job.id)
            queue.complete(job)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(f"d{n}" for n in range(300))
    assert queue.counts()["done"] == 300
    queue.close()


def test_acknowledged_deliveries_survive_a_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    first = Queue.open(url)
    first.enqueue("kept", "issues", b'{"a": 1}')
    first.close()
    second = Queue.open(url)
    job = second.claim("w")
    assert job is not None
    assert job.id == "kept"
    assert job.body == b'{"a": 1}'
    second.close()


def test_unsupported_queue_urls_are_one_line_errors(tmp_path: Path) -> None:
    from ghcommunity.core.errors import InputError

    with pytest.raises(InputError, match="unsupported database"):
        Queue.open("mysql://x/y")
    with pytest.raises(InputError, match="not a database URL"):
        Queue.open("not a url")
