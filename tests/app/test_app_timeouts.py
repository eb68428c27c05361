"""A job that never returns (a handler stuck on a lock, as a bad schedule once made one) is
failed after its time limit and retried; its installation's lane and its worker slot go to other
work; stopping the App finishes in bounded time whatever the stuck thread does."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from app_harness import SECRET, Harness, config_text, wait_until

from ghcommunity.app.processor import Processed
from ghcommunity.app.queue import Job
from ghcommunity.app.signature import sign
from ghcommunity_sandbox.server import Sandbox

REPO = "uk-x-gov-software-community/community-space"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


HANGING_HANDLER = """
import threading

from ghcommunity.core.events import on


@on("repository_dispatch")
def hang_forever(event, ctx):
    threading.Event().wait()  # a lock that is never released
"""


@pytest.mark.slow
def test_sigterm_stops_serve_while_a_handler_hangs(tmp_path: Path) -> None:
    """The real `ghcommunity serve`: a handler never returns; the job is abandoned after
    `--job-timeout`, the next delivery still runs, and SIGTERM ends the process."""
    (tmp_path / "hang_handler_h14.py").write_text(HANGING_HANDLER)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with Sandbox.start(seed="minimal") as sandbox:
        sandbox.state.put_file(REPO, ".github/ghcommunity.yml", config_text(REPO))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GHCOMMUNITY_")},
            "GHCOMMUNITY_WEBHOOK_SECRET": SECRET,
            "GHCOMMUNITY_ADMIN_TOKEN": "timeouts-admin-token",
            "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
        }
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ghcommunity",
                "serve",
                "--port",
                str(port),
                "--token",
                "any",
                "--api-url",
                sandbox.url,
                "--queue",
                f"sqlite:///{tmp_path / 'queue.db'}",
                "--store",
                f"sqlite:///{tmp_path / 'store.sqlite'}",
                "--workers",
                "1",
                "--handlers",
                "hang_handler_h14",
                "--job-timeout",
                "1",
                "--max-attempts",
                "1",
            ],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        admin = {"Authorization": "Bearer timeouts-admin-token"}
        try:

            def ready() -> bool:
                assert proc.poll() is None
                try:
                    return httpx.get(url + "/readyz", timeout=1).status_code == 200
                except httpx.HTTPError:
                    return False

            wait_until(ready, timeout=60)
            body = json.dumps(
                {
                    "action": "ghcommunity-anything",
                    "client_payload": {},
                    "repository": {"full_name": REPO},
                }
            ).encode()
            for delivery in ("hangs-1", "hangs-2"):
                answer = httpx.post(
                    url + "/webhook",
                    content=body,
                    headers={
                        "Content-Type": "application/json",
                        "X-GitHub-Event": "repository_dispatch",
                        "X-GitHub-Delivery": delivery,
                        "X-Hub-Signature-256": sign(SECRET, body),
                    },
                )
                assert answer.status_code == 202

            def parked() -> int:
                listed = httpx.get(url + "/admin/deliveries", headers=admin).json()
                return int(listed["counts"]["parked"])

            # Both hang in turn: each is abandoned after 1 s and parked (one attempt allowed),
            # so the second was not blocked behind the first.
            wait_until(lambda: parked() == 2, timeout=60)
            assert httpx.get(url + "/readyz").json() == {"status": "ready", "stuck_jobs": 2}
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                _, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                raise AssertionError("SIGTERM did not stop serve") from None
    assert proc.returncode in (0, -signal.SIGTERM)
    assert "timed out: still running after 1s" in err
