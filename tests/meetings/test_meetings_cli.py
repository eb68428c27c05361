"""`ghcommunity meetings ...` offline: output, exit codes and one-line errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers_meetings import REFERENCE, ROOT, config_text

from ghcommunity.cli.meetings import joining_from_env
from ghcommunity.core.errors import InputError
from ghcommunity.github.client import web_url_for
from ghcommunity.jobs.meetings.calendars import parse_events
from ghcommunity.jobs.meetings.notes import parse_lead_time


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def ghc(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """Run the command line in-process, as `ghcommunity ARGS` would, without GitHub's env."""
    from ghcommunity.cli import main

    for name in ("GITHUB_API_URL", "GITHUB_TOKEN", "GH_TOKEN", "GHCOMMUNITY_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)

    def run(*args: str) -> Result:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return run


def test_plan_lists_meetings_with_local_and_utc_times(ghc: Any) -> None:
    result = ghc(
        "meetings", "plan", "--config", str(REFERENCE), "--from", "2026-03-01",
        "--until", "2026-04-30", "--group", "lean-coffee",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        "2026-03-26  11:00-12:00 GMT   11:00Z  lean-coffee              "
        "lean-coffees/2026-03-26.md  scheduled",
        "2026-04-23  11:00-12:00 BST   10:00Z  lean-coffee              "
        "lean-coffees/2026-04-23.md  scheduled",
    ]


def test_plan_json_has_the_fields_tools_need(ghc: Any) -> None:
    result = ghc(
        "meetings", "plan", "--config", str(REFERENCE), "--from", "2025-12-01",
        "--until", "2025-12-31", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    (lean,) = [m for m in data["meetings"] if m["group"] == "lean-coffee"]
    assert lean == {
        "group": "lean-coffee",
        "date": "2025-12-18",
        "start": "2025-12-18T11:00:00+00:00",
        "end": "2025-12-18T12:00:00+00:00",
        "start_utc": "2025-12-18T11:00:00Z",
        "end_utc": "2025-12-18T12:00:00Z",
        "time_zone": "Europe/London",
        "zone_abbreviation": "GMT",
        "path": "lean-coffees/2025-12-18.md",
        "status": "moved",
        "original_date": "2025-12-25",
        "reason": "moved from Thursday 25 December 2025",
    }
    assert "exists" not in lean  # offline: it did not look


def test_plan_with_now_uses_that_day_as_the_start(ghc: Any) -> None:
    result = ghc(
        "meetings", "plan", "--config", str(REFERENCE), "--now", "2026-03-01T09:00:00Z",
        "--group", "lean-coffee", "--json",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data["from"] == "2026-03-01"
    assert data["until"] == "2026-05-30"
    april = next(m for m in data["meetings"] if m["date"] == "2026-04-23")
    assert april["start_utc"] == "2026-04-23T10:00:00Z"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--group", "nope"], "no group with the slug 'nope'"),
        (["--from", "2026-05-01", "--until", "2026-04-01"], "is before --from"),
        (["--from", "1 May"], "is not a date"),
        (["--now", "yesterday"], "is not an ISO 8601 date-time"),
    ],
)
def test_plan_bad_input_is_exit_2_with_one_line(ghc: Any, args: list[str], message: str) -> None:
    result = ghc("meetings", "plan", "--config", str(REFERENCE), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_clock_problem_in_the_config_is_exit_2_with_file_line_column(
    ghc: Any, tmp_path: Path
) -> None:
    path = tmp_path / "community.yml"
    path.write_text(
        config_text(
            """
            - slug: night-owls
              name: Night owls
              schedule:
                rule: last Sunday monthly
                first: 2026-01-25
                start: "01:30"
            """
        )
    )
    result = ghc("meetings", "plan", "--config", str(path))
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {path}:13:")
    assert "01:30 on Sunday 29 March 2026 does not exist in Europe/London" in line
    assert "(and 59 more meetings like it)" in line


def test_generate_with_meetings_disabled_does_nothing(ghc: Any, tmp_path: Path) -> None:
    path = tmp_path / "community.yml"
    path.write_text(
        config_text(
            """
            - slug: a-group
              name: A
              schedule: {rule: weekly on Monday}
            """,
            "meetings: {enabled: false}\n",
        )
    )
    result = ghc("meetings", "generate", "--config", str(path), "--dry-run")
    assert result.returncode == 0
    assert "disabled" in result.stdout


def test_generate_cannot_reach_github_is_exit_1(ghc: Any) -> None:
    result = ghc(
        "meetings", "generate", "--config", str(REFERENCE), "--dry-run",
        "--api-url", "http://127.0.0.1:9", "--token", "t",
    )  # fmt: skip
    assert result.returncode == 1
    assert "cannot reach GitHub" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_lead_time_is_exit_2(ghc: Any) -> None:
    result = ghc("meetings", "generate", "--config", str(REFERENCE), "--lead-time", "soon")
    assert result.returncode == 2
    assert "--lead-time 'soon'" in result.stderr


def test_calendar_writes_feeds_for_a_website(ghc: Any, tmp_path: Path) -> None:
    out = tmp_path / "feeds"
    result = ghc(
        "meetings", "calendar", "--config", str(REFERENCE), "--out", str(out),
        "--now", "2026-03-01T00:00:00Z",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "all-groups.ics",
        "inclusive-recruitment.ics",
        "lean-coffee.ics",
        "open-source.ics",
    ]
    events = parse_events((out / "lean-coffee.ics").read_text())
    assert len(events) == 36  # 2025 to 2027
    single = ghc("meetings", "calendar", "--config", str(REFERENCE), "--group", "open-source")
    assert single.stdout.startswith("BEGIN:VCALENDAR")


def test_lead_time_text() -> None:
    assert parse_lead_time("14d") == timedelta(days=14)
    assert parse_lead_time("2w") == timedelta(days=14)
    assert parse_lead_time("10") == timedelta(days=10)
    assert parse_lead_time(" 3 weeks ") == timedelta(days=21)
    with pytest.raises(InputError):
        parse_lead_time("400d")


def test_web_url_matches_the_api() -> None:
    assert web_url_for(None) == "https://github.com"
    assert web_url_for("https://api.github.com") == "https://github.com"
    assert web_url_for("https://ghes.example.gov.uk/api/v3") == "https://ghes.example.gov.uk"
    assert web_url_for("http://127.0.0.1:8123") == "http://127.0.0.1:8123"


def test_joining_details_come_from_the_environment_only() -> None:
    from helpers_meetings import reference

    found = joining_from_env(
        reference(),
        {"GHCOMMUNITY_JOINING_LEAN_COFFEE": " https://teams.example/join ", "OTHER": "x"},
    )
    assert found == {"lean-coffee": "https://teams.example/join"}


def test_calendar_feeds_link_notes_in_the_checkout_at_the_repositorys_web_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`meetings calendar` runs in a checkout: a meeting links its notes only when the file is
    there, at the web address given (an Enterprise Server here; in Actions, GITHUB_SERVER_URL)."""
    from click.testing import CliRunner

    from ghcommunity.cli import cli

    config = ROOT / "config" / "community.yml"
    (tmp_path / "lean-coffees").mkdir()
    (tmp_path / "lean-coffees" / "2026-10-22.md").write_text("# notes\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "meetings", "calendar", "--group", "lean-coffee", "--now", "2026-11-01T09:00:00Z",
            "--web-url", "https://ghe.example.gov.uk", "--config", str(config),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    feed = result.output.replace("\r\n ", "").replace("\n ", "")  # iCalendar folds lines
    assert (
        "https://ghe.example.gov.uk/uk-x-gov-software-community/community-space/blob/main/lean-coffees/2026-10-22.md"
        in feed
    )
    assert "lean-coffees/2026-09-24.md" not in feed  # not in the checkout: no link
    assert "https://github.com/" not in feed
