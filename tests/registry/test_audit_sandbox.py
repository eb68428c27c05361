"""`ghcommunity audit` end to end: notes dates read from the sandbox, and the tracking issue."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from ghcommunity.cli import cli
from ghcommunity.config import load_config
from ghcommunity.core.plan import marker_key
from ghcommunity.jobs.registry.audit import TRACKING_KEY, audit_registry
from ghcommunity.jobs.registry.read import read_notes

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "community.yml"
REPO = "uk-x-gov-software-community/community-space"
NOW = "2025-11-01T09:00:00Z"


def audit(sandbox: Any, *args: str, config: Path = CONFIG) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "audit",
            "--config",
            str(config),
            "--api-url",
            sandbox.url,
            "--token",
            "test-token",
            "--now",
            NOW,
            *args,
        ],
    )


def put_notes(sandbox: Any, *paths: str) -> None:
    for path in paths:
        sandbox.state.put_file(REPO, path, f"# Notes\n\n{path}\n")


def test_reference_config_against_the_repo_reports_what_is_unknown(
    sandbox: Any, github: Any
) -> None:
    put_notes(
        sandbox,
        "lean-coffees/2025-09-25.md",
        "lean-coffees/2025-10-30.md",
        "lean-coffees/2025-11-27.md",  # prepared ahead: not a meeting yet
        "special-interest-meetings/open-source/2025/2025-10-10.md",
    )
    sandbox.state.put_file(
        REPO, "community-facilitators-meetings/notes.md", "x", date="2025-10-06T17:00:00Z"
    )
    config = load_config(CONFIG)
    sandbox.reset_stats()
    notes = read_notes(github, config)
    assert sandbox.stats()["total"] == 1  # every group's folder in one GraphQL request
    report = audit_registry(config, notes, date(2025, 11, 1))
    met = {
        g.slug: (g.last_met and g.last_met.isoformat(), g.last_met_source) for g in report.groups
    }
    assert met == {
        "lean-coffee": ("2025-10-30", "2025-10-30.md"),
        "community-facilitators": ("2025-10-06", "latest commit touching the folder"),
        "sustainable-software": (None, None),
        "inclusive-recruitment": (None, None),
        "open-source": ("2025-10-10", "2025/2025-10-10.md"),
        "heads-of-engineering": (None, None),
    }
    problems = {g.slug: g.problems for g in report.groups if g.problems}
    assert problems == {
        slug: [f"no notes folder special-interest-meetings/{slug}/: when it last met is unknown"]
        for slug in ("sustainable-software", "inclusive-recruitment", "heads-of-engineering")
    }
    assert report.group("open-source").remarks == []  # its notes path is set


def complete_registry(tmp_path: Path, extra: str = "") -> Path:
    text = (
        "community: {name: C, org: uk-x-gov-software-community, repo: community-space}\n"
        "groups:\n"
        "  - slug: green-software\n"
        "    name: Green Software\n"
        "    aim: Measure and cut the carbon of the services we run\n"
        "    senior_sponsor: Chief Technology Officer, Department for Example\n"
        "    funding: none\n"
        "    leads: [alice]\n"
        "    contacts: [green-software@example.gov.uk]\n"
        "    channels: {slack: '#green-software'}\n"
        "    cadence: monthly\n"
        "    notes_path: special-interest-meetings/green-software/\n"
        f"{extra}"
        "registry:\n"
        "  tracking_issue_labels: [registry]\n"
    )
    path = tmp_path / "registry.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_group_whose_newest_notes_are_seven_months_old_fails_strict(
    sandbox: Any, tmp_path: Path
) -> None:
    put_notes(
        sandbox,
        "special-interest-meetings/green-software/2025-02-27.md",
        "special-interest-meetings/green-software/2025-03-27.md",
    )
    config = complete_registry(tmp_path)
    result = audit(sandbox, "--format", "json", "--strict", config=config)
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    (group,) = data["groups"]
    assert group["missing"] == []
    assert group["last_met"] == "2025-03-27"
    assert group["problems"] == [
        "has not met since 2025-03-27, over 6 months ago: defunct under the terms of reference "
        "(mark it dormant or closed, or add its latest notes)"
    ]
    # Without --strict the same findings exit 0: the report is the output.
    assert audit(sandbox, config=config).exit_code == 0


def test_a_healthy_registry_passes_strict(sandbox: Any, tmp_path: Path) -> None:
    put_notes(sandbox, "special-interest-meetings/green-software/2025-10-23.md")
    result = audit(sandbox, "--strict", config=complete_registry(tmp_path))
    assert result.exit_code == 0, result.output
    assert "All 1 groups pass the registry audit." in result.stdout


def tracking_issues(sandbox: Any) -> list[Any]:
    repo = sandbox.state.repo(REPO)
    return [i for i in repo.issues.values() if marker_key(i.body) == TRACKING_KEY]


def test_publish_keeps_one_tracking_issue_closes_it_and_reopens_it(
    sandbox: Any, tmp_path: Path
) -> None:
    put_notes(sandbox, "special-interest-meetings/green-software/2025-03-27.md")
    config = complete_registry(tmp_path)

    first = audit(sandbox, "--publish", config=config)
    assert first.exception is None, first.output
    (issue,) = tracking_issues(sandbox)
    assert issue.title == "Community registry audit"
    assert issue.state == "open"
    assert [lab.name for lab in issue.labels] == ["registry"]
    assert "has not met since 2025-03-27" in issue.body

    # The same findings again: no write. The JSON report carries what was done.
    sandbox.reset_stats()
    again = audit(sandbox, "--publish", "--format", "json", config=config)
    assert again.exception is None, again.output
    data = json.loads(again.stdout)
    assert [o["status"] for o in data["outcomes"]] == ["unchanged"]
    assert data["operations"][0]["op"] == "create_issue"
    assert data["groups"][0]["last_met"] == "2025-03-27"
    assert sandbox.stats()["writes"] == 0
    assert len(tracking_issues(sandbox)) == 1

    # The group meets again: the issue is updated, gets a short comment and is closed.
    put_notes(sandbox, "special-interest-meetings/green-software/2025-10-23.md")
    result = audit(sandbox, "--publish", config=config)
    assert result.exception is None, result.output
    (issue,) = tracking_issues(sandbox)
    assert issue.state == "closed"
    assert "All 1 groups pass" in issue.body
    assert [marker_key(c.body) for c in issue.comments] == [f"{TRACKING_KEY}-passed-2025-11-01"]
    sandbox.reset_stats()
    assert audit(sandbox, "--publish", config=config).exception is None
    assert sandbox.stats()["writes"] == 0

    # A finding returns (a missing sponsor): the same issue is reopened and updated.
    config.write_text(
        config.read_text().replace(
            "    senior_sponsor: Chief Technology Officer, Department for Example\n", ""
        )
    )
    result = audit(sandbox, "--publish", config=config)
    assert result.exception is None, result.output
    (issue,) = tracking_issues(sandbox)
    assert issue.state == "open"
    assert "| Green Software | active | senior sponsor | 2025-10-23 |" in issue.body


def test_publish_dry_run_writes_nothing(sandbox: Any, tmp_path: Path) -> None:
    put_notes(sandbox, "special-interest-meetings/green-software/2025-03-27.md")
    sandbox.reset_stats()
    result = audit(sandbox, "--publish", "--dry-run", config=complete_registry(tmp_path))
    assert result.exception is None, result.output
    assert "open issue [registry-audit]: Community registry audit" in result.stderr
    assert sandbox.stats()["writes"] == 0
    assert tracking_issues(sandbox) == []


def test_no_notes_needs_no_github(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["audit", "--no-notes", "--config", str(CONFIG), "--api-url", "http://127.0.0.1:9"],
    )
    assert result.exit_code == 0, result.output
    assert (
        "| Lean Coffee | unknown (notes not read; declared active) | senior sponsor, funding, contacts, "
        "channels | not checked |" in (result.stdout)
    )
