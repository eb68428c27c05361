"""Helpers for the App's tests: a service with its workers run inline, signed posts, and a fake
GitHub client that records every call (the sandbox tests use the real thing)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from ghcommunity.app.service import Service, build
from ghcommunity.app.settings import Settings
from ghcommunity.app.signature import sign
from ghcommunity_sandbox.server import Sandbox

SECRET = "It's a Secret to Everybody"
FIXTURES = Path(__file__).parent.parent / "fixtures" / "webhooks"


def examples() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def event_name(path: Path) -> str:
    return path.name.split(".")[0]


class FakeGitHub:
    """Just enough of GitHubClient for the App: files by (repo, path), issues' labels.

    Every call is recorded in `calls` as "METHOD path".
    """

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.files: dict[tuple[str, str], str] = {}
        self.labels: dict[tuple[str, int], list[str]] = {}
        self.check_runs: list[dict[str, Any]] = []
        self.requests = 0
        self.fail_with: Exception | None = None

    def _record(self, method: str, path: str) -> None:
        self.requests += 1
        self.calls.append(f"{method} {path}")
        if self.fail_with is not None:
            raise self.fail_with

    def get_or_none(self, path: str, **kwargs: Any) -> Any:
        ref = (kwargs.get("params") or {}).get("ref")
        self._record("GET", path + (f"?ref={ref}" if ref else ""))
        parts = path.split("/")
        if len(parts) > 5 and parts[4] == "contents":
            repo = f"{parts[2]}/{parts[3]}".lower()
            text = self.files.get((repo, "/".join(parts[5:])))
            if text is None:
                return None
            return {
                "type": "file",
                "encoding": "base64",
                "sha": hashlib.sha1(text.encode()).hexdigest(),  # a blob SHA: by content
                "content": base64.b64encode(text.encode()).decode(),
            }
        return None

    def rest(self, method: str, path: str, **kwargs: Any) -> Any:
        self._record(method, path)
        parts = path.split("/")
        if method == "GET" and parts[-2:-1] == ["issues"]:
            repo, number = f"{parts[2]}/{parts[3]}".lower(), int(parts[-1])
            return {
                "number": number,
                "state": "open",
                "title": "t",
                "body": "",
                "labels": [{"name": n} for n in self.labels.get((repo, number), [])],
                "assignees": [],
            }
        if method == "POST" and parts[-1] == "labels":
            repo, number = f"{parts[2]}/{parts[3]}".lower(), int(parts[-2])
            have = self.labels.setdefault((repo, number), [])
            have += [n for n in kwargs["json"]["labels"] if n not in have]
            return [{"name": n} for n in have]
        if method == "GET" and parts[-1] == "check-runs":
            sha, name = parts[-2], (kwargs.get("params") or {}).get("check_name")
            return {
                "check_runs": [
                    r for r in self.check_runs if r["head_sha"] == sha and r["name"] == name
                ]
            }
        if method == "POST" and parts[-1] == "check-runs":
            self.check_runs.append(kwargs["json"])
            return {"html_url": "https://example.test/check"}
        return None

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        self.rest(method, path, **kwargs)
        raise AssertionError(f"unexpected raw request {method} {path}")

    def paginate(self, path: str, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self._record("GET", path)
        return iter([])

    def graphql(self, query: str, variables: Any = None, **kwargs: Any) -> dict[str, Any]:
        self._record("POST", "/graphql")
        raise AssertionError("no GraphQL in the fake")


def config_text(repo: str, extra: str = "") -> str:
    owner, name = repo.split("/")
    return (
        "community:\n"
        f"  name: Test community\n  org: {owner}\n  repo: {name}\n"
        "  bot_login: ghcommunity[bot]\n" + extra
    )


def settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "webhook_secret": SECRET,
        "token": "test-token-0123456789",
        "api_url": "http://github.invalid",
        "queue_url": f"sqlite:///{tmp_path / 'queue.db'}",
        "store_url": f"sqlite:///{tmp_path / 'store.sqlite'}",
        "retry_base": 0.0,
        "workers": 2,
    }
    values.update(overrides)
    return Settings(**values)


class Harness:
    def __init__(self, service: Service, fake: FakeGitHub | None) -> None:
        self.service = service
        self.fake = fake
        self.http = TestClient(service.asgi)

    def post(
        self,
        event: str,
        body: bytes | dict[str, Any],
        *,
        delivery: str | None = None,
        secret: str | None = SECRET,
        headers: dict[str, str] | None = None,
    ) -> Any:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {
            "Content-Type": "application/json",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        }
        if secret is not None:
            sent["X-Hub-Signature-256"] = sign(secret, raw)
        sent.update(headers or {})
        return self.http.post("/webhook", content=raw, headers=sent)

    def drain(self) -> int:
        return self.service.workers.drain()

    def state(self, delivery: str) -> str:
        row = self.service.queue.get(delivery)
        assert row is not None
        return str(row["state"])


@pytest.fixture
def make_harness(tmp_path: Path) -> Iterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def make(*, fake: bool = True, **overrides: Any) -> Harness:
        service = build(settings(tmp_path, **overrides), start_workers=False)
        gh = FakeGitHub() if fake else None
        if gh is not None:
            service.clients.for_repos = lambda installation, repos: gh  # type: ignore[assignment,method-assign,return-value]
        harness = Harness(service, gh)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.service.close()


@pytest.fixture
def harness(make_harness: Callable[..., Harness]) -> Harness:
    return make_harness()


class Served:
    """The App's ASGI app on a real loopback socket, in a thread (uvicorn)."""

    def __init__(self, asgi: Any, *, lifespan: str = "on", http: Any = "auto") -> None:
        import socket
        import threading
        import time

        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(
            uvicorn.Config(asgi, log_config=None, access_log=False, lifespan=lifespan, http=http)
        )
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the App server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


# -- the App and the sandbox, each delivering to the other -----------------------------------


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


@pytest.fixture
def app_and_sandbox(tmp_path: Path) -> Iterator[tuple[Service, Served, Sandbox]]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Each needs the other's address: the App's socket first, its app once the sandbox is up.
    holder: dict[str, Any] = {}

    class Late:
        """An ASGI app that forwards to the real one once it exists."""

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await holder["asgi"](scope, receive, send)

    served = Served(Late(), lifespan="off")
    sandbox = Sandbox.start(
        seed="minimal", webhook_url=served.url + "/webhook", webhook_secret=SECRET
    )
    service = build(
        settings(
            tmp_path, token=None, app_id="4242", private_key=key.decode(), api_url=sandbox.url
        ),
        poll=0.05,
    )
    holder["asgi"] = service.asgi
    service.workers.start()
    try:
        yield service, served, sandbox
    finally:
        service.workers.stop()
        served.stop()
        sandbox.stop()
        service.queue.close()
