"""The DDaT report's formats: Markdown, HTML, CSV, XLSX, JSON. Pure (bytes and text out).

Every format carries the same figures, computed once in `report.py`: the XLSX Summary totals
are the Markdown's, and the CSV has one row per piece of feedback, so summing its `thumbs_up`
column gives the report's 👍 total.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from ghcommunity.jobs.ddat.names import FRAMEWORK_NAME
from ghcommunity.jobs.ddat.report import (
    CSV_COLUMNS,
    EXCERPT,
    SKILL_CSV_COLUMNS,
    Group,
    Item,
    Report,
    csv_rows,
    report_json,
    skill_rows,
    trim,
)

BAR = 24  # characters (or percent steps) of the longest trend bar


def render_text(report: Report, fmt: str) -> str:
    if fmt == "md":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    if fmt == "csv":
        return _csv(CSV_COLUMNS, csv_rows(report))
    if fmt == "csv-skills":
        return _csv(SKILL_CSV_COLUMNS, skill_rows(report))
    if fmt == "json":
        return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown report format {fmt!r}")


def _csv(columns: Sequence[str], rows: Iterable[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# -- shared words ----------------------------------------------------------------------------


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def summary_line(group: Group, thumbs: str = "👍") -> str:
    return (
        f"{_plural(group.issues, 'piece', 'pieces')} of feedback "
        f"({group.open} open, {group.closed} closed), {thumbs} {group.thumbs_up}, "
        f"{_plural(group.people, 'person', 'people')} agreed"
    )


def _summary(report: Report, thumbs: str = "👍") -> str:
    """The report's one-line summary, with the count of what it leaves out."""
    left_out = len(report.not_included)
    extra = f"; {left_out} not included (no content yet)" if left_out else ""
    return summary_line(report.everything, thumbs) + extra


def _intro(report: Report, thumbs: str = "👍") -> str:
    state = "" if report.state == "all" else f", {report.state} only"
    return (
        f"Feedback on the DDaT framework ({FRAMEWORK_NAME}) from the community in "
        f"{report.repo}, {report.period.describe()}{state}. Each piece of feedback is given "
        f"in its author's own words. Support: {thumbs} on the issue (not its author's), and "
        f"the distinct people who agreed, by a {thumbs} or by a comment that only agrees "
        '("+1", "me too"); other comments, and bots, are not counted.'
        + (" Names, logins and email addresses have been removed." if report.anonymise else "")
    )


def _facts(report: Report, item: Item, thumbs: str = "👍") -> list[tuple[str, str]]:
    facts = [
        ("Type", item.type or "not given"),
        ("Role", item.role or "not given"),
        ("Level", item.level or "not given"),
        ("Skills", "; ".join(item.skills) or "none named"),
    ]
    if item.proposed_skills:
        facts.append(("Proposed skill", "; ".join(item.proposed_skills)))
    facts += [
        ("Department", item.department or "not given"),
        (
            "Support",
            f"{thumbs} {item.thumbs_up}, {_plural(item.people, 'person', 'people')} agreed",
        ),
        ("Status", item.status),
        ("Opened", item.opened.isoformat()),
    ]
    if report.author(item):
        facts.append(("Author", report.author(item)))
    return facts


# -- Markdown --------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Someone's text in Markdown: one line, no table breaks, no HTML, no @-mentions (the
    report is posted where a mention would notify people)."""
    flat = " ".join(text.split())
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), ("@", "&#64;")):
        flat = flat.replace(char, escaped)
    return flat


def _quote(text: str) -> list[str]:
    lines: list[str] = []
    for index, paragraph in enumerate(text.split("\n\n")):
        if index:
            lines.append(">")
        lines.append("> " + _cell(paragraph))
    return lines or ["> (no words given)"]


def _table(
    head: Sequence[str], rows: Iterable[Sequence[object]], numeric: Iterable[int] = (1, 2, 3, 4, 5)
) -> list[str]:
    """A Markdown table whose `numeric` columns (by index) are right-aligned."""
    right = set(numeric)
    align = ["--:" if i in right else "---" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def _counts_row(group: Group) -> list[object]:
    return [group.issues, group.open, group.closed, group.thumbs_up, group.people]


COUNT_HEAD = ["Feedback", "Open", "Closed", "👍", "People"]
# In HTML, words: a printout or a screen reader may have no emoji.
THUMBS_WORDS = "thumbs up"
HTML_HEAD = ["Feedback", "Open", "Closed", "Thumbs up", "People"]


def _ref(report: Report, item: Item) -> str:
    number = f"#{item.issue.number}"
    return f"[{number}]({item.issue.url})" if report.links and item.issue.url else number


def _bar(count: int, most: int) -> str:
    return "█" * max(1 if count else 0, round(BAR * count / most)) if most else ""


def render_markdown(report: Report) -> str:
    lines = [
        f"# DDaT framework feedback: {report.repo}",
        "",
        _intro(report),
        "",
        f"**{_summary(report)}.**",
    ]
    if report.not_included:
        lines += [
            "",
            "Not included: no content yet ("
            + ", ".join(f"{_ref(report, i)} “{_cell(i.title)}”" for i in report.not_included)
            + "). An empty form is left out of every figure until its author adds something.",
        ]
    if not report.items:
        lines += ["", "No feedback in this period."]
        lines += ["", "---", "", f"Role, level and skill names: {report.attribution}"]
        return "\n".join(lines) + "\n"
    most = max(g.issues for g in report.trend) if report.trend else 0
    lines += ["", "## Summary", "", "### By type of feedback", ""]
    lines += _table(["Type", *COUNT_HEAD], ([_cell(g.name), *_counts_row(g)] for g in report.types))
    lines += ["", "### By skill, across roles", ""]
    lines += _table(
        ["Skill", *COUNT_HEAD, "Roles"],
        ([_cell(g.name), *_counts_row(g), _cell(", ".join(g.roles) or "-")] for g in report.skills),
    )
    lines += ["", "### By department", ""]
    lines += _table(
        ["Department", *COUNT_HEAD],
        ([_cell(g.name), *_counts_row(g)] for g in report.departments),
    )
    lines += ["", f"### Trend by {report.trend_by}", ""]
    lines += _table(
        [report.trend_by.capitalize(), "Feedback", "👍", "Chart"],
        ([g.name, g.issues, g.thumbs_up, _bar(g.issues, most)] for g in report.trend),
        (1, 2),
    )
    lines += ["", "## By role, level and skill", ""]
    lines += _table(["Role", *COUNT_HEAD], ([_cell(g.name), *_counts_row(g)] for g in report.roles))
    for role in report.roles:
        lines += ["", f"### {_cell(role.name)}", "", f"{summary_line(role)}."]
        for level in role.children:
            lines += ["", f"#### {_cell(level.name)}", ""]
            lines += _table(
                ["Skill", *COUNT_HEAD, "Feedback"],
                (
                    [
                        _cell(s.name),
                        *_counts_row(s),
                        ", ".join(
                            _ref(report, i) + ("" if i.open else " (closed)") for i in s.items
                        ),
                    ]
                    for s in level.children
                ),
            )
    lines += ["", "## Every piece of feedback"]
    for item in report.items:
        lines += ["", f"### {_ref(report, item)}: {_cell(item.title)}", ""]
        lines += [
            " · ".join(f"**{name}:** {_cell(value)}" for name, value in _facts(report, item)),
            "",
        ]
        lines += _quote(trim(item.words, EXCERPT))
    lines += ["", "---", "", f"Role, level and skill names: {report.attribution}"]
    return "\n".join(lines) + "\n"


# -- HTML ------------------------------------------------------------------------------------

_CSS = """
body { font-family: Arial, Helvetica, sans-serif; line-height: 1.45; margin: 2rem auto;
  max-width: 60rem; padding: 0 1rem; color: #0b0c0c; }
h1, h2, h3 { line-height: 1.2; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #b1b4b6; padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f3f2f1; }
.bar { display: inline-block; height: 0.9rem; background: #1d70b8; vertical-align: middle; }
blockquote { border-left: 4px solid #b1b4b6; margin: 0.5rem 0 1.5rem; padding: 0 1rem;
  white-space: pre-line; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
article { break-inside: avoid; page-break-inside: avoid; border-top: 1px solid #b1b4b6;
  padding-top: 0.5rem; }
a { color: #1d70b8; }
a:focus { outline: 3px solid #fd0; }
footer { margin-top: 2rem; font-size: 0.9rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  a { color: inherit; text-decoration: none; }
  tr, article { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; }
  .bar { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_table(
    caption: str,
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[int] = (),
) -> list[str]:
    """Rows' cells are already HTML; the first cell of each row is its header."""
    out = ["<table>", f"<caption>{_e(caption)}</caption>", "<thead><tr>"]
    out += [
        f'<th scope="col"{" class=n" if i in numeric else ""}>{_e(h)}</th>'
        for i, h in enumerate(head)
    ]
    out += ["</tr></thead>", "<tbody>"]
    for row in rows:
        cells = [f'<th scope="row">{row[0]}</th>']
        cells += [
            f"<td{' class=n' if i in numeric else ''}>{cell}</td>"
            for i, cell in enumerate(row[1:], start=1)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _html_counts(group: Group) -> list[str]:
    return [_e(v) for v in _counts_row(group)]


def _html_ref(report: Report, item: Item) -> str:
    number = f"#{item.issue.number}"
    if report.links and item.issue.url:
        return f'<a href="{_e(item.issue.url)}">{_e(number)}</a>'
    return _e(number)


def render_html(report: Report) -> str:
    """A standalone page: headings in order, tables with captions and header cells, the chart
    as a table whose bars are decoration (the numbers are in the text), printable."""
    numeric = (1, 2, 3, 4, 5)
    title = f"DDaT framework feedback: {report.repo}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_e(title)}</h1>",
        f"<p>{_e(_intro(report, THUMBS_WORDS))}</p>",
        f"<p><strong>{_e(_summary(report, THUMBS_WORDS))}.</strong></p>",
    ]
    if report.not_included:
        out.append(
            "<p>Not included: no content yet ("
            + ", ".join(f"{_html_ref(report, i)} “{_e(i.title)}”" for i in report.not_included)
            + "). An empty form is left out of every figure until its author adds something.</p>"
        )
    if not report.items:
        out.append("<p>No feedback in this period.</p>")
    else:
        most = max(g.issues for g in report.trend) if report.trend else 0
        out += ["<h2>Summary</h2>"]
        out += _html_table(
            "By type of feedback",
            ["Type", *HTML_HEAD],
            ([_e(g.name), *_html_counts(g)] for g in report.types),
            numeric,
        )
        out += _html_table(
            "By skill, across roles",
            ["Skill", *HTML_HEAD, "Roles"],
            ([_e(g.name), *_html_counts(g), _e(", ".join(g.roles) or "-")] for g in report.skills),
            numeric,
        )
        out += _html_table(
            "By department",
            ["Department", *HTML_HEAD],
            ([_e(g.name), *_html_counts(g)] for g in report.departments),
            numeric,
        )
        out += _html_table(
            f"Feedback by {report.trend_by}",
            [report.trend_by.capitalize(), "Feedback", "Thumbs up", "Chart"],
            (
                [
                    _e(g.name),
                    _e(g.issues),
                    _e(g.thumbs_up),
                    f'<span class="bar" aria-hidden="true" style="width: '
                    f'{round(100 * g.issues / most) if most else 0}%"></span>',
                ]
                for g in report.trend
            ),
            (1, 2),
        )
        out += ["<h2>By role, level and skill</h2>"]
        out += _html_table(
            "By role",
            ["Role", *HTML_HEAD],
            ([_e(g.name), *_html_counts(g)] for g in report.roles),
            numeric,
        )
        for role in report.roles:
            out += [f"<h3>{_e(role.name)}</h3>", f"<p>{_e(summary_line(role, THUMBS_WORDS))}.</p>"]
            for level in role.children:
                out += _html_table(
                    f"{role.name}: {level.name}",
                    ["Skill", *HTML_HEAD, "Feedback"],
                    (
                        [
                            _e(s.name),
                            *_html_counts(s),
                            ", ".join(
                                _html_ref(report, i) + ("" if i.open else " (closed)")
                                for i in s.items
                            ),
                        ]
                        for s in level.children
                    ),
                    numeric,
                )
        out += ["<h2>Every piece of feedback</h2>"]
        for item in report.items:
            out += [
                "<article>",
                f"<h3>{_html_ref(report, item)}: {_e(item.title)}</h3>",
                '<dl class="facts">',
                *(
                    f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>"
                    for k, v in _facts(report, item, THUMBS_WORDS)
                ),
                "</dl>",
                f"<blockquote>{_e(trim(item.words, EXCERPT)) or '(no words given)'}</blockquote>",
                "</article>",
            ]
    out += [
        "</main>",
        f"<footer><p>Role, level and skill names: {_e(report.attribution)}</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


# -- XLSX ------------------------------------------------------------------------------------

_FIXED_TIME = (2020, 1, 1, 0, 0, 0)
# openpyxl stamps the workbook's "modified" property with the time it is saved, whatever it
# was set to: put the fixed time back, or two renders a second apart differ.
_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")
_FIXED_STAMP = b"2020-01-01T00:00:00Z"
XLSX_HEADINGS = {
    "issue": "Issue",
    "title": "Title",
    "url": "Link",
    "status": "Status",
    "opened": "Opened",
    "closed": "Closed",
    "author": "Author",
    "type": "Type of feedback",
    "role": "Role",
    "level": "Level",
    "skills": "Skills",
    "proposed_skill": "Proposed skill",
    "department": "Department",
    "thumbs_up": "👍",
    "people": "People (👍 or comment)",
    "words": "Feedback in their words",
    "source": "Read from",
}


def render_xlsx(report: Report) -> bytes:
    """The spreadsheet the representatives would otherwise build by hand: Summary, Feedback
    (one row per piece), By skill, By role (role, level, skill), By department, Trend (with a
    chart). The same report gives the same bytes (no timestamps)."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    bold = Font(bold=True)

    def sheet(
        title: str, head: Sequence[str], rows: Iterable[Sequence[object]], first: bool = False
    ) -> Any:
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(list(head))
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(list(row))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for index in range(1, len(head) + 1):
            letter = get_column_letter(index)
            width = max(len(str(c.value or "")) for c in ws[letter])
            ws.column_dimensions[letter].width = max(8, min(60, width + 2))
        return ws

    everything = report.everything
    summary = sheet(
        "Summary",
        ["Measure", "Value"],
        [
            ["Repository", report.repo],
            ["Period", report.period.describe()],
            ["Feedback", everything.issues],
            ["Open", everything.open],
            ["Closed", everything.closed],
            ["👍", everything.thumbs_up],
            ["People who agreed", everything.people],
            ["Not included (no content yet)", len(report.not_included)],
            [
                "Not included: issues",
                ", ".join(f"#{i.issue.number}" for i in report.not_included) or "-",
            ],
            ["Anonymised", "yes" if report.anonymise else "no"],
        ],
        first=True,
    )
    row = summary.max_row + 2
    summary.cell(row=row, column=1, value="By type of feedback").font = bold
    summary.cell(row=row + 1, column=1, value="Type").font = bold
    for col, name in enumerate(COUNT_HEAD, start=2):
        summary.cell(row=row + 1, column=col, value=name).font = bold
    for offset, group in enumerate(report.types, start=2):
        summary.cell(row=row + offset, column=1, value=group.name)
        for col, value in enumerate(_counts_row(group), start=2):
            summary.cell(row=row + offset, column=col, value=value)
    summary.cell(row=row + len(report.types) + 3, column=1, value=f"Names: {report.attribution}")

    rows = csv_rows(report)
    headings = [XLSX_HEADINGS.get(c, c) for c in CSV_COLUMNS]
    feedback = sheet("Feedback", headings, ([r[c] for c in CSV_COLUMNS] for r in rows))
    words_col = get_column_letter(CSV_COLUMNS.index("words") + 1)
    feedback.column_dimensions[words_col].width = 80
    for cell in feedback[words_col][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if report.links:
        url_col = CSV_COLUMNS.index("url") + 1
        for index, item in enumerate(report.items, start=2):
            if item.issue.url:
                feedback.cell(row=index, column=url_col).hyperlink = item.issue.url
    sheet(
        "By skill",
        ["Skill", *COUNT_HEAD, "Roles"],
        ([g.name, *_counts_row(g), ", ".join(g.roles)] for g in report.skills),
    )
    sheet(
        "By role",
        ["Role", "Level", "Skill", *COUNT_HEAD],
        (
            [role.name, level.name, skill.name, *_counts_row(skill)]
            for role in report.roles
            for level in role.children
            for skill in level.children
        ),
    )
    sheet(
        "By department",
        ["Department", *COUNT_HEAD],
        ([g.name, *_counts_row(g)] for g in report.departments),
    )
    trend = sheet(
        "Trend",
        [report.trend_by.capitalize(), *COUNT_HEAD],
        ([g.name, *_counts_row(g)] for g in report.trend),
    )
    if report.trend:
        chart = BarChart()
        chart.title = f"Feedback by {report.trend_by}"
        chart.y_axis.title = "Feedback"
        chart.add_data(
            Reference(trend, min_col=2, min_row=1, max_row=len(report.trend) + 1),
            titles_from_data=True,
        )
        chart.set_categories(Reference(trend, min_col=1, min_row=2, max_row=len(report.trend) + 1))
        trend.add_chart(chart, "H2")
    fixed = datetime(*_FIXED_TIME)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.properties.creator = "ghcommunity"
    book.properties.title = f"DDaT framework feedback: {report.repo}"
    raw = io.BytesIO()
    book.save(raw)
    return _deterministic_zip(raw.getvalue())


def _deterministic_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times, so the same report gives the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + _FIXED_STAMP + rb"\g<2>", content)
            target.writestr(entry, content)
    return out.getvalue()


def render(report: Report, fmt: str) -> str:
    """A text format (every format but xlsx; see `render_bytes`)."""
    return render_text(report, fmt)


def render_bytes(report: Report, fmt: str) -> bytes:
    """Any format as the bytes of its file."""
    if fmt == "xlsx":
        return render_xlsx(report)
    return render_text(report, fmt).encode("utf-8")
