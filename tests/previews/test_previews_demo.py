"""`ghcommunity demo` writes what the bot said into demo-output/triage.md, whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ghcommunity.cli import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_demo_writes_the_bots_comments_whole(tmp_path: Path) -> None:
    out = tmp_path / "demo-output"
    result = CliRunner().invoke(
        cli, ["demo", "--out", str(out), "--config", str(ROOT / "config" / "community.yml")]
    )
    assert result.exit_code == 0, result.output
    text = (out / "triage.md").read_text(encoding="utf-8")
    assert "## What the bot said" in text
    said = text.split("## What the bot said", 1)[1]
    headings = [line for line in said.splitlines() if line.startswith("### #")]
    assert len(headings) >= 10
    # A whole comment, not a first line: the welcome and what follows it.
    assert "thank you for opening your first issue." in said
    assert "someone will reply soon." in said
