"""Only what a reader sees runs: a command hidden by Markdown (as GitHub renders it) does not,
and a heading inside an HTML comment is no question of a form."""

from __future__ import annotations

import pytest

from ghcommunity.core.commands import find_commands
from ghcommunity.core.forms import FormField, IssueForm, parse_body, render_body

KNOWN = ["close", "label", "reopen"]

HIDDEN = {
    "an HTML comment opened mid-line": "Thanks! <!-- hidden\n/close\n-->",
    "an HTML comment block": "<!--\n/close\n-->",
    "a blockquote's lazy continuation": "> quoting you\n/close",
    "a <pre> block": "<pre>\n/close\n</pre>",
    "a code span over several lines": "see `this\n/close\n` here",
    "a collapsed <details>": "<details>\n<summary>More</summary>\n\n/close\n\n</details>",
    "a fenced block": "```\n/close\n```",
    "an indented code block": "Look:\n\n    /close",
    "a nested blockquote": "> > /close",
}


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_a_hidden_command_does_not_run(name: str) -> None:
    assert find_commands(HIDDEN[name], KNOWN) == []


def test_visible_commands_still_run() -> None:
    body = (
        "<details>\n\n/label hidden\n\n</details>\n\n"
        "Thanks <!-- a note --> all.\n/label needs-info\n/close\r\n"
    )
    assert [(c.name, c.args) for c in find_commands(body, KNOWN)] == [
        ("label", "needs-info"),
        ("close", ""),
    ]


FORM = IssueForm(
    name="Topic",
    description="",
    title=None,
    labels=(),
    fields=(
        FormField(id="topic", type="input", label="Topic", required=True),
        FormField(id="why", type="textarea", label="Why"),
    ),
    source="topic.yml",
)


def test_a_heading_inside_an_html_comment_is_not_a_question() -> None:
    body = "### Topic\n\nTesting\n\n### Why\n\nBecause <!--\n### Topic\n\nSpoofed\n-->\nit helps"
    parsed = parse_body(body, FORM)
    assert parsed.values["topic"] == "Testing"
    assert "Spoofed" in (parsed.values["why"] or "")
    block = "### Topic\n\nReal\n\n<!--\n### Why\nhidden\n-->\n"
    assert parse_body(block, FORM).values["why"] is None


def test_a_multi_select_option_that_looks_like_a_list_item_reads_back() -> None:
    form = IssueForm(
        name="Pick",
        description="",
        title=None,
        labels=(),
        fields=(
            FormField(
                id="pick", type="dropdown", label="Pick", options=("A", "- A"), multiple=True
            ),
        ),
        source="pick.yml",
    )
    for chosen in (["- A"], ["A"], ["A", "- A"], ["- A", "A"]):
        assert parse_body(render_body(form, {"pick": chosen}), form).values["pick"] == chosen
