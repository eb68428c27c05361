"""The one executor: applies a Plan to GitHub idempotently.

Before each write it knows (from a snapshot it was given) or checks (one read, cached) the
current state, and writes only the difference: labels already there are not re-added, a comment
with the same hidden marker is edited rather than posted again (and not at all if unchanged), an
existing file is not overwritten, an open pull request for the same branch is reused, a keyed
issue or discussion is found and updated. Applying a Plan twice makes no second write.

A marker counts only on items the bot wrote (its login: the configured `bot_login`, and the
token's own identity, read once when an unknown author carries a marker).

Lost answers: when GitHub may have applied a write but the answer was lost (a 5xx after the
change, a dropped connection: `UnknownOutcome`), the write is never repeated blindly. The
executor forgets what it knew about the repository and runs the operation again, which re-reads
(the keyed marker comment, issue or discussion, the branch, the pull request, the file) and
writes only what is still missing.

Concurrent runs (the App and the Action, or a schedule and a person, at once): after creating
a keyed comment, issue or discussion the executor re-reads, and when two runs both created one,
each removes every copy but the oldest, so both converge on one.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ghcommunity.core.errors import GhcError, InputError, OperationalError
from ghcommunity.core.plan import (
    AddLabels,
    AddToProject,
    Assign,
    CloseIssue,
    Comment,
    CommitFiles,
    CreateCheckRun,
    CreateDiscussion,
    CreateIssue,
    CreateLabel,
    DeleteComment,
    DeleteLabel,
    FileChange,
    OpenPullRequest,
    Operation,
    PinIssue,
    Plan,
    PutFile,
    React,
    RemoveLabels,
    ReopenIssue,
    Unassign,
    UpdateIssue,
    UpdateLabel,
    git_blob_sha,
    marker,
    marker_key,
)
from ghcommunity.github import queries
from ghcommunity.github.client import (
    GitHubClient,
    UnknownOutcome,
    quote_segment,
    repo_path,
    split_repo,
)
from ghcommunity.github.contents import contents_path
from ghcommunity.github.state import BotComment, IssueState, RepoState, author_login

# How many times an operation is tried when its answers keep being lost.
LOST_ANSWER_ATTEMPTS = 4

log = logging.getLogger(__name__)

Status = Literal["applied", "unchanged", "skipped"]


@dataclass
class Outcome:
    op: Operation
    status: Status
    detail: str = ""
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op.op, "repo": self.op.repo, "status": self.status}
        if hasattr(self.op, "issue"):
            out["issue"] = self.op.issue
        if self.detail:
            out["detail"] = self.detail
        if self.url:
            out["url"] = self.url
        return out


class ApplyError(OperationalError):
    """An operation failed; `outcomes` holds what was done before it. A rerun converges."""

    def __init__(self, error: GhcError, op: Operation, outcomes: list[Outcome]) -> None:
        super().__init__(f"{op.describe()}: {error}")
        self.exit_code = error.exit_code
        self.op = op
        self.outcomes = outcomes


class _Conflict(UnknownOutcome):
    """Another run changed the same thing meanwhile (a branch appeared, a ref moved, a pull
    request opened): read again and decide, as after a lost answer."""


# GitHub refuses an issue, pull request, comment or discussion body over this many characters.
BODY_LIMIT = 65536


def bounded(body: str, limit: int = BODY_LIMIT) -> str:
    """A body GitHub accepts: cut at a line break before the limit, saying how much was cut.

    Planners summarise what they quote; this is the last guard for every body written."""
    if len(body) <= limit:
        return body
    note = "\n\n(cut short: GitHub takes at most 65,536 characters; {n:,} more were left out)"
    keep = limit - len(note.format(n=len(body))) - 16
    cut = body.rfind("\n", 0, keep)
    cut = cut if cut > keep // 2 else keep
    return body[:cut] + note.format(n=len(body) - cut)


def _auto_key(body: str) -> str:
    """Comments without a key still get one (from their text), so a rerun never reposts them."""
    return "text-" + hashlib.sha256(body.encode()).hexdigest()[:16]


class Executor:
    def __init__(self, client: GitHubClient, *, actor: str | None = None) -> None:
        self.client = client
        self.actor = actor  # the bot's login, to recognise its own reactions
        self._me: set[str] = {actor.lower()} if actor else set()
        self._viewer_read = False
        self.writes = 0
        self.lost_answers = 0  # writes whose answer was lost (re-read, then decided)
        self._repos: dict[str, RepoState] = {}
        self._handlers: dict[str, Callable[[Any], Outcome]] = {
            "add_labels": self._add_labels,
            "remove_labels": self._remove_labels,
            "create_label": self._create_label,
            "update_label": self._update_label,
            "delete_label": self._delete_label,
            "comment": self._comment,
            "delete_comment": self._delete_comment,
            "assign": self._assign,
            "unassign": self._unassign,
            "close_issue": self._close_issue,
            "reopen_issue": self._reopen_issue,
            "put_file": self._put_file,
            "commit_files": self._commit_files,
            "open_pull_request": self._open_pull_request,
            "create_issue": self._create_issue,
            "update_issue": self._update_issue,
            "pin_issue": self._pin_issue,
            "create_discussion": self._create_discussion,
            "add_to_project": self._add_to_project,
            "react": self._react,
            "create_check_run": self._create_check_run,
        }

    # -- what we know ----------------------------------------------------------------------

    def repo(self, full_name: str) -> RepoState:
        return self._repos.setdefault(full_name.lower(), RepoState())

    def is_mine(self, login: str | None) -> bool:
        """Whether this login is the bot's: the configured login, or the token's own."""
        if not login:
            return False
        wanted = login.lower()
        if wanted in self._me:
            return True
        if not self._viewer_read:
            self._viewer_read = True
            try:
                data = self.client.graphql(queries.VIEWER, what="reading the bot's own login")
            except GhcError as exc:
                log.info("cannot read the token's identity: %s", exc)
                return False
            viewer = (data.get("viewer") or {}).get("login")
            if viewer:
                self._me.add(str(viewer).lower())
                if not str(viewer).endswith("[bot]"):
                    # GraphQL spells an App's bot without the suffix REST gives it.
                    self._me.add(f"{viewer}[bot]".lower())
            return wanted in self._me
        return False

    def _learn(self, data: Any) -> None:
        """What GitHub says we just wrote was written by us."""
        login = ((data or {}).get("user") or {}).get("login") if isinstance(data, dict) else None
        if login:
            self._me.add(str(login).lower())

    def know_issue(self, repo: str, state: IssueState) -> None:
        """Take fresh state read by a handler as known (saves a read per field)."""
        current = self.repo(repo).issue(state.number)
        if state.comments is not None and any(
            c.author is not None and not self.is_mine(c.author) for c in state.comments.values()
        ):
            # Someone else's item carries a marker: read the comments again, trusting only ours.
            state = IssueState(**{**state.__dict__, "comments": None})
        for name in (
            "labels",
            "assignees",
            "state",
            "title",
            "body",
            "comments",
            "node_id",
            "project_ids",
        ):
            value = getattr(state, name)
            if value is not None:
                setattr(current, name, value)

    def know_labels(self, repo: str, labels: list[dict[str, Any]]) -> None:
        self.repo(repo).labels = {str(lab["name"]).lower(): dict(lab) for lab in labels}

    # -- applying --------------------------------------------------------------------------

    def apply(self, plan: Plan) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for op in plan.operations:
            try:
                outcome = self._apply_one(op)
            except GhcError as exc:
                raise ApplyError(exc, op, outcomes) from None
            log.info("%s: %s %s", outcome.status, op.describe(), outcome.detail)
            outcomes.append(outcome)
        return outcomes

    def _apply_one(self, op: Operation) -> Outcome:
        """One operation; after a lost answer, forget, re-read and decide again."""
        lost: UnknownOutcome | None = None
        for _ in range(LOST_ANSWER_ATTEMPTS):
            try:
                outcome = self._handlers[op.op](op)
            except UnknownOutcome as exc:
                lost = exc
                if not isinstance(exc, _Conflict):
                    self.lost_answers += 1
                log.warning("%s: %s; reading again before deciding", op.describe(), exc)
                self._repos.pop(op.repo.lower(), None)
                continue
            if isinstance(lost, _Conflict):
                outcome.detail = f"{outcome.detail} (after another run's change)".strip()
            elif lost is not None:
                if outcome.status == "unchanged":  # our own lost write is what is there now
                    outcome.status = "applied"
                outcome.detail = f"{outcome.detail} (after a lost answer)".strip()
            return outcome
        assert lost is not None
        raise lost

    def _write(self, method: str, path: str, **kwargs: Any) -> Any:
        self.writes += 1
        return self.client.rest(method, path, **kwargs)

    def _harmless(self, method: str, path: str, **kwargs: Any) -> Any:
        """A write whose repetition leaves nothing behind that matters (a git tree or commit
        nobody points at): sent again as it is after a lost answer; returns the JSON body."""
        response = self._idempotent(method, path, **kwargs)
        return response.json() if response is not None and response.content else None

    def _idempotent(self, method: str, path: str, **kwargs: Any) -> Any:
        """A write that may be sent again as it is (a DELETE, a PATCH to fixed values)."""
        for attempt in range(LOST_ANSWER_ATTEMPTS):
            self.writes += 1
            try:
                return self.client.request(method, path, **kwargs)
            except UnknownOutcome:
                self.lost_answers += 1
                if attempt == LOST_ANSWER_ATTEMPTS - 1:
                    raise
        return None

    # -- reads (cached) --------------------------------------------------------------------

    def _issue(self, repo: str, number: int, *fields: str) -> IssueState:
        state = self.repo(repo).issue(number)
        if any(getattr(state, f) is None for f in fields if f != "comments"):
            data = self.client.rest("GET", f"{repo_path(repo)}/issues/{number}")
            fresh = IssueState.from_rest(data)
            for name in ("labels", "assignees", "state", "title", "body", "node_id"):
                setattr(state, name, getattr(fresh, name))
            if state.comments is None and fresh.comments is not None:
                state.comments = fresh.comments
        if "comments" in fields and state.comments is None:
            found: dict[str, BotComment] = {}
            for key, comments in self._keyed_comments(repo, number).items():
                found[key] = comments[0]
            state.comments = found
        return state

    def _keyed_comments(self, repo: str, number: int) -> dict[str, list[BotComment]]:
        """The bot's own marked comments on an issue, by key, oldest first."""
        found: dict[str, list[BotComment]] = {}
        for comment in self.client.paginate(f"{repo_path(repo)}/issues/{number}/comments"):
            key = marker_key(comment.get("body"))
            login = (comment.get("user") or {}).get("login")
            if key and self.is_mine(login):
                found.setdefault(key, []).append(
                    BotComment(int(comment["id"]), comment["body"], str(login))
                )
        for comments in found.values():
            comments.sort(key=lambda c: c.id)
        return found

    def _labels(self, repo: str) -> dict[str, dict[str, Any]]:
        state = self.repo(repo)
        if state.labels is None:
            state.labels = {
                str(lab["name"]).lower(): lab
                for lab in self.client.paginate(f"{repo_path(repo)}/labels")
            }
        return state.labels

    def _default_branch(self, repo: str) -> str:
        state = self.repo(repo)
        if state.default_branch is None:
            data = self.client.rest("GET", repo_path(repo))
            state.default_branch = str(data.get("default_branch") or "main")
        return state.default_branch

    def _ref_sha(self, repo: str, branch: str) -> str | None:
        data = self.client.get_or_none(f"{repo_path(repo)}/git/ref/heads/{branch}")
        if not isinstance(data, dict):  # a prefix match returns a list; not our branch
            return None
        return str(data["object"]["sha"])

    # -- labels ----------------------------------------------------------------------------

    def _add_labels(self, op: AddLabels) -> Outcome:
        state = self._issue(op.repo, op.issue, "labels")
        have = {n.lower() for n in state.labels or []}
        missing = list(dict.fromkeys(n for n in op.labels if n.lower() not in have))
        if not missing:
            return Outcome(op, "unchanged", "already labelled")
        data = self._write(
            "POST",
            f"{repo_path(op.repo)}/issues/{op.issue}/labels",
            json={"labels": missing},
        )
        state.labels = [lab["name"] for lab in data] if isinstance(data, list) else None
        return Outcome(op, "applied", "added " + ", ".join(missing))

    def _remove_labels(self, op: RemoveLabels) -> Outcome:
        state = self._issue(op.repo, op.issue, "labels")
        current = {n.lower(): n for n in state.labels or []}
        present = [current[n.lower()] for n in op.labels if n.lower() in current]
        if not present:
            return Outcome(op, "unchanged", "not labelled")
        for name in present:
            self.writes += 1
            response = self.client.request(
                "DELETE",
                f"{repo_path(op.repo)}/issues/{op.issue}/labels/{quote_segment(name)}",
                ok=(404,),
            )
            if response.status_code == 200:
                state.labels = [lab["name"] for lab in response.json()]
        state.labels = [
            n for n in state.labels or [] if n.lower() not in {p.lower() for p in present}
        ]
        return Outcome(op, "applied", "removed " + ", ".join(present))

    def _create_label(self, op: CreateLabel) -> Outcome:
        labels = self._labels(op.repo)
        if op.name.lower() in labels:
            return Outcome(op, "unchanged", "exists")
        body = {"name": op.name, "color": op.color, "description": op.description}
        self.writes += 1
        response = self.client.request("POST", f"{repo_path(op.repo)}/labels", json=body, ok=(422,))
        if response.status_code == 422:
            codes = {e.get("code") for e in response.json().get("errors") or []}
            if "already_exists" not in codes:
                raise InputError(
                    f"GitHub refused label {op.name!r}: {response.json().get('message')}"
                )
            return Outcome(op, "unchanged", "exists")
        labels[op.name.lower()] = response.json()
        return Outcome(op, "applied", "created")

    def _update_label(self, op: UpdateLabel) -> Outcome:
        labels = self._labels(op.repo)
        current = labels.get(op.name.lower())
        if current is None and op.new_name:
            current = labels.get(op.new_name.lower())
        if current is None:
            return Outcome(op, "skipped", f"no label named {op.name!r}")
        changes: dict[str, Any] = {}
        if op.new_name and op.new_name != current["name"]:
            changes["new_name"] = op.new_name
        if op.color is not None and op.color.lower() != str(current.get("color", "")).lower():
            changes["color"] = op.color
        if op.description is not None and op.description != (current.get("description") or ""):
            changes["description"] = op.description
        if not changes:
            return Outcome(op, "unchanged", "up to date")
        data = self._write(
            "PATCH",
            f"{repo_path(op.repo)}/labels/{quote_segment(current['name'])}",
            json=changes,
        )
        labels.pop(str(current["name"]).lower(), None)
        labels[str(data["name"]).lower()] = data
        return Outcome(op, "applied", ", ".join(sorted(changes)))

    def _delete_label(self, op: DeleteLabel) -> Outcome:
        labels = self._labels(op.repo)
        current = labels.get(op.name.lower())
        if current is None:
            return Outcome(op, "unchanged", "absent")
        self.writes += 1
        self.client.request(
            "DELETE",
            f"{repo_path(op.repo)}/labels/{quote_segment(current['name'])}",
            ok=(404,),
        )
        labels.pop(op.name.lower(), None)
        return Outcome(op, "applied", "deleted")

    # -- comments and reactions ------------------------------------------------------------

    def _comment(self, op: Comment) -> Outcome:
        key = op.key or _auto_key(op.body)
        full = bounded(f"{marker(key)}\n{op.body}")
        state = self._issue(op.repo, op.issue, "comments")
        assert state.comments is not None
        existing = state.comments.get(key)
        if (
            existing is not None
            and existing.author is not None
            and not self.is_mine(existing.author)
        ):
            state.comments = None  # not ours after all: read them again
            state = self._issue(op.repo, op.issue, "comments")
            existing = (state.comments or {}).get(key)
        comments = state.comments
        assert comments is not None
        if existing is not None:
            if existing.body.strip() == full.strip():
                return Outcome(op, "unchanged", "same comment already there")
            data = self._write(
                "PATCH",
                f"{repo_path(op.repo)}/issues/comments/{existing.id}",
                json={"body": full},
            )
            comments[key] = BotComment(existing.id, full, existing.author)
            return Outcome(op, "applied", "edited the bot's comment", data.get("html_url"))
        data = self._write(
            "POST", f"{repo_path(op.repo)}/issues/{op.issue}/comments", json={"body": full}
        )
        self._learn(data)
        kept = self._settle_comment(op.repo, op.issue, key, int(data["id"]))
        comments[key] = kept or BotComment(int(data["id"]), full, self.actor)
        return Outcome(op, "applied", "commented", data.get("html_url"))

    def _settle_comment(self, repo: str, issue: int, key: str, created: int) -> BotComment | None:
        """After posting: if another run posted the same keyed comment, keep only the oldest."""
        copies = self._keyed_comments(repo, issue).get(key) or []
        if not any(c.id == created for c in copies):
            copies.append(BotComment(created, "", None))
            copies.sort(key=lambda c: c.id)
        for extra in copies[1:]:
            self._idempotent("DELETE", f"{repo_path(repo)}/issues/comments/{extra.id}", ok=(404,))
            log.info("removed a second copy of comment %s on %s#%s", key, repo, issue)
        return copies[0] if copies and copies[0].body else None

    def _delete_comment(self, op: DeleteComment) -> Outcome:
        state = self._issue(op.repo, op.issue, "comments")
        assert state.comments is not None
        existing = state.comments.pop(op.key, None)
        if existing is None:
            return Outcome(op, "unchanged", "no such comment")
        self._idempotent("DELETE", f"{repo_path(op.repo)}/issues/comments/{existing.id}", ok=(404,))
        return Outcome(op, "applied", "deleted the bot's comment")

    def _react(self, op: React) -> Outcome:
        base = repo_path(op.repo)
        path = (
            f"{base}/issues/comments/{op.comment_id}/reactions"
            if op.comment_id
            else f"{base}/issues/{op.issue}/reactions"
        )
        if self.actor:
            for reaction in self.client.paginate(path, {"content": op.content}):
                if str((reaction.get("user") or {}).get("login", "")).lower() == self.actor.lower():
                    return Outcome(op, "unchanged", "already reacted")
        self.writes += 1
        response = self.client.request("POST", path, json={"content": op.content})
        status: Status = "unchanged" if response.status_code == 200 else "applied"
        return Outcome(op, status, op.content)

    # -- issues ----------------------------------------------------------------------------

    def _assign(self, op: Assign) -> Outcome:
        state = self._issue(op.repo, op.issue, "assignees")
        have = {a.lower() for a in state.assignees or []}
        missing = [a for a in op.assignees if a.lower() not in have]
        if not missing:
            return Outcome(op, "unchanged", "already assigned")
        data = self._write(
            "POST",
            f"{repo_path(op.repo)}/issues/{op.issue}/assignees",
            json={"assignees": missing},
        )
        state.assignees = [a["login"] for a in data.get("assignees") or []]
        not_taken = [a for a in missing if a.lower() not in {x.lower() for x in state.assignees}]
        if not_taken:  # GitHub silently ignores people who cannot be assigned
            return Outcome(op, "applied", "could not assign " + ", ".join(not_taken))
        return Outcome(op, "applied", "assigned " + ", ".join(missing))

    def _unassign(self, op: Unassign) -> Outcome:
        state = self._issue(op.repo, op.issue, "assignees")
        have = {a.lower(): a for a in state.assignees or []}
        present = [have[a.lower()] for a in op.assignees if a.lower() in have]
        if not present:
            return Outcome(op, "unchanged", "not assigned")
        data = self._write(
            "DELETE",
            f"{repo_path(op.repo)}/issues/{op.issue}/assignees",
            json={"assignees": present},
        )
        state.assignees = [a["login"] for a in data.get("assignees") or []]
        return Outcome(op, "applied", "unassigned " + ", ".join(present))

    def _set_state(
        self, op: CloseIssue | ReopenIssue, wanted: str, extra: dict[str, Any]
    ) -> Outcome:
        state = self._issue(op.repo, op.issue, "state")
        if state.state == wanted:
            return Outcome(op, "unchanged", f"already {wanted}")
        self._write(
            "PATCH",
            f"{repo_path(op.repo)}/issues/{op.issue}",
            json={"state": wanted, **extra},
        )
        state.state = wanted
        return Outcome(op, "applied", wanted)

    def _close_issue(self, op: CloseIssue) -> Outcome:
        return self._set_state(op, "closed", {"state_reason": op.reason})

    def _reopen_issue(self, op: ReopenIssue) -> Outcome:
        return self._set_state(op, "open", {})

    def _update_issue(self, op: UpdateIssue) -> Outcome:
        state = self._issue(op.repo, op.issue, "title", "body", "state")
        changes = {
            name: value
            for name, value in (
                ("title", op.title),
                ("body", None if op.body is None else bounded(op.body)),
                ("state", op.state),
            )
            if value is not None and value != getattr(state, name)
        }
        if not changes:
            return Outcome(op, "unchanged", "up to date")
        data = self._write("PATCH", f"{repo_path(op.repo)}/issues/{op.issue}", json=changes)
        for name, value in changes.items():
            setattr(state, name, value)
        return Outcome(op, "applied", ", ".join(sorted(changes)), data.get("html_url"))

    def _pin_issue(self, op: PinIssue) -> Outcome:
        number = op.issue
        if number is None and op.key:
            found = self._find_keyed_issue(op.repo, op.key)
            number = int(found["number"]) if found else None
        if number is None:
            return Outcome(op, "skipped", "no such issue")
        owner, name = split_repo(op.repo)
        data = self.client.graphql(
            queries.ISSUE_PIN,
            {"owner": owner, "name": name, "number": number},
            what=f"reading whether #{number} is pinned",
        )
        issue = (data.get("repository") or {}).get("issue") or {}
        if issue.get("isPinned"):
            return Outcome(op, "unchanged", f"#{number} is pinned")
        try:
            self.writes += 1
            self.client.graphql(queries.PIN_ISSUE, {"id": issue["id"]}, what=f"pinning #{number}")
        except GhcError as exc:
            return Outcome(op, "skipped", f"#{number} not pinned: {exc}")
        return Outcome(op, "applied", f"pinned #{number}")

    def find_keyed_issue(self, repo: str, key: str) -> dict[str, Any] | None:
        """The issue carrying this key's marker, for jobs that must know it before planning."""
        return self._find_keyed_issue(repo, key)

    def _keyed_issues(self, repo: str, key: str) -> list[dict[str, Any]]:
        """The bot's own issues whose body starts with this key's marker, oldest first."""
        recent = self.client.rest(
            "GET",
            f"{repo_path(repo)}/issues",
            params={"state": "all", "sort": "created", "direction": "desc", "per_page": 100},
        )
        found = {
            int(issue["number"]): dict(issue)
            for issue in recent or []
            if marker_key(issue.get("body")) == key
            and "pull_request" not in issue
            and self.is_mine((issue.get("user") or {}).get("login"))
        }
        return [found[n] for n in sorted(found)]

    def _find_keyed_issue(self, repo: str, key: str) -> dict[str, Any] | None:
        """The bot's issue whose body starts with this key's marker: recent issues, then search."""
        mine = self._keyed_issues(repo, key)
        if mine:
            return mine[0]
        found = self.client.rest(
            "GET",
            "/search/issues",
            params={"q": f'repo:{repo} is:issue in:body "{marker(key)[5:-4]}"', "per_page": 10},
        )
        matches = [
            dict(issue)
            for issue in (found or {}).get("items") or []
            if marker_key(issue.get("body")) == key
            and self.is_mine((issue.get("user") or {}).get("login"))
        ]
        return min(matches, key=lambda i: int(i["number"])) if matches else None

    def _create_issue(self, op: CreateIssue) -> Outcome:
        body = bounded(f"{marker(op.key)}\n{op.body}" if op.key else op.body)
        existing = self._find_keyed_issue(op.repo, op.key) if op.key else None
        if existing is not None and op.if_exists == "skip":
            return Outcome(
                op,
                "unchanged",
                f"#{existing['number']} exists; left as it is",
                existing.get("html_url"),
            )
        if existing is not None:
            changes: dict[str, Any] = {}
            if existing.get("title") != op.title:
                changes["title"] = op.title
            if (existing.get("body") or "").strip() != body.strip():
                changes["body"] = body
            if op.reopen and existing.get("state") == "closed":
                changes["state"] = "open"
            if not changes:
                return Outcome(
                    op, "unchanged", f"#{existing['number']} up to date", existing.get("html_url")
                )
            self._idempotent(
                "PATCH", f"{repo_path(op.repo)}/issues/{existing['number']}", json=changes
            )
            return Outcome(
                op, "applied", f"updated #{existing['number']}", existing.get("html_url")
            )
        payload: dict[str, Any] = {"title": op.title, "body": body}
        if op.labels:
            payload["labels"] = op.labels
        if op.assignees:
            payload["assignees"] = op.assignees
        data = self._write("POST", f"{repo_path(op.repo)}/issues", json=payload)
        self._learn(data)
        number = int(data["number"])
        if op.key:
            number = self._settle_issue(op.repo, op.key, number)
        return Outcome(op, "applied", f"opened #{number}", data.get("html_url"))

    def _settle_issue(self, repo: str, key: str, created: int) -> int:
        """After opening a keyed issue: if another run opened one too, keep only the oldest.

        Issues cannot be deleted with a token, so a later copy is closed as a duplicate and
        loses its marker (it is never taken for the keyed issue again).
        """
        numbers = sorted({int(i["number"]) for i in self._keyed_issues(repo, key)} | {created})
        keep = numbers[0]
        for extra in numbers[1:]:
            self._idempotent(
                "PATCH",
                f"{repo_path(repo)}/issues/{extra}",
                json={
                    "state": "closed",
                    "state_reason": "not_planned",
                    "body": f"Duplicate of #{keep} (opened twice by two runs at once).",
                },
            )
            log.info("closed #%s, a second copy of #%s on %s", extra, keep, repo)
        return keep

    # -- files and pull requests -----------------------------------------------------------

    def _ensure_branch(self, repo: str, branch: str, base: str | None) -> str:
        """The branch's head commit, creating the branch from `base` if it does not exist."""
        sha = self._ref_sha(repo, branch)
        if sha:
            return sha
        base_branch = base or self._default_branch(repo)
        base_sha = self._ref_sha(repo, base_branch)
        if not base_sha:
            raise OperationalError(f"{repo}: branch {base_branch!r} does not exist")
        self.writes += 1
        response = self.client.request(
            "POST",
            f"{repo_path(repo)}/git/refs",
            json={"ref": f"refs/heads/{branch}", "sha": base_sha},
            ok=(422,),
        )
        if response.status_code == 422:  # created meanwhile (another run, or a lost answer)
            sha = self._ref_sha(repo, branch)
            if sha:
                return sha
            raise InputError(f"{repo}: GitHub refused to create branch {branch!r}")
        return base_sha

    def _put_file(self, op: PutFile) -> Outcome:
        branch = op.branch or self._default_branch(op.repo)
        if op.branch:
            self._ensure_branch(op.repo, branch, op.base)
        path = contents_path(op.repo, op.path)
        current = self.client.get_or_none(path, params={"ref": branch})
        content = op.content.encode()
        body: dict[str, Any] = {
            "message": op.message,
            "content": base64.b64encode(content).decode(),
            "branch": branch,
        }
        if isinstance(current, dict):
            if op.if_exists == "skip":
                return Outcome(op, "unchanged", "exists; left as it is", current.get("html_url"))
            if current.get("sha") == git_blob_sha(content):
                return Outcome(op, "unchanged", "same content", current.get("html_url"))
            body["sha"] = current["sha"]
        data = self._write("PUT", path, json=body)
        return Outcome(
            op,
            "applied",
            "written" if isinstance(current, dict) else "added",
            (data.get("content") or {}).get("html_url"),
        )

    def _tree_entry(self, repo: str, change: FileChange) -> dict[str, str | None]:
        """A tree entry: text inline; a binary file as a blob written first; a deleted file as
        a null sha (GitHub's way to remove a path in a new tree)."""
        entry: dict[str, str | None] = {"path": change.path, "mode": "100644", "type": "blob"}
        if change.delete:
            return {**entry, "sha": None}
        if change.encoding == "base64":
            blob = self._write(
                "POST",
                f"{repo_path(repo)}/git/blobs",
                json={"content": change.content, "encoding": "base64"},
            )
            return {**entry, "sha": str(blob["sha"])}
        return {**entry, "content": change.content}

    def _commit_files(self, op: CommitFiles) -> Outcome:
        base = repo_path(op.repo)
        branch_exists = True
        if op.fresh:  # start again from base: the bot's branch is left over from a merged PR
            start = op.base or self._default_branch(op.repo)
            branch_exists = self._ref_sha(op.repo, op.branch) is not None
            found = self._ref_sha(op.repo, start)
            if not found:
                raise OperationalError(f"{op.repo}: branch {start!r} does not exist")
            head = found
        else:
            head = self._ensure_branch(op.repo, op.branch, op.base)
        tree = self.client.rest("GET", f"{base}/git/trees/{head}", params={"recursive": "1"})
        existing = {
            entry["path"]: entry.get("sha")
            for entry in tree.get("tree") or []
            if entry.get("type") == "blob"
        }
        if tree.get("truncated"):  # enormous repo: ask about each file instead
            existing = {}
            for change in op.files:
                found = self.client.get_or_none(
                    contents_path(op.repo, change.path), params={"ref": op.branch}
                )
                if isinstance(found, dict):
                    existing[change.path] = found.get("sha")
        wanted = []
        for change in op.files:
            if change.delete:
                if change.path in existing:
                    wanted.append(change)
                continue
            if change.path in existing and (
                (change.if_exists or op.if_exists) == "skip"
                or existing[change.path] == git_blob_sha(change.data)
            ):
                continue
            wanted.append(change)
        if not wanted:
            return Outcome(op, "unchanged", "every file already there")
        # A tree or a commit sent twice is only an unused object: these two may be repeated.
        new_tree = self._harmless(
            "POST",
            f"{base}/git/trees",
            json={
                "base_tree": tree["sha"],
                "tree": [self._tree_entry(op.repo, f) for f in wanted],
            },
        )
        commit = self._harmless(
            "POST",
            f"{base}/git/commits",
            json={
                "message": op.message,
                "tree": new_tree["sha"],
                "parents": [head],
            },
        )
        # Moving a ref to a given commit may be repeated; creating it twice gives a 422,
        # after which the whole operation reads again.
        if branch_exists:
            moved = self._idempotent(
                "PATCH",
                f"{base}/git/refs/heads/{op.branch}",
                json={"sha": commit["sha"], "force": op.fresh},
                ok=(422,),
            )
        else:
            moved = self._idempotent(
                "POST",
                f"{base}/git/refs",
                json={"ref": f"refs/heads/{op.branch}", "sha": commit["sha"]},
                ok=(422,),
            )
        if moved.status_code == 422:
            raise _Conflict(f"{op.repo}: branch {op.branch!r} changed meanwhile")
        return Outcome(op, "applied", f"committed {len(wanted)} file(s)", commit.get("html_url"))

    def _open_pull_request(self, op: OpenPullRequest) -> Outcome:
        base = repo_path(op.repo)
        owner, _ = split_repo(op.repo)
        target = op.base or self._default_branch(op.repo)
        found = self.client.rest(
            "GET", f"{base}/pulls", params={"head": f"{owner}:{op.head}", "state": "open"}
        )
        if found:
            pull = found[0]
            changes = {
                k: v
                for k, v in (("title", op.title), ("body", bounded(op.body)))
                if (pull.get(k) or "") != v
            }
            if changes:
                self._write("PATCH", f"{base}/pulls/{pull['number']}", json=changes)
            outcome = Outcome(
                op,
                "applied" if changes else "unchanged",
                f"#{pull['number']} " + ("updated" if changes else "already open"),
                pull.get("html_url"),
            )
            number = int(pull["number"])
        else:
            if self._ref_sha(op.repo, op.head) is None:
                return Outcome(op, "skipped", f"branch {op.head!r} does not exist")
            self.writes += 1
            response = self.client.request(
                "POST",
                f"{base}/pulls",
                json={"title": op.title, "head": op.head, "base": target, "body": bounded(op.body)},
                ok=(422,),
            )
            if response.status_code == 422:
                message = response.json().get("message", "")
                details = "; ".join(
                    str(e.get("message", "")) for e in response.json().get("errors") or []
                )
                if "already exists" in details:  # opened meanwhile: find it and go on
                    raise _Conflict(f"{op.repo}: a pull request for {op.head!r} already exists")
                return Outcome(op, "skipped", f"GitHub declined: {message} {details}".strip())
            pull = response.json()
            number = int(pull["number"])
            outcome = Outcome(op, "applied", f"opened #{number}", pull.get("html_url"))
        if op.labels:
            self._add_labels(AddLabels(repo=op.repo, issue=number, labels=op.labels))
        return outcome

    # -- GraphQL-only operations -----------------------------------------------------------

    def _discussions(self, repo: str) -> dict[str, Any]:
        owner, name = split_repo(repo)
        data = self.client.graphql(
            queries.DISCUSSION_TARGET,
            {"owner": owner, "name": name},
            what=f"reading discussions of {repo}",
        )
        return dict(data.get("repository") or {})

    def _keyed_discussions(self, repository: dict[str, Any], key: str) -> list[dict[str, Any]]:
        """The bot's own discussions whose body starts with this key's marker, oldest first."""
        found = [
            d
            for d in (repository.get("discussions") or {}).get("nodes") or []
            if marker_key(d.get("body")) == key and self.is_mine(author_login(d.get("author")))
        ]
        return sorted(found, key=lambda d: int(d.get("number") or 0))

    def _create_discussion(self, op: CreateDiscussion) -> Outcome:
        repository = self._discussions(op.repo)
        body = bounded(f"{marker(op.key)}\n{op.body}" if op.key else op.body)
        if op.key:
            for discussion in self._keyed_discussions(repository, op.key)[:1]:
                if op.if_exists == "skip" or (
                    discussion.get("title") == op.title
                    and (discussion.get("body") or "").strip() == body.strip()
                ):
                    return Outcome(
                        op,
                        "unchanged",
                        f"discussion #{discussion['number']}",
                        discussion.get("url"),
                    )
                self.writes += 1
                self.client.graphql(
                    queries.UPDATE_DISCUSSION,
                    {"id": discussion["id"], "title": op.title, "body": body},
                    what="updating a discussion",
                )
                return Outcome(
                    op,
                    "applied",
                    f"updated discussion #{discussion['number']}",
                    discussion.get("url"),
                )
        categories = (repository.get("discussionCategories") or {}).get("nodes") or []
        wanted = op.category.strip().lower()
        category = next(
            (
                c
                for c in categories
                if wanted in (str(c.get("name", "")).lower(), str(c.get("slug", "")))
            ),
            None,
        )
        if category is None:
            names = ", ".join(str(c.get("name")) for c in categories) or "none"
            raise InputError(
                f"{op.repo} has no discussion category {op.category!r} (it has: {names})"
            )
        self.writes += 1
        created = self.client.graphql(
            queries.CREATE_DISCUSSION,
            {"repo": repository["id"], "category": category["id"], "title": op.title, "body": body},
            what="starting a discussion",
        )
        discussion = (created.get("createDiscussion") or {}).get("discussion") or {}
        if op.key:
            kept = self._settle_discussion(op.repo, op.key, discussion)
            if kept is not discussion:
                return Outcome(op, "applied", f"discussion #{kept.get('number')}", kept.get("url"))
        return Outcome(
            op, "applied", f"started discussion #{discussion.get('number')}", discussion.get("url")
        )

    def _settle_discussion(self, repo: str, key: str, created: dict[str, Any]) -> dict[str, Any]:
        """After starting a keyed discussion: if another run started one too, keep the oldest."""
        copies = self._keyed_discussions(self._discussions(repo), key)
        if not copies:
            return created
        for extra in copies[1:]:
            for attempt in range(LOST_ANSWER_ATTEMPTS):
                self.writes += 1
                try:
                    self.client.graphql(
                        queries.DELETE_DISCUSSION,
                        {"id": extra["id"]},
                        what="removing a second copy of a discussion",
                    )
                    break
                except UnknownOutcome:
                    self.lost_answers += 1
                    if attempt == LOST_ANSWER_ATTEMPTS - 1:
                        raise
                except OperationalError as exc:
                    if "Could not resolve" not in str(exc):  # already removed by the other run
                        raise
                    break
            log.info("removed discussion #%s, a second copy on %s", extra.get("number"), repo)
        return created if copies[0].get("id") == created.get("id") else copies[0]

    def _add_to_project(self, op: AddToProject) -> Outcome:
        owner, name = split_repo(op.repo)
        data = self.client.graphql(
            queries.PROJECT_AND_ITEM,
            {
                "owner": owner,
                "name": name,
                "number": op.issue,
                "projectOwner": op.project_owner,
                "projectNumber": op.project_number,
            },
            what=f"reading project {op.project_owner}/{op.project_number}",
        )
        project = ((data.get("repositoryOwner") or {}).get("projectV2")) or {}
        issue = ((data.get("repository") or {}).get("issue")) or {}
        if not project.get("id"):
            raise InputError(
                f"project {op.project_owner}/{op.project_number} not found, or the "
                "token cannot see it (it needs projects: write)"
            )
        items = (issue.get("projectItems") or {}).get("nodes") or []
        if any((item.get("project") or {}).get("id") == project["id"] for item in items):
            return Outcome(op, "unchanged", "already in the project")
        self.writes += 1
        self.client.graphql(
            queries.ADD_PROJECT_ITEM,
            {"project": project["id"], "content": issue["id"]},
            what="adding to the project",
        )
        return Outcome(op, "applied", "added to the project")

    # -- checks ----------------------------------------------------------------------------

    def _create_check_run(self, op: CreateCheckRun) -> Outcome:
        base = repo_path(op.repo)
        found = self.client.rest(
            "GET", f"{base}/commits/{op.head_sha}/check-runs", params={"check_name": op.name}
        )
        for run in (found or {}).get("check_runs") or []:
            output = run.get("output") or {}
            if (
                run.get("conclusion") == op.conclusion
                and output.get("title") == op.title
                and (output.get("summary") or "") == op.summary
            ):
                return Outcome(op, "unchanged", "same check run already there", run.get("html_url"))
        # GitHub takes at most 50 annotations per request; the summary says if there were more.
        annotations = [a.model_dump(exclude_none=True) for a in op.annotations[:50]]
        data = self._write(
            "POST",
            f"{base}/check-runs",
            json={
                "name": op.name,
                "head_sha": op.head_sha,
                "status": "completed",
                "conclusion": op.conclusion,
                "output": {"title": op.title, "summary": op.summary, "annotations": annotations},
            },
        )
        return Outcome(op, "applied", op.conclusion, (data or {}).get("html_url"))
