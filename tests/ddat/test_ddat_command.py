"""`/ddat role=... level=... skill=... type=...`: parsing and the pure planner."""

from __future__ import annotations

import pytest
from ddat_support import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from ghcommunity.core.commands import COMMANDS
from ghcommunity.core.plan import AddLabels, CreateLabel, RemoveLabels
from ghcommunity.github.snapshot import IssueSnapshot, RepoLabel, SnapshotIssue
from ghcommunity.github.state import IssueState
from ghcommunity.jobs.ddat.plan import DdatCommandError, parse_command_args, plan_ddat_command


def snapshot(labels: list[str], repo_labels: list[str] | None = None) -> IssueSnapshot:
    issue = {"number": 3, "title": "t", "body": "b", "author": "ada", "labels": tuple(labels)}
    state = IssueState(number=3, labels=list(labels), comments={})
    known = [RepoLabel(n) for n in (repo_labels if repo_labels is not None else labels)]
    return IssueSnapshot(REPO, 3, SnapshotIssue(**issue), state, known)


def changes(plan):  # type: ignore[no-untyped-def]
    added = [n for op in plan.operations if isinstance(op, AddLabels) for n in op.labels]
    removed = [n for op in plan.operations if isinstance(op, RemoveLabels) for n in op.labels]
    return added, removed


def test_parse_arguments() -> None:
    args = parse_command_args(
        'role=Software developer level="Senior developer" skill=Prototyping '
        "skills=Managing, reporting and resolving defects; User focus type=Missing skill"
    )
    assert args.values == {
        "role": ["Software developer"],
        "level": ["Senior developer"],
        "skill": ["Prototyping", "Managing, reporting and resolving defects", "User focus"],
        "type": ["Missing skill"],
    }
    assert parse_command_args("colour=red role=x").unknown_keys == ["colour"]


def test_sets_role_level_skills_and_type_replacing_labels_of_the_same_kind(kit, config) -> None:  # type: ignore[no-untyped-def]
    on_issue = [
        "ddat-feedback",
        "needs-triage",
        "ddat-role: Frontend developer",
        "ddat-level: Frontend developer",
        "ddat-skill: Accessibility",
        "help wanted",
    ]
    plan = plan_ddat_command(
        "role=Software developer level=senior dev skill=Prototyping; modern standards approach",
        snapshot(on_issue),
        config,
        kit,
    )
    added, removed = changes(plan)
    assert added == [
        "ddat-role: Software developer",
        "ddat-level: Senior developer",
        "ddat-skill: Prototyping",
        "ddat-skill: Modern development standards",
    ]
    assert removed == [
        "ddat-role: Frontend developer",
        "ddat-level: Frontend developer",
        "ddat-skill: Accessibility",
        "needs-triage",  # someone with triage access has looked at it
    ]
    # only labels the repo lacks are created
    assert {op.name for op in plan.operations if isinstance(op, CreateLabel)} == set(added)


def test_a_level_sets_its_role_when_there_is_none(kit, config) -> None:  # type: ignore[no-untyped-def]
    plan = plan_ddat_command("level=Lead DevOps engineer", snapshot([]), config, kit)
    added, _ = changes(plan)
    assert added == [
        "ddat-feedback",
        "ddat-level: Lead DevOps engineer",
        "ddat-role: DevOps engineer",
    ]


def test_clear_a_kind(kit, config) -> None:  # type: ignore[no-untyped-def]
    plan = plan_ddat_command(
        "level=none", snapshot(["ddat-feedback", "ddat-level: Developer"]), config, kit
    )
    assert changes(plan) == ([], ["ddat-level: Developer"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("skill=Quantum computing", "`Quantum computing` is not a name the framework uses"),
        ("role=developer", "could be any of"),
        ("role=@everyone", "`@everyone` is not a name"),  # quoted: no mention
        ("role=Software developer level=Senior test engineer", "is a level of 'Test engineer'"),
        ("colour=red", "`colour=` is not something /ddat sets"),
        ("", "say what to set"),
    ],
)
def test_all_or_nothing_with_a_reason(kit, config, args, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DdatCommandError, match=message):
        plan_ddat_command(args, snapshot([]), config, kit)


def test_registered_as_a_slash_command_for_triagers() -> None:
    command = COMMANDS["ddat"]
    assert command.permission == "triage"
    assert command.usage.startswith("/ddat role=")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120))
def test_any_arguments_give_a_plan_or_a_reason(kit, config, text) -> None:  # type: ignore[no-untyped-def]
    message = ""
    try:
        plan = plan_ddat_command(text, snapshot(["ddat-feedback"]), config, kit)
    except DdatCommandError as exc:
        message = str(exc)
        plan = None
    assert message or plan is not None  # a reason, or a plan: never another exception
    for op in plan.operations if plan else []:
        if isinstance(op, AddLabels):
            assert all(len(name) <= 50 for name in op.labels)
