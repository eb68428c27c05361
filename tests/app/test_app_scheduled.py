"""End to end with the sandbox's webhook delivery: the config check run on a push, and scheduled
jobs reaching the one dispatcher — by `POST /repos/{owner}/{repo}/dispatches` and by the App's
own scheduler.

(a) a push that breaks `.github/ghcommunity.yml` gets ONE failing check run on that commit,
    annotated at the bad line (read back through the sandbox's Checks API); a fix gets a passing
    one; a redelivery, with the same delivery id or a new one, posts no second run.
(b) `ghcommunity-meetings` dispatched by a maintainer opens the meeting-notes pull request; a
    second dispatch makes zero writes.
(c) the scheduler's daily and monthly runs go through the queue to the same handlers; the
    monthly digest keeps its store where `--store` says.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from app_harness import SECRET, Served, config_text, wait_until

from ghcommunity.app.scheduler import Scheduler, Target
from ghcommunity.app.service import Service
from ghcommunity.app.signature import sign
from ghcommunity.jobs.digest.store import Store
from ghcommunity_sandbox.server import Sandbox

ORG = "uk-x-gov-software-community"
REPO = f"{ORG}/community-space"
ROOT = Path(__file__).resolve().parents[2]
ADA = {"Authorization": "token ada-token"}
CONFIG = ".github/ghcommunity.yml"
RUNS_ROUTE = "POST /repos/{owner}/{repo}/check-runs"
DISPATCH_ROUTE = "POST /repos/{owner}/{repo}/dispatches"
TOKEN_ROUTE = "POST /app/installations/{installation_id}/access_tokens"


def install(sandbox: Sandbox) -> None:
    """The App (id 4242) installed on the org; ada, a maintainer with write access."""
    state = sandbox.state
    state.add_app(4242, "ghcommunity", owner=ORG)
    state.add_installation(77, app_id=4242, account=ORG)
    state.add_user("ada")
    state.add_token("ada-token", "ada")
    state.set_permission(REPO, "ada", "write")


def commit_config(sandbox: Sandbox, text: str) -> None:
    """Arrange the config without announcing the push (the push path is test (a)'s): the App
    reads it when the first event needs it."""
    with sandbox.state.quiet():
        sandbox.state.put_file(REPO, CONFIG, text, author="ada")


def repo_writes(sandbox: Sandbox) -> int:
    """Writes the App made to the repository: not the maintainer's dispatch, not the App's
    installation token."""
    stats = sandbox.stats()
    routes = stats["by_route"]
    return int(stats["writes"]) - routes.get(DISPATCH_ROUTE, 0) - routes.get(TOKEN_ROUTE, 0)


def idle(service: Service, sandbox: Sandbox) -> None:
    """Every webhook delivered and every queued delivery processed, twice over (the App's own
    writes come back as webhooks)."""
    for _ in range(2):
        assert sandbox.flush_webhooks(timeout=30)
        wait_until(
            lambda: service.queue.counts()["queued"] + service.queue.counts()["running"] == 0
        )


def settle(sandbox: Sandbox) -> None:
    """Reset the counters once every earlier request has been counted."""
    import time

    last = None
    for _ in range(50):
        total = sandbox.stats()["total"]
        if total == last:
            break
        last = total
        time.sleep(0.02)
    sandbox.reset_stats()


def check_runs(sandbox: Sandbox, sha: str) -> list[dict[str, Any]]:
    found = httpx.get(
        f"{sandbox.url}/repos/{REPO}/commits/{sha}/check-runs",
        params={"check_name": "ghcommunity config", "filter": "all"},
        headers=ADA,
    )
    assert found.status_code == 200
    runs: list[dict[str, Any]] = found.json()["check_runs"]
    return runs


def push_delivery(sandbox: Sandbox, sha: str) -> Any:
    return next(
        d for d in sandbox.deliveries if d.event == "push" and d.payload.get("after") == sha
    )


def test_a_broken_config_gets_one_annotated_check_run_and_a_fix_a_passing_one(
    app_and_sandbox: tuple[Service, Served, Sandbox],
) -> None:
    service, served, sandbox = app_and_sandbox
    install(sandbox)
    broken = config_text(REPO) + "meetings:\n  lead_time_days: soon\n"  # line 7 is wrong
    bad_sha = sandbox.state.put_file(REPO, CONFIG, broken, author="ada", message="Tweak config")
    idle(service, sandbox)

    (run,) = check_runs(sandbox, bad_sha)
    assert run["conclusion"] == "failure"
    assert run["app"]["id"] == 4242
    assert run["output"]["title"] == f"{CONFIG} has 1 problem(s)"
    notes = httpx.get(f"{run['url']}/annotations", headers=ADA).json()
    assert [(n["path"], n["start_line"], n["annotation_level"]) for n in notes] == [
        (CONFIG, 7, "failure")
    ]
    assert "meetings.lead_time_days" in notes[0]["message"]

    # GitHub's "Redeliver" (the same delivery id) is a duplicate; a replay under a new id runs
    # again and finds the run already there. Neither posts a second one.
    settle(sandbox)
    delivery = push_delivery(sandbox, bad_sha)
    same = httpx.post(f"{served.url}/webhook", content=delivery.body, headers=delivery.headers)
    assert same.status_code == 202
    assert same.json()["status"] == "duplicate"
    fresh = dict(delivery.headers, **{"X-GitHub-Delivery": str(uuid.uuid4())})
    replay = httpx.post(f"{served.url}/webhook", content=delivery.body, headers=fresh)
    assert replay.json()["status"] == "queued"
    idle(service, sandbox)
    assert len(check_runs(sandbox, bad_sha)) == 1
    assert sandbox.stats()["writes"] == 0, sandbox.stats()["by_route"]
    done = service.queue.get(fresh["X-GitHub-Delivery"])
    assert done is not None
    assert done["state"] == "done"
    assert "config invalid" in done["result"]

    good_sha = sandbox.state.put_file(REPO, CONFIG, config_text(REPO), author="ada")
    idle(service, sandbox)
    (passing,) = check_runs(sandbox, good_sha)
    assert passing["conclusion"] == "success"
    assert passing["output"]["annotations_count"] == 0
    assert len(check_runs(sandbox, bad_sha)) == 1  # the broken commit keeps its one run
    assert service.queue.list("parked") == []


def dispatch(sandbox: Sandbox, event_type: str, client_payload: dict[str, Any]) -> None:
    sent = httpx.post(
        f"{sandbox.url}/repos/{REPO}/dispatches",
        json={"event_type": event_type, "client_payload": client_payload},
        headers=ADA,
    )
    assert sent.status_code == 204, sent.text


def notes_pulls(sandbox: Sandbox) -> list[Any]:
    repo = sandbox.state.repo(REPO)
    return [
        i
        for i in repo.issues.values()
        if i.pull is not None
        and i.state == "open"
        and i.pull.head_ref == "ghcommunity/meeting-notes"
    ]


def test_a_dispatched_meetings_run_opens_the_notes_pull_request_once(
    app_and_sandbox: tuple[Service, Served, Sandbox],
) -> None:
    service, _served, sandbox = app_and_sandbox
    install(sandbox)
    commit_config(sandbox, (ROOT / "config" / "community.yml").read_text())

    settle(sandbox)
    # `now` pins the run to the sample's week, as `meetings generate --now` does.
    dispatch(sandbox, "ghcommunity-meetings", {"now": "2026-11-16T09:00:00Z"})
    idle(service, sandbox)
    (pull,) = notes_pulls(sandbox)
    assert pull.user.login == "ghcommunity[bot]"
    repo = sandbox.state.repo(REPO)
    files = repo.git.files(
        repo.git.commits[repo.git.refs["refs/heads/ghcommunity/meeting-notes"]].tree
    )
    assert "lean-coffees/2026-11-26.md" in files
    (ran,) = [d for d in service.queue.list("done") if d["event"] == "repository_dispatch"]
    assert ran["action"] == "ghcommunity-meetings"
    assert "1 handler(s), 2 operation(s), 2 applied" in ran["result"]
    # The sandbox's delivery is GitHub's shape: who asked, the branch, the payload.
    delivered = next(d for d in sandbox.deliveries if d.event == "repository_dispatch")
    assert delivered.payload["sender"]["login"] == "ada"
    assert delivered.payload["branch"] == "main"
    assert json.loads(delivered.body)["client_payload"] == {"now": "2026-11-16T09:00:00Z"}
    assert delivered.headers["X-Hub-Signature-256"] == sign(SECRET, delivered.body)

    settle(sandbox)
    dispatch(sandbox, "ghcommunity-meetings", {"now": "2026-11-16T09:00:00Z"})
    idle(service, sandbox)
    assert repo_writes(sandbox) == 0, sandbox.stats()["by_route"]
    assert len(notes_pulls(sandbox)) == 1
    assert service.queue.list("parked") == []


def test_a_bad_dispatch_is_refused_in_one_line_and_the_delivery_completes(
    app_and_sandbox: tuple[Service, Served, Sandbox],
) -> None:
    service, _served, sandbox = app_and_sandbox
    install(sandbox)
    commit_config(sandbox, config_text(REPO))
    settle(sandbox)
    dispatch(sandbox, "ghcommunity-digest", {"month": "last month"})
    idle(service, sandbox)
    (ran,) = [d for d in service.queue.list("done") if d["event"] == "repository_dispatch"]
    assert "1 handler(s), 0 operation(s)" in ran["result"]
    assert repo_writes(sandbox) == 0, sandbox.stats()["by_route"]
    assert service.queue.list("parked") == []


def test_the_schedulers_runs_reach_the_same_handlers_and_keep_the_digest_store(
    app_and_sandbox: tuple[Service, Served, Sandbox],
) -> None:
    service, _served, sandbox = app_and_sandbox
    install(sandbox)
    sandbox.state.add_discussion_category(REPO, "Announcements")
    commit_config(sandbox, (ROOT / "config" / "community.yml").read_text())

    days = iter([date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 2)])
    scheduler = Scheduler(
        service.queue,
        lambda: [Target(REPO, 77)],
        wake=service.workers.wake,
        today=lambda: next(days),
    )
    assert scheduler.tick() == 4  # meetings, lifecycle, the dashboard, the digest on the first
    idle(service, sandbox)
    assert scheduler.tick() == 0  # the same day again: already queued once
    ran = {
        d["action"]: d["result"]
        for d in service.queue.list("done")
        if d["event"] == "repository_dispatch"
    }
    assert set(ran) == {
        "ghcommunity-meetings",
        "ghcommunity-lifecycle",
        "ghcommunity-digest",
        "ghcommunity-dashboard",
    }
    for action, result in ran.items():
        assert "1 handler(s)" in result, (action, result)
    assert service.queue.list("parked") == []
    assert notes_pulls(sandbox)  # with the real clock: the next fortnight's meetings
    posts = list(sandbox.state.repo(REPO).discussions.values())
    assert len(posts) == 1
    assert posts[0].category.name == "Announcements"
    store = Store(service.settings.store_url)
    try:
        assert store.states(REPO)  # synced, and kept for next month's incremental run
    finally:
        store.close()
    assert scheduler.tick() == 3  # the next day: the daily jobs only
