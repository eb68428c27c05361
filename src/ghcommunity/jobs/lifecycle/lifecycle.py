"""Lifecycle of `needs-info` issues: one reminder, then a kind close, unless the author replies.

The clock for an issue starts at the later of: when the `needs-info` label was last added (from
the timeline's LabeledEvent), when it was last reopened, the author's latest comment, and the
author's latest edit of the issue body. Nobody else resets it: not a maintainer's comment, not the bot's own. `updatedAt`
is not used, because every bot comment and label change bumps it.

- After `remind_after_days` calendar days (UTC) on the clock: one reminder comment, keyed by the
  day the clock started, so a rerun never posts it twice and a new wait (after the author
  replied) gets a fresh reminder rather than an edit nobody is notified of.
- `close_after_days` after that reminder: a kind closing comment and `state_reason:
  not_planned`. An issue is never closed without its reminder first.
- Issues labelled `accepted`, `triaged`, or any of the config's `exempt_labels` are left alone.

`plan_lifecycle` is pure; `read_needs_info_issues` is the one read (a GraphQL page of 100 open
`needs-info` issues with their comments and label events).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ghcommunity.config import Config
from ghcommunity.core.plan import CloseIssue, Comment, Plan, marker_key
from ghcommunity.core.templating import render_user_template
from ghcommunity.core.timestamps import timestamp
from ghcommunity.github.client import GitHubClient, split_repo
from ghcommunity.github.executor import Executor
from ghcommunity.github.state import BotComment, IssueState, author_login, looks_like_bot

ALWAYS_EXEMPT = ("accepted", "triaged")
REMINDER_KEY = "lifecycle-reminder"
CLOSE_KEY = "lifecycle-closed"

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


@dataclass(frozen=True)
class IssueComment:
    author: str | None
    created_at: datetime
    key: str | None = None  # the hidden marker's key, for the bot's own comments
    id: int | None = None
    body: str = ""


@dataclass
class WaitingIssue:
    """An open issue carrying the needs-info label, as the planner needs it."""

    number: int
    author: str | None  # None for a deleted account ("ghost")
    labels: list[str]
    created_at: datetime
    title: str = ""
    url: str | None = None
    labeled_at: datetime | None = None  # latest time the needs-info label was added
    reopened_at: datetime | None = None  # latest time it was reopened (after a close)
    body_edited_at: datetime | None = None  # latest edit of the body by the author
    updated_at: datetime | None = None  # only a fallback when the label event is unknown
    comments: list[IssueComment] = field(default_factory=list)
    comments_complete: bool = True  # False when older comments were not read


@dataclass(frozen=True)
class Decision:
    number: int
    action: str  # "remind" | "close" | "wait" | "exempt"
    reason: str
    clock_started: date | None = None
    due: date | None = None  # when the next step is due, for "wait"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"issue": self.number, "action": self.action, "reason": self.reason}
        if self.clock_started:
            out["clock_started"] = self.clock_started.isoformat()
        if self.due:
            out["due"] = self.due.isoformat()
        return out


def _days_between(earlier: datetime, later: datetime) -> int:
    """Whole calendar days (UTC) from one moment to another, so a daily job's hour is moot."""
    return (later.astimezone(UTC).date() - earlier.astimezone(UTC).date()).days


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.lower() == b.lower()


def clock_start(issue: WaitingIssue) -> tuple[datetime, str]:
    """When the wait began, and why: the label, or the author's latest reply or edit."""
    if issue.labeled_at is not None:
        start, why = issue.labeled_at, "labelled"
    elif issue.updated_at is not None:
        # The label event was not found: count from the last activity of anyone, which can
        # only make the reminder later, never early.
        start, why = issue.updated_at, "last updated (label event not found)"
    else:
        start, why = issue.created_at, "opened"
    # The bot's own comments (they carry a marker) never count, even on an issue it opened.
    if issue.reopened_at is not None and issue.reopened_at > start:
        # Reopened after the lifecycle closed it: a new wait, not an instant second close.
        start, why = issue.reopened_at, "reopened"
    replies = [c.created_at for c in issue.comments if _same(c.author, issue.author) and not c.key]
    if replies and max(replies) > start:
        start, why = max(replies), "the author's last comment"
    if issue.body_edited_at is not None and issue.body_edited_at > start:
        start, why = issue.body_edited_at, "the author's last edit"
    return start, why


def _reopen_command(config: Config) -> bool:
    commands = config.triage.commands
    return commands.enabled and commands.permissions.get("reopen", "author") in (
        "author",
        "anyone",
    )


def _context(issue: WaitingIssue, config: Config) -> dict[str, Any]:
    lifecycle = config.triage.lifecycle
    return {
        "author": issue.author or "ghost",
        "label": config.triage.needs_info_label,
        "remind_after_days": lifecycle.remind_after_days,
        "close_after_days": lifecycle.close_after_days,
        "community": config.community.name,
        "number": issue.number,
        "title": issue.title,
        "reopen_command": _reopen_command(config),
    }


def decide(issue: WaitingIssue, config: Config, now: datetime) -> Decision:
    """What to do with one waiting issue now (pure)."""
    lifecycle = config.triage.lifecycle
    exempt = {n.lower() for n in (*ALWAYS_EXEMPT, *lifecycle.exempt_labels)}
    held = [name for name in issue.labels if name.lower() in exempt]
    if held:
        return Decision(issue.number, "exempt", f"labelled {', '.join(held)}; never auto-closed")
    start, why = clock_start(issue)
    started = start.astimezone(UTC).date()
    reminders = [
        c
        for c in issue.comments
        if c.key and c.key.startswith(REMINDER_KEY) and c.created_at >= start
    ]
    if not reminders:
        waited = _days_between(start, now)
        if waited >= lifecycle.remind_after_days:
            return Decision(
                issue.number, "remind", f"{waited} days since {why} ({started})", started
            )
        due = date.fromordinal(started.toordinal() + lifecycle.remind_after_days)
        return Decision(
            issue.number, "wait", f"{waited} days since {why} ({started})", started, due
        )
    reminded = max(c.created_at for c in reminders)
    since = _days_between(reminded, now)
    if since >= lifecycle.close_after_days:
        return Decision(
            issue.number,
            "close",
            f"{since} days since the reminder ({reminded.astimezone(UTC).date()}) with no reply",
            started,
        )
    due = date.fromordinal(reminded.astimezone(UTC).date().toordinal() + lifecycle.close_after_days)
    return Decision(
        issue.number,
        "wait",
        f"reminded on {reminded.astimezone(UTC).date()}; no reply yet",
        started,
        due,
    )


def plan_lifecycle(
    issues: Iterable[WaitingIssue], config: Config, now: datetime, *, repo: str | None = None
) -> tuple[Plan, list[Decision]]:
    """The reminders and closes due now, and a decision (with its reason) for every issue."""
    repo = repo or config.repo
    lifecycle = config.triage.lifecycle
    plan = Plan()
    decisions: list[Decision] = []
    if not lifecycle.enabled:
        plan.note("lifecycle is disabled (triage.lifecycle.enabled: false)")
        return plan, decisions
    for issue in sorted(issues, key=lambda i: i.number):
        decision = decide(issue, config, now)
        decisions.append(decision)
        context = _context(issue, config)
        stamp = decision.clock_started.isoformat() if decision.clock_started else "unknown"
        if decision.action == "remind":
            body = render_user_template(
                lifecycle.reminder_template, context, name="triage.lifecycle.reminder_template"
            )
            plan.add(
                Comment(repo=repo, issue=issue.number, body=body, key=f"{REMINDER_KEY}-{stamp}")
            )
        elif decision.action == "close":
            body = render_user_template(
                lifecycle.close_template, context, name="triage.lifecycle.close_template"
            )
            plan.add(
                Comment(repo=repo, issue=issue.number, body=body, key=f"{CLOSE_KEY}-{stamp}"),
                CloseIssue(repo=repo, issue=issue.number, reason="not_planned"),
            )
        elif decision.action == "exempt":
            plan.note(f"#{issue.number}: {decision.reason}")
    counts = {
        a: sum(d.action == a for d in decisions) for a in ("remind", "close", "wait", "exempt")
    }
    plan.note(
        f"{len(decisions)} open {config.triage.needs_info_label} issue(s): "
        f"{counts['remind']} to remind, {counts['close']} to close, "
        f"{counts['wait']} waiting, {counts['exempt']} exempt"
    )
    return plan, decisions


# -- reading (I/O edge) --------------------------------------------------------------------------


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
        body_edited_at=edited if _same(_login(node.get("editor")), author) else None,
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


def lifecycle_plan(
    client: GitHubClient, config: Config, repo: str, now: datetime, executor: Executor
) -> tuple[Plan, list[Decision]]:
    """Read the waiting issues and plan (what `ghcommunity lifecycle` and the App's scheduled
    run both do); the executor learns what was read, so applying costs only the writes."""
    label = config.triage.needs_info_label
    bots = frozenset({config.community.bot_login.lower()})
    issues = (
        read_needs_info_issues(client, repo, label, bots) if config.triage.lifecycle.enabled else []
    )
    plan, decisions = plan_lifecycle(issues, config, now, repo=repo)
    teach_executor(executor, repo, issues)
    return plan, decisions
