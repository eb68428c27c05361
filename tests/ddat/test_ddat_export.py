"""The export's planner: a dated file through a pull request; no write when nothing changed."""

from __future__ import annotations

import pytest

from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import CommitFiles, OpenPullRequest
from ghcommunity.jobs.ddat.export import Current, Month, plan_export

REPO = "uk-x-gov-software-community/community-space"
NOV = Month(2026, 11)


def test_month() -> None:
    assert str(Month.parse("2026-11")) == "2026-11"
    assert NOV.period.since.isoformat() == "2026-11-01"
    assert NOV.period.until.isoformat() == "2026-11-30"
    assert Month(2028, 2).period.until.isoformat() == "2028-02-29"
    assert NOV.title == "November 2026"
    for bad in ("2026-13", "26-11", "November", "2026-1"):
        with pytest.raises(InputError, match="expected YYYY-MM"):
            Month.parse(bad)


def test_first_run_commits_the_file_and_opens_a_pull_request(config) -> None:  # type: ignore[no-untyped-def]
    plan = plan_export("# report\n", NOV, config, Current("main", None, None), repo=REPO)
    commit, pull = plan.operations
    assert isinstance(commit, CommitFiles)
    assert commit.branch == "ghcommunity/ddat-feedback-2026-11"
    assert commit.base == "main"
    assert commit.if_exists == "update"
    assert [(f.path, f.content) for f in commit.files] == [
        ("ddat-feedback/2026-11.md", "# report\n")
    ]
    assert isinstance(pull, OpenPullRequest)
    assert pull.head == commit.branch
    assert pull.title == "DDaT feedback report: November 2026"


def test_rerun_with_a_changed_report_updates_the_branch(config) -> None:  # type: ignore[no-untyped-def]
    plan = plan_export("# new\n", NOV, config, Current("main", None, "# old\n"), repo=REPO)
    assert [op.op for op in plan.operations] == ["commit_files", "open_pull_request"]


def test_rerun_with_the_same_report_only_checks_the_pull_request(config) -> None:  # type: ignore[no-untyped-def]
    plan = plan_export("# same\n", NOV, config, Current("main", None, "# same\n"), repo=REPO)
    assert [op.op for op in plan.operations] == ["open_pull_request"]


def test_nothing_to_do_once_merged(config) -> None:  # type: ignore[no-untyped-def]
    plan = plan_export("# same\n", NOV, config, Current("main", "# same\n", None), repo=REPO)
    assert not plan.operations
    assert "already up to date" in plan.notes[0]
