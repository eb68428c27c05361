"""Builders for triage tests (imported by the tests as `triage_helpers`): real webhook payload shapes, snapshots, the reference config."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from ghcommunity.config import Config, load_config
from ghcommunity.core.events import Event
from ghcommunity.core.forms import IssueForm, load_forms, render_body
from ghcommunity.core.plan import marker
from ghcommunity.github.snapshot import IssueSnapshot, OpenIssue, RepoLabel, SnapshotIssue
from ghcommunity.github.state import BotComment, IssueState

ROOT = Path(__file__).parents[2]
FORMS_DIR = ROOT / "config/issue-forms"
CONFIG_PATH = ROOT / "config/community.yml"
# GitHub's own payload examples (octokit/webhooks, MIT), copied in tests/fixtures/webhooks/.
PAYLOADS = ROOT / "tests/fixtures/webhooks"
REPO = "uk-x-gov-software-community/community-space"
BOT = "ghcommunity[bot]"


@cache
def _payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


@cache
def reference_config() -> Config:
    return load_config(CONFIG_PATH)


@cache
def reference_forms() -> dict[str, IssueForm]:
    return load_forms(FORMS_DIR)


def form_body(template: str, **answers: Any) -> str:
    return render_body(reference_forms()[template], answers)


def _user(login: str, kind: str = "User") -> dict[str, Any]:
    user = copy.deepcopy(_payload("issues.opened")["issue"]["user"])
    user.update(login=login, type=kind, html_url=f"https://github.com/{login}")
    return user


def _repository(payload: dict[str, Any], repo: str) -> None:
    owner, name = repo.split("/")
    payload["repository"].update(name=name, full_name=repo)
    payload["repository"]["owner"]["login"] = owner


def _issue(
    payload: dict[str, Any],
    *,
    repo: str,
    number: int,
    title: str,
    body: str | None,
    author: str,
    association: str,
    labels: Iterable[str],
    state: str,
    pull_request: bool = False,
) -> None:
    issue = payload["issue"]
    issue.update(
        number=number,
        title=title,
        body=body,
        author_association=association,
        state=state,
        labels=[{"name": name, "color": "ededed", "default": False} for name in labels],
        html_url=f"https://github.com/{repo}/issues/{number}",
        url=f"https://api.github.com/repos/{repo}/issues/{number}",
        user=_user(author),
    )
    if pull_request:
        issue["pull_request"] = {"url": f"https://api.github.com/repos/{repo}/pulls/{number}"}
    else:
        issue.pop("pull_request", None)


def issue_event(
    action: str,
    *,
    number: int = 7,
    title: str = "An issue",
    body: str | None = "",
    author: str = "ada",
    association: str = "MEMBER",
    labels: Iterable[str] = (),
    sender: str | None = None,
    changes: Mapping[str, Any] | None = None,
    label: str | None = None,
    state: str = "open",
    repo: str = REPO,
) -> Event:
    """An `issues` event shaped like GitHub's own example for that action."""
    payload = copy.deepcopy(_payload(f"issues.{action}"))
    _repository(payload, repo)
    _issue(
        payload,
        repo=repo,
        number=number,
        title=title,
        body=body,
        author=author,
        association=association,
        labels=labels,
        state=state,
    )
    payload["sender"] = _user(
        sender or author, "Bot" if (sender or "").endswith("[bot]") else "User"
    )
    if action == "edited":
        payload["changes"] = dict(changes or {})
    if label is not None:
        payload["label"] = {"name": label, "color": "ededed", "default": False}
    return Event("issues", payload, delivery_id=f"test-{action}-{number}")


def comment_event(
    action: str,
    body: str,
    *,
    number: int = 7,
    comment_id: int = 9001,
    commenter: str = "ada",
    author: str = "ada",
    title: str = "An issue",
    issue_body: str | None = "",
    labels: Iterable[str] = (),
    before: str | None = None,
    pull_request: bool = False,
    commenter_type: str = "User",
    repo: str = REPO,
) -> Event:
    """An `issue_comment` event shaped like GitHub's own example for that action."""
    payload = copy.deepcopy(_payload(f"issue_comment.{action}"))
    _repository(payload, repo)
    _issue(
        payload,
        repo=repo,
        number=number,
        title=title,
        body=issue_body,
        author=author,
        association="MEMBER",
        labels=labels,
        state="open",
        pull_request=pull_request,
    )
    payload["comment"].update(id=comment_id, body=body, user=_user(commenter, commenter_type))
    payload["sender"] = _user(commenter, commenter_type)
    if action == "edited":
        payload["changes"] = {"body": {"from": before}} if before is not None else {}
    return Event("issue_comment", payload, delivery_id=f"test-comment-{comment_id}")


def snapshot(
    *,
    number: int = 7,
    title: str = "An issue",
    body: str | None = "",
    author: str = "ada",
    association: str = "MEMBER",
    labels: Iterable[str] = (),
    assignees: Iterable[str] = (),
    state: str = "open",
    bot_comments: Mapping[str, str] | None = None,
    open_issues: Iterable[tuple[int, str]] = (),
    repo_labels: Iterable[str] | None = None,
    is_pull_request: bool = False,
    repo: str = REPO,
) -> IssueSnapshot:
    """What `read_issue_snapshot` would return, as plain data."""
    comments = {
        key: BotComment(1000 + i, f"{marker(key)}\n{text}")
        for i, (key, text) in enumerate((bot_comments or {}).items())
    }
    labels = list(labels)
    issue_state = IssueState(
        number=number,
        labels=labels,
        assignees=list(assignees),
        state=state,
        title=title,
        body=body,
        comments=comments,
        node_id=f"I_{number}",
    )
    issue = SnapshotIssue(
        number=number,
        title=title,
        body=body or "",
        state=state,
        author=author,
        author_association=association,
        labels=tuple(labels),
        assignees=tuple(assignees),
        url=f"https://github.com/{repo}/issues/{number}",
        created_at="2026-11-20T09:00:00Z",
        is_pull_request=is_pull_request,
    )
    names = list(repo_labels) if repo_labels is not None else all_label_names()
    return IssueSnapshot(
        repo=repo,
        number=number,
        issue=issue,
        state=issue_state,
        repo_labels=[RepoLabel(n) for n in names],
        open_issues=[
            OpenIssue(n, t, f"https://github.com/{repo}/issues/{n}")
            for n, t in [(number, title), *open_issues]
        ],
    )


def all_label_names() -> list[str]:
    from ghcommunity.config import iter_labels

    return [spec.name for spec in iter_labels(reference_config())]


# -- against the sandbox -----------------------------------------------------------------------


def arrange(state: Any) -> None:
    """What a community has before triage runs: its labels (as `labels sync` makes them), a
    member who opens issues, a facilitator with triage access, and someone without access."""
    from ghcommunity.config import iter_labels

    for spec in iter_labels(reference_config()):
        state.add_label(REPO, spec.name, spec.color, spec.description)
    org = REPO.split("/")[0]
    state.add_user("ada", "Ada", "Department for Education")
    state.add_member(org, "ada")
    state.add_user("grace", "Grace", "HM Revenue and Customs")
    state.add_member(org, "grace")
    state.set_permission(REPO, "grace", "triage")
    state.add_user("mallory", "Mallory")
    state.add_user("newcomer", "Nia", "Ministry of Justice")


def sandbox_issue_event(github: Any, action: str, number: int, **extra: Any) -> Event:
    """An `issues` event: GitHub's example payload with the sandbox's issue and repository."""
    payload = copy.deepcopy(_payload(f"issues.{action}"))
    payload["issue"] = github.rest("GET", f"/repos/{REPO}/issues/{number}")
    payload["repository"] = github.rest("GET", f"/repos/{REPO}")
    payload["sender"] = payload["issue"]["user"]
    if extra.get("sender"):
        payload["sender"] = github.rest("GET", f"/users/{extra.pop('sender')}")
    payload.pop("changes", None)
    payload.update(extra)
    return Event("issues", payload, delivery_id=f"sandbox-{action}-{number}")


def sandbox_comment_event(
    github: Any, action: str, number: int, comment_id: int, *, before: str | None = None
) -> Event:
    """An `issue_comment` event built the same way, for one of the sandbox's comments."""
    payload = copy.deepcopy(_payload(f"issue_comment.{action}"))
    payload["issue"] = github.rest("GET", f"/repos/{REPO}/issues/{number}")
    payload["repository"] = github.rest("GET", f"/repos/{REPO}")
    payload["comment"] = github.rest("GET", f"/repos/{REPO}/issues/comments/{comment_id}")
    payload["sender"] = payload["comment"]["user"]
    if action == "edited":
        payload["changes"] = {"body": {"from": before}} if before is not None else {}
    return Event("issue_comment", payload, delivery_id=f"sandbox-comment-{comment_id}")


def context(github: Any, config: Config | None = None) -> Any:
    """A fresh Context per delivery (as each Action run gets): forms from config/, other files
    (the DDaT taxonomy) from this repository's checkout."""
    from ghcommunity.github.context import Context
    from ghcommunity.github.forms import DirectoryFormSource

    ctx = Context(config=config or reference_config(), client=github, checkout=ROOT)
    ctx.form_source = DirectoryFormSource(FORMS_DIR)
    return ctx


def listed_issue_event(action: str, issue: dict[str, Any], repository: dict[str, Any]) -> Event:
    """An `issues` event for an issue already read (e.g. from a list): no further requests."""
    payload = copy.deepcopy(_payload(f"issues.{action}"))
    payload.pop("changes", None)
    payload.update(issue=issue, repository=repository, sender=issue["user"])
    return Event("issues", payload, delivery_id=f"listed-{action}-{issue['number']}")
