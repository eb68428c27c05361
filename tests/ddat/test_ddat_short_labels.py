"""Readable labels: curated short names from the taxonomy file, no hash suffixes, and a rename
of the hashed labels issues already carry."""

from __future__ import annotations

import pytest
from ddat_support import ROLE_CSV, SKILLS_CSV, checkout_context

from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import AddLabels, CreateLabel, UpdateLabel
from ghcommunity.jobs.ddat.labels import Labeller
from ghcommunity.jobs.ddat.taxonomy import (
    ROLE_COLUMNS,
    SKILL_COLUMNS,
    Source,
    generate_taxonomy,
    read_csv,
)


def test_long_names_have_curated_labels_with_the_full_name_described(taxonomy) -> None:  # type: ignore[no-untyped-def]
    labeller = Labeller(taxonomy, "ddat", "ddat-feedback")
    role = labeller.for_value("role", "Development operations (DevOps) engineer")
    assert role.name == "ddat-role: DevOps engineer"
    assert "Development operations (DevOps) engineer" in role.description
    skill = labeller.for_value("skill", "Programming and build (software engineering)")
    assert skill.name == "ddat-skill: Programming and build"
    names = [label.name for label in labeller.all()]
    assert not [n for n in names if "~" in n]  # no hash suffixes
    assert all(len(n) <= 50 for n in names)
    assert len({n.lower() for n in names}) == len(names)  # unique


def test_hashed_labels_are_previous_names_and_still_read(taxonomy) -> None:  # type: ignore[no-untyped-def]
    labeller = Labeller(taxonomy, "ddat", "ddat-feedback")
    role = labeller.for_value("role", "Development operations (DevOps) engineer")
    assert role.previously == ("ddat-role: Development ops (DevOps) engineer ~7964",)
    old = labeller.parse("ddat-role: Development ops (DevOps) engineer ~7964")
    assert old is not None
    assert old.value == "Development operations (DevOps) engineer"
    # a name that always fitted has no previous name
    assert labeller.for_value("skill", "Prototyping").previously == ()


def test_the_labels_job_renames_hashed_labels(config) -> None:  # type: ignore[no-untyped-def]
    from ghcommunity.core.providers import labels_from_jobs
    from ghcommunity.github.snapshot import RepoLabel
    from ghcommunity.jobs.labels.plan import declared_labels, plan_label_sync

    declared = declared_labels(config, labels_from_jobs(checkout_context(config), set()))
    existing = [
        RepoLabel(
            "ddat-role: Development ops (DevOps) engineer ~7964",
            "1d76db",
            "DDaT role: Development operations (DevOps) engineer",
        )
    ]
    plan, _ = plan_label_sync(
        "o/r", declared, existing, owns=lambda n: n.startswith("ddat") or n == "needs-triage"
    )
    renames = [op for op in plan.operations if isinstance(op, UpdateLabel)]
    assert [(op.name, op.new_name) for op in renames] == [
        ("ddat-role: Development ops (DevOps) engineer ~7964", "ddat-role: DevOps engineer")
    ]
    created = {op.name for op in plan.operations if isinstance(op, CreateLabel)}
    assert "ddat-role: DevOps engineer" not in created


def test_a_new_long_name_stops_generation_asking_for_a_short_name() -> None:
    roles = read_csv(ROLE_CSV, ROLE_COLUMNS)
    skills = read_csv(SKILLS_CSV, SKILL_COLUMNS)
    long_name = "Designing, building and operating continuously observable platforms"
    for row in roles:
        if row["Skill Name"].strip() == "Prototyping":
            row["Skill Name"] = long_name
    with pytest.raises(InputError) as caught:
        generate_taxonomy(roles, skills, source=Source(downloaded="2025-10"))
    message = str(caught.value)
    assert long_name in message
    assert "--short-name" in message
    assert "at most 38" in message
    # given a short name, it generates, and the label uses it
    taxonomy = generate_taxonomy(
        roles,
        skills,
        source=Source(downloaded="2025-10"),
        short_names={"skill": {long_name: "Observable platforms"}},
    )
    assert taxonomy.short_name("skill", long_name) == "Observable platforms"
    labeller = Labeller(taxonomy, "ddat", "ddat-feedback")
    assert labeller.for_value("skill", long_name).name == "ddat-skill: Observable platforms"


def test_a_short_name_that_clashes_is_refused() -> None:
    roles = read_csv(ROLE_CSV, ROLE_COLUMNS)
    skills = read_csv(SKILLS_CSV, SKILL_COLUMNS)
    with pytest.raises(InputError, match="same label"):
        generate_taxonomy(
            roles,
            skills,
            source=Source(downloaded="2025-10"),
            short_names={"skill": {"Programming and build (software engineering)": "Prototyping"}},
        )


def test_an_issue_with_a_hashed_label_keeps_it_renamed(kit, config) -> None:  # type: ignore[no-untyped-def]
    from ghcommunity.core.events import Event
    from ghcommunity.github.snapshot import IssueSnapshot, RepoLabel, SnapshotIssue
    from ghcommunity.github.state import IssueState
    from ghcommunity.jobs.ddat.plan import plan_ddat_issue

    old = "ddat-role: Development ops (DevOps) engineer ~7964"
    text = "Test engineers? No: the DevOps engineer role description needs platform engineering."
    issue = {"number": 3, "title": "DevOps", "body": text, "author": "ada", "labels": [old]}
    snapshot = IssueSnapshot(
        "o/r",
        3,
        SnapshotIssue(3, "DevOps", text, author="ada", labels=(old,)),
        IssueState(3, labels=[old, "ddat-feedback"], comments={}),
        repo_labels=[RepoLabel(old), RepoLabel("ddat-feedback")],
    )
    payload = {"action": "edited", "issue": issue, "repository": {"full_name": "o/r"}}
    plan = plan_ddat_issue(Event("issues", payload), snapshot, config, kit)
    renames = [op for op in plan.operations if isinstance(op, UpdateLabel)]
    assert [(op.name, op.new_name) for op in renames] == [(old, "ddat-role: DevOps engineer")]
    added = [n for op in plan.operations if isinstance(op, AddLabels) for n in op.labels]
    assert "ddat-role: DevOps engineer" not in added  # the rename puts it on the issue


def test_the_digest_shows_the_frameworks_name_for_a_short_label(config) -> None:  # type: ignore[no-untyped-def]
    from ghcommunity.core.providers import role_label_names
    from ghcommunity.jobs.digest.metrics import DigestSettings, role_from_labels

    names = DigestSettings.from_config(
        config, role_label_names(checkout_context(config))
    ).ddat_role_names
    for label in (
        "ddat-role: DevOps engineer",
        "ddat-role: Development ops (DevOps) engineer ~7964",  # before short names
    ):
        assert role_from_labels([label], "ddat", names) == (
            "Development operations (DevOps) engineer"
        )
    assert role_from_labels(["ddat-role: Software developer"], "ddat", names) == (
        "Software developer"
    )
