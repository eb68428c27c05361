"""Deliveries missed while the App was down are recovered: the real `ghcommunity serve`, in its
own process, against the sandbox (which records the deliveries it could not make and redelivers
on request, as GitHub does)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from app_harness import SECRET, wait_until
from test_app_sandbox import FORM_BODY

from ghcommunity.app.recovery import missed
from ghcommunity.github.hook_deliveries import HookDelivery
from ghcommunity_sandbox.server import Sandbox

ORG = "uk-x-gov-software-community"
REPO = f"{ORG}/community-space"
ROOT = Path(__file__).resolve().parents[2]
ADA = {"Authorization": "token ada-token"}
ADMIN = "recovery-admin-token"


def attempt(number: int, guid: str, code: int) -> HookDelivery:
    return HookDelivery(
        id=number,
        guid=guid,
        delivered_at=datetime(2026, 12, 1, tzinfo=UTC) + timedelta(seconds=number),
        redelivery=False,
        status_code=code,
        status="",
        event="issues",
        action="opened",
        installation_id=77,
    )


def test_which_deliveries_are_asked_for_again() -> None:
    listed = [
        attempt(9, "down-twice", 502),
        attempt(8, "fine", 200),
        attempt(7, "refused-on-purpose", 401),
        attempt(6, "down-then-ok", 200),
        attempt(5, "down-twice", 0),
        attempt(4, "down-then-ok", 502),
        attempt(3, "known", 500),
        attempt(2, "timed-out", 408),
    ]
    again = missed(listed, known=lambda guid: guid == "known")
    assert [(a.guid, a.id) for a in again] == [("timed-out", 2), ("down-twice", 9)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def private_key(tmp_path: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = tmp_path / "app.pem"
    path.write_bytes(pem)
    return path


class Serve:
    """`ghcommunity serve` as a real process, started and stopped (SIGTERM) at will."""

    def __init__(self, tmp_path: Path, port: int, api_url: str, key: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.args = [
            sys.executable,
            "-m",
            "ghcommunity",
            "serve",
            "--port",
            str(port),
            "--app-id",
            "4242",
            "--private-key-file",
            str(key),
            "--api-url",
            api_url,
            "--queue",
            f"sqlite:///{tmp_path / 'queue.db'}",
            "--store",
            f"sqlite:///{tmp_path / 'store.sqlite'}",
            "--workers",
            "1",
        ]
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GHCOMMUNITY_")},
            "GHCOMMUNITY_WEBHOOK_SECRET": SECRET,
            "GHCOMMUNITY_ADMIN_TOKEN": ADMIN,
        }
        self.proc: subprocess.Popen[str] | None = None
        self.logs = tmp_path / "serve.log"

    def start(self) -> None:
        log = self.logs.open("a")
        self.proc = subprocess.Popen(self.args, env=self.env, stderr=log, text=True)

        def ready() -> bool:
            assert self.proc is not None
            assert self.proc.poll() is None, self.logs.read_text()
            try:
                return httpx.get(self.url + "/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(ready, timeout=60)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(60)
        self.proc = None

    def deliveries(self, state: str) -> list[dict[str, Any]]:
        found = httpx.get(
            self.url + "/admin/deliveries",
            params={"state": state, "limit": "1000"},
            headers={"Authorization": f"Bearer {ADMIN}"},
        )
        rows: list[dict[str, Any]] = found.json()["deliveries"]
        return rows

    def idle(self) -> bool:
        counts = httpx.get(
            self.url + "/admin/deliveries", headers={"Authorization": f"Bearer {ADMIN}"}
        ).json()["counts"]
        return bool(counts["queued"] + counts["running"] == 0)


@pytest.fixture
def sandbox_and_serve(tmp_path: Path, private_key: Path) -> Iterator[tuple[Sandbox, Serve]]:
    port = _free_port()
    sandbox = Sandbox.start(
        seed="minimal", webhook_url=f"http://127.0.0.1:{port}/webhook", webhook_secret=SECRET
    )
    serve = Serve(tmp_path, port, sandbox.url, private_key)
    try:
        yield sandbox, serve
    finally:
        serve.stop()
        sandbox.stop()


def open_issue(sandbox: Sandbox, title: str) -> int:
    created = httpx.post(
        f"{sandbox.url}/repos/{REPO}/issues", json={"title": title, "body": FORM_BODY}, headers=ADA
    )
    assert created.status_code == 201
    return int(created.json()["number"])


def labels(sandbox: Sandbox, number: int) -> set[str]:
    issue = httpx.get(f"{sandbox.url}/repos/{REPO}/issues/{number}", headers=ADA).json()
    return {label["name"] for label in issue["labels"]}


@pytest.mark.slow
def test_issues_opened_while_serve_was_down_are_triaged_once_it_is_back(
    sandbox_and_serve: tuple[Sandbox, Serve],
) -> None:
    sandbox, serve = sandbox_and_serve
    state = sandbox.state
    with state.quiet():
        state.add_app(4242, "ghcommunity", owner=ORG)
        state.add_installation(77, app_id=4242, account=ORG)
        state.add_user("ada")
        state.add_token("ada-token", "ada")
        for form in sorted((ROOT / "config" / "issue-forms").glob("*.yml")):
            state.put_file(
                REPO, f".github/ISSUE_TEMPLATE/{form.name}", form.read_text(), author="ada"
            )
        reference = (ROOT / "config" / "community.yml").read_text()
        state.put_file(REPO, ".github/ghcommunity.yml", reference, author="ada")
    triaged = "type: question or idea"

    serve.start()
    first = open_issue(sandbox, "Before the restart")
    wait_until(lambda: triaged in labels(sandbox, first), timeout=60)
    wait_until(serve.idle, timeout=60)
    serve.stop()

    missed_issues = [open_issue(sandbox, f"While the App was down {n}") for n in range(3)]
    assert sandbox.flush_webhooks(timeout=30)
    failed = [
        d for d in sandbox.deliveries if d.event == "issues" and d.action == "opened" and d.failed
    ]
    assert len(failed) == 3  # GitHub (the sandbox) could not deliver them, and did not retry
    assert all(triaged not in labels(sandbox, n) for n in missed_issues)

    serve.start()
    for number in missed_issues:
        wait_until(lambda n=number: triaged in labels(sandbox, n), timeout=90)  # type: ignore[misc]
    assert sandbox.flush_webhooks(timeout=30)
    wait_until(serve.idle, timeout=60)

    opened = [
        d for d in serve.deliveries("done") if d["event"] == "issues" and d["action"] == "opened"
    ]
    assert len(opened) == 4  # each issue processed once
    assert len({d["id"] for d in opened}) == 4
    redelivered = [d for d in sandbox.deliveries if d.redelivery]
    assert sorted(d.id for d in redelivered) == sorted(d.id for d in failed)  # each asked once
    assert serve.deliveries("parked") == []
