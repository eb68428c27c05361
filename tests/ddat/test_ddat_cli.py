"""`ghcommunity ddat ...` on the command line: outputs, --check, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ddat_support import FORM_FILE, ROLE_CSV, ROOT, SKILLS_CSV, TAXONOMY_FILE

from ghcommunity.cli import main
from ghcommunity.core.forms import render_body

CONFIG = str(ROOT / "config" / "community.yml")


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_taxonomy_check_passes_on_the_committed_file(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        capsys,
        "ddat",
        "taxonomy",
        "--from-csv",
        str(ROLE_CSV),
        "--skills",
        str(SKILLS_CSV),
        "--out",
        str(TAXONOMY_FILE),
        "--check",
    )
    assert (code, out.strip()) == (0, f"{TAXONOMY_FILE} is up to date")


def test_taxonomy_writes_the_same_bytes(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out_file = tmp_path / "ddat.yml"
    args = [
        "ddat",
        "taxonomy",
        "--from-csv",
        str(ROLE_CSV),
        "--skills",
        str(SKILLS_CSV),
        "--out",
        str(out_file),
        "--downloaded",
        "2025-10",
    ]
    assert run(capsys, *args)[0] == 0
    assert out_file.read_bytes() == TAXONOMY_FILE.read_bytes()
    code, out, _ = run(capsys, *args[:-2])  # the date recorded in --out is kept
    assert (code, out.strip()) == (0, f"{out_file} unchanged")


def test_taxonomy_check_fails_when_stale(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "ddat.yml"
    stale.write_text(TAXONOMY_FILE.read_text().replace("developer designs", "developer drafts", 1))
    code, _, err = run(
        capsys,
        "ddat",
        "taxonomy",
        "--from-csv",
        str(ROLE_CSV),
        "--skills",
        str(SKILLS_CSV),
        "--out",
        str(stale),
        "--check",
    )
    assert code == 1
    assert "not up to date" in err


def test_taxonomy_bad_input_is_exit_2_one_line(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "x.csv"
    bad.write_text("Name,Other\na,b\n")
    code, _, err = run(
        capsys,
        "ddat",
        "taxonomy",
        "--from-csv",
        str(bad),
        "--skills",
        str(SKILLS_CSV),
        "--out",
        "-",
        "--downloaded",
        "2025-10",
    )
    assert code == 2
    assert err.count("\n") == 1
    assert "x.csv:1:1: missing column(s)" in err
    code, _, err = run(
        capsys,
        "ddat",
        "taxonomy",
        "--from-csv",
        str(ROLE_CSV),
        "--skills",
        str(SKILLS_CSV),
        "--out",
        str(tmp_path / "new.yml"),
    )
    assert code == 2
    assert "--downloaded" in err


def test_form_check(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        capsys, "ddat", "form", "--config", CONFIG, "--out", str(FORM_FILE), "--check"
    )
    assert (code, out.strip()) == (0, f"{FORM_FILE} is up to date")


def test_classify_json(capsys, tmp_path: Path, kit) -> None:  # type: ignore[no-untyped-def]
    body = tmp_path / "body.md"
    body.write_text(
        render_body(
            kit.form,
            {
                "role": ["Software developer"],
                "level": ["Developer"],
                "skills": ["Quantum computing"],
                "type": ["Missing skill"],
                "details": "x",
            },
        ).replace("\n", "\r\n")
    )
    code, out, _ = run(
        capsys, "ddat", "classify", "--config", CONFIG, "--body", str(body), "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"role", "level", "skills", "type", "labels", "problems", "findings"}
    assert data["role"] == "Software developer"
    assert data["skills"] == []
    # "Missing skill" feedback: the unknown skill is the skill it proposes
    assert data["problems"][0]["kind"] == "proposed_skill"
    assert data["proposed_skills"] == ["Quantum computing"]
    assert data["labels"] == [
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Developer",
        "ddat-type: Missing skill",
    ]


def test_classify_free_text_from_stdin(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("The DDaT framework misses platform engineering"))
    code, out, _ = run(capsys, "ddat", "classify", "--config", CONFIG, "--body", "-", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["role"] is None
    assert data["labels"] == ["ddat-feedback", "needs-triage"]
    assert data["problems"][0]["kind"] == "not_a_form"


def test_classify_missing_file_is_exit_2(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(
        capsys, "ddat", "classify", "--config", CONFIG, "--body", str(tmp_path / "no.md")
    )
    assert code == 2
    assert "cannot read the body" in err


def test_a_broken_taxonomy_is_exit_2_with_file_line_column(  # type: ignore[no-untyped-def]
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taxonomy = tmp_path / "ddat.yml"
    taxonomy.write_text(TAXONOMY_FILE.read_text().replace("families:\n", "famillies:\n", 1))
    config = tmp_path / "config.yml"
    config.write_text(
        Path(CONFIG).read_text().replace("taxonomy: config/ddat.yml", "taxonomy: ddat.yml")
    )
    monkeypatch.chdir(tmp_path)  # the checkout: config paths are inside the repository
    code, _, err = run(capsys, "ddat", "form", "--config", str(config), "--out", "-")
    assert code == 2
    line = next(i for i, r in enumerate(taxonomy.read_text().splitlines(), 1) if r == "famillies:")
    assert f"ddat.yml:{line}:1: famillies: unknown key" in err


@pytest.mark.parametrize("path", ["/proc/self/environ", "/dev/zero", "../../etc/passwd"])
def test_a_taxonomy_outside_the_repository_is_a_config_error(  # type: ignore[no-untyped-def]
    capsys, tmp_path: Path, path: str
) -> None:
    config = tmp_path / "config.yml"
    config.write_text(
        Path(CONFIG).read_text().replace("taxonomy: config/ddat.yml", f"taxonomy: {path}")
    )
    code, _, err = run(capsys, "config", "validate", str(config))
    assert code == 2
    assert "ddat.taxonomy" in err


def test_a_taxonomy_symlink_out_of_the_checkout_is_refused(  # type: ignore[no-untyped-def]
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ddat.yml").symlink_to("/dev/zero")
    config = tmp_path / "config.yml"
    config.write_text(
        Path(CONFIG).read_text().replace("taxonomy: config/ddat.yml", "taxonomy: ddat.yml")
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "ddat", "form", "--config", str(config), "--out", "-")
    assert code == 2
    assert "leads outside the repository" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--since", "yesterday"], "--since 'yesterday': expected a date"),
        (["report", "--since", "2026-12-01", "--until", "2026-11-01"], "--since is after --until"),
        (["export", "--month", "2026-13"], "expected YYYY-MM"),
    ],
)
def test_report_and_export_bad_input_is_exit_2(capsys, argv, message) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "ddat", *argv, "--config", CONFIG, "--api-url", "http://127.0.0.1:9")
    assert code == 2
    assert message in err


def test_report_xlsx_needs_an_out_file(capsys) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = run(capsys, "ddat", "report", "--config", CONFIG, "--format", "xlsx")
    assert code == 2
    assert "pass --out FILE.xlsx" in err
    assert "Traceback" not in err


def test_validate_names_a_file_the_config_chose_that_is_not_there(  # type: ignore[no-untyped-def]
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A taxonomy someone chose must exist: the check says so at the line, before feedback
    goes unlabelled. The default path may be absent (a copy ships with ghcommunity)."""
    config = tmp_path / "config.yml"
    text = Path(CONFIG).read_text()
    config.write_text(text.replace("taxonomy: config/ddat.yml", "taxonomy: community/ddat.yml"))
    monkeypatch.chdir(tmp_path)  # the checkout
    code, _, err = run(capsys, "config", "validate", str(config))
    assert code == 2
    line = next(
        i for i, row in enumerate(config.read_text().splitlines(), 1) if "community/ddat.yml" in row
    )
    assert f":{line}:" in err
    assert "ddat.taxonomy: community/ddat.yml is not in the repository" in err
    config.write_text(text)  # the default path, absent here: the shipped copy is used
    code, out, _ = run(capsys, "config", "validate", str(config))
    assert code == 0, out


def test_validate_reads_the_files_of_the_config_s_own_checkout(  # type: ignore[no-untyped-def]
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from anywhere: paths are relative to the repository the config belongs to."""
    repo = tmp_path / "repo"
    (repo / ".github").mkdir(parents=True)
    (repo / "community").mkdir()
    (repo / "community" / "ddat.yml").write_text(TAXONOMY_FILE.read_text())
    config = repo / ".github" / "ghcommunity.yml"
    text = Path(CONFIG).read_text()
    config.write_text(text.replace("taxonomy: config/ddat.yml", "taxonomy: community/ddat.yml"))
    monkeypatch.chdir(tmp_path)  # not the checkout
    code, _, err = run(capsys, "config", "validate", str(config))
    assert code == 0, err
    # A job that is off reads nothing: its missing file is not a problem.
    (repo / "community" / "ddat.yml").unlink()
    off = config.read_text().replace("ddat:\n", "ddat:\n  enabled: false\n", 1)
    config.write_text(off)
    code, _, err = run(capsys, "config", "validate", str(config))
    assert code == 0, err


def test_validate_reads_the_taxonomy_the_config_names(  # type: ignore[no-untyped-def]
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A taxonomy that does not parse is found by `config validate`, at its own line — not when
    the next piece of feedback goes unlabelled."""
    taxonomy = tmp_path / "ddat.yml"
    taxonomy.write_text(TAXONOMY_FILE.read_text().replace("families:\n", "famillies:\n", 1))
    config = tmp_path / "config.yml"
    config.write_text(
        Path(CONFIG).read_text().replace("taxonomy: config/ddat.yml", "taxonomy: ddat.yml")
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "config", "validate", str(config))
    assert code == 2
    line = next(i for i, r in enumerate(taxonomy.read_text().splitlines(), 1) if r == "famillies:")
    assert f"ddat.yml:{line}:1: famillies: unknown key" in err
