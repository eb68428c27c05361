"""A tiny stand-in for GitHub's GraphQL API that answers exactly the documents `sync` sends.

It pages like GitHub (newest `updatedAt` first, opaque cursors, `pageInfo`), pages nested
connections by the sizes the query asks for, and counts requests and how often each node was
served, so the tests can prove budgets and "nothing fetched twice" without the sandbox.
The documents themselves are checked against GitHub's real schema in test_queries.py.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ghcommunity.core.errors import OperationalError
from ghcommunity.jobs.digest.queries import DISCUSSION_COMMENTS, REPLIES

_OPERATION = re.compile(r"query (\w+)")
_FIRST = re.compile(r"\b(issues|pullRequests|discussions)\(first: \$first")
_NESTED_FIRST = {
    "comments": re.compile(r"comments\(first: (\d+)\)"),
}
_MORE = re.compile(r"m(\d+): node\(id: \$id\d+\) \{ \.\.\. on (\w+) \{ (\w+)\(first: (\d+)")
_HISTORY = re.compile(r"h(\d+): history\(first: (\d+)")


def _private(key: str) -> bool:
    return key.startswith("_") and not key.startswith("__")


def _page(rows: list[Any], first: int, after: str | None) -> tuple[list[Any], dict[str, Any]]:
    start = int(after) if after else 0
    chunk = rows[start : start + first]
    end = start + len(chunk)
    return chunk, {"hasNextPage": end < len(rows), "endCursor": str(end) if chunk else after}


def actor(
    login: str | None, company: str | None = None, kind: str = "User"
) -> dict[str, Any] | None:
    if login is None:
        return None
    return {"__typename": kind, "login": login, **({"company": company} if kind == "User" else {})}


class FakeGitHub:
    def __init__(self) -> None:
        self.issues: list[dict[str, Any]] = []
        self.pulls: list[dict[str, Any]] = []
        self.discussions: list[dict[str, Any]] = []
        self.members: int | None = 0  # None: the token may not read the members
        self.folders: dict[str, list[str]] = {}  # path → file names
        self.commits: dict[str, list[dict[str, Any]]] = {}  # path → commits, newest first
        self.requests = 0
        self.served: Counter[str] = Counter()  # node id → times sent
        self.fail_on: int | None = None  # the request number that fails

    # -- arranging -------------------------------------------------------------------------

    def node(
        self, kind: str, number: int, author: str | None, created: str, **extra: Any
    ) -> dict[str, Any]:
        node: dict[str, Any] = {
            "id": f"{kind}-{number}",
            "number": number,
            "title": f"{kind} {number}",
            "url": f"https://github.com/o/r/{kind}/{number}",
            "body": extra.pop("body", ""),
            "createdAt": created,
            "updatedAt": extra.pop("updated", created),
            "closedAt": extra.pop("closed", None),
            "author": actor(author, extra.pop("company", None), extra.pop("author_type", "User")),
            "reactions": {"totalCount": extra.pop("reactions", 0)},
            "labels": {"nodes": [{"name": n} for n in extra.pop("labels", [])]},
            "_comments": [],
            "_reviews": [],
            "_events": [],
        }
        if kind == "pull":
            node["mergedAt"] = extra.pop("merged", None)
        if kind == "discussion":
            node["category"] = {"name": extra.pop("category", "General")}
            node["answerChosenAt"] = extra.pop("answered", None)
        assert not extra, extra
        {"issue": self.issues, "pull": self.pulls, "discussion": self.discussions}[kind].append(
            node
        )
        return node

    @staticmethod
    def comment(
        node: dict[str, Any], author: str | None, created: str, **extra: Any
    ) -> dict[str, Any]:
        row = {
            "id": f"{node['id']}-c{len(node['_comments']) + 1}",
            "createdAt": created,
            "author": actor(author, None, extra.pop("author_type", "User")),
            "reactions": {"totalCount": 0},
            "_replies": [],
        }
        if node["id"].startswith("discussion"):
            row["isAnswer"] = False
        node["_comments"].append(row)
        return row

    @staticmethod
    def reply(comment: dict[str, Any], author: str, created: str) -> None:
        comment["_replies"].append(
            {
                "id": f"{comment['id']}-r{len(comment['_replies']) + 1}",
                "createdAt": created,
                "author": actor(author),
                "reactions": {"totalCount": 0},
            }
        )

    @staticmethod
    def review(node: dict[str, Any], author: str, submitted: str, state: str = "APPROVED") -> None:
        node["_reviews"].append(
            {
                "id": f"{node['id']}-r{len(node['_reviews']) + 1}",
                "createdAt": submitted,
                "submittedAt": None if state == "PENDING" else submitted,
                "state": state,
                "author": actor(author),
                "reactions": {"totalCount": 0},
            }
        )

    @staticmethod
    def label_event(
        node: dict[str, Any], label: str, actor_login: str, created: str, added: bool = True
    ) -> None:
        node["_events"].append(
            {
                "__typename": "LabeledEvent" if added else "UnlabeledEvent",
                "id": f"{node['id']}-e{len(node['_events']) + 1}",
                "createdAt": created,
                "actor": actor(actor_login),
                "label": {"name": label},
            }
        )

    # -- answering -------------------------------------------------------------------------

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, *, what: str = ""
    ) -> dict[str, Any]:
        self.requests += 1
        if self.fail_on is not None and self.requests == self.fail_on:
            raise OperationalError(f"{what}: GitHub answered 502 (injected)")
        variables = dict(variables or {})
        operation = _OPERATION.search(query)
        assert operation, query
        name = operation[1]
        if name in ("SyncIssues", "SyncPullRequests", "SyncDiscussions"):
            return self._list(name, query, variables)
        if name == "SyncMore":
            return self._more(query, variables)
        if name == "SyncMeta":
            return self._meta(query, variables)
        if name == "SyncMembers":
            if self.members is None:
                raise OperationalError(f"{what}: Resource not accessible by integration")
            return {
                "repositoryOwner": {
                    "__typename": "Organization",
                    "login": variables["owner"],
                    "membersWithRole": {"totalCount": self.members},
                }
            }
        raise AssertionError(f"unexpected query {name}")

    def _nested(
        self, node: dict[str, Any], key: str, first: int, after: str | None, kind: str
    ) -> dict[str, Any]:
        rows, info = _page(node[key], first, after)
        out = []
        for row in rows:
            row_out = {k: v for k, v in row.items() if not _private(k)}
            if kind == "discussion_comment":
                replies, reply_info = _page(row["_replies"], REPLIES, None)
                row_out["replies"] = {"nodes": replies, "pageInfo": reply_info}
            out.append(row_out)
            self.served[row["id"]] += 1
        return {"nodes": out, "pageInfo": info}

    def _shape(self, node: dict[str, Any], discussion: bool) -> dict[str, Any]:
        out = {k: v for k, v in node.items() if not _private(k)}
        if discussion:
            out["comments"] = self._nested(
                node, "_comments", DISCUSSION_COMMENTS, None, "discussion_comment"
            )
        else:
            out["comments"] = self._nested(node, "_comments", 100, None, "comment")
            out["timelineItems"] = self._nested(node, "_events", 100, None, "event")
            if "mergedAt" in node:
                out["reviews"] = self._nested(node, "_reviews", 100, None, "review")
        self.served[node["id"]] += 1
        return out

    def _list(self, name: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        source, key = {
            "SyncIssues": (self.issues, "issues"),
            "SyncPullRequests": (self.pulls, "pullRequests"),
            "SyncDiscussions": (self.discussions, "discussions"),
        }[name]
        rows = sorted(source, key=lambda n: (n["updatedAt"], n["number"]), reverse=True)
        since = variables.get("since")
        if since:
            rows = [n for n in rows if n["updatedAt"] >= since]
        chunk, info = _page(rows, int(variables["first"]), variables.get("cursor"))
        nodes = [self._shape(n, name == "SyncDiscussions") for n in chunk]
        return {
            "repository": {key: {"totalCount": len(rows), "pageInfo": info, "nodes": nodes}},
            "rateLimit": {"cost": 1, "remaining": 4999, "resetAt": "2026-11-01T01:00:00Z"},
        }

    def _find(self, node_id: str) -> dict[str, Any]:
        for node in self.issues + self.pulls + self.discussions:
            if node["id"] == node_id:
                return node
            for comment in node["_comments"]:
                if comment["id"] == node_id:
                    return comment
        raise AssertionError(node_id)

    def _more(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for index, node_type, connection, first in _MORE.findall(query):
            node = self._find(variables[f"id{index}"])
            after = variables[f"after{index}"]
            key = {"comments": "_comments", "reviews": "_reviews", "timelineItems": "_events", "replies": "_replies"}[connection]  # fmt: skip
            kind = "discussion_comment" if node_type == "Discussion" else connection
            data[f"m{index}"] = {connection: self._nested(node, key, int(first), after, kind)}
        return data

    def _meta(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {"repository": {"id": "R1"}}
        for key, rows in (
            ("issues", self.issues),
            ("pullRequests", self.pulls),
            ("discussions", self.discussions),
        ):
            if f"{key}(first: " in query:  # the probe: newest update times only
                newest = sorted(rows, key=lambda n: (n["updatedAt"], n["number"]), reverse=True)
                data["repository"][key] = {
                    "totalCount": len(rows),
                    "nodes": [{"updatedAt": n["updatedAt"]} for n in newest[:20]],
                }
        target: dict[str, Any] = {}
        for index, first in _HISTORY.findall(query):
            path = variables[f"p{index}"]
            since = variables.get(f"s{index}")
            commits = [
                c for c in self.commits.get(path, []) if not since or c["committedDate"] >= since
            ]
            chunk, info = _page(commits, int(first), variables.get(f"a{index}"))
            target[f"h{index}"] = {"nodes": chunk, "pageInfo": info}
            expression = variables.get(f"e{index}")
            if expression:
                names = self.folders.get(path)
                data["repository"][f"t{index}"] = (
                    None
                    if names is None
                    else {
                        "entries": [
                            {"name": n, "path": f"{path}/{n}", "type": "blob", "object": {}}
                            for n in names
                        ]
                    }
                )
        data["repository"]["defaultBranchRef"] = {"name": "main", "target": target}
        return data
