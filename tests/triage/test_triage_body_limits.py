"""Every body the bot writes fits GitHub's 65,536 characters: replies summarise, quoted input
is cut short, and the executor cuts whatever is still too long. The sandbox refuses longer
bodies as GitHub does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from triage_helpers import comment_event, reference_config, snapshot

from ghcommunity.core.commands import Actor, plan_commands
from ghcommunity.core.errors import InputError
from ghcommunity.core.forms import FormField, IssueForm, parse_body
from ghcommunity.core.plan import Comment, CreateIssue, Plan
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.executor import Executor, bounded
from ghcommunity.jobs.triage import commands

assert commands  # registers the built-in commands
REPO = "uk-x-gov-software-community/community-space"
LIMIT = 65536


def test_three_thousand_refused_commands_get_a_short_reply() -> None:
    body = "\n".join(f"/label needs-info-{n}" for n in range(3000))
    event = comment_event("created", body, commenter="mallory", author="ada")
    plan = plan_commands(
        event,
        reference_config(),
        snapshot(author="ada"),
        Actor("mallory", role="read"),
        datetime(2026, 11, 20, tzinfo=UTC),
    )
    replies = [op.body for op in plan if isinstance(op, Comment)]
    assert len(replies) == 1
    assert len(replies[0]) < 5000
    assert "...and 2990 more not run." in replies[0]


def test_a_megabyte_answer_is_not_echoed_whole() -> None:
    form = IssueForm(
        name="Pick",
        description="",
        title=None,
        labels=(),
        fields=(FormField(id="pick", type="dropdown", label="Pick", options=("A", "B")),),
        source="pick.yml",
    )
    parsed = parse_body("### Pick\n\n" + "x" * 1_000_000, form)
    assert parsed.problems
    assert all(len(p.message) < 1000 for p in parsed.problems)
    assert "1,000,000" not in parsed.problems[0].message  # says how much was left out
    assert "999,900 more characters" in parsed.problems[0].message


def test_bounded_cuts_at_a_line_and_says_so() -> None:
    text = "\n".join(f"line {n}" for n in range(20000))
    cut = bounded(text)
    assert len(cut) <= LIMIT
    assert "cut short" in cut
    assert bounded("short") == "short"


def test_the_executor_never_sends_a_body_github_refuses(sandbox: Any, github: GitHubClient) -> None:
    number = sandbox.state.add_issue(REPO, title="Hello", body="Hi", author="ada")
    huge = "word " * 40000
    Executor(github, actor="ghcommunity[bot]").apply(
        Plan.of(
            [
                Comment(repo=REPO, issue=number, body=huge, key="big"),
                CreateIssue(repo=REPO, title="Big", body=huge, key="big-issue"),
            ]
        )
    )
    assert all(len(c.body) <= LIMIT for c in sandbox.state.issue(REPO, number).comments)
    assert all(len(i.body or "") <= LIMIT for i in sandbox.state.repo(REPO).issues.values())


def test_the_sandbox_refuses_a_body_over_the_limit(sandbox: Any, github: GitHubClient) -> None:
    number = sandbox.state.add_issue(REPO, title="Hello", body="Hi", author="ada")
    with pytest.raises(InputError, match="422"):
        github.rest(
            "POST", f"/repos/{REPO}/issues/{number}/comments", json={"body": "x" * (LIMIT + 1)}
        )
    github.rest("POST", f"/repos/{REPO}/issues/{number}/comments", json={"body": "x" * LIMIT})
