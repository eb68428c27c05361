"""`ghcommunity sync` and `ghcommunity digest` end to end against the sandbox: request budgets,
reruns that converge on one post, and clear one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from a11y import check
from click.testing import CliRunner

from ghcommunity.cli import cli, main
from ghcommunity.core.plan import marker
from ghcommunity.core.resources import reference_config
from ghcommunity.jobs.digest.store import Store

REPO = "uk-x-gov-software-community/community-space"


def arrange(sandbox: Any) -> None:
    st = sandbox.state
    with st.quiet():
        st.add_user("ada", company="HMRC")
        st.add_user("bob", company="Department for Work and Pensions")
        st.add_user("renovate", type="Bot")
        st.add_issue(
            REPO, title="An early question", author="ada", created_at="2026-09-10T10:00:00Z",
            comments=[{"body": "Answer", "author": "bob", "created_at": "2026-09-10T12:00:00Z"}],
        )  # fmt: skip
        st.add_issue(
            REPO, title="Lean coffee topic", author="cy", labels=["group: lean-coffee"],
            created_at="2026-10-05T09:00:00Z",
            comments=[
                {"body": "me too", "author": "cy", "created_at": "2026-10-05T09:30:00Z"},
                {"body": "bump", "author": "renovate", "created_at": "2026-10-05T10:00:00Z"},
                {"body": "Good idea", "author": "ada", "created_at": "2026-10-05T13:00:00Z"},
            ],
        )  # fmt: skip
        st.add_issue(REPO, title="Nobody answered", author="dan", created_at="2026-10-02T09:00:00Z")
        st.add_pull(
            REPO, title="Add notes", author="bob", files={"x.md": "x"},
            created_at="2026-10-06T09:00:00Z",
            reviews=[{"author": "ada", "state": "APPROVED", "submitted_at": "2026-10-06T11:00:00Z"}],
        )  # fmt: skip
        st.add_discussion_category(REPO, "Announcements")
        st.add_discussion(
            REPO, title="Hello", author="eve", created_at="2026-10-07T09:00:00Z",
            comments=[{"body": "Welcome", "author": "ada", "created_at": "2026-10-07T10:00:00Z",
                       "replies": [{"body": "Thanks", "author": "eve"}]}],
        )  # fmt: skip
        st.put_file(REPO, "lean-coffees/2026-10-22.md", "# Lean coffee\n", message="Add notes")
        st.add_member("uk-x-gov-software-community", "ada")


def invoke(*args: str, sandbox: Any, store: str, env: dict[str, str] | None = None) -> Any:
    result = CliRunner().invoke(
        cli,
        [
            *args,
            "--config",
            str(reference_config()),
            "--api-url",
            sandbox.url,
            "--token",
            "test-token",
            "--store",
            store,
        ],
        env={"CI": "1", **(env or {})},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/store.sqlite"


def test_sync_then_a_warm_rerun(sandbox, store_url):
    arrange(sandbox)
    sandbox.reset_stats()
    first = invoke("sync", "--json", sandbox=sandbox, store=store_url)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["items"] == {"issues": 3, "pulls": 1, "discussions": 1}
    # what changed and the notes folders, the member count, a page of each
    assert sandbox.stats()["total"] == report["requests"] == 5
    assert sandbox.stats()["writes"] == 0
    assert first.stderr == ""  # with --json, only the JSON
    sandbox.reset_stats()
    again = invoke("sync", "--json", sandbox=sandbox, store=store_url)
    assert json.loads(again.stdout)["items"] == {"issues": 0, "pulls": 0, "discussions": 0}
    assert sandbox.stats()["total"] <= 5
    store = Store(store_url)
    assert store.item_count(REPO) == {"issue": 3, "pull": 1, "discussion": 1}


def test_digest_renders_from_the_store(sandbox, store_url, tmp_path):
    arrange(sandbox)
    out = tmp_path / "newsletter" / "2026-10.html"
    result = invoke(
        "digest", "--month", "2026-10", "--format", "html", "--out", str(out),
        sandbox=sandbox, store=store_url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert check(html) == []
    md = invoke("digest", "--month", "2026-10", "--no-sync", sandbox=sandbox, store=store_url)
    # October: cy (issue), dan (issue), bob (pull request), eve (discussion), ada (comments,
    # review); renovate is a bot. New: cy, dan, eve; returning: ada, bob (September).
    assert "**5 people** took part: **3** for the first time and 2 returning." in md.stdout
    assert "[Nobody answered](" in md.stdout
    assert "| Lean Coffee | 1 | 1 | 3 | 1 | 2026-10-22 | Active |" in md.stdout
    figures = json.loads(
        invoke("digest", "--month", "2026-10", "--no-sync", "--format", "json",
               sandbox=sandbox, store=store_url).stdout
    )  # fmt: skip
    assert figures["response"]["median_hours"] == 2.0  # cy's issue 4 h, bob's PR 2 h, eve's 1 h
    assert figures["departments"]["represented"] == 2


def test_publishing_a_discussion_twice_updates_the_same_one(sandbox, store_url):
    arrange(sandbox)
    args = ("digest", "--month", "2026-10", "--publish", "discussion")
    first = invoke(*args, sandbox=sandbox, store=store_url)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("applied: start discussion in 'Announcements'")
    posts = [d for d in sandbox.state.repo(REPO).discussions.values() if d.title.startswith("UK")]
    assert len(posts) == 1
    assert posts[0].body.startswith(marker("digest:2026-10"))
    assert "```mermaid\nxychart-beta" in posts[0].body
    sandbox.reset_stats()
    second = invoke(*args, sandbox=sandbox, store=store_url)
    assert second.stdout.startswith("unchanged:"), second.output
    assert sandbox.stats()["writes"] == 0
    # a warm sync (which fetches the new post itself: 3 requests) and the discussion lookup
    assert sandbox.stats()["total"] == 4
    posts = [d for d in sandbox.state.repo(REPO).discussions.values() if d.title.startswith("UK")]
    assert len(posts) == 1


def test_publishing_an_issue_twice_updates_the_same_one(sandbox, store_url):
    arrange(sandbox)
    args = ("digest", "--month", "2026-10", "--publish", "issue")
    assert invoke(*args, sandbox=sandbox, store=store_url).exit_code == 0
    sandbox.state.add_comment(REPO, 3, body="Sorry, here now", author="ada", created_at="2026-10-30T09:00:00Z")  # fmt: skip
    # October was kept as first compiled: a late, back-dated comment does not change it...
    kept = invoke(*args, sandbox=sandbox, store=store_url)
    assert kept.stdout.startswith("unchanged: open issue [digest:2026-10]"), kept.output
    # ...unless a maintainer asks for it to be computed again.
    again = invoke(*args, "--recompute", sandbox=sandbox, store=store_url)
    assert again.stdout.startswith("applied: open issue [digest:2026-10]"), again.output
    assert "updated #" in again.stdout  # the figures changed: the same issue is edited
    digests = [
        i for i in sandbox.state.repo(REPO).issues.values() if i.title.endswith("October 2026")
    ]
    assert len(digests) == 1
    assert "Nobody answered" not in (digests[0].body or "")


def test_publishing_a_file_opens_one_pull_request(sandbox, store_url):
    arrange(sandbox)
    args = ("digest", "--month", "2026-10", "--publish", "file")
    first = invoke(*args, sandbox=sandbox, store=store_url)
    assert first.exit_code == 0, first.output
    pulls = [i for i in sandbox.state.repo(REPO).issues.values() if i.is_pull and i.title.endswith("October 2026")]  # fmt: skip
    assert len(pulls) == 1
    assert pulls[0].pull is not None
    assert pulls[0].pull.head_ref == "ghcommunity/digest-2026-10"
    sandbox.reset_stats()
    second = invoke(*args, sandbox=sandbox, store=store_url)
    assert second.exit_code == 0, second.output
    assert sandbox.stats()["writes"] == 0
    pulls = [i for i in sandbox.state.repo(REPO).issues.values() if i.is_pull and i.title.endswith("October 2026")]  # fmt: skip
    assert len(pulls) == 1


def test_dry_run_prints_the_plan_and_writes_nothing(sandbox, store_url):
    arrange(sandbox)
    sandbox.reset_stats()
    result = invoke(
        "digest", "--month", "2026-10", "--publish", "--dry-run", "--json",
        sandbox=sandbox, store=store_url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["dry_run"] is True
    assert [op["op"] for op in plan["operations"]] == ["create_discussion"]  # the config's choice
    assert plan["operations"][0]["key"] == "digest:2026-10"
    assert sandbox.stats()["writes"] == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--month", "October"], 2, "expected YYYY-MM"),
        (["--month", "2026-10", "--store", "nonsense"], 2, "not a database URL"),
        (["--month", "2026-10", "--repo", "nobody/nothing"], 1, "nobody/nothing"),
        (["--month", "2026-10", "--repo", "no-slash"], 2, "OWNER/NAME"),
    ],
)
def test_bad_input_is_one_line(sandbox, store_url, capsys, args, code, message):
    argv = ["digest", "--config", str(reference_config()), "--api-url", sandbox.url,
            "--token", "t", "--store", store_url, *args]  # fmt: skip
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1


def test_sync_rejects_a_bad_date(sandbox, store_url, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["sync", "--config", str(reference_config()), "--api-url", sandbox.url,
              "--token", "t", "--store", store_url, "--since", "last week"])  # fmt: skip
    assert exited.value.code == 2
    assert "--since 'last week': expected a date" in capsys.readouterr().err


def test_sync_prints_a_summary(sandbox, store_url):
    arrange(sandbox)
    result = invoke("sync", sandbox=sandbox, store=store_url)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"synced {REPO}: 3 issues, 1 pull request, 1 discussion new or changed; 7 comments"
    )
    assert "sync: Issues" in result.stderr  # plain progress lines in CI


def test_the_apps_monthly_dispatch_publishes_last_month(sandbox, github):
    from datetime import UTC, datetime

    from ghcommunity.config import load_config
    from ghcommunity.core.events import Event
    from ghcommunity.github.context import Context
    from ghcommunity.jobs.runner import dispatch

    arrange(sandbox)
    config = load_config(reference_config())
    event = Event(
        "repository_dispatch",
        {
            "action": "ghcommunity-digest",
            "client_payload": {"scheduled": True, "date": "2026-11-01"},
            "repository": {"full_name": REPO},
        },
    )
    now = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    for _ in range(2):  # the second delivery edits nothing
        result = dispatch(event, Context(config, github, now=now))
        assert result.handlers == ["ghcommunity.jobs.runner.dispatched_job"]
    posts = [d for d in sandbox.state.repo(REPO).discussions.values() if d.title.endswith("October 2026")]  # fmt: skip
    assert len(posts) == 1
    assert "**5 people** took part" in posts[0].body
