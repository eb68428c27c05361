"""The executor against the sandbox: every operation, applied twice, writes once."""

from __future__ import annotations

from typing import Any

import pytest

from ghcommunity.core.plan import (
    AddLabels,
    AddToProject,
    Assign,
    CloseIssue,
    Comment,
    CommitFiles,
    CreateDiscussion,
    CreateIssue,
    CreateLabel,
    DeleteComment,
    DeleteLabel,
    FileChange,
    OpenPullRequest,
    Plan,
    PutFile,
    React,
    RemoveLabels,
    ReopenIssue,
    Unassign,
    UpdateIssue,
    UpdateLabel,
    git_blob_sha,
    marker,
)
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.executor import Executor
from ghcommunity.github.state import IssueState

REPO = "uk-x-gov-software-community/community-space"


def comments(sandbox: Any, number: int) -> list[str]:
    return [c.body for c in sandbox.state.issue(REPO, number).comments]


def issues(sandbox: Any, pulls: bool = False) -> list[Any]:
    repo = sandbox.state.repo(REPO)
    return [i for i in repo.issues.values() if (i.pull is not None) == pulls]


def read_file(github: GitHubClient, path: str, ref: str = "main") -> str:
    import base64

    data = github.rest("GET", f"/repos/{REPO}/contents/{path}", params={"ref": ref})
    return base64.b64decode(data["content"]).decode()


def writes(sandbox: Any) -> int:
    return int(sandbox.stats()["writes"])


def apply_twice(sandbox: Any, github: GitHubClient, plan: Plan) -> tuple[int, int]:
    """Apply with two fresh executors (as two runs would); return the writes of each run."""
    sandbox.reset_stats()
    Executor(github, actor="ghcommunity[bot]").apply(plan)
    first = writes(sandbox)
    sandbox.reset_stats()
    outcomes = Executor(github, actor="ghcommunity[bot]").apply(plan)
    second = writes(sandbox)
    assert all(o.status in ("unchanged", "skipped") for o in outcomes), [
        (o.op.op, o.status, o.detail) for o in outcomes
    ]
    return first, second


def test_a_plan_applied_twice_makes_no_second_write(sandbox: Any, github: GitHubClient) -> None:
    st = sandbox.state
    st.set_permission(REPO, "ada", "write")
    number = st.add_issue(
        REPO, title="Agenda item", body="Hello", author="ada", labels=["good first issue"]
    )
    st.add_project("uk-x-gov-software-community", 1, "Community backlog")
    st.add_discussion_category(REPO, "Announcements")
    plan = Plan.of(
        [
            CreateLabel(
                repo=REPO,
                name="group: lean-coffee (SIG)",
                color="c5def5",
                description="Lean Coffee",
            ),
            CreateLabel(repo=REPO, name="needs-info", color="d93f0b"),
            AddLabels(repo=REPO, issue=number, labels=["group: lean-coffee (SIG)"]),
            RemoveLabels(repo=REPO, issue=number, labels=["good first issue"]),
            Comment(repo=REPO, issue=number, body="Thanks for the agenda item.", key="welcome"),
            Comment(repo=REPO, issue=number, body="A comment without a key."),
            Assign(repo=REPO, issue=number, assignees=["ada"]),
            React(repo=REPO, issue=number, content="eyes"),
            AddToProject(
                repo=REPO,
                issue=number,
                project_owner="uk-x-gov-software-community",
                project_number=1,
            ),
            PutFile(
                repo=REPO,
                path="lean-coffees/2026-11-26.md",
                content="# Lean Coffee\n",
                message="Add notes",
            ),
            CommitFiles(
                repo=REPO,
                branch="ghcommunity/notes",
                message="Add notes",
                files=[
                    FileChange(
                        path="special-interest-meetings/open-source/2026-12-04.md", content="# OS"
                    ),
                    FileChange(
                        path="special-interest-meetings/open-source/2026-12-04.ics", content="BEGIN"
                    ),
                ],
            ),
            OpenPullRequest(repo=REPO, head="ghcommunity/notes", title="Meeting notes", body="New"),
            CreateIssue(
                repo=REPO,
                title="Agenda: Lean Coffee 26 November",
                body="Agenda",
                key="agenda-lean-coffee-2026-11-26",
                labels=["agenda: lean-coffee"],
            ),
            CreateDiscussion(
                repo=REPO,
                category="Announcements",
                title="Digest: October 2026",
                body="What happened",
                key="digest-2026-10",
            ),
            CloseIssue(repo=REPO, issue=number, reason="completed"),
        ]
    )
    first, second = apply_twice(sandbox, github, plan)
    assert first > 0
    assert second == 0

    issue = st.issue(REPO, number)
    assert {lab.name for lab in issue.labels} == {"group: lean-coffee (SIG)"}
    assert [a.login for a in issue.assignees] == ["ada"]
    assert issue.state == "closed"
    bodies = comments(sandbox, number)
    assert len(bodies) == 2
    assert bodies[0].startswith(marker("welcome"))
    pulls = issues(sandbox, pulls=True)
    assert len(pulls) == 1
    assert pulls[0].title == "Meeting notes"
    assert read_file(github, "lean-coffees/2026-11-26.md") == "# Lean Coffee\n"


def test_a_keyed_comment_is_edited_in_place(sandbox: Any, github: GitHubClient) -> None:
    number = sandbox.state.add_issue(REPO, title="x", body="y", author="ada")
    Executor(github).apply(Plan.of([Comment(repo=REPO, issue=number, body="v1", key="k")]))
    sandbox.reset_stats()
    Executor(github).apply(Plan.of([Comment(repo=REPO, issue=number, body="v2", key="k")]))
    assert (
        sandbox.stats()["by_route"].get("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}")
        == 1
    )
    assert comments(sandbox, number) == [f"{marker('k')}\nv2"]
    Executor(github).apply(Plan.of([DeleteComment(repo=REPO, issue=number, key="k")]))
    assert comments(sandbox, number) == []


def test_an_existing_file_is_never_overwritten(sandbox: Any, github: GitHubClient) -> None:
    path = "lean-coffees/2026-11-26.md"
    sandbox.state.put_file(REPO, path, "# Notes people started\n- [ ] an action\n")
    outcomes = Executor(github).apply(
        Plan.of(
            [
                PutFile(repo=REPO, path=path, content="# Template", message="m"),
                CommitFiles(
                    repo=REPO,
                    branch="notes",
                    message="m",
                    files=[FileChange(path=path, content="# Template")],
                ),
            ]
        )
    )
    assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
    assert read_file(github, path).startswith("# Notes people started")


def test_update_mode_rewrites_only_changed_files(sandbox: Any, github: GitHubClient) -> None:
    plan = Plan.of(
        [
            CommitFiles(
                repo=REPO,
                branch="digest",
                message="Digest",
                if_exists="update",
                files=[FileChange(path="digests/2026-10.md", content="v1")],
            )
        ]
    )
    first, second = apply_twice(sandbox, github, plan)
    assert first == 4
    assert second == 0
    Executor(github).apply(
        Plan.of(
            [
                CommitFiles(
                    repo=REPO,
                    branch="digest",
                    message="Digest",
                    if_exists="update",
                    files=[FileChange(path="digests/2026-10.md", content="v2")],
                )
            ]
        )
    )
    assert read_file(github, "digests/2026-10.md", ref="digest") == "v2"


def test_label_updates_and_renames(sandbox: Any, github: GitHubClient) -> None:
    st = sandbox.state
    st.add_label(REPO, "sig-proposal", color="ffffff")
    number = st.add_issue(REPO, title="x", body="y", author="ada", labels=["sig-proposal"])
    plan = Plan.of(
        [
            UpdateLabel(
                repo=REPO,
                name="sig-proposal",
                new_name="type: group proposal",
                color="1d76db",
                description="A proposal",
            ),
            CreateLabel(repo=REPO, name="stale", color="eeeeee"),
            DeleteLabel(repo=REPO, name="stale"),
        ]
    )
    # create-then-delete is not idempotent as a pair, so check the rename on its own first
    Executor(github).apply(Plan.of([plan.operations[0]]))
    assert [lab.name for lab in st.issue(REPO, number).labels] == ["type: group proposal"]
    first, second = apply_twice(sandbox, github, Plan.of([plan.operations[0]]))
    assert (first, second) == (0, 0)


def test_keyed_issue_is_found_after_a_retitle_and_not_recreated(
    sandbox: Any, github: GitHubClient
) -> None:
    op = CreateIssue(repo=REPO, title="Agenda", body="b", key="agenda-x")
    Executor(github).apply(Plan.of([op]))
    [issue] = issues(sandbox)
    github.rest(
        "PATCH",
        f"/repos/{REPO}/issues/{issue.number}",
        json={"title": "Renamed by a person", "state": "closed"},
    )
    outcomes = Executor(github).apply(Plan.of([op]))
    assert len(issues(sandbox)) == 1
    assert outcomes[0].status == "applied"  # the title is put back, the issue stays closed
    assert sandbox.state.issue(REPO, issue.number).state == "closed"


def test_known_state_saves_reads(sandbox: Any, github: GitHubClient) -> None:
    number = sandbox.state.add_issue(REPO, title="x", body="y", author="ada")
    executor = Executor(github)
    executor.know_issue(REPO, IssueState(number, labels=[], comments={}))
    executor.know_labels(REPO, [])
    sandbox.reset_stats()
    executor.apply(
        Plan.of(
            [
                AddLabels(repo=REPO, issue=number, labels=["needs-info"]),
                Comment(repo=REPO, issue=number, body="Please add X", key="missing"),
            ]
        )
    )
    # two writes, and one read after the new comment (another run may have posted it too)
    assert sandbox.stats()["total"] == 3


def test_close_and_reopen_only_when_needed(sandbox: Any, github: GitHubClient) -> None:
    number = sandbox.state.add_issue(REPO, title="x", body="y", author="ada")
    first, second = apply_twice(sandbox, github, Plan.of([ReopenIssue(repo=REPO, issue=number)]))
    assert (first, second) == (0, 0)
    first, second = apply_twice(
        sandbox, github, Plan.of([CloseIssue(repo=REPO, issue=number, reason="not_planned")])
    )
    assert (first, second) == (1, 0)
    assert sandbox.state.issue(REPO, number).state_reason == "not_planned"


def test_update_issue_and_unassign(sandbox: Any, github: GitHubClient) -> None:
    st = sandbox.state
    st.set_permission(REPO, "ada", "write")
    number = st.add_issue(REPO, title="old", body="y", author="ada", assignees=["ada"])
    plan = Plan.of(
        [
            UpdateIssue(repo=REPO, issue=number, title="new"),
            Unassign(repo=REPO, issue=number, assignees=["ada"]),
        ]
    )
    first, second = apply_twice(sandbox, github, plan)
    assert (first, second) == (2, 0)
    assert st.issue(REPO, number).title == "new"


@pytest.mark.parametrize("name", ["group: open source (SIG)", "a/b", "🐛 bug", "100% done"])
def test_awkward_label_names_round_trip(sandbox: Any, github: GitHubClient, name: str) -> None:
    number = sandbox.state.add_issue(REPO, title="x", body="y", author="ada")
    plan = Plan.of(
        [
            CreateLabel(repo=REPO, name=name),
            AddLabels(repo=REPO, issue=number, labels=[name]),
        ]
    )
    _first, second = apply_twice(sandbox, github, plan)
    assert second == 0
    Executor(github).apply(Plan.of([RemoveLabels(repo=REPO, issue=number, labels=[name])]))
    assert sandbox.state.issue(REPO, number).labels == []


def test_blob_sha_matches_git() -> None:
    # `printf 'hello\n' | git hash-object --stdin`
    assert git_blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
