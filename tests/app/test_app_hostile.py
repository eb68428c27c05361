"""The App under hostile or unlucky input: what the queue cannot store, JSON bombs, slow and
half-finished clients, oversized headers, floods of log lines, weak secrets."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from app_harness import SECRET, Harness, Served, settings, wait_until

from ghcommunity.app.http import protocol_class
from ghcommunity.app.logging import RateLimit
from ghcommunity.app.queue import Enqueued, Queue, _Call
from ghcommunity.app.service import Service, build
from ghcommunity.app.settings import Settings, check
from ghcommunity.app.signature import sign
from ghcommunity.core.errors import InputError

ISSUE = {"action": "opened", "issue": {"number": 1}, "repository": {"full_name": "o/r"}}


# -- what the queue cannot store -----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({**ISSUE, "installation": {"id": 2**64}}).encode(),
        json.dumps({**ISSUE, "installation": {"id": -5}}).encode(),
        b'{"action": "opened\\ud800", "repository": {"full_name": "o/r"}}',
        b'{"action": "opened", "repository": {"full_name": "o/\\udfff"}}',
        b"[" * 5000 + b"]" * 5000,
        b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        json.dumps({**ISSUE, "installation": {"id": "abc"}}).encode(),
        json.dumps({**ISSUE, "installation": {"id": 1.5}}).encode(),
        json.dumps({**ISSUE, "installation": {"id": True}}).encode(),
        b'{"action": "opened", "x": NaN}',
        b'{"action": "opened", "x": Infinity}',
    ],
    ids=[
        "installation-2^64",
        "installation-negative",
        "surrogate-action",
        "surrogate-repo",
        "nested-5000",
        "nested-100000",
        "installation-text",
        "installation-float",
        "installation-boolean",
        "nan",
        "infinity",
    ],
)
def test_a_signed_delivery_the_queue_cannot_store_is_400(harness: Harness, body: bytes) -> None:
    response = harness.post("issues", body)
    assert response.status_code == 400, response.text
    assert "error" in response.json()
    assert harness.service.queue.counts()["queued"] == 0
    # and the endpoint still queues the next good one
    assert harness.post("issues", ISSUE).status_code == 202


def test_one_bad_row_never_fails_the_group_commit_of_others(tmp_path: Path) -> None:
    """Rows that reach the writer together are committed together; one the database refuses
    (here an installation id over 2^63, as if the endpoint had not checked it) fails alone."""
    queue = Queue.open(f"sqlite:///{tmp_path / 'q.db'}")
    try:
        gate = threading.Event()
        queue._start_writer()
        hold: Future[Any] = Future()
        queue._writes.put(_Call(lambda: gate.wait(10), hold))  # the writer is busy meanwhile
        futures = [
            queue.submit(f"good-{i}", "issues", b"{}", installation_id=i + 1) for i in range(5)
        ]
        bad = queue.submit("bad", "issues", b"{}", installation_id=2**64)
        futures += [queue.submit(f"good-{i}", "issues", b"{}") for i in range(5, 10)]
        gate.set()
        results: list[Enqueued] = [f.result(10) for f in futures]
        assert [r.status for r in results] == ["queued"] * 10
        with pytest.raises(OverflowError):
            bad.result(10)
        assert queue.counts()["queued"] == 10
    finally:
        queue.close()


# -- secrets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", ["", " ", "x", "   padded   ", "fifteen-chars!!"])
def test_a_blank_or_short_webhook_secret_is_refused_at_start(secret: str) -> None:
    with pytest.raises(InputError) as error:
        check(Settings(webhook_secret=secret, token="t"))
    assert "\n" not in str(error.value)
    assert "webhook secret" in str(error.value)


def test_a_sixteen_character_secret_is_enough() -> None:
    check(Settings(webhook_secret="0123456789abcdef", token="t"))


# -- slow, half-finished and oversized requests ------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Callable[..., tuple[Service, Served]]]:
    made: list[tuple[Service, Served]] = []

    def make(**limits: Any) -> tuple[Service, Served]:
        values = {"header_timeout": 0.3, "body_timeout": 0.3, "max_connections": 50, **limits}
        service = build(settings(tmp_path), start_workers=False)
        server = Served(service.asgi, http=protocol_class(**values))
        made.append((service, server))
        return service, server

    yield make
    for service, server in made:
        server.stop()
        service.close()


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=15)


def _closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closes the connection (recv gives EOF or a reset) before our own
    15 s guard runs out."""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def _signed_request(body: bytes, delivery: str, extra: str = "") -> bytes:
    head = (
        "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: issues\r\nX-GitHub-Delivery: {delivery}\r\n"
        f"X-Hub-Signature-256: {sign(SECRET, body)}\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    )
    return head.encode() + body


def test_a_client_that_never_finishes_its_headers_is_closed(
    served: Callable[..., tuple[Service, Served]],
) -> None:
    _, server = served()
    with _connect(server.url) as sock:
        sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\n")  # and nothing more
        assert _closed_by_server(sock)
    with _connect(server.url) as sock:  # connected, never a byte
        assert _closed_by_server(sock)


def test_a_client_that_never_finishes_its_body_is_closed_with_one_log_line(
    served: Callable[..., tuple[Service, Served]], caplog: pytest.LogCaptureFixture
) -> None:
    service, server = served()
    body = json.dumps(ISSUE).encode()
    with caplog.at_level(logging.INFO), _connect(server.url) as sock:
        sock.sendall(_signed_request(body, "slow-body")[:-5])  # all but the last 5 bytes
        assert _closed_by_server(sock)
        wait_until(lambda: any("disconnected" in r.getMessage() for r in caplog.records))
    assert service.queue.get("slow-body") is None
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert len([r for r in caplog.records if "disconnected" in r.getMessage()]) == 1


def test_a_client_that_disconnects_mid_body_logs_one_line_not_a_traceback(
    served: Callable[..., tuple[Service, Served]], caplog: pytest.LogCaptureFixture
) -> None:
    _, server = served(body_timeout=60.0)
    body = json.dumps(ISSUE).encode()
    with caplog.at_level(logging.INFO):
        with _connect(server.url) as sock:
            sock.sendall(_signed_request(body, "gone")[:-5])
            time.sleep(0.2)  # let the server start reading the body
        wait_until(lambda: any("disconnected" in r.getMessage() for r in caplog.records))
        time.sleep(0.2)  # anything else it would log about it
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert not [r for r in caplog.records if "Exception in ASGI" in r.getMessage()]


def test_a_100_kb_header_is_refused(served: Callable[..., tuple[Service, Served]]) -> None:
    service, server = served()
    body = json.dumps(ISSUE).encode()
    with _connect(server.url) as sock:
        sock.sendall(_signed_request(body, "big-header", f"X-Padding: {'a' * 100_000}\r\n"))
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    assert reply.split(b" ")[1] in (b"400", b"431"), reply[:200]
    assert service.queue.get("big-header") is None


def test_a_crowd_of_idle_connections_cannot_lock_out_a_signed_delivery(
    served: Callable[..., tuple[Service, Served]],
) -> None:
    service, server = served(header_timeout=60.0, max_connections=20)
    crowd = [_connect(server.url) for _ in range(30)]
    try:
        for sock in crowd:
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")  # never finished
        body = json.dumps(ISSUE).encode()
        with _connect(server.url) as sock:
            sock.sendall(_signed_request(body, "through-the-crowd", "Connection: close\r\n"))
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 202"), reply[:200]
        assert service.queue.get("through-the-crowd") is not None
        assert sum(_closed_by_server(s) for s in crowd[:10]) == 10  # the oldest made room
    finally:
        for sock in crowd:
            sock.close()


def test_a_flood_of_identical_warnings_is_logged_a_few_times() -> None:
    now = [0.0]
    limit = RateLimit(burst=3, window=60.0, clock=lambda: now[0])

    def record(msg: str) -> logging.LogRecord:
        return logging.LogRecord("uvicorn.error", logging.WARNING, "", 0, msg, (), None)

    passed = [limit.filter(record("Invalid HTTP request received.")) for _ in range(1000)]
    assert sum(passed) == 3
    assert limit.filter(record("something else"))
    info = logging.LogRecord("x", logging.INFO, "", 0, "Invalid HTTP request received.", (), None)
    assert limit.filter(info)
    now[0] = 61.0
    later = record("Invalid HTTP request received.")
    assert limit.filter(later)
    assert later.suppressed == 997  # type: ignore[attr-defined]
