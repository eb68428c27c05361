"""stefanbuck/github-issue-parser's fixtures, read with ghcommunity's parser.

That project's `expected.json` uses its own format: it leaves out fields that got no answer and
makes up ids from the body's headings when the form and body disagree. ghcommunity always gives
every field of the form (None for an empty text answer, [] for an empty dropdown or checkboxes),
and refuses to guess when a body did not come from the form ("not_a_form"). Each expectation is
mapped onto that format here, and the one deliberate difference is asserted explicitly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ghcommunity.core.forms import IssueForm, load_form, parse_body

FIXTURES = (
    Path(__file__).parents[1] / "fixtures/issue-forms/stefanbuck-github-issue-parser/fixtures"
)
NAMES = sorted(p.name for p in FIXTURES.iterdir())


def _case(name: str) -> tuple[IssueForm, str | None, dict[str, object]]:
    folder = FIXTURES / name
    body_path = folder / "issue-body.md"
    body = body_path.read_text(encoding="utf-8") if body_path.exists() else None
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return load_form(folder / "form.yml"), body, expected


def ours(expected: dict[str, object], form: IssueForm) -> dict[str, object]:
    """Their expectation in our format: every field present, empty answers as None or []."""
    return {f.id: expected.get(f.id, f.empty()) for f in form.answerable}


def test_every_fixture_is_covered() -> None:
    assert NAMES == [
        "blank",
        "full-example",
        "mismatched-parsing",
        "multiple-paragraphs",
        "paragraph-confusing-h4",
        "paragraph-ignore-fence",
        "paragraph-ignore-fence-sh",
        "readme-example",
    ]


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("mismatched-parsing", "blank")])
def test_fixture_values_match(name: str) -> None:
    form, body, expected = _case(name)
    parsed = parse_body(body, form)
    assert parsed.from_form
    assert parsed.values == ours(expected, form)
    assert parsed.errors == []


def test_full_example_checkbox_without_id_gets_an_id_from_its_label() -> None:
    form, _, _ = _case("full-example")
    item = form.field("checkbox_without_an_id")
    assert item is not None
    assert not item.has_id
    assert item.options == ("IDs are great", "IDs are bad")


def test_fields_the_body_leaves_out_are_reported_as_info_not_errors() -> None:
    form, body, _ = _case("paragraph-confusing-h4")
    parsed = parse_body(body, form)
    assert [(p.field, p.kind, p.severity) for p in parsed.problems] == [
        ("textarea-two", "missing_field", "info")
    ]


def test_blank_has_no_body_and_is_reported() -> None:
    # Theirs: {} (nothing extracted). Ours: every field empty, and the reason said out loud.
    form, body, expected = _case("blank")
    assert body is None
    parsed = parse_body(body, form)
    assert expected == {}
    assert parsed.values == ours(expected, form)
    assert [p.kind for p in parsed.problems] == ["not_a_form"]
    assert not parsed.from_form


def test_mismatched_body_is_not_a_form_rather_than_a_guess() -> None:
    # Theirs invents ids from the body's headings ("your_contact_details", ...). A body that does
    # not answer the form's questions did not come from the form; we say so and guess nothing.
    form, body, expected = _case("mismatched-parsing")
    parsed = parse_body(body, form)
    assert "your_contact_details" in expected
    assert not parsed.from_form
    assert parsed.values == {"favorite_dish": None, "favorite_color": []}
    assert [p.kind for p in parsed.problems] == ["not_a_form"]
