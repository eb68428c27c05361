"""`ghcommunity demo --config` never writes outside --out."""

from __future__ import annotations

from pathlib import Path

import pytest

from ghcommunity.cli import main
from ghcommunity.cli.demo import StepFailed, inside_out

REFERENCE = Path(__file__).resolve().parents[2] / "config" / "community.yml"


@pytest.mark.parametrize("notes", ["../../escaped/", "/tmp/escaped/", ".github/workflows/"])
def test_a_config_path_leading_out_is_refused_before_anything_runs(
    tmp_path: Path, notes: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = REFERENCE.read_text(encoding="utf-8").replace(
        "    notes_path: lean-coffees/", f"    notes_path: {notes}", 1
    )
    assert notes in text
    config = tmp_path / "config.yml"
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "a" / "b" / "out"
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--config", str(config), "--out", str(out)])
    assert exited.value.code == 2
    assert "notes_path" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["config.yml"]


def test_a_symlink_in_out_leading_elsewhere_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "meetings").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(StepFailed, match="outside"):
        inside_out(out, "meetings/lean-coffees/2026-12-03.md")
    assert inside_out(out, "notes/x.md") == (out / "notes" / "x.md").resolve()
