"""Installation tokens (cached, narrowed, refreshed) and logs that never show a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_harness import SECRET, FakeGitHub, config_text, settings
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ghcommunity.app import logging as app_logging
from ghcommunity.app.auth import Clients, InstallationTokens, NoInstallation
from ghcommunity.app.service import build
from ghcommunity.core.events import Event
from ghcommunity.core.plan import AddLabels, Plan
from ghcommunity.github.context import Context


def private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class FakeApp:
    """The App-authenticated client: issues numbered tokens valid for an hour."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.requests: list[tuple[str, Any]] = []

    def rest(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        self.requests.append((path, kwargs.get("json")))
        import datetime as dt

        expires = dt.datetime.fromtimestamp(self.clock() + 3600, dt.UTC)
        return {
            "token": f"ghs_token{len(self.requests):04d}abcdefgh",
            "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_tokens_are_cached_narrowed_and_refreshed_before_expiry() -> None:
    clock = Clock()
    app = FakeApp(clock)
    tokens = InstallationTokens(lambda: app, clock=clock)  # type: ignore[arg-type,return-value]
    first = tokens.token(7, ["community-space"])
    assert tokens.token(7, ["Community-Space"]) == first  # cached, names compared ignoring case
    assert app.requests == [
        ("/app/installations/7/access_tokens", {"repositories": ["community-space"]})
    ]
    other = tokens.token(7, ["other"])
    assert other != first  # a token narrowed to another repository is another token
    clock.now += 3600 - 301
    assert tokens.token(7, ["community-space"]) == first
    clock.now += 2  # within five minutes of expiry: replaced
    assert tokens.token(7, ["community-space"]) != first
    tokens.forget(7)
    tokens.token(7, ["other"])
    assert len(app.requests) == 4


def test_app_mode_needs_an_installation(tmp_path: Path) -> None:
    clients = Clients(settings(tmp_path, token=None, app_id="1", private_key=private_key()))
    with pytest.raises(NoInstallation):
        clients.for_repos(None, ["o/r"])


def test_app_mode_narrows_to_the_installations_own_account(tmp_path: Path) -> None:
    clock = Clock()
    app = FakeApp(clock)
    clients = Clients(settings(tmp_path, token=None, app_id="1", private_key=private_key()))
    clients.tokens = InstallationTokens(lambda: app, clock=clock)  # type: ignore[arg-type,return-value]
    clients.for_repos(3, ["org/a", "org/community", "someone-else/x"])
    assert app.requests[0][1] == {"repositories": ["a", "community"]}


def test_logs_never_show_secrets_keys_tokens_or_bodies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = private_key()
    admin = "admin-token-not-for-logs-42"
    values = settings(tmp_path, token=None, app_id="12345", private_key=key, admin_token=admin)
    stream = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    handler = app_logging.configure(logging.DEBUG, secrets=values.secrets(), stream=stream)
    try:
        service = build(values, start_workers=False)
        clock = Clock()
        app = FakeApp(clock)
        service.clients.tokens = InstallationTokens(lambda: app)  # type: ignore[arg-type,return-value]
        fake = FakeGitHub()
        issued: list[str] = []

        def client_for(token: str) -> FakeGitHub:
            issued.append(token)
            logging.getLogger("test").info("a careless line with the token %s in it", token)
            return fake

        monkeypatch.setattr(service.clients, "_client_for_token", client_for)
        fake.files[("o/r", ".github/ghcommunity.yml")] = config_text("o/r")

        from ghcommunity.core import events
        from ghcommunity.jobs import runner

        saved = list(events._REGISTRY)
        runner.load_handlers()

        def label(event: Event, ctx: Context) -> Plan:
            logging.getLogger("test").debug("secret in a debug line: %s", SECRET)
            return Plan.of([AddLabels(repo="o/r", issue=1, labels=["x"])])

        events._REGISTRY[:] = [events.Registration(("issues",), label, "test.label")]
        try:
            from starlette.testclient import TestClient

            from ghcommunity.app.signature import sign

            body = json.dumps(
                {
                    "action": "opened",
                    "issue": {"number": 1, "body": "PAYLOAD-BODY-MARKER"},
                    "repository": {"full_name": "o/r"},
                    "installation": {"id": 9},
                }
            ).encode()
            http = TestClient(service.asgi)
            headers = {
                "Content-Type": "application/json",
                "X-GitHub-Event": "issues",
                "X-GitHub-Delivery": "log-1",
                "X-Hub-Signature-256": sign(SECRET, body),
            }
            assert http.post("/webhook", content=body, headers=headers).status_code == 202
            bad = dict(headers, **{"X-Hub-Signature-256": sign("wrong", body)})
            assert http.post("/webhook", content=body, headers=bad).status_code == 401
            http.get("/admin/deliveries", headers={"Authorization": f"Bearer {admin}"})
            service.workers.drain()
        finally:
            events._REGISTRY[:] = saved
            service.close()
    finally:
        root.removeHandler(handler)
        for old in saved_handlers:
            root.addHandler(old)
        root.setLevel(saved_level)
    text = stream.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert any(line.get("delivery") == "log-1" for line in lines)  # structured, with the id
    assert fake.labels[("o/r", 1)] == ["x"]
    assert issued
    assert issued[0].startswith("ghs_token")
    for secret in (SECRET, admin, issued[0], "PAYLOAD-BODY-MARKER"):
        assert secret not in text
    for line in key.splitlines():
        if "PRIVATE KEY" not in line:
            assert line not in text
    assert "[redacted]" in text  # the careless lines were caught, not just absent
