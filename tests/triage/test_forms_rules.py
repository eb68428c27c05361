"""One case per rule of the form parser (issue 4 §2)."""

from __future__ import annotations

import pytest

from ghcommunity.core.forms import (
    FormError,
    detect_form,
    parse_body,
    parse_form,
    render_body,
    split_choices,
)

FORM = parse_form(
    """
name: Test form
description: Every kind of field
labels: ["type: test"]
body:
  - type: markdown
    attributes:
      value: Thanks for filling this in.
  - type: input
    id: name
    attributes:
      label: Name of the thing
    validations:
      required: true
  - type: textarea
    id: details
    attributes:
      label: Details
  - type: dropdown
    id: groups
    attributes:
      label: Which groups?
      multiple: true
      options:
        - Lean Coffee
        - Cats, dogs and other pets
        - Open Source
  - type: dropdown
    id: level
    attributes:
      label: Level
      options: [Developer, Senior developer]
    validations:
      required: true
  - type: checkboxes
    id: agree
    attributes:
      label: Code of conduct
      options:
        - label: I agree to follow the code of conduct
          required: true
        - label: Send me updates
  - type: textarea
    id: logs
    attributes:
      label: Logs
      render: shell
""",
    "test-form.yml",
)

GOOD = {
    "name": "A thing",
    "details": "Some details\n\nover two paragraphs",
    "groups": ["Lean Coffee", "Cats, dogs and other pets"],
    "level": ["Senior developer"],
    "agree": ["I agree to follow the code of conduct"],
    "logs": "echo hello",
}


def body(**overrides: object) -> str:
    return render_body(FORM, {**GOOD, **overrides})  # type: ignore[dict-item]


def test_round_trip_of_every_field_type() -> None:
    parsed = parse_body(body(), FORM)
    assert parsed.from_form
    assert parsed.values == GOOD
    assert parsed.problems == []


def test_markdown_fields_have_no_value_and_never_appear() -> None:
    assert "Thanks for filling" not in body()
    assert set(parse_body(body(), FORM).values) == {
        "name",
        "details",
        "groups",
        "level",
        "agree",
        "logs",
    }


@pytest.mark.parametrize("empty", ["_No response_", "", "None", "  \n  "])
def test_empty_text_answers_are_none(empty: str) -> None:
    text = body().replace("Some details\n\nover two paragraphs", empty)
    assert parse_body(text, FORM).values["details"] is None


def test_crlf_bodies_parse_the_same() -> None:
    crlf = body().replace("\n", "\r\n")
    assert parse_body(crlf, FORM).values == GOOD


def test_checkbox_marks() -> None:
    text = body().replace(
        "- [X] I agree to follow the code of conduct\n- [ ] Send me updates",
        "- [x] I agree to follow the code of conduct\n- [] Send me updates",
    )
    assert parse_body(text, FORM).values["agree"] == ["I agree to follow the code of conduct"]
    both = body().replace("- [ ] Send me updates", "- [X] Send me updates")
    assert parse_body(both, FORM).values["agree"] == [
        "I agree to follow the code of conduct",
        "Send me updates",
    ]


def test_required_checkbox_unticked_is_missing() -> None:
    text = body().replace("- [X] I agree", "- [ ] I agree")
    parsed = parse_body(text, FORM)
    assert parsed.values["agree"] == []
    assert [(p.field, p.kind) for p in parsed.errors] == [("agree", "missing_required")]


@pytest.mark.parametrize("hashes", ["###", "####"])
def test_headings_inside_code_fences_are_content(hashes: str) -> None:
    answer = f"Before\n\n```\n{hashes} Level\n{hashes} Not a heading\n```\n\nAfter"
    parsed = parse_body(body(details=answer), FORM)
    assert parsed.values["details"] == answer
    assert parsed.values["level"] == ["Senior developer"]
    assert parsed.problems == []


def test_tilde_fences_and_longer_fences_count_too() -> None:
    answer = "~~~~\n### Level\n~~~\n~~~~"
    parsed = parse_body(body(details=answer), FORM)
    assert parsed.values["details"] == answer
    assert parsed.values["level"] == ["Senior developer"]


def test_an_unclosed_fence_does_not_swallow_later_answers() -> None:
    parsed = parse_body(body(details="Look:\n```\nno end"), FORM)
    assert parsed.values["details"] == "Look:\n```\nno end"
    assert parsed.values["level"] == ["Senior developer"]


def test_unknown_heading_folds_into_the_previous_answer_as_info() -> None:
    text = body().replace(
        "over two paragraphs", "over two paragraphs\n\n### My own heading\n\nmore"
    )
    parsed = parse_body(text, FORM)
    assert parsed.values["details"] == (
        "Some details\n\nover two paragraphs\n\n### My own heading\n\nmore"
    )
    assert [(p.field, p.kind, p.severity) for p in parsed.problems] == [
        ("details", "unknown_heading", "info")
    ]
    assert parsed.errors == []


def test_missing_fields_are_empty_and_reported_if_required() -> None:
    text = body()
    start = text.index("### Name of the thing")
    end = text.index("### Details")
    parsed = parse_body(text[:start] + text[end:], FORM)
    assert parsed.from_form
    assert parsed.values["name"] is None
    assert [(p.field, p.kind) for p in parsed.errors] == [("name", "missing_required")]
    start = text.index("### Logs")
    parsed = parse_body(text[:start], FORM)
    assert parsed.values["logs"] is None
    assert [(p.field, p.kind, p.severity) for p in parsed.problems] == [
        ("logs", "missing_field", "info")
    ]


def test_required_answer_left_empty() -> None:
    parsed = parse_body(body(name=None, level=None), FORM)
    assert parsed.values["name"] is None
    assert parsed.values["level"] == []
    assert {(p.field, p.kind) for p in parsed.errors} == {
        ("name", "missing_required"),
        ("level", "missing_required"),
    }


def test_config_can_require_more_than_the_form() -> None:
    parsed = parse_body(body(details=None), FORM, also_required=["details"])
    assert [(p.field, p.kind) for p in parsed.errors] == [("details", "missing_required")]


@pytest.mark.parametrize("empty", ["```shell\n```", "```shell\n\n```", "```\n```", "_No response_"])
def test_empty_render_textarea_is_none(empty: str) -> None:
    text = body().replace("```shell\necho hello\n```", empty)
    assert parse_body(text, FORM).values["logs"] is None


def test_render_textarea_value_is_the_code_inside_the_fence() -> None:
    text = body().replace("echo hello", "line 1\n### not a heading\nline 3")
    assert parse_body(text, FORM).values["logs"] == "line 1\n### not a heading\nline 3"


@pytest.mark.parametrize("value", [None, ""])
def test_null_or_empty_body_is_not_a_form(value: str | None) -> None:
    parsed = parse_body(value, FORM)
    assert not parsed.from_form
    assert [p.kind for p in parsed.problems] == ["not_a_form"]
    assert parsed.values["groups"] == []
    assert parsed.values["name"] is None


def test_free_text_body_is_recognised_not_guessed() -> None:
    text = "### Summary\n\nI would like to talk about Lean Coffee.\n\n### Why\n\nBecause."
    parsed = parse_body(text, FORM)
    assert not parsed.from_form
    assert [p.kind for p in parsed.problems] == ["not_a_form"]
    assert all(not v for v in parsed.values.values())


def test_hand_edited_body() -> None:
    # Reordered sections, headings in another case with a colon, text above the form, an answer
    # typed as a list instead of GitHub's ", " join, and a checkbox ticked by hand.
    text = (
        "Hello! Please see below.\n\n"
        "### level:\n\nsenior DEVELOPER\n\n"
        "### NAME OF THE THING\n\nA thing\n\n"
        "### Which groups?\n\n- Open Source\n- lean coffee\n\n"
        "### Code of conduct\n\n* [x] I agree to follow the code of conduct\n"
    )
    parsed = parse_body(text, FORM)
    assert parsed.from_form
    assert parsed.values["level"] == ["Senior developer"]
    assert parsed.values["name"] == "A thing"
    assert parsed.values["groups"] == ["Open Source", "Lean Coffee"]
    assert parsed.values["agree"] == ["I agree to follow the code of conduct"]
    assert parsed.errors == []
    kinds = {p.kind for p in parsed.problems}
    assert "text_before_form" in kinds


def test_multi_select_option_containing_a_comma_survives() -> None:
    parsed = parse_body(body(groups=["Cats, dogs and other pets", "Open Source"]), FORM)
    assert parsed.values["groups"] == ["Cats, dogs and other pets", "Open Source"]


def test_split_choices_prefers_whole_options() -> None:
    options = ["A, B", "A", "B", "C"]
    assert split_choices("A, B, C", options) == ["A, B", "C"]
    assert split_choices("C, A", options) == ["C", "A"]
    assert split_choices("X, A, B", options) == ["X", "A, B"]


def test_dropdown_values_outside_the_options_are_reported() -> None:
    parsed = parse_body(body(groups=["Lean Coffee", "Knitting"], level=["Wizard"]), FORM)
    assert parsed.values["groups"] == ["Lean Coffee", "Knitting"]
    assert parsed.values["level"] == ["Wizard"]
    assert {(p.field, p.kind) for p in parsed.errors} == {
        ("groups", "invalid_option"),
        ("level", "invalid_option"),
    }


def test_empty_optional_dropdown_is_an_empty_list() -> None:
    assert parse_body(body(groups=None), FORM).values["groups"] == []


def test_repeated_question_folds_into_the_answer_above() -> None:
    text = body() + "\n\n### Details\n\nsecond copy"
    parsed = parse_body(text, FORM)
    assert parsed.values["details"] == GOOD["details"]
    logs = parsed.values["logs"]  # the repeat folds into the answer above it: the last one
    assert isinstance(logs, str)
    assert logs.endswith("### Details\n\nsecond copy")
    assert any(p.kind == "duplicate_heading" for p in parsed.problems)


def test_closing_hashes_on_a_heading_are_ignored() -> None:
    text = body().replace("### Details", "### Details ###")
    assert parse_body(text, FORM).values["details"] == GOOD["details"]


def test_to_json_shape() -> None:
    out = parse_body(body(name=None), FORM).to_json()
    assert out["form"] == "test-form.yml"
    assert out["from_form"] is True
    assert out["values"]["name"] is None
    assert out["problems"][0] == {
        "field": "name",
        "kind": "missing_required",
        "severity": "error",
        "message": "Name of the thing: this question needs an answer",
    }


# -- detecting the form ------------------------------------------------------------------------

OTHER = parse_form(
    """
name: Other
description: Another form sharing one question
labels: [other]
body:
  - type: textarea
    id: details
    attributes: {label: Details}
  - type: input
    id: link
    attributes: {label: Link}
""",
    "other.yml",
)


def test_detect_form_picks_the_form_the_body_answers_best() -> None:
    forms = {"test-form.yml": FORM, "other.yml": OTHER}
    assert detect_form(body(), forms) is FORM
    assert detect_form(render_body(OTHER, {"details": "x", "link": "y"}), forms) is OTHER
    assert detect_form("Just some text", forms) is None
    assert detect_form(None, forms) is None


def test_detect_form_tie_is_broken_by_the_issue_labels() -> None:
    only_details = "### Details\n\nhello"
    one = parse_form(
        "name: One\ndescription: d\nlabels: [one]\nbody:\n"
        "  - {type: textarea, id: details, attributes: {label: Details}}\n",
        "a.yml",
    )
    two = parse_form(
        "name: Two\ndescription: d\nlabels: [two]\nbody:\n"
        "  - {type: textarea, id: details, attributes: {label: Details}}\n",
        "b.yml",
    )
    assert detect_form(only_details, {"a.yml": one, "b.yml": two}) is one
    assert detect_form(only_details, {"a.yml": one, "b.yml": two}, labels=["two"]) is two


# -- the form's YAML ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ("name: [unclosed\n", "bad.yml:2:1", "invalid YAML"),
        ("- a list\n", "bad.yml:1:1", "mapping"),
        ("name: X\ndescription: d\nbody: []\n", "bad.yml:3:7", "non-empty list"),
        (
            "name: X\ndescription: d\nbody:\n  - type: slider\n    attributes: {label: L}\n",
            "bad.yml:4:11",
            "unknown field type",
        ),
        (
            "name: X\ndescription: d\nbody:\n  - type: dropdown\n    attributes:\n      label: L\n",
            "bad.yml:6:7",
            "dropdown needs a list",
        ),
        (
            "name: X\ndescription: d\nbody:\n  - type: input\n    id: has space\n"
            "    attributes: {label: L}\n",
            "bad.yml:5:9",
            "id may use only",
        ),
        (
            "name: X\ndescription: d\nbody:\n  - type: input\n    id: a\n    attributes: {label: L}\n"
            "  - type: input\n    id: a\n    attributes: {label: M}\n",
            "bad.yml:",
            "two fields have the id 'a'",
        ),
    ],
)
def test_bad_forms_name_file_line_and_column(text: str, where: str, reason: str) -> None:
    with pytest.raises(FormError) as info:
        parse_form(text, "bad.yml")
    assert str(info.value).startswith(where)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_strict_mode_wants_name_description_and_known_keys() -> None:
    text = "body:\n  - type: input\n    attributes: {label: L, colour: red}\n"
    parse_form(text, "lenient.yml")  # fine when only parsing
    with pytest.raises(FormError) as info:
        parse_form(text, "strict.yml", strict=True)
    assert len(info.value.problems) == 3
    assert any("'name' is required" in p for p in info.value.problems)
    assert any("colour: unknown key" in p for p in info.value.problems)


def test_form_metadata() -> None:
    assert FORM.name == "Test form"
    assert FORM.labels == ("type: test",)
    assert FORM.source == "test-form.yml"
    level = FORM.field("level")
    assert level is not None
    assert level.required
    assert level.options == ("Developer", "Senior developer")
    assert FORM.field("nope") is None
    logs = FORM.field("logs")
    assert logs is not None
    assert logs.render == "shell"
    agree = FORM.field("agree")
    assert agree is not None
    assert agree.required_options == ("I agree to follow the code of conduct",)


def test_a_dropdown_option_spelt_like_none_is_still_that_option() -> None:
    form = parse_form(
        "name: F\ndescription: d\nbody:\n"
        "  - type: dropdown\n    id: pick\n    attributes:\n      label: Pick\n"
        "      options: [NONE, Some]\n",
        "f.yml",
    )
    assert parse_body("### Pick\n\nNONE", form).values["pick"] == ["NONE"]
    assert parse_body("### Pick\n\nNone", form).values["pick"] == []  # GitHub's "no answer"
    assert parse_body("### Pick\n\nSome", form).values["pick"] == ["Some"]
