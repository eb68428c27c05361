"""What a maintainer reads in the audit and the directory, against the sample community: the
audit's table shows the one verdict the directory shows; every link goes to the web host that
matches the API URL; the calendar link is the feed's raw file; the length is said once."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from ghcommunity.cli import cli
from ghcommunity.config import load_config, parse_config
from ghcommunity.jobs.registry.directory import describe_time, render_html, render_markdown

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "community.yml"
NOW = "2026-11-16T09:00:00Z"  # the sample seed's day


def invoke(sandbox: Any, command: str, *args: str) -> Result:
    result = CliRunner().invoke(
        cli,
        [
            command,
            *("--config", str(CONFIG), "--api-url", f"{sandbox.url}/api/v3", "--token", "t"),
            *("--now", NOW, *args),
        ],
    )
    assert result.exit_code == 0, result.output
    return result


def rows(markdown: str) -> dict[str, list[str]]:
    """The audit table: group name → its cells."""
    found = {}
    for line in markdown.splitlines():
        if line.startswith("| ") and not line.startswith("| Group"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            found[cells[0]] = cells
    return found


def directory_status(markdown: str, name: str) -> str:
    block = markdown.split(f"### {name}", 1)[1].split("\n### ", 1)[0]
    match = re.search(r"- \*\*Status:\*\* (\w+)", block)
    assert match, block
    return match.group(1).lower()


def test_the_audit_table_shows_the_verdict_the_directory_shows(sample_sandbox: Any) -> None:
    audit = invoke(sample_sandbox, "audit").stdout
    table = rows(audit)
    # The config declares every group active; the notes say otherwise for two of them.
    assert table["Inclusive Recruitment"][1] == "dormant (declared active)"
    assert table["Heads of Engineering"][1] == "unknown (declared active)"
    assert table["Lean Coffee"][1] == "active"
    directory = invoke(sample_sandbox, "directory").stdout
    for name, cells in table.items():
        assert cells[1].split(" ")[0] == directory_status(directory, name), name
    data = invoke(sample_sandbox, "audit", "--json").stdout
    assert '"verdict": "dormant (declared active)"' in data


def test_directory_links_go_to_the_web_host_of_the_api(sample_sandbox: Any) -> None:
    text = invoke(sample_sandbox, "directory").stdout
    assert "https://github.com" not in text
    links = [x for x in re.findall(r"\]\((http[^)]+)\)", text) if "slack.com" not in x]
    assert len(links) >= 18
    assert all(link.startswith(f"{sample_sandbox.url}/") for link in links), links
    repo = "uk-x-gov-software-community/community-space"
    assert f"({sample_sandbox.url}/{repo}/raw/main/calendars/lean-coffee.ics)" in text
    assert "/blob/main/calendars/" not in text
    assert "subscribing needs access to that repository" in text


def test_enterprise_server_links_and_the_calendar_feed() -> None:
    config = load_config(CONFIG)
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    web = "https://github.example.gov.uk"
    for text in (
        render_markdown(config, now, web_url=web),
        render_html(config, now, web_url=web),
    ):
        assert "https://github.com" not in text
        assert f"{web}/uk-x-gov-software-community/community-space/raw/main/calendars/" in text
        assert "subscribing needs access to that repository" in text


def test_the_length_is_said_once() -> None:
    config = load_config(CONFIG)
    text = render_markdown(config, datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    (meets,) = [
        line
        for line in text.split("### Inclusive Recruitment", 1)[1].splitlines()
        if line.startswith("- **Meets:**")
    ][:1]
    assert meets.count("1 hour") == 1, meets
    assert meets.endswith("; 13:00 to 14:00 UK time"), meets
    schedule = (
        parse_config(
            "community: {name: C, org: o, repo: r}\n"
            "groups:\n"
            "  - {slug: aa, name: A, schedule: {rule: fourth Thursday monthly, duration: 90}}\n"
        )
        .groups[0]
        .schedule
    )
    assert schedule is not None
    assert describe_time(schedule, "Europe/London") == "11:00 to 12:30 UK time (1 hour 30 minutes)"
    assert describe_time(schedule, "Europe/London", "monthly, for 1 hour 30 minutes") == (
        "11:00 to 12:30 UK time"
    )
    # A different length in the words: the schedule's length is still said.
    assert describe_time(schedule, "Europe/London", "monthly, for 1 hour").endswith(
        "(1 hour 30 minutes)"
    )
