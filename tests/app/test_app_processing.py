"""From a queued delivery to the dispatcher: every real example, config lookup, routing,
retries and parking, the admin endpoints."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from app_harness import FIXTURES as FIXTURES_DIR
from app_harness import Harness, config_text, event_name, examples
from githubkit.exception import RequestFailed
from githubkit.response import Response

from ghcommunity.app.repo_config import is_default_branch_push, push_changes_config
from ghcommunity.core import events
from ghcommunity.core.errors import OperationalError
from ghcommunity.core.events import Event, Registration
from ghcommunity.core.plan import AddLabels, Plan
from ghcommunity.github.context import Context
from ghcommunity.jobs import runner

REPO = "octo-org/octo-repo"


@pytest.fixture
def only_handlers() -> Iterator[Callable[..., None]]:
    """Replace the registered handlers with the test's own for the test's duration."""
    saved = list(events._REGISTRY)

    def install(*registrations: tuple[tuple[str, ...], Any]) -> None:
        runner.load_handlers()
        events._REGISTRY[:] = [
            Registration(keys, func, f"test.{func.__name__}") for keys, func in registrations
        ]

    yield install
    events._REGISTRY[:] = saved


EVENTS = sorted({event_name(path) for path in examples()})


def test_every_example_is_accepted_and_processed(
    harness: Harness, only_handlers: Callable[..., None]
) -> None:
    """All 329 of GitHub's examples: 202, then processed to `done` through the dispatcher."""
    seen: list[tuple[str, str]] = []

    def record(event: Event, ctx: Context) -> Plan | None:
        seen.append((event.key, event.repo))
        assert ctx.config.repo.lower() == event.repo.lower()
        return None

    only_handlers((tuple(EVENTS), record))
    fake = harness.fake
    assert fake is not None
    paths = examples()
    assert len(paths) == 329
    repos = set()
    for path in paths:
        data = json.loads(path.read_bytes())
        repo = (data.get("repository") or {}).get("full_name")
        if repo:
            repos.add(repo)
            fake.files[(repo.lower(), ".github/ghcommunity.yml")] = config_text(repo)
    for n, path in enumerate(paths):
        response = harness.post(event_name(path), path.read_bytes(), delivery=f"ex-{n}")
        assert response.status_code == 202, (path.name, response.text)
        assert response.json()["status"] == "queued"
    assert harness.drain() == 329
    counts = harness.service.queue.counts()
    assert counts == {"queued": 0, "running": 0, "done": 329, "parked": 0}
    with_repo = [
        p for p in paths if (json.loads(p.read_bytes()).get("repository") or {}).get("full_name")
    ]
    # Every example with a repository reached the handler (installation events are the App's).
    expected = [
        p
        for p in with_repo
        if event_name(p) not in ("installation", "installation_repositories", "ping")
    ]
    assert len(seen) == len(expected)
    # Each repository's config was read once, then cached — read again only after a push to
    # its default branch that may have changed it.
    config_reads = Counter(
        c.split("/")[2] + "/" + c.split("/")[3]
        for c in fake.calls
        if c.startswith("GET ") and c.endswith("/contents/.github/ghcommunity.yml")
    )
    invalidations = 0
    for path in paths:
        data = json.loads(path.read_bytes())
        if event_name(path) == "push":
            invalidations += is_default_branch_push(data) and push_changes_config(data)
        for key in ("repositories", "repositories_added", "repositories_removed"):
            invalidations += len(data.get(key) or [])
    assert set(config_reads) == repos
    assert sum(config_reads.values()) <= len(repos) + invalidations


def test_an_issue_is_labelled_through_the_same_dispatcher(
    harness: Harness, only_handlers: Callable[..., None]
) -> None:
    def label(event: Event, ctx: Context) -> Plan:
        return Plan.of(
            [AddLabels(repo=event.repo, issue=event.issue_number or 0, labels=["triage"])]
        )

    only_handlers((("issues.opened",), label))
    fake = harness.fake
    assert fake is not None
    fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(REPO)
    payload = {
        "action": "opened",
        "issue": {"number": 5},
        "repository": {"full_name": REPO},
        "sender": {"login": "someone"},
        "installation": {"id": 42},
    }
    harness.post("issues", payload, delivery="label-1")
    harness.drain()
    assert fake.labels[(REPO, 5)] == ["triage"]
    assert harness.state("label-1") == "done"
    row = harness.service.queue.get("label-1")
    assert row is not None
    assert row["result"] == "issues.opened: 1 handler(s), 1 operation(s), 1 applied, 2 request(s)"
    # A redelivery of a finished delivery does nothing at all.
    calls = len(fake.calls)
    assert harness.post("issues", payload, delivery="label-1").json()["status"] == "duplicate"
    assert harness.drain() == 0
    assert len(fake.calls) == calls


def test_config_is_read_once_per_repository(
    harness: Harness, only_handlers: Callable[..., None]
) -> None:
    only_handlers((("issues",), lambda event, ctx: None))
    fake = harness.fake
    assert fake is not None
    fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(REPO)
    for _ in range(5):
        harness.post("issues", {"action": "opened", "repository": {"full_name": REPO}})
    harness.drain()
    assert fake.calls.count(f"GET /repos/{REPO}/contents/.github/ghcommunity.yml") == 1
    assert harness.service.queue.counts()["done"] == 5


def test_org_fallback_and_no_config(harness: Harness, only_handlers: Callable[..., None]) -> None:
    seen: list[str] = []
    only_handlers((("issues",), lambda event, ctx: seen.append(ctx.config.community.name)))
    fake = harness.fake
    assert fake is not None
    fake.files[("octo-org/.github", ".github/ghcommunity.yml")] = config_text(
        "octo-org/community"
    ).replace("Test community", "Org-wide")
    base = {"action": "opened", "issue": {"number": 1}, "sender": {"login": "x"}}
    harness.post("issues", {**base, "repository": {"full_name": "octo-org/a"}})
    harness.post("issues", {**base, "repository": {"full_name": "elsewhere/b"}})
    harness.drain()
    assert seen == ["Org-wide"]  # elsewhere/b has no config anywhere: ignored
    assert "GET /repos/octo-org/.github/contents/.github/ghcommunity.yml" in fake.calls
    assert harness.service.queue.counts()["done"] == 2


def push(
    repo: str, *, changed: bool, branch: str = "main", after: str = "a" * 40
) -> dict[str, Any]:
    files = [".github/ghcommunity.yml"] if changed else ["README.md"]
    return {
        "ref": f"refs/heads/{branch}",
        "after": after,
        "size": 1,
        "commits": [{"id": after, "added": [], "modified": files, "removed": []}],
        "repository": {"full_name": repo, "default_branch": "main"},
        "sender": {"login": "maintainer"},
    }


def test_push_that_changes_config_refreshes_it(
    harness: Harness, only_handlers: Callable[..., None]
) -> None:
    names: list[str] = []
    only_handlers((("issues",), lambda event, ctx: names.append(ctx.config.community.name)))
    fake = harness.fake
    assert fake is not None
    key = (REPO, ".github/ghcommunity.yml")
    fake.files[key] = config_text(REPO)
    issue = {"action": "opened", "issue": {"number": 1}, "repository": {"full_name": REPO}}
    harness.post("issues", issue)
    harness.drain()
    fake.files[key] = config_text(REPO).replace("Test community", "Renamed")
    harness.post("push", push(REPO, changed=False))
    harness.post("issues", issue)
    harness.drain()
    assert names == ["Test community", "Test community"]  # unrelated push: cache kept
    harness.post("push", push(REPO, changed=True))
    harness.post("issues", issue)
    harness.drain()
    assert names[-1] == "Renamed"
    assert fake.check_runs[-1]["conclusion"] == "success"


def test_a_broken_config_is_explained_once_on_the_commit(
    harness: Harness, only_handlers: Callable[..., None], caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []
    only_handlers((("issues",), lambda event, ctx: ran.append(event.key)))
    fake = harness.fake
    assert fake is not None
    fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(REPO, "unknown_section: 1\n")
    harness.post("push", push(REPO, changed=True, after="b" * 40))
    issue = {"action": "opened", "issue": {"number": 1}, "repository": {"full_name": REPO}}
    for _ in range(3):
        harness.post("issues", issue)
    with caplog.at_level("WARNING"):
        harness.drain()
    assert ran == []  # nothing acts on a broken config
    assert len(fake.check_runs) == 1
    run = fake.check_runs[0]
    assert run["head_sha"] == "b" * 40
    assert run["conclusion"] == "failure"
    assert run["output"]["annotations"] == [
        {
            "path": ".github/ghcommunity.yml",
            "start_line": 6,
            "end_line": 6,
            "start_column": 1,
            "end_column": 1,
            "annotation_level": "failure",
            "message": "unknown_section: unknown key (check the spelling; see `ghcommunity config schema`)",
            "title": "ghcommunity config error",
        }
    ]
    warnings = [r for r in caplog.records if "invalid" in r.getMessage()]
    assert len(warnings) == 1  # logged once, not once per event
    assert harness.service.queue.counts()["done"] == 4


def test_a_config_naming_a_missing_file_fails_its_check(
    harness: Harness, only_handlers: Callable[..., None]
) -> None:
    """Valid, so used; but the taxonomy it names is not in the commit: DDaT feedback would go
    unlabelled with only a warning in the App's log. The check says so, at the line."""
    only_handlers((("issues",), lambda event, ctx: None))
    fake = harness.fake
    assert fake is not None
    fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(
        REPO, "ddat:\n  taxonomy: community/missing.yml\n"
    )
    harness.post("push", push(REPO, changed=True, after="c" * 40))
    harness.drain()
    [run] = fake.check_runs
    assert run["conclusion"] == "failure"
    assert run["output"]["title"] == ".github/ghcommunity.yml: 1 problem(s) in the files it names"
    [note] = run["output"]["annotations"]
    assert note["start_line"] == 7
    assert note["message"] == ("ddat.taxonomy: community/missing.yml is not in the repository")
    # Adding the file decides the check again on that commit (the config did not change).
    taxonomy = (Path(__file__).resolve().parents[2] / "config" / "ddat.yml").read_text()
    fake.files[(REPO, "community/missing.yml")] = taxonomy
    added = push(REPO, changed=False, after="d" * 40)
    added["commits"][0]["added"] = ["community/missing.yml"]
    harness.post("push", added)
    harness.drain()
    assert [run["head_sha"][0] for run in fake.check_runs] == ["c", "d"]
    assert fake.check_runs[-1]["conclusion"] == "success"
    harness.post("push", push(REPO, changed=False, after="e" * 40))  # README.md: no check
    harness.drain()
    assert len(fake.check_runs) == 2
    # A taxonomy that does not parse: the check fails on the taxonomy's own line.
    fake.files[(REPO, "community/missing.yml")] = taxonomy + "famillies: 1\n"
    broken = push(REPO, changed=False, after="f" * 40)
    broken["commits"][0]["modified"] = ["community/missing.yml"]
    harness.post("push", broken)
    harness.drain()
    run = fake.check_runs[-1]
    assert run["conclusion"] == "failure"
    [note] = run["output"]["annotations"]
    line = len(taxonomy.splitlines()) + 1
    assert (note["path"], note["start_line"]) == ("community/missing.yml", line)
    assert "famillies" in note["message"]


def failing(status: int, headers: dict[str, str] | None = None) -> OperationalError:
    """An OperationalError as GitHubClient raises it, with githubkit's error as its context."""
    request = httpx.Request("GET", "https://api.github.com/repos/o/r")
    raw = httpx.Response(status, headers=headers or {}, request=request, json={"message": "x"})
    try:
        try:
            raise RequestFailed(Response(raw, Any))
        except RequestFailed:
            raise OperationalError(f"GitHub answered {status}") from None
    except OperationalError as exc:
        return exc


def test_server_errors_are_retried_then_parked(
    make_harness: Callable[..., Harness], only_handlers: Callable[..., None]
) -> None:
    harness = make_harness(max_attempts=3, retry_base=0.0)
    attempts: list[int] = []

    def flaky(event: Event, ctx: Context) -> Plan:
        attempts.append(1)
        raise failing(502)

    only_handlers((("issues",), flaky))
    assert harness.fake is not None
    harness.fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(REPO)
    harness.post("issues", {"action": "opened", "repository": {"full_name": REPO}}, delivery="f")
    harness.drain()
    assert len(attempts) == 3
    assert harness.state("f") == "parked"
    row = harness.service.queue.get("f")
    assert row is not None
    assert "502" in row["last_error"]


def test_not_found_is_parked_at_once(harness: Harness, only_handlers: Callable[..., None]) -> None:
    def missing(event: Event, ctx: Context) -> Plan:
        raise failing(404)

    only_handlers((("issues",), missing))
    assert harness.fake is not None
    harness.fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(REPO)
    harness.post("issues", {"action": "opened", "repository": {"full_name": REPO}}, delivery="n")
    harness.drain()
    row = harness.service.queue.get("n")
    assert row is not None
    assert row["state"] == "parked"
    assert row["attempts"] == 1


def test_retry_after_is_honoured(harness: Harness, only_handlers: Callable[..., None]) -> None:
    def limited(event: Event, ctx: Context) -> Plan:
        raise failing(429, {"retry-after": "120"})

    only_handlers((("issues",), limited))
    assert harness.fake is not None
    harness.fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(REPO)
    harness.post("issues", {"action": "opened", "repository": {"full_name": REPO}}, delivery="l")
    harness.drain()
    row = harness.service.queue.get("l")
    assert row is not None
    assert row["state"] == "queued"
    assert row["available_at"] - row["received_at"] >= 119


def test_a_handler_bug_is_parked_not_a_crash(
    harness: Harness, only_handlers: Callable[..., None]
) -> None:
    def buggy(event: Event, ctx: Context) -> Plan:
        return event.payload["no such key"]  # type: ignore[no-any-return]

    only_handlers((("issues",), buggy))
    assert harness.fake is not None
    harness.fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(REPO)
    harness.post("issues", {"action": "opened", "repository": {"full_name": REPO}}, delivery="b")
    harness.post("ping", {"zen": "z"}, delivery="p")
    harness.drain()
    assert harness.state("b") == "parked"
    assert harness.state("p") == "done"


def test_admin_endpoints(
    make_harness: Callable[..., Harness], only_handlers: Callable[..., None]
) -> None:
    closed = make_harness()
    assert closed.http.get("/admin/deliveries").status_code == 404
    assert closed.http.post("/admin/deliveries/x/retry").status_code == 404

    harness = make_harness(admin_token="admin-secret-token")
    calls: list[str] = []

    def once_broken(event: Event, ctx: Context) -> Plan | None:
        calls.append(event.delivery_id or "")
        if len(calls) == 1:
            raise RuntimeError("a bug, since fixed")
        return None

    only_handlers((("issues",), once_broken))
    assert harness.fake is not None
    harness.fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(REPO)
    harness.post("issues", {"action": "opened", "repository": {"full_name": REPO}}, delivery="x")
    harness.drain()
    assert harness.http.get("/admin/deliveries").status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert harness.http.get("/admin/deliveries", headers=wrong).status_code == 401
    auth = {"Authorization": "Bearer admin-secret-token"}
    listed = harness.http.get("/admin/deliveries?state=parked", headers=auth).json()
    assert listed["counts"]["parked"] == 1
    [parked] = listed["deliveries"]
    assert parked["id"] == "x"
    assert "a bug, since fixed" in parked["last_error"]
    assert "body" not in parked
    assert harness.http.get("/admin/deliveries?state=nope", headers=auth).status_code == 400
    assert harness.http.post("/admin/deliveries/zzz/retry", headers=auth).status_code == 404
    retried = harness.http.post("/admin/deliveries/x/retry", headers=auth)
    assert retried.status_code == 202
    assert retried.json()["was"] == "parked"
    assert harness.http.post("/admin/deliveries/x/retry", headers=auth).status_code == 409
    harness.drain()
    assert harness.state("x") == "done"
    assert calls == ["x", "x"]


def test_app_mode_ignores_events_without_an_installation(
    make_harness: Callable[..., Harness], only_handlers: Callable[..., None], tmp_path: Any
) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    harness = make_harness(fake=False, token=None, app_id="1", private_key=key.decode())
    only_handlers((("issues",), lambda event, ctx: None))
    example = (FIXTURES_DIR / "issues.opened.json").read_bytes()
    assert b'"installation"' not in example
    harness.post("issues", example, delivery="no-inst")
    harness.post("push", (FIXTURES_DIR / "push.event.json").read_bytes(), delivery="no-inst-push")
    harness.drain()
    row = harness.service.queue.get("no-inst")
    assert row is not None
    assert row["state"] == "done"
    assert row["result"] == "issues.opened: no installation to act as; ignored"
    assert harness.state("no-inst-push") == "done"


def test_re_run_on_the_config_check_decides_it_again(
    harness: Harness, only_handlers: Callable[..., None]
) -> None:
    """GitHub's "Re-run" button sends `check_run.rerequested`: the check is decided again on
    that commit (here the missing file was added on the branch meanwhile)."""
    only_handlers((("issues",), lambda event, ctx: None))
    fake = harness.fake
    assert fake is not None
    fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(
        REPO, "digest:\n  templates: {md: templates/digest.md.j2}\n"
    )
    harness.post("push", push(REPO, changed=True, after="c" * 40))
    harness.drain()
    assert fake.check_runs[-1]["conclusion"] == "failure"
    fake.files[(REPO, "templates/digest.md.j2")] = "# {{ title }}\n"
    rerun = {
        "action": "rerequested",
        "check_run": {
            "name": "ghcommunity config",
            "head_sha": "c" * 40,
            "check_suite": {"head_branch": "main"},
        },
        "repository": {"full_name": REPO, "default_branch": "main"},
        "sender": {"login": "maintainer"},
    }
    harness.post("check_run", rerun)
    harness.drain()
    assert [run["conclusion"] for run in fake.check_runs] == ["failure", "success"]
    assert fake.check_runs[-1]["head_sha"] == "c" * 40
    other = {**rerun, "check_run": {**rerun["check_run"], "name": "someone else's check"}}
    harness.post("check_run", other)
    harness.drain()
    assert len(fake.check_runs) == 2
