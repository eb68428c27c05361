"""End to end against the sandbox: notes the bot generated are planned meetings until people use
them; the audit and the digest agree; a meeting that moves after its notes were merged loses the
bot's untouched file and links, while a file people edited is named, never touched."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ghcommunity.config import Config, parse_config
from ghcommunity.core.plan import OpenPullRequest
from ghcommunity.github.contents import read_text
from ghcommunity.github.executor import Executor
from ghcommunity.jobs.digest.metrics import DigestSettings, compute, window
from ghcommunity.jobs.digest.store import Store
from ghcommunity.jobs.digest.sync import settings_from_config, sync_repo
from ghcommunity.jobs.meetings.read import generate
from ghcommunity.jobs.registry.audit import audit_registry
from ghcommunity.jobs.registry.read import read_notes

REPO = "uk-x-gov-software-community/community-space"
BRANCH = "ghcommunity/meeting-notes"

CONFIG = """\
community:
  name: Test community
  org: uk-x-gov-software-community
  repo: community-space
  timezone: Europe/London
  bot_login: ghcommunity[bot]
groups:
  - slug: lean-coffee
    name: Lean Coffee
    aim: An open conversation.
    notes_path: lean-coffees/
    schedule:
      rule: fourth Thursday monthly
      start: "11:00"
{extra}
  - slug: heads-of-engineering
    name: Heads of Engineering
    notes_path: special-interest-meetings/heads-of-engineering/
"""


def config(extra: str = "") -> Config:
    return parse_config(CONFIG.format(extra=textwrap.indent(extra, "      ")), "e2e.yml")


def run(github: Any, cfg: Config, now: datetime, **kwargs: Any) -> Any:
    result = generate(github, cfg, now, **kwargs)
    Executor(github, actor="ghcommunity[bot]").apply(result.plan)
    return result


def merge(sandbox: Any) -> None:
    state = sandbox.state
    repo = state.repo(REPO)
    (pull,) = [
        i
        for i in repo.issues.values()
        if i.pull is not None and i.state == "open" and i.pull.head_ref == BRANCH
    ]
    state.merge_pull(pull, state.get_user("ada"))


def audit_and_digest(github: Any, cfg: Config, today: date, month: str) -> tuple[Any, Any]:
    """(the audit's Lean Coffee entry, the digest's Lean Coffee row) on the same data."""
    report = audit_registry(cfg, read_notes(github, cfg), today)
    store = Store("sqlite://")
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    sync_repo(github, store, REPO, settings_from_config(cfg), now=lambda: now)
    settings = DigestSettings.from_config(cfg)
    figures = compute(store.activity(REPO, *window(month, settings)), settings, month)
    store.close()
    row = next(g for g in figures.groups if g.slug == "lean-coffee")
    heads = next(g for g in figures.groups if g.slug == "heads-of-engineering")
    assert heads.health == report.group("heads-of-engineering").health == "unknown"
    assert not heads.dormant
    return report.group("lean-coffee"), row


def test_generated_notes_count_as_held_only_once_people_use_them(sandbox: Any, github: Any) -> None:
    cfg = config()
    run(github, cfg, datetime(2026, 11, 20, 8, 0, tzinfo=UTC))
    merge(sandbox)
    path = "lean-coffees/2026-11-26.md"
    generated = read_text(github, REPO, path, "main")
    assert generated is not None

    # Merged, nobody edited it: a planned meeting, not a held one — in the audit and the digest.
    audit, row = audit_and_digest(github, cfg, date(2026, 12, 5), "2026-11")
    assert audit.last_met is None
    assert audit.health == row.health == "unknown"
    assert (row.meetings, row.last_meeting) == (0, None)
    assert row.planned_not_held == ("2026-11-26",)

    # Someone writes who came: now it was held, and both say so.
    sandbox.state.put_file(
        REPO,
        path,
        generated.replace("## Attendees\n\n-\n", "## Attendees\n\n- @ada\n- Grace Hopper\n"),
    )
    audit, row = audit_and_digest(github, cfg, date(2026, 12, 5), "2026-11")
    assert audit.last_met == date(2026, 11, 26)
    assert row.last_meeting == "2026-11-26"
    assert audit.health == row.health == "active"
    assert row.meetings == 1


def test_a_moved_meeting_after_merging_loses_the_bots_file_and_links_but_never_peoples(
    sandbox: Any, github: Any
) -> None:
    cfg = config()
    run(github, cfg, datetime(2026, 11, 20, 8, 0, tzinfo=UTC))
    merge(sandbox)
    # After 26 November has taken place, the 24 December notes are prepared (30 days ahead).
    run(github, cfg, datetime(2026, 11, 27, 8, 0, tzinfo=UTC), lead_time=timedelta(days=30))
    merge(sandbox)
    nov = read_text(github, REPO, "lean-coffees/2026-11-26.md", "main")
    assert nov is not None
    assert "Next meeting: [Thursday 24 December 2026](2026-12-24.md)" in nov
    assert read_text(github, REPO, "lean-coffees/2026-12-24.ics", "main") is not None

    # Lean Coffee moves from 24 to 17 December.
    moved = config("moved: [{from: 2026-12-24, to: 2026-12-17}]")
    result = run(github, moved, datetime(2026, 12, 5, 8, 0, tzinfo=UTC))
    assert result.removed == ["lean-coffees/2026-12-24.md", "lean-coffees/2026-12-24.ics"]
    assert result.relinked == ["lean-coffees/2026-11-26.md"]
    (pull,) = [op for op in result.plan.operations if isinstance(op, OpenPullRequest)]
    assert "(moved to 2026-12-17)" in pull.body
    # Run again before anyone merges: the same pull request, nothing written.
    again = generate(github, moved, datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    outcomes = Executor(github, actor="ghcommunity[bot]").apply(again.plan)
    assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
    assert again.relinked == ["lean-coffees/2026-11-26.md"]
    merge(sandbox)
    assert read_text(github, REPO, "lean-coffees/2026-12-24.md", "main") is None
    assert read_text(github, REPO, "lean-coffees/2026-12-24.ics", "main") is None
    assert read_text(github, REPO, "lean-coffees/2026-12-17.md", "main") is not None
    nov = read_text(github, REPO, "lean-coffees/2026-11-26.md", "main")
    assert nov is not None
    assert "Next meeting: [Thursday 17 December 2026](2026-12-17.md)" in nov
    # Nobody has used any of these notes: the audit says no meeting was held.
    assert (
        audit_registry(moved, read_notes(github, moved), date(2027, 1, 5))
        .group("lean-coffee")
        .last_met
        is None
    )

    # People write in the 17 December notes; then the meeting is cancelled after all.
    dec = read_text(github, REPO, "lean-coffees/2026-12-17.md", "main")
    assert dec is not None
    edited = dec + "\nWe met in the canteen instead.\n"
    sandbox.state.put_file(REPO, "lean-coffees/2026-12-17.md", edited)
    cancelled = config("moved: [{from: 2026-12-24, to: 2026-12-17}]\ncancelled: [2026-12-17]")
    result = run(github, cancelled, datetime(2026, 12, 10, 8, 0, tzinfo=UTC))
    assert result.kept == ["lean-coffees/2026-12-17.md"]
    assert result.removed == []
    (pull,) = [op for op in result.plan.operations if isinstance(op, OpenPullRequest)]
    assert "**Please decide**" in pull.body
    assert "`lean-coffees/2026-12-17.md`" in pull.body
    assert read_text(github, REPO, "lean-coffees/2026-12-17.md", BRANCH) == edited
    report = audit_registry(cancelled, read_notes(github, cancelled), date(2027, 1, 5))
    remarks = report.group("lean-coffee").remarks
    assert any(
        "lean-coffees/2026-12-17.md was edited but the meeting cancelled" in r for r in remarks
    )
