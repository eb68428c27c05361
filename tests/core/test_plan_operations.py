"""Plans are data: typed operations, printable as text and JSON, merged without losing intent."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from ghcommunity.core.plan import (
    AddLabels,
    Comment,
    CommitFiles,
    CreateLabel,
    FileChange,
    OpenPullRequest,
    Plan,
    PutFile,
    RemoveLabels,
    UpdateLabel,
    marker,
    marker_key,
)

REPO = "uk-x-gov-software-community/community-space"


def test_json_shape_is_the_documented_one() -> None:
    plan = Plan.of(
        [
            AddLabels(repo=REPO, issue=12, labels=["group: lean-coffee"]),
            Comment(repo=REPO, issue=12, body="Thanks!", key="welcome"),
            PutFile(repo=REPO, path="lean-coffees/2026-11-26.md", content="# x", message="m"),
        ]
    )
    data = json.loads(plan.to_json())
    assert data["operations"][0] == {
        "op": "add_labels",
        "repo": REPO,
        "issue": 12,
        "labels": ["group: lean-coffee"],
    }
    assert data["operations"][1]["op"] == "comment"
    assert data["operations"][1]["body"] == "Thanks!"
    assert data["operations"][2]["path"] == "lean-coffees/2026-11-26.md"
    assert all({"op", "repo"} <= op.keys() for op in data["operations"])


def test_round_trip_through_json() -> None:
    plan = Plan.of(
        [
            CreateLabel(repo=REPO, name="needs-info", color="d93f0b"),
            CommitFiles(
                repo=REPO,
                branch="b",
                message="m",
                files=[FileChange(path="a.md", content="A")],
            ),
            OpenPullRequest(repo=REPO, head="b", title="t"),
        ]
    ).note("why")
    again = Plan.from_dict(json.loads(plan.to_json()))
    assert again == plan


def test_unknown_fields_and_ops_are_rejected() -> None:
    with pytest.raises(ValidationError):
        AddLabels(repo=REPO, issue=1, labels=["x"], colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Plan.from_dict({"operations": [{"op": "delete_repo", "repo": REPO}]})


def test_text_is_readable() -> None:
    plan = Plan.of([AddLabels(repo=REPO, issue=3, labels=["a b"])])
    assert plan.to_text() == f"1. [{REPO}] label #3: 'a b'"
    assert Plan().to_text() == "nothing to do"


def test_markers_are_recognised_only_at_the_start() -> None:
    body = f"{marker('missing-info')}\nPlease add your department."
    assert marker_key(body) == "missing-info"
    assert marker_key("\r\n  " + body) == "missing-info"
    assert marker_key(f"> {marker('missing-info')}\n> quoted by a person") is None
    assert marker_key("no marker") is None
    assert marker_key(None) is None
    assert marker_key("<!-- ghcommunity:unterminated") is None


def test_coalesce_merges_label_operations_per_issue() -> None:
    plan = Plan.of(
        [
            AddLabels(repo=REPO, issue=1, labels=["a"]),
            Comment(repo=REPO, issue=1, body="one", key="k"),
            AddLabels(repo=REPO, issue=1, labels=["b", "A"]),
            RemoveLabels(repo=REPO, issue=1, labels=["old"]),
            AddLabels(repo=REPO, issue=2, labels=["c"]),
            Comment(repo=REPO, issue=1, body="two", key="k"),
        ]
    ).coalesced()
    ops = plan.operations
    assert ops[0] == RemoveLabels(repo=REPO, issue=1, labels=["old"])
    assert ops[1] == AddLabels(repo=REPO, issue=1, labels=["A", "b"]) or ops[1] == AddLabels(
        repo=REPO, issue=1, labels=["b", "A"]
    )
    assert ops[2] == Comment(repo=REPO, issue=1, body="two", key="k")  # the last one wins
    assert ops[3] == AddLabels(repo=REPO, issue=2, labels=["c"])
    assert len(ops) == 4


def test_coalesce_later_intent_wins() -> None:
    plan = Plan.of(
        [
            AddLabels(repo=REPO, issue=1, labels=["x"]),
            RemoveLabels(repo=REPO, issue=1, labels=["x"]),
        ]
    ).coalesced()
    assert plan.operations == [RemoveLabels(repo=REPO, issue=1, labels=["x"])]


def test_coalesce_creates_and_renames_labels_before_any_labelling() -> None:
    """Triage labels first; DDaT creates its label, then adds it. Merged into triage's step, the
    add would run before the create: GitHub would make the label itself, grey and undescribed."""
    triage = Plan().add(AddLabels(repo=REPO, issue=5, labels=["needs-triage"]))
    ddat = Plan().add(
        UpdateLabel(repo=REPO, name="ddat-role: Long old name ~7964", new_name="ddat-role: DevOps"),
        CreateLabel(repo=REPO, name="ddat-skill: User focus", color="0e8a16", description="d"),
        AddLabels(repo=REPO, issue=5, labels=["ddat-skill: User focus"]),
    )
    other = Plan().add(CreateLabel(repo="o/other", name="x"))
    ops = triage.extend(ddat).extend(other).coalesced().operations
    assert [type(op).__name__ for op in ops] == [
        "UpdateLabel",
        "CreateLabel",
        "AddLabels",
        "CreateLabel",
    ]
    assert ops[2].labels == ["needs-triage", "ddat-skill: User focus"]  # type: ignore[union-attr]
    assert ops[3].repo == "o/other"
