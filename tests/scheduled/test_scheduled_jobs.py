"""Scheduled jobs through the one dispatcher: each `repository_dispatch.ghcommunity-<job>` handler
against the sample community (the right effect, then a second delivery that writes nothing),
and `client_payload` overrides checked: a bad one is refused with one logged line, never a
crash and never a write."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ghcommunity.config import Config, load_config
from ghcommunity.core.errors import InputError
from ghcommunity.core.events import Event, handlers_for
from ghcommunity.core.jobs import validate_options
from ghcommunity.core.providers import labels_from_jobs
from ghcommunity.github.client import Connection, GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.jobs.digest.store import Store
from ghcommunity.jobs.labels.plan import declared_labels
from ghcommunity.jobs.meetings.job import MeetingsOptions
from ghcommunity.jobs.runner import DispatchResult, dispatch, jobs, load_handlers
from ghcommunity_sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
ORG = "uk-x-gov-software-community"
REPO = f"{ORG}/community-space"


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(ROOT / "config" / "community.yml")


def settle(sandbox: Sandbox) -> None:
    """Reset the counters once every earlier request is counted (the sandbox counts a request
    just after answering it)."""
    last = None
    for _ in range(50):
        total = sandbox.stats()["total"]
        if total == last:
            break
        last = total
        time.sleep(0.02)
    sandbox.reset_stats()


def run(
    github: Any,
    config: Config,
    job: str,
    client_payload: Any = None,
    *,
    now: datetime,
    repo: str = REPO,
    store_url: str | None = None,
) -> DispatchResult:
    payload: dict[str, Any] = {
        "action": f"ghcommunity-{job}",
        "branch": "main",
        "client_payload": {"scheduled": True, "date": now.date().isoformat()}
        if client_payload is None
        else client_payload,
        "repository": {"full_name": repo},
        "sender": {"login": "ada"},
    }
    ctx = Context(config, github, now=now, store_url=store_url)
    return dispatch(Event("repository_dispatch", payload, delivery_id="d-1"), ctx)


def open_pulls(sandbox: Sandbox, branch: str) -> list[Any]:
    repo = sandbox.state.repo(REPO)
    return [
        i
        for i in repo.issues.values()
        if i.pull is not None and i.state == "open" and i.pull.head_ref == branch
    ]


def meetings_opened_one_pull_request(sandbox: Sandbox, config: Config, tmp: Path) -> None:
    (pull,) = open_pulls(sandbox, config.meetings.branch)
    repo = sandbox.state.repo(REPO)
    files = repo.git.files(repo.git.commits[repo.git.refs[f"refs/heads/{pull.pull.head_ref}"]].tree)
    assert "lean-coffees/2026-11-26.md" in files  # the next Lean Coffee, 10 days on


def lifecycle_reminded_the_waiting_authors(sandbox: Sandbox, config: Config, tmp: Path) -> None:
    repo = sandbox.state.repo(REPO)
    waiting = [
        i
        for i in repo.issues.values()
        if i.state == "open" and "needs-info" in [lab.name for lab in i.labels]
    ]
    assert len(waiting) == 2
    for issue in waiting:
        reminders = [c for c in issue.comments if "lifecycle-reminder" in c.body]
        assert len(reminders) == 1, issue.number


def digest_published_october(sandbox: Sandbox, config: Config, tmp: Path) -> None:
    posts = [
        d for d in sandbox.state.repo(REPO).discussions.values() if d.title.endswith("October 2026")
    ]
    assert len(posts) == 1
    assert posts[0].category.name == config.digest.discussion_category
    store = Store(f"sqlite:///{tmp / 'store.sqlite'}")  # kept for next month's run
    try:
        assert store.item_count(REPO)["issue"] > 50
    finally:
        store.close()


def labels_are_all_declared(sandbox: Sandbox, config: Config, tmp: Path) -> None:
    have = set(sandbox.state.repo(REPO).labels)
    declared = declared_labels(
        config, labels_from_jobs(Context(config, GitHubClient(Connection()), checkout=ROOT), set())
    )
    assert {spec.name.lower() for spec in declared} <= have


def audit_opened_the_tracking_issue(sandbox: Sandbox, config: Config, tmp: Path) -> None:
    titles = [
        i.title
        for i in sandbox.state.repo(REPO).issues.values()
        if i.state == "open" and i.pull is None
    ]
    assert titles.count(config.registry.tracking_issue_title) == 1


def ddat_export_proposed_the_month(sandbox: Sandbox, config: Config, tmp: Path) -> None:
    branch = config.ddat.export_branch.replace("{month}", "2026-10")
    (_pull,) = open_pulls(sandbox, branch)
    repo = sandbox.state.repo(REPO)
    files = repo.git.files(repo.git.commits[repo.git.refs[f"refs/heads/{branch}"]].tree)
    assert config.ddat.export_path.replace("{month}", "2026-10") in files


Check = Callable[[Sandbox, Config, Path], None]


@pytest.mark.parametrize(
    ("job", "client_payload", "effect"),
    [
        ("meetings", None, meetings_opened_one_pull_request),
        ("lifecycle", None, lifecycle_reminded_the_waiting_authors),
        ("digest", None, digest_published_october),
        ("labels-sync", {}, labels_are_all_declared),
        ("audit", {}, audit_opened_the_tracking_issue),
        ("ddat-export", {"month": "2026-10"}, ddat_export_proposed_the_month),
    ],
)
def test_each_job_acts_once_and_a_second_delivery_writes_nothing(
    sample_sandbox: Sandbox,
    github: Any,
    config: Config,
    tmp_path: Path,
    job: str,
    client_payload: dict[str, Any] | None,
    effect: Check,
) -> None:
    now = sample_sandbox.state.now  # 2026-11-16 09:00 UTC
    store_url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    first = run(github, config, job, client_payload, now=now, store_url=store_url)
    assert first.handlers == ["ghcommunity.jobs.runner.dispatched_job"]
    assert first.outcomes, first.plan.notes
    assert {o.status for o in first.outcomes} == {"applied"}
    effect(sample_sandbox, config, tmp_path)

    settle(sample_sandbox)
    again = run(github, config, job, client_payload, now=now, store_url=store_url)
    assert sample_sandbox.stats()["writes"] == 0, sample_sandbox.stats()["by_route"]
    assert {o.status for o in again.outcomes} <= {"unchanged"}
    effect(sample_sandbox, config, tmp_path)


def test_each_event_type_has_exactly_one_handler() -> None:
    load_handlers()
    for name in jobs():
        event = Event("repository_dispatch", {"action": f"ghcommunity-{name}"})
        assert len(handlers_for(event)) == 1, name


def test_a_dry_run_plans_and_writes_nothing(
    sample_sandbox: Sandbox, github: Any, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    settle(sample_sandbox)
    with caplog.at_level(logging.INFO, logger="ghcommunity.jobs.runner"):
        result = run(github, config, "meetings", {"dry_run": True}, now=sample_sandbox.state.now)
    assert [type(op).__name__ for op in result.plan.operations] == [
        "CommitFiles",
        "OpenPullRequest",
    ]
    assert result.outcomes == []
    assert sample_sandbox.stats()["writes"] == 0
    assert any("dry run" in note for note in result.plan.notes)
    assert "lean-coffees/2026-11-26.md" in caplog.text


@pytest.mark.parametrize(
    ("job", "client_payload", "reason"),
    [
        ("digest", {"month": "2026-13"}, "client_payload.month '2026-13': expected YYYY-MM"),
        ("digest", {"month": 202610}, "client_payload.month 202610: expected YYYY-MM"),
        ("digest", {"month": "9999-12"}, "client_payload.month '9999-12': expected a month betw"),
        ("ddat-export", {"month": "0001-01"}, "client_payload.month '0001-01': expected a month"),
        ("digest", {"publish": "slack"}, "client_payload.publish 'slack': expected one of"),
        ("meetings", {"dryrun": True}, "client_payload.dryrun: not an option of this job"),
        ("meetings", {"dry_run": "yes"}, "client_payload.dry_run 'yes': expected true or false"),
        ("meetings", {"lead_time": "soon"}, "client_payload.lead_time 'soon': expected days"),
        ("meetings", {"lead_time": "900d"}, "at most a year"),
        ("meetings", {"group": "no-such-group"}, "group 'no-such-group': no group with that slug"),
        ("lifecycle", {"now": "yesterday"}, "client_payload.now 'yesterday': expected an ISO"),
        ("labels-sync", {"prune": 1}, "client_payload.prune 1: expected true or false"),
        ("audit", ["not", "an", "object"], "client_payload ['not', 'an', 'object']: expected an"),
        ("ddat-export", {"month": "October"}, "client_payload.month 'October'"),
    ],
)
def test_a_bad_override_is_refused_with_one_logged_line(
    sample_sandbox: Sandbox,
    github: Any,
    config: Config,
    caplog: pytest.LogCaptureFixture,
    job: str,
    client_payload: Any,
    reason: str,
) -> None:
    settle(sample_sandbox)
    with caplog.at_level(logging.WARNING):
        result = run(github, config, job, client_payload, now=sample_sandbox.state.now)
    assert result.plan.operations == []
    assert result.outcomes == []
    (note,) = result.plan.notes
    assert reason in note
    assert note.startswith(f"ghcommunity-{job} for {REPO}: refused: ")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [note]
    assert "\n" not in note
    assert sample_sandbox.stats()["writes"] == 0


def test_community_jobs_run_only_for_the_configs_repository(
    sample_sandbox: Sandbox, github: Any, config: Config
) -> None:
    other = f"{ORG}/other-repo"
    sample_sandbox.state.add_repo(other)
    settle(sample_sandbox)
    for job in ("meetings", "digest", "audit", "ddat-export"):
        result = run(github, config, job, {}, now=sample_sandbox.state.now, repo=other)
        assert result.plan.operations == []
        assert "runs there only" in result.plan.notes[0]
    assert sample_sandbox.stats()["total"] == 0
    # Per-repository jobs act on the repository they were sent to.
    result = run(github, config, "labels-sync", {}, now=sample_sandbox.state.now, repo=other)
    assert {op.repo for op in result.plan.operations} == {other}


def test_overrides_reach_the_job(sample_sandbox: Sandbox, github: Any, config: Config) -> None:
    result = run(
        github,
        config,
        "meetings",
        {"group": "lean-coffee", "lead_time": "2w", "now": "2026-11-16T09:00:00Z"},
        now=datetime.fromisoformat("2020-01-01T00:00:00+00:00"),  # the override wins
    )
    (commit, _pull) = result.plan.operations
    paths = [f.path for f in commit.files]  # type: ignore[attr-defined]
    notes = [path for path in paths if path.endswith(".md")]
    assert notes == ["lean-coffees/2026-11-26.md"]


def test_dispatch_options_are_validated_once_with_the_jobs_own_model() -> None:
    allowed = MeetingsOptions.from_dispatch
    assert validate_options(MeetingsOptions, {}, source="client_payload", allowed=allowed) == (
        MeetingsOptions()
    )
    got = validate_options(
        MeetingsOptions,
        {"dry_run": True, "now": "2026-11-01", "lead_time": 21, "mode": "commit"},
        source="client_payload",
        allowed=allowed,
    )
    assert isinstance(got, MeetingsOptions)
    assert got.dry_run is True
    assert got.now is not None
    assert got.now.isoformat() == "2026-11-01T00:00:00+00:00"
    assert got.lead_time is not None
    assert got.lead_time.days == 21
    assert got.mode == "commit"
    # A door-only option (joining details come from the door's secrets) is not for a dispatch.
    with pytest.raises(InputError, match="not an option"):
        validate_options(MeetingsOptions, {"prune": True}, source="client_payload", allowed=allowed)
    with pytest.raises(InputError, match=r"client_payload.mode 'merge': expected one of"):
        validate_options(MeetingsOptions, {"mode": "merge"}, source="client_payload")
