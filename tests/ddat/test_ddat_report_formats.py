"""The report as the framework's owners get it: own words, support, departments, every format
agreeing on the figures, anonymised when asked."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from openpyxl import load_workbook

from ghcommunity.core.forms import render_body
from ghcommunity.jobs.ddat.fetch import FeedbackIssue
from ghcommunity.jobs.ddat.report import build_report, trim
from ghcommunity.jobs.ddat.report_render import render, render_bytes

REPO = "o/r"
DEPARTMENTS = {"HMRC": ["HM Revenue and Customs", "@hmrc"]}


def feedback(kit, number, answers=None, body=None, **extra):  # type: ignore[no-untyped-def]
    return FeedbackIssue(
        number=number,
        title=f"Feedback {number}",
        body=body if body is not None else render_body(kit.form, answers or {}),
        url=f"https://github.com/{REPO}/issues/{number}",
        state=extra.pop("state", "open"),
        created_at=extra.pop("created_at", datetime(2026, 10, 3, 12, tzinfo=UTC)),
        author=extra.pop("author", "ada"),
        labels=("ddat-feedback",),
        **extra,
    )


def issues(kit):  # type: ignore[no-untyped-def]
    return [
        feedback(
            kit,
            1,
            {
                "role": ["Software developer"],
                "level": ["Senior developer"],
                "skills": ["Prototyping", "Mentoring"],
                "type": ["Missing skill"],
                "department": "hm revenue & customs",
                "details": "Mentoring juniors is half the job. @bob agrees.",
                "evidence": "Our promotion panels ask for it.",
            },
            thumbs_up=2,
            thumbs_up_by=("bob", "cy"),
            commenters=("dee", "ada", "ghcommunity[bot]", "eve"),
            comments=(
                ("dee", "+1"),
                ("ada", "+1"),  # the author
                ("ghcommunity[bot]", "+1"),
                ("eve", "Could you say which level?"),  # a question is not agreement
            ),
        ),
        feedback(
            kit,
            2,
            body="As a lead dev I think the architecture skill level is too low in the framework.",
            thumbs_up=1,
            thumbs_up_by=("bob",),
            created_at=datetime(2026, 12, 1, 12, tzinfo=UTC),
            state="closed",
        ),
    ]


def test_each_piece_has_its_words_type_proposal_department_and_support(kit) -> None:  # type: ignore[no-untyped-def]
    report = build_report(issues(kit), kit, repo=REPO, departments=DEPARTMENTS)
    first, second = report.items
    assert first.words == (
        "Mentoring juniors is half the job. @bob agrees.\n\nEvidence: Our promotion panels ask for it."
    )
    assert first.proposed_skills == ("Mentoring",)  # kept, not "corrected"
    assert first.department == "HMRC"  # normalised with the digest's aliases
    # bob, cy (👍) and dee ("+1"): not the author, the bot, or eve's question
    assert (first.thumbs_up, first.people) == (2, 3)
    assert second.words.startswith("As a lead dev")  # free text: the body
    assert (second.role, second.level, second.skills) == (
        "Software developer",
        "Lead developer",
        ("Systems design",),
    )
    assert report.everything.people == 3  # bob counts once across both


def test_every_format_agrees_on_the_totals(kit) -> None:  # type: ignore[no-untyped-def]
    report = build_report(issues(kit), kit, repo=REPO, departments=DEPARTMENTS)
    md = render(report, "md")
    assert "**2 pieces of feedback (1 open, 1 closed), 👍 3, 3 people agreed.**" in md
    book = load_workbook(io.BytesIO(render_bytes(report, "xlsx")))
    assert book.sheetnames[:4] == ["Summary", "Feedback", "By skill", "By role"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert (summary["Feedback"], summary["Open"], summary["Closed"], summary["👍"]) == (2, 1, 1, 3)
    assert summary["People who agreed"] == 3
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert sum(int(r["thumbs_up"]) for r in rows) == 3
    data = json.loads(render(report, "json"))
    assert data["totals"]["thumbs_up"] == 3
    sheet_rows = list(book["Feedback"].iter_rows(min_row=2, values_only=True))
    assert len(sheet_rows) == 2
    assert "Mentoring juniors" in str(sheet_rows[0])
    # the same report gives the same bytes (an export rerun changes nothing)
    assert render_bytes(report, "xlsx") == render_bytes(report, "xlsx")


def test_trend_by_month_and_quarter(kit) -> None:  # type: ignore[no-untyped-def]
    months = build_report(issues(kit), kit, repo=REPO)
    assert [(g.name, g.issues) for g in months.trend] == [
        ("2026-10", 1),
        ("2026-11", 0),  # an empty month shows as a gap
        ("2026-12", 1),
    ]
    quarters = build_report(issues(kit), kit, repo=REPO, trend_by="quarter")
    assert [(g.name, g.issues) for g in quarters.trend] == [("2026-Q4", 2)]


def test_anonymised_and_without_links(kit) -> None:  # type: ignore[no-untyped-def]
    report = build_report(issues(kit), kit, repo=REPO, anonymise=True, links=False)
    for fmt in ("md", "html", "csv", "json"):
        text = render(report, fmt)
        assert "ada" not in text, fmt
        assert "@bob" not in text, fmt
        assert "&#64;bob" not in text, fmt
        assert f"https://github.com/{REPO}/issues" not in text, fmt
    assert "@(someone) agrees" in report.items[0].words


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))


def test_html_is_a_standalone_accessible_page(kit) -> None:  # type: ignore[no-untyped-def]
    evil = feedback(kit, 3, body="<script>alert(1)</script> the DDaT framework & <b>skills</b>")
    report = build_report([*issues(kit), evil], kit, repo=REPO)
    page = render(report, "html")
    parser = _Html()
    parser.feed(page)
    assert page.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "en"}) in parser.attrs
    assert "script" not in parser.tags  # people's text is escaped
    assert parser.tags.count("table") == parser.tags.count("caption")  # every table captioned
    assert ("th", {"scope": "col"}) in parser.attrs
    assert "@media print" in page
    headings = [t for t in parser.tags if re.fullmatch(r"h[1-6]", t)]
    assert headings[0] == "h1"
    assert all(int(b[1]) - int(a[1]) <= 1 for a, b in itertools.pairwise(headings))
    assert "Mentoring juniors is half the job." in page


def test_trim_cuts_at_a_sentence_or_a_word() -> None:
    text = "First sentence here. " * 10
    cut = trim(text, 50)
    assert len(cut) <= 52
    assert cut.endswith("here. …")
    assert trim("short", 50) == "short"
    assert trim("a" * 30 + " " + "b" * 30, 40) == "a" * 30 + " …"
