"""The dispatcher: one snapshot per event, Plans merged and applied once, bots ignored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ghcommunity.config import load_config
from ghcommunity.core import events
from ghcommunity.core.events import Event, on
from ghcommunity.core.plan import AddLabels, Comment, Plan
from ghcommunity.github.context import Context
from ghcommunity.jobs import runner
from ghcommunity.jobs.runner import dispatch

REPO = "uk-x-gov-software-community/community-space"
CONFIG = load_config(Path(__file__).resolve().parents[2] / "config" / "community.yml")


@pytest.fixture
def only_test_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run only the handlers a test registers (not the jobs')."""
    monkeypatch.setattr(events, "_REGISTRY", [])
    monkeypatch.setattr(runner, "HANDLER_MODULES", ())


def opened(number: int, sender: str = "ada") -> Event:
    return Event(
        "issues",
        {
            "action": "opened",
            "issue": {"number": number, "title": "x", "user": {"login": sender}},
            "repository": {"full_name": REPO},
            "sender": {"login": sender, "type": "User"},
        },
        delivery_id="d-1",
    )


@pytest.mark.usefixtures("only_test_handlers")
def test_two_handlers_share_one_snapshot_and_one_label_write(sandbox: Any, github: Any) -> None:
    number = sandbox.state.add_issue(REPO, title="Lean coffee topic", body="b", author="ada")

    @on("issues.opened")
    def first(event: Event, ctx: Context) -> Plan:
        snap = ctx.issue_snapshot(event.repo, number)
        assert snap.issue.title == "Lean coffee topic"
        return Plan.of([AddLabels(repo=REPO, issue=number, labels=["group: lean-coffee"])])

    @on("issues")
    def second(event: Event, ctx: Context) -> Plan:
        ctx.issue_snapshot(event.repo, number)  # cached: no second read
        return Plan.of(
            [
                AddLabels(repo=REPO, issue=number, labels=["type: agenda item"]),
                Comment(repo=REPO, issue=number, body="Thanks", key="thanks"),
            ]
        )

    sandbox.reset_stats()
    result = dispatch(opened(number), Context(config=CONFIG, client=github))
    stats = sandbox.stats()
    assert len(result.handlers) == 2
    # one GraphQL read, one label write, one comment, and the re-read that finds a second run's
    assert stats["total"] == 4
    assert stats["writes"] == 2
    labels = {lab.name for lab in sandbox.state.issue(REPO, number).labels}
    assert labels == {"group: lean-coffee", "type: agenda item"}

    # The same event again (a redelivery): one read, no writes.
    sandbox.reset_stats()
    dispatch(opened(number), Context(config=CONFIG, client=github))
    assert sandbox.stats()["writes"] == 0
    assert sandbox.stats()["total"] == 1


@pytest.mark.usefixtures("only_test_handlers")
def test_events_from_the_bot_itself_are_ignored(sandbox: Any, github: Any) -> None:
    calls = []

    @on("issues.opened")
    def handler(event: Event, ctx: Context) -> Plan:
        calls.append(event)
        return Plan()

    result = dispatch(opened(1, sender="ghcommunity[bot]"), Context(config=CONFIG, client=github))
    assert result.ignored is not None
    assert "bot itself" in result.ignored
    assert calls == []
    assert sandbox.stats()["total"] == 0


@pytest.mark.usefixtures("only_test_handlers")
def test_dry_run_plans_but_does_not_write(sandbox: Any, github: Any) -> None:
    number = sandbox.state.add_issue(REPO, title="t", body="b", author="ada")

    @on("issues.opened")
    def handler(event: Event, ctx: Context) -> Plan:
        return Plan.of([AddLabels(repo=REPO, issue=number, labels=["needs-info"])])

    sandbox.reset_stats()
    result = dispatch(opened(number), Context(config=CONFIG, client=github, dry_run=True))
    assert [op.op for op in result.plan] == ["add_labels"]
    assert result.outcomes == []
    assert sandbox.stats()["writes"] == 0
    assert result.to_dict()["operations"][0]["labels"] == ["needs-info"]


def test_event_accessors_tolerate_odd_payloads() -> None:
    event = Event("issues", {"action": 3, "repository": "nope", "sender": None})
    assert event.key == "issues"
    assert event.repo == ""
    assert event.sender == ""
    assert event.issue_number is None
    assert Event("ping", {"zen": "Keep it logically awesome."}).key == "ping"


def test_a_handler_module_that_is_not_there_is_an_error_not_skipped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ghcommunity.core.errors import InputError

    monkeypatch.setattr(events, "_REGISTRY", [])
    with pytest.raises(InputError, match=r"handler module 'community_extras\.hooks' was not found"):
        runner.load_handlers(["community_extras.hooks"])
    # A module that is there but imports something missing keeps its own error.
    (tmp_path / "ghc_test_broken_ext.py").write_text("import ghc_test_not_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="ghc_test_not_installed"):
        runner.load_handlers(["ghc_test_broken_ext"])
