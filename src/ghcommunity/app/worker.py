"""Worker threads: claim a delivery, process it, mark it done, retry it later, or park it.

Handlers are synchronous, so each worker is a thread. A heartbeat thread keeps the leases of
running jobs fresh, so only a worker that really died loses its job to another. Failures that
waiting can fix (GitHub 5xx, 429, rate limits, the network) are retried with exponential backoff,
honouring GitHub's `retry-after`; anything else, or too many attempts, parks the delivery with
its error for a person to look at (`GET /admin/deliveries?state=parked`) and re-run.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import traceback

from ghcommunity.app.logging import delivery_context
from ghcommunity.app.processor import Processor
from ghcommunity.app.queue import Job, Queue, lane_for
from ghcommunity.github.failures import classify

log = logging.getLogger(__name__)


class Workers:
    def __init__(
        self,
        queue: Queue,
        processor: Processor,
        *,
        count: int = 4,
        retry_base: float = 30.0,
        retry_cap: float = 3600.0,
        poll: float = 1.0,
        keep_done_days: float = 7.0,
        job_timeout: float = 600.0,
    ) -> None:
        self.queue = queue
        self.processor = processor
        self.count = count
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.poll = poll
        self.keep_done_days = keep_done_days
        self.job_timeout = job_timeout
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{random.randrange(16**6):06x}"  # noqa: S311
        self._wake = threading.Condition()
        self._running_lanes: dict[str, int] = {}  # lanes this process's workers are running
        self._active = 0  # jobs our workers are running
        self._kicked = False  # a wake-up arrived while the dispatcher was busy
        self._running: dict[str, tuple[Job, str, float]] = {}  # owner → job, lane, start
        self._claims = 0
        self.stuck = 0  # abandoned jobs whose threads have not returned
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.processed = 0
        self.failed = 0

    # -- running one job -------------------------------------------------------------------

    def backoff(self, attempts: int) -> float:
        delay = min(self.retry_base * (2 ** max(attempts - 1, 0)), self.retry_cap)
        jitter: float = random.uniform(0.9, 1.1)  # noqa: S311 - jitter, not security
        return float(delay * jitter)

    def run_job(self, job: Job) -> str:
        """Process one claimed job and record what happened; returns its new state."""
        with delivery_context(job.id, job.event, job.repo):
            if job.attempts > self.queue.max_attempts:
                self.queue.park(job, f"the worker running it stopped {job.attempts - 1} times")
                log.error("parked after %d interrupted attempts", job.attempts - 1)
                return "parked"
            try:
                processed = self.processor.process(job)
            except Exception as exc:
                self.failed += 1
                failure = classify(exc)
                retry_in = None
                if failure.retryable:
                    retry_in = max(failure.retry_after or 0.0, self.backoff(job.attempts))
                state = self.queue.fail(job, failure.message, retry_in=retry_in)
                if state == "parked":
                    log.error(
                        "parked after attempt %d: %s",
                        job.attempts,
                        failure.message,
                        extra={"trace": "".join(traceback.format_exception(exc)[-3:])},
                    )
                else:
                    log.warning(
                        "attempt %d failed; retrying in %.0fs: %s",
                        job.attempts,
                        retry_in or 0,
                        failure.message,
                    )
                return state
            self.queue.complete(job, processed.summary)
            self.processed += 1
            return "done"

    def run_once(self, owner: str = "inline") -> bool:
        """Claim and run one job in this thread (tests and tools). False when none is ready."""
        job = self.queue.claim(f"{self.instance}:{owner}")
        if job is None:
            return False
        self.run_job(job)
        return True

    def drain(self, limit: int = 1_000_000) -> int:
        """Run jobs in this thread until none is ready now; returns how many ran."""
        ran = 0
        while ran < limit and self.run_once():
            ran += 1
        return ran

    # -- threads ---------------------------------------------------------------------------
    #
    # One dispatcher thread claims jobs and runs each in a thread of its own, at most `count` at
    # a time. Claiming in one place means one claim attempt per new delivery or finished job,
    # never a crowd of idle workers racing for the same row.
    #
    # A job has `job_timeout` seconds. Python cannot stop a thread, so a job past its limit is
    # abandoned instead: its lease is no longer renewed, it is recorded as failed (and retried
    # later, like any failure, until it is parked), its installation's lane is free again, and
    # its slot goes to other work. The stuck thread is a daemon, so it never holds up shutdown.

    def wake(self, lane: str | None = None) -> None:
        """A job may be ready. Unless one of our workers is running its lane (the dispatcher
        claims the lane's next job when that one finishes), tell the dispatcher."""
        with self._wake:
            if lane is not None and self._running_lanes.get(lane):
                return
            self._kicked = True
            self._wake.notify_all()

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            with self._wake:
                while self._active >= self.count and not self._stop.is_set():
                    self._wake.wait(self.poll)
            if self._stop.is_set():
                return
            self._claims += 1
            try:
                job = self.queue.claim(f"{self.instance}/{self._claims}")
            except Exception:  # the database went away: wait and try again
                log.exception("cannot claim a job")
                self._stop.wait(self.poll)
                continue
            if job is None:
                with self._wake:
                    if not self._kicked:
                        self._wake.wait(self.poll)
                    self._kicked = False
                continue
            lane = lane_for(job.installation_id)
            with self._wake:
                self._active += 1
                self._running_lanes[lane] = self._running_lanes.get(lane, 0) + 1
                self._running[job.owner] = (job, lane, time.monotonic())
            thread = threading.Thread(
                target=self._work, args=(job,), name=f"worker-{job.seq}", daemon=True
            )
            thread.start()

    def _release(self, job: Job) -> bool:
        """Forget a running job (finished or abandoned); False if it was already forgotten."""
        with self._wake:
            running = self._running.pop(job.owner, None)
            if running is None:
                return False
            lane = running[1]
            self._active -= 1
            self._running_lanes[lane] -= 1
            if not self._running_lanes[lane]:
                del self._running_lanes[lane]
            self._kicked = True
            self._wake.notify_all()
        return True

    def _work(self, job: Job) -> None:
        try:
            self.run_job(job)
        except Exception:  # recording the result failed; the lease will expire and retry
            log.exception("cannot record the result of delivery %s", job.id)
        finally:
            if not self._release(job):
                with self._wake:
                    self.stuck = max(self.stuck - 1, 0)
                log.warning("delivery %s: an abandoned job's thread finished at last", job.id)

    def overdue(self) -> list[Job]:
        """Running jobs past their time limit."""
        now = time.monotonic()
        with self._wake:
            return [
                job
                for job, _, started in self._running.values()
                if now - started > self.job_timeout
            ]

    def abandon(self, job: Job, why: str) -> None:
        """Give up on a running job: free its slot and lane, record the failure, retry it."""
        if not self._release(job):
            return
        with self._wake:
            self.stuck += 1
        self.failed += 1
        with delivery_context(job.id, job.event, job.repo):
            retry_in = self.backoff(job.attempts)
            state = self.queue.fail(job, why, retry_in=retry_in)
            if state == "parked":
                log.error("parked after attempt %d: %s", job.attempts, why)
            else:
                log.error(
                    "attempt %d abandoned; retrying in %.0fs: %s", job.attempts, retry_in, why
                )

    def _abandon_overdue(self) -> None:
        for job in self.overdue():
            self.abandon(job, f"timed out: still running after {self.job_timeout:g}s")

    def _maintain(self) -> None:
        beat = max(min(self.queue.lease_seconds / 3, self.job_timeout / 4, 60.0), 0.05)
        since_prune = 0.0
        while not self._stop.wait(beat):
            try:
                self._abandon_overdue()
                with self._wake:
                    owners = list(self._running)
                if owners:  # only jobs within their time limit keep their lease
                    self.queue.heartbeat(owners)
                since_prune += beat
                if since_prune >= 3600:
                    since_prune = 0.0
                    pruned = self.queue.prune(self.keep_done_days)
                    if pruned:
                        log.info("forgot %d finished deliveries", pruned)
            except Exception:
                log.exception("queue maintenance failed")

    def start(self) -> None:
        self._stop.clear()
        for target, name in ((self._dispatch, "dispatcher"), (self._maintain, "queue-keeper")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    @property
    def alive(self) -> bool:
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop claiming; give running jobs up to `timeout` seconds to finish, then hand the
        rest back to the queue (run again at once, here after a restart or by another
        instance). Returns within about `timeout` seconds, whatever the jobs do."""
        deadline = time.monotonic() + timeout
        self._stop.set()
        with self._wake:
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0.1))
        self._threads = []
        with self._wake:
            while self._active and time.monotonic() < deadline:
                self._wake.wait(min(deadline - time.monotonic(), 0.5))
            left = [job for job, _, _ in self._running.values()]
        for job in left:
            if self._release(job):
                with delivery_context(job.id, job.event, job.repo):
                    log.warning("stopping: handing delivery %s back to the queue", job.id)
                    try:
                        self.queue.fail(
                            job,
                            f"interrupted: the App stopped after waiting {timeout:g}s for it",
                            retry_in=0.0,
                        )
                    except Exception:  # its lease runs out instead
                        log.exception("cannot hand delivery %s back", job.id)
