"""Reading roles, levels and skills from prose: the cases file, findings with evidence and
confidence, what the text says is missing, and arbitrary text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ddat_support import DDAT_FIXTURES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from ghcommunity.cli import main as cli_main

CASES = yaml.safe_load((DDAT_FIXTURES / "prose-cases.yml").read_text(encoding="utf-8"))["cases"]


def shown(result):  # type: ignore[no-untyped-def]
    """What the bot shows: labelled, or proposed in its comment."""
    return (
        result.role or result.proposed.role,
        result.level or result.proposed.level,
        set(result.skills) | set(result.proposed.skills),
    )


def test_the_cases_are_many_and_varied() -> None:
    assert len(CASES) >= 60
    assert sum(c.get("about") is False for c in CASES) >= 10
    assert {c["set"] for c in CASES} == {"tune", "held"}
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if c["id"].startswith("issue-")], ids=str)
def test_the_ten_sentences_of_issue_15(kit, case) -> None:  # type: ignore[no-untyped-def]
    result = kit.classify(case["text"], case.get("title"))
    assert result.about_framework
    role, level, skills = shown(result)
    assert role == case["role"]
    assert level == case["level"]
    assert skills == set(case["skills"])


@pytest.mark.parametrize("case", [c for c in CASES if c.get("about") is False], ids=str)
def test_text_not_about_the_framework_gets_nothing(kit, case) -> None:  # type: ignore[no-untyped-def]
    result = kit.classify(case["text"], case.get("title") or "A question")
    assert not result.about_framework
    assert result.labels == []


@pytest.mark.parametrize(
    ("text", "role", "level", "skills"),
    [
        # worded in ways the cases file does not (written after tuning)
        (
            "Jr devs in our department are graded on prototyping in the framework",
            "Software developer",
            "Junior developer",
            {"Prototyping"},
        ),
        (
            "The head of test role profile barely mentions test strategy",
            "Test manager",
            "Head of test",
            {"Test and quality planning"},
        ),
        (
            "Senior FE devs: web performance optimisation is expected at expert level, too high",
            "Frontend developer",
            "Senior frontend developer",
            {"Web performance optimisation"},
        ),
    ],
)
def test_unseen_wordings(kit, text, role, level, skills) -> None:  # type: ignore[no-untyped-def]
    assert shown(kit.classify(text)) == (role, level, skills)


def test_findings_carry_confidence_and_the_words_they_came_from(kit) -> None:  # type: ignore[no-untyped-def]
    result = kit.classify("As a lead dev I think the architecture skill level is too low")
    found = {(f.kind, f.name): f for f in result.findings}
    level = found[("level", "Lead developer")]
    assert level.evidence == "lead dev"
    assert level.confident
    assert found[("skill", "Systems design")].evidence == "architecture"
    assert "ddat-level: Lead developer" in result.labels
    # a misspelling is read, but only proposed
    unsure = kit.classify("Sofware developers need a skill for data engineering in the framework.")
    assert unsure.role is None
    assert unsure.proposed.role == "Software developer"
    assert unsure.proposed_skills == ["data engineering"]


def test_what_the_text_says_is_missing_is_kept_in_its_words(kit) -> None:  # type: ignore[no-untyped-def]
    result = kit.classify(
        "The DevOps engineer role should include platform engineering and SRE skills"
    )
    assert result.proposed_skills == ["platform engineering", "SRE"]
    # a framework skill is not proposed again
    placed = kit.classify("The test manager role says nothing about test analysis at all.")
    assert placed.skills == ["Test analysis"]
    assert placed.proposed_skills == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_read_without_error(kit, text) -> None:  # type: ignore[no-untyped-def]
    result = kit.classify(text, text[:40])
    for finding in result.findings:
        assert 0 < finding.confidence <= 1
    assert all(len(label) <= 50 for label in result.labels)


def _classify(capsys, body: Path, title: str) -> tuple[int, dict[str, object]]:  # type: ignore[no-untyped-def]
    config = str(ROOT / "config" / "community.yml")
    argv = ["ddat", "classify", "--config", config, "--title", title, "--body", str(body)]
    try:
        cli_main([*argv, "--json"])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(capsys.readouterr().out)


def test_classify_command_on_free_text(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    body = tmp_path / "body.md"
    body.write_text(
        "Our apprentice developers get assessed on information security at "
        "practitioner level which is too high\n",
        encoding="utf-8",
    )
    code, data = _classify(capsys, body, "Infosec")
    assert code == 0
    assert (data["role"], data["level"], data["skills"]) == (
        "Software developer",
        "Apprentice developer",
        ["Information security"],
    )
    assert {f["evidence"] for f in data["findings"]} >= {"apprentice developers"}  # type: ignore[attr-defined]
    body.write_text("Could the Lean Coffee start at 10:30?\n", encoding="utf-8")
    code, data = _classify(capsys, body, "Time")
    assert code == 0
    assert (data["role"], data["level"], data["skills"], data["labels"]) == (None, None, [], [])
    assert data["about_framework"] is False


@pytest.mark.parametrize(
    ("text", "role", "labelled_role", "level"),
    [
        # "mid-level" names the plain level of the role ("DevOps engineer", "Developer"); it is
        # how people say it, not the framework's name, so the level is proposed, never labelled.
        (
            "mid-level devops folks need clearer progression in the framework",
            "Development operations (DevOps) engineer",
            True,
            "DevOps engineer",
        ),
        (
            "The framework expects too much of mid level developers",
            "Software developer",
            False,
            "Developer",
        ),
        (
            "Test engineers at mid level should not need coding in the framework",
            "Test engineer",
            True,
            "Test engineer",
        ),
    ],
)
def test_mid_level_is_proposed_as_the_plain_level(  # type: ignore[no-untyped-def]
    kit, text, role, labelled_role, level
) -> None:
    result = kit.classify(text, "DDaT feedback")
    assert (result.role or result.proposed.role) == role
    assert (result.role == role) is labelled_role
    assert result.level is None
    assert result.proposed.level == level
