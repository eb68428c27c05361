"""`meetings generate` against the sandbox: one pull request, then nothing; people's notes kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from helpers_meetings import REFERENCE, reference

from ghcommunity.core.plan import CommitFiles, CreateIssue
from ghcommunity.github.contents import read_text
from ghcommunity.github.executor import Executor
from ghcommunity.jobs.meetings.calendars import parse_events
from ghcommunity.jobs.meetings.read import generate

REPO = "uk-x-gov-software-community/community-space"
BRANCH = "ghcommunity/meeting-notes"
NOW = datetime(2026, 4, 10, 8, 0, tzinfo=UTC)


def reset_stats(sandbox: Any) -> None:
    """Reset the counters once the sandbox has counted every earlier request.

    The sandbox records a request just after sending its response, so a reset made at once
    can be followed by the count of the request before it.
    """
    import time

    last = None
    for _ in range(50):
        total = sandbox.stats()["total"]
        if total == last:
            break
        last = total
        time.sleep(0.02)
    sandbox.reset_stats()


def run(github: Any, config: Any = None, now: datetime = NOW, **kwargs: Any) -> Any:
    config = config or reference()
    result = generate(github, config, now, **kwargs)
    outcomes = Executor(github, actor="ghcommunity[bot]").apply(result.plan)
    return result, outcomes


def open_pulls(sandbox: Any) -> list[Any]:
    """The open pull requests from the bot's branch."""
    repo = sandbox.state.repo(REPO)
    return [
        i
        for i in repo.issues.values()
        if i.pull is not None and i.state == "open" and i.pull.head_ref == BRANCH
    ]


def test_generating_twice_opens_one_pull_request_then_writes_nothing(
    sandbox: Any, github: Any
) -> None:
    reset_stats(sandbox)
    result, _ = run(github)
    stats = sandbox.stats()
    assert [m.path for m in result.meetings] == [
        "special-interest-meetings/inclusive-recruitment/2026-04-15.md",
        "lean-coffees/2026-04-23.md",
        "special-interest-meetings/open-source/2026-04-24.md",
    ]
    # Tree, commit, branch, pull request: four writes for ten files.
    assert stats["writes"] == 4, stats["by_route"]
    (pull,) = open_pulls(sandbox)
    assert pull.pull.head_ref == BRANCH
    for meeting in result.meetings:
        assert read_text(github, REPO, meeting.path, BRANCH) is not None
        assert read_text(github, REPO, meeting.path, "main") is None  # only in the PR
    assert read_text(github, REPO, "calendars/all-groups.ics", BRANCH) is not None

    reset_stats(sandbox)
    again, outcomes = run(github)
    assert again.plan.operations == []
    assert outcomes == []
    stats = sandbox.stats()
    assert stats["writes"] == 0
    # The second run only looks: the default branch's tree, the bot's branch, its pull
    # request and its tree.
    assert stats["total"] <= 4, stats["by_route"]
    assert len(open_pulls(sandbox)) == 1


def test_a_notes_file_a_person_started_is_left_untouched(sandbox: Any, github: Any) -> None:
    mine = "# Lean Coffee 23 April\n\nI started these notes myself.\n"
    sandbox.state.put_file(REPO, "lean-coffees/2026-04-23.md", mine, message="Start notes")
    result, _ = run(github)
    assert "lean-coffees/2026-04-23.md" not in [m.path for m in result.meetings]
    assert read_text(github, REPO, "lean-coffees/2026-04-23.md", "main") == mine
    assert read_text(github, REPO, "lean-coffees/2026-04-23.md", BRANCH) == mine


def test_a_person_editing_the_generated_notes_in_the_pull_request_is_kept(
    sandbox: Any, github: Any
) -> None:
    run(github)
    edited = "# Edited in the pull request\n"
    sandbox.state.put_file(REPO, "lean-coffees/2026-04-23.md", edited, branch=BRANCH)
    reset_stats(sandbox)
    result, _ = run(github, now=NOW + timedelta(days=1))
    assert result.plan.operations == []
    assert sandbox.stats()["writes"] == 0
    assert read_text(github, REPO, "lean-coffees/2026-04-23.md", BRANCH) == edited


def test_the_executor_never_overwrites_even_if_asked(sandbox: Any, github: Any) -> None:
    """The belt to the planner's braces: if_exists="skip" in the one executor."""
    sandbox.state.put_file(REPO, "lean-coffees/2026-04-23.md", "mine\n")
    op = CommitFiles(
        repo=REPO,
        branch="main",
        message="try",
        files=[{"path": "lean-coffees/2026-04-23.md", "content": "generated\n"}],  # type: ignore[list-item]
    )
    reset_stats(sandbox)
    (outcome,) = Executor(github).apply(_plan(op))
    assert outcome.status == "unchanged"
    assert sandbox.stats()["writes"] == 0
    assert read_text(github, REPO, "lean-coffees/2026-04-23.md", "main") == "mine\n"


def _plan(*ops: Any) -> Any:
    from ghcommunity.core.plan import Plan

    return Plan.of(ops)


def test_unchecked_actions_of_the_previous_notes_appear_in_the_next(
    sandbox: Any, github: Any
) -> None:
    previous = (
        "# Lean Coffee, 26 March 2026\r\n\r\n## Actions\r\n"
        "- [ ] Ada to write up the testing discussion\r\n"
        "- [x] Grace to book the room\r\n"
        "  * [ ] Linus to send the invite\r\n"
    )
    sandbox.state.put_file(REPO, "lean-coffees/2026-03-26.md", previous)
    run(github)
    text = read_text(github, REPO, "lean-coffees/2026-04-23.md", BRANCH)
    assert text is not None
    assert "- [ ] Ada to write up the testing discussion" in text
    assert "Linus to send the invite" in text
    assert "Grace to book the room" not in text
    assert "[Thursday 26 March 2026 notes](2026-03-26.md)" in text


def test_the_ics_files_parse_and_land_at_the_right_utc_instants(sandbox: Any, github: Any) -> None:
    run(github)
    expected = {
        "special-interest-meetings/inclusive-recruitment/2026-04-15.ics": datetime(
            2026, 4, 15, 12, 0, tzinfo=UTC
        ),
        "lean-coffees/2026-04-23.ics": datetime(2026, 4, 23, 10, 0, tzinfo=UTC),
        "special-interest-meetings/open-source/2026-04-24.ics": datetime(
            2026, 4, 24, 11, 0, tzinfo=UTC
        ),
    }
    for path, instant in expected.items():
        text = read_text(github, REPO, path, BRANCH)
        assert text is not None
        (event,) = parse_events(text)
        assert event["start_utc"] == instant
    feed = read_text(github, REPO, "calendars/lean-coffee.ics", BRANCH)
    assert feed is not None
    starts = {e["start_utc"] for e in parse_events(feed)}
    assert datetime(2026, 1, 22, 11, 0, tzinfo=UTC) in starts
    assert datetime(2026, 10, 22, 10, 0, tzinfo=UTC) in starts


def test_after_the_pull_request_is_merged_the_next_run_starts_afresh(
    sandbox: Any, github: Any
) -> None:
    run(github)
    state = sandbox.state
    (pull,) = open_pulls(sandbox)
    state.merge_pull(pull, state.get_user("ada"))
    # People write in the merged notes; the bot's branch is left behind (not deleted).
    state.put_file(REPO, "lean-coffees/2026-04-23.md", "# Notes people wrote\n")
    result, _ = run(github, now=NOW + timedelta(days=40))
    (commit,) = [op for op in result.plan.operations if isinstance(op, CommitFiles)]
    assert commit.fresh
    (new_pull,) = open_pulls(sandbox)
    assert new_pull.number != pull.number
    # The new pull request adds only the new meetings; it cannot undo people's notes.
    assert read_text(github, REPO, "lean-coffees/2026-04-23.md", BRANCH) == (
        "# Notes people wrote\n"
    )
    assert read_text(github, REPO, "lean-coffees/2026-05-28.md", BRANCH) is not None


def test_commit_mode_adds_straight_to_the_default_branch(sandbox: Any, github: Any) -> None:
    _result, _ = run(github, mode="commit")
    assert read_text(github, REPO, "lean-coffees/2026-04-23.md", "main") is not None
    assert open_pulls(sandbox) == []
    reset_stats(sandbox)
    again, _ = run(github, mode="commit")
    assert again.plan.operations == []
    assert sandbox.stats()["writes"] == 0


def test_agenda_issue_is_opened_once_and_never_recreated(sandbox: Any, github: Any) -> None:
    from helpers_meetings import make_config

    config = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          schedule:
            rule: fourth Thursday monthly
            agenda_issue: {days_before: 7}
        """,
        "meetings: {calendars: false}\n",
    )
    sandbox.state.add_issue(
        REPO, title="Talk about flaky tests", author="ada", labels=["agenda: lean-coffee"]
    )
    now = datetime(2026, 4, 17, 8, 0, tzinfo=UTC)
    result, _outcomes = run(github, config, now=now)
    (issue_op,) = [op for op in result.plan.operations if isinstance(op, CreateIssue)]
    assert "Talk about flaky tests" in issue_op.body
    repo = sandbox.state.repo(REPO)
    agenda_issues = [i for i in repo.issues.values() if i.title.startswith("Agenda: Lean Coffee")]
    assert len(agenda_issues) == 1
    number = agenda_issues[0].number
    # Someone retitles and closes it; a later run must not open another.
    sandbox.state.edit_issue(
        repo.issues[number],
        sandbox.state.get_user("ada"),
        title="Lean Coffee agenda",
        state="closed",
    )
    reset_stats(sandbox)
    run(github, config, now=now + timedelta(days=1))
    agenda_issues = [
        i
        for i in repo.issues.values()
        if i.pull is None and "lean-coffee:2026-04-23" in (i.body or "")
    ]
    assert [i.number for i in agenda_issues] == [number]
    assert sandbox.stats()["writes"] == 0
    assert repo.issues[number].title == "Lean Coffee agenda"


@pytest.mark.parametrize("args", [["--dry-run"], ["--dry-run", "--json"]])
def test_the_command_line_against_the_sandbox(
    sandbox: Any, args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from ghcommunity.cli import main

    monkeypatch.setenv("GHCOMMUNITY_JOINING_LEAN_COFFEE", "https://example.invalid/join")
    reset_stats(sandbox)
    main(
        [
            "meetings",
            "generate",
            "--config",
            str(REFERENCE),
            "--api-url",
            sandbox.url,
            "--token",
            "t",
            "--now",
            "2026-04-10T08:00:00Z",
            *args,
        ]
    )
    out = capsys.readouterr().out
    assert "lean-coffees/2026-04-23.md" in out
    assert sandbox.stats()["writes"] == 0  # a dry run only reads
    if "--json" in args:
        import json

        data = json.loads(out)
        assert data["dry_run"] is True
        commit = data["operations"][0]
        (notes,) = [f for f in commit["files"] if f["path"] == "lean-coffees/2026-04-23.md"]
        assert "https://example.invalid/join" in notes["content"]


def test_plan_says_which_notes_files_exist(sandbox: Any, capsys: Any) -> None:
    import json

    from ghcommunity.cli import main

    sandbox.state.put_file(REPO, "lean-coffees/2026-03-26.md", "# notes\n")
    reset_stats(sandbox)
    main(
        [
            "meetings",
            "plan",
            "--config",
            str(REFERENCE),
            "--api-url",
            sandbox.url,
            "--token",
            "t",
            "--group",
            "lean-coffee",
            "--from",
            "2026-03-01",
            "--until",
            "2026-04-30",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert [(m["date"], m["exists"]) for m in data["meetings"]] == [
        ("2026-03-26", True),
        ("2026-04-23", False),
    ]
    assert data["meetings"][1]["start"] == "2026-04-23T11:00:00+01:00"
    assert data["meetings"][1]["start_utc"] == "2026-04-23T10:00:00Z"
    assert sandbox.stats()["total"] == 1  # one request: the default branch's tree


def test_a_schedule_change_rewrites_the_feeds_but_never_the_notes(
    sandbox: Any, github: Any
) -> None:
    from helpers_meetings import make_config

    groups = """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          schedule:
            rule: fourth Thursday monthly
            {extra}
        """
    run(github, make_config(groups.format(extra="")))
    notes_before = read_text(github, REPO, "lean-coffees/2026-04-23.md", BRANCH)
    moved = make_config(groups.format(extra="moved: [{from: 2026-12-24, to: 2026-12-17}]"))
    reset_stats(sandbox)
    result, _ = run(github, moved)
    assert result.feeds == ["calendars/lean-coffee.ics", "calendars/all-groups.ics"]
    assert result.meetings == []
    assert sandbox.stats()["writes"] == 3  # tree, commit, move the branch; same pull request
    feed = read_text(github, REPO, "calendars/lean-coffee.ics", BRANCH)
    assert feed is not None
    december = [e for e in parse_events(feed) if e["uid"].startswith("20261224-")]
    assert [(e["start_utc"], e["sequence"]) for e in december] == [
        (datetime(2026, 12, 17, 11, 0, tzinfo=UTC), 1)
    ]
    assert read_text(github, REPO, "lean-coffees/2026-04-23.md", BRANCH) == notes_before
    assert len(open_pulls(sandbox)) == 1


def test_an_agenda_discussion_is_started_once(sandbox: Any, github: Any) -> None:
    from helpers_meetings import make_config

    sandbox.state.add_discussion_category(REPO, "Meetings")
    config = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          schedule:
            rule: fourth Thursday monthly
            agenda_issue: {kind: discussion, category: Meetings, days_before: 3}
        """,
        "meetings: {calendars: false}\n",
    )
    now = datetime(2026, 4, 21, 8, 0, tzinfo=UTC)
    run(github, config, now=now)
    repo = sandbox.state.repo(REPO)
    (discussion,) = repo.discussions.values()
    assert discussion.title == "Agenda: Lean Coffee, Thursday 23 April 2026"
    reset_stats(sandbox)
    run(github, config, now=now + timedelta(hours=6))
    assert len(repo.discussions) == 1
    assert sandbox.stats()["writes"] == 0


def test_against_the_sample_community_no_existing_file_is_touched(
    sample_sandbox: Any, github: Any
) -> None:
    """Whatever notes the sample seed holds, a run adds only files that did not exist."""
    state = sample_sandbox.state
    repo = state.repo(REPO)
    before = repo.git.files(repo.git.commits[repo.git.refs["refs/heads/main"]].tree)
    now = state.now
    result, _ = run(github, now=now)
    for meeting in result.meetings:
        assert meeting.path not in before
    (pull,) = open_pulls(sample_sandbox)
    head = repo.git.refs[f"refs/heads/{pull.pull.head_ref}"]
    after = repo.git.files(repo.git.commits[head].tree)
    for path, sha in before.items():
        if not path.startswith("calendars/"):
            assert after[path] == sha, path
    reset_stats(sample_sandbox)
    run(github, now=now)
    assert sample_sandbox.stats()["writes"] == 0
