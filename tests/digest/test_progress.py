"""Progress output: plain lines for CI logs, bars on a terminal."""

from __future__ import annotations

from ghcommunity.cli.sync import PlainProgress, RichProgress, in_ci


def test_plain_progress_lines(capsys):
    progress = PlainProgress()
    progress.start("issues", 2500)
    for _ in range(25):
        progress.advance("issues", 100)
    progress.finish("issues", "2500 issues updated")
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "sync: Issues (about 2500)…",
        "sync: issues: 1000 of 2500",
        "sync: issues: 2000 of 2500",
        "sync: 2500 issues updated",
    ]


def test_rich_progress_runs_without_a_total(capsys):
    with RichProgress() as bars:
        bars.start("pulls", None)
        bars.advance("pulls", 3)
        bars.finish("pulls", "3 pull requests updated")
    assert "3 pull requests updated" in capsys.readouterr().err


def test_ci_is_detected(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert in_ci()
