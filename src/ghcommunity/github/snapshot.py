"""One GraphQL read of everything the issue handlers need about an event's issue.

Triage, DDaT labelling and slash commands all share this snapshot (read once per event), and the
executor takes its state as known, so a typical `issues.opened` costs one read plus its writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ghcommunity.core.errors import OperationalError
from ghcommunity.github.client import GitHubClient, split_repo
from ghcommunity.github.queries import ISSUE_STATE_FIELDS
from ghcommunity.github.state import IssueState, author_login

ISSUE_SNAPSHOT = (
    """
query IssueSnapshot($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    issueOrPullRequest(number: $number) {
      __typename
      ... on Issue {"""
    + ISSUE_STATE_FIELDS
    + """ url createdAt
        closedBy: timelineItems(last: 1, itemTypes: [CLOSED_EVENT]) {
          nodes { ... on ClosedEvent { actor { __typename login } } }
        }
      }
      ... on PullRequest {"""
    # `state` is IssueState on an issue and PullRequestState here: GraphQL requires an alias.
    + ISSUE_STATE_FIELDS.replace(" state\n", " pullState: state\n", 1)
    + """ url createdAt }
    }
    labels(first: 100) {
      nodes { name color description }
      pageInfo { hasNextPage endCursor }
    }
    openIssues: issues(first: 100, states: OPEN, orderBy: {field: CREATED_AT, direction: DESC}) {
      nodes { number title url }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
)

OPEN_ISSUES = """
query OpenIssues($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $cursor, states: OPEN,
           orderBy: {field: CREATED_AT, direction: DESC}) {
      nodes { number title url }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


@dataclass(frozen=True)
class SnapshotIssue:
    """The event's issue (or pull request) as the handlers read it."""

    number: int
    title: str = ""
    body: str = ""
    state: str = "open"  # "open" or "closed" (a pull request's MERGED reads as closed)
    author: str = "ghost"  # a deleted account reads as GitHub shows it
    author_is_bot: bool = False
    author_association: str = "NONE"
    labels: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    url: str | None = None
    created_at: str | None = None
    is_pull_request: bool = False
    closed_by: str | None = None  # who closed it last (None: never closed, or not known)


@dataclass(frozen=True)
class RepoLabel:
    name: str
    color: str = "ededed"
    description: str = ""

    def as_rest(self) -> dict[str, Any]:
        """As the REST API spells a label (what the executor keeps)."""
        return {"name": self.name, "color": self.color, "description": self.description}


@dataclass(frozen=True)
class OpenIssue:
    number: int
    title: str = ""
    url: str | None = None


@dataclass
class IssueSnapshot:
    repo: str
    number: int
    issue: SnapshotIssue
    state: IssueState
    repo_labels: list[RepoLabel] | None  # None when there were too many to read at once
    open_issues: list[OpenIssue] = field(default_factory=list)


def read_issue_snapshot(
    client: GitHubClient, repo: str, number: int, *, bots: frozenset[str] | None = None
) -> IssueSnapshot:
    """The snapshot; `bots` (lower-case logins) are taken as the bot's, as well as App bots."""
    owner, name = split_repo(repo)
    what = f"reading {repo}#{number}"
    data = client.graphql(
        ISSUE_SNAPSHOT, {"owner": owner, "name": name, "number": number}, what=what
    )
    repository = data.get("repository") or {}
    node = repository.get("issueOrPullRequest")
    if not isinstance(node, dict):
        raise OperationalError(f"{what}: no such issue or pull request")
    labels_conn = repository.get("labels") or {}
    repo_labels = None
    if not (labels_conn.get("pageInfo") or {}).get("hasNextPage"):
        repo_labels = [
            RepoLabel(
                str(n.get("name") or ""),
                str(n.get("color") or "ededed"),
                str(n.get("description") or ""),
            )
            for n in labels_conn.get("nodes") or []
            if isinstance(n, dict) and n.get("name")
        ]
    open_conn = repository.get("openIssues") or {}
    open_issues = _open_issues(open_conn.get("nodes"))
    info = open_conn.get("pageInfo") or {}
    if info.get("hasNextPage"):
        # Duplicates are checked against every open issue, not just the first page.
        open_issues += _more_open_issues(client, owner, name, info.get("endCursor"), what)
    if "pullState" in node:
        node = {**node, "state": node["pullState"]}
    state = IssueState.from_graphql(node, bots)
    author = node.get("author") or {}
    issue = SnapshotIssue(
        number=state.number,
        title=str(node.get("title") or ""),
        body=str(node.get("body") or ""),
        state=state.state or "open",
        author=str(author.get("login") or "ghost"),
        author_is_bot=author.get("__typename") == "Bot",
        author_association=str(node.get("authorAssociation") or "NONE"),
        labels=tuple(state.labels or []),
        assignees=tuple(state.assignees or []),
        url=node.get("url"),
        created_at=node.get("createdAt"),
        is_pull_request=node.get("__typename") == "PullRequest",
        # /reopen needs to know who closed it.
        closed_by=next(
            (
                author_login(n.get("actor"))
                for n in (node.get("closedBy") or {}).get("nodes") or []
                if isinstance(n, dict)
            ),
            None,
        ),
    )
    return IssueSnapshot(repo, number, issue, state, repo_labels, open_issues)


def _open_issues(nodes: Any) -> list[OpenIssue]:
    return [
        OpenIssue(int(n["number"]), str(n.get("title") or ""), n.get("url"))
        for n in nodes or []
        if isinstance(n, dict) and isinstance(n.get("number"), int)
    ]


def _more_open_issues(
    client: GitHubClient, owner: str, name: str, cursor: str | None, what: str
) -> list[OpenIssue]:
    found: list[OpenIssue] = []
    while cursor:
        data = client.graphql(
            OPEN_ISSUES,
            {"owner": owner, "name": name, "cursor": cursor},
            what=f"{what} (open issues)",
        )
        conn = (data.get("repository") or {}).get("issues") or {}
        found += _open_issues(conn.get("nodes"))
        info = conn.get("pageInfo") or {}
        cursor = info.get("endCursor") if info.get("hasNextPage") else None
    return found
