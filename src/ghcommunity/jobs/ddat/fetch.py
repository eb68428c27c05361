"""Reading DDaT feedback from GitHub: one GraphQL request per 100 issues (an edge)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ghcommunity.core.timestamps import timestamp
from ghcommunity.github.client import GitHubClient, split_repo
from ghcommunity.jobs.ddat.queries import FEEDBACK_ISSUES

STATES = {"open": ["OPEN"], "closed": ["CLOSED"], "all": ["OPEN", "CLOSED"]}


@dataclass(frozen=True)
class FeedbackIssue:
    number: int
    title: str
    body: str
    url: str
    state: str  # "open" / "closed"
    created_at: datetime
    closed_at: datetime | None = None
    author: str = "ghost"
    labels: tuple[str, ...] = ()
    thumbs_up: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def from_node(node: dict[str, Any]) -> FeedbackIssue | None:
    created = timestamp(node.get("createdAt"))
    number = node.get("number")
    if created is None or not isinstance(number, int):
        return None
    return FeedbackIssue(
        number=number,
        title=str(node.get("title") or ""),
        body=str(node.get("body") or ""),
        url=str(node.get("url") or ""),
        state=str(node.get("state") or "").lower() or "open",
        created_at=created,
        closed_at=timestamp(node.get("closedAt")),
        author=str((node.get("author") or {}).get("login") or "ghost"),
        labels=tuple(
            str(lab.get("name"))
            for lab in (node.get("labels") or {}).get("nodes") or []
            if isinstance(lab, dict) and lab.get("name")
        ),
        thumbs_up=int((node.get("reactions") or {}).get("totalCount") or 0),
    )


def fetch_feedback(
    client: GitHubClient,
    repo: str,
    label: str,
    *,
    state: str = "all",
    since: date | None = None,
) -> list[FeedbackIssue]:
    """Every issue with the feedback label, newest first. Pages stop once they reach issues
    opened before `since` (with a day's margin for time zones; the report filters exactly)."""
    owner, name = split_repo(repo)
    stop = (
        datetime(since.year, since.month, since.day, tzinfo=UTC) - timedelta(days=1)
        if since
        else None
    )
    found: list[FeedbackIssue] = []
    for node in client.graphql_nodes(
        FEEDBACK_ISSUES,
        {"owner": owner, "name": name, "labels": [label], "states": STATES[state]},
        ("repository", "issues"),
        what=f"reading the DDaT feedback in {repo}",
    ):
        issue = from_node(node) if isinstance(node, dict) else None
        if issue is None:
            continue
        if stop is not None and issue.created_at < stop:
            break  # newest first: the rest are older still, and no more pages are read
        found.append(issue)
    return found
