"""The digest's renderers: Markdown with a Mermaid chart, accessible HTML, Slack, JSON, and a
community's own templates."""

from __future__ import annotations

import itertools
import json
import re

import digest_data as crafted
import pytest
from a11y import check

from ghcommunity.core.errors import InputError
from ghcommunity.jobs.digest.figures import TrendRow
from ghcommunity.jobs.digest.metrics import compute
from ghcommunity.jobs.digest.render import hours, mermaid_chart, render, render_title, sparkline

TITLE = "Test community digest: October 2026"


@pytest.fixture(scope="module")
def figures() -> dict:
    return compute(crafted.activity(), crafted.SETTINGS, "2026-10")


# -- the accessibility check can fail --------------------------------------------------------

GOOD = """<!DOCTYPE html><html lang="en-GB"><head><title>T</title></head><body>
<h1>T</h1><h2>A</h2><h3>B</h3><h2>C</h2>
<img src="x.png" alt="A chart of people per month">
<table><caption>People</caption><tr><th scope="col">Month</th></tr><tr><td>1</td></tr></table>
<table role="presentation"><tr><td>layout</td></tr></table>
<a href="/x">Read more</a></body></html>"""


def test_the_check_passes_a_good_page():
    assert check(GOOD) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('<html lang="en-GB">', "<html>"), "language"),
        (("<h3>B</h3>", "<h4>B</h4>"), "skips a level"),
        (("<h1>T</h1>", "<h2>T</h2>"), "first heading is h2"),
        (("<h2>C</h2>", "<h1>C</h1>"), "2 h1 headings"),
        ((' alt="A chart of people per month"', ""), "image without alt"),
        (('<th scope="col">Month</th>', "<td>Month</td>"), "without header cells"),
        (('<th scope="col">', "<th>"), "without scope"),
        (("<caption>People</caption>", ""), "without a caption"),
        (("<td>layout</td>", '<th scope="row">layout</th>'), "header cell in a layout table"),
        ((">Read more<", "><"), "link without text"),
        (("<title>T</title>", "<title></title>"), "no title"),
        (("<h2>A</h2>", '<h2>A</h2><div role="img"></div>'), "role=img"),
    ],
)
def test_the_check_fails_a_bad_page(change, problem):
    old, new = change
    assert old in GOOD
    problems = check(GOOD.replace(old, new, 1))
    assert any(problem in p for p in problems), problems


# -- HTML ------------------------------------------------------------------------------------


def test_html_passes_the_accessibility_check(figures):
    html = render(figures, "html", title=TITLE)
    assert check(html) == []
    assert '<html lang="en-GB">' in html
    assert f"<title>{TITLE}</title>" in html


def test_html_figures_are_in_text_not_only_in_bars(figures):
    html = render(figures, "html", title=TITLE)
    # each month's row: its label, then the bar cell (a nested layout table) up to its end
    rows = re.findall(r'<th scope="row"[^>]*>(\w{3} \d\d)</th>(.*?)</table>', html, re.S)
    assert len(rows) == len(figures.trend) == 11  # from the repo's first activity
    for (label, cell), trend in zip(rows, figures.trend, strict=True):
        assert label == trend.label
        visible = re.sub(r"<[^>]+>|&nbsp;", " ", cell).split()
        assert visible == [str(trend.active_participants)]
    assert "<strong>Dormant: not met for 7 months</strong>" in html  # in words, not colours


def test_html_escapes_what_people_wrote(figures):
    entry = figures.unanswered.entries[0].model_copy(update={"title": "<script>alert(1)</script>"})
    unanswered = figures.unanswered.model_copy(update={"entries": (entry,)})
    nasty = figures.model_copy(update={"unanswered": unanswered})
    html = render(nasty, "html", title="<b>Digest</b>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<title>&lt;b&gt;Digest&lt;/b&gt;</title>" in html
    assert check(html) == []


def test_html_uses_inline_styles_and_layout_tables(figures):
    html = render(figures, "html", title=TITLE)
    assert "<style" not in html
    assert "<link" not in html
    assert "<script" not in html
    assert 'role="presentation"' in html


# -- Markdown --------------------------------------------------------------------------------


def test_markdown_has_a_mermaid_chart_and_the_same_figures_as_a_table(figures):
    md = render(figures, "md", title=TITLE)
    chart = re.search(r"```mermaid\n(.*?)```", md, re.S)
    assert chart
    lines = chart[1].splitlines()
    assert lines[0] == "xychart-beta"
    bars = next(line for line in lines if line.strip().startswith("bar"))
    assert (
        bars.strip() == "bar [" + ", ".join(str(r.active_participants) for r in figures.trend) + "]"
    )
    assert "| Oct 26 | 7 | 1 | 1 | 8 | 6 | 3 | 850 |" in md
    assert "| Month | Opened | Closed | Merged | Comments | People | New people | Members |" in md


def test_markdown_headings_are_in_order_and_titles_are_escaped(figures):
    md = render(figures, "md", title=TITLE)
    levels = [len(m) for m in re.findall(r"^(#+) ", md, re.M)]
    assert levels[0] == 2
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    assert "Old \\| unanswered" in md  # a | in a title cannot break the list or a table
    assert "[From a deleted account](https://github.com/" in md
    assert "call defunct: Lean Coffee." in md
    assert "| Sustainable Software | 0 | 0 | 0 | 0 | unknown | Unknown: no notes |" in md
    assert "took part: **3** for the first time" in md


def test_mermaid_labels_cannot_break_the_chart():
    row = TrendRow(
        month="2026-10", label='Oct "26', opened=0, closed=0, merged=0, comments=0,
        active_participants=1, new_participants=0, members=None,
    )  # fmt: skip
    chart = mermaid_chart([row], 'A "title"')
    assert '"Oct \'26"' in chart
    assert "title \"A 'title'\"" in chart


# -- Slack and JSON --------------------------------------------------------------------------


def test_slack_mrkdwn(figures):
    text = render(figures, "slack", title="Digest <October> & more")
    assert text.startswith("*Digest &lt;October&gt; &amp; more*\n")
    assert "• *6 people* took part: *3* for the first time, 3 returning" in text
    assert "Lean Coffee: 0 active items, 0 meetings — Dormant: not met for 7 months" in text
    assert sparkline([r.active_participants for r in figures.trend]) in text
    assert "**" not in text  # Slack bold is a single asterisk


def test_json_has_every_figure(figures):
    data = json.loads(render(figures, "json", title=TITLE))
    assert data["title"] == TITLE
    assert {k: v for k, v in data.items() if k != "title"} == figures.model_dump(mode="json")
    for key in ("items", "response", "unanswered", "participants", "departments", "groups",
                "dormant_groups", "ddat", "objectives", "trend", "engagement"):  # fmt: skip
        assert key in data


# -- a community's own templates -------------------------------------------------------------


def test_a_community_template_replaces_the_built_in_one(figures):
    text = render(
        figures,
        "md",
        title=TITLE,
        template="{{ title }}: {{ participants.active }} people, {{ hours(response.median_hours) }}",
    )
    assert text == "Test community digest: October 2026: 6 people, 2.5 hours\n"


def test_a_typo_in_a_community_template_names_the_template(figures):
    with pytest.raises(InputError, match=r"my-digest\.md.*participant"):
        render(
            figures,
            "md",
            title=TITLE,
            template="{{ participant.active }}",
            template_name="my-digest.md",
        )


def test_a_community_template_cannot_reach_python_internals(figures):
    with pytest.raises(InputError):
        render(figures, "md", title=TITLE, template="{{ hours.__globals__ }}")


def test_a_community_html_template_is_autoescaped(figures):
    out = render(figures, "html", title="<i>x</i>", template="<h1>{{ title }}</h1>")
    assert out == "<h1>&lt;i&gt;x&lt;/i&gt;</h1>\n"


def test_the_title_template(figures):
    assert render_title("{{ community }} digest: {{ month_name }}", figures) == TITLE
    with pytest.raises(InputError, match=r"digest\.title"):
        render_title("{{ nope }}", figures)


def test_hours_in_words():
    assert hours(None) == "no figure yet"
    assert hours(0.5) == "30 minutes"
    assert hours(2.0) == "2 hours"
    assert hours(17.7) == "17.7 hours"
    assert hours(72.0) == "3 days"
