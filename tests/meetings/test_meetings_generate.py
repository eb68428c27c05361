"""The generator's planner (pure): what it adds, what it leaves alone, and what it renders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from helpers_meetings import make_config, reference

from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import CommitFiles, CreateIssue, OpenPullRequest, Plan, git_blob_sha
from ghcommunity.jobs.meetings.calendars import parse_events
from ghcommunity.jobs.meetings.notes import (
    Action,
    AgendaItem,
    Rendering,
    RepoView,
    open_actions,
    plan_generate,
)

NOW = datetime(2026, 4, 10, 8, 0, tzinfo=UTC)  # lead window (14 days) reaches 24 April
REPO = "uk-x-gov-software-community/community-space"


def commit_of(plan: Plan) -> CommitFiles:
    (commit,) = [op for op in plan.operations if isinstance(op, CommitFiles)]
    return commit


def files_of(plan: Plan) -> dict[str, str]:
    return {f.path: f.content for f in commit_of(plan).files}


def view_after(plan: Plan, view: RepoView) -> RepoView:
    """The repo as it is after the Plan was applied (files on the bot's branch, PR open)."""
    files = dict(view.branch_files if view.branch_state == "open" else view.default_files)
    for change in commit_of(plan).files:
        files[change.path] = git_blob_sha(change.content.encode())
    return RepoView(
        default_branch="main",
        default_files=dict(view.default_files),
        branch="ghcommunity/meeting-notes",
        branch_state="open",
        branch_files=files,
    )


# -- actions carried over -----------------------------------------------------------------------


def test_open_actions_tolerate_real_markdown() -> None:
    notes = (
        "# Lean Coffee\r\n"
        "\r\n"
        "## Actions\r\n"
        "- [ ] Ada to write the blog post\r\n"
        "  - [x] draft done\r\n"
        "  - [ ] get it reviewed by @grace\r\n"
        "* [ ]   Set up the next   session  \r\n"
        "+ [X] Book the room\r\n"
        "1. [ ] Numbered item\r\n"
        "\t- [ ] tab-indented child\r\n"
        "- [ ]\r\n"  # an empty placeholder from the template
        "- [ ] Ada to write the blog post\r\n"  # repeated
        "- [] not a task\r\n"
        "```\r\n- [ ] inside code\r\n```\r\n"
        "<!-- - [ ] commented out\r\n- [ ] still commented -->\r\n"
        "Some text - [ ] not at the start\r\n"
    )
    assert open_actions(notes) == [
        Action("Ada to write the blog post"),
        Action("get it reviewed by @grace", 1),
        Action("Set up the next session"),
        Action("Numbered item"),
        Action("tab-indented child", 1),
    ]


def test_a_child_of_a_ticked_item_is_carried_at_the_top() -> None:
    notes = "- [x] parent done\n  - [ ] child still open\n    - [ ] grandchild\n"
    assert open_actions(notes) == [Action("child still open"), Action("grandchild", 1)]


def test_no_notes_no_actions() -> None:
    assert open_actions(None) == []
    assert open_actions("") == []


# -- the plan -----------------------------------------------------------------------------------


def test_first_run_adds_each_missing_meeting_in_one_commit_and_one_pull_request() -> None:
    config = reference()
    plan = plan_generate(config, NOW, RepoView(default_branch="main")).plan
    commit, pull = plan.operations
    assert isinstance(commit, CommitFiles)
    assert isinstance(pull, OpenPullRequest)
    assert commit.branch == pull.head == "ghcommunity/meeting-notes"
    assert commit.base == pull.base == "main"
    assert commit.if_exists == "skip"
    assert commit.fresh  # no branch yet: it starts at the default branch
    paths = [f.path for f in commit.files]
    assert paths[:6] == [
        "special-interest-meetings/inclusive-recruitment/2026-04-15.md",
        "special-interest-meetings/inclusive-recruitment/2026-04-15.ics",
        "lean-coffees/2026-04-23.md",
        "lean-coffees/2026-04-23.ics",
        "special-interest-meetings/open-source/2026-04-24.md",
        "special-interest-meetings/open-source/2026-04-24.ics",
    ]
    feeds = {f.path: f for f in commit.files if f.path.startswith("calendars/")}
    assert set(feeds) == {
        "calendars/lean-coffee.ics",
        "calendars/inclusive-recruitment.ics",
        "calendars/open-source.ics",
        "calendars/all-groups.ics",
    }
    assert all(f.if_exists == "update" for f in feeds.values())  # feeds belong to the bot
    assert all(f.if_exists is None for f in commit.files if f.path.endswith(".md"))
    assert "`lean-coffees/2026-04-23.md`" in pull.body


def test_a_second_run_plans_nothing() -> None:
    config = reference()
    first = plan_generate(config, NOW, RepoView(default_branch="main")).plan
    second = plan_generate(config, NOW, view_after(first, RepoView(default_branch="main")))
    assert second.plan.operations == []
    assert any("already on ghcommunity/meeting-notes" in n for n in second.plan.notes)


def test_a_late_run_catches_up_and_a_later_one_adds_only_the_new_meeting() -> None:
    config = reference()
    view = RepoView(default_branch="main")
    first = plan_generate(config, NOW, view).plan
    later = plan_generate(config, NOW + timedelta(days=3), view_after(first, view))
    # 27 April's lead window reaches 11 May: nothing new (the next meetings are later).
    assert later.plan.operations == []
    much_later = plan_generate(config, NOW + timedelta(days=40), view_after(first, view))
    added = [f.path for f in commit_of(much_later.plan).files if f.path.endswith(".md")]
    assert added == [
        "lean-coffees/2026-05-28.md",
        "special-interest-meetings/open-source/2026-05-22.md",
    ]


def test_an_existing_notes_file_is_never_in_the_plan() -> None:
    config = reference()
    view = RepoView(
        default_branch="main",
        default_files={"lean-coffees/2026-04-23.md": "a-person-wrote-this"},
    )
    result = plan_generate(config, NOW, view)
    paths = [f.path for f in commit_of(result.plan).files]
    assert "lean-coffees/2026-04-23.md" not in paths
    assert "lean-coffees/2026-04-23.ics" not in paths  # only generated meetings get one
    assert any("lean-coffees/2026-04-23.md exists; left as it is" in n for n in result.plan.notes)


def test_a_cancelled_meeting_is_never_created() -> None:
    config = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          schedule:
            rule: fourth Thursday monthly
            cancelled: [2026-04-23]
        """
    )
    result = plan_generate(config, NOW, RepoView(default_branch="main"))
    assert not [f for f in commit_of(result.plan).files if f.path.endswith(".md")]
    assert any("2026-04-23: cancelled" in n for n in result.plan.notes)
    # The feed still has it, marked cancelled, so subscribed calendars drop it.
    feed = files_of(result.plan)["calendars/lean-coffee.ics"]
    april = next(e for e in parse_events(feed) if e["uid"].startswith("20260423-"))
    assert april["status"] == "CANCELLED"


def test_commit_mode_writes_to_the_default_branch_without_a_pull_request() -> None:
    config = reference()
    plan = plan_generate(config, NOW, RepoView(default_branch="main"), mode="commit").plan
    (commit,) = plan.operations
    assert isinstance(commit, CommitFiles)
    assert commit.branch == "main"


def test_a_left_over_branch_is_started_afresh() -> None:
    config = reference()
    view = RepoView(
        default_branch="main",
        branch="ghcommunity/meeting-notes",
        branch_state="stale",
        branch_files={"lean-coffees/2026-04-23.md": "old"},
    )
    commit = commit_of(plan_generate(config, NOW, view).plan)
    assert commit.fresh
    assert "lean-coffees/2026-04-23.md" in [f.path for f in commit.files]


def test_feeds_are_rewritten_only_when_they_change() -> None:
    config = reference()
    first = plan_generate(config, NOW, RepoView(default_branch="main")).plan
    merged = {p: git_blob_sha(c.encode()) for p, c in files_of(first).items()}
    view = RepoView(default_branch="main", default_files=merged)
    assert plan_generate(config, NOW, view).plan.operations == []
    moved = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          schedule:
            rule: fourth Thursday monthly
            moved: [{from: 2026-12-24, to: 2026-12-17}]
        """
    )
    changed = plan_generate(moved, NOW, view).feeds
    assert "calendars/lean-coffee.ics" in changed


def test_lead_time_can_be_overridden() -> None:
    config = reference()
    result = plan_generate(config, NOW, RepoView(default_branch="main"), lead_time=timedelta(0))
    assert result.meetings == []
    result = plan_generate(config, NOW, RepoView(default_branch="main"), lead_time=timedelta(7))
    assert [m.path for m in result.meetings] == [
        "special-interest-meetings/inclusive-recruitment/2026-04-15.md"
    ]


# -- what a notes file says ----------------------------------------------------------------------


def rendered(config, view=None, **rendering) -> dict[str, str]:  # type: ignore[no-untyped-def]
    view = view or RepoView(default_branch="main")
    return files_of(
        plan_generate(config, NOW, view, rendering=Rendering(repo=REPO, **rendering)).plan
    )


def test_the_notes_file_has_everything_a_group_lead_needs() -> None:
    config = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          facilitators: [ada, "@grace", linus]
          schedule:
            rule: fourth Thursday monthly
            first: 2026-01-22
            start: "11:00"
            duration: 60
        """
    )
    view = RepoView(
        default_branch="main",
        default_files={"lean-coffees/2026-03-26.md": "sha", "lean-coffees/2026-02-26.md": "sha"},
        texts={
            "lean-coffees/2026-03-26.md": "## Actions\r\n- [ ] Ada: share the slides\r\n- [x] Done\r\n"
        },
        agenda={"lean-coffee": [AgendaItem(7, "AI pair programming", "u7")]},
    )
    text = rendered(
        config,
        view,
        joining={"lean-coffee": "Teams link in the calendar invite"},
        agenda=view.agenda,
    )["lean-coffees/2026-04-23.md"]
    assert text.startswith("# Lean Coffee: Thursday 23 April 2026\n")
    assert "Thursday 23 April 2026, 11:00 to 12:00 BST (UK time), 1 hour" in text
    # The fourth meeting since 22 January: the rota's fourth entry wraps to the first.
    assert "**Facilitator:** @ada" in text
    assert "**Joining:** Teams link in the calendar invite" in text
    assert "- [#7](u7) AI pair programming" in text
    assert "- [ ] Ada: share the slides" in text
    assert "- [ ] Done" not in text
    assert "[Thursday 26 March 2026 notes](2026-03-26.md)" in text
    assert "Previous meeting: [Thursday 26 March 2026](2026-03-26.md)" in text
    assert "Next meeting: [Thursday 28 May 2026](2026-05-28.md)" in text
    assert "[add this meeting](2026-04-23.ics)" in text
    assert "(../calendars/lean-coffee.ics)" in text


def test_the_rota_turns_with_each_meeting() -> None:
    config = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          facilitators: [ada, grace, linus]
          schedule:
            rule: weekly on Thursday
            first: 2026-04-02
        """
    )
    first = plan_generate(config, NOW, RepoView(default_branch="main"))
    # 23 April waits until 16 April has taken place; then it is made.
    after = datetime(2026, 4, 16, 12, 0, tzinfo=UTC)
    second = plan_generate(config, after, view_after(first.plan, RepoView(default_branch="main")))
    files = files_of(first.plan) | files_of(second.plan)
    people = [
        line.split("@")[1]
        for path, text in sorted(files.items())
        if path.endswith(".md")
        for line in text.splitlines()
        if line.startswith("- **Facilitator:**")
    ]
    # 16 and 23 April are the third and fourth meetings since 2 April.
    assert people == ["linus", "ada"]


def test_gmt_is_named_in_winter_and_times_follow_the_wall_clock() -> None:
    config = reference()
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    files = files_of(plan_generate(config, now, RepoView(default_branch="main")).plan)
    text = files["lean-coffees/2026-11-26.md"]
    assert "11:00 to 12:00 GMT (UK time)" in text


def test_notes_wait_for_the_previous_meeting_and_carry_over_from_held_notes_only() -> None:
    config = make_config(
        """
        - slug: weekly
          name: Weekly
          notes_path: weekly/
          schedule:
            rule: weekly on Monday
        """
    )
    view = RepoView(
        default_branch="main",
        default_files={"weekly/2026-04-06.md": "sha"},
        texts={"weekly/2026-04-06.md": "- [ ] Carry me\n"},
    )
    result = plan_generate(config, NOW, view)
    files = files_of(result.plan)
    assert "- [ ] Carry me" in files["weekly/2026-04-13.md"]
    # 20 April is not made ahead of 13 April: what people tick on the 13th must reach it.
    assert "weekly/2026-04-20.md" not in files
    assert any("wait until the 2026-04-13 meeting" in n for n in result.plan.notes)

    # The 13 April notes merged and left untouched (not held): once the 13th has passed,
    # the 20 April notes carry over from 6 April, the newest notes people used.
    later = datetime(2026, 4, 14, 8, 0, tzinfo=UTC)
    merged = RepoView(
        default_branch="main",
        default_files={"weekly/2026-04-06.md": "sha", "weekly/2026-04-13.md": "sha2"},
        texts={
            "weekly/2026-04-06.md": "- [ ] Carry me\n",
            "weekly/2026-04-13.md": files["weekly/2026-04-13.md"],
        },
    )
    text = files_of(plan_generate(config, later, merged).plan)["weekly/2026-04-20.md"]
    assert "Still open from the [Monday 6 April 2026 notes](2026-04-06.md)" in text
    assert "Previous meeting: [Monday 13 April 2026](2026-04-13.md)" in text

    # Edited on the 13th (an action ticked, one added): that is where actions come from.
    edited = files["weekly/2026-04-13.md"].replace("- [ ] Carry me", "- [x] Carry me")
    edited = edited.replace("## New actions\n\n- [ ] ", "## New actions\n\n- [ ] Book a room")
    merged.texts["weekly/2026-04-13.md"] = edited
    text = files_of(plan_generate(config, later, merged).plan)["weekly/2026-04-20.md"]
    assert "Still open from the [Monday 13 April 2026 notes](2026-04-13.md)" in text
    assert "- [ ] Book a room" in text
    assert "Carry me" not in text


def test_a_moved_meeting_says_so() -> None:
    config = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          schedule:
            rule: fourth Thursday monthly
            moved: [{from: 2026-04-23, to: 2026-04-16, reason: "Moved for the all-staff day"}]
        """
    )
    files = rendered(config)
    assert "**Moved:** Moved for the all-staff day" in files["lean-coffees/2026-04-16.md"]
    (event,) = parse_events(files["lean-coffees/2026-04-16.ics"])
    assert event["sequence"] == 1
    assert event["uid"].startswith("20260423-lean-coffee@")  # the original date


def test_a_group_template_renders_sandboxed_and_strict() -> None:
    config = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          template: .github/lean-coffee.md.j2
          schedule:
            rule: fourth Thursday monthly
        """
    )
    templates = {".github/lean-coffee.md.j2": "# {{ group.name }} on {{ date }} {{ time_zone }}"}
    result = plan_generate(config, NOW, RepoView(default_branch="main"), templates=templates)
    assert files_of(result.plan)["lean-coffees/2026-04-23.md"].startswith(
        "# Lean Coffee on 2026-04-23 BST\n\n<!-- ghcommunity:generated sha256="
    )

    templates = {".github/lean-coffee.md.j2": "{{ facilitatr }}"}
    with pytest.raises(
        InputError, match=r"\.github/lean-coffee\.md\.j2: 'facilitatr' is undefined"
    ):
        plan_generate(config, NOW, RepoView(default_branch="main"), templates=templates)

    templates = {".github/lean-coffee.md.j2": "{{ ''.__class__.__mro__ }}"}
    with pytest.raises(InputError):
        plan_generate(config, NOW, RepoView(default_branch="main"), templates=templates)

    with pytest.raises(InputError, match="was not found"):
        plan_generate(config, NOW, RepoView(default_branch="main"), templates={})


# -- agenda issues --------------------------------------------------------------------------------


def test_agenda_issues_are_keyed_by_the_meeting_not_the_title() -> None:
    config = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          schedule:
            rule: fourth Thursday monthly
            agenda_issue: {days_before: 7, labels: ["group: lean-coffee"]}
        """
    )
    too_early = plan_generate(config, datetime(2026, 4, 15, 8, tzinfo=UTC), RepoView("main"))
    assert not [op for op in too_early.plan.operations if isinstance(op, CreateIssue)]
    due = plan_generate(config, datetime(2026, 4, 17, 8, tzinfo=UTC), RepoView("main"))
    (issue,) = [op for op in due.plan.operations if isinstance(op, CreateIssue)]
    assert issue.key == "meeting-agenda:lean-coffee:2026-04-23"
    assert issue.if_exists == "skip"  # never re-created, never overwritten
    assert issue.title == "Agenda: Lean Coffee, Thursday 23 April 2026"
    assert issue.labels == ["group: lean-coffee"]
    assert "11:00 to 12:00 BST" in issue.body
    after = plan_generate(config, datetime(2026, 4, 23, 10, 30, tzinfo=UTC), RepoView("main"))
    assert not [op for op in after.plan.operations if isinstance(op, CreateIssue)]


def test_agenda_discussions_need_a_category() -> None:
    with pytest.raises(Exception, match="needs a 'category'"):
        make_config(
            """
            - slug: lean-coffee
              name: Lean Coffee
              schedule:
                rule: fourth Thursday monthly
                agenda_issue: {kind: discussion}
            """
        )


def test_groups_without_schedules_or_closed_are_left_out() -> None:
    config = make_config(
        """
        - slug: old-group
          name: Old group
          status: closed
          schedule: {rule: weekly on Monday}
        - slug: no-schedule
          name: No schedule
        """
    )
    result = plan_generate(config, NOW, RepoView(default_branch="main"))
    assert result.plan.operations == []


def test_unknown_group_is_bad_input() -> None:
    with pytest.raises(InputError, match="no group with the slug 'nope'"):
        plan_generate(reference(), NOW, RepoView("main"), group="nope")


def test_the_view_reads_only_dated_notes_files() -> None:
    view = RepoView(
        default_branch="main",
        default_files={
            "lean-coffees/2026-03-26.md": "s",
            "lean-coffees/README.md": "s",
            "lean-coffees/2026-02-30.md": "s",  # not a date
            "lean-coffees/old/2020-01-01.md": "s",
        },
    )
    assert view.notes_dates("lean-coffees/") == [date(2026, 3, 26)]


def test_a_pull_request_from_the_default_branch_is_refused() -> None:
    config = make_config(
        """
        - slug: a-group
          name: A
          schedule: {rule: weekly on Monday}
        """,
        "meetings: {branch: main}\n",
    )
    with pytest.raises(InputError, match=r"meetings\.branch is the default branch"):
        plan_generate(config, NOW, RepoView("main"))
    assert plan_generate(config, NOW, RepoView("main"), mode="commit").plan.operations
