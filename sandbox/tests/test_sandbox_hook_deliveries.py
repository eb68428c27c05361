"""The App webhook's deliveries: failed ones are recorded (not retried), listed newest first
with cursor pagination, and redelivered on request — with the App's JWT only."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ghcommunity_sandbox.server import Sandbox

SECRET = "hook-deliveries-secret"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once closed


@pytest.fixture
def down() -> Iterator[tuple[Sandbox, dict[str, str]]]:
    sb = Sandbox.start(
        seed="minimal",
        webhook_url=f"http://127.0.0.1:{_closed_port()}/webhook",
        webhook_secret=SECRET,
    )
    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    now = int(time.time())
    token = jwt.encode({"iat": now - 60, "exp": now + 540, "iss": "4242"}, pem, algorithm="RS256")
    try:
        yield sb, {"Authorization": f"Bearer {token}"}
    finally:
        sb.stop()


def _open_issues(sb: Sandbox, count: int) -> None:
    sb.state.add_user("ada")
    sb.state.add_token("ada-token", "ada")
    repo = next(iter(sb.state.repos.values())).full_name
    for n in range(count):
        created = httpx.post(
            f"{sb.url}/repos/{repo}/issues",
            json={"title": f"issue {n}"},
            headers={"Authorization": "token ada-token"},
        )
        assert created.status_code == 201
    assert sb.flush_webhooks(timeout=10)


def test_failed_deliveries_are_listed_newest_first_a_page_at_a_time(
    down: tuple[Sandbox, dict[str, str]],
) -> None:
    sb, app = down
    _open_issues(sb, 5)
    seen: list[dict[str, Any]] = []
    url: str | None = f"{sb.url}/app/hook/deliveries?per_page=2"
    pages = 0
    while url:
        page = httpx.get(url, headers=app)
        assert page.status_code == 200
        seen += page.json()
        pages += 1
        url = page.links.get("next", {}).get("url")
        if url:
            assert "cursor=v1_" in url
    assert pages == 3
    assert [d["id"] for d in seen] == sorted((d["id"] for d in seen), reverse=True)
    assert len({d["guid"] for d in seen}) == 5
    assert {(d["event"], d["action"], d["status_code"], d["status"]) for d in seen} == {
        ("issues", "opened", 502, "failed to connect")
    }
    assert all(d["redelivery"] is False for d in seen)
    failures = httpx.get(f"{sb.url}/app/hook/deliveries?status=failure", headers=app).json()
    assert len(failures) == 5
    assert httpx.get(f"{sb.url}/app/hook/deliveries?status=success", headers=app).json() == []


def test_a_redelivery_repeats_the_guid_as_a_new_attempt(
    down: tuple[Sandbox, dict[str, str]],
) -> None:
    sb, app = down
    _open_issues(sb, 1)
    [first] = httpx.get(f"{sb.url}/app/hook/deliveries", headers=app).json()
    again = httpx.post(f"{sb.url}/app/hook/deliveries/{first['id']}/attempts", headers=app)
    assert again.status_code == 202
    assert sb.flush_webhooks(timeout=10)
    latest, earlier = httpx.get(f"{sb.url}/app/hook/deliveries", headers=app).json()
    assert earlier == first
    assert latest["guid"] == first["guid"]
    assert latest["id"] > first["id"]
    assert latest["redelivery"] is True
    original, repeat = [d for d in sb.deliveries if d.id == first["guid"]]
    assert repeat.body == original.body
    assert repeat.headers["X-Hub-Signature-256"] == original.headers["X-Hub-Signature-256"]
    missing = httpx.post(f"{sb.url}/app/hook/deliveries/999/attempts", headers=app)
    assert missing.status_code == 404


def test_only_the_apps_jwt_may_list_or_redeliver(down: tuple[Sandbox, dict[str, str]]) -> None:
    sb, _ = down
    _open_issues(sb, 1)
    as_user = {"Authorization": "token ada-token"}
    assert httpx.get(f"{sb.url}/app/hook/deliveries", headers=as_user).status_code in (401, 403)
    refused = httpx.post(f"{sb.url}/app/hook/deliveries/1/attempts", headers=as_user)
    assert refused.status_code in (401, 403)
