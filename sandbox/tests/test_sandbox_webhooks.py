"""Webhooks: delivered in order, signed, shaped as GitHub's (validated against octokit's schemas)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from ghcommunity_sandbox import Sandbox

REPO = "uk-x-gov-software-community/community-space"
R = f"/repos/{REPO}"
SCHEMAS = Path(__file__).parent / "fixtures" / "webhook-schemas"
SECRET = "s3cret"


def _registry() -> Registry:  # type: ignore[type-arg]
    registry: Registry = Registry()  # type: ignore[type-arg]
    for path in SCHEMAS.rglob("*.schema.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(
            contents["$id"], Resource.from_contents(contents, default_specification=DRAFT7)
        )
    return registry


REGISTRY = _registry()


def schema_errors(event: str, action: str | None, payload: dict[str, Any]) -> list[str]:
    name = f"{event}/{action or 'event'}.schema.json"
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    validator = Draft7Validator(schema, registry=REGISTRY)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(payload)
    ]


class Receiver:
    """A tiny webhook receiver that records what it is sent."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length)
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(202)
                self.end_headers()
                self.wfile.write(b"accepted")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def hooked() -> Iterator[tuple[Sandbox, Receiver]]:
    receiver = Receiver()
    sb = Sandbox.start(seed="minimal", webhook_url=receiver.url, webhook_secret=SECRET)
    try:
        yield sb, receiver
    finally:
        sb.stop()
        receiver.close()


@pytest.fixture
def hooks(hooked: tuple[Sandbox, Receiver]) -> tuple[Sandbox, Receiver, httpx.Client]:
    sb, receiver = hooked
    sb.reset()
    receiver.received.clear()
    client = httpx.Client(base_url=sb.url, headers={"Authorization": "token t"})
    return sb, receiver, client


def events(receiver: Receiver) -> list[tuple[str, str | None, dict[str, Any]]]:
    out = []
    for headers, body in receiver.received:
        payload = json.loads(body)
        out.append((headers["x-github-event"], payload.get("action"), payload))
    return out


def test_issue_lifecycle_is_delivered_in_order_and_signed(
    hooks: tuple[Sandbox, Receiver, httpx.Client],
) -> None:
    sb, receiver, api = hooks
    sb.state.add_user("ada")
    n = api.post(f"{R}/issues", json={"title": "Hi", "body": "b", "labels": ["x"]}).json()["number"]
    api.patch(f"{R}/issues/{n}", json={"title": "Hello", "body": "b2"})
    api.post(f"{R}/issues/{n}/labels", json={"labels": ["y"]})
    api.delete(f"{R}/issues/{n}/labels/x")
    api.post(f"{R}/issues/{n}/assignees", json={"assignees": ["ada"]})
    cid = api.post(f"{R}/issues/{n}/comments", json={"body": "c"}).json()["id"]
    api.patch(f"{R}/issues/comments/{cid}", json={"body": "c2"})
    api.delete(f"{R}/issues/comments/{cid}")
    api.patch(f"{R}/issues/{n}", json={"state": "closed"})
    api.patch(f"{R}/issues/{n}", json={"state": "open"})
    assert sb.flush_webhooks(timeout=10)
    got = [(e, a) for e, a, _ in events(receiver)]
    assert got == [
        ("label", "created"),
        ("issues", "opened"),
        ("issues", "labeled"),
        ("issues", "edited"),
        ("label", "created"),
        ("issues", "labeled"),
        ("issues", "unlabeled"),
        ("issues", "assigned"),
        ("issue_comment", "created"),
        ("issue_comment", "edited"),
        ("issue_comment", "deleted"),
        ("issues", "closed"),
        ("issues", "reopened"),
    ]
    for headers, body in receiver.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["x-hub-signature-256"] == expected
        assert headers["user-agent"].startswith("GitHub-Hookshot/")
        assert headers["content-type"] == "application/json"
        assert len(headers["x-github-delivery"]) == 36
        assert headers["x-github-hook-id"]
    for event, action, payload in events(receiver):
        assert schema_errors(event, action, payload) == [], (event, action)
        assert payload["sender"]["login"] == "ghcommunity[bot]"  # the App's own changes
        assert payload["installation"]["id"] == 1
        assert payload["repository"]["full_name"] == REPO
        assert payload["organization"]["login"] == "uk-x-gov-software-community"
    edited = next(p for e, a, p in events(receiver) if a == "edited" and e == "issues")
    assert edited["changes"] == {"title": {"from": "Hi"}, "body": {"from": "b"}}
    assert all(d.status == 202 for d in sb.deliveries)


def test_state_helpers_deliver_too_and_quiet_stops_them(
    hooks: tuple[Sandbox, Receiver, httpx.Client],
) -> None:
    sb, receiver, _ = hooks
    n = sb.state.add_issue(REPO, title="From a test", author="ada")
    sb.state.add_comment(REPO, n, body="hi", author="bob")
    with sb.state.quiet():
        sb.state.add_issue(REPO, title="Silent", author="ada")
    assert sb.flush_webhooks()
    opened = [p for e, a, p in events(receiver) if (e, a) == ("issues", "opened")]
    assert [p["issue"]["title"] for p in opened] == ["From a test"]
    assert opened[0]["sender"]["login"] == "ada"
    comment = next(p for e, a, p in events(receiver) if e == "issue_comment")
    assert schema_errors("issue_comment", "created", comment) == []
    assert comment["comment"]["user"]["login"] == "bob"


def test_discussions_pushes_and_pull_requests(
    hooks: tuple[Sandbox, Receiver, httpx.Client],
) -> None:
    sb, receiver, api = hooks
    sb.state.add_discussion_category(REPO, "Announcements")
    sb.state.add_discussion(
        REPO,
        title="News",
        body="b",
        category="Announcements",
        author="ada",
        comments=[{"body": "c", "author": "bob"}],
    )
    import base64

    api.put(
        f"{R}/contents/notes/a.md",
        json={
            "message": "Add notes",
            "content": base64.b64encode(b"x\n").decode(),
            "branch": "main",
        },
    )
    main = api.get(f"{R}/git/ref/heads/main").json()["object"]["sha"]
    api.post(f"{R}/git/refs", json={"ref": "refs/heads/feature", "sha": main})
    api.put(
        f"{R}/contents/notes/b.md",
        json={
            "message": "Add b",
            "content": base64.b64encode(b"y\n").decode(),
            "branch": "feature",
        },
    )
    api.post(f"{R}/pulls", json={"title": "B", "head": "feature", "base": "main"})
    api.post(f"{R}/labels", json={"name": "new", "color": "ffffff"})
    api.patch(f"{R}/labels/new", json={"color": "000000"})
    api.delete(f"{R}/labels/new")
    assert sb.flush_webhooks()
    got = events(receiver)
    kinds = [(e, a) for e, a, _ in got]
    assert ("discussion", "created") in kinds
    assert ("discussion_comment", "created") in kinds
    assert ("pull_request", "opened") in kinds
    assert [a for e, a, _ in got if e == "label"] == ["created", "edited", "deleted"]
    pushes = [p for e, _, p in got if e == "push"]
    assert [p["ref"] for p in pushes] == [
        "refs/heads/main",
        "refs/heads/feature",
        "refs/heads/feature",
    ]
    assert pushes[0]["commits"][0]["added"] == ["notes/a.md"]
    assert pushes[1]["created"] is True
    assert pushes[1]["commits"] == []
    assert pushes[2]["commits"][0]["message"] == "Add b"
    for event, action, payload in got:
        assert schema_errors(event, action, payload) == [], (event, action)


def test_flush_times_out_when_the_receiver_is_slow() -> None:
    received = threading.Event()
    release = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            received.set()
            release.wait(5)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sb = Sandbox.start(seed="minimal", webhook_url=f"http://127.0.0.1:{server.server_address[1]}/")
    try:
        sb.state.add_issue(REPO, title="x")
        assert received.wait(5)
        assert sb.flush_webhooks(timeout=0.2) is False
        release.set()
        assert sb.flush_webhooks(timeout=5) is True
        assert sb.deliveries[0].status == 204
    finally:
        release.set()
        sb.stop()
        server.shutdown()
        server.server_close()


def test_unreachable_receiver_is_recorded_not_raised() -> None:
    sb = Sandbox.start(seed="minimal", webhook_url="http://127.0.0.1:9/unreachable")
    try:
        sb.state.add_issue(REPO, title="x")
        assert sb.flush_webhooks(timeout=10)
        (delivery,) = sb.deliveries
        assert delivery.status is None
        assert delivery.error
    finally:
        sb.stop()


def test_opened_carries_labels_and_new_events_match_githubs_schemas(
    hooks: tuple[Sandbox, Receiver, httpx.Client],
) -> None:
    """Issue 17: `issues.opened` has the labels it was created with; a branch made with
    createRef sends `create` and a push whose head_commit is its commit; new commits on a pull
    request's branch send `pull_request.synchronize`; reviews and milestones are announced."""
    sb, receiver, api = hooks
    sb.state.add_user("ada")
    sb.state.add_token("ada-token", "ada")
    sb.state.set_permission(REPO, "ada", "write")
    n = api.post(f"{R}/issues", json={"title": "Hi", "labels": ["x", "y"]}).json()["number"]
    main = api.get(f"{R}/git/ref/heads/main").json()["object"]["sha"]
    api.post(f"{R}/git/refs", json={"ref": "refs/heads/topic", "sha": main})
    first = sb.state.put_file(REPO, "a.md", "a\n", branch="topic")
    pr = api.post(f"{R}/pulls", json={"title": "T", "head": "topic", "base": "main"}).json()
    second = sb.state.put_file(REPO, "b.md", "b\n", branch="topic")
    review = httpx.post(
        f"{sb.url}{R}/pulls/{pr['number']}/reviews",
        json={"event": "APPROVE"},
        headers={"Authorization": "token ada-token"},
    )
    assert review.status_code == 200, review.text
    api.post(f"{R}/milestones", json={"title": "v1"})
    assert sb.flush_webhooks(timeout=10)
    got = events(receiver)
    issue_events = [(e, a) for e, a, p in got if p.get("issue", {}).get("number") == n]
    assert issue_events == [("issues", "opened"), ("issues", "labeled"), ("issues", "labeled")]
    opened = next(p for e, a, p in got if (e, a) == ("issues", "opened"))
    assert [lab["name"] for lab in opened["issue"]["labels"]] == ["x", "y"]
    create = next(p for e, _, p in got if e == "create")
    assert (create["ref"], create["ref_type"]) == ("topic", "branch")
    push = next(p for e, _, p in got if e == "push" and p["ref"] == "refs/heads/topic")
    assert push["created"] is True
    assert push["commits"] == []
    assert push["head_commit"]["id"] == main
    assert push["compare"].endswith("/compare/topic")
    sync = [p for e, a, p in got if (e, a) == ("pull_request", "synchronize")]
    assert [(p["before"], p["after"]) for p in sync] == [(first, second)]
    assert sync[0]["pull_request"]["commits"] == 2
    submitted = next(p for e, a, p in got if e == "pull_request_review")
    assert (submitted["action"], submitted["review"]["state"]) == ("submitted", "approved")
    milestone = next(p for e, a, p in got if e == "milestone")
    assert (milestone["action"], milestone["milestone"]["title"]) == ("created", "v1")
    for event, action, payload in got:
        assert schema_errors(event, action, payload) == [], (event, action)


def test_pinning_an_issue_is_announced_as_github_does(
    hooks: tuple[Sandbox, Receiver, httpx.Client],
) -> None:
    sb, receiver, api = hooks
    n = api.post(f"{R}/issues", json={"title": "Dashboard"}).json()["number"]
    node = api.get(f"{R}/issues/{n}").json()["node_id"]
    pin = "mutation($id: ID!) { pinIssue(input: {issueId: $id}) { issue { isPinned } } }"
    unpin = pin.replace("pinIssue", "unpinIssue")
    for query in (pin, pin, unpin):  # pinning a pinned issue changes nothing
        done = api.post("/graphql", json={"query": query, "variables": {"id": node}}).json()
        assert "errors" not in done, done
    assert sb.flush_webhooks(timeout=10)
    got = [(e, a) for e, a, _ in events(receiver) if e == "issues"]
    assert got == [("issues", "opened"), ("issues", "pinned"), ("issues", "unpinned")]
    for event, action, payload in events(receiver):
        assert schema_errors(event, action, payload) == [], (event, action)
    kinds = [e["event"] for e in api.get(f"{R}/issues/{n}/events").json()]
    assert kinds == ["pinned", "unpinned"]
