"""The directory shows what the audit asks for, and its status agrees with the audit's verdict."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import pytest

from ghcommunity.config import Config, load_config, parse_config
from ghcommunity.core.held import DatedNotes, group_health
from ghcommunity.jobs.registry.audit import NotesFolder, audit_registry, health_of
from ghcommunity.jobs.registry.directory import render_html, render_json, render_markdown

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)


def _a11y() -> ModuleType:
    """The digest's HTML checker (tests/digest/a11y.py), for the directory's page too."""
    spec = importlib.util.spec_from_file_location(
        "a11y_for_directory", ROOT / "tests" / "digest" / "a11y.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reference() -> Config:
    return load_config(ROOT / "config" / "community.yml")


def test_every_field_the_audit_asks_for_is_shown() -> None:
    config = parse_config(
        "community: {name: C, org: o, repo: r}\n"
        "groups:\n"
        "  - slug: coffee\n"
        "    name: Coffee\n"
        "    aim: Talk.\n"
        "    senior_sponsor: Chief Technology Officer, CDDO\n"
        "    funding: none\n"
        "    contacts: [coffee@example.gov.uk]\n"
        "    channels: {slack: '#coffee', slack_url: 'https://example.slack.com/archives/C1'}\n"
        "    cadence: monthly\n"
        "    notes_path: coffee/\n"
        "    schedule: {rule: fourth Thursday monthly, start: '11:00', duration: 45}\n"
    )
    health = {"coffee": group_health([DatedNotes(date(2026, 12, 24), True)], NOW.date(), 6)}
    text = render_markdown(config, NOW, health)
    assert "- **Senior sponsor:** Chief Technology Officer, CDDO" in text
    assert "- **Funding:** none" in text
    assert "- **Meets:** monthly, 11:00 to 11:45 UK time (45 minutes)" in text
    assert "- **Next meeting:** Thursday 28 January 2027, 11:00–11:45 (UK time)" in text
    assert (
        "- **Calendar:** [subscribe to this group's calendar]"
        "(https://github.com/o/r/raw/main/calendars/coffee.ics) (needs access to the repository)"
        in text
    )
    assert "- **Status:** Active: last met on 2026-12-24" in text
    assert "- **Channels:** Slack [#coffee](https://example.slack.com/archives/C1)" in text
    assert "- **Notes:** [coffee/](https://github.com/o/r/tree/main/coffee)" in text
    data = render_json(config, NOW, health)["sections"][0]["groups"][0]
    assert (data["health"], data["last_met"]) == ("active", "2026-12-24")


def test_status_is_the_audits_verdict_dormant_unknown_or_active(reference: Config) -> None:
    folders = {
        # Met in December: active.
        "lean-coffee": NotesFolder("lean-coffees", True, ("2026-12-17.md",)),
        # Last held notes in March: dormant under the terms of reference.
        "open-source": NotesFolder(
            "special-interest-meetings/open-source", True, ("2026-03-06.md",)
        ),
        # Only the bot's untouched file for December: no meeting recorded, so unknown.
        "inclusive-recruitment": NotesFolder(
            "special-interest-meetings/inclusive-recruitment",
            True,
            ("2026-12-09.md",),
            untouched=frozenset({"2026-12-09.md"}),
        ),
        # Nothing at all: unknown, never defunct.
        "heads-of-engineering": NotesFolder(
            "special-interest-meetings/heads-of-engineering", False
        ),
    }
    report = audit_registry(reference, folders, NOW.date())
    health = {slug: health_of(f, NOW.date(), 6) for slug, f in folders.items()}
    for slug, verdict in health.items():
        audit = report.group(slug)
        assert audit.health == verdict.health
        assert audit.last_met == verdict.last_met
    text = render_markdown(reference, NOW, health)
    assert "- **Status:** Active: last met on 2026-12-17" in text
    assert "- **Status:** Dormant: has not met since 2026-03-06, over 6 months ago" in text
    assert "- **Status:** Unknown: no notes" in text
    assert report.group("inclusive-recruitment").last_met is None  # the untouched file


def test_the_html_page_passes_the_accessibility_checker(reference: Config, tmp_path: Path) -> None:
    health = {"lean-coffee": group_health([DatedNotes(date(2026, 3, 26), True)], NOW.date(), 6)}
    page = render_html(reference, NOW, health)
    assert _a11y().check(page) == []
    assert page.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert page.count("<h1>") == 1
    assert '<dd class="status-dormant">Dormant: has not met since 2026-03-26' in page
    assert "<script" not in page
    # What people wrote cannot become markup.
    config = parse_config(
        "community: {name: C, org: o, repo: r}\n"
        "groups: [{slug: x1, name: '<script>alert(1)</script>', aim: 'a & b'}]\n"
    )
    page = render_html(config, NOW)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert _a11y().check(page) == []
