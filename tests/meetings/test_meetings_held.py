"""Held versus planned (core/held.py), moves after generation, and the calendar fixes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from helpers_meetings import make_config

from ghcommunity.core.held import (
    DatedNotes,
    content_hash,
    group_health,
    is_untouched,
    notes_state,
    stamp,
)
from ghcommunity.core.plan import CommitFiles, OpenPullRequest
from ghcommunity.jobs.meetings.calendars import parse_events
from ghcommunity.jobs.meetings.notes import (
    Rendering,
    RepoView,
    agenda_title,
    meeting_ics,
    plan_generate,
    plan_meetings,
)

REPO = "uk-x-gov-software-community/community-space"


# -- the marker ---------------------------------------------------------------------------------


def test_an_untouched_file_is_planned_and_any_edit_makes_it_held() -> None:
    text = stamp("# Lean Coffee\n\n## Attendees\n\n-\n")
    assert text.endswith(f"<!-- ghcommunity:generated sha256={content_hash(text)} -->\n")
    assert notes_state(text) == "untouched"
    # An editor's line endings or a final newline do not count as an edit.
    assert notes_state(text.replace("\n", "\r\n")) == "untouched"
    assert notes_state(text + "\n\n") == "untouched"
    # A name under Attendees does.
    assert notes_state(text.replace("-\n", "- Ada\n", 1)) == "held"
    # A file without the marker was written by people (or before the bot): held.
    assert notes_state("# Notes\n\nWe met.\n") == "held"
    assert not is_untouched(None)
    # Restamping is stable (rendering twice gives the same bytes).
    assert stamp(text) == text


def test_one_verdict_for_a_group_active_dormant_or_unknown() -> None:
    today = date(2027, 1, 5)
    held = [DatedNotes(date(2026, 11, 26), True, "2026-11-26.md")]
    planned = [DatedNotes(date(2026, 12, 9), False, "2026-12-09.md")]
    verdict = group_health(held + planned, today, 6)
    assert (verdict.health, verdict.last_met) == ("active", date(2026, 11, 26))
    # Only the bot's untouched notes: no evidence the group met, but not yet six months.
    only_planned = group_health(planned, today, 6)
    assert (only_planned.health, only_planned.last_met) == ("unknown", None)
    # Nothing at all: unknown, never dormant.
    assert group_health([], today, 6).health == "unknown"
    # Held long ago: dormant, with the date.
    old = group_health([DatedNotes(date(2026, 3, 1), True)], today, 6)
    assert (old.health, old.last_met) == ("dormant", date(2026, 3, 1))
    # Planned meetings over more than six months, every one left empty: dormant.
    empty = [DatedNotes(date(2026, m, 10), False) for m in range(5, 13)]
    assert group_health(empty, today, 6).health == "dormant"
    # Future notes are never evidence.
    assert group_health([DatedNotes(date(2027, 2, 1), True)], today, 6).health == "unknown"


# -- moves and cancellations after generation ----------------------------------------------------

GROUPS = """
- slug: lean-coffee
  name: Lean Coffee
  notes_path: lean-coffees/
  schedule:
    rule: fourth Thursday monthly
    {extra}
"""


def _texts(config_text_extra: str, now: datetime) -> dict[str, str]:
    config = make_config(GROUPS.format(extra=config_text_extra))
    result = plan_generate(config, now, RepoView(default_branch="main"))
    (commit,) = [op for op in result.plan.operations if isinstance(op, CommitFiles)]
    return {f.path: f.content for f in commit.files}


def test_a_moved_meeting_removes_the_bots_untouched_file_and_fixes_its_links() -> None:
    # Notes for 26 November and 24 December were generated and merged; nobody edited them.
    nov = _texts("", datetime(2026, 11, 20, 8, 0, tzinfo=UTC))["lean-coffees/2026-11-26.md"]
    dec = _texts("", datetime(2026, 12, 11, 8, 0, tzinfo=UTC))
    assert "Next meeting: [Thursday 24 December 2026](2026-12-24.md)" in nov
    view = RepoView(
        default_branch="main",
        default_files={
            "lean-coffees/2026-11-26.md": "a",
            "lean-coffees/2026-12-24.md": "b",
            "lean-coffees/2026-12-24.ics": "c",
        },
        branch="ghcommunity/meeting-notes",
        texts={
            "lean-coffees/2026-11-26.md": nov,
            "lean-coffees/2026-12-24.md": dec["lean-coffees/2026-12-24.md"],
        },
    )
    # Then the meeting moved to 17 December.
    moved = make_config(GROUPS.format(extra="moved: [{from: 2026-12-24, to: 2026-12-17}]"))
    result = plan_generate(moved, datetime(2026, 12, 5, 8, 0, tzinfo=UTC), view)
    (commit,) = [op for op in result.plan.operations if isinstance(op, CommitFiles)]
    changes = {f.path: f for f in commit.files}
    assert changes["lean-coffees/2026-12-24.md"].delete
    assert changes["lean-coffees/2026-12-24.ics"].delete
    assert "lean-coffees/2026-12-17.md" in changes
    fixed = changes["lean-coffees/2026-11-26.md"]
    assert fixed.if_exists == "update"
    assert "Next meeting: [Thursday 17 December 2026](2026-12-17.md)" in fixed.content
    assert is_untouched(fixed.content)  # still the bot's own: it may fix it again
    assert result.removed == ["lean-coffees/2026-12-24.md", "lean-coffees/2026-12-24.ics"]
    (pull,) = [op for op in result.plan.operations if isinstance(op, OpenPullRequest)]
    assert "2026-12-24 (moved to 2026-12-17)" in pull.body

    # Once people edited the 24 December notes, the bot never touches them: it names them.
    view.texts["lean-coffees/2026-12-24.md"] += "\nWe agreed to meet on the 17th instead.\n"
    view.texts["lean-coffees/2026-11-26.md"] = nov.replace("-\n", "- Ada\n", 1)  # held
    result = plan_generate(moved, datetime(2026, 12, 5, 8, 0, tzinfo=UTC), view)
    (commit,) = [op for op in result.plan.operations if isinstance(op, CommitFiles)]
    assert {f.path for f in commit.files if f.path.endswith(".md")} == {
        "lean-coffees/2026-12-17.md"
    }
    assert not any(f.delete for f in commit.files)
    assert result.kept == ["lean-coffees/2026-12-24.md"]
    (pull,) = [op for op in result.plan.operations if isinstance(op, OpenPullRequest)]
    assert "**Please decide**" in pull.body
    assert "`lean-coffees/2026-12-24.md`" in pull.body


def test_a_cancelled_meeting_after_generation_is_removed_too() -> None:
    dec = _texts("", datetime(2026, 12, 11, 8, 0, tzinfo=UTC))
    view = RepoView(
        default_branch="main",
        default_files={"lean-coffees/2026-12-24.md": "b"},
        texts={"lean-coffees/2026-12-24.md": dec["lean-coffees/2026-12-24.md"]},
    )
    config = make_config(GROUPS.format(extra="cancelled: [2026-12-24]"))
    result = plan_generate(config, datetime(2026, 12, 12, 8, 0, tzinfo=UTC), view, mode="commit")
    (commit,) = [op for op in result.plan.operations if isinstance(op, CommitFiles)]
    assert [f.path for f in commit.files if f.delete] == ["lean-coffees/2026-12-24.md"]
    assert any("cancelled; no notes" in n for n in result.plan.notes)
    assert not any("cancelled (cancelled)" in n for n in result.plan.notes)


# -- calendar and wording fixes ------------------------------------------------------------------


def test_a_cancelled_meetings_calendar_entry_links_no_notes_and_dtstamp_is_when_made() -> None:
    config = make_config(GROUPS.format(extra="cancelled: [2026-12-24]"))
    (meeting,) = plan_meetings(config, date(2026, 12, 24), date(2026, 12, 24))
    made = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    text = meeting_ics(config, meeting, Rendering(repo=REPO), made)
    assert "2026-12-24.md" not in text
    assert "Notes:" not in text
    assert "DTSTAMP:20261201T093000Z" in text
    (event,) = parse_events(text)
    assert event["status"] == "CANCELLED"


def test_agenda_items_do_not_repeat_agenda_from_their_titles() -> None:
    assert agenda_title("Agenda: carbon budgets") == "carbon budgets"
    assert agenda_title("[Agenda] - pairing") == "pairing"
    assert agenda_title("agenda item: open code") == "open code"
    assert agenda_title("Agendas for hack days") == "Agendas for hack days"
    assert agenda_title("Agenda:") == "Agenda:"


def test_an_edited_file_linking_to_a_removed_one_is_named_not_changed() -> None:
    nov = _texts("", datetime(2026, 11, 20, 8, 0, tzinfo=UTC))["lean-coffees/2026-11-26.md"]
    dec = _texts("", datetime(2026, 12, 11, 8, 0, tzinfo=UTC))["lean-coffees/2026-12-24.md"]
    view = RepoView(
        default_branch="main",
        default_files={"lean-coffees/2026-11-26.md": "a", "lean-coffees/2026-12-24.md": "b"},
        texts={
            "lean-coffees/2026-11-26.md": nov.replace("-\n", "- Ada\n", 1),
            "lean-coffees/2026-12-24.md": dec,
        },
    )
    moved = make_config(GROUPS.format(extra="moved: [{from: 2026-12-24, to: 2026-12-17}]"))
    result = plan_generate(moved, datetime(2026, 12, 5, 8, 0, tzinfo=UTC), view)
    (commit,) = [op for op in result.plan.operations if isinstance(op, CommitFiles)]
    assert "lean-coffees/2026-11-26.md" not in {f.path for f in commit.files}
    assert result.removed == ["lean-coffees/2026-12-24.md"]
    (pull,) = [op for op in result.plan.operations if isinstance(op, OpenPullRequest)]
    assert "- `lean-coffees/2026-11-26.md` links to `lean-coffees/2026-12-24.md`" in pull.body


def test_notes_people_wrote_for_an_extra_meeting_are_none_of_the_bots_business() -> None:
    view = RepoView(
        default_branch="main",
        default_files={"lean-coffees/2026-12-15.md": "a"},
        texts={"lean-coffees/2026-12-15.md": "# An extra session\n\nWe will meet on the 15th.\n"},
    )
    config = make_config(GROUPS.format(extra=""))
    result = plan_generate(config, datetime(2026, 12, 5, 8, 0, tzinfo=UTC), view)
    assert (result.removed, result.kept) == ([], [])
    for op in result.plan.operations:
        if isinstance(op, OpenPullRequest):
            assert "Please decide" not in op.body
