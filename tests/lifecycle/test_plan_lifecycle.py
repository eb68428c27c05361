"""The pure lifecycle planner, one test per branch, with crafted issues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ghcommunity.config import Config, load_config, parse_config
from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import CloseIssue, Comment, marker
from ghcommunity.jobs.lifecycle.plan import (
    CLOSE_KEY,
    REMINDER_KEY,
    IssueComment,
    WaitingIssue,
    clock_start,
    decide,
    plan_lifecycle,
)
from ghcommunity.jobs.lifecycle.read import waiting_issue_from_node

ROOT = Path(__file__).resolve().parents[2]
REPO = "uk-x-gov-software-community/community-space"
T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # the needs-info label was added


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(ROOT / "config" / "community.yml")


def issue(
    number: int = 7,
    *,
    labels: tuple[str, ...] = ("needs-info",),
    comments: tuple[IssueComment, ...] = (),
    edited: datetime | None = None,
    author: str | None = "alice",
    labeled_at: datetime | None = T0,
) -> WaitingIssue:
    return WaitingIssue(
        number=number,
        author=author,
        labels=list(labels),
        created_at=T0 - timedelta(days=1),
        title="Propose a group on green software",
        labeled_at=labeled_at,
        body_edited_at=edited,
        comments=list(comments),
    )


def reminder(at: datetime, stamp: str = "2025-03-03") -> IssueComment:
    return IssueComment("ghcommunity", at, key=f"{REMINDER_KEY}-{stamp}", id=99, body="x")


def day(n: int, hour: int = 9) -> datetime:
    return (T0 + timedelta(days=n)).replace(hour=hour)


def test_nothing_happens_before_the_reminder_is_due(config: Config) -> None:
    plan, decisions = plan_lifecycle([issue()], config, day(13), repo=REPO)
    assert not plan
    assert decisions[0].action == "wait"
    assert decisions[0].due is not None
    assert decisions[0].due.isoformat() == "2025-03-17"


def test_one_reminder_after_remind_after_days_whatever_the_hour(config: Config) -> None:
    # The label was added at 10:00; a daily job at 09:00 on day 14 still reminds.
    plan, decisions = plan_lifecycle([issue()], config, day(14, hour=9), repo=REPO)
    assert [op.op for op in plan] == ["comment"]
    comment = plan.operations[0]
    assert isinstance(comment, Comment)
    assert comment.key == f"{REMINDER_KEY}-2025-03-03"
    assert comment.issue == 7
    assert comment.body.startswith("Hello @alice, this issue is waiting for more information")
    assert "14 days" in comment.body
    assert decisions[0].action == "remind"


def test_no_second_reminder_and_no_close_before_close_after_days(config: Config) -> None:
    waiting = issue(comments=(reminder(day(14)),))
    plan, decisions = plan_lifecycle([waiting], config, day(27), repo=REPO)
    assert not plan
    assert decisions[0].action == "wait"
    assert decisions[0].due is not None
    assert decisions[0].due.isoformat() == "2025-03-31"


def test_closed_kindly_as_not_planned_after_close_after_days(config: Config) -> None:
    waiting = issue(comments=(reminder(day(14)),))
    plan, decisions = plan_lifecycle([waiting], config, day(28), repo=REPO)
    comment, close = plan.operations
    assert isinstance(comment, Comment)
    assert comment.key == f"{CLOSE_KEY}-2025-03-03"
    assert "Thank you for raising it, @alice" in comment.body
    assert "`/reopen`" in comment.body  # the reference config lets authors reopen
    assert isinstance(close, CloseIssue)
    assert close.reason == "not_planned"
    assert decisions[0].action == "close"


def test_a_late_job_reminds_first_and_never_closes_without_a_reminder(config: Config) -> None:
    plan, _ = plan_lifecycle([issue()], config, day(60), repo=REPO)
    assert [op.op for op in plan] == ["comment"]
    assert plan.operations[0].key.startswith(REMINDER_KEY)  # type: ignore[union-attr]


def test_the_authors_comment_resets_the_clock(config: Config) -> None:
    reply = IssueComment("alice", day(10), id=5, body="Here is the link")
    plan, decisions = plan_lifecycle([issue(comments=(reply,))], config, day(20), repo=REPO)
    assert not plan
    assert "author's last comment" in decisions[0].reason
    plan, _ = plan_lifecycle([issue(comments=(reply,))], config, day(24), repo=REPO)
    assert plan.operations[0].key == f"{REMINDER_KEY}-2025-03-13"  # type: ignore[union-attr]


def test_author_login_is_matched_without_regard_to_case(config: Config) -> None:
    reply = IssueComment("Alice", day(10))
    assert clock_start(issue(comments=(reply,)))[0] == day(10)


def test_a_reply_after_the_reminder_starts_a_new_wait_with_a_new_reminder(config: Config) -> None:
    comments = (reminder(day(14)), IssueComment("alice", day(20), body="still looking"))
    plan, decisions = plan_lifecycle([issue(comments=comments)], config, day(30), repo=REPO)
    assert not plan  # not closed: the author replied after the reminder
    assert decisions[0].action == "wait"
    plan, _ = plan_lifecycle([issue(comments=comments)], config, day(34), repo=REPO)
    (op,) = plan.operations
    assert isinstance(op, Comment)
    assert op.key == f"{REMINDER_KEY}-2025-03-23"  # a fresh reminder, not an edit of the old


def test_the_authors_edit_of_the_body_resets_the_clock(config: Config) -> None:
    waiting = issue(comments=(reminder(day(14)),), edited=day(20))
    plan, decisions = plan_lifecycle([waiting], config, day(28), repo=REPO)
    assert not plan
    assert "author's last edit" in decisions[0].reason


@pytest.mark.parametrize("who", ["maintainer-bob", "ghcommunity", None])
def test_nobody_else_resets_the_clock(config: Config, who: str | None) -> None:
    other = IssueComment(who, day(20), body="Any news?")
    waiting = issue(comments=(reminder(day(14)), other))
    plan, decisions = plan_lifecycle([waiting], config, day(28), repo=REPO)
    assert decisions[0].action == "close"
    assert any(isinstance(op, CloseIssue) for op in plan)


def test_the_bots_own_comments_never_count_as_the_authors_reply(config: Config) -> None:
    # An issue the bot opened itself: its keyed reminder must not restart the wait.
    waiting = issue(author="ghcommunity", comments=(reminder(day(14)),))
    plan, _ = plan_lifecycle([waiting], config, day(28), repo=REPO)
    assert any(isinstance(op, CloseIssue) for op in plan)


def test_a_reopened_issue_starts_a_new_wait_instead_of_closing_again(config: Config) -> None:
    waiting = issue(comments=(reminder(day(14)), IssueComment("ghcommunity", day(28), key="x")))
    waiting.reopened_at = day(30)
    plan, decisions = plan_lifecycle([waiting], config, day(31), repo=REPO)
    assert not plan
    assert decisions[0].reason == "1 days since reopened (2025-04-02)"
    plan, _ = plan_lifecycle([waiting], config, day(44), repo=REPO)
    assert plan.operations[0].key == f"{REMINDER_KEY}-2025-04-02"  # type: ignore[union-attr]


def test_relabelling_restarts_the_wait(config: Config) -> None:
    waiting = issue(comments=(reminder(day(14)),), labeled_at=day(20))
    plan, decisions = plan_lifecycle([waiting], config, day(28), repo=REPO)
    assert not plan
    assert decisions[0].reason.endswith("since labelled (2025-03-23)")


@pytest.mark.parametrize("label", ["accepted", "Triaged", "pinned"])
def test_accepted_triaged_and_exempt_labels_are_never_reminded_or_closed(
    config: Config, label: str
) -> None:
    waiting = issue(labels=("needs-info", label), comments=(reminder(day(14)),))
    plan, decisions = plan_lifecycle([waiting], config, day(90), repo=REPO)
    assert not plan
    assert decisions[0].action == "exempt"
    assert any(f"#7: labelled {label}" in note for note in plan.notes)


def test_accepted_and_triaged_are_exempt_even_when_config_lists_neither() -> None:
    config = parse_config(
        "community: {name: C, org: o, repo: r}\ntriage: {lifecycle: {exempt_labels: [keep]}}\n"
    )
    for label in ("accepted", "triaged", "keep"):
        decision = decide(issue(labels=("needs-info", label)), config, day(90))
        assert decision.action == "exempt"


def test_config_days_and_templates_are_used() -> None:
    config = parse_config(
        "community: {name: Our community, org: o, repo: r}\n"
        "triage:\n"
        "  commands: {enabled: false}\n"
        "  lifecycle:\n"
        "    remind_after_days: 3\n"
        "    close_after_days: 2\n"
        "    reminder_template: 'Ping @{{ author }} about #{{ number }} in {{ community }}'\n"
    )
    plan, _ = plan_lifecycle([issue()], config, day(3), repo="o/r")
    assert plan.operations[0].body == "Ping @alice about #7 in Our community"  # type: ignore[union-attr]
    plan, _ = plan_lifecycle([issue(comments=(reminder(day(3)),))], config, day(5), repo="o/r")
    comment = plan.operations[0]
    assert isinstance(comment, Comment)
    assert "`/reopen`" not in comment.body  # commands are off: do not suggest one
    assert "add it in a comment" in comment.body


def test_a_template_with_an_unknown_variable_is_a_clear_input_error() -> None:
    config = parse_config(
        "community: {name: C, org: o, repo: r}\n"
        "triage: {lifecycle: {reminder_template: 'Hi {{ auther }}'}}\n"
    )
    with pytest.raises(InputError, match=r"reminder_template.*auther"):
        plan_lifecycle([issue()], config, day(30), repo="o/r")


def test_disabled_lifecycle_plans_nothing() -> None:
    config = parse_config(
        "community: {name: C, org: o, repo: r}\ntriage: {lifecycle: {enabled: false}}\n"
    )
    plan, decisions = plan_lifecycle([issue()], config, day(90), repo="o/r")
    assert not plan
    assert decisions == []
    assert "disabled" in plan.notes[0]


def test_without_the_label_event_the_clock_starts_at_the_last_update(config: Config) -> None:
    waiting = issue(labeled_at=None)
    waiting.updated_at = day(10)
    decision = decide(waiting, config, day(20))
    assert decision.action == "wait"
    assert "label event not found" in decision.reason
    assert decide(waiting, config, day(24)).action == "remind"


def test_the_summary_note_counts_every_decision(config: Config) -> None:
    issues = [
        issue(1),
        issue(2, comments=(reminder(day(14)),)),
        issue(3, labels=("needs-info", "accepted")),
        issue(4, labeled_at=day(20)),
    ]
    plan, _ = plan_lifecycle(issues, config, day(28), repo=REPO)
    assert plan.notes[-1] == (
        "4 open needs-info issue(s): 1 to remind, 1 to close, 1 waiting, 1 exempt"
    )


def test_reading_a_graphql_node() -> None:
    node = {
        "number": 12,
        "title": "Idea",
        "url": "https://github.com/o/r/issues/12",
        "createdAt": "2025-03-01T08:00:00Z",
        "updatedAt": "2025-03-20T08:00:00Z",
        "lastEditedAt": "2025-03-05T08:00:00Z",
        "author": {"login": "alice"},
        "editor": {"login": "alice"},
        "labels": {"nodes": [{"name": "needs-info"}, {"name": "type: resource"}]},
        "comments": {
            "nodes": [
                {
                    "databaseId": 501,
                    "createdAt": "2025-03-02T08:00:00Z",
                    "body": marker("triage-missing") + "\nPlease add a link",
                    "author": {"__typename": "Bot", "login": "ghcommunity"},
                },
                {
                    "databaseId": 502,
                    "createdAt": "2025-03-04T08:00:00Z",
                    "body": "ok",
                    "author": None,
                },
            ],
            "pageInfo": {"hasPreviousPage": False},
        },
        "timelineItems": {
            "nodes": [
                {"createdAt": "2025-03-01T09:00:00Z", "label": {"name": "needs-info"}},
                {"createdAt": "2025-03-01T09:30:00Z", "label": {"name": "type: resource"}},
                {"createdAt": "2025-03-02T09:00:00Z", "label": {"name": "Needs-Info"}},
                {"__typename": "ReopenedEvent", "createdAt": "2025-03-01T12:00:00Z"},
                {},
            ]
        },
    }
    waiting = waiting_issue_from_node(node, "needs-info")
    assert waiting.labeled_at == datetime(2025, 3, 2, 9, tzinfo=UTC)
    assert waiting.reopened_at == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert waiting.body_edited_at == datetime(2025, 3, 5, 8, tzinfo=UTC)
    assert [c.key for c in waiting.comments] == ["triage-missing", None]
    assert waiting.comments[1].author is None  # a deleted account
    assert waiting.comments_complete
    assert clock_start(waiting) == (datetime(2025, 3, 5, 8, tzinfo=UTC), "the author's last edit")


def test_an_edit_by_someone_else_is_not_the_authors_reply() -> None:
    node = {
        "number": 1,
        "createdAt": "2025-03-01T08:00:00Z",
        "lastEditedAt": "2025-03-05T08:00:00Z",
        "author": {"login": "alice"},
        "editor": {"login": "bob"},
    }
    assert waiting_issue_from_node(node, "needs-info").body_edited_at is None
