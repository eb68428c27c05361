"""`labels sync` says what it did in one summary line (created, updated, renamed, unchanged);
each label's line only under `ghcommunity -v`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ghcommunity.cli import cli

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "community.yml"
SUMMARY = re.compile(
    r"^labels in uk-x-gov-software-community/community-space: (\d+) created, (\d+) updated, "
    r"(\d+) renamed, (\d+) unchanged \((\d+) not ours, left alone\)$"
)


def sync(sandbox: Any, *before: str) -> str:
    result = CliRunner().invoke(
        cli,
        [
            *before,
            "labels",
            "sync",
            "--config",
            str(CONFIG),
            "--api-url",
            sandbox.url,
            "--token",
            "test-token",
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_a_summary_then_the_detail_under_verbose(sample_sandbox: Any) -> None:
    conflict = (
        "conflict: both 'sig-proposal' (a previous name) and 'type: group proposal' exist; "
        "left both: move its issues to the new label, then delete the old one"
    )
    first = sync(sample_sandbox).splitlines()
    match = SUMMARY.match(first[0])
    assert match, first
    created, updated, renamed, unchanged, _ = (int(x) for x in match.groups())
    assert created > 50  # the DDaT taxonomy's labels
    assert renamed == 0  # sig-proposal and its new name both exist: a conflict, reported
    assert first[1:] == [conflict, "(each change: ghcommunity -v ...)"]

    again = sync(sample_sandbox).splitlines()
    match = SUMMARY.match(again[0])
    assert match, again
    assert [int(x) for x in match.groups()[:3]] == [0, 0, 0]
    assert int(match.group(4)) == created + updated + renamed + unchanged
    assert again[1:] == [conflict]  # nothing changed: no detail to offer


def test_verbose_lists_each_change(sample_sandbox: Any) -> None:
    lines = sync(sample_sandbox, "-v").splitlines()
    assert SUMMARY.match(lines[0])
    created = [line for line in lines if line.startswith("applied: create label ")]
    assert len(created) == int(SUMMARY.match(lines[0]).group(1))  # type: ignore[union-attr]
    assert "applied: create label 'agenda: lean-coffee' (#c5def5) " in "\n".join(created)
