"""`ghcommunity lifecycle` end to end against the sandbox and its settable clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ghcommunity.cli import cli
from ghcommunity.core.plan import marker_key

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "community.yml"
REPO = "uk-x-gov-software-community/community-space"
T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def at(days: float, hour: int = 10) -> datetime:
    return (T0 + timedelta(days=days)).replace(hour=hour)


def lifecycle(sandbox: Any, now: datetime, *args: str) -> dict[str, Any]:
    sandbox.state.set_clock(now)
    result = CliRunner().invoke(
        cli,
        [
            "lifecycle",
            "--json",
            "--config",
            str(CONFIG),
            "--api-url",
            sandbox.url,
            "--token",
            "test-token",
            "--now",
            now.isoformat(),
            *args,
        ],
    )
    assert result.exception is None, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def bot_comments(sandbox: Any, number: int) -> list[str]:
    issue = sandbox.state.issue(REPO, number)
    return [key for c in issue.comments if (key := marker_key(c.body))]


def decisions(data: dict[str, Any]) -> dict[int, str]:
    return {d["issue"]: d["action"] for d in data["decisions"]}


def test_remind_once_then_close_and_only_the_author_resets_the_clock(sandbox: Any) -> None:
    state = sandbox.state
    state.set_clock(T0)
    for login in ("alice", "bob", "carol", "dave", "maintainer"):
        state.add_user(login)
    quiet = state.add_issue(REPO, "Quiet", author="alice", labels=["needs-info"])
    replied = state.add_issue(REPO, "Replied", author="bob", labels=["needs-info"])
    nagged = state.add_issue(REPO, "Someone else asked", author="carol", labels=["needs-info"])
    accepted = state.add_issue(REPO, "Accepted", author="dave", labels=["needs-info", "accepted"])
    state.add_issue(REPO, "Not waiting", author="dave")
    state.add_comment(
        REPO, replied, "Here is the link you asked for", author="bob", created_at=at(10)
    )
    state.add_comment(REPO, nagged, "Any news?", author="maintainer", created_at=at(10))

    # Day 13: nothing is due yet; one read, no writes.
    sandbox.reset_stats()
    data = lifecycle(sandbox, at(13))
    assert data["operations"] == []
    assert sandbox.stats()["total"] == 1
    assert sandbox.stats()["writes"] == 0

    # Day 14: the two quiet issues get their reminder (the maintainer's comment does not count).
    sandbox.reset_stats()
    data = lifecycle(sandbox, at(14, hour=7))
    assert decisions(data) == {
        quiet: "remind",
        replied: "wait",
        nagged: "remind",
        accepted: "exempt",
    }
    assert sandbox.stats()["writes"] == 2
    # one read, two comments (each re-read once for a second run's copy): it knew the rest
    assert sandbox.stats()["total"] == 5
    assert bot_comments(sandbox, quiet) == ["lifecycle-reminder-2025-03-03"]
    reminder = sandbox.state.issue(REPO, quiet).comments[-1].body
    assert "Hello @alice" in reminder

    # A second run the same day makes no write.
    sandbox.reset_stats()
    data = lifecycle(sandbox, at(14, hour=18))
    assert data["operations"] == []
    assert sandbox.stats()["writes"] == 0
    assert sandbox.stats()["total"] == 1

    # Day 24: bob's wait (from his reply on day 10) is over: his reminder.
    data = lifecycle(sandbox, at(24))
    assert decisions(data)[replied] == "remind"
    assert bot_comments(sandbox, replied) == ["lifecycle-reminder-2025-03-13"]

    # Alice replies after her reminder: the clock restarts; no close on day 28.
    state.add_comment(
        REPO, quiet, "Sorry, on leave. Added the details.", author="alice", created_at=at(26)
    )
    sandbox.reset_stats()
    data = lifecycle(sandbox, at(28))
    assert decisions(data) == {quiet: "wait", replied: "wait", nagged: "close", accepted: "exempt"}
    assert sandbox.stats()["writes"] == 2, sandbox.stats()  # the closing comment and the close
    closed = sandbox.state.issue(REPO, nagged)
    assert closed.state == "closed"
    assert closed.state_reason == "not_planned"
    assert bot_comments(sandbox, nagged) == [
        "lifecycle-reminder-2025-03-03",
        "lifecycle-closed-2025-03-03",
    ]
    assert sandbox.state.issue(REPO, quiet).state == "open"
    assert sandbox.state.issue(REPO, accepted).state == "open"
    assert bot_comments(sandbox, accepted) == []

    # The closed issue is no longer read; a rerun the same day writes nothing.
    sandbox.reset_stats()
    data = lifecycle(sandbox, at(28, hour=20))
    assert nagged not in decisions(data)
    assert sandbox.stats()["writes"] == 0

    # Day 30: a maintainer reopens the closed issue: a new wait, not an instant second close.
    state.set_clock(at(30))
    state.edit_issue(sandbox.state.issue(REPO, nagged), state.get_user("maintainer"), state="open")
    data = lifecycle(sandbox, at(31))
    assert decisions(data)[nagged] == "wait"
    assert "since reopened (2025-04-02)" in next(
        d["reason"] for d in data["decisions"] if d["issue"] == nagged
    )

    # Day 40: alice gets a fresh reminder for her new wait (a new comment, not an edit).
    data = lifecycle(sandbox, at(40))
    assert decisions(data)[quiet] == "remind"
    assert bot_comments(sandbox, quiet) == [
        "lifecycle-reminder-2025-03-03",
        "lifecycle-reminder-2025-03-29",
    ]


def test_an_edit_of_the_body_by_the_author_resets_the_clock(sandbox: Any) -> None:
    state = sandbox.state
    state.set_clock(T0)
    state.add_user("alice")
    number = state.add_issue(REPO, "Edited", body="Old body", author="alice", labels=["needs-info"])
    state.set_clock(at(10))
    issue = state.issue(REPO, number)
    state.edit_issue(issue, state.get_user("alice"), body="New body with the details")
    data = lifecycle(sandbox, at(20))
    assert decisions(data) == {number: "wait"}
    assert "author's last edit" in data["decisions"][0]["reason"]


def test_dry_run_writes_nothing(sandbox: Any) -> None:
    state = sandbox.state
    state.set_clock(T0)
    state.add_user("alice")
    state.add_issue(REPO, "Quiet", author="alice", labels=["needs-info"])
    sandbox.reset_stats()
    data = lifecycle(sandbox, at(30), "--dry-run")
    assert data["dry_run"] is True
    assert [op["op"] for op in data["operations"]] == ["comment"]
    assert sandbox.stats()["writes"] == 0


def test_more_than_one_page_of_waiting_issues(sandbox: Any) -> None:
    state = sandbox.state
    state.set_clock(T0)
    state.add_user("alice")
    with state.quiet():
        for i in range(105):
            state.add_issue(REPO, f"Waiting {i}", author="alice", labels=["needs-info"])
    sandbox.reset_stats()
    data = lifecycle(sandbox, at(5))
    assert len(data["decisions"]) == 105
    assert sandbox.stats()["total"] == 2  # two GraphQL pages
