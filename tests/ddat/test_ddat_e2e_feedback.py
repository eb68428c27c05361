"""Issue 15 end to end on the sample community: an unknown skill, a proposed skill, a `/ddat`
correction followed by a body edit, and free-text feedback — each shown in the labels, the
bot's one comment and the report's row. Expectations written by hand."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

from ddat_support import REPO, ROOT
from openpyxl import load_workbook

from ghcommunity.config import Config
from ghcommunity.core.events import Event
from ghcommunity.core.forms import load_form, render_body
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.github.forms import DirectoryFormSource
from ghcommunity.jobs.ddat.fetch import fetch_feedback
from ghcommunity.jobs.ddat.report import build_report
from ghcommunity.jobs.ddat.report_render import render
from ghcommunity.jobs.runner import dispatch

FORMS = DirectoryFormSource(ROOT / "config" / "issue-forms")
FORM = load_form(ROOT / "config" / "issue-forms" / "ddat-feedback.yml")
AUTHOR = "liam-byrne"
TRIAGER = "helen-macleod"


def _ctx(github: GitHubClient, config: Config) -> Context:
    ctx = Context(config=config, client=github)
    ctx.form_source = FORMS
    return ctx


def issue_event(github: GitHubClient, action: str, number: int, **extra: Any) -> Event:
    issue = github.rest("GET", f"/repos/{REPO}/issues/{number}")
    repository = github.rest("GET", f"/repos/{REPO}")
    payload = {"action": action, "issue": issue, "repository": repository, "sender": issue["user"]}
    payload.update(extra)
    return Event("issues", payload)


def comment_event(github: GitHubClient, number: int, comment_id: int) -> Event:
    comment = github.rest("GET", f"/repos/{REPO}/issues/comments/{comment_id}")
    payload = {
        "action": "created",
        "issue": github.rest("GET", f"/repos/{REPO}/issues/{number}"),
        "repository": github.rest("GET", f"/repos/{REPO}"),
        "comment": comment,
        "sender": comment["user"],
    }
    return Event("issue_comment", payload)


def run(github: GitHubClient, config: Config, event: Event) -> None:
    dispatch(event, _ctx(github, config))


def ddat_labels(sandbox: Any, number: int) -> set[str]:
    return {
        lab.name
        for lab in sandbox.state.issue(REPO, number).labels
        if lab.name.startswith("ddat") or lab.name == "needs-triage"
    }


def ddat_comments(sandbox: Any, number: int) -> list[str]:
    return [
        c.body for c in sandbox.state.issue(REPO, number).comments if "ghcommunity:ddat" in c.body
    ]


def report_row(github: GitHubClient, kit: Any, number: int) -> dict[str, str]:
    report = build_report(fetch_feedback(github, REPO, "ddat-feedback"), kit, repo=REPO)
    rows = csv.DictReader(io.StringIO(render(report, "csv")))
    return next(r for r in rows if r["issue"] == str(number))


def open_issue(sandbox: Any, github: GitHubClient, config: Config, title: str, body: str) -> int:
    number: int = sandbox.state.add_issue(REPO, title, body, author=AUTHOR)
    run(github, config, issue_event(github, "opened", number))
    return number


def test_an_unknown_skill_is_named_and_the_rest_labelled(
    sample_sandbox, github, config, kit
) -> None:  # type: ignore[no-untyped-def]
    body = render_body(
        FORM,
        {
            "role": ["Development operations (DevOps) engineer"],
            "level": ["Lead DevOps engineer"],
            "skills": ["Service support", "Observability"],
            "type": ["Level expectations"],
            "details": "Lead DevOps engineers own observability now.",
        },
    )
    number = open_issue(sample_sandbox, github, config, "DDaT feedback: observability", body)
    assert ddat_labels(sample_sandbox, number) == {
        "ddat-feedback",
        "ddat-role: DevOps engineer",
        "ddat-level: Lead DevOps engineer",
        "ddat-skill: Service support",
        "ddat-type: Level expectations",
    }
    (comment,) = ddat_comments(sample_sandbox, number)  # named, though triage does not check
    assert "`Observability` is not a name the framework uses" in comment
    row = report_row(github, kit, number)
    assert row["skills"] == "Service support"
    assert row["words"] == "Lead DevOps engineers own observability now."


def test_a_proposed_skill_is_kept_as_the_proposal(sample_sandbox, github, config, kit) -> None:  # type: ignore[no-untyped-def]
    body = render_body(
        FORM,
        {
            "role": ["Software developer"],
            "level": ["Senior developer"],
            "skills": ["Mentoring"],
            "type": ["Missing skill"],
            "department": "DWP",
            "details": "Seniors spend a day a week mentoring; no skill covers it.",
        },
    )
    number = open_issue(sample_sandbox, github, config, "DDaT feedback: mentoring", body)
    assert ddat_labels(sample_sandbox, number) == {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Senior developer",
        "ddat-type: Missing skill",
    }
    (comment,) = ddat_comments(sample_sandbox, number)
    assert "`Mentoring` is not a skill in the framework yet" in comment
    assert "Did you mean" not in comment  # never replaced by an existing skill
    row = report_row(github, kit, number)
    assert row["proposed_skill"] == "Mentoring"
    assert row["type"] == "Missing skill"
    assert row["skills"] == ""


def test_free_text_feedback_is_read_labelled_and_reported(
    sample_sandbox, github, config, kit
) -> None:  # type: ignore[no-untyped-def]
    text = "The senior developer role description doesn't mention mentoring"
    number = open_issue(sample_sandbox, github, config, "Senior developers and mentoring", text)
    assert ddat_labels(sample_sandbox, number) == {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Senior developer",
        "needs-triage",
    }
    (comment,) = ddat_comments(sample_sandbox, number)
    assert "level **Senior developer** (from `Senior developers`)" in comment  # the title
    row = report_row(github, kit, number)
    assert (row["role"], row["level"]) == ("Software developer", "Senior developer")
    assert row["words"] == text
    # not about the framework: nothing at all
    other = open_issue(
        sample_sandbox, github, config, "Lean Coffee time", "Could the Lean Coffee start at 10:30?"
    )
    # (triage marks every issue without a form needs-triage; DDaT adds nothing)
    assert ddat_labels(sample_sandbox, other) - {"needs-triage"} == set()
    assert ddat_comments(sample_sandbox, other) == []


def test_a_proposal_confirmed_with_ddat_ok(sample_sandbox, github, config) -> None:  # type: ignore[no-untyped-def]
    text = "Sofware developers need a skill for data engineering in the framework."
    number = open_issue(sample_sandbox, github, config, "Data engineering", text)
    assert ddat_labels(sample_sandbox, number) == {"ddat-feedback", "needs-triage"}
    (comment,) = ddat_comments(sample_sandbox, number)
    assert "This looks like feedback about **Software developer**" in comment
    assert "`/ddat ok`" in comment
    sample_sandbox.state.set_permission(REPO, TRIAGER, "triage")
    said = sample_sandbox.state.add_comment(REPO, number, "/ddat ok", author=TRIAGER)
    run(github, config, comment_event(github, number, said))
    assert ddat_labels(sample_sandbox, number) == {"ddat-feedback", "ddat-role: Software developer"}


def test_a_correction_wins_and_survives_a_body_edit(sample_sandbox, github, config, kit) -> None:  # type: ignore[no-untyped-def]
    text = "As a lead dev I think the architecture skill level is too low"
    number = open_issue(sample_sandbox, github, config, "Architecture", text)
    assert "ddat-level: Lead developer" in ddat_labels(sample_sandbox, number)

    # Someone without triage access cannot correct it.
    said = sample_sandbox.state.add_comment(
        REPO, number, "/ddat level=Junior developer", author=AUTHOR
    )
    run(github, config, comment_event(github, number, said))
    assert "ddat-level: Lead developer" in ddat_labels(sample_sandbox, number)

    sample_sandbox.state.set_permission(REPO, TRIAGER, "triage")
    said = sample_sandbox.state.add_comment(
        REPO,
        number,
        "/ddat level=Principal developer skill=Strategic thinking",
        author=TRIAGER,
    )
    run(github, config, comment_event(github, number, said))
    corrected = {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Principal developer",
        "ddat-skill: Strategic thinking",
    }
    assert ddat_labels(sample_sandbox, number) == corrected
    (comment,) = ddat_comments(sample_sandbox, number)
    assert f"Set by @{TRIAGER} with `/ddat`" in comment

    # The author edits the body to say something else: the correction still wins.
    issue = sample_sandbox.state.issue(REPO, number)
    before = issue.body
    edited = "As a senior dev I think the prototyping skill level is too low"
    sample_sandbox.state.edit_issue(issue, sample_sandbox.state.get_user(AUTHOR), body=edited)
    run(github, config, issue_event(github, "edited", number, changes={"body": {"from": before}}))
    assert ddat_labels(sample_sandbox, number) == corrected
    (comment,) = ddat_comments(sample_sandbox, number)  # still one comment, still recorded
    assert f"Set by @{TRIAGER} with `/ddat`" in comment
    row = report_row(github, kit, number)
    assert (row["level"], row["skills"]) == ("Principal developer", "Strategic thinking")
    assert row["words"] == edited

    # Rerunning the edit changes nothing.
    sample_sandbox.reset_stats()
    run(github, config, issue_event(github, "edited", number, changes={"body": {"from": before}}))
    assert sample_sandbox.stats()["writes"] == 0


def test_the_sample_report_in_every_format(sample_sandbox, github, config, kit) -> None:  # type: ignore[no-untyped-def]
    from ghcommunity.github.executor import Executor
    from ghcommunity.jobs.ddat.export import Month
    from ghcommunity.jobs.ddat.job import export_month
    from ghcommunity.jobs.ddat.report_render import render_bytes

    report = build_report(fetch_feedback(github, REPO, "ddat-feedback"), kit, repo=REPO)
    md = render(report, "md")
    assert "> Using AI coding assistants safely" in md  # the feedback's own words
    book = load_workbook(io.BytesIO(render_bytes(report, "xlsx")))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert f"**{summary['Feedback']} pieces of feedback ({summary['Open']} open, " in md
    assert f"👍 {summary['👍']}, " in md

    # the export puts the chosen formats in its pull request; a rerun writes nothing
    month = Month(2026, 9)
    plan, _ = export_month(github, config, REPO, month, ["md", "csv", "xlsx"], kit=kit)
    Executor(github, actor="ghcommunity[bot]").apply(plan)
    branch = "ghcommunity/ddat-feedback-2026-09"
    found = github.rest(
        "GET", f"/repos/{REPO}/contents/ddat-feedback/2026-09.xlsx", params={"ref": branch}
    )
    workbook = load_workbook(io.BytesIO(base64.b64decode(found["content"])))
    assert workbook.sheetnames[:4] == ["Summary", "Feedback", "By skill", "By role"]
    sample_sandbox.reset_stats()
    plan, _ = export_month(github, config, REPO, month, ["md", "csv", "xlsx"], kit=kit)
    Executor(github, actor="ghcommunity[bot]").apply(plan)
    assert sample_sandbox.stats()["writes"] == 0
