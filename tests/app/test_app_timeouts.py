"""A job that never returns (a handler stuck on a lock, as a bad schedule once made one) is
failed after its time limit and retried; its installation's lane and its worker slot go to other
work; stopping the App finishes in bounded time whatever the stuck thread does."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from app_harness import Harness, wait_until

from ghcommunity.app.processor import Processed
from ghcommunity.app.queue import Job


def issue(installation: int) -> dict[str, object]:
    return {
        "action": "opened",
        "issue": {"number": 1},
        "repository": {"full_name": "o/r"},
        "installation": {"id": installation},
    }


@pytest.fixture
def stuck() -> Iterator[threading.Event]:
    release = threading.Event()
    yield release
    release.set()  # let the stuck threads end with the test


def hanging_processor(harness: Harness, release: threading.Event) -> list[str]:
    """Deliveries whose id starts with 'hang' block until `release`; others finish at once."""
    done: list[str] = []

    def process(job: Job) -> Processed:
        if job.id.startswith("hang"):
            release.wait(60)
            return Processed("released")
        done.append(job.id)
        return Processed("ok")

    harness.service.workers.processor.process = process  # type: ignore[method-assign]
    return done


def test_a_job_past_its_time_limit_is_failed_and_its_installation_runs_on(
    make_harness: Callable[..., Harness], stuck: threading.Event
) -> None:
    harness = make_harness(job_timeout=0.3, max_attempts=2, retry_base=0.0, workers=2)
    done = hanging_processor(harness, stuck)
    workers = harness.service.workers
    workers.poll = 0.05
    workers.start()
    try:
        assert harness.post("issues", issue(1), delivery="hang-1").status_code == 202
        assert harness.post("issues", issue(1), delivery="same-installation").status_code == 202
        assert harness.post("issues", issue(2), delivery="other-installation").status_code == 202
        # Two attempts, each abandoned after its limit, then parked; meanwhile the rest run.
        wait_until(lambda: harness.state("hang-1") == "parked", timeout=30)
        wait_until(lambda: len(done) == 2, timeout=30)
        assert sorted(done) == ["other-installation", "same-installation"]
        row = harness.service.queue.get("hang-1")
        assert row is not None
        assert row["attempts"] == 2
        assert "timed out" in row["last_error"]
        assert workers.stuck == 2  # both threads are still blocked
        assert harness.http.get("/readyz").json() == {"status": "ready", "stuck_jobs": 2}
    finally:
        stopping = threading.Thread(target=workers.stop, args=(1.0,))
        stopping.start()
        stopping.join(20)
        assert not stopping.is_alive(), "stopping waited for the stuck threads"


def test_an_abandoned_job_never_records_over_its_next_attempt(
    make_harness: Callable[..., Harness], stuck: threading.Event
) -> None:
    harness = make_harness(job_timeout=0.3, max_attempts=3, retry_base=0.0, workers=1)
    hanging_processor(harness, stuck)
    workers = harness.service.workers
    workers.poll = 0.05
    workers.start()
    try:
        harness.post("issues", issue(1), delivery="hang-2")
        wait_until(lambda: (harness.service.queue.get("hang-2") or {}).get("attempts") == 2)
        stuck.set()  # the first attempt's thread now returns and tries to record "done"
        wait_until(lambda: workers.stuck == 0, timeout=30)
        wait_until(lambda: harness.state("hang-2") in ("done", "parked"), timeout=30)
        row = harness.service.queue.get("hang-2")
        assert row is not None
        assert row["attempts"] in (2, 3)
    finally:
        workers.stop(5.0)


def test_stopping_hands_an_unfinished_job_back_to_the_queue(
    make_harness: Callable[..., Harness], stuck: threading.Event
) -> None:
    harness = make_harness(job_timeout=600.0, workers=1)
    hanging_processor(harness, stuck)
    workers = harness.service.workers
    workers.poll = 0.05
    workers.start()
    harness.post("issues", issue(1), delivery="hang-3")
    wait_until(lambda: harness.state("hang-3") == "running")
    stopping = threading.Thread(target=workers.stop, args=(0.5,))
    stopping.start()
    stopping.join(20)
    assert not stopping.is_alive()
    row = harness.service.queue.get("hang-3")
    assert row is not None
    assert row["state"] == "queued"  # ready for the next start (or another instance) at once
    assert "interrupted" in row["last_error"]
