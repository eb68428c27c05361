"""`reopen: author` (the reference config) lets an author reopen what they or the bot closed,
never what a maintainer closed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from triage_helpers import comment_event, reference_config, snapshot

from ghcommunity.core.commands import Actor, plan_commands
from ghcommunity.core.plan import Comment, ReopenIssue
from ghcommunity.jobs.triage import commands  # registers the built-in commands

assert commands

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def reopen(closed_by: str | None, actor: Actor) -> list[object]:
    config = reference_config()
    assert config.triage.commands.permissions["reopen"] == "author"
    event = comment_event("created", "/reopen", commenter=actor.login, author="ada")
    snap = snapshot(author="ada", state="closed")
    snap.issue = dataclasses.replace(snap.issue, closed_by=closed_by)
    return list(plan_commands(event, config, snap, actor, NOW))


@pytest.mark.parametrize("closer", ["ada", "ghcommunity[bot]", "github-actions[bot]", None])
def test_the_author_reopens_what_they_or_the_bot_closed(closer: str | None) -> None:
    assert any(isinstance(op, ReopenIssue) for op in reopen(closer, Actor("ada", role="read")))


def test_the_author_cannot_reopen_what_a_maintainer_closed() -> None:
    plan = reopen("grace", Actor("ada", role="read"))
    assert not any(isinstance(op, ReopenIssue) for op in plan)
    replies = [op.body for op in plan if isinstance(op, Comment)]
    assert any("@grace closed this issue" in body for body in replies)


def test_a_maintainer_still_reopens_it() -> None:
    assert any(isinstance(op, ReopenIssue) for op in reopen("grace", Actor("mo", role="maintain")))
