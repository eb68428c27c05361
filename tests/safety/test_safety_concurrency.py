"""Two runs at once converge with no duplicates: real parallel processes, one sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from safety_harness import (
    REPO,
    duplicates,
    finish,
    handle_runs,
    issue_events,
    scheduled_jobs,
    start_app_door,
    start_runs,
)


def new_form_issues(sb: Any, count: int) -> list[int]:
    with sb.state.lock:
        bodies = [
            i.body
            for i in sb.state.repo(REPO).issues.values()
            if i.pull is None and i.state == "open" and i.body and "###" in i.body
        ]
    return [
        sb.state.add_issue(REPO, title=f"Topic {n}", body=bodies[n % len(bodies)], author="ada")
        for n in range(count)
    ]


@pytest.mark.slow
def test_two_doors_on_the_same_issues_leave_one_triage_comment_each(
    sample_sandbox: Any, tmp_path: Path
) -> None:
    numbers = new_form_issues(sample_sandbox, 12)
    events = issue_events(sample_sandbox, tmp_path, numbers)
    action = start_runs(sample_sandbox, handle_runs(events))
    action_again = start_runs(sample_sandbox, handle_runs(events))
    app = start_app_door(sample_sandbox, events)
    codes = finish(action)[0] + finish(action_again)[0] + finish(app)[0]
    assert codes == [0] * (3 * len(events))
    assert duplicates(sample_sandbox) == []
    for number in numbers:
        bots = [
            c
            for c in sample_sandbox.state.issue(REPO, number).comments
            if c.user.login.endswith("[bot]")
        ]
        assert len(bots) == 1, number


@pytest.mark.slow
def test_two_digest_discussions_and_two_audits_at_once_converge(
    sample_sandbox: Any, tmp_path: Path
) -> None:
    first = scheduled_jobs(sample_sandbox, tmp_path, "a")
    second = scheduled_jobs(sample_sandbox, tmp_path, "b")
    for name in ("digest discussion", "audit issue", "lifecycle reminders"):
        a = start_runs(sample_sandbox, [first[name]])
        b = start_runs(sample_sandbox, [second[name]])
        assert finish(a)[0] + finish(b)[0] == [0, 0], name
    assert duplicates(sample_sandbox) == []
