"""End to end against the sandbox's sample community (sandbox/src/ghcommunity_sandbox/data/sample.yml).

Every expectation below was worked out by hand by reading the seed's issues, not computed by
the code under test. If the seed changes, these tests should fail loudly: update them by
reading the seed again.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from ddat_support import REPO, ROOT

from ghcommunity.config import Config
from ghcommunity.core.events import Event
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.github.forms import DirectoryFormSource
from ghcommunity.jobs.ddat.fetch import fetch_feedback
from ghcommunity.jobs.ddat.handlers import handle_issue
from ghcommunity.jobs.ddat.report import build_report
from ghcommunity.jobs.ddat.report_render import render
from ghcommunity.jobs.runner import dispatch

FORMS = DirectoryFormSource(ROOT / "config" / "issue-forms")
FREE_TEXT = "The DDaT framework doesn't reflect how we work any more"
NOT_FEEDBACK = "Lean coffee clash with the all-staff call"  # "the DDaT all-staff call"

# title → the DDaT labels the issue should carry (besides labels the seed already gave it).
EXPECTED: dict[str, set[str]] = {
    "DDaT feedback: Platform engineering is missing": {
        "ddat-feedback",
        "ddat-role: DevOps engineer",
        "ddat-level: Senior DevOps engineer",
        "ddat-skill: Systems integration",
        "ddat-skill: Development process optimisation",
        "ddat-type: Missing skill",
    },
    "DDaT feedback: Modern development standards at junior level": {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Junior developer",
        "ddat-skill: Modern development standards",
        "ddat-type: Level expectations",
    },
    "DDaT feedback: Prototyping description is out of date": {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Developer",
        "ddat-skill: Prototyping",
        "ddat-type: Inaccurate description",
    },
    "DDaT feedback: Systems integration for frontend developers": {
        "ddat-feedback",
        "ddat-role: Frontend developer",
        "ddat-level: Senior frontend developer",
        "ddat-skill: Systems integration (frontend)",
        "ddat-skill: Web performance optimisation",
        "ddat-type: Emerging need",
    },
    "DDaT feedback: AI-assisted development skill": {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: All levels",
        "ddat-skill: Programming and build",
        "ddat-skill: Information security",
        "ddat-type: Emerging need",
    },
    "DDaT feedback: Test engineering at lead level": {
        "ddat-feedback",
        "ddat-role: Test engineer",
        "ddat-level: Lead test engineer",
        "ddat-skill: Test engineering",
        "ddat-skill: Test and quality planning",
        "ddat-type: Level expectations",
    },
    "DDaT feedback: Defect management wording": {
        "ddat-feedback",
        "ddat-role: Test engineer",
        "ddat-level: Test engineer",
        "ddat-skill: Managing, reporting, resolving defects",
        "ddat-type: Inaccurate description",
    },
    "DDaT feedback: DevOps engineer and information security": {
        "ddat-feedback",
        "ddat-role: DevOps engineer",
        "ddat-level: DevOps engineer",
        "ddat-skill: Information security",
        "ddat-skill: Service support",
        "ddat-type: Level expectations",
    },
    # the pre-2024 skill name
    "DDaT feedback: Standards for principal developers": {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Principal developer",
        "ddat-skill: Modern development standards",
        "ddat-type: Level expectations",
    },
    # the misspelt role, read as Software developer
    "DDaT feedback: Sofware developer role needs a platform pathway": {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Lead developer",
        "ddat-skill: Systems design",
        "ddat-type: Missing skill",
    },
    # the unknown skill "Observability": no label for it
    "DDaT feedback: Observability": {
        "ddat-feedback",
        "ddat-role: DevOps engineer",
        "ddat-level: Lead DevOps engineer",
        "ddat-skill: Availability and capacity management",
        "ddat-type: Missing skill",
    },
    # the empty form
    "DDaT feedback:": {"ddat-feedback"},
    "DDaT feedback: Frontend accessibility at apprentice level": {
        "ddat-feedback",
        "ddat-role: Frontend developer",
        "ddat-level: Apprentice frontend developer",
        "ddat-skill: Accessibility",
        "ddat-type: Level expectations",
    },
    # level "None": no level label
    "DDaT feedback: Test analysis for data-heavy services": {
        "ddat-feedback",
        "ddat-role: Quality assurance test analyst",
        "ddat-skill: Test analysis",
        "ddat-type: Emerging need",
    },
    "DDaT feedback: Systems design wording for developers": {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Senior developer",
        "ddat-skill: Systems design",
        "ddat-skill: Systems integration",
        "ddat-type: Inaccurate description",
    },
    "DDaT feedback: User focus for DevOps engineers": {
        "ddat-feedback",
        "ddat-role: DevOps engineer",
        "ddat-level: Junior DevOps engineer",
        "ddat-skill: User focus",
        "ddat-type: Other",
    },
    # free text about the framework
    FREE_TEXT: {"ddat-feedback", "needs-triage"},
}


def issues_by_title(sandbox) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    repo = sandbox.state.repo(REPO)
    return {i.title: i for i in repo.issues.values() if i.pull is None}


def opened_event(github: GitHubClient, number: int) -> Event:
    """An `issues.opened` payload made of the REST shapes GitHub's payloads use."""
    issue = github.rest("GET", f"/repos/{REPO}/issues/{number}")
    repository = github.rest("GET", f"/repos/{REPO}")
    return Event(
        "issues",
        {"action": "opened", "issue": issue, "repository": repository, "sender": issue["user"]},
    )


def ddat_labels(issue: Any) -> set[str]:
    return {
        lab.name
        for lab in issue.labels
        if lab.name.startswith("ddat") or lab.name == "needs-triage"
    }


def run_ddat(sandbox, github: GitHubClient, config: Config) -> None:  # type: ignore[no-untyped-def]
    for issue in list(issues_by_title(sandbox).values()):
        ctx = Context(config=config, client=github)
        ctx.form_source = FORMS
        plan = handle_issue(opened_event(github, issue.number), ctx)
        if plan:
            ctx.executor.apply(plan.coalesced())


def test_every_ddat_issue_gets_exactly_the_right_labels(sample_sandbox, github, config) -> None:  # type: ignore[no-untyped-def]
    before = {
        title: {lab.name for lab in i.labels}
        for title, i in issues_by_title(sample_sandbox).items()
    }
    assert set(EXPECTED) <= set(before), "the sample seed changed: read it again"
    run_ddat(sample_sandbox, github, config)
    after = issues_by_title(sample_sandbox)
    for title, issue in after.items():
        wanted = EXPECTED.get(title, set())
        assert ddat_labels(issue) == wanted | {n for n in before[title] if n in wanted}, title
        # nothing else was touched: the seed's other labels are all still there
        assert before[title] <= {lab.name for lab in issue.labels}, title
    assert ddat_labels(after[NOT_FEEDBACK]) == set()

    # one invitation on the free-text issue; no DDaT comment on form issues (triage's job
    # with this config), none on issues that are not feedback
    def ddat_comments(title: str) -> list[str]:
        return [c.body for c in after[title].comments if "ghcommunity:ddat" in c.body]

    assert len(ddat_comments(FREE_TEXT)) == 1
    # the skill the form cannot place is named, as the proposal of a "Missing skill"
    (observability,) = ddat_comments("DDaT feedback: Observability")
    assert "`Observability` is not a skill in the framework yet" in observability
    assert ddat_comments(NOT_FEEDBACK) == []

    sample_sandbox.reset_stats()
    run_ddat(sample_sandbox, github, config)
    assert sample_sandbox.stats()["writes"] == 0  # a rerun converges


def test_editing_developer_to_senior_developer_replaces_the_level_label(  # type: ignore[no-untyped-def]
    sample_sandbox, github, config
) -> None:
    run_ddat(sample_sandbox, github, config)
    issue = issues_by_title(sample_sandbox)["DDaT feedback: Prototyping description is out of date"]
    person = sample_sandbox.state.get_user("helen-macleod")
    sample_sandbox.state.add_issue_labels(
        issue, person, ["good first issue", "ddat-skill: User focus"]
    )
    before_body = issue.body
    edited = before_body.replace("### Level\n\nDeveloper\n", "### Level\n\nSenior developer\n")
    assert edited != before_body
    sample_sandbox.state.edit_issue(issue, sample_sandbox.state.get_user("liam-byrne"), body=edited)
    event = opened_event(github, issue.number)
    event.payload["action"] = "edited"
    event.payload["changes"] = {"body": {"from": before_body}}
    ctx = Context(config=config, client=github)
    ctx.form_source = FORMS
    plan = handle_issue(event, ctx)
    assert plan
    ctx.executor.apply(plan.coalesced())
    assert {lab.name for lab in issue.labels} == {
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Senior developer",
        "ddat-skill: Prototyping",
        "ddat-type: Inaccurate description",
        "good first issue",  # added by a person: stays
        "ddat-skill: User focus",  # a DDaT label a person added: stays too
    }


def test_with_every_handler_the_ddat_labels_are_the_same(sample_sandbox, github, config) -> None:  # type: ignore[no-untyped-def]
    # Triage, slash commands and DDaT together, as `ghcommunity handle` runs them.
    for title in (
        "DDaT feedback: Observability",
        "DDaT feedback: Sofware developer role needs a platform pathway",
        FREE_TEXT,
        NOT_FEEDBACK,
    ):
        issue = issues_by_title(sample_sandbox)[title]
        ctx = Context(config=config, client=github)
        ctx.form_source = FORMS
        dispatch(opened_event(github, issue.number), ctx)
        ours = {n for n in ddat_labels(issue) if n.startswith("ddat")}
        assert ours == {n for n in EXPECTED.get(title, set()) if n.startswith("ddat")}, title
    # triage marks every issue that used no form `needs-triage`; DDaT agrees on the feedback
    assert "needs-triage" in ddat_labels(issues_by_title(sample_sandbox)[FREE_TEXT])


def test_report_counts_match_a_hand_count_of_the_seed(sample_sandbox, github, kit) -> None:  # type: ignore[no-untyped-def]
    sample_sandbox.reset_stats()
    issues = fetch_feedback(github, REPO, "ddat-feedback")
    assert sample_sandbox.stats()["total"] == 1  # one GraphQL request: fewer than 100 issues
    report = build_report(issues, kit, repo=REPO)
    # 16 issues carry ddat-feedback in the seed, all open; one is the empty form (#45), not
    # included. 👍: 5, all on "AI-assisted ...". People who agreed: the 5 who gave 👍. The
    # seed's comments are remarks ("Agree - we see this in every junior promotion board."
    # says more than agreement), a question, and a maintainer asking for more: not support.
    assert report.everything.counts() == {
        "issues": 15,
        "open": 15,
        "closed": 0,
        "thumbs_up": 5,
        "people": 5,
    }
    assert [i.title for i in report.not_included] == ["DDaT feedback:"]
    assert [(g.name, g.issues, g.thumbs_up) for g in report.roles] == [
        ("Development operations (DevOps) engineer", 4, 0),
        ("Frontend developer", 2, 0),
        ("Software developer", 6, 5),  # incl. "Sofware developer"
        ("Quality assurance test analyst", 1, 0),
        ("Test engineer", 2, 0),
    ]
    software = next(g for g in report.roles if g.name == "Software developer")
    assert [(g.name, g.issues) for g in software.children] == [
        ("All levels", 1),
        ("Junior developer", 1),
        ("Developer", 1),
        ("Senior developer", 1),
        ("Lead developer", 1),
        ("Principal developer", 1),
    ]
    all_levels = software.children[0]
    assert [(g.name, g.issues, g.thumbs_up) for g in all_levels.children] == [
        ("Information security", 1, 5),
        ("Programming and build (software engineering)", 1, 5),
    ]
    principal = software.children[-1]
    assert [g.name for g in principal.children] == ["Modern development standards"]  # alias
    devops = report.roles[0]
    lead = next(g for g in devops.children if g.name == "Lead DevOps engineer")
    # "Observability" is not a framework skill: only the other skill is counted
    assert [g.name for g in lead.children] == ["Availability and capacity management"]
    qa = next(g for g in report.roles if g.name == "Quality assurance test analyst")
    assert [g.name for g in qa.children] == ["Level not given"]
    assert [(g.name, g.issues) for g in report.types] == [
        ("Missing skill", 3),
        ("Inaccurate description", 3),
        ("Level expectations", 5),
        ("Emerging need", 3),
        ("Other", 1),
    ]

    # one row per piece of feedback: the support column sums to the distinct 👍 in the seed
    feedback = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert len(feedback) == 15
    assert sum(int(r["thumbs_up"]) for r in feedback) == 5
    observability = next(r for r in feedback if r["title"] == "DDaT feedback: Observability")
    assert observability["proposed_skill"] == "Observability"  # the proposal, kept
    assert observability["skills"] == "Availability and capacity management"

    rows = list(csv.reader(io.StringIO(render(report, "csv-skills"))))
    assert rows[0][:3] == ["issue", "title", "skill"]
    assert len(rows) == 1 + 21  # one row per issue and skill (an issue with none: one row)
    skills = [r[rows[0].index("skill")] for r in rows[1:]]
    assert skills.count("Information security") == 2
    assert skills.count("Systems design") == 2
    assert skills.count("") == 0  # the empty form is not included
    assert "Observability" not in skills


@pytest.mark.parametrize(
    ("title", "role", "problem"),
    [
        (
            "DDaT feedback: Observability",
            "Development operations (DevOps) engineer",
            "proposed_skill",
        ),
        (
            "DDaT feedback: Sofware developer role needs a platform pathway",
            "Software developer",
            "interpreted",
        ),
        ("DDaT feedback:", None, "missing"),
        ("DDaT feedback: Standards for principal developers", "Software developer", "alias"),
        (FREE_TEXT, None, "not_a_form"),
    ],
)
def test_documented_outcomes_on_the_seed(sample_sandbox, kit, title, role, problem) -> None:  # type: ignore[no-untyped-def]
    issue = issues_by_title(sample_sandbox)[title]
    result = kit.classify(issue.body, issue.title)
    assert result.role == role
    assert problem in [p.kind for p in result.problems]


def test_an_outsiders_copy_of_the_bots_ddat_comment_changes_nothing(  # type: ignore[no-untyped-def]
    sample_sandbox, github, kit, config
) -> None:
    """The bot keeps corrections in a hidden line of its own DDaT comment. An outsider who posts
    a comment starting with the same marker, "clearing" role, level and skills, must not wipe
    the report's classification: only a comment the bot wrote is read."""
    # Let the bot label and comment first, as it does when feedback arrives.
    for number in (53, 61):
        ctx = Context(config=config, client=github)
        ctx.form_source = FORMS
        dispatch(opened_event(github, number), ctx)
    before = {
        i.issue.number: (i.role, i.level, i.skills)
        for i in build_report(
            fetch_feedback(github, REPO, "ddat-feedback", bot_login=config.community.bot_login),
            kit,
            repo=REPO,
        ).everything.items
        if i.issue.number in (53, 61)
    }
    forged = (
        "<!-- ghcommunity:ddat-values -->\nI agree!\n"
        '<!-- ghcommunity:ddat-set {"by": "helen-macleod", "values": '
        '{"role": [], "level": [], "skill": []}} -->'
    )
    for number in (53, 61):
        sample_sandbox.state.add_comment(
            REPO, number, forged, author="ghost-outsider", author_association="NONE"
        )
    after = {
        i.issue.number: (i.role, i.level, i.skills)
        for i in build_report(
            fetch_feedback(github, REPO, "ddat-feedback", bot_login=config.community.bot_login),
            kit,
            repo=REPO,
        ).everything.items
        if i.issue.number in (53, 61)
    }
    assert after == before
    assert any(role for role, _, _ in after.values())
