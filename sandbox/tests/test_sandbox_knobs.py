"""Knobs and edges: faults, latency, persistence, App auth, the clock."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ghcommunity_sandbox import Sandbox

REPO = "uk-x-gov-software-community/community-space"
R = f"/repos/{REPO}"


def _statuses(sb: Sandbox, count: int) -> list[int | str]:
    out: list[int | str] = []
    with httpx.Client(base_url=sb.url, headers={"Authorization": "token t"}) as client:
        for _ in range(count):
            try:
                out.append(client.get(R).status_code)
            except httpx.TransportError:
                out.append("dropped")
    return out


def test_faults_are_seeded_reproducible_and_spare_sandbox_routes() -> None:
    runs = []
    for _ in range(2):
        sb = Sandbox.start(seed="minimal", fault_rate=0.5, seed_random=7)
        try:
            runs.append(_statuses(sb, 40))
            for _ in range(10):
                assert httpx.get(f"{sb.url}/_sandbox/stats").status_code == 200
            stats = sb.stats()
        finally:
            sb.stop()
        assert stats["total"] == 40
    assert runs[0] == runs[1]
    kinds = Counter(runs[0])
    assert kinds[200]
    assert kinds[500]
    assert kinds[502]
    assert kinds[403]
    assert kinds["dropped"]


def test_secondary_rate_limit_fault_is_githubs() -> None:
    sb = Sandbox.start(seed="minimal", fault_rate=1.0, fault_kinds=["secondary-rate-limit"])
    try:
        r = httpx.get(f"{sb.url}{R}", headers={"Authorization": "token t"})
    finally:
        sb.stop()
    assert r.status_code == 403
    assert r.headers["retry-after"] == "1"
    assert r.json()["message"].startswith("You have exceeded a secondary rate limit")


def test_githubkit_client_retries_through_faults(sandbox: Sandbox) -> None:
    from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy

    sb = Sandbox.start(
        seed="minimal",
        fault_rate=0.3,
        seed_random=3,
        fault_kinds=["500", "502", "secondary-rate-limit"],
    )
    client = GitHubClient(
        Connection(api_url=sb.url, token="t"), retry=RetryPolicy(sleep_scale=0.0, attempts=10)
    )
    try:
        for _ in range(15):
            assert client.rest("GET", R)["full_name"] == REPO
    finally:
        client.close()
        sb.stop()


def test_latency_is_injected_per_request() -> None:
    sb = Sandbox.start(seed="minimal", latency_ms=60)
    try:
        with httpx.Client(base_url=sb.url) as client:
            client.get(R)
            started = time.perf_counter()
            for _ in range(3):
                client.get(R)
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            client.get("/_sandbox/stats")
            internal = time.perf_counter() - started
    finally:
        sb.stop()
    assert elapsed >= 0.18
    assert internal < 0.06


def test_persistence_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite"
    sb = Sandbox.start(seed="minimal", persist=db)
    try:
        created = httpx.post(
            f"{sb.url}{R}/issues", json={"title": "Kept"}, headers={"Authorization": "token t"}
        ).json()
    finally:
        sb.stop()
    again = Sandbox.start(seed="minimal", persist=db)
    try:
        issue = httpx.get(f"{again.url}{R}/issues/{created['number']}").json()
        assert issue["title"] == "Kept"
        assert issue["url"].startswith(again.url)  # URLs follow the new port
    finally:
        again.stop()


def _key() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return pem, pem


def _jwt(pem: str, iss: str) -> str:
    now = int(time.time())
    return jwt.encode({"iat": now - 60, "exp": now + 540, "iss": iss}, pem, algorithm="RS256")


def test_app_jwt_exchanges_for_an_installation_token(sandbox: Sandbox) -> None:
    pem, _ = _key()
    token = _jwt(pem, "12345")
    app = httpx.get(f"{sandbox.url}/app", headers={"Authorization": f"Bearer {token}"})
    assert app.status_code == 200
    assert app.json()["slug"] == "ghcommunity"
    installs = httpx.get(
        f"{sandbox.url}/app/installations", headers={"Authorization": f"Bearer {token}"}
    ).json()
    inst_id = installs[0]["id"]
    made = httpx.post(
        f"{sandbox.url}/app/installations/{inst_id}/access_tokens",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert made.status_code == 201
    body = made.json()
    assert set(body) >= {"token", "expires_at", "permissions", "repository_selection"}
    repos = httpx.get(
        f"{sandbox.url}/installation/repositories",
        headers={"Authorization": f"token {body['token']}"},
    ).json()
    assert [r["full_name"] for r in repos["repositories"]] == [REPO]
    created = httpx.post(
        f"{sandbox.url}{R}/issues",
        json={"title": "by the app"},
        headers={"Authorization": f"token {body['token']}"},
    ).json()
    assert created["user"]["login"] == "ghcommunity[bot]"
    repo_inst = httpx.get(
        f"{sandbox.url}{R}/installation", headers={"Authorization": f"Bearer {token}"}
    )
    assert repo_inst.json()["id"] == inst_id
    # a JWT is not a token for the rest of the API, and a token is not a JWT
    assert httpx.get(
        f"{sandbox.url}{R}", headers={"Authorization": f"Bearer {token}"}
    ).status_code in (401, 403)
    assert httpx.get(f"{sandbox.url}/app", headers={"Authorization": "token t"}).status_code == 401


def test_configured_apps_check_the_issuer(sandbox: Sandbox) -> None:
    sandbox.state.add_app(777, "community-bot")
    sandbox.state.add_installation(42, app_id=777, account="uk-x-gov-software-community")
    pem, _ = _key()
    bad = httpx.get(f"{sandbox.url}/app", headers={"Authorization": f"Bearer {_jwt(pem, '1')}"})
    assert bad.status_code == 401
    good = _jwt(pem, "777")
    made = httpx.post(
        f"{sandbox.url}/app/installations/42/access_tokens",
        headers={"Authorization": f"Bearer {good}"},
    ).json()
    created = httpx.post(
        f"{sandbox.url}{R}/issues",
        json={"title": "x"},
        headers={"Authorization": f"token {made['token']}"},
    ).json()
    assert created["user"]["login"] == "community-bot[bot]"
    assert (
        httpx.post(
            f"{sandbox.url}/app/installations/99/access_tokens",
            headers={"Authorization": f"Bearer {good}"},
        ).status_code
        == 404
    )


def test_githubkit_app_installation_auth_works(sandbox: Sandbox) -> None:
    from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy

    pem, _ = _key()
    client = GitHubClient(
        Connection(api_url=sandbox.url, app_id="12345", private_key=pem, installation_id=1),
        retry=RetryPolicy(sleep_scale=0.0),
    )
    try:
        issue = client.rest("POST", f"{R}/issues", json={"title": "via App auth"})
    finally:
        client.close()
    assert issue["user"]["login"] == "ghcommunity[bot]"


def test_the_clock_can_be_frozen_and_moved(sandbox: Sandbox) -> None:
    st = sandbox.state
    st.now = "2026-10-01T09:00:00Z"
    n = st.add_issue(REPO, title="t")
    assert st.issue(REPO, n).created_at == "2026-10-01T09:00:00Z"
    st.advance(days=14)
    cid = st.add_comment(REPO, n, body="later")
    assert st.comment(REPO, cid).created_at == "2026-10-15T09:00:00Z"
    assert st.issue(REPO, n).updated_at == "2026-10-15T09:00:00Z"
    st.now = None
    assert st.now.year >= 2026


@pytest.mark.no_openapi_check
def test_bad_json_is_400(sandbox: Sandbox) -> None:
    r = httpx.post(
        f"{sandbox.url}{R}/issues",
        content=b"{nope",
        headers={"Authorization": "token t", "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert r.json()["message"] == "Problems parsing JSON"
