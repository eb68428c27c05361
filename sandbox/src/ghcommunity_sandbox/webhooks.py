"""Webhook deliveries: every change in the sandbox POSTed as GitHub delivers it.

With a `webhook_url`, each change (issues opened/edited/labeled/unlabeled/closed/reopened/
assigned/unassigned, issue_comment created/edited/deleted, label created/edited/deleted,
discussion created/edited/answered, discussion_comment created, pull_request opened/closed/
labeled/synchronize, pull_request_review submitted, milestone created, push, create, check_run
created/completed, repository_dispatch) is serialised at the moment it happens and queued. A background thread POSTs
the queue in order with GitHub's headers (`X-GitHub-Event`, `X-GitHub-Delivery`,
`X-GitHub-Hook-ID`, `X-Hub-Signature-256` = `sha256=` HMAC-SHA256 of the raw body with the
secret, `User-Agent: GitHub-Hookshot/...`). Every delivery and its response is recorded in
`deliveries`; `flush(timeout)` waits for the queue to drain.

A delivery the receiver did not take (it was down, or answered 4xx/5xx) is recorded as failed
and, as on GitHub, not retried by itself. The App's hook-deliveries API
(`hook_deliveries.py`) lists every attempt and redelivers one on request.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from ghcommunity_sandbox.checks import webhook_check_run
from ghcommunity_sandbox.git import Commit
from ghcommunity_sandbox.model import (
    CheckRun,
    Comment,
    Discussion,
    DiscussionComment,
    Issue,
    Label,
    Milestone,
    Org,
    Repo,
    Review,
    node_id,
)
from ghcommunity_sandbox.shapes import Shapes
from ghcommunity_sandbox.state import Change, State

HOOK_ID = 100000001
USER_AGENT = "GitHub-Hookshot/sandbox"


@dataclass
class Delivery:
    """One webhook delivery and what the receiver answered."""

    id: str
    event: str
    action: str | None
    payload: dict[str, Any]
    body: bytes
    headers: dict[str, str]
    status: int | None = None
    response: str | None = None
    error: str | None = None
    seconds: float | None = None
    delivered_at: float | None = None
    done: threading.Event = field(default_factory=threading.Event, repr=False)
    # As `GET /app/hook/deliveries` lists it: each attempt has its own number; a redelivery
    # repeats the guid (`id` above, the X-GitHub-Delivery header) with `redelivery` true.
    number: int = 0
    redelivery: bool = False

    @property
    def failed(self) -> bool:
        return self.done.is_set() and (self.status is None or self.status >= 400)

    def hook_item(self) -> dict[str, Any]:
        """The delivery as GitHub's `hook-delivery-item` (without request and response)."""
        installation = self.payload.get("installation")
        repository = self.payload.get("repository")
        if self.status is None:
            status, code = "failed to connect", 502  # as GitHub words a receiver that is down
        else:
            status, code = ("OK" if self.status < 400 else "Invalid HTTP Response"), self.status
        when = self.delivered_at or time.time()
        return {
            "id": self.number,
            "guid": self.id,
            "delivered_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when)),
            "redelivery": self.redelivery,
            "duration": round(self.seconds or 0.0, 3),
            "status": status,
            "status_code": code,
            "event": self.event,
            "action": self.action,
            "installation_id": installation.get("id") if isinstance(installation, dict) else None,
            "repository_id": repository.get("id") if isinstance(repository, dict) else None,
            "throttled_at": None,
        }


def sign(secret: str | bytes, body: bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


_REST_ONLY = frozenset({"user_view_type", "archived_at", "archived_by"})


def _strip(value: Any) -> Any:
    """Drop REST-only keys webhook payloads do not carry."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _REST_ONLY}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def webhook_repo(shapes: Shapes, repo: Repo) -> dict[str, Any]:
    data = shapes.repo(repo)
    data["custom_properties"] = {}
    return data


def webhook_issue(shapes: Shapes, issue: Issue) -> dict[str, Any]:
    data = shapes.issue(issue)
    data.pop("type", None)
    data.pop("closed_by", None)
    return data


def webhook_pull(shapes: Shapes, issue: Issue, *, full: bool = True) -> dict[str, Any]:
    pull = shapes.pull(issue, full=full)
    for side in ("head", "base"):
        if isinstance(pull[side].get("repo"), dict):
            pull[side]["repo"]["custom_properties"] = {}
    return pull


def payload_for(state: State, shapes: Shapes, change: Change) -> dict[str, Any] | None:
    """GitHub's payload for one change (None for changes GitHub does not announce)."""
    repo = change.repo
    out: dict[str, Any] = {}
    if change.action is not None:
        out["action"] = change.action
    subject = change.subject
    extra = change.extra
    if change.event == "issues" and isinstance(subject, Issue):
        out["issue"] = webhook_issue(shapes, subject)
        if "changes" in extra:
            out["changes"] = extra["changes"]
        if "label" in extra:
            out["label"] = shapes.label(subject.repo, extra["label"])
        if "assignee" in extra:
            out["assignee"] = shapes.user(extra["assignee"])
    elif change.event == "pull_request" and isinstance(subject, Issue):
        out["number"] = subject.number
        out["pull_request"] = webhook_pull(shapes, subject)
        if "label" in extra:
            out["label"] = shapes.label(subject.repo, extra["label"])
        if "assignee" in extra:
            out["assignee"] = shapes.user(extra["assignee"])
        if "changes" in extra:
            out["changes"] = extra["changes"]
        if change.action == "synchronize":
            out["before"] = extra["before"]
            out["after"] = extra["after"]
    elif change.event == "pull_request_review" and isinstance(subject, Review):
        review = shapes.review(subject)
        review["state"] = review["state"].lower()  # webhooks spell it lower case
        out["review"] = review
        # a review's pull request is the short form (no counts, no mergeability)
        out["pull_request"] = webhook_pull(shapes, subject.pull, full=False)
    elif change.event == "milestone" and isinstance(subject, Milestone):
        assert repo is not None
        out["milestone"] = shapes.milestone(repo, subject)
    elif change.event == "create" and repo is not None:
        out["ref"] = extra["ref"]
        out["ref_type"] = extra["ref_type"]
        out["master_branch"] = repo.default_branch
        out["description"] = repo.description
        out["pusher_type"] = "user"
    elif change.event == "issue_comment" and isinstance(subject, Comment):
        out["issue"] = webhook_issue(shapes, subject.issue)
        out["comment"] = shapes.comment(subject)
        if "changes" in extra:
            out["changes"] = extra["changes"]
    elif change.event == "label" and isinstance(subject, Label):
        assert repo is not None
        out["label"] = shapes.label(repo, subject)
        if change.action == "edited":
            out["changes"] = extra.get("changes", {})
    elif change.event == "discussion" and isinstance(subject, Discussion):
        out["discussion"] = shapes.discussion(subject)
        if change.action == "answered" and subject.answer is not None:
            out["answer"] = shapes.discussion_comment(subject.answer)
        if "changes" in extra:
            out["changes"] = extra["changes"]
    elif change.event == "discussion_comment" and isinstance(subject, DiscussionComment):
        out["comment"] = shapes.discussion_comment(subject)
        out["discussion"] = shapes.discussion(subject.discussion)
    elif change.event == "push" and repo is not None:
        out.update(push_payload(shapes, repo, change))
    elif change.event == "check_run" and isinstance(subject, CheckRun) and repo is not None:
        out["check_run"] = webhook_check_run(shapes, repo, subject)
    elif change.event == "repository_dispatch" and repo is not None:
        out["branch"] = extra["branch"]
        out["client_payload"] = extra["client_payload"]
    else:
        return None
    if repo is not None:
        out["repository"] = webhook_repo(shapes, repo)
        if isinstance(repo.owner, Org):
            out["organization"] = shapes.org(repo.owner)
        inst = state.installation_for(repo)
        if inst is not None:
            out["installation"] = {"id": inst.id, "node_id": node_id("Integration", inst.id)}
    out["sender"] = shapes.user(change.sender)
    return _strip(out)  # type: ignore[no-any-return]


def _push_commit(shapes: Shapes, repo: Repo, commit: Commit) -> dict[str, Any]:
    files = repo.git.changed_files(commit)
    return {
        "id": commit.sha,
        "tree_id": commit.tree,
        "distinct": True,
        "message": commit.message,
        "timestamp": commit.committer.date,
        "url": f"{shapes.web}/{repo.full_name}/commit/{commit.sha}",
        "author": {
            "name": commit.author.name,
            "email": commit.author.email,
            **({"username": commit.author_login} if commit.author_login else {}),
        },
        "committer": {
            "name": commit.committer.name,
            "email": commit.committer.email,
            **({"username": commit.committer_login} if commit.committer_login else {}),
        },
        "added": [p for p, s, _, _ in files if s == "added"],
        "removed": [p for p, s, _, _ in files if s == "removed"],
        "modified": [p for p, s, _, _ in files if s == "modified"],
    }


def push_payload(shapes: Shapes, repo: Repo, change: Change) -> dict[str, Any]:
    ref = change.extra["ref"]
    before = change.extra.get("before")
    after = change.extra.get("after")
    git = repo.git
    zeros = "0" * 40
    commits: list[dict[str, Any]] = []
    if after and after in git.commits:
        for commit in git.history(after):
            if before and git.is_ancestor(commit.sha, before):
                break
            if not before and ref != f"refs/heads/{repo.default_branch}":
                # a new branch: only what is not on the default branch
                default = git.refs.get(f"refs/heads/{repo.default_branch}")
                if default and git.is_ancestor(commit.sha, default):
                    break
            commits.append(_push_commit(shapes, repo, commit))
            if len(commits) >= 20:
                break
        commits.reverse()
    # GitHub's head_commit is the commit the ref now points at, even when the push brought no
    # new commits (a branch or tag made from an existing commit).
    head_commit = commits[-1] if commits else None
    if head_commit is None and after and after in git.commits:
        head_commit = _push_commit(shapes, repo, git.commits[after])
    web = f"{shapes.web}/{repo.full_name}"
    if before is None and after is not None:
        # a new branch or tag: its commit, or the ref itself when it brought nothing new
        compare = f"{web}/commit/{after}" if commits else f"{web}/compare/{ref.split('/', 2)[2]}"
    else:
        compare = f"{web}/compare/{(before or zeros)[:12]}...{(after or zeros)[:12]}"
    sender = change.sender
    return {
        "ref": ref,
        "before": before or zeros,
        "after": after or zeros,
        "created": before is None,
        "deleted": after is None,
        "forced": bool(
            before and after and after in git.commits and not git.is_ancestor(before, after)
        ),
        "base_ref": None,
        "compare": compare,
        "commits": commits,
        "head_commit": head_commit,
        "pusher": {
            "name": sender.login,
            "email": sender.email or f"{sender.id}+{sender.login}@users.noreply.github.com",
        },
    }


class WebhookDispatcher:
    """Queues webhook payloads as changes happen and delivers them in order."""

    def __init__(
        self,
        state: State,
        url: str | None,
        secret: str | None,
        *,
        api: str,
        web: str,
        timeout: float = 10.0,
    ) -> None:
        self.state = state
        self.url = url
        self.secret = secret
        self.api = api
        self.web = web
        self.timeout = timeout
        self.deliveries: list[Delivery] = []
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._pending = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._client: httpx.Client | None = None
        self._numbers = itertools.count(10_000_000_001)

    def start(self) -> None:
        if self.url and self._thread is None:
            self._client = httpx.Client(timeout=self.timeout)
            self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
            self._thread.start()

    def on_change(self, change: Change) -> None:
        if not self.url:
            return
        shapes = Shapes(self.state, self.api, self.web)
        payload = payload_for(self.state, shapes, change)
        if payload is None:
            return
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        delivery_id = str(uuid.uuid4())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-GitHub-Event": change.event,
            "X-GitHub-Delivery": delivery_id,
            "X-GitHub-Hook-ID": str(HOOK_ID),
            "X-GitHub-Hook-Installation-Target-Type": "repository",
            "X-GitHub-Hook-Installation-Target-ID": str(change.repo.id if change.repo else 0),
        }
        if self.secret:
            headers["X-Hub-Signature-256"] = sign(self.secret, body)
            headers["X-Hub-Signature"] = (
                "sha1=" + hmac.new(self.secret.encode(), body, hashlib.sha1).hexdigest()
            )
        delivery = Delivery(delivery_id, change.event, change.action, payload, body, headers)
        self._send(delivery)

    def _send(self, delivery: Delivery) -> None:
        with self._cond:
            delivery.number = next(self._numbers)
            self.deliveries.append(delivery)
            self._pending += 1
        self._queue.put(delivery)

    def redeliver(self, number: int) -> Delivery | None:
        """Deliver attempt `number`'s payload again (same guid, headers and body), as
        `POST /app/hook/deliveries/{delivery_id}/attempts` does; None if there is no such
        attempt."""
        with self._cond:
            found = next((d for d in self.deliveries if d.number == number), None)
        if found is None or not self.url:
            return None
        again = Delivery(
            found.id, found.event, found.action, found.payload, found.body, dict(found.headers)
        )
        again.redelivery = True
        self._send(again)
        return again

    def attempts(self) -> list[Delivery]:
        """Every attempt made so far, newest first (what `GET /app/hook/deliveries` lists)."""
        with self._cond:
            made = [d for d in self.deliveries if d.done.is_set()]
        return sorted(made, key=lambda d: d.number, reverse=True)

    def _run(self) -> None:
        while True:
            delivery = self._queue.get()
            if delivery is None:
                return
            self._deliver(delivery)
            with self._cond:
                self._pending -= 1
                self._cond.notify_all()

    def _deliver(self, delivery: Delivery) -> None:
        assert self._client is not None
        assert self.url is not None
        started = time.perf_counter()
        try:
            response = self._client.post(self.url, content=delivery.body, headers=delivery.headers)
            delivery.status = response.status_code
            delivery.response = response.text[:10000]
        except httpx.HTTPError as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
        delivery.seconds = time.perf_counter() - started
        delivery.delivered_at = time.time()
        delivery.done.set()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued delivery was sent; False when `timeout` ran out first."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def clear(self) -> None:
        with self._cond:
            self.deliveries = [d for d in self.deliveries if not d.done.is_set()]

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=5)
            self._thread = None
        if self._client is not None:
            self._client.close()
            self._client = None
