"""Reading DDaT feedback from GitHub: one GraphQL request per 100 issues (an edge)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ghcommunity.core.plan import marker_key
from ghcommunity.core.timestamps import timestamp
from ghcommunity.github.client import GitHubClient, split_repo
from ghcommunity.jobs.ddat.queries import FEEDBACK_ISSUES

DDAT_COMMENT_KEYS = ("ddat-values", "ddat-invite")  # messages.VALUES_KEY, INVITE_KEY
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
    thumbs_up_by: tuple[str, ...] = ()  # logins (the first 100)
    commenters: tuple[str, ...] = ()  # logins of people who commented (the last 100 comments)
    ddat_comment: str | None = None  # the body of the bot's DDaT comment, if any
    # (login, body) of the last 100 comments: the report counts those that are agreement
    comments: tuple[tuple[str, str], ...] = ()


def _comments(nodes: Any) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict):
            continue
        login = (node.get("author") or {}).get("login")
        body = node.get("body")
        if isinstance(login, str) and login and isinstance(body, str):
            found.append((login, body))
    return tuple(found)


def _logins(nodes: Any, *path: str) -> tuple[str, ...]:
    found: list[str] = []
    for node in nodes if isinstance(nodes, list) else []:
        value: Any = node
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str) and value:
            found.append(value)
    return tuple(dict.fromkeys(found))


def from_node(node: dict[str, Any], bot_login: str | None = None) -> FeedbackIssue | None:
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
        thumbs_up_by=_logins((node.get("reactions") or {}).get("nodes"), "user", "login"),
        commenters=_logins((node.get("comments") or {}).get("nodes"), "author", "login"),
        ddat_comment=_ddat_comment((node.get("comments") or {}).get("nodes"), bot_login),
        comments=_comments((node.get("comments") or {}).get("nodes")),
    )


def _by_the_bot(node: dict[str, Any], bot_login: str | None) -> bool:
    """Whether a comment's author is a bot account (an App's bot, or the Action's), or the
    configured bot login (a machine user's token). GraphQL gives a Bot's login without "[bot]"."""
    found = node.get("author")
    author: dict[str, Any] = found if isinstance(found, dict) else {}
    if author.get("__typename") == "Bot":
        return True
    login = str(author.get("login") or "").lower().removesuffix("[bot]")
    return bool(bot_login) and login == str(bot_login).lower().removesuffix("[bot]")


def _ddat_comment(nodes: Any, bot_login: str | None = None) -> str | None:
    """The bot's DDaT comment: found by its marker, on a comment the bot wrote (an outsider's
    comment that copies the marker is ignored); what it records is checked against the issue's
    labels before it is believed (see `corrections`)."""
    for node in nodes if isinstance(nodes, list) else []:
        body = node.get("body") if isinstance(node, dict) else None
        if (
            isinstance(body, str)
            and marker_key(body) in DDAT_COMMENT_KEYS
            and _by_the_bot(node, bot_login)
        ):
            return body
    return None


def fetch_feedback(
    client: GitHubClient,
    repo: str,
    label: str,
    *,
    state: str = "all",
    since: date | None = None,
    bot_login: str | None = None,
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
        issue = from_node(node, bot_login) if isinstance(node, dict) else None
        if issue is None:
            continue
        if stop is not None and issue.created_at < stop:
            break  # newest first: the rest are older still, and no more pages are read
        found.append(issue)
    return found
