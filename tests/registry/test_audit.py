"""The registry audit, pure: missing fields, last met and dormancy, likely duplicates, publishing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ghcommunity.config import Config, load_config, parse_config
from ghcommunity.core.plan import CloseIssue, Comment, CreateIssue
from ghcommunity.jobs.registry.audit import (
    TRACKING_KEY,
    NotesFolder,
    TrackingIssue,
    audit_registry,
    find_overlaps,
    last_met,
    plan_publish,
    render_markdown,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 11, 1)

# What the community's own pages do not state (../shared/community/): a senior sponsor and
# funding for every group; the leads' names (withheld); a contact for groups whose page names a
# person only; Heads of Engineering publishes no cadence. Everything the pages state is known.
REFERENCE_MISSING = {
    "lean-coffee": ["senior_sponsor", "funding", "contacts", "channels"],
    "community-facilitators": ["senior_sponsor", "funding", "contacts", "channels", "cadence"],
    "sustainable-software": ["senior_sponsor", "funding", "leads", "contacts"],
    "inclusive-recruitment": ["senior_sponsor", "funding", "leads", "contacts", "channels"],
    "open-source": ["senior_sponsor", "funding", "leads", "contacts"],
    "heads-of-engineering": ["senior_sponsor", "funding", "leads", "cadence"],
}


@pytest.fixture(scope="module")
def reference() -> Config:
    return load_config(ROOT / "config" / "community.yml")


def registry(groups: str, registry_yaml: str = "") -> Config:
    return parse_config(
        "community: {name: C, org: o, repo: r}\n"
        f"groups:\n{groups}" + (f"registry:\n{registry_yaml}" if registry_yaml else "")
    )


COMPLETE = """
  - slug: {slug}
    name: {name}
    aim: {aim}
    senior_sponsor: Director of Engineering, Department for Example
    funding: none
    leads: [alice]
    contacts: [{slug}@example.gov.uk]
    channels: {{slack: "#{slug}"}}
    cadence: monthly
    notes_path: notes/{slug}/
"""


def complete(slug: str, name: str, aim: str, **extra: str) -> str:
    text = COMPLETE.format(slug=slug, name=name, aim=aim)
    for key, value in extra.items():
        text += f"    {key}: {value}\n"
    return text


def test_reference_config_reports_exactly_what_is_unknown(reference: Config) -> None:
    report = audit_registry(reference, None, TODAY)
    assert {g.slug: g.missing for g in report.groups} == REFERENCE_MISSING
    assert report.overlaps == []  # the six groups are distinct
    assert all(not g.problems and not g.placeholders for g in report.groups)
    assert not report.ok


def test_nothing_is_invented_for_a_complete_group() -> None:
    config = registry(complete("green", "Green Software", "Measure and cut emissions"))
    report = audit_registry(config, None, TODAY)
    assert report.ok
    assert report.group("green").missing == []


def test_a_missing_senior_sponsor_is_reported() -> None:
    text = complete("green", "Green Software", "Cut emissions").replace(
        "    senior_sponsor: Director of Engineering, Department for Example\n", ""
    )
    report = audit_registry(registry(text), None, TODAY)
    assert report.group("green").missing == ["senior_sponsor"]
    assert not report.ok
    assert (
        "| Green Software | unknown (notes not read; declared active) | senior sponsor | not checked |"
        in render_markdown(report, registry(text))
    )


@pytest.mark.parametrize("placeholder", ["TBC", "unknown", "?"])
def test_a_placeholder_counts_as_unknown_and_is_quoted(placeholder: str) -> None:
    text = complete("green", "Green Software", "Cut emissions").replace(
        "Director of Engineering, Department for Example", f"'{placeholder}'"
    )
    report = audit_registry(registry(text), None, TODAY)
    group = report.group("green")
    assert group.missing == ["senior_sponsor"]
    assert group.placeholders == {"senior_sponsor": placeholder}


def test_funding_none_is_a_known_answer() -> None:
    report = audit_registry(registry(complete("aa", "A", "Aim")), None, TODAY)
    assert "funding" not in report.group("aa").missing


def test_which_fields_are_required_is_configurable_per_kind() -> None:
    config = registry(
        "  - {slug: coffee, name: Coffee, kind: meeting-series, aim: Talk}\n"
        "  - {slug: sig, name: SIG, aim: Things}\n",
        "  required: [aim, senior_sponsor]\n"
        "  required_by_kind: {meeting-series: [aim, schedule, related]}\n",
    )
    report = audit_registry(config, None, TODAY)
    assert report.group("coffee").missing == ["schedule", "related"]
    assert report.group("sig").missing == ["senior_sponsor"]


def test_an_unknown_required_field_is_a_config_error_with_its_line() -> None:
    from ghcommunity.config import ConfigError

    with pytest.raises(ConfigError, match=r"<config>:5:\d+: registry.required\[1\]"):
        registry("  - {slug: a, name: A}\n", "  required: [aim, sponsor]\n")


def test_closed_groups_are_not_checked() -> None:
    report = audit_registry(
        registry("  - {slug: old, name: Old, status: closed}\n"),
        {"old": NotesFolder("x", exists=False)},
        TODAY,
    )
    assert report.ok
    assert report.group("old").remarks == ["closed: not checked"]


# -- when a group last met -------------------------------------------------------------------------


def folder(*files: str, commit: datetime | None = None) -> NotesFolder:
    return NotesFolder("notes/green", exists=True, files=files, last_commit=commit)


def test_last_met_is_the_newest_dated_notes_file_not_in_the_future() -> None:
    notes = folder("2025-03-27.md", "2025-09-25-lean-coffee.md", "2025-12-18.md", "README.md")
    assert last_met(notes, TODAY) == (date(2025, 9, 25), "2025-09-25-lean-coffee.md")


def test_notes_one_folder_down_count() -> None:
    notes = folder("2024/2024-11-20.md", "2025/2025-02-19.md", "index.md")
    assert last_met(notes, TODAY) == (date(2025, 2, 19), "2025/2025-02-19.md")


def test_undated_notes_fall_back_to_the_latest_commit() -> None:
    notes = folder("march.md", "april.md", commit=datetime(2025, 4, 30, 17, tzinfo=UTC))
    assert last_met(notes, TODAY) == (date(2025, 4, 30), "latest commit touching the folder")


def test_an_impossible_date_in_a_file_name_is_ignored() -> None:
    assert last_met(folder("2025-02-30.md"), TODAY) == (None, None)


def seven_months() -> tuple[Config, dict[str, NotesFolder]]:
    config = registry(complete("green", "Green Software", "Cut emissions"))
    notes = {"green": NotesFolder("notes/green", True, ("2025-03-27.md", "2025-04-01.md"))}
    return config, notes


def test_a_group_whose_newest_notes_are_seven_months_old_is_reported_defunct() -> None:
    config, notes = seven_months()
    report = audit_registry(config, notes, TODAY)
    group = report.group("green")
    assert group.last_met == date(2025, 4, 1)
    assert group.problems == [
        "has not met since 2025-04-01, over 6 months ago: defunct under the terms of reference "
        "(mark it dormant or closed, or add its latest notes)"
    ]
    assert not report.ok


def test_six_months_to_the_day_is_not_yet_defunct() -> None:
    config, _ = seven_months()
    notes = {"green": NotesFolder("notes/green", True, ("2025-05-01.md",))}
    assert audit_registry(config, notes, TODAY).ok


def test_the_dormant_threshold_is_configurable() -> None:
    config = registry(complete("green", "Green", "Aim"), "  dormant_months: 9\n")
    _, notes = seven_months()
    assert audit_registry(config, notes, TODAY).ok


def test_a_group_marked_dormant_that_met_recently_is_reported() -> None:
    config = registry(complete("green", "Green", "Aim", status="dormant"))
    notes = {"green": NotesFolder("notes/green", True, ("2025-10-02.md",))}
    (problem,) = audit_registry(config, notes, TODAY).group("green").problems
    assert problem == "marked dormant but met on 2025-10-02: set its status to active"


def test_a_group_marked_dormant_that_has_not_met_is_consistent() -> None:
    config = registry(complete("green", "Green", "Aim", status="dormant"))
    _, notes = seven_months()
    assert audit_registry(config, notes, TODAY).ok


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        (NotesFolder("notes/green", False), "no notes folder notes/green/"),
        (NotesFolder("notes/green", True, ("README.md",)), "no dated notes in notes/green/"),
        (
            NotesFolder("notes/green", True, ("2026-01-15.md",)),
            "only notes of future meetings in notes/green/",
        ),
    ],
)
def test_when_it_last_met_is_unknown_it_says_why(notes: NotesFolder, expected: str) -> None:
    config = registry(complete("green", "Green", "Aim"))
    (problem,) = audit_registry(config, {"green": notes}, TODAY).group("green").problems
    assert problem == f"{expected}: when it last met is unknown"


def test_notes_in_the_default_folder_are_used_and_the_path_is_still_asked_for() -> None:
    config = registry("  - {slug: green, name: Green, aim: Aim}\n", "  required: [notes_path]\n")
    notes = {"green": NotesFolder("special-interest-meetings/green", True, ("2025-10-01.md",))}
    group = audit_registry(config, notes, TODAY).group("green")
    assert group.missing == ["notes_path"]
    assert group.last_met == date(2025, 10, 1)
    assert group.remarks == [
        "notes found in the default folder special-interest-meetings/green/; set notes_path"
    ]


# -- likely duplicates -----------------------------------------------------------------------------


def test_two_near_duplicate_groups_are_reported_with_a_score() -> None:
    config = registry(
        complete("green-software", "Green Software", "Reduce the carbon footprint of services")
        + complete(
            "sustainable-software",
            "Green software engineering",
            "Reduce the carbon footprint of our digital services",
        )
        + complete("open-source", "Open Source", "Code in the open")
    )
    report = audit_registry(config, None, TODAY)
    (overlap,) = report.overlaps
    assert (overlap.a, overlap.b) == ("green-software", "sustainable-software")
    assert overlap.score >= 80
    assert any(r.startswith("similar names") for r in overlap.reasons)
    assert any(r.startswith("similar aims") for r in overlap.reasons)
    assert not report.ok
    markdown = render_markdown(report, config)
    assert "**Green Software** and **Green software engineering**: score" in markdown


def test_a_shared_channel_is_a_likely_duplicate() -> None:
    config = registry(
        complete("testing", "Testing", "Test automation")
        + complete("quality", "Quality engineering", "Quality").replace(
            '{slack: "#quality"}', '{slack: "#Testing"}'
        )
    )
    (overlap,) = audit_registry(config, None, TODAY).overlaps
    assert overlap.score == 100
    assert overlap.reasons == ("both use #testing",)


def test_groups_that_list_each_other_as_related_are_not_reported() -> None:
    config = registry(
        complete("green-software", "Green Software", "Cut carbon", related="[green-ops]")
        + complete("green-ops", "Green Software Ops", "Cut carbon")
    )
    assert find_overlaps(config.groups, 80) == []


def test_the_duplicate_threshold_is_configurable() -> None:
    groups = complete("aa", "Lean Coffee", "x") + complete("bb", "Lean Coffee North", "y")
    assert audit_registry(registry(groups), None, TODAY).overlaps
    strict = registry(groups, "  duplicate_threshold: 99\n")
    assert audit_registry(strict, None, TODAY).overlaps == []


# -- the tracking issue ----------------------------------------------------------------------------


def test_findings_open_or_update_the_one_tracking_issue_and_reopen_it() -> None:
    config, notes = seven_months()
    report = audit_registry(config, notes, TODAY)
    for tracking in (None, TrackingIssue(4, "closed"), TrackingIssue(4, "open")):
        (op,) = plan_publish(report, config, tracking).operations
        assert isinstance(op, CreateIssue)
        assert op.key == TRACKING_KEY
        assert op.reopen
        assert op.title == "Community registry audit"
        assert "has not met since 2025-04-01" in op.body
        assert TODAY.isoformat() not in op.body  # no run date: edited only when findings change


def test_all_well_closes_the_open_tracking_issue_with_a_short_comment() -> None:
    config = registry(complete("green", "Green", "Aim"))
    report = audit_registry(config, None, TODAY)
    update, comment, close = plan_publish(report, config, TrackingIssue(4, "open")).operations
    assert isinstance(update, CreateIssue)
    assert not update.reopen
    assert "All 1 groups pass" in update.body
    assert isinstance(comment, Comment)
    assert comment.issue == 4
    assert comment.key == f"{TRACKING_KEY}-passed-2025-11-01"
    assert isinstance(close, CloseIssue)
    assert close.reason == "completed"


@pytest.mark.parametrize("tracking", [None, TrackingIssue(4, "closed")])
def test_all_well_and_no_open_issue_does_nothing(tracking: TrackingIssue | None) -> None:
    config = registry(complete("green", "Green", "Aim"))
    plan = plan_publish(audit_registry(config, None, TODAY), config, tracking)
    assert not plan
    assert plan.notes == ["every group passes; no open tracking issue to close"]


def test_json_report_shape(reference: Config) -> None:
    data = audit_registry(reference, None, TODAY).to_dict()
    assert data["ok"] is False
    assert data["failures"] == sum(len(v) for v in REFERENCE_MISSING.values())
    first = data["groups"][0]
    assert first["slug"] == "lean-coffee"
    assert first["notes_url"] == (
        "https://github.com/uk-x-gov-software-community/community-space/tree/main/lean-coffees"
    )
    assert first["last_met"] is None
    assert first["notes_checked"] is False
