"""The dashboard seam: `read_inputs` hands every section typed `OpenItem`s (read once), and the
sections read them as they read the REST dicts before."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dashboard_support import CONFIG, NOW, REPO

from ghcommunity.config import load_config
from ghcommunity.core.dashboard import DashboardInputs, OpenItem
from ghcommunity.github.client import Connection, GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.jobs.dashboard.read import open_item, read_inputs
from ghcommunity.jobs.triage.dashboard import waiting_section


def test_an_open_item_is_what_the_sections_read_of_a_rest_issue() -> None:
    rest = {
        "number": 5,
        "title": "Flaky tests",
        "body": None,
        "html_url": "https://github.com/o/r/issues/5",
        "url": "https://api.github.com/repos/o/r/issues/5",
        "user": {"login": "Ada", "type": "User"},
        "labels": [{"name": "needs-info", "color": "ededed"}, {"name": "Bug"}],
        "created_at": "2026-10-01T09:00:00Z",
        "comments": 3,
        "state": "open",
    }
    assert open_item(rest) == OpenItem(
        number=5,
        title="Flaky tests",
        url="https://github.com/o/r/issues/5",
        labels=("needs-info", "Bug"),
        author="Ada",
        created_at="2026-10-01T09:00:00Z",
        comments=3,
    )
    bot_pull = {
        "number": 6,
        "title": None,
        "user": {"login": "ghcommunity[bot]", "type": "Bot"},
        "pull_request": {"url": "x"},
    }
    assert open_item(bot_pull) == OpenItem(
        number=6, author="ghcommunity[bot]", author_is_bot=True, is_pull_request=True
    )
    ghost = {"number": 7, "user": None, "labels": None, "comments": None}
    assert open_item(ghost) == OpenItem(number=7)


def test_the_sections_get_open_items_read_once(sample_sandbox: Any) -> None:
    config = load_config(CONFIG)
    client = GitHubClient(Connection(api_url=sample_sandbox.url, token="test-token"))
    sample_sandbox.reset_stats()
    inputs = read_inputs(Context(config, client, now=NOW), REPO)
    assert all(isinstance(item, OpenItem) for item in inputs.open_items)
    repo = sample_sandbox.state.repo(REPO)
    open_ = sorted((i for i in repo.issues.values() if i.state == "open"), key=lambda i: i.number)
    assert [i.number for i in inputs.open_items] == [i.number for i in open_]
    assert [i.number for i in inputs.open_pulls] == [i.number for i in open_ if i.pull]
    by_number = {i.number: i for i in open_}
    for item in inputs.open_items:
        issue = by_number[item.number]
        assert item.title == issue.title
        assert item.labels == tuple(lab.name for lab in issue.labels)
        assert item.author == issue.user.login
        assert item.is_pull_request == (issue.pull is not None)
        assert item.url.endswith(f"/{REPO}/{'pull' if issue.pull else 'issues'}/{item.number}")


def test_the_waiting_section_reads_open_items() -> None:
    config = load_config(CONFIG)
    old = "2026-09-01T09:00:00Z"
    items = [
        OpenItem(1, "Quiet `for` *weeks* @ada", author="ada", created_at=old),
        OpenItem(2, "Opened by the bot", author="GHCommunity[bot]", created_at=old),
        OpenItem(3, "Another bot", author="dependabot[bot]", author_is_bot=True, created_at=old),
        OpenItem(4, "A report", body="<!-- ghcommunity:digest:2026-10 -->", created_at=old),
        OpenItem(5, "Waiting on its author", labels=("needs-info",), created_at=old),
        OpenItem(
            6, "Duplicate?", labels=("Possible-Duplicate",), created_at="2026-11-15T09:00:00Z"
        ),
        OpenItem(7, "A pull request", created_at=old, is_pull_request=True),
        OpenItem(8, "New", created_at="2026-11-15T09:00:00Z"),
    ]
    inputs = DashboardInputs(repo=REPO, now=datetime(2026, 11, 16, 9, tzinfo=UTC), open_items=items)
    context = Context(config=config, client=None)  # type: ignore[arg-type]  # no reads: no comments
    section = waiting_section(context, inputs)
    assert section is not None
    assert [line.text for line in section.lines] == [
        "#1 Quiet \\`for\\` \\*weeks\\* @\u200bada: no reply since it was opened on 1 September 2026",
        "#6 Duplicate?: possible duplicate, awaiting a decision",
    ]
