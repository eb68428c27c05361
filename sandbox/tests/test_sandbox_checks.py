"""The Checks API and repository dispatches: GitHub's shapes (validated by the autouse OpenAPI
check), its rules, and the `check_run` / `repository_dispatch` webhooks (octokit's schemas)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from test_sandbox_webhooks import Receiver, schema_errors

from ghcommunity.core.plan import CheckAnnotation, CreateCheckRun, Plan
from ghcommunity.github.executor import Executor
from ghcommunity_sandbox import Sandbox

REPO = "uk-x-gov-software-community/community-space"
R = f"/repos/{REPO}"
SECRET = "s3cret"


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, headers={"Authorization": "token t"}) as client:
        yield client


def head(sandbox: Sandbox) -> str:
    return sandbox.state.repo(REPO).git.refs["refs/heads/main"]


def annotation(line: int, message: str = "bad") -> dict[str, Any]:
    return {
        "path": ".github/ghcommunity.yml",
        "start_line": line,
        "end_line": line,
        "annotation_level": "failure",
        "message": message,
    }


def test_a_check_run_is_created_read_listed_and_annotated(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    sha = head(sandbox)
    made = api.post(
        f"{R}/check-runs",
        json={
            "name": "ghcommunity config",
            "head_sha": sha,
            "conclusion": "failure",
            "output": {
                "title": "2 problems",
                "summary": "Fix them",
                "annotations": [annotation(3), annotation(7, "unknown key")],
            },
        },
    )
    assert made.status_code == 201, made.text
    run = made.json()
    assert run["status"] == "completed"  # a conclusion completes the run
    assert run["conclusion"] == "failure"
    assert run["completed_at"]
    assert run["head_sha"] == sha
    assert run["app"]["slug"] == "ghcommunity"
    assert run["output"]["annotations_count"] == 2
    assert made.headers["location"] == run["url"]
    assert api.get(run["url"].removeprefix(sandbox.url)).json() == run

    notes = api.get(f"{R}/check-runs/{run['id']}/annotations").json()
    assert [(n["start_line"], n["message"]) for n in notes] == [(3, "bad"), (7, "unknown key")]
    assert notes[0]["blob_href"].endswith(f"/blob/{sha}/.github/ghcommunity.yml")

    listed = api.get(f"{R}/commits/{sha}/check-runs", params={"check_name": "ghcommunity config"})
    assert listed.json()["total_count"] == 1
    assert listed.json()["check_runs"][0]["id"] == run["id"]
    # By branch name too, and filtered by status and name.
    assert api.get(f"{R}/commits/main/check-runs").json()["total_count"] == 1
    assert api.get(f"{R}/commits/main/check-runs?status=queued").json()["total_count"] == 0
    assert api.get(f"{R}/commits/main/check-runs?check_name=other").json()["total_count"] == 0


def test_updates_complete_a_run_and_append_annotations(sandbox: Sandbox, api: httpx.Client) -> None:
    sha = head(sandbox)
    run = api.post(
        f"{R}/check-runs", json={"name": "lint", "head_sha": sha, "status": "in_progress"}
    ).json()
    assert (run["status"], run["conclusion"], run["completed_at"]) == ("in_progress", None, None)
    out = {"title": "t", "summary": "s"}
    api.patch(
        f"{R}/check-runs/{run['id']}", json={"output": {**out, "annotations": [annotation(1)]}}
    )
    done = api.patch(
        f"{R}/check-runs/{run['id']}",
        json={"conclusion": "success", "output": {**out, "annotations": [annotation(2)]}},
    ).json()
    assert (done["status"], done["conclusion"]) == ("completed", "success")
    assert done["output"]["annotations_count"] == 2
    # A second run of the same name: `latest` (the default) shows only the newer one.
    newer = api.post(f"{R}/check-runs", json={"name": "lint", "head_sha": sha}).json()
    assert newer["status"] == "queued"
    assert newer["check_suite"]["id"] == run["check_suite"]["id"]  # one suite per App and commit
    latest = api.get(f"{R}/commits/{sha}/check-runs").json()
    assert [r["id"] for r in latest["check_runs"]] == [newer["id"]]
    every = api.get(f"{R}/commits/{sha}/check-runs", params={"filter": "all"}).json()
    assert [r["id"] for r in every["check_runs"]] == [newer["id"], run["id"]]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"head_sha": "HEAD"}, 422),  # no name
        ({"name": "x", "head_sha": "0" * 40}, 422),  # no such commit
        ({"name": "x", "head_sha": "HEAD", "status": "completed"}, 422),  # no conclusion
        ({"name": "x", "head_sha": "HEAD", "conclusion": "stale"}, 422),  # GitHub sets that
        ({"name": "x", "head_sha": "HEAD", "status": "waiting"}, 422),  # Actions only
        ({"name": "x", "head_sha": "HEAD", "output": {"title": "t"}}, 422),  # no summary
        (
            {
                "name": "x",
                "head_sha": "HEAD",
                "output": {"title": "t", "summary": "s", "annotations": [annotation(1)] * 51},
            },
            422,
        ),
    ],
)
def test_github_refuses_what_it_refuses(
    sandbox: Sandbox, api: httpx.Client, body: dict[str, Any], status: int
) -> None:
    if body.get("head_sha") == "HEAD":
        body = {**body, "head_sha": head(sandbox)}
    answer = api.post(f"{R}/check-runs", json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["message"]
    assert sandbox.state.repo(REPO).check_runs == {}


def test_only_an_app_writes_check_runs(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.state.set_permission(REPO, "ada", "admin")
    sandbox.state.add_token("ada-token", "ada")
    as_ada = {"Authorization": "token ada-token"}
    body = {"name": "x", "head_sha": head(sandbox), "conclusion": "success"}
    refused = api.post(f"{R}/check-runs", json=body, headers=as_ada)
    assert refused.status_code == 403
    assert refused.json()["message"] == "You must authenticate via a GitHub App."
    run = api.post(f"{R}/check-runs", json=body).json()
    assert api.patch(f"{R}/check-runs/{run['id']}", json={}, headers=as_ada).status_code == 403
    assert api.get(f"{R}/check-runs/{run['id']}", headers=as_ada).status_code == 200  # reading
    assert api.get(f"{R}/check-runs/999999").status_code == 404


def test_the_executor_posts_one_check_run_however_often_it_runs(
    sandbox: Sandbox, github: Any
) -> None:
    op = CreateCheckRun(
        repo=REPO,
        name="ghcommunity config",
        head_sha=head(sandbox),
        conclusion="failure",
        title="1 problem",
        summary="- `.github/ghcommunity.yml:4:3: bad`",
        annotations=[
            CheckAnnotation(path=".github/ghcommunity.yml", start_line=4, end_line=4, message="x")
        ],
    )
    first = Executor(github).apply(Plan.of([op]))
    assert [o.status for o in first] == ["applied"]
    sandbox.reset_stats()
    again = Executor(github).apply(Plan.of([op]))
    assert [o.status for o in again] == ["unchanged"]
    assert sandbox.stats()["writes"] == 0
    (run,) = sandbox.state.repo(REPO).check_runs.values()
    assert [(a.start_line, a.message) for a in run.annotations] == [(4, "x")]


# -- repository dispatch -----------------------------------------------------------------------


def test_a_dispatch_answers_204_and_checks_its_input(sandbox: Sandbox, api: httpx.Client) -> None:
    ok = api.post(
        f"{R}/dispatches",
        json={"event_type": "ghcommunity-meetings", "client_payload": {"dry_run": True}},
    )
    assert ok.status_code == 204
    assert ok.content == b""
    for body in (
        {},
        {"event_type": ""},
        {"event_type": "x" * 101},
        {"event_type": 5},
        {"event_type": "x", "client_payload": [1]},
        {"event_type": "x", "client_payload": {str(i): i for i in range(11)}},
    ):
        answer = api.post(f"{R}/dispatches", json=body)
        assert answer.status_code == 422, body
        assert answer.json()["message"].startswith("Invalid request.")
    sandbox.state.add_token("reader", "someone")
    refused = api.post(
        f"{R}/dispatches",
        json={"event_type": "x"},
        headers={"Authorization": "token reader"},
    )
    assert refused.status_code == 403


@pytest.fixture(scope="module")
def hooked() -> Iterator[tuple[Sandbox, Receiver]]:
    receiver = Receiver()
    sb = Sandbox.start(seed="minimal", webhook_url=receiver.url, webhook_secret=SECRET)
    try:
        yield sb, receiver
    finally:
        sb.stop()
        receiver.close()


def received(receiver: Receiver) -> list[tuple[str, dict[str, Any]]]:
    return [(h["x-github-event"], json.loads(body)) for h, body in receiver.received]


def test_checks_and_dispatches_are_delivered_as_github_shapes_them(
    hooked: tuple[Sandbox, Receiver],
) -> None:
    sb, receiver = hooked
    sb.reset()
    receiver.received.clear()
    sb.state.set_permission(REPO, "ada", "write")
    sb.state.add_token("ada-token", "ada")
    sha = sb.state.repo(REPO).git.refs["refs/heads/main"]
    with httpx.Client(base_url=sb.url, headers={"Authorization": "token t"}) as bot:
        run = bot.post(
            f"{R}/check-runs",
            json={"name": "lint", "head_sha": sha, "status": "in_progress"},
        ).json()
        bot.patch(
            f"{R}/check-runs/{run['id']}",
            json={"conclusion": "failure", "output": {"title": "t", "summary": "s"}},
        )
        bot.post(
            f"{R}/check-runs", json={"name": "born done", "head_sha": sha, "conclusion": "success"}
        )
    dispatched = httpx.post(
        f"{sb.url}{R}/dispatches",
        json={"event_type": "ghcommunity-digest", "client_payload": {"month": "2026-10"}},
        headers={"Authorization": "token ada-token"},
    )
    assert dispatched.status_code == 204
    assert sb.flush_webhooks(timeout=10)
    got = received(receiver)
    assert [(e, p["action"]) for e, p in got] == [
        ("check_run", "created"),
        ("check_run", "completed"),
        ("check_run", "created"),
        ("check_run", "completed"),
        ("repository_dispatch", "ghcommunity-digest"),
    ]
    for event, payload in got:
        action = None if event == "repository_dispatch" else payload["action"]  # one schema
        assert schema_errors(event, action, payload) == [], (event, action)
    completed = got[1][1]["check_run"]
    assert completed["conclusion"] == "failure"
    assert completed["check_suite"]["head_branch"] == "main"
    assert completed["check_suite"]["status"] == "completed"
    assert got[1][1]["sender"]["login"] == "ghcommunity[bot]"
    dispatch = got[-1][1]
    assert dispatch["client_payload"] == {"month": "2026-10"}
    assert dispatch["branch"] == "main"
    assert dispatch["sender"]["login"] == "ada"
    assert dispatch["installation"]["id"] == 1
    assert dispatch["repository"]["full_name"] == REPO
