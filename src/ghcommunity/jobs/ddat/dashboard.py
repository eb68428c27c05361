"""The DDaT job's section of the community dashboard: feedback opened since the last monthly
report (the newest `ddat.export_path` file), and feedback with no skill label yet (it names no
skill, or one the framework does not, or its labels were not set), awaiting a DDaT
representative. No requests beyond what the dashboard
reads for every section."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ghcommunity.core.dashboard import (
    DashboardInputs,
    DashboardLine,
    DashboardSection,
    OpenItem,
    Tick,
)
from ghcommunity.core.providers import dashboard_section
from ghcommunity.core.timestamps import timestamp
from ghcommunity.github.context import Context
from ghcommunity.jobs.ddat.labels import kind_prefix
from ghcommunity.jobs.ddat.settings import DdatConfig


def _title(issue: OpenItem) -> str:
    text = " ".join(issue.title.split())[:100]
    for char in "\\`*_[]<>#|":
        text = text.replace(char, f"\\{char}")
    return text.replace("@", "@\u200b")


def last_report(export_path: str, files: dict[str, str]) -> str | None:
    """The newest month (YYYY-MM) with a report file on the default branch."""
    pattern = re.compile(
        "^" + re.escape(export_path).replace(re.escape("{month}"), r"(\d{4}-\d{2})") + "$"
    )
    months = sorted(m[1] for path in files if (m := pattern.match(path)))
    return months[-1] if months else None


def _month_end(month: str) -> datetime:
    year, number = (int(x) for x in month.split("-"))
    return datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)


@dashboard_section("ddat")
def ddat_section(ctx: Context, inputs: DashboardInputs) -> DashboardSection | None:
    section = ctx.view(DdatConfig).ddat
    if not section.enabled:
        return None
    feedback = [
        i
        for i in inputs.open_issues
        if section.feedback_label.lower() in {n.lower() for n in i.labels}
    ]
    report = last_report(section.export_path, inputs.files)
    since = _month_end(report) if report else None
    new = [
        i
        for i in feedback
        if since is None or ((created := timestamp(i.created_at)) and created >= since)
    ]
    skill = kind_prefix(section.label_prefix, "skill").lower()
    classified = f"{section.label_prefix}-".lower()
    # Feedback the DDaT job has labelled that has no skill label (yet): the labels say only
    # that, not why, so the line says no more.
    unknown = [
        i
        for i in feedback
        if any(n.lower().startswith(classified) for n in i.labels)
        and not any(n.lower().startswith(skill) for n in i.labels)
    ]
    where = f"since the report for {report}" if report else "(no monthly report yet)"
    lines = [DashboardLine(f"{len(new)} open piece(s) of feedback {where}")]
    lines += [
        DashboardLine(f"#{i.number} {_title(i)}: no skill label yet; awaiting a representative")
        for i in unknown
    ]
    lines.append(
        DashboardLine(
            "",
            Tick(id="run:ddat-export", label="Propose this month's DDaT report", job="ddat-export"),
        )
    )
    return DashboardSection(
        key="ddat", title="DDaT framework feedback", lines=tuple(lines), order=30
    )
