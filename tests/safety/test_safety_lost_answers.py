"""A lost answer never makes a duplicate: GitHub applies the write, the answer is lost (a 502 or
a dropped connection), and the executor re-reads before it decides to write again.

The sandbox's `lost-502`/`lost-drop` faults apply the write and then lose its answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ghcommunity.core.plan import (
    AddLabels,
    Comment,
    CommitFiles,
    CreateDiscussion,
    CreateIssue,
    CreateLabel,
    FileChange,
    OpenPullRequest,
    Plan,
    PutFile,
    marker_key,
)
from ghcommunity.github.client import (
    Connection,
    GitHubClient,
    RetryPolicy,
    UnknownOutcome,
    graphql_operations,
)
from ghcommunity.github.executor import Executor
from ghcommunity_sandbox.http import LOST_ANSWER_KINDS, Faults

REPO = "uk-x-gov-software-community/community-space"
BOT = "ghcommunity[bot]"


@pytest.fixture
def lossy(sandbox: Any) -> Iterator[Any]:
    """The sandbox, restored to no faults afterwards."""
    saved = sandbox.app.faults
    sandbox.state.add_discussion_category(REPO, "General")
    try:
        yield sandbox
    finally:
        sandbox.app.faults = saved


def every_write_plan(sandbox: Any) -> Plan:
    number = sandbox.state.add_issue(REPO, title="Hello", body="Hi", author="ada")
    return Plan.of(
        [
            Comment(repo=REPO, issue=number, body="Thanks for this", key="triage"),
            CreateIssue(repo=REPO, title="Audit", body="Findings", key="audit"),
            CreateDiscussion(
                repo=REPO, category="General", title="Digest", body="The month", key="digest"
            ),
            CreateLabel(repo=REPO, name="needs-info", color="ededed", description="More"),
            AddLabels(repo=REPO, issue=number, labels=["needs-info"]),
            PutFile(repo=REPO, path="digests/2026-11.md", content="# Digest\n", message="Digest"),
            CommitFiles(
                repo=REPO,
                branch="ghcommunity/meeting-notes",
                files=[FileChange(path="notes/2026-12-01.md", content="# Notes\n")],
                message="Notes",
            ),
            OpenPullRequest(
                repo=REPO, head="ghcommunity/meeting-notes", title="Notes", body="New notes"
            ),
        ]
    )


def keyed_copies(sandbox: Any) -> dict[str, int]:
    """How many of the bot's items carry each marker (each must be 1)."""
    repo = sandbox.state.repo(REPO)
    counts: dict[str, int] = {}
    bodies = [c.body for issue in repo.issues.values() for c in issue.comments]
    bodies += [i.body or "" for i in repo.issues.values() if i.state == "open"]
    bodies += [d.body for d in repo.discussions.values()]
    for body in bodies:
        key = marker_key(body)
        if key:
            counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.parametrize("seed", range(6))
def test_every_write_converges_under_lost_answers_with_no_duplicates(
    lossy: Any, github: GitHubClient, seed: int
) -> None:
    plan = every_write_plan(lossy)
    lossy.app.faults = Faults(0.5, seed, LOST_ANSWER_KINDS)
    executor = Executor(github, actor=BOT)
    for _ in range(3):  # a run that gives up after repeated losses is simply run again
        try:
            executor.apply(plan)
            break
        except Exception:
            continue
    lost = sum(lossy.app.faults.injected.values())
    lossy.app.faults = Faults()
    assert lost > 0  # the faults really happened
    assert keyed_copies(lossy) == {"triage": 1, "audit": 1, "digest": 1}
    pulls = [i for i in lossy.state.repo(REPO).issues.values() if i.pull is not None]
    assert len(pulls) == 1
    lossy.reset_stats()
    outcomes = Executor(github, actor=BOT).apply(plan)
    assert lossy.stats()["writes"] == 0, [(o.op.op, o.status) for o in outcomes]


def test_a_comment_whose_answer_is_lost_is_not_posted_twice(
    lossy: Any, github: GitHubClient
) -> None:
    number = lossy.state.add_issue(REPO, title="Hello", body="Hi", author="ada")
    lossy.app.faults = Faults(1.0, 0, ("lost-502",))
    client = GitHubClient(
        Connection(api_url=lossy.url, token="test-token"), retry=RetryPolicy(sleep_scale=0.0)
    )
    with pytest.raises(UnknownOutcome):  # the client never repeats the POST itself
        client.rest("POST", f"/repos/{REPO}/issues/{number}/comments", json={"body": "x"})
    assert len(lossy.state.issue(REPO, number).comments) == 1
    lossy.app.faults = Faults(1.0, 0, ("lost-drop",))
    executor = Executor(client, actor=BOT)
    # Every answer to a write is lost; reads are answered: the re-read finds the comment.
    outcomes = executor.apply(Plan.of([Comment(repo=REPO, issue=number, body="Hello", key="k")]))
    lossy.app.faults = Faults()
    assert outcomes[0].status == "applied"
    assert "lost answer" in outcomes[0].detail
    bodies = [c.body for c in lossy.state.issue(REPO, number).comments]
    assert sum(1 for b in bodies if marker_key(b) == "k") == 1


@pytest.mark.parametrize(
    ("document", "kinds"),
    [
        ("\nmutation M { a }", {"mutation"}),
        ("# a comment\nmutation { a }", {"mutation"}),
        ("  \t,mutation{a}", {"mutation"}),
        ("\ufeffmutation { a }", {"mutation"}),
        ('query Q { a(s: "mutation {") }', {"query"}),
        ("fragment F on X { a }\nmutation M { ...F }", {"mutation"}),
        ('"""described"""\nmutation M { a }', {"mutation"}),
        ("{ viewer { login } }", {"query"}),
        ("query A { a } mutation B { b }", {"query", "mutation"}),
        ("nonsense", {"unknown"}),
    ],
)
def test_graphql_operation_type_is_parsed(document: str, kinds: set[str]) -> None:
    assert graphql_operations(document) == kinds


def test_a_mutation_starting_with_a_newline_is_not_retried_after_a_drop(
    lossy: Any, github: GitHubClient
) -> None:
    lossy.app.faults = Faults(1.0, 0, ("lost-drop",))
    repo_id = github.graphql(
        'query { repository(owner: "uk-x-gov-software-community", name: "community-space")'
        " { id discussionCategories(first: 5) { nodes { id } } } }"
    )["repository"]
    before = len(lossy.state.repo(REPO).discussions)
    with pytest.raises(UnknownOutcome):
        github.graphql(
            "\nmutation($r: ID!, $c: ID!) { createDiscussion(input: {repositoryId: $r,"
            ' categoryId: $c, title: "T", body: "B"}) { discussion { id } } }',
            {"r": repo_id["id"], "c": repo_id["discussionCategories"]["nodes"][0]["id"]},
        )
    lossy.app.faults = Faults()
    assert len(lossy.state.repo(REPO).discussions) == before + 1
