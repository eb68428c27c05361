"""What a DDaT representative found reading the report and the bot's words: support is
agreement, anonymising removes email addresses, a misspelt answer that was labelled is not
called unlabelled, an empty form is listed apart, and the dashboard says what is missing."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest
from ddat_support import REPO, ROOT
from openpyxl import load_workbook

from ghcommunity.config import Config
from ghcommunity.core.dashboard import DashboardInputs, OpenItem
from ghcommunity.core.events import Event
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.github.forms import DirectoryFormSource
from ghcommunity.jobs.ddat.dashboard import ddat_section
from ghcommunity.jobs.ddat.fetch import FeedbackIssue, fetch_feedback
from ghcommunity.jobs.ddat.handlers import handle_issue
from ghcommunity.jobs.ddat.report import build_report, is_agreement
from ghcommunity.jobs.ddat.report_render import render, render_bytes

FORMS = DirectoryFormSource(ROOT / "config" / "issue-forms")
AI = "DDaT feedback: AI-assisted development skill"
SOFWARE = "DDaT feedback: Sofware developer role needs a platform pathway"
EMPTY = "DDaT feedback:"


def by_title(sandbox) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    repo = sandbox.state.repo(REPO)
    return {i.title: i for i in repo.issues.values() if i.pull is None}


def run_ddat(sandbox, github: GitHubClient, config: Config, issue: Any) -> None:  # type: ignore[no-untyped-def]
    raw = github.rest("GET", f"/repos/{REPO}/issues/{issue.number}")
    repository = github.rest("GET", f"/repos/{REPO}")
    event = Event(
        "issues",
        {"action": "opened", "issue": raw, "repository": repository, "sender": raw["user"]},
    )
    ctx = Context(config=config, client=github)
    ctx.form_source = FORMS
    plan = handle_issue(event, ctx)
    if plan:
        ctx.executor.apply(plan.coalesced())


def comment(sandbox, issue: Any, login: str, body: str) -> None:  # type: ignore[no-untyped-def]
    sandbox.state.add_comment(REPO, issue.number, body, author=login)


# -- 1. support is agreement ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "agrees"),
    [
        ("+1", True),
        ("👍", True),
        ("Agree!", True),
        ("Me too.", True),
        ("+1 👍", True),
        ("> the framework lacks it\n\nSame here", True),
        ("Could you tell us which level?", False),
        ("I don't agree", False),
        ("Availability and capacity management partly covers it, but not tracing.", False),
        ("<!-- ghcommunity:ddat-values -->\n+1", False),  # the bot's own comment
        ("", False),
    ],
)
def test_only_a_comment_that_is_agreement_counts(body: str, agrees: bool) -> None:
    assert is_agreement(body) is agrees


def test_sample_support_is_the_people_who_agreed(sample_sandbox, github, config, kit) -> None:  # type: ignore[no-untyped-def]
    issues = by_title(sample_sandbox)
    ai, sofware = issues[AI], issues[SOFWARE]
    run_ddat(sample_sandbox, github, config, sofware)  # the bot comments on it
    comment(sample_sandbox, sofware, "helen-macleod", "Could you say more about the pathway?")
    comment(sample_sandbox, sofware, "ian-fraser", "+1")
    comment(sample_sandbox, sofware, sofware.user.login, "+1")  # its author
    comment(sample_sandbox, ai, "kwame-mensah", "👍")  # already gave 👍: counts once
    report = build_report(fetch_feedback(github, REPO, "ddat-feedback"), kit, repo=REPO)
    items = {i.title: i for i in report.items}
    assert items[SOFWARE].supporters == {"ian-fraser"}  # not the bot, maintainer or author
    assert items[AI].people == 5  # the five who gave 👍
    # the seed's remarks and questions are not agreement: 5 from 👍, 1 "+1"
    assert report.everything.people == 6
    feedback = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert sum(int(r["thumbs_up"]) for r in feedback) == 5  # the distinct 👍 in the seed
    assert {r["title"]: int(r["people"]) for r in feedback}[SOFWARE] == 1
    data = json.loads(render(report, "json"))
    assert (data["totals"]["thumbs_up"], data["totals"]["people"]) == (5, 6)
    book = load_workbook(io.BytesIO(render_bytes(report, "xlsx")))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert (summary["👍"], summary["People who agreed"]) == (5, 6)
    md = render(report, "md")
    assert "👍 5, 6 people agreed" in md
    assert "gave 👍 or commented" not in md
    assert "thumbs up 5, 6 people agreed" in render(report, "html")


def test_the_authors_own_thumbs_up_is_not_support(kit) -> None:  # type: ignore[no-untyped-def]
    issue = FeedbackIssue(
        number=1,
        title="DDaT feedback: prototyping",
        body="The DDaT framework's prototyping skill is out of date for software developers.",
        url="",
        state="open",
        created_at=datetime(2026, 10, 1, tzinfo=UTC),
        author="ada",
        thumbs_up=3,
        thumbs_up_by=("ada", "bob", "ghcommunity[bot]"),
    )
    (item,) = build_report([issue], kit, repo=REPO).items
    assert (item.thumbs_up, item.people) == (1, 1)


# -- 2. anonymising removes email addresses --------------------------------------------------


def test_anonymise_masks_email_addresses_in_every_format(kit) -> None:  # type: ignore[no-untyped-def]
    issue = FeedbackIssue(
        number=7,
        title="DDaT feedback: ask jane.doe@homeoffice.gov.uk",
        body=(
            "Software developers need a platform engineering skill in the DDaT framework; "
            "ping me at jane.doe@homeoffice.gov.uk or @jane-doe."
        ),
        url=f"https://github.com/{REPO}/issues/7",
        state="open",
        created_at=datetime(2026, 10, 1, tzinfo=UTC),
        author="jane-doe",
    )
    report = build_report([issue], kit, repo=REPO, anonymise=True)
    for fmt in ("md", "html", "csv", "csv-skills", "json"):
        text = render(report, fmt)
        assert "homeoffice" not in text, fmt
        assert "jane" not in text.lower(), fmt
    xlsx = render_bytes(report, "xlsx")
    book = load_workbook(io.BytesIO(xlsx))
    cells = [str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c]
    assert not [c for c in cells if "homeoffice" in c or "jane" in c.lower()]
    assert "(email address removed)" in report.items[0].words
    # not anonymised: the words are the author's own
    plain = build_report([issue], kit, repo=REPO)
    assert "jane.doe@homeoffice.gov.uk" in plain.items[0].words


# -- 3. an answer read from a misspelling is labelled, and said so -----------------------------


def test_a_misspelt_role_is_said_to_be_read_and_labelled(sample_sandbox, github, config) -> None:  # type: ignore[no-untyped-def]
    issue = by_title(sample_sandbox)[SOFWARE]
    run_ddat(sample_sandbox, github, config, issue)
    assert "ddat-role: Software developer" in {lab.name for lab in issue.labels}
    (body,) = [c.body for c in issue.comments if "ghcommunity:ddat" in c.body]
    assert "read `Sofware developer` as **Software developer**" in body
    assert "no label yet" not in body  # every answer got its label


def test_the_no_label_list_keeps_what_truly_has_none(sample_sandbox, github, config) -> None:  # type: ignore[no-untyped-def]
    issue = by_title(sample_sandbox)["DDaT feedback: Observability"]
    run_ddat(sample_sandbox, github, config, issue)
    (body,) = [c.body for c in issue.comments if "ghcommunity:ddat" in c.body]
    assert "`Observability` is not a skill in the framework yet" in body
    assert "read `" not in body


# -- 4. an empty form is listed, not counted -------------------------------------------------


def test_an_empty_form_is_not_included_but_named(sample_sandbox, github, kit) -> None:  # type: ignore[no-untyped-def]
    empty = by_title(sample_sandbox)[EMPTY].number
    report = build_report(fetch_feedback(github, REPO, "ddat-feedback"), kit, repo=REPO)
    assert empty not in [i.issue.number for i in report.items]
    assert [i.issue.number for i in report.not_included] == [empty]
    md = render(report, "md")
    assert "1 not included (no content yet)" in md
    assert f"Not included: no content yet ([#{empty}](" in md
    assert f"### [#{empty}]" not in md  # no empty quote in the feedback list
    assert "> (no words given)" not in md
    assert "Not included: no content yet" in render(report, "html")
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert str(empty) not in [r["issue"] for r in rows]
    data = json.loads(render(report, "json"))
    assert [i["number"] for i in data["not_included"]] == [empty]
    assert data["totals"]["issues"] == 15
    book = load_workbook(io.BytesIO(render_bytes(report, "xlsx")))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Not included (no content yet)"] == 1


# -- 5. the dashboard says the skill label is missing, not the skill -------------------------


def test_dashboard_says_no_skill_label_yet(config) -> None:  # type: ignore[no-untyped-def]
    issue = OpenItem(
        number=12,
        title="DDaT feedback: Prototyping description is out of date",
        created_at="2026-08-05T10:30:00Z",
        labels=("ddat-feedback", "ddat-role: Software developer"),
    )
    inputs = DashboardInputs(repo=REPO, now=datetime(2026, 11, 16, tzinfo=UTC), open_items=[issue])
    section = ddat_section(Context(config=config, client=None), inputs)  # type: ignore[arg-type]
    assert section is not None
    texts = [line.text for line in section.lines]
    line = next(t for t in texts if t.startswith("#12 "))
    assert "no skill the framework names" not in line
    assert "no skill label yet" in line


# -- the same report gives the same workbook, whenever it is rendered -------------------------


def test_the_workbook_does_not_carry_the_time_it_was_saved(kit) -> None:  # type: ignore[no-untyped-def]
    # openpyxl stamps "modified" with the time of saving; two renders a second apart differed
    issue = FeedbackIssue(
        number=1,
        title="DDaT feedback: prototyping",
        body="The DDaT framework's prototyping skill is out of date for software developers.",
        url="",
        state="open",
        created_at=datetime(2026, 10, 1, tzinfo=UTC),
    )
    xlsx = render_bytes(build_report([issue], kit, repo=REPO), "xlsx")
    core = zipfile.ZipFile(io.BytesIO(xlsx)).read("docProps/core.xml").decode()
    assert ">2020-01-01T00:00:00Z</dcterms:modified>" in core
