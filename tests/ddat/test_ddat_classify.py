"""The classifier, and the documented outcome for each awkward body (docs/ddat.md)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ghcommunity.core.forms import render_body

GOOD = {
    "role": ["Software developer"],
    "level": ["Senior developer"],
    "skills": ["Modern development standards", "Prototyping"],
    "type": ["Missing skill"],
    "department": "HMRC",
    "details": "Platform engineering is missing.",
}


def body(kit, **changes):  # type: ignore[no-untyped-def]
    return render_body(kit.form, {**GOOD, **changes})


def kinds(result):  # type: ignore[no-untyped-def]
    return [(p.field, p.kind) for p in result.problems]


def test_a_good_submission(kit) -> None:  # type: ignore[no-untyped-def]
    result = kit.classify(body(kit))
    data = result.to_json()
    assert (data.pop("about_framework"), data.pop("source"), data.pop("findings")) == (
        True,
        "form",
        [],
    )
    assert data.pop("proposed") == {"role": None, "level": None, "skills": []}
    assert data.pop("proposed_skills") == []
    assert data == {
        "role": "Software developer",
        "level": "Senior developer",
        "skills": ["Modern development standards", "Prototyping"],
        "type": "Missing skill",
        "labels": [
            "ddat-feedback",
            "ddat-role: Software developer",
            "ddat-level: Senior developer",
            "ddat-skill: Modern development standards",
            "ddat-skill: Prototyping",
            "ddat-type: Missing skill",
        ],
        "problems": [],
    }
    assert result.department == "HMRC"


def test_outcome_unknown_skill(kit) -> None:  # type: ignore[no-untyped-def]
    # Documented: the known values are labelled; the unknown skill gets no label and is named
    # as a problem (and in the issue's one DDaT comment).
    result = kit.classify(
        body(kit, skills=["Prototyping", "Quantum computing"], type=["Inaccurate description"])
    )
    assert result.skills == ["Prototyping"]
    assert "ddat-skill: Prototyping" in result.labels
    assert not any("Quantum" in label for label in result.labels)
    (problem,) = result.problems
    assert (problem.field, problem.kind, problem.value) == (
        "skills",
        "unknown",
        "Quantum computing",
    )
    assert result.to_comment == [problem]


def test_outcome_misspelt_role(kit) -> None:  # type: ignore[no-untyped-def]
    # Documented: a small typo is read as the framework's name, labelled, and the author is
    # told how it was read; a word too far from any name is unknown and not labelled.
    result = kit.classify(body(kit, role=["Sofware developer"]))
    assert result.role == "Software developer"
    assert "ddat-role: Software developer" in result.labels
    assert kinds(result) == [("role", "interpreted")]
    assert result.to_comment[0].candidates == ["Software developer"]

    far = kit.classify(body(kit, role=["Sftwre dvlpr"]))
    assert far.role is None
    assert not any(label.startswith("ddat-role:") for label in far.labels)
    assert kinds(far) == [("role", "unknown")]
    assert far.problems[0].candidates[0] == "Software developer"


def test_outcome_empty_form(kit) -> None:  # type: ignore[no-untyped-def]
    # Documented: only the feedback label; each required answer reported missing.
    result = kit.classify(render_body(kit.form, {}))
    assert result.from_form
    assert result.to_json()["labels"] == ["ddat-feedback"]
    assert (result.role, result.level, result.skills, result.type) == (None, None, [], None)
    assert kinds(result) == [("role", "missing"), ("type", "missing"), ("details", "missing")]
    assert result.to_comment == []  # missing answers are triage's needs-info comment


def test_outcome_pre_2024_skill_name(kit) -> None:  # type: ignore[no-untyped-def]
    # Documented: the old name is accepted as the current skill; no comment, an info note.
    result = kit.classify(body(kit, skills=["Modern standards approach"]))
    assert result.skills == ["Modern development standards"]
    assert "ddat-skill: Modern development standards" in result.labels
    assert kinds(result) == [("skills", "alias")]
    assert result.problems[0].severity == "info"
    assert result.to_comment == []


def test_outcome_free_text_about_the_framework(kit) -> None:  # type: ignore[no-untyped-def]
    # Documented: the feedback label and needs-triage; the invitation comment (handler).
    result = kit.classify(
        "The DDaT framework has nothing about platform engineering.", "Platform engineering"
    )
    assert result.source == "text"
    assert result.about_framework
    assert result.labels == ["ddat-feedback", "needs-triage"]
    # what it says is missing is kept, in its words, as a proposed skill
    assert kinds(result) == [(None, "not_a_form"), ("skills", "proposed_skill")]
    assert result.proposed_skills == ["platform engineering"]
    assert result.to_json()["role"] is None


def test_free_text_not_about_the_framework(kit) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "We are hiring a frontend developer and a senior developer with React skills.",
        "Our test manager wants user focus and prototyping sessions.",
        "Accessibility audit of the website",
        # DDaT is also the profession's name: its all-staff call is not framework feedback
        "The November lean coffee is on the same morning as the DDaT all-staff call.",
        "```\nDDaT framework in a code block\n```\nand `ddat` inline",
    ):
        result = kit.classify(text, "A question")
        assert not result.about_framework, text
        assert result.labels == []
        assert kinds(result) == [(None, "not_a_form")]


def test_mentions_of_the_framework(kit) -> None:  # type: ignore[no-untyped-def]
    cases = {
        "What does the DDAT framework say?": "ddat framework",
        "Are DDaT role levels the same everywhere?": "ddat role levels",
        "Which DDaT\nskills matter for this?": "ddat skills",
        "The DDaT team says the proficiency bar is too high": "DDaT",
        "the Government Digital and Data Profession Capability Framework": "capability framework",
        "Modern development standards should include trunk-based development": (
            "Modern development standards"
        ),
        "the Senior developer role level is too vague": "Senior developer",
        "the Principal developer - management level": "Principal developer - management",
    }
    for text, expected in cases.items():
        assert expected in kit.mentions(text), text


def test_role_level_skill_lines_in_a_free_text_issue(kit) -> None:  # type: ignore[no-untyped-def]
    result = kit.classify(
        "About the framework.\n\nRole: senior dev\nSkills: modern standards; Managing, "
        "reporting and resolving defects\nFeedback type: emerging need\n",
        "Feedback",
    )
    assert result.source == "lines"
    assert result.role == "Software developer"  # the level names its role
    assert result.level == "Senior developer"
    assert result.skills == [
        "Modern development standards",
        "Managing, reporting and resolving defects",
    ]
    assert result.type == "Emerging need"
    assert "needs-triage" in result.labels  # a person still looks at non-form feedback


def test_level_of_another_role_is_a_mismatch(kit) -> None:  # type: ignore[no-untyped-def]
    result = kit.classify(body(kit, level=["Senior test engineer"]))
    assert result.level == "Senior test engineer"
    assert ("level", "mismatch") in kinds(result)


def test_several_roles_in_an_edited_body(kit) -> None:  # type: ignore[no-untyped-def]
    text = body(kit).replace("\nSoftware developer\n", "\nSoftware developer, Test engineer\n")
    result = kit.classify(text)
    assert result.role == "Software developer"
    assert ("role", "invalid") in kinds(result)


def test_crlf_and_null_bodies(kit) -> None:  # type: ignore[no-untyped-def]
    assert kit.classify(body(kit).replace("\n", "\r\n")).role == "Software developer"
    assert kit.classify(None).labels == []


@settings(max_examples=150, deadline=None)
@given(st.text(), st.one_of(st.none(), st.text(max_size=50)))
def test_any_body_gives_a_result_never_an_exception(kit, text, title) -> None:  # type: ignore[no-untyped-def]
    result = kit.classify(text, title)
    assert isinstance(result.to_json()["labels"], list)
    assert all(len(label) <= 50 for label in result.labels)
