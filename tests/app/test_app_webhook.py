"""The webhook endpoint's documented statuses, and GitHub's own signature example."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from app_harness import SECRET, Harness

from ghcommunity.app.signature import sign, verify

ISSUE = {"action": "opened", "issue": {"number": 1}, "repository": {"full_name": "o/r"}}


def test_githubs_documented_example_verifies() -> None:
    body = b"Hello, World!"
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert sign(SECRET, body) == expected
    assert verify(SECRET, body, expected)
    assert not verify(SECRET, body + b" ", expected)
    assert not verify("another secret", body, expected)
    assert not verify(SECRET, body, expected.removeprefix("sha256="))
    assert not verify(SECRET, body, None)


def test_a_signed_delivery_is_queued_durably(harness: Harness) -> None:
    response = harness.post("issues", ISSUE, delivery="d-1")
    assert response.status_code == 202
    assert response.json() == {"delivery": "d-1", "status": "queued", "note": "queued"}
    row = harness.service.queue.get("d-1")
    assert row is not None
    assert row["state"] == "queued"
    assert row["event"] == "issues"
    assert row["action"] == "opened"
    assert row["repo"] == "o/r"
    assert json.loads(row["body"]) == ISSUE


def test_missing_signature_is_401(harness: Harness) -> None:
    response = harness.post("issues", ISSUE, secret=None)
    assert response.status_code == 401
    assert "missing" in response.json()["error"]
    assert harness.service.queue.counts()["queued"] == 0


def test_wrong_signature_is_401(harness: Harness) -> None:
    response = harness.post("issues", ISSUE, secret="not the secret")
    assert response.status_code == 401
    assert harness.service.queue.counts()["queued"] == 0


def test_signature_of_other_bytes_is_401(harness: Harness) -> None:
    body = json.dumps(ISSUE).encode()
    response = harness.post(
        "issues", body, headers={"X-Hub-Signature-256": sign(SECRET, body + b"\n")}
    )
    assert response.status_code == 401


def test_malformed_json_is_400_after_the_signature(harness: Harness) -> None:
    assert harness.post("issues", b'{"action": "opened",', secret=None).status_code == 401
    response = harness.post("issues", b'{"action": "opened",')
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]
    assert harness.post("issues", b"[1, 2]").status_code == 400
    assert harness.post("issues", b"\xff\xfe").status_code == 400
    assert harness.service.queue.counts()["queued"] == 0


def test_missing_event_or_delivery_header_is_400(harness: Harness) -> None:
    body = json.dumps(ISSUE).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": sign(SECRET, body),
        "X-GitHub-Delivery": "d-2",
    }
    assert harness.http.post("/webhook", content=body, headers=headers).status_code == 400
    headers.pop("X-GitHub-Delivery")
    headers["X-GitHub-Event"] = "issues"
    assert harness.http.post("/webhook", content=body, headers=headers).status_code == 400
    assert harness.post("Issues; drop", ISSUE).status_code == 400


def test_non_json_content_type_is_415(harness: Harness) -> None:
    body = b"payload=" + json.dumps(ISSUE).encode()
    response = harness.post(
        "issues", body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 415
    ok = harness.post("issues", ISSUE, headers={"Content-Type": "application/json; charset=utf-8"})
    assert ok.status_code == 202


def test_oversized_body_is_413_by_content_length(harness: Harness) -> None:
    # The declared length alone is enough: the body is never read.
    body = b"{}"
    response = harness.post("issues", body, headers={"Content-Length": str(25 * 1024 * 1024 + 1)})
    assert response.status_code == 413


def test_oversized_body_is_413_while_streaming(make_harness: Callable[..., Harness]) -> None:
    small = make_harness(max_body=1000)
    chunk = b" " * 300

    def chunks() -> Iterator[bytes]:
        yield b"{"
        for _ in range(10):
            yield chunk
        yield b"}"

    response = small.http.post(
        "/webhook",
        content=chunks(),
        headers={
            "Content-Type": "application/json",
            "X-GitHub-Event": "issues",
            "X-GitHub-Delivery": "big",
            "X-Hub-Signature-256": "sha256=" + "0" * 64,
        },
    )
    assert response.status_code == 413
    assert small.service.queue.get("big") is None


def test_a_full_25_mb_body_is_accepted(harness: Harness) -> None:
    padding = "x" * (25 * 1024 * 1024 - 100)
    body = json.dumps({"action": "opened", "padding": padding}).encode()
    assert len(body) <= 25 * 1024 * 1024
    assert harness.post("issues", body).status_code == 202


def test_replayed_delivery_is_202_and_does_nothing(harness: Harness) -> None:
    assert (
        harness.post("ping", {"zen": "Keep it logically awesome."}, delivery="r-1").status_code
        == 202
    )
    again = harness.post("ping", {"zen": "Keep it logically awesome."}, delivery="r-1")
    assert again.status_code == 202
    assert again.json()["status"] == "duplicate"
    assert "already queued" in again.json()["note"]
    assert harness.drain() == 1
    assert harness.state("r-1") == "done"
    third = harness.post("ping", {"zen": "Keep it logically awesome."}, delivery="r-1")
    assert third.json() == {
        "delivery": "r-1",
        "status": "duplicate",
        "note": "duplicate delivery: already processed",
    }
    assert harness.drain() == 0  # nothing ran twice


def test_health_and_readiness(harness: Harness) -> None:
    assert harness.http.get("/healthz").json() == {"status": "ok"}
    ready = harness.http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


def test_readiness_fails_when_the_queue_database_is_gone(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(harness.service.queue, "ping", broken)
    response = harness.http.get("/readyz")
    assert response.status_code == 503
    assert "queue database" in response.json()["problems"][0]
