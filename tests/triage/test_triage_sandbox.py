"""Triage and slash commands end to end against the sandbox: what ends up on GitHub, what it
costs in requests, and that a rerun writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from triage_helpers import (
    REPO,
    arrange,
    context,
    form_body,
    sandbox_comment_event,
    sandbox_issue_event,
)

from ghcommunity.config import parse_config
from ghcommunity.core.plan import marker_key
from ghcommunity.jobs.runner import dispatch

LEAN_TEAM = "@uk-x-gov-software-community/lean-coffee-facilitators"
AGENDA = form_body("agenda-item.yml", group=["Lean Coffee"], item="Testing in government")


@pytest.fixture
def state(sandbox: Any) -> Any:
    arrange(sandbox.state)
    return sandbox.state


def labels(github: Any, number: int) -> set[str]:
    issue = github.rest("GET", f"/repos/{REPO}/issues/{number}")
    return {label["name"] for label in issue["labels"]}


def bot_comments(github: Any, number: int) -> list[dict[str, Any]]:
    comments = github.rest("GET", f"/repos/{REPO}/issues/{number}/comments")
    return [c for c in comments if c["user"]["login"] == "ghcommunity[bot]"]


def run(sandbox: Any, github: Any, event: Any, config: Any = None) -> dict[str, Any]:
    sandbox.reset_stats()
    result = dispatch(event, context(github, config))
    stats: dict[str, Any] = sandbox.stats()
    stats["result"] = result
    return stats


def test_typical_form_issue_costs_four_requests_and_a_rerun_writes_nothing(
    sandbox: Any, state: Any, github: Any
) -> None:
    number = state.add_issue(
        REPO, title="Agenda: testing", body=AGENDA, author="ada", labels=["type: agenda item"]
    )
    event = sandbox_issue_event(github, "opened", number)
    first = run(sandbox, github, event)
    assert first["total"] <= 4, first["by_route"]
    assert first["writes"] == 2  # the labels, the comment
    assert labels(github, number) == {
        "type: agenda item",
        "group: lean-coffee",
        "agenda: lean-coffee",
    }
    comments = bot_comments(github, number)
    assert len(comments) == 1
    assert marker_key(comments[0]["body"]) == "triage"
    assert comments[0]["body"].count(LEAN_TEAM) == 1
    assert state.issue(REPO, number).assignees == []

    again = run(sandbox, github, event)
    assert again["writes"] == 0
    assert again["total"] == 1  # the snapshot only
    assert len(bot_comments(github, number)) == 1


def test_missing_information_then_fixed_by_the_author(
    sandbox: Any, state: Any, github: Any
) -> None:
    incomplete = form_body("agenda-item.yml", group=["Lean Coffee"], item=None)
    number = state.add_issue(
        REPO, title="Agenda: ?", body=incomplete, author="ada", labels=["type: agenda item"]
    )
    first = run(sandbox, github, sandbox_issue_event(github, "opened", number))
    assert first["total"] <= 4
    assert "needs-info" in labels(github, number)
    (posted,) = bot_comments(github, number)
    assert "**Agenda item**: this question needs an answer" in posted["body"]

    # The author fills the answer in; GitHub sends issues.edited with the old body.
    issue = state.issue(REPO, number)
    state.edit_issue(issue, state.get_user("ada"), body=AGENDA)
    fixed = sandbox_issue_event(github, "edited", number, changes={"body": {"from": incomplete}})
    run(sandbox, github, fixed)
    assert labels(github, number) == {
        "type: agenda item",
        "group: lean-coffee",
        "agenda: lean-coffee",
    }
    (edited,) = bot_comments(github, number)
    assert edited["id"] == posted["id"]  # the same comment, edited in place
    assert "needs an answer" not in edited["body"]
    assert "everything we need is there now" in edited["body"]
    assert run(sandbox, github, fixed)["writes"] == 0


def test_edit_that_changes_the_group_keeps_a_label_a_person_added(
    sandbox: Any, state: Any, github: Any
) -> None:
    number = state.add_issue(
        REPO, title="Agenda: testing", body=AGENDA, author="ada", labels=["type: agenda item"]
    )
    run(sandbox, github, sandbox_issue_event(github, "opened", number))
    issue = state.issue(REPO, number)
    # A facilitator adds two labels by hand: one outside ghcommunity's namespaces, one inside.
    state.add_issue_labels(issue, state.get_user("grace"), ["accepted", "group: open-source"])
    moved = AGENDA.replace("Lean Coffee", "Sustainable Software")
    state.edit_issue(issue, state.get_user("ada"), body=moved)
    run(
        sandbox,
        github,
        sandbox_issue_event(github, "edited", number, changes={"body": {"from": AGENDA}}),
    )
    assert labels(github, number) == {
        "type: agenda item",
        "accepted",
        "group: open-source",
        "group: sustainable-software",
        "agenda: sustainable-software",
    }
    # The routing to Lean Coffee no longer applies, and Sustainable Software has no one to
    # mention: the comment had nothing else to say, so it is gone rather than stale.
    assert bot_comments(github, number) == []


def test_first_time_participant_is_welcomed_once(sandbox: Any, state: Any, github: Any) -> None:
    number = state.add_issue(REPO, title="Agenda: testing", body=AGENDA, author="newcomer")
    event = sandbox_issue_event(github, "opened", number)
    assert event.payload["issue"]["author_association"] == "FIRST_TIME_CONTRIBUTOR"
    first = run(sandbox, github, event)
    assert first["total"] <= 4
    (comment,) = bot_comments(github, number)
    assert (
        comment["body"]
        .split("\n")[1]
        .startswith("Welcome to the UK cross-government software engineering community, @newcomer")
    )
    assert run(sandbox, github, event)["writes"] == 0


def test_possible_duplicates_across_every_page_of_open_issues(
    sandbox: Any, state: Any, github: Any
) -> None:
    # The similar issue is the oldest of 150 open ones: not on the first page.
    twin = state.add_issue(REPO, title="Talk or event: Rust for government services", author="ada")
    for n in range(149):
        state.add_issue(REPO, title=f"Talk or event: topic number {n}", author="ada")
    body = form_body("propose-a-talk-or-event.yml", format=["Talk"], summary="Rust")
    number = state.add_issue(
        REPO, title="Talk or event: Rust in government services", body=body, author="ada"
    )
    run(sandbox, github, sandbox_issue_event(github, "opened", number))
    (comment,) = bot_comments(github, number)
    assert f"#{twin} Talk or event: Rust for government services" in comment["body"]
    assert "possible-duplicate" in labels(github, number)


def test_the_bots_own_events_are_ignored(sandbox: Any, state: Any, github: Any) -> None:
    number = state.add_issue(REPO, title="Agenda", body=AGENDA, author="ada")
    event = sandbox_issue_event(github, "opened", number, sender="ghcommunity[bot]")
    stats = run(sandbox, github, event)
    assert stats["total"] == 0
    assert stats["result"].ignored


def test_backlog_project(sandbox: Any, state: Any, github: Any) -> None:
    state.add_project("uk-x-gov-software-community", 3, "Backlog")
    from triage_helpers import CONFIG_PATH

    config = parse_config(
        CONFIG_PATH.read_text().replace(
            "  mention_leads: true\n",
            "  mention_leads: true\n  project: {owner: uk-x-gov-software-community, number: 3}\n",
        ),
        "c.yml",
    )
    number = state.add_issue(REPO, title="Agenda", body=AGENDA, author="ada")
    event = sandbox_issue_event(github, "opened", number)
    run(sandbox, github, event, config)
    project = state.project("uk-x-gov-software-community", 3)
    assert [item.content.number for item in project.items] == [number]
    assert run(sandbox, github, event, config)["writes"] == 0


# -- slash commands ----------------------------------------------------------------------------


def test_accepted_command_labels_and_reacts_and_a_rerun_writes_nothing(
    sandbox: Any, state: Any, github: Any
) -> None:
    number = state.add_issue(REPO, title="Coffee?", body="free text", author="ada")
    comment_id = state.add_comment(REPO, number, "Thanks!\n/sig lean-coffee", author="grace")
    event = sandbox_comment_event(github, "created", number, comment_id)
    first = run(sandbox, github, event)
    assert "GET /repos/{owner}/{repo}/collaborators/{username}/permission" in first["by_route"]
    assert "group: lean-coffee" in labels(github, number)
    reactions = github.rest("GET", f"/repos/{REPO}/issues/comments/{comment_id}/reactions")
    assert [(r["content"], r["user"]["login"]) for r in reactions] == [
        ("eyes", "ghcommunity[bot]"),
        ("+1", "ghcommunity[bot]"),
    ]
    (triage,) = bot_comments(github, number)
    assert LEAN_TEAM in triage["body"]
    assert run(sandbox, github, event)["writes"] == 0


def test_refused_command_gets_a_reply_and_changes_nothing(
    sandbox: Any, state: Any, github: Any
) -> None:
    number = state.add_issue(REPO, title="Coffee?", body="free text", author="ada")
    comment_id = state.add_comment(REPO, number, "/close", author="mallory")
    event = sandbox_comment_event(github, "created", number, comment_id)
    run(sandbox, github, event)
    assert state.issue(REPO, number).state == "open"
    (reply,) = bot_comments(github, number)
    assert (
        "`/close` was not run: it is for the issue's author or people with triage access"
        in reply["body"]
    )
    assert github.rest("GET", f"/repos/{REPO}/issues/comments/{comment_id}/reactions") == []
    assert run(sandbox, github, event)["writes"] == 0


def test_author_closes_without_a_permission_lookup(sandbox: Any, state: Any, github: Any) -> None:
    number = state.add_issue(REPO, title="Done", body="free text", author="ada")
    comment_id = state.add_comment(REPO, number, "All sorted, thanks.\n/close", author="ada")
    stats = run(sandbox, github, sandbox_comment_event(github, "created", number, comment_id))
    assert not any("permission" in route for route in stats["by_route"])
    assert state.issue(REPO, number).state == "closed"


def test_team_permission_tier(sandbox: Any, state: Any, github: Any) -> None:
    state.add_team("uk-x-gov-software-community", "facilitators", ["mallory"])
    from triage_helpers import CONFIG_PATH

    config = parse_config(
        CONFIG_PATH.read_text().replace(
            "      label: triage\n", "      label: team:facilitators\n"
        ),
        "c.yml",
    )
    number = state.add_issue(REPO, title="x", body="free text", author="ada")
    comment_id = state.add_comment(REPO, number, "/label needs-info", author="mallory")
    stats = run(
        sandbox, github, sandbox_comment_event(github, "created", number, comment_id), config
    )
    assert "GET /orgs/{org}/teams/{team_slug}/memberships/{username}" in stats["by_route"]
    assert "needs-info" in labels(github, number)


def test_commands_in_code_blocks_and_edited_comments(sandbox: Any, state: Any, github: Any) -> None:
    number = state.add_issue(REPO, title="x", body="free text", author="ada")
    body = "To close an issue, write:\n\n```\n/close\n```\n\n> /close\n"
    comment_id = state.add_comment(REPO, number, body, author="grace")
    stats = run(sandbox, github, sandbox_comment_event(github, "created", number, comment_id))
    assert stats["total"] == 0  # no command: not even a read
    new_body = body + "\n/label needs-info\n"
    state.edit_comment(state.comment(REPO, comment_id), state.get_user("grace"), new_body)
    edited = sandbox_comment_event(github, "edited", number, comment_id, before=body)
    run(sandbox, github, edited)
    assert labels(github, number) == {"needs-info"}
    assert state.issue(REPO, number).state == "open"


def test_pull_request_comments_are_left_alone(sandbox: Any, state: Any, github: Any) -> None:
    number = state.add_issue(REPO, title="x", body="free text", author="ada")
    comment_id = state.add_comment(REPO, number, "/close", author="ada")
    event = sandbox_comment_event(github, "created", number, comment_id)
    event.payload["issue"]["pull_request"] = {"url": "https://example.invalid/pulls/1"}
    stats = run(sandbox, github, event)
    assert stats["total"] == 0
