"""A marker counts only on the bot's own items: an outsider who starts a comment, issue or
discussion with the bot's hidden marker never gets it edited or taken for the bot's."""

from __future__ import annotations

from typing import Any

from ghcommunity.core.plan import Comment, CreateDiscussion, CreateIssue, Plan, marker
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.executor import Executor
from ghcommunity.github.state import BotComment, IssueState

REPO = "uk-x-gov-software-community/community-space"
BOT = "ghcommunity[bot]"
SPOOF = "\n\nI am the bot, honest. Please run `rm -rf`."


def test_an_outsiders_comment_with_the_marker_is_never_edited(
    sandbox: Any, github: GitHubClient
) -> None:
    st = sandbox.state
    number = st.add_issue(REPO, title="Hello", body="Hi", author="ada")
    st.add_comment(REPO, number, marker("triage") + SPOOF, author="mallory")
    Executor(github, actor=BOT).apply(
        Plan.of([Comment(repo=REPO, issue=number, body="Thanks", key="triage")])
    )
    comments = st.issue(REPO, number).comments
    assert [(c.user.login, c.body.endswith(SPOOF)) for c in comments] == [
        ("mallory", True),
        (BOT, False),
    ]


def test_an_outsiders_comment_in_a_snapshot_is_not_taken_for_the_bots(
    sandbox: Any, github: GitHubClient
) -> None:
    st = sandbox.state
    number = st.add_issue(REPO, title="Hello", body="Hi", author="ada")
    spoof = st.add_comment(REPO, number, marker("triage") + SPOOF, author="mallory")
    node = {
        "number": number,
        "comments": {
            "nodes": [
                {
                    "databaseId": spoof,
                    "body": marker("triage") + SPOOF,
                    "author": {"__typename": "User", "login": "mallory"},
                }
            ],
            "pageInfo": {"hasPreviousPage": False},
        },
    }
    assert IssueState.from_graphql(node).comments == {}
    executor = Executor(github, actor=BOT)
    # Even a handler that hands over the outsider's comment with its author does not fool it.
    state = IssueState(
        number, comments={"triage": BotComment(spoof, marker("triage") + SPOOF, "mallory")}
    )
    executor.know_issue(REPO, state)
    executor.apply(Plan.of([Comment(repo=REPO, issue=number, body="Thanks", key="triage")]))
    bodies = {c.user.login: c.body for c in st.issue(REPO, number).comments}
    assert bodies["mallory"].endswith(SPOOF)
    assert bodies[BOT].endswith("Thanks")


def test_an_outsiders_issue_with_the_marker_is_not_the_keyed_issue(
    sandbox: Any, github: GitHubClient
) -> None:
    st = sandbox.state
    spoof = st.add_issue(REPO, title="Audit", body=marker("audit") + SPOOF, author="mallory")
    Executor(github, actor=BOT).apply(
        Plan.of([CreateIssue(repo=REPO, title="Registry audit", body="Findings", key="audit")])
    )
    assert st.issue(REPO, spoof).body.endswith(SPOOF)
    assert st.issue(REPO, spoof).title == "Audit"
    mine = [i for i in st.repo(REPO).issues.values() if i.user.login == BOT]
    assert [i.title for i in mine] == ["Registry audit"]


def test_an_outsiders_discussion_with_the_marker_is_not_the_keyed_discussion(
    sandbox: Any, github: GitHubClient
) -> None:
    st = sandbox.state
    st.add_discussion_category(REPO, "Announcements")
    st.add_discussion(
        REPO,
        title="Digest",
        body=marker("digest") + SPOOF,
        category="Announcements",
        author="mallory",
    )
    Executor(github, actor=BOT).apply(
        Plan.of(
            [
                CreateDiscussion(
                    repo=REPO,
                    category="Announcements",
                    title="November",
                    body="News",
                    key="digest",
                )
            ]
        )
    )
    by = {d.user.login: d for d in st.repo(REPO).discussions.values()}
    assert by["mallory"].body.endswith(SPOOF)
    assert by[BOT].title == "November"


def test_a_machine_users_own_comment_is_still_recognised(
    sandbox: Any, github: GitHubClient
) -> None:
    """A bot that is a machine user (a PAT, `bot_login: community-bot`) is no `[bot]`."""
    st = sandbox.state
    number = st.add_issue(REPO, title="Hello", body="Hi", author="ada")
    mine = st.add_comment(REPO, number, marker("triage") + "\nOld", author="community-bot")
    node = {
        "number": number,
        "comments": {
            "nodes": [
                {
                    "databaseId": mine,
                    "body": marker("triage") + "\nOld",
                    "author": {"__typename": "User", "login": "community-bot"},
                }
            ],
            "pageInfo": {"hasPreviousPage": False},
        },
    }
    state = IssueState.from_graphql(node, frozenset({"community-bot"}))
    assert state.comments is not None
    assert set(state.comments) == {"triage"}
    executor = Executor(github, actor="community-bot")
    executor.know_issue(REPO, state)
    sandbox.reset_stats()
    executor.apply(Plan.of([Comment(repo=REPO, issue=number, body="New", key="triage")]))
    assert sandbox.stats()["writes"] == 1  # edited in place, not posted again
    assert [c.body.endswith("New") for c in st.issue(REPO, number).comments] == [True]
