"""Acceptance: `ghcommunity form parse` reports a body that did not come from the form (and
answers that are missing or not among the options) instead of quietly printing empty answers;
stdout stays the plain `{field_id: value}` JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ghcommunity.cli import main

FORMS = Path(__file__).resolve().parents[2] / "config" / "issue-forms"


def parse(args: list[str], body: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    main(["form", "parse", *args, "--body", str(body)])
    return capsys.readouterr()


def test_a_body_not_from_the_form_is_reported_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text("Could we talk about Rust at the next meetup?\r\n")
    out, err = parse(["--form", str(FORMS / "agenda-item.yml")], body, capsys)
    assert json.loads(out) == {
        "group": [],
        "item": None,
        "details": None,
        "time": [],
        "presenter": None,
    }
    (line,) = err.strip().splitlines()
    assert line.startswith("note: the body does not look like the 'Add an agenda item' form")
    assert "--with-problems" in line


def test_no_matching_form_in_a_directory_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text("just words")
    out, err = parse(["--forms", str(FORMS)], body, capsys)
    assert json.loads(out) == {}
    assert err.startswith("note: the body matches none of the forms")


def test_an_answer_outside_the_options_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text(
        "### Which group's meeting?\n\nKnitting\n\n### Agenda item\n\nPatterns as code\n"
    )
    out, err = parse(["--form", str(FORMS / "agenda-item.yml")], body, capsys)
    assert json.loads(out)["group"] == ["Knitting"]
    assert "'Knitting' is not one of the options" in err


def test_a_good_body_prints_nothing_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.md"
    body.write_text(
        "### Which group's meeting?\n\nOpen Source\n\n### Agenda item\n\nLicences for code\n\n"
        "### Details\n\n_No response_\n\n### How much time does it need?\n\n10 minutes\n\n"
        "### Who will introduce it?\n\n_No response_\n"
    )
    out, err = parse(["--form", str(FORMS / "agenda-item.yml")], body, capsys)
    assert json.loads(out)["item"] == "Licences for code"
    assert err == ""
