"""The DDaT feedback report: every piece of feedback grouped role → level → skill. Pure.

Each issue is classified from its body (with the form parser), so the report does not depend
on labels being right; DDaT labels only fill in what the body does not say (e.g. values a
maintainer set with `/ddat` on an issue that did not use the form). Counts at each level of the
grouping are of distinct issues: an issue about two skills counts once for its role and level,
and once under each skill. 👍 reactions on the issue are the measure of support.

Rendered as Markdown (for a discussion or a meeting), CSV (one row per issue and skill, for
spreadsheets) or JSON (for tools).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from ghcommunity.jobs.ddat.classify import DdatKit
from ghcommunity.jobs.ddat.fetch import FeedbackIssue
from ghcommunity.jobs.ddat.names import ALL_LEVELS, FRAMEWORK_NAME

NO_ROLE = "Role not given"
NO_LEVEL = "Level not given"
NO_SKILL = "No skill named"
NO_TYPE = "Type not given"

CSV_COLUMNS = (
    "issue",
    "title",
    "url",
    "state",
    "opened",
    "closed",
    "author",
    "role",
    "level",
    "skill",
    "type",
    "department",
    "thumbs_up",
    "source",
)


@dataclass(frozen=True)
class Period:
    since: date | None = None
    until: date | None = None

    def contains(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    def describe(self) -> str:
        if self.since and self.until:
            return f"opened {self.since.isoformat()} to {self.until.isoformat()}"
        if self.since:
            return f"opened on or after {self.since.isoformat()}"
        if self.until:
            return f"opened on or before {self.until.isoformat()}"
        return "opened at any time"


@dataclass(frozen=True)
class Item:
    """One issue as the report sees it."""

    issue: FeedbackIssue
    opened: date  # in the community's time zone
    role: str | None
    level: str | None
    skills: tuple[str, ...]
    type: str | None
    department: str | None
    source: str  # form, lines, text, or any of those + "+labels"

    @property
    def open(self) -> bool:
        return self.issue.state == "open"


@dataclass
class Group:
    """Counts for one role, level or skill."""

    name: str
    items: list[Item] = field(default_factory=list)
    children: list[Group] = field(default_factory=list)

    @property
    def issues(self) -> int:
        return len(self.items)

    @property
    def open(self) -> int:
        return sum(1 for i in self.items if i.open)

    @property
    def closed(self) -> int:
        return self.issues - self.open

    @property
    def thumbs_up(self) -> int:
        return sum(i.issue.thumbs_up for i in self.items)

    def counts(self) -> dict[str, int]:
        return {
            "issues": self.issues,
            "open": self.open,
            "closed": self.closed,
            "thumbs_up": self.thumbs_up,
        }


@dataclass
class Report:
    repo: str
    period: Period
    state: str
    items: list[Item]
    roles: list[Group]
    types: list[Group]
    attribution: str

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def everything(self) -> Group:
        return Group("all", list(self.items))


def _classify(issue: FeedbackIssue, kit: DdatKit, zone: ZoneInfo) -> Item:
    result = kit.classify(issue.body, issue.title)
    role, level, skills, kind = result.role, result.level, list(result.skills), result.type
    from_labels = False
    for name in issue.labels:
        label = kit.labeller.parse(name)
        if label is None:
            continue
        if label.kind == "role" and role is None:
            role, from_labels = label.value, True
        elif label.kind == "level" and level is None:
            level, from_labels = label.value, True
        elif label.kind == "type" and kind is None:
            kind, from_labels = label.value, True
        elif label.kind == "skill" and not result.skills and label.value not in skills:
            skills.append(label.value)
            from_labels = True
    if role is None and level and level != ALL_LEVELS:
        role = kit.taxonomy.role_of_level(level)
    return Item(
        issue=issue,
        opened=issue.created_at.astimezone(zone).date(),
        role=role,
        level=level,
        skills=tuple(skills),
        type=kind,
        department=result.department,
        source=result.source + ("+labels" if from_labels else ""),
    )


def _ordered(names: Iterable[str], order: Sequence[str], last: str) -> list[str]:
    rank = {name: i for i, name in enumerate(order)}
    return sorted(set(names), key=lambda n: (n == last, rank.get(n, len(rank)), n.casefold()))


def build_report(
    issues: Iterable[FeedbackIssue],
    kit: DdatKit,
    *,
    repo: str,
    period: Period | None = None,
    state: str = "all",
    timezone: str = "Europe/London",
) -> Report:
    period = period or Period()
    zone = ZoneInfo(timezone)
    items = []
    for issue in issues:
        if state != "all" and issue.state != state:
            continue
        item = _classify(issue, kit, zone)
        if period.contains(item.opened):
            items.append(item)
    items.sort(key=lambda i: i.issue.number)

    tax = kit.taxonomy
    role_order = [r.name for r in tax.roles]
    level_order = [ALL_LEVELS] + [lv for r in tax.roles for lv in r.levels]
    skill_order = [s.name for s in tax.skills]
    roles = []
    for role_name in _ordered((i.role or NO_ROLE for i in items), role_order, NO_ROLE):
        role_items = [i for i in items if (i.role or NO_ROLE) == role_name]
        role_group = Group(role_name, role_items)
        for level_name in _ordered(
            (i.level or NO_LEVEL for i in role_items), level_order, NO_LEVEL
        ):
            level_items = [i for i in role_items if (i.level or NO_LEVEL) == level_name]
            level_group = Group(level_name, level_items)
            skill_names = [s for i in level_items for s in (i.skills or (NO_SKILL,))]
            for skill_name in _ordered(skill_names, skill_order, NO_SKILL):
                level_group.children.append(
                    Group(
                        skill_name,
                        [i for i in level_items if skill_name in (i.skills or (NO_SKILL,))],
                    )
                )
            role_group.children.append(level_group)
        roles.append(role_group)
    types = [
        Group(name, [i for i in items if (i.type or NO_TYPE) == name])
        for name in _ordered((i.type or NO_TYPE for i in items), tax.feedback_types, NO_TYPE)
    ]
    return Report(
        repo=repo,
        period=period,
        state=state,
        items=items,
        roles=roles,
        types=types,
        attribution=tax.source.attribution,
    )


# -- rendering -------------------------------------------------------------------------------


def render(report: Report, fmt: str) -> str:
    if fmt == "md":
        return render_markdown(report)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "json":
        return render_json(report)
    raise ValueError(f"unknown report format {fmt!r}")


def _cell(text: str) -> str:
    """Someone's text in a Markdown table cell: one line, no table breaks, no HTML, no
    @-mentions (the report is posted where a mention would notify people)."""
    flat = " ".join(text.split())
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), ("@", "&#64;")):
        flat = flat.replace(char, escaped)
    return flat


def _counts(group: Group) -> str:
    return (
        f"{group.issues} issue{'s' if group.issues != 1 else ''} "
        f"({group.open} open, {group.closed} closed), 👍 {group.thumbs_up}"
    )


def _links(items: Iterable[Item]) -> str:
    return ", ".join(
        f"[#{i.issue.number}]({i.issue.url})" + (" (closed)" if not i.open else "") for i in items
    )


def render_markdown(report: Report) -> str:
    everything = report.everything
    state = "" if report.state == "all" else f", {report.state} only"
    lines = [
        f"# DDaT framework feedback: {report.repo}",
        "",
        f"Feedback on the DDaT framework ({FRAMEWORK_NAME}) in {report.repo}, "
        f"{report.period.describe()}{state}.",
        "",
        f"**{_counts(everything)}.**",
    ]
    if not report.items:
        lines += ["", "No feedback in this period."]
        lines += ["", "---", "", f"Role, level and skill names: {report.attribution}"]
        return "\n".join(lines) + "\n"
    lines += [
        "",
        "| Role | Issues | Open | Closed | 👍 |",
        "|---|--:|--:|--:|--:|",
        *(
            f"| {_cell(g.name)} | {g.issues} | {g.open} | {g.closed} | {g.thumbs_up} |"
            for g in report.roles
        ),
        "",
        "| Type of feedback | Issues | Open | Closed | 👍 |",
        "|---|--:|--:|--:|--:|",
        *(
            f"| {_cell(g.name)} | {g.issues} | {g.open} | {g.closed} | {g.thumbs_up} |"
            for g in report.types
        ),
    ]
    for role in report.roles:
        lines += ["", f"## {_cell(role.name)}", "", f"{_counts(role)}."]
        for level in role.children:
            lines += [
                "",
                f"### {_cell(level.name)}",
                "",
                f"{_counts(level)}.",
                "",
                "| Skill | Issues | Open | Closed | 👍 | Feedback |",
                "|---|--:|--:|--:|--:|---|",
            ]
            lines += [
                f"| {_cell(s.name)} | {s.issues} | {s.open} | {s.closed} | {s.thumbs_up} "
                f"| {_links(s.items)} |"
                for s in level.children
            ]
    lines += [
        "",
        "## Every piece of feedback",
        "",
        "| Issue | Title | Role | Level | Skills | Type | State | 👍 | Opened |",
        "|---|---|---|---|---|---|---|--:|---|",
    ]
    for item in report.items:
        lines.append(
            f"| [#{item.issue.number}]({item.issue.url}) | {_cell(item.issue.title)} "
            f"| {_cell(item.role or '')} | {_cell(item.level or '')} "
            f"| {_cell('; '.join(item.skills))} | {_cell(item.type or '')} "
            f"| {item.issue.state} | {item.issue.thumbs_up} | {item.opened.isoformat()} |"
        )
    lines += ["", "---", "", f"Role, level and skill names: {report.attribution}"]
    return "\n".join(lines) + "\n"


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; people's text never should."""
    return "'" + text if text.startswith(_FORMULA) else text


def csv_rows(report: Report) -> list[dict[str, Any]]:
    rows = []
    for item in report.items:
        issue = item.issue
        for skill in item.skills or ("",):
            rows.append(
                {
                    "issue": issue.number,
                    "title": _safe(issue.title),
                    "url": issue.url,
                    "state": issue.state,
                    "opened": item.opened.isoformat(),
                    "closed": issue.closed_at.date().isoformat() if issue.closed_at else "",
                    "author": issue.author,
                    "role": item.role or "",
                    "level": item.level or "",
                    "skill": skill,
                    "type": item.type or "",
                    "department": _safe(item.department or ""),
                    "thumbs_up": issue.thumbs_up,
                    "source": item.source,
                }
            )
    return rows


def render_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_rows(report))
    return out.getvalue()


def _group_json(group: Group, child_key: str | None, grandchild: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": group.name, **group.counts()}
    out["issue_numbers"] = [i.issue.number for i in group.items]
    if child_key:
        out[child_key] = [_group_json(c, grandchild, None) for c in group.children]
    return out


def report_json(report: Report) -> dict[str, Any]:
    return {
        "repo": report.repo,
        "period": {
            "since": report.period.since.isoformat() if report.period.since else None,
            "until": report.period.until.isoformat() if report.period.until else None,
        },
        "state": report.state,
        "totals": report.everything.counts(),
        "types": [{"name": g.name, **g.counts()} for g in report.types],
        "roles": [_group_json(g, "levels", "skills") for g in report.roles],
        "issues": [
            {
                "number": i.issue.number,
                "title": i.issue.title,
                "url": i.issue.url,
                "state": i.issue.state,
                "opened": i.opened.isoformat(),
                "closed_at": i.issue.closed_at.isoformat() if i.issue.closed_at else None,
                "author": i.issue.author,
                "role": i.role,
                "level": i.level,
                "skills": list(i.skills),
                "type": i.type,
                "department": i.department,
                "thumbs_up": i.issue.thumbs_up,
                "source": i.source,
            }
            for i in report.items
        ],
        "attribution": report.attribution,
    }


def render_json(report: Report) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
