"""The App's pure parts: config-change detection, the config check run, the schedule, the
manifest."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import yaml
from app_harness import FIXTURES, Harness, config_text, event_name, examples

from ghcommunity.app.repo_config import (
    check_run_plan,
    is_default_branch_push,
    push_changes_config,
)
from ghcommunity.app.scheduler import Scheduler, Target, due_deliveries
from ghcommunity.config import ConfigError, parse_config

ROOT = Path(__file__).resolve().parents[2]


def test_push_detection_on_real_push_examples() -> None:
    pushes = [json.loads(p.read_bytes()) for p in examples() if event_name(p) == "push"]
    assert len(pushes) == 7
    for payload in pushes:
        # None of GitHub's examples touches our config, unless GitHub truncated the list.
        listed = len(payload.get("commits") or [])
        assert push_changes_config(payload) == (payload.get("size", listed) > listed)


def test_push_detection() -> None:
    base = {"ref": "refs/heads/main", "repository": {"default_branch": "main"}, "size": 1}
    changed = {**base, "commits": [{"modified": [".github/ghcommunity.yml"]}]}
    other = {**base, "commits": [{"modified": ["README.md"], "added": [], "removed": []}]}
    removed = {**base, "commits": [{"removed": [".github/ghcommunity.yml"]}]}
    assert push_changes_config(changed)
    assert push_changes_config(removed)
    assert not push_changes_config(other)
    assert push_changes_config({**other, "size": 25})  # more commits than GitHub listed
    assert is_default_branch_push(changed)
    assert not is_default_branch_push({**changed, "ref": "refs/heads/feature"})
    assert not is_default_branch_push({"ref": "refs/heads/main"})  # no repository: unsure


def test_check_run_for_a_broken_config_points_at_each_line() -> None:
    text = config_text("o/r", "groups:\n  - slug: Bad Slug\n    nonsense: 1\n")
    try:
        parse_config(text, ".github/ghcommunity.yml")
    except ConfigError as exc:
        error = exc
    else:
        raise AssertionError("the config should be invalid")
    [op] = check_run_plan("o/r", "c" * 40, error).operations
    assert op.op == "create_check_run"
    assert op.conclusion == "failure"
    assert op.head_sha == "c" * 40
    assert len(op.annotations) == len(error.problems) >= 1
    assert all(a.path == ".github/ghcommunity.yml" and a.start_line >= 6 for a in op.annotations)
    assert all(f"`{line}`" in op.summary for line in error.problems)
    [ok] = check_run_plan("o/r", "c" * 40, None).operations
    assert ok.conclusion == "success"
    assert not ok.annotations


def test_schedule_is_daily_and_monthly() -> None:
    targets = [Target("org/repo", 5)]
    ordinary = due_deliveries(targets, date(2026, 11, 23))
    assert [d[0] for d in ordinary] == [
        "schedule:meetings:org/repo:2026-11-23",
        "schedule:lifecycle:org/repo:2026-11-23",
        "schedule:dashboard:org/repo:2026-11-23",
    ]
    first = due_deliveries(targets, date(2026, 12, 1))
    assert [d[3] for d in first] == [
        "ghcommunity-meetings",
        "ghcommunity-lifecycle",
        "ghcommunity-digest",
        "ghcommunity-dashboard",  # last: it shows what the others did
    ]
    payload = json.loads(first[2][1])
    assert payload["action"] == "ghcommunity-digest"
    assert payload["installation"] == {"id": 5}
    assert payload["repository"]["full_name"] == "org/repo"
    assert "sender" not in payload  # a scheduled run is not the bot's own event


def test_scheduler_queues_each_run_once(harness: Harness) -> None:
    day = {"today": date(2026, 12, 1)}
    scheduler = Scheduler(
        harness.service.queue, lambda: [Target("org/repo", None)], today=lambda: day["today"]
    )
    assert scheduler.tick() == 4
    assert scheduler.tick() == 0  # a restart or a second instance queues nothing more
    harness.drain()
    assert scheduler.tick() == 0  # nor once they have run
    day["today"] = date(2026, 12, 2)
    assert scheduler.tick() == 3
    rows = harness.service.queue.list()
    assert {r["event"] for r in rows} == {"repository_dispatch"}


def test_manifest_asks_only_for_real_permissions_and_events() -> None:
    manifest = yaml.safe_load((ROOT / "app.yml").read_text())
    with gzip.open(ROOT / "tests" / "fixtures" / "openapi" / "api.github.com.json.gz") as fh:
        openapi = json.load(fh)
    known = openapi["components"]["schemas"]["app-permissions"]["properties"]
    for name, level in manifest["default_permissions"].items():
        assert name in known, name
        assert level in known[name]["enum"], (name, level)
    events = {event_name(p) for p in FIXTURES.glob("*.json")}
    assert set(manifest["default_events"]) <= events
    assert manifest["hook_attributes"]["url"].endswith("/webhook")
    assert manifest["public"] is False
    # Least privilege: nothing administrative.
    assert not {"administration", "organization_administration", "secrets", "workflows"} & set(
        manifest["default_permissions"]
    )


def test_the_executor_creates_a_check_run_once() -> None:
    from app_harness import FakeGitHub

    from ghcommunity.github.executor import Executor

    fake = FakeGitHub()
    error = ConfigError([".github/ghcommunity.yml:3:5: community.org: required key is missing"])
    plan = check_run_plan("o/r", "d" * 40, error)
    first = Executor(fake).apply(plan)  # type: ignore[arg-type]
    assert [o.status for o in first] == ["applied"]
    [posted] = fake.check_runs
    assert posted["status"] == "completed"
    assert posted["output"]["annotations"][0]["start_line"] == 3
    again = Executor(fake).apply(plan)  # type: ignore[arg-type]
    assert [o.status for o in again] == ["unchanged"]
    assert len(fake.check_runs) == 1
    fixed = Executor(fake).apply(check_run_plan("o/r", "d" * 40, None))  # type: ignore[arg-type]
    assert [o.status for o in fixed] == ["applied"]
    assert [r["conclusion"] for r in fake.check_runs] == ["failure", "success"]
