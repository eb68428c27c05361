"""`ghcommunity serve` refuses to start without what it needs: one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from ghcommunity.cli import main

ENV = (
    "GHCOMMUNITY_WEBHOOK_SECRET",
    "GHCOMMUNITY_APP_ID",
    "GHCOMMUNITY_PRIVATE_KEY",
    "GHCOMMUNITY_PRIVATE_KEY_FILE",
    "GITHUB_TOKEN",
    "GH_TOKEN",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", *args])
    return int(exit_info.value.code or 0), capsys.readouterr().err


def test_no_webhook_secret(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["--token", "t"], capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("error: no webhook secret: set GHCOMMUNITY_WEBHOOK_SECRET")


def test_no_credentials(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GHCOMMUNITY_WEBHOOK_SECRET", "s3cret-value-0123456789")
    code, err = run([], capsys)
    assert code == 2
    assert "no GitHub credentials" in err


def test_app_id_without_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GHCOMMUNITY_WEBHOOK_SECRET", "s3cret-value-0123456789")
    monkeypatch.setenv("GHCOMMUNITY_APP_ID", "123")
    code, err = run([], capsys)
    assert code == 2
    assert "the private key is missing" in err


def test_unreadable_key_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GHCOMMUNITY_WEBHOOK_SECRET", "s3cret-value-0123456789")
    code, err = run(["--app-id", "1", "--private-key-file", str(tmp_path / "none.pem")], capsys)
    assert code == 2
    assert "cannot read the App's private key" in err


def test_bad_queue_url(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHCOMMUNITY_WEBHOOK_SECRET", "s3cret-value-0123456789")
    code, err = run(["--token", "t", "--queue", "mysql://h/db"], capsys)
    assert code == 2
    assert "unsupported database 'mysql'" in err


@pytest.mark.parametrize("url", ["not a url", "mysql://h/db"])
def test_bad_store_url(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("GHCOMMUNITY_WEBHOOK_SECRET", "s3cret-value-0123456789")
    monkeypatch.setenv("GHCOMMUNITY_STORE", url)
    code, err = run(["--token", "t"], capsys)
    assert code == 2
    assert (
        err == f"error: --store {url!r} is not a database URL: expected sqlite:///PATH or "
        "postgresql://user@host/db\n"
    )


def test_serve_runs_acknowledges_and_stops_cleanly(tmp_path: Path) -> None:
    """The real command in its own process: ready, a signed ping is queued and processed,
    SIGTERM stops it after the workers finish, and its logs are JSON lines with the delivery id."""
    import json
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx

    from ghcommunity.app.signature import sign

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ENV}
    env["GHCOMMUNITY_WEBHOOK_SECRET"] = "process-secret-123"
    env["GHCOMMUNITY_ADMIN_TOKEN"] = "process-admin-token"
    queue = tmp_path / "q.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ghcommunity",
            "serve",
            "--port",
            str(port),
            "--token",
            "t",
            "--api-url",
            "http://127.0.0.1:9",
            "--queue",
            f"sqlite:///{queue}",
            "--workers",
            "1",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.05)
        body = b'{"zen": "Design for failure.", "hook_id": 1}'
        response = httpx.post(
            url + "/webhook",
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-GitHub-Event": "ping",
                "X-GitHub-Delivery": "proc-1",
                "X-Hub-Signature-256": sign("process-secret-123", body),
            },
        )
        assert response.status_code == 202
        auth = {"Authorization": "Bearer process-admin-token"}
        while httpx.get(url + "/admin/deliveries", headers=auth).json()["counts"]["done"] != 1:
            assert time.monotonic() < deadline, "the ping was not processed"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal for the supervisor to see.
    assert proc.returncode in (0, -signal.SIGTERM)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(line.get("delivery") == "proc-1" and "ping" in line["msg"] for line in lines)
    assert any(line["msg"] == "stopped: workers finished their jobs" for line in lines)
    assert "process-secret-123" not in err
