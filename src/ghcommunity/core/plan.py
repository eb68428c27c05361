"""A Plan: the ordered list of small typed operations a job wants done. Pure data.

Planners return Plans; one executor (`ghcommunity.github.executor`) applies them idempotently.
`--dry-run` prints a Plan instead of applying it: as text for people, or as JSON for tools:
`{"operations": [{"op": "add_labels", "repo": "owner/name", "issue": 12, "labels": [...]}]}`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

MARKER_PREFIX = "ghcommunity:"


def git_blob_sha(content: bytes) -> str:
    """The object id git gives a blob, to compare files without downloading them."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def marker(key: str) -> str:
    """The hidden HTML comment that identifies the bot's own comment, issue or file section."""
    return f"<!-- {MARKER_PREFIX}{key} -->"


def marker_key(body: str | None) -> str | None:
    """The key of the marker a body starts with, if any.

    Only a marker at the very start counts: the bot writes its marker first, and a person who
    quotes the bot's comment (`> ...`) must not make their comment look like the bot's.
    """
    if not body:
        return None
    text = body.lstrip("\ufeff \t\r\n")
    opening = f"<!-- {MARKER_PREFIX}"
    if not text.startswith(opening):
        return None
    end = text.find(" -->", len(opening))
    if end < 0:
        return None
    key = text[len(opening) : end]
    return key if key and "\n" not in key else None


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    repo: str = Field(description="owner/name")

    def describe(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError


class _IssueOp(_Op):
    issue: int


class AddLabels(_IssueOp):
    op: Literal["add_labels"] = "add_labels"
    labels: list[str]

    def describe(self) -> str:
        return f"label #{self.issue}: " + ", ".join(repr(n) for n in self.labels)


class RemoveLabels(_IssueOp):
    op: Literal["remove_labels"] = "remove_labels"
    labels: list[str]

    def describe(self) -> str:
        return f"unlabel #{self.issue}: " + ", ".join(repr(n) for n in self.labels)


class CreateLabel(_Op):
    op: Literal["create_label"] = "create_label"
    name: str
    color: str = "ededed"
    description: str = ""

    def describe(self) -> str:
        return f"create label {self.name!r} (#{self.color}) {self.description}".rstrip()


class UpdateLabel(_Op):
    op: Literal["update_label"] = "update_label"
    name: str = Field(description="The label's current name.")
    new_name: str | None = None
    color: str | None = None
    description: str | None = None

    def describe(self) -> str:
        changes = []
        if self.new_name and self.new_name != self.name:
            changes.append(f"rename to {self.new_name!r}")
        if self.color is not None:
            changes.append(f"colour #{self.color}")
        if self.description is not None:
            changes.append(f"description {self.description!r}")
        return f"update label {self.name!r}: " + ", ".join(changes)


class DeleteLabel(_Op):
    op: Literal["delete_label"] = "delete_label"
    name: str

    def describe(self) -> str:
        return f"delete label {self.name!r}"


class Comment(_IssueOp):
    """Post a comment; with a key, update the bot's own comment carrying that marker instead."""

    op: Literal["comment"] = "comment"
    body: str
    key: str | None = Field(default=None, description="Hidden marker: one comment per key.")

    def describe(self) -> str:
        first = self.body.strip().splitlines()[0] if self.body.strip() else ""
        tag = f" [{self.key}]" if self.key else ""
        return f"comment on #{self.issue}{tag}: {first[:80]}"

    @property
    def full_body(self) -> str:
        return f"{marker(self.key)}\n{self.body}" if self.key else self.body


class DeleteComment(_IssueOp):
    """Delete the bot's own comment carrying this marker, if there is one."""

    op: Literal["delete_comment"] = "delete_comment"
    key: str

    def describe(self) -> str:
        return f"delete comment [{self.key}] on #{self.issue}"


class Assign(_IssueOp):
    op: Literal["assign"] = "assign"
    assignees: list[str]

    def describe(self) -> str:
        return f"assign #{self.issue} to " + ", ".join("@" + a for a in self.assignees)


class Unassign(_IssueOp):
    op: Literal["unassign"] = "unassign"
    assignees: list[str]

    def describe(self) -> str:
        return f"unassign #{self.issue} from " + ", ".join("@" + a for a in self.assignees)


class CloseIssue(_IssueOp):
    op: Literal["close_issue"] = "close_issue"
    reason: Literal["completed", "not_planned", "duplicate"] = "completed"

    def describe(self) -> str:
        return f"close #{self.issue} ({self.reason.replace('_', ' ')})"


class ReopenIssue(_IssueOp):
    op: Literal["reopen_issue"] = "reopen_issue"

    def describe(self) -> str:
        return f"reopen #{self.issue}"


class FileChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str
    content: str
    encoding: Literal["utf-8", "base64"] = Field(
        default="utf-8", description="base64: `content` is a binary file, base64-encoded."
    )
    if_exists: Literal["skip", "update"] | None = Field(
        default=None, description="For this file only; default: the operation's."
    )
    delete: bool = Field(
        default=False,
        description="Remove the file (content is ignored); a file already absent is nothing to do.",
    )

    @property
    def data(self) -> bytes:
        """The file's bytes."""
        if self.encoding == "base64":
            return base64.b64decode(self.content)
        return self.content.encode()


class PutFile(_Op):
    """Add a file. An existing file is left alone unless `if_exists` is "update"."""

    op: Literal["put_file"] = "put_file"
    path: str
    content: str
    message: str
    branch: str | None = Field(default=None, description="Default: the default branch.")
    base: str | None = Field(default=None, description="Branch to start `branch` from if new.")
    if_exists: Literal["skip", "update"] = "skip"

    def describe(self) -> str:
        where = f" on {self.branch}" if self.branch else ""
        verb = "write" if self.if_exists == "update" else "add (never overwrite)"
        return f"{verb} {self.path}{where} ({len(self.content.encode())} bytes)"


class CommitFiles(_Op):
    """Add several files in one commit on `branch` (created from `base` if new).

    Files that already exist on the branch are left alone unless `if_exists` is "update".
    """

    op: Literal["commit_files"] = "commit_files"
    branch: str
    base: str | None = None
    message: str
    files: list[FileChange]
    if_exists: Literal["skip", "update"] = "skip"
    fresh: bool = Field(
        default=False,
        description="Restart `branch` from `base` (the bot's own branch, whose pull request "
        "was merged or closed) instead of adding to it.",
    )

    @property
    def path(self) -> str:
        return ", ".join(f.path for f in self.files)

    def describe(self) -> str:
        paths = ", ".join(("remove " if f.delete else "") + f.path for f in self.files)
        return f"commit {len(self.files)} file(s) to {self.branch}: {paths}"


class OpenPullRequest(_Op):
    """Open a pull request from `head`, or reuse (and update) the open one for that branch."""

    op: Literal["open_pull_request"] = "open_pull_request"
    head: str
    base: str | None = None
    title: str
    body: str = ""
    labels: list[str] = Field(default_factory=list)

    def describe(self) -> str:
        return f"open pull request {self.head} → {self.base or 'default branch'}: {self.title}"


class CreateIssue(_Op):
    """Open an issue, or, with a key, update the one already carrying that marker."""

    op: Literal["create_issue"] = "create_issue"
    title: str
    body: str
    key: str | None = None
    labels: list[str] = Field(default_factory=list)
    assignees: list[str] = Field(default_factory=list)
    reopen: bool = Field(
        default=False, description="Reopen the keyed issue if it was closed (default: leave it)."
    )
    if_exists: Literal["update", "skip"] = Field(
        default="update", description="'skip': leave the keyed issue as it is, open or closed."
    )

    def describe(self) -> str:
        tag = f" [{self.key}]" if self.key else ""
        return f"open issue{tag}: {self.title}"


class UpdateIssue(_IssueOp):
    op: Literal["update_issue"] = "update_issue"
    title: str | None = None
    body: str | None = None
    state: Literal["open", "closed"] | None = None

    def describe(self) -> str:
        parts = [
            name
            for name, value in (("title", self.title), ("body", self.body), ("state", self.state))
            if value is not None
        ]
        return f"update #{self.issue}: " + ", ".join(parts)


class PinIssue(_Op):
    """Pin an issue above the repository's issue list (GitHub pins at most three): the issue
    by number, or the one carrying the marker `key`. Where it cannot be pinned (the limit, or
    a token without the permission), it is skipped with the reason, never a failure."""

    op: Literal["pin_issue"] = "pin_issue"
    issue: int | None = None
    key: str | None = None

    def describe(self) -> str:
        target = f"#{self.issue}" if self.issue else f"the issue [{self.key}]"
        return f"pin {target}"


class CreateDiscussion(_Op):
    """Start a discussion, or, with a key, update the one already carrying that marker."""

    op: Literal["create_discussion"] = "create_discussion"
    category: str
    title: str
    body: str
    key: str | None = None
    if_exists: Literal["update", "skip"] = "update"

    def describe(self) -> str:
        return f"start discussion in {self.category!r}: {self.title}"


class AddToProject(_IssueOp):
    op: Literal["add_to_project"] = "add_to_project"
    project_owner: str
    project_number: int

    def describe(self) -> str:
        return f"add #{self.issue} to project {self.project_owner}/{self.project_number}"


ReactionName = Literal["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]


class React(_IssueOp):
    """React to an issue, or to one of its comments when `comment_id` is given."""

    op: Literal["react"] = "react"
    content: ReactionName
    comment_id: int | None = None

    def describe(self) -> str:
        target = f"comment {self.comment_id}" if self.comment_id else f"#{self.issue}"
        return f"react {self.content} to {target}"


class CheckAnnotation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str
    start_line: int = Field(ge=1)
    end_line: int = Field(ge=1)
    # GitHub takes columns only on a one-line annotation.
    start_column: int | None = Field(default=None, ge=1)
    end_column: int | None = Field(default=None, ge=1)
    annotation_level: Literal["notice", "warning", "failure"] = "failure"
    message: str
    title: str | None = None


class CreateCheckRun(_Op):
    """A completed check run on a commit, or nothing if one with the same result is there."""

    op: Literal["create_check_run"] = "create_check_run"
    name: str
    head_sha: str
    conclusion: Literal["success", "failure", "neutral"]
    title: str
    summary: str
    annotations: list[CheckAnnotation] = Field(default_factory=list)

    def describe(self) -> str:
        return f"check run {self.name!r} on {self.head_sha[:7]}: {self.conclusion}: {self.title}"


Operation = Annotated[
    AddLabels
    | RemoveLabels
    | CreateLabel
    | UpdateLabel
    | DeleteLabel
    | Comment
    | DeleteComment
    | Assign
    | Unassign
    | CloseIssue
    | ReopenIssue
    | PutFile
    | CommitFiles
    | OpenPullRequest
    | CreateIssue
    | UpdateIssue
    | PinIssue
    | CreateDiscussion
    | AddToProject
    | React
    | CreateCheckRun,
    Field(discriminator="op"),
]
_OPERATIONS: TypeAdapter[list[Operation]] = TypeAdapter(list[Operation])


def written_texts(op: Operation) -> list[tuple[str, str]]:
    """(what, text) for each text the operation writes where people will read it."""
    if isinstance(op, Comment):
        return [("comment", op.body)]
    if isinstance(op, CreateIssue):
        return [("issue body", op.body)]
    if isinstance(op, UpdateIssue) and op.body is not None:
        return [("new issue body", op.body)]
    if isinstance(op, CreateDiscussion):
        return [("discussion body", op.body)]
    if isinstance(op, OpenPullRequest) and op.body:
        return [("pull request body", op.body)]
    if isinstance(op, PutFile):
        return [(op.path, op.content)]
    if isinstance(op, CommitFiles):
        return [(change.path, change.content) for change in op.files]
    if isinstance(op, CreateCheckRun):
        return [("check run summary", op.summary)]
    return []


def framed(title: str, text: str) -> list[str]:
    """A text shown whole, framed and indented under its operation's line."""
    rule = "─" * max(3, 64 - len(title))
    lines = [f"   ┌─ {title} {rule}"]
    lines += [f"   │ {line}".rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    lines.append("   └" + "─" * (len(title) + len(rule) + 3))
    return lines


class Plan(BaseModel):
    """What a job wants done, in order, and notes for people (why, what was skipped)."""

    model_config = ConfigDict(extra="forbid")
    operations: list[Operation] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="Shown to people, not applied.")

    def add(self, *ops: Operation) -> Plan:
        self.operations.extend(ops)
        return self

    def note(self, text: str) -> Plan:
        self.notes.append(text)
        return self

    def extend(self, other: Plan) -> Plan:
        self.operations.extend(other.operations)
        self.notes.extend(other.notes)
        return self

    def __iter__(self) -> Iterator[Operation]:  # type: ignore[override]
        return iter(self.operations)

    def __len__(self) -> int:
        return len(self.operations)

    def __bool__(self) -> bool:
        return bool(self.operations)

    def coalesced(self) -> Plan:
        """Merge label operations per issue (one request instead of several) and keep only the
        last comment per marker key. When a label is both added and removed, the later wins."""
        out: list[Operation] = []
        intents: dict[tuple[str, int], dict[str, tuple[str, str]]] = {}
        slots: dict[tuple[str, int], int] = {}
        comments: dict[tuple[str, int, str], int] = {}
        for op in self.operations:
            if isinstance(op, AddLabels | RemoveLabels):
                target = (op.repo, op.issue)
                intent = intents.setdefault(target, {})
                for name in op.labels:
                    intent.pop(name.lower(), None)  # re-insert so the latest intent wins
                    intent[name.lower()] = (name, "add" if isinstance(op, AddLabels) else "remove")
                if target not in slots:
                    slots[target] = len(out)
                    out.append(op)  # placeholder, replaced below
                continue
            if isinstance(op, Comment) and op.key:
                ckey = (op.repo, op.issue, op.key)
                if ckey in comments:
                    out[comments[ckey]] = op
                    continue
                comments[ckey] = len(out)
            out.append(op)
        merged: list[Operation] = []
        slot_at = {index: target for target, index in slots.items()}
        for index, op in enumerate(out):
            slot = slot_at.get(index)
            if slot is None:
                merged.append(op)
                continue
            target = slot
            intent = intents[target]
            removes = [name for name, kind in intent.values() if kind == "remove"]
            adds = [name for name, kind in intent.values() if kind == "add"]
            if removes:
                merged.append(RemoveLabels(repo=target[0], issue=target[1], labels=removes))
            if adds:
                merged.append(AddLabels(repo=target[0], issue=target[1], labels=adds))
        return Plan(operations=_labels_defined_first(merged), notes=list(self.notes))

    def to_dict(self) -> dict[str, Any]:
        return {
            "operations": [op.model_dump(mode="json", exclude_none=True) for op in self.operations],
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self, *, bodies: bool = True) -> str:
        """The Plan for people: a line per operation and, unless `bodies` is false, the whole
        text of every comment, issue, discussion, pull request and file it would write."""
        if not self.operations:
            lines = ["nothing to do"]
        else:
            lines = []
            for i, op in enumerate(self.operations, 1):
                lines.append(f"{i}. [{op.repo}] {op.describe()}")
                if bodies:
                    for title, text in written_texts(op):
                        lines += framed(title, text)
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls(
            operations=_OPERATIONS.validate_python(data.get("operations", [])),
            notes=list(data.get("notes", [])),
        )

    @classmethod
    def of(cls, ops: Iterable[Operation]) -> Plan:
        return cls(operations=list(ops))


def _labels_defined_first(operations: list[Operation]) -> list[Operation]:
    """Creates and renames of a repo's labels before the first labelling there. Merging moves
    one plan's labels into an earlier plan's step: applied before their CreateLabel, GitHub
    would create them itself, grey and undescribed (and a rename onto that name would fail)."""
    first_use: dict[str, int] = {}
    for index, op in enumerate(operations):
        if isinstance(op, AddLabels | RemoveLabels):
            first_use.setdefault(op.repo, index)
    late = {
        index
        for index, op in enumerate(operations)
        if isinstance(op, CreateLabel | UpdateLabel) and first_use.get(op.repo, index) < index
    }
    if not late:
        return operations
    out: list[Operation] = []
    for index, op in enumerate(operations):
        if index in late:
            continue
        if isinstance(op, AddLabels | RemoveLabels) and first_use.get(op.repo) == index:
            out += [o for i, o in enumerate(operations) if i in late and o.repo == op.repo]
        out.append(op)
    return out
