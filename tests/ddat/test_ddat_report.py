"""The report, built from plain issue data: grouping, counts, formats."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

from ghcommunity.core.forms import render_body
from ghcommunity.jobs.ddat.fetch import FeedbackIssue, from_node
from ghcommunity.jobs.ddat.report import CSV_COLUMNS, Period, build_report
from ghcommunity.jobs.ddat.report_render import render

REPO = "uk-x-gov-software-community/community-space"


def issue(
    kit, number, answers=None, *, body=None, state="open", up=0, labels=(), day=3, title=None
):  # type: ignore[no-untyped-def]
    return FeedbackIssue(
        number=number,
        title=title or f"Feedback {number}",
        body=body if body is not None else render_body(kit.form, answers or {}),
        url=f"https://github.com/{REPO}/issues/{number}",
        state=state,
        created_at=datetime(2026, 11, day, 12, tzinfo=UTC),
        closed_at=datetime(2026, 11, 20, tzinfo=UTC) if state == "closed" else None,
        author="ada",
        labels=tuple(labels),
        thumbs_up=up,
    )


def sample(kit):  # type: ignore[no-untyped-def]
    sd = {"role": ["Software developer"], "type": ["Missing skill"], "details": "x"}
    return [
        issue(
            kit,
            1,
            {**sd, "level": ["Senior developer"], "skills": ["Prototyping", "User focus"]},
            up=3,
        ),
        issue(
            kit,
            2,
            {**sd, "level": ["Senior developer"], "skills": ["Prototyping"]},
            state="closed",
            up=1,
        ),
        issue(kit, 3, {**sd, "level": ["Developer"]}, up=0),
        issue(
            kit,
            4,
            {
                "role": ["Test engineer"],
                "level": ["All levels"],
                "skills": ["Managing, reporting and resolving defects"],
                "type": ["Other"],
                "details": "x",
            },
            up=5,
        ),
        # free text, classified by a maintainer with /ddat: labels fill in what the body lacks
        issue(
            kit,
            5,
            body="The DDaT framework needs platform engineering.",
            labels=(
                "ddat-feedback",
                "ddat-role: Software developer",
                "ddat-level: Developer",
                "ddat-skill: Systems design",
            ),
            up=2,
        ),
        # free text, not classified yet
        issue(kit, 6, body="DDaT thoughts", labels=("ddat-feedback",)),
    ]


def test_grouping_role_level_skill_with_counts(kit) -> None:  # type: ignore[no-untyped-def]
    report = build_report(sample(kit), kit, repo=REPO)
    assert report.total == 6
    assert [(g.name, g.issues, g.open, g.closed, g.thumbs_up) for g in report.roles] == [
        ("Software developer", 4, 3, 1, 6),
        ("Test engineer", 1, 1, 0, 5),
        ("Role not given", 1, 1, 0, 0),
    ]
    software = report.roles[0]
    assert [(g.name, g.issues) for g in software.children] == [
        ("Developer", 2),
        ("Senior developer", 2),
    ]
    senior = software.children[1]
    assert [(g.name, g.issues, g.thumbs_up) for g in senior.children] == [
        ("Prototyping", 2, 4),
        ("User focus", 1, 3),
    ]
    developer = software.children[0]
    assert [(g.name, [i.issue.number for i in g.items]) for g in developer.children] == [
        ("Systems design", [5]),
        ("No skill named", [3]),
    ]
    assert [(g.name, g.issues) for g in report.types] == [
        ("Missing skill", 3),
        ("Other", 1),
        ("Type not given", 2),
    ]
    by_number = {i.issue.number: i for i in report.items}
    assert by_number[5].source == "text+labels"
    assert by_number[1].source == "form"


def test_the_body_wins_over_wrong_labels(kit) -> None:  # type: ignore[no-untyped-def]
    wrong = issue(
        kit,
        9,
        {"role": ["Frontend developer"], "type": ["Other"], "details": "x"},
        labels=("ddat-feedback", "ddat-role: Test manager"),
    )
    (item,) = build_report([wrong], kit, repo=REPO).items
    assert item.role == "Frontend developer"


def test_period_and_state_filters(kit) -> None:  # type: ignore[no-untyped-def]
    issues = [*sample(kit), issue(kit, 7, {"role": ["Test manager"]}, day=30)]
    november_first_week = Period(date(2026, 11, 1), date(2026, 11, 7))
    report = build_report(issues, kit, repo=REPO, period=november_first_week)
    assert [i.issue.number for i in report.items] == [1, 2, 3, 4, 5, 6]
    closed = build_report(issues, kit, repo=REPO, state="closed")
    assert [i.issue.number for i in closed.items] == [2]


def test_time_zone_decides_the_day(kit) -> None:  # type: ignore[no-untyped-def]
    late = FeedbackIssue(1, "t", "DDaT", "u", "open", datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    june = Period(date(2026, 6, 1), date(2026, 6, 30))
    assert build_report([late], kit, repo=REPO, period=june, timezone="UTC").total == 1
    # 00:30 on 1 July in London (BST): July's feedback
    assert build_report([late], kit, repo=REPO, period=june).total == 0


def test_csv_has_one_row_per_piece_of_feedback(kit) -> None:  # type: ignore[no-untyped-def]
    text = render(build_report(sample(kit), kit, repo=REPO), "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(CSV_COLUMNS)
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [(r["issue"], r["skills"]) for r in body] == [
        ("1", "Prototyping; User focus"),
        ("2", "Prototyping"),
        ("3", ""),
        ("4", "Managing, reporting and resolving defects"),
        ("5", "Systems design"),
        ("6", ""),
    ]
    # summing the support column in a spreadsheet gives the report's total: no double counts
    assert sum(int(r["thumbs_up"]) for r in body) == 11
    assert body[0]["thumbs_up"] == "3"
    assert body[1]["status"] == "closed"
    assert body[0]["words"] == "x"  # the Details answer


def test_skills_csv_has_one_row_per_feedback_and_skill(kit) -> None:  # type: ignore[no-untyped-def]
    text = render(build_report(sample(kit), kit, repo=REPO), "csv-skills")
    body = list(csv.DictReader(io.StringIO(text)))
    # 1: two skills; 2, 4, 5: one; 3 and 6: none (one row each, skill empty)
    assert [(r["issue"], r["skill"]) for r in body] == [
        ("1", "Prototyping"),
        ("1", "User focus"),
        ("2", "Prototyping"),
        ("3", ""),
        ("4", "Managing, reporting and resolving defects"),
        ("5", "Systems design"),
        ("6", ""),
    ]
    assert "thumbs_up" not in body[0]  # nothing to double-count here


def test_csv_cells_cannot_be_formulas(kit) -> None:  # type: ignore[no-untyped-def]
    evil = issue(kit, 1, {"role": ["Test manager"], "department": '=HYPERLINK("x")'}, title="=1+1")
    rows = list(csv.DictReader(io.StringIO(render(build_report([evil], kit, repo=REPO), "csv"))))
    assert rows[0]["title"] == "'=1+1"
    assert rows[0]["department"].startswith("'=")


def test_markdown(kit) -> None:  # type: ignore[no-untyped-def]
    issues = [
        *sample(kit),
        issue(kit, 8, {"role": ["Test manager"]}, title="Ping @everyone | <b>x</b>"),
    ]
    text = render(build_report(issues, kit, repo=REPO), "md")
    assert text.startswith(f"# DDaT framework feedback: {REPO}\n")
    assert "**7 pieces of feedback (6 open, 1 closed), 👍 11, 0 people agreed.**" in text
    assert "| Software developer | 4 | 3 | 1 | 6 | 0 |" in text
    assert "### Software developer" in text
    assert "#### Senior developer" in text
    assert (
        f"| Prototyping | 2 | 1 | 1 | 4 | 0 | [#1](https://github.com/{REPO}/issues/1), "
        f"[#2](https://github.com/{REPO}/issues/2) (closed) |"
    ) in text
    # each piece of feedback with its own words
    assert "### [#5](https://github.com/" in text
    assert "> The DDaT framework needs platform engineering." in text
    assert "Ping &#64;everyone \\| &lt;b>x&lt;/b>" in text  # no mention, no table break, no HTML
    assert text.rstrip().endswith(
        "Contains public sector information licensed under the Open Government Licence v3.0."
    )


def test_markdown_with_no_feedback(kit) -> None:  # type: ignore[no-untyped-def]
    text = render(build_report([], kit, repo=REPO, period=Period(date(2026, 1, 1), None)), "md")
    assert "No feedback in this period." in text
    assert "opened on or after 2026-01-01" in text


def test_json(kit) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render(build_report(sample(kit), kit, repo=REPO), "json"))
    assert data["totals"] == {"issues": 6, "open": 5, "closed": 1, "thumbs_up": 11, "people": 0}
    software = data["roles"][0]
    assert software["name"] == "Software developer"
    assert software["issue_numbers"] == [1, 2, 3, 5]
    assert software["levels"][1]["skills"][0] == {
        "name": "Prototyping",
        "issues": 2,
        "open": 1,
        "closed": 1,
        "thumbs_up": 4,
        "people": 0,
        "issue_numbers": [1, 2],
    }
    assert data["issues"][0]["skills"] == ["Prototyping", "User focus"]


def test_graphql_node_to_issue() -> None:
    node = {
        "number": 4,
        "title": "T",
        "body": None,
        "url": "u",
        "state": "CLOSED",
        "createdAt": "2026-11-02T10:00:00Z",
        "closedAt": "2026-11-03T10:00:00Z",
        "author": None,
        "labels": {"nodes": [{"name": "ddat-feedback"}]},
        "reactions": {"totalCount": 2},
    }
    found = from_node(node)
    assert found is not None
    assert (found.state, found.author, found.body, found.thumbs_up) == ("closed", "ghost", "", 2)
    assert found.labels == ("ddat-feedback",)
    assert from_node({"number": 1}) is None  # no creation time: skipped, not a crash
