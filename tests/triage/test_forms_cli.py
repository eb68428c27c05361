"""`ghcommunity form parse|render|validate`, and the forms themselves against GitHub's schema."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ghcommunity.cli import main
from ghcommunity.config import load_config
from ghcommunity.config.forms import generated_options
from ghcommunity.core.forms import load_forms, parse_body, render_body

ROOT = Path(__file__).parents[2]
FORMS = ROOT / "config/issue-forms"
CONFIG = ROOT / "config/community.yml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
OURS = [
    "agenda-item.yml",
    "propose-a-group.yml",
    "propose-a-talk-or-event.yml",
    "question-or-idea.yml",
    "share-a-resource.yml",
]


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Done]:
    """Run `ghcommunity ARGS` in-process (as the console script does) and capture it."""

    def invoke(*args: str, stdin: str | None = None) -> Done:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        capsys.readouterr()
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Done(code, out, err)

    return invoke


def test_every_config_form_exists_and_the_chooser_is_there() -> None:
    config = load_config(CONFIG)
    names = {p.name for p in FORMS.iterdir()}
    assert "config.yml" in names
    for name in OURS:
        assert name in names
        assert config.triage.form_rule(name) is not None


@pytest.mark.skipif(not CHECK_JSONSCHEMA.exists(), reason="check-jsonschema is not installed")
def test_forms_are_valid_against_githubs_schema(run: Callable[..., Done]) -> None:
    forms = sorted(str(p) for p in FORMS.glob("*.yml") if p.name != "config.yml")
    assert len(forms) >= len(OURS)
    done = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-issue-forms", *forms],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    chooser = subprocess.run(
        [
            str(CHECK_JSONSCHEMA),
            "--builtin-schema",
            "vendor.github-issue-config",
            str(FORMS / "config.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert chooser.returncode == 0, chooser.stdout + chooser.stderr


@pytest.mark.skipif(not CHECK_JSONSCHEMA.exists(), reason="check-jsonschema is not installed")
def test_the_schema_check_can_fail(tmp_path: Path, run: Callable[..., Done]) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "name: X\ndescription: d\nbody:\n  - type: dropdown\n    attributes: {label: L}\n"
    )
    done = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-issue-forms", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1


def test_our_forms_pass_strict_validation(run: Callable[..., Done]) -> None:
    done = run("form", "validate", "--config", str(CONFIG), "--forms", str(FORMS))
    assert done.returncode == 0, done.stderr
    assert "forms ok" in done.stdout


def test_validate_reports_what_is_wrong(tmp_path: Path, run: Callable[..., Done]) -> None:
    shutil.copytree(FORMS, tmp_path / "forms")
    (tmp_path / "forms/agenda-item.yml").unlink()
    text = (tmp_path / "forms/question-or-idea.yml").read_text()
    (tmp_path / "forms/question-or-idea.yml").write_text(text.replace("name: Ask", "nom: Ask"))
    done = run("form", "validate", "--config", str(CONFIG), "--forms", str(tmp_path / "forms"))
    assert done.returncode == 2
    assert "agenda-item.yml: the config's triage.forms lists it" in done.stderr
    assert "question-or-idea.yml:1:1: nom: unknown key" in done.stderr


def test_parse_prints_field_values_as_json(tmp_path: Path, run: Callable[..., Done]) -> None:
    form = load_forms(FORMS)["agenda-item.yml"]
    body = render_body(form, {"group": ["Open Source"], "item": "Licences for code"})
    (tmp_path / "body.md").write_text(body.replace("\n", "\r\n"))
    done = run(
        "form",
        "parse",
        "--form",
        str(FORMS / "agenda-item.yml"),
        "--body",
        str(tmp_path / "body.md"),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "group": ["Open Source"],
        "item": "Licences for code",
        "details": None,
        "time": [],
        "presenter": None,
    }


def test_parse_with_problems_and_stdin(run: Callable[..., Done]) -> None:
    done = run(
        "form",
        "parse",
        "--form",
        str(FORMS / "agenda-item.yml"),
        "--body",
        "-",
        "--with-problems",
        stdin="### Which group's meeting?\n\nKnitting\n\n### Agenda item\n\n_No response_\n",
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["from_form"] is True
    assert out["values"]["group"] == ["Knitting"]
    assert {(p["field"], p["kind"]) for p in out["problems"] if p["severity"] == "error"} == {
        ("group", "invalid_option"),
        ("item", "missing_required"),
    }


def test_parse_detects_the_form_from_a_directory(run: Callable[..., Done]) -> None:
    form = load_forms(FORMS)["share-a-resource.yml"]
    body = render_body(form, {"kind": ["Book"], "link": "https://example.org", "why": "Good"})
    done = run("form", "parse", "--forms", str(FORMS), "--body", "-", "--with-problems", stdin=body)
    out = json.loads(done.stdout)
    assert out["form"] == "share-a-resource.yml"
    assert out["values"]["kind"] == ["Book"]
    none = run("form", "parse", "--forms", str(FORMS), "--body", "-", stdin="just words")
    assert json.loads(none.stdout) == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--form", "missing.yml", "--body", "-"], "missing.yml: cannot read the issue form"),
        (["--form", "BAD", "--body", "-"], "BAD:1:1"),
        (["--body", "-"], "pass either --form"),
        (["--form", "agenda.yml", "--body", "nope.md"], "nope.md: cannot read the issue body"),
    ],
)
def test_parse_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str, run: Callable[..., Done]
) -> None:
    (tmp_path / "BAD").write_text("- not a form\n")
    (tmp_path / "agenda.yml").write_text((FORMS / "agenda-item.yml").read_text())
    args = [
        str(tmp_path / a) if a in ("BAD", "missing.yml", "agenda.yml", "nope.md") else a
        for a in args
    ]
    done = run("form", "parse", *args, stdin="")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_forms_are_in_step_with_the_config(run: Callable[..., Done]) -> None:
    done = run("form", "render", "--config", str(CONFIG), "--forms", str(FORMS), "--check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_render_check_detects_drift_and_render_fixes_only_the_options(
    tmp_path: Path, run: Callable[..., Done]
) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    config_text = CONFIG.read_text()
    renamed = config_text.replace("name: Open Source", "name: Open Source Software")
    assert renamed != config_text
    config_path = tmp_path / "community.yml"
    config_path.write_text(renamed)
    before = {p.name: p.read_text() for p in forms.iterdir()}

    check = run("form", "render", "--config", str(config_path), "--forms", str(forms), "--check")
    assert check.returncode == 1
    assert "agenda-item.yml: out of date" in check.stdout
    assert {p.name: p.read_text() for p in forms.iterdir()} == before  # --check changes nothing

    done = run("form", "render", "--config", str(config_path), "--forms", str(forms))
    assert done.returncode == 0, done.stderr
    after = (forms / "agenda-item.yml").read_text()
    # Exactly one line changed; comments and everything else stay as they were.
    changed = [
        (old, new)
        for old, new in zip(before["agenda-item.yml"].splitlines(), after.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [("        - Open Source", "        - Open Source Software")]
    assert "# Generated from the config's groups" in after
    config = load_config(config_path)
    options = generated_options(config)["propose-a-talk-or-event.yml"]["group"]
    assert options[-1] == "The whole community"
    again = run("form", "render", "--config", str(config_path), "--forms", str(forms), "--check")
    assert again.returncode == 0
    # The rendered form still reads its own submissions.
    form = load_forms(forms)["agenda-item.yml"]
    parsed = parse_body(render_body(form, {"group": ["Open Source Software"], "item": "x"}), form)
    assert parsed.errors == []


def test_render_into_a_flow_list_and_a_new_group(tmp_path: Path, run: Callable[..., Done]) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    path = forms / "question-or-idea.yml"
    text = path.read_text()
    start = text.index("      options:\n        - Lean Coffee")
    end = text.index("        - Heads of Engineering\n") + len("        - Heads of Engineering\n")
    path.write_text(text[:start] + "      options: [Old]\n" + text[end:])
    config_path = tmp_path / "community.yml"
    config_path.write_text(
        CONFIG.read_text().replace(
            "groups:\n", "groups:\n  - slug: rust\n    name: 'Rust, and friends'\n", 1
        )
    )
    done = run("form", "render", "--config", str(config_path), "--forms", str(forms))
    assert done.returncode == 0, done.stderr
    form = load_forms(forms)["question-or-idea.yml"]
    group = form.field("group")
    assert group is not None
    assert group.options[0] == "Rust, and friends"
    assert "Heads of Engineering" in group.options


def test_render_refuses_a_config_field_that_is_not_a_dropdown(
    tmp_path: Path, run: Callable[..., Done]
) -> None:
    config_path = tmp_path / "community.yml"
    config_path.write_text(
        CONFIG.read_text().replace(
            "      fields:\n        group:\n          options: groups\n          group_labels: [group, agenda]",
            "      fields:\n        item:\n          options: groups",
        )
    )
    done = run("form", "render", "--config", str(config_path), "--forms", str(FORMS), "--check")
    assert done.returncode == 2
    assert "'item': it is an input field, not a dropdown" in done.stderr
