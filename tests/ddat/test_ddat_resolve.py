"""From what people write to framework names: exact, alias, careful guesses, or ask."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ghcommunity.jobs.ddat.resolve import Resolver


@pytest.fixture(scope="module")
def resolver(taxonomy):  # type: ignore[no-untyped-def]
    return Resolver(taxonomy)


@pytest.mark.parametrize(
    ("kind", "text", "value", "how"),
    [
        # exact, ignoring case, spaces and the kind of dash
        ("role", "Software developer", "Software developer", "exact"),
        ("role", "  software   DEVELOPER ", "Software developer", "exact"),
        ("level", "Senior developer – management", "Senior developer - management", "exact"),
        ("level", "senior developer (management)", "Senior developer - management", "exact"),
        (
            "skill",
            "Managing, reporting and resolving defects",
            "Managing, reporting and resolving defects",
            "exact",
        ),
        ("type", "missing skill", "Missing skill", "exact"),
        ("level", "All levels", "All levels", "exact"),
        # aliases, including the pre-2024 skill name
        ("skill", "Modern standards approach", "Modern development standards", "alias"),
        ("role", "Software engineer", "Software developer", "alias"),
        ("role", "DevOps engineer", "Development operations (DevOps) engineer", "alias"),
        # free text, unambiguous
        ("role", "devops", "Development operations (DevOps) engineer", "interpreted"),
        ("level", "senior dev", "Senior developer", "interpreted"),
        ("level", "Snr Dev", "Senior developer", "interpreted"),
        ("level", "lead dev mgmt", "Lead developer - management", "interpreted"),
        ("level", "junior devops", "Junior DevOps engineer", "interpreted"),
        ("role", "front-end dev", "Frontend developer", "interpreted"),
        ("skill", "User focus (frontend dev)", "User focus (frontend developer)", "interpreted"),
        # small typos
        ("role", "Sofware developer", "Software developer", "interpreted"),
        ("skill", "Protoyping", "Prototyping", "interpreted"),
        ("skill", "Usre focus", "User focus", "interpreted"),  # not its frontend twin
        # nothing
        ("level", "None", None, "empty"),
        ("level", "_No response_", None, "empty"),
    ],
)
def test_resolves(resolver, kind, text, value, how) -> None:  # type: ignore[no-untyped-def]
    found = resolver.resolve(kind, text)
    assert (found.value, found.how) == (value, how)


@pytest.mark.parametrize(
    ("kind", "text", "candidates"),
    [
        ("role", "developer", {"Software developer", "Frontend developer"}),
        ("role", "tester", {"Quality assurance test analyst", "Test engineer", "Test manager"}),
        ("level", "senior", None),
    ],
)
def test_ambiguous_is_reported_not_guessed(resolver, kind, text, candidates) -> None:  # type: ignore[no-untyped-def]
    found = resolver.resolve(kind, text)
    assert found.value is None
    assert found.how == "ambiguous"
    if candidates is not None:
        assert set(found.candidates) == candidates


def test_a_general_word_is_never_applied_even_with_one_name(resolver) -> None:  # type: ignore[no-untyped-def]
    # offered as a suggestion, not reported as "ambiguous" with one candidate
    found = resolver.resolve("role", "analyst")
    assert (found.value, found.how, found.candidates) == (
        None,
        "unknown",
        ("Quality assurance test analyst",),
    )


def test_role_narrows_a_level(resolver) -> None:  # type: ignore[no-untyped-def]
    found = resolver.resolve("level", "senior", role="Software developer")
    assert found.how == "ambiguous"
    assert set(found.candidates) == {"Senior developer", "Senior developer - management"}


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("skill", "Quantum computing"),
        ("level", "Head developer"),  # not "Lead developer": first letters differ
        ("role", "Sftwre dvlpr"),  # too far from anything to guess
        ("type", "Missed skill"),
    ],
)
def test_unknown_is_reported_with_suggestions_never_applied(resolver, kind, text) -> None:  # type: ignore[no-untyped-def]
    found = resolver.resolve(kind, text)
    assert found.value is None
    assert found.how in ("unknown", "ambiguous")


def test_suggestions(resolver) -> None:  # type: ignore[no-untyped-def]
    assert resolver.resolve("role", "Sftwre dvlpr").candidates[0] == "Software developer"
    assert resolver.resolve("type", "Missed skill").candidates == ("Missing skill",)
    assert resolver.resolve("skill", "Quantum computing").candidates == ()


def test_distinct_skills_are_not_merged(resolver) -> None:  # type: ignore[no-untyped-def]
    assert resolver.resolve("skill", "User focus").value == "User focus"
    assert (
        resolver.resolve("skill", "user focus (FRONTEND developer)").value
        == "User focus (frontend developer)"
    )


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["role", "level", "skill", "type"]), st.text(max_size=80))
def test_any_text_resolves_or_is_reported(resolver, kind, text) -> None:  # type: ignore[no-untyped-def]
    found = resolver.resolve(kind, text)
    assert found.how in ("exact", "alias", "interpreted", "ambiguous", "unknown", "empty")
    assert (found.value is not None) == (found.how in ("exact", "alias", "interpreted"))


def test_one_candidate_is_a_suggestion_not_an_ambiguity(kit) -> None:  # type: ignore[no-untyped-def]
    # "Feedback type: level" used to be "ambiguous" with a single candidate.
    found = kit.resolver.resolve("type", "level")
    assert (found.how, found.value, found.candidates) == ("unknown", None, ("Level expectations",))


def test_a_paraphrase_is_suggested_never_applied(kit) -> None:  # type: ignore[no-untyped-def]
    found = kit.resolver.resolve("skill", "architecture")
    assert (found.how, found.value, found.candidates) == ("unknown", None, ("Systems design",))


def test_did_you_mean_only_for_near_misspellings(kit) -> None:  # type: ignore[no-untyped-def]
    assert kit.resolver.resolve("skill", "Data engineering").candidates == ()  # not "Test ..."
    assert kit.resolver.resolve("skill", "Observability").candidates == ()
    assert kit.resolver.resolve("skill", "Prototping methods").candidates == ()


def test_role_short_forms_are_read(kit) -> None:  # type: ignore[no-untyped-def]
    found = kit.resolver.resolve("role", "QAT analyst")
    assert (found.how, found.value) == ("interpreted", "Quality assurance test analyst")
