"""End to end against the sandbox: real webhook payloads, the real snapshot, the one executor.

The issues are arranged here (bodies rendered with the committed form file, as GitHub would),
and the expected labels are written out by hand, not computed by the code under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ddat_support import FORM_FILE, REPO

from ghcommunity.config import Config
from ghcommunity.core.events import Event
from ghcommunity.core.forms import load_form, render_body
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.github.executor import Executor
from ghcommunity.jobs.ddat.export import Month, plan_export
from ghcommunity.jobs.ddat.fetch import fetch_feedback
from ghcommunity.jobs.ddat.handlers import handle_issue
from ghcommunity.jobs.ddat.job import read_current
from ghcommunity.jobs.ddat.report import build_report
from ghcommunity.jobs.ddat.report_render import render
from ghcommunity_sandbox.shapes import Shapes
from ghcommunity_sandbox.webhooks import payload_for

FORM = load_form(FORM_FILE)
PERSON_LABELS = ["good first issue", "ddat-skill: Systems design"]  # added by a person


def form_body(**answers: Any) -> str:
    return render_body(FORM, answers)


@pytest.fixture
def events(sandbox) -> Iterator[Callable[[str, str, int], Event]]:  # type: ignore[no-untyped-def]
    """Real webhook payloads for what happens in the sandbox: `latest(event, action, number)`."""
    changes: list[Any] = []
    sandbox.state.listeners.append(changes.append)

    def latest(name: str, action: str, number: int) -> Event:
        for change in reversed(changes):
            subject = getattr(change, "subject", None)
            if (
                change.event == name
                and change.action == action
                and getattr(subject, "number", None) == number
            ):
                payload = payload_for(
                    sandbox.state, Shapes(sandbox.state, sandbox.url, sandbox.url), change
                )
                assert payload is not None
                return Event(name, payload)
        raise AssertionError(f"no {name}.{action} for #{number}")

    try:
        yield latest
    finally:
        sandbox.state.listeners.remove(changes.append)


def handle(event: Event, config: Config, github: GitHubClient) -> None:
    ctx = Context(config=config, client=github)
    plan = handle_issue(event, ctx)
    if plan:
        ctx.executor.apply(plan.coalesced())


def labels_of(sandbox, number: int) -> set[str]:  # type: ignore[no-untyped-def]
    return {label.name for label in sandbox.state.issue(REPO, number).labels}


def bot_comments(sandbox, number: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.body for c in sandbox.state.issue(REPO, number).comments if "ghcommunity:" in c.body]


def arrange(sandbox) -> dict[str, int]:  # type: ignore[no-untyped-def]
    state = sandbox.state
    for login, company in (("ada", "HMRC"), ("grace", "DWP"), ("alan", "MOJ")):
        state.add_user(login, name=login.title(), company=company)
    for name in ("ddat-feedback", "good first issue", "ddat-skill: Systems design"):
        state.add_label(REPO, name)
    return {
        "good": state.add_issue(
            REPO,
            "DDaT feedback: Developer level",
            form_body(
                role=["Software developer"],
                level=["Developer"],
                skills=["Prototyping", "Managing, reporting and resolving defects"],
                type=["Level expectations"],
                department="HMRC",
                details="The Developer level asks for too little testing.",
            ),
            author="ada",
            labels=["ddat-feedback", *PERSON_LABELS],
        ),
        "old-name": state.add_issue(
            REPO,
            "DDaT feedback: standards",
            form_body(
                role=["Frontend developer"],
                level=["All levels"],
                skills=["Modern standards approach"],  # a body written with the old form
                type=["Inaccurate description"],
                details="x",
            ),
            author="grace",
            labels=["ddat-feedback"],
        ),
        "free-text": state.add_issue(
            REPO,
            "The capability framework and platform engineering",
            "Platform engineering is missing from the DDaT framework.",
            author="alan",
        ),
        "other": state.add_issue(
            REPO, "Lean coffee in December?", "Can we move it to the 18th?", author="alan"
        ),
    }


EXPECTED = {
    "good": {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Developer",
        "ddat-skill: Prototyping",
        "ddat-skill: Managing, reporting, resolving defects",
        "ddat-type: Level expectations",
        *PERSON_LABELS,
    },
    "old-name": {
        "ddat-feedback",
        "ddat-role: Frontend developer",
        "ddat-level: All levels",
        "ddat-skill: Modern development standards",
        "ddat-type: Inaccurate description",
    },
    "free-text": {"ddat-feedback", "needs-triage"},
    "other": set(),
}


def test_every_issue_gets_exactly_the_right_labels_and_reruns_write_nothing(  # type: ignore[no-untyped-def]
    sandbox, github, config, events
) -> None:
    numbers = arrange(sandbox)
    for number in numbers.values():
        handle(events("issues", "opened", number), config, github)
    assert {key: labels_of(sandbox, n) for key, n in numbers.items()} == EXPECTED
    # New labels were created with colour and description.
    repo = sandbox.state.repo(REPO)
    level = repo.label("ddat-level: Developer")
    assert level.color == "5319e7"
    assert level.description == "DDaT role level: Developer (Software developer)"
    # One invitation on the free-text issue; nothing said on the others.
    (invite,) = bot_comments(sandbox, numbers["free-text"])
    assert "Role: Software developer" in invite
    assert bot_comments(sandbox, numbers["good"]) == []
    assert bot_comments(sandbox, numbers["other"]) == []

    sandbox.reset_stats()
    for number in numbers.values():
        handle(events("issues", "opened", number), config, github)
    assert sandbox.stats()["writes"] == 0
    assert {key: labels_of(sandbox, n) for key, n in numbers.items()} == EXPECTED


def test_editing_the_level_replaces_that_label_and_keeps_peoples_labels(  # type: ignore[no-untyped-def]
    sandbox, github, config, events
) -> None:
    number = arrange(sandbox)["good"]
    handle(events("issues", "opened", number), config, github)
    issue = sandbox.state.issue(REPO, number)
    edited = issue.body.replace("\n\nDeveloper\n\n", "\n\nSenior developer\n\n")
    assert edited != issue.body
    sandbox.state.edit_issue(issue, sandbox.state.get_user("ada"), body=edited)
    sandbox.reset_stats()
    handle(events("issues", "edited", number), config, github)
    assert labels_of(sandbox, number) == (
        EXPECTED["good"] - {"ddat-level: Developer"} | {"ddat-level: Senior developer"}
    )
    # one read (the snapshot) + create the new label + remove + add
    assert sandbox.stats()["writes"] == 3


def test_an_unknown_value_is_named_in_one_comment_updated_in_place(  # type: ignore[no-untyped-def]
    sandbox, github, events
) -> None:
    from ghcommunity.config import parse_config

    # Triage does not check the DDaT form here, so the DDaT comment names everything.
    config = parse_config(
        "community: {name: C, org: uk-x-gov-software-community, repo: community-space, "
        "bot_login: 'ghcommunity[bot]'}\n"
    )
    sandbox.state.add_user("ada")
    body = form_body(
        role=["Software developer"],
        skills=["Prototyping", "Quantum computing"],
        type=["Missing skill"],
        details="x",
    )
    number = sandbox.state.add_issue(REPO, "Quantum", body, author="ada")
    handle(events("issues", "opened", number), config, github)
    (comment,) = bot_comments(sandbox, number)
    # "Missing skill": the unknown skill is kept as the proposal, never "corrected"
    assert "`Quantum computing` is not a skill in the framework yet" in comment
    assert "proposed new skill" in comment
    assert "ddat-skill: Prototyping" in labels_of(sandbox, number)

    issue = sandbox.state.issue(REPO, number)
    sandbox.state.edit_issue(
        issue, sandbox.state.get_user("ada"), body=body.replace(", Quantum computing", "")
    )
    handle(events("issues", "edited", number), config, github)
    (comment,) = bot_comments(sandbox, number)  # still one, edited
    assert "now one the framework knows" in comment


def _arrange_many(sandbox, count: int) -> None:  # type: ignore[no-untyped-def]
    sandbox.state.add_user("ada")
    sandbox.state.add_user("bob")
    for i in range(count):
        sandbox.state.add_issue(
            REPO,
            f"Feedback {i}",
            form_body(
                role=["Software developer" if i % 3 else "Test engineer"],
                level=["Developer" if i % 3 else "Test engineer"],
                skills=["Prototyping"] if i % 2 else [],
                type=["Missing skill"],
                details="x",
            ),
            author="ada",
            labels=["ddat-feedback"],
            state="closed" if i % 5 == 0 else "open",
            created_at=f"2026-11-{1 + i % 28:02d}T10:00:00Z",
            reactions={"+1": ["bob"]} if i % 4 == 0 else None,
        )


@pytest.mark.parametrize(("count", "requests"), [(100, 1), (150, 2)])
def test_report_costs_one_graphql_request_per_100_issues(  # type: ignore[no-untyped-def]
    sandbox, github, kit, count, requests
) -> None:
    _arrange_many(sandbox, count)
    sandbox.state.add_issue(REPO, "Not feedback", "x", author="ada")
    sandbox.reset_stats()
    issues = fetch_feedback(github, REPO, "ddat-feedback")
    stats = sandbox.stats()
    assert stats["total"] == requests, stats
    assert stats["by_route"] == {"POST /graphql": requests}
    report = build_report(issues, kit, repo=REPO)
    assert report.total == count
    thumbs = sum(1 for i in range(count) if i % 4 == 0)
    assert report.everything.thumbs_up == thumbs
    assert report.everything.closed == sum(1 for i in range(count) if i % 5 == 0)
    rows = render(report, "csv").splitlines()
    assert len(rows) == 1 + count  # header + one row per issue (at most one skill each)


def test_export_opens_one_pull_request_and_reruns_write_nothing(  # type: ignore[no-untyped-def]
    sandbox, github, kit, config
) -> None:
    _arrange_many(sandbox, 12)
    month = Month(2026, 11)

    def export() -> list[Any]:
        issues = fetch_feedback(github, REPO, "ddat-feedback", since=month.period.since)
        report = build_report(issues, kit, repo=REPO, period=month.period)
        current = read_current(github, REPO, config, month)
        plan = plan_export(render(report, "md"), month, config, current, repo=REPO)
        return Executor(github, actor="ghcommunity[bot]").apply(plan)

    outcomes = export()
    assert [o.status for o in outcomes] == ["applied", "applied"]
    pulls = [p for p in sandbox.state.repo(REPO).issues.values() if p.pull is not None]
    assert len(pulls) == 1

    sandbox.reset_stats()
    outcomes = export()
    assert [o.status for o in outcomes] == ["unchanged"]  # the pull request is already open
    assert sandbox.stats()["writes"] == 0

    # New feedback: the same branch and pull request are updated.
    sandbox.state.add_issue(
        REPO,
        "More",
        form_body(role=["Test manager"], type=["Other"], details="x"),
        author="ada",
        labels=["ddat-feedback"],
        created_at="2026-11-15T10:00:00Z",
    )
    outcomes = export()
    assert [o.status for o in outcomes] == ["applied", "unchanged"]
    pulls = [p for p in sandbox.state.repo(REPO).issues.values() if p.pull is not None]
    assert len(pulls) == 1


def test_report_and_export_commands(sandbox, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import csv
    import json

    from ddat_support import ROOT

    from ghcommunity.cli import main

    _arrange_many(sandbox, 7)
    base = [
        "--config",
        str(ROOT / "config" / "community.yml"),
        "--api-url",
        sandbox.url,
        "--token",
        "t",
    ]
    out = tmp_path / "report.csv"
    main(["ddat", "report", "--repo", REPO, "--format", "csv", "--out", str(out), *base])
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 7
    assert {r["role"] for r in rows} == {"Software developer", "Test engineer"}

    main(["ddat", "report", "--state", "closed", "--format", "json", *base])
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["issues"] == 2  # issues 0 and 5 of 7 are closed

    sandbox.reset_stats()
    main(["ddat", "export", "--month", "2026-11", "--dry-run", "--json", *base])
    plan = json.loads(capsys.readouterr().out)
    assert [op["op"] for op in plan["operations"]] == ["commit_files", "open_pull_request"]
    assert plan["operations"][0]["files"][0]["path"] == "ddat-feedback/2026-11.md"
    assert sandbox.stats()["writes"] == 0  # a dry run writes nothing
