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

`plan_lifecycle` is pure; `read.py` has the one read (a GraphQL page of 100 open `needs-info`
issues with their comments and label events).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ghcommunity.core.plan import CloseIssue, Comment, Plan
from ghcommunity.core.templating import render_user_template
from ghcommunity.jobs.lifecycle.settings import LifecycleConfig

ALWAYS_EXEMPT = ("accepted", "triaged")
REMINDER_KEY = "lifecycle-reminder"
CLOSE_KEY = "lifecycle-closed"


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


def same_person(a: str | None, b: str | None) -> bool:
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
    replies = [
        c.created_at for c in issue.comments if same_person(c.author, issue.author) and not c.key
    ]
    if replies and max(replies) > start:
        start, why = max(replies), "the author's last comment"
    if issue.body_edited_at is not None and issue.body_edited_at > start:
        start, why = issue.body_edited_at, "the author's last edit"
    return start, why


def _reopen_command(config: LifecycleConfig) -> bool:
    commands = config.triage.commands
    return commands.enabled and commands.permissions.get("reopen", "author") in (
        "author",
        "anyone",
    )


def _context(issue: WaitingIssue, config: LifecycleConfig) -> dict[str, Any]:
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


def decide(issue: WaitingIssue, config: LifecycleConfig, now: datetime) -> Decision:
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
    issues: Iterable[WaitingIssue],
    config: LifecycleConfig,
    now: datetime,
    *,
    repo: str | None = None,
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
