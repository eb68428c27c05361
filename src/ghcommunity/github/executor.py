"""The one executor: applies a Plan to GitHub idempotently.

Before each write it knows (from a snapshot it was given) or checks (one read, cached) the
current state, and writes only the difference: labels already there are not re-added, a comment
with the same hidden marker is edited rather than posted again (and not at all if unchanged), an
existing file is not overwritten, an open pull request for the same branch is reused, a keyed
issue or discussion is found and updated. Applying a Plan twice makes no second write.
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
    marker,
    marker_key,
)
from ghcommunity.github import queries
from ghcommunity.github.client import GitHubClient, quote_segment, repo_path, split_repo
from ghcommunity.github.contents import contents_path
from ghcommunity.github.state import BotComment, IssueState, RepoState

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


def git_blob_sha(content: bytes) -> str:
    """The object id git gives a blob, to compare files without downloading them."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def _auto_key(body: str) -> str:
    """Comments without a key still get one (from their text), so a rerun never reposts them."""
    return "text-" + hashlib.sha256(body.encode()).hexdigest()[:16]


class Executor:
    def __init__(self, client: GitHubClient, *, actor: str | None = None) -> None:
        self.client = client
        self.actor = actor  # the bot's login, to recognise its own reactions
        self.writes = 0
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

    def know_issue(self, repo: str, state: IssueState) -> None:
        """Take fresh state read by a handler as known (saves a read per field)."""
        current = self.repo(repo).issue(state.number)
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
                outcome = self._handlers[op.op](op)
            except GhcError as exc:
                raise ApplyError(exc, op, outcomes) from None
            log.info("%s: %s %s", outcome.status, op.describe(), outcome.detail)
            outcomes.append(outcome)
        return outcomes

    def _write(self, method: str, path: str, **kwargs: Any) -> Any:
        self.writes += 1
        return self.client.rest(method, path, **kwargs)

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
            for comment in self.client.paginate(f"{repo_path(repo)}/issues/{number}/comments"):
                key = marker_key(comment.get("body"))
                if key:
                    found.setdefault(key, BotComment(int(comment["id"]), comment["body"]))
            state.comments = found
        return state

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
        full = f"{marker(key)}\n{op.body}"
        state = self._issue(op.repo, op.issue, "comments")
        assert state.comments is not None
        existing = state.comments.get(key)
        if existing is not None:
            if existing.body.strip() == full.strip():
                return Outcome(op, "unchanged", "same comment already there")
            data = self._write(
                "PATCH",
                f"{repo_path(op.repo)}/issues/comments/{existing.id}",
                json={"body": full},
            )
            state.comments[key] = BotComment(existing.id, full)
            return Outcome(op, "applied", "edited the bot's comment", data.get("html_url"))
        data = self._write(
            "POST", f"{repo_path(op.repo)}/issues/{op.issue}/comments", json={"body": full}
        )
        state.comments[key] = BotComment(int(data["id"]), full)
        return Outcome(op, "applied", "commented", data.get("html_url"))

    def _delete_comment(self, op: DeleteComment) -> Outcome:
        state = self._issue(op.repo, op.issue, "comments")
        assert state.comments is not None
        existing = state.comments.pop(op.key, None)
        if existing is None:
            return Outcome(op, "unchanged", "no such comment")
        self.writes += 1
        self.client.request(
            "DELETE", f"{repo_path(op.repo)}/issues/comments/{existing.id}", ok=(404,)
        )
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
            for name, value in (("title", op.title), ("body", op.body), ("state", op.state))
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

    def _find_keyed_issue(self, repo: str, key: str) -> dict[str, Any] | None:
        """The issue whose body starts with this key's marker: recent issues, then search."""
        recent = self.client.rest(
            "GET",
            f"{repo_path(repo)}/issues",
            params={"state": "all", "sort": "created", "direction": "desc", "per_page": 100},
        )
        for issue in recent or []:
            if marker_key(issue.get("body")) == key and "pull_request" not in issue:
                return dict(issue)
        found = self.client.rest(
            "GET",
            "/search/issues",
            params={"q": f'repo:{repo} is:issue in:body "{marker(key)[5:-4]}"', "per_page": 10},
        )
        for issue in (found or {}).get("items") or []:
            if marker_key(issue.get("body")) == key:
                return dict(issue)
        return None

    def _create_issue(self, op: CreateIssue) -> Outcome:
        body = f"{marker(op.key)}\n{op.body}" if op.key else op.body
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
            self._write("PATCH", f"{repo_path(op.repo)}/issues/{existing['number']}", json=changes)
            return Outcome(
                op, "applied", f"updated #{existing['number']}", existing.get("html_url")
            )
        payload: dict[str, Any] = {"title": op.title, "body": body}
        if op.labels:
            payload["labels"] = op.labels
        if op.assignees:
            payload["assignees"] = op.assignees
        data = self._write("POST", f"{repo_path(op.repo)}/issues", json=payload)
        return Outcome(op, "applied", f"opened #{data['number']}", data.get("html_url"))

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
        self._write(
            "POST",
            f"{repo_path(repo)}/git/refs",
            json={"ref": f"refs/heads/{branch}", "sha": base_sha},
        )
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
        new_tree = self._write(
            "POST",
            f"{base}/git/trees",
            json={
                "base_tree": tree["sha"],
                "tree": [self._tree_entry(op.repo, f) for f in wanted],
            },
        )
        commit = self._write(
            "POST",
            f"{base}/git/commits",
            json={
                "message": op.message,
                "tree": new_tree["sha"],
                "parents": [head],
            },
        )
        if branch_exists:
            self._write(
                "PATCH",
                f"{base}/git/refs/heads/{op.branch}",
                json={"sha": commit["sha"], "force": op.fresh},
            )
        else:
            self._write(
                "POST",
                f"{base}/git/refs",
                json={"ref": f"refs/heads/{op.branch}", "sha": commit["sha"]},
            )
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
                for k, v in (("title", op.title), ("body", op.body))
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
                json={"title": op.title, "head": op.head, "base": target, "body": op.body},
                ok=(422,),
            )
            if response.status_code == 422:
                message = response.json().get("message", "")
                details = "; ".join(
                    str(e.get("message", "")) for e in response.json().get("errors") or []
                )
                return Outcome(op, "skipped", f"GitHub declined: {message} {details}".strip())
            pull = response.json()
            number = int(pull["number"])
            outcome = Outcome(op, "applied", f"opened #{number}", pull.get("html_url"))
        if op.labels:
            self._add_labels(AddLabels(repo=op.repo, issue=number, labels=op.labels))
        return outcome

    # -- GraphQL-only operations -----------------------------------------------------------

    def _create_discussion(self, op: CreateDiscussion) -> Outcome:
        owner, name = split_repo(op.repo)
        data = self.client.graphql(
            queries.DISCUSSION_TARGET,
            {"owner": owner, "name": name},
            what=f"reading discussions of {op.repo}",
        )
        repository = data.get("repository") or {}
        body = f"{marker(op.key)}\n{op.body}" if op.key else op.body
        if op.key:
            for discussion in (repository.get("discussions") or {}).get("nodes") or []:
                if marker_key(discussion.get("body")) != op.key:
                    continue
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
        return Outcome(
            op, "applied", f"started discussion #{discussion.get('number')}", discussion.get("url")
        )

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
