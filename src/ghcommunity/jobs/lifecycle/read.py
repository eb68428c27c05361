"""What the lifecycle job reads: the open `needs-info` issues, each with its comments and label
events, one GraphQL request per 100 issues; and what it tells the executor it read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ghcommunity.core.plan import marker_key
from ghcommunity.core.timestamps import timestamp
from ghcommunity.github.client import GitHubClient, split_repo
from ghcommunity.github.executor import Executor
from ghcommunity.github.state import BotComment, IssueState, author_login, looks_like_bot
from ghcommunity.jobs.lifecycle.plan import IssueComment, WaitingIssue, same_person

NEEDS_INFO_ISSUES = """
query NeedsInfoIssues($owner: String!, $name: String!, $labels: [String!], $cursor: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $cursor, states: OPEN, labels: $labels,
           orderBy: {field: CREATED_AT, direction: ASC}) {
      nodes {
        number title url createdAt updatedAt lastEditedAt
        author { login }
        editor { login }
        labels(first: 100) { nodes { name } }
        comments(last: 100) {
          nodes { databaseId createdAt body author { __typename login } }
          pageInfo { hasPreviousPage }
        }
        timelineItems(itemTypes: [LABELED_EVENT, REOPENED_EVENT], last: 100) {
          nodes {
            __typename
            ... on LabeledEvent { createdAt label { name } }
            ... on ReopenedEvent { createdAt }
          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def _login(node: Any) -> str | None:
    login = node.get("login") if isinstance(node, dict) else None
    return login if isinstance(login, str) and login else None


def waiting_issue_from_node(
    node: dict[str, Any], label: str, bots: frozenset[str] | None = None
) -> WaitingIssue:
    """Plain data from one node of NEEDS_INFO_ISSUES; `bots`: the configured bot login(s)."""
    author = _login(node.get("author"))
    created = timestamp(node.get("createdAt")) or datetime.fromtimestamp(0, UTC)
    comments_conn = node.get("comments") or {}
    comments = []
    for c in comments_conn.get("nodes") or []:
        when = timestamp(c.get("createdAt"))
        if when is None:
            continue
        comments.append(
            IssueComment(
                author=_login(c.get("author")),
                created_at=when,
                # A marker counts only on a bot's comment: anyone can type one.
                key=(
                    marker_key(c.get("body"))
                    if looks_like_bot(author_login(c.get("author")), bots)
                    else None
                ),
                id=c.get("databaseId"),
                body=c.get("body") or "",
            )
        )
    events = [e for e in (node.get("timelineItems") or {}).get("nodes") or [] if e]
    labeled = [
        when
        for event in events
        if str((event.get("label") or {}).get("name", "")).lower() == label.lower()
        and (when := timestamp(event.get("createdAt"))) is not None
    ]
    reopened = [
        when
        for event in events
        if event.get("__typename") == "ReopenedEvent"
        and (when := timestamp(event.get("createdAt"))) is not None
    ]
    edited = timestamp(node.get("lastEditedAt"))
    return WaitingIssue(
        number=int(node["number"]),
        author=author,
        labels=[lab["name"] for lab in (node.get("labels") or {}).get("nodes") or []],
        created_at=created,
        title=node.get("title") or "",
        url=node.get("url"),
        labeled_at=max(labeled) if labeled else None,
        reopened_at=max(reopened) if reopened else None,
        body_edited_at=edited if same_person(_login(node.get("editor")), author) else None,
        updated_at=timestamp(node.get("updatedAt")),
        comments=comments,
        comments_complete=not (comments_conn.get("pageInfo") or {}).get("hasPreviousPage"),
    )


def read_needs_info_issues(
    client: GitHubClient, repo: str, label: str, bots: frozenset[str] | None = None
) -> list[WaitingIssue]:
    """Every open issue with the label: one GraphQL request per 100 issues."""
    owner, name = split_repo(repo)
    return [
        waiting_issue_from_node(node, label, bots)
        for node in client.graphql_nodes(
            NEEDS_INFO_ISSUES,
            {"owner": owner, "name": name, "labels": [label]},
            ("repository", "issues"),
            what=f"reading {label} issues of {repo}",
        )
        if isinstance(node, dict)
    ]


def teach_executor(executor: Executor, repo: str, issues: Sequence[WaitingIssue]) -> None:
    """Hand the executor what was just read, so applying the Plan costs only its writes."""
    for issue in issues:
        comments: dict[str, BotComment] | None = None
        if issue.comments_complete:
            comments = {}
            for c in issue.comments:
                if c.key and c.id is not None:
                    comments.setdefault(c.key, BotComment(int(c.id), c.body))
        executor.know_issue(
            repo,
            IssueState(
                number=issue.number,
                labels=list(issue.labels),
                state="open",
                title=issue.title,
                comments=comments,
            ),
        )
