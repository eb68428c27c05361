"""The pure parts of the Action entry: workflow commands, outputs, inputs, summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from action_support import parse_command, read_outputs
from hypothesis import given
from hypothesis import strategies as st

from ghcommunity import action
from ghcommunity.core.errors import InputError


def test_escape_data_encodes_percent_and_line_breaks() -> None:
    assert action.escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"


def test_escape_property_also_encodes_colon_and_comma() -> None:
    assert action.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_error_annotation_names_file_line_and_column() -> None:
    line = action.workflow_command(
        "error", "unknown key", file=".github/ghcommunity.yml", line=12, col=5, title="config"
    )
    assert line == "::error file=.github/ghcommunity.yml,line=12,col=5,title=config::unknown key"


def test_properties_left_out_when_none() -> None:
    assert action.workflow_command("warning", "careful", file=None, line=None) == (
        "::warning::careful"
    )


@given(message=st.text(), title=st.text(), file=st.text(min_size=1))
def test_any_text_survives_a_workflow_command(message: str, title: str, file: str) -> None:
    line = action.workflow_command("error", message, title=title, file=file)
    assert "\n" not in line
    assert "\r" not in line
    name, props, data = parse_command(line)
    assert (name, data, props["file"]) == ("error", message, file)
    if title:
        assert props["title"] == title


@given(value=st.text().filter(lambda v: "\r" not in v))
def test_output_block_round_trips_any_value(value: str) -> None:
    assert read_outputs(action.output_block("labels", value)) == {"labels": value}


def test_output_block_never_uses_a_delimiter_found_in_the_value() -> None:
    block = action.output_block("x", "ghadelimiter_fixed\nmore", delimiter="ghadelimiter_fixed")
    first = block.split("\n", 1)[0]
    assert first != "x<<ghadelimiter_fixed"
    assert read_outputs(block) == {"x": "ghadelimiter_fixed\nmore"}


def test_config_errors_become_annotations_at_their_place(tmp_path: Path) -> None:
    message = (
        f"{tmp_path}/.github/ghcommunity.yml:12:5: community.timezone: unknown time zone\n"
        ".github/ghcommunity.yml:30:7: groups[2].slug: required key is missing"
    )
    notes = action.annotations_for_error(message, title="ghcommunity", workspace=str(tmp_path))
    assert [(n.file, n.line, n.col, n.message) for n in notes] == [
        (".github/ghcommunity.yml", 12, 5, "community.timezone: unknown time zone"),
        (".github/ghcommunity.yml", 30, 7, "groups[2].slug: required key is missing"),
    ]


def test_other_errors_become_plain_annotations() -> None:
    (note,) = action.annotations_for_error("GitHub refused it (403)", title="t")
    assert (note.file, note.line, note.message) == (None, None, "GitHub refused it (403)")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("True", True), ("TRUE", True), ("false", False), ("", False)],
)
def test_booleans_as_github_writes_them(raw: str, expected: bool) -> None:
    assert action.parse_bool("dry-run", raw) is expected


def test_other_booleans_are_refused() -> None:
    with pytest.raises(InputError, match=r"dry-run.*true or false"):
        action.parse_bool("dry-run", "yes")


def test_env_reads_inputs_with_either_spelling() -> None:
    env = action.ActionEnv.from_environ(
        {
            "INPUT_COMMAND": "meetings",
            "INPUT_LEAD-TIME": "21d",
            "INPUT_DRY_RUN": "true",
            "INPUT_TOKEN": "",
            "GITHUB_TOKEN": "from-env",
        }
    )
    assert (env.command, env.lead_time, env.dry_run, env.token) == (
        "meetings",
        "21d",
        True,
        "from-env",
    )
    assert env.config == ".github/ghcommunity.yml"
    assert "from-env" not in repr(env)


def test_outputs_from_a_plan_and_its_outcomes() -> None:
    data = {
        "operations": [
            {"op": "add_labels", "repo": "o/r", "issue": 3, "labels": ["a", "b"]},
            {"op": "add_labels", "repo": "o/r", "issue": 3, "labels": ["b", "c"]},
            {"op": "open_pull_request", "repo": "o/r", "head": "x", "title": "t"},
        ],
        "outcomes": [
            {"op": "add_labels", "repo": "o/r", "status": "applied"},
            {"op": "add_labels", "repo": "o/r", "status": "unchanged"},
            {"op": "open_pull_request", "repo": "o/r", "status": "applied", "url": "https://p/1"},
        ],
    }
    result = action.result_word(data, dry_run=False, failed=False)
    outputs = action.outputs_for(data, result=result)
    assert result == "applied"
    assert json.loads(outputs["labels"]) == ["a", "b", "c"]
    assert outputs["pull-request-url"] == "https://p/1"
    assert json.loads(outputs["urls"]) == ["https://p/1"]
    assert len(json.loads(outputs["operations"])) == 3


@pytest.mark.parametrize(
    ("data", "dry_run", "expected"),
    [
        ({"operations": [], "outcomes": []}, False, "nothing-to-do"),
        ({"operations": [{"op": "x"}], "outcomes": [{"status": "unchanged"}]}, False, "unchanged"),
        ({"operations": [{"op": "x"}], "dry_run": True}, True, "dry-run"),
        ({"ignored": "caused by the bot itself", "operations": []}, False, "ignored"),
        ({"groups": []}, False, "done"),
        (None, False, "done"),
    ],
)
def test_result_words(data: dict[str, object] | None, dry_run: bool, expected: str) -> None:
    assert action.result_word(data, dry_run=dry_run, failed=False) == expected


def test_summary_lists_operations_and_escapes_what_people_wrote() -> None:
    data = {
        "event": "issues.opened",
        "operations": [
            {"op": "comment", "repo": "o/r", "issue": 5, "body": "hi | <script>x</script>"},
        ],
        "outcomes": [{"op": "comment", "repo": "o/r", "issue": 5, "status": "applied"}],
        "notes": ["first-time participant"],
    }
    text = action.summary_markdown(
        "Triage", "handle", result="applied", data=data, outputs={"pull-request-url": ""}
    )
    assert "### ghcommunity: Triage" in text
    assert "issues.opened" in text
    row = next(line for line in text.splitlines() if line.startswith("| 1 |"))
    assert "\\|" in row
    assert "<script>" not in row
    assert "&lt;script&gt;" in row
    assert row.endswith("| applied |")
    assert "- first-time participant" in text


def test_summary_of_an_audit_is_a_table_of_groups() -> None:
    data = {
        "groups": [
            {"slug": "a", "name": "Alpha", "ok": True, "last_met": "2026-01-22"},
            {"slug": "b", "name": "Beta", "ok": False, "status": "dormant", "missing": ["aim"]},
        ],
        "overlaps": [],
    }
    text = action.summary_markdown("Audit", "audit", result="done", data=data, outputs={})
    assert "| Alpha | ✅ ok | 2026-01-22 | – |" in text
    assert "| Beta | ⚠️ dormant | unknown | add aim |" in text


def test_log_text_shows_the_plan_for_people() -> None:
    result = action.StepResult(
        exit_code=0,
        stdout="",
        data={
            "operations": [{"op": "add_labels", "repo": "o/r", "issue": 3, "labels": ["a"]}],
            "notes": ["why"],
        },
    )
    assert action.log_text(result, dry_run=True) == "would do: label #3: 'a'\nnote: why"


def test_previous_month_crosses_the_year() -> None:
    from datetime import date

    assert action.previous_month(date(2027, 1, 1)) == "2026-12"
    assert action.previous_month(date(2026, 11, 15)) == "2026-10"
