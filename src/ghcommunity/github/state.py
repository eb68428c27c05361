"""What the executor knows about GitHub right now: plain data, filled from reads or snapshots.

A handler that has just read an issue (e.g. with one GraphQL query) hands that fresh state to
the executor, so it needs no second read before deciding what to write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ghcommunity.core.plan import marker_key


@dataclass
class BotComment:
    id: int
    body: str
    author: str | None = None  # as REST spells it (an App's bot ends in "[bot]"); None: unknown


def author_login(author: Any) -> str | None:
    """A GraphQL `author { __typename login }` as REST spells it: a Bot's login ends in [bot]."""
    if not isinstance(author, dict) or not author.get("login"):
        return None
    login = str(author["login"])
    if author.get("__typename") == "Bot" and not login.endswith("[bot]"):
        login += "[bot]"
    return login


def looks_like_bot(login: str | None, bots: frozenset[str] | None = None) -> bool:
    """Whether a marker on an item by this author may be the bot's own.

    App bots (`...[bot]`, which no person can sign up as) and the logins in `bots` (the
    configured bot login: a machine user's, say). The executor checks the exact identity
    before writing.
    """
    if not login:
        return False
    return login.lower().endswith("[bot]") or login.lower() in (bots or frozenset())


@dataclass
class IssueState:
    number: int
    labels: list[str] | None = None  # None: not known yet
    assignees: list[str] | None = None
    state: str | None = None  # "open" / "closed"
    title: str | None = None
    body: str | None = None
    comments: dict[str, BotComment] | None = None  # marker key → the bot's comment
    node_id: str | None = None
    project_ids: list[str] | None = None  # Projects v2 the issue is already in

    @classmethod
    def from_rest(cls, issue: dict[str, Any]) -> IssueState:
        return cls(
            number=int(issue["number"]),
            labels=[lab["name"] for lab in issue.get("labels") or [] if isinstance(lab, dict)],
            assignees=[a["login"] for a in issue.get("assignees") or [] if isinstance(a, dict)],
            state=issue.get("state"),
            title=issue.get("title"),
            body=issue.get("body"),
            node_id=issue.get("node_id"),
            comments={} if issue.get("comments") == 0 else None,
        )

    @classmethod
    def from_graphql(cls, node: dict[str, Any], bots: frozenset[str] | None = None) -> IssueState:
        """From a node selected with `queries.ISSUE_STATE_FIELDS` (complete when not truncated).

        Only comments by the bot (see `looks_like_bot`) are taken for the bot's own.
        """
        labels = node.get("labels") or {}
        comments_conn = node.get("comments") or {}
        comments: dict[str, BotComment] | None = None
        if not (comments_conn.get("pageInfo") or {}).get("hasPreviousPage"):
            comments = {}
            for comment in comments_conn.get("nodes") or []:
                key = marker_key(comment.get("body"))
                author = author_login(comment.get("author"))
                if key and comment.get("databaseId") is not None and looks_like_bot(author, bots):
                    comments.setdefault(
                        key, BotComment(int(comment["databaseId"]), comment["body"], author)
                    )
        assignees = node.get("assignees") or {}
        projects = node.get("projectItems") or {}
        return cls(
            number=int(node["number"]),
            labels=(
                [lab["name"] for lab in labels.get("nodes") or []]
                if not (labels.get("pageInfo") or {}).get("hasNextPage")
                else None
            ),
            assignees=[a["login"] for a in assignees.get("nodes") or []],
            state=str(node.get("state", "")).lower() or None,
            title=node.get("title"),
            body=node.get("body"),
            node_id=node.get("id"),
            comments=comments,
            project_ids=(
                [
                    item["project"]["id"]
                    for item in projects.get("nodes") or []
                    if item.get("project")
                ]
                if "projectItems" in node
                else None
            ),
        )


@dataclass
class RepoState:
    labels: dict[str, dict[str, Any]] | None = None  # lower-cased name → {name, color, description}
    issues: dict[int, IssueState] = field(default_factory=dict)
    default_branch: str | None = None

    def issue(self, number: int) -> IssueState:
        return self.issues.setdefault(number, IssueState(number))

    def label(self, name: str) -> dict[str, Any] | None:
        return None if self.labels is None else self.labels.get(name.lower())
