"""`ghcommunity ddat export`: the month's report as a dated file, through a pull request.

The file (`ddat.export_path`, e.g. `ddat-feedback/2026-11.md`) is committed to its own branch
(`ddat.export_branch`) and proposed with a pull request; rerunning updates the same branch and
pull request. Nothing is written when the file on the default branch (a merged export) or on
the branch (an open one) already says the same.
"""

from __future__ import annotations

import base64
import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ghcommunity.config import Config
from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import CommitFiles, FileChange, OpenPullRequest, Plan
from ghcommunity.github.client import GitHubClient, repo_path
from ghcommunity.github.contents import read_text
from ghcommunity.jobs.ddat.report import EXTENSIONS, Period, Report

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH.match(text.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise InputError(f"--month {text!r}: expected YYYY-MM, such as 2026-11")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, moment: datetime, timezone: str) -> Month:
        """The month `moment` falls in, in the community's time zone."""
        local = moment.astimezone(ZoneInfo(timezone))
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def period(self) -> Period:
        last = calendar.monthrange(self.year, self.month)[1]
        return Period(date(self.year, self.month, 1), date(self.year, self.month, last))

    @property
    def title(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"


@dataclass(frozen=True)
class Current:
    """What the export's file says now, on the default branch and on the export branch."""

    default_branch: str
    on_default: str | None
    on_branch: str | None


def export_path(config: Config, month: Month, fmt: str = "md") -> str:
    """Where one format goes: `export_path`, with the format's extension for the others."""
    path = config.ddat.export_path.replace("{month}", str(month))
    if fmt == "md":
        return path
    stem = path[:-3] if path.endswith(".md") else path
    return f"{stem}.{EXTENSIONS[fmt]}"


def export_branch(config: Config, month: Month) -> str:
    return config.ddat.export_branch.replace("{month}", str(month))


def read_current(client: GitHubClient, repo: str, config: Config, month: Month) -> Current:
    """Two reads: the file on the default branch, and on the export branch (an edge)."""
    info = client.rest("GET", repo_path(repo))
    default = str((info or {}).get("default_branch") or config.community.default_branch)
    path = export_path(config, month)
    return Current(
        default_branch=default,
        on_default=read_text(client, repo, path, default),
        on_branch=read_text(client, repo, path, export_branch(config, month)),
    )


def plan_export(
    markdown: str,
    month: Month,
    config: Config,
    current: Current,
    *,
    repo: str,
    others: dict[str, bytes] | None = None,
) -> Plan:
    """Commit the report and open (or reuse) its pull request, unless it is already there.

    `others`: more formats of the same report (format → bytes), committed next to the
    Markdown. The Markdown stands for them all when deciding whether anything changed: they
    are all rendered from the same report."""
    path = export_path(config, month)
    branch = export_branch(config, month)
    plan = Plan()
    if current.on_default == markdown:
        return plan.note(f"{path} on {current.default_branch} is already up to date")
    files = [FileChange(path=path, content=markdown)]
    for fmt, data in (others or {}).items():
        if fmt == "md":
            continue
        if fmt == "xlsx":
            content, encoding = base64.b64encode(data).decode("ascii"), "base64"
        else:
            content, encoding = data.decode("utf-8"), "utf-8"
        files.append(
            FileChange(path=export_path(config, month, fmt), content=content, encoding=encoding)
        )
    if current.on_branch != markdown:
        plan.add(
            CommitFiles(
                repo=repo,
                branch=branch,
                base=current.default_branch,
                message=f"DDaT feedback report for {month.title}",
                files=files,
                if_exists="update",
            )
        )
    plan.add(
        OpenPullRequest(
            repo=repo,
            head=branch,
            base=current.default_branch,
            title=f"DDaT feedback report: {month.title}",
            body=(
                f"The DDaT framework feedback opened in {month.title}, each piece in its own "
                "words, with roll-ups by skill, role, level, type and department: "
                + ", ".join(f"`{f.path}`" for f in files)
                + ".\n\n"
                "Generated by `ghcommunity ddat export`; running it again updates this pull "
                "request."
            ),
        )
    )
    return plan


def export_month(
    client: GitHubClient,
    config: Config,
    repo: str,
    month: Month,
    formats: Sequence[str] | None = None,
    *,
    anonymise: bool | None = None,
) -> tuple[Plan, Report]:
    """Read the month's feedback and the file as it stands, and plan the export (an edge: the
    `ddat export` command and the scheduled job both run this)."""
    from ghcommunity.jobs.ddat.fetch import fetch_feedback
    from ghcommunity.jobs.ddat.report import build_report
    from ghcommunity.jobs.ddat.report_render import render, render_bytes
    from ghcommunity.jobs.ddat.setup import load_kit

    kit = load_kit(config)
    issues = fetch_feedback(
        client,
        repo,
        config.ddat.feedback_label,
        state="all",
        since=month.period.since,
        bot_login=config.community.bot_login,
    )
    report = build_report(
        issues,
        kit,
        repo=repo,
        period=month.period,
        state="all",
        timezone=config.community.timezone,
        departments=config.digest.departments,
        anonymise=config.ddat.export_anonymise if anonymise is None else anonymise,
        bots=[config.community.bot_login],
    )
    current = read_current(client, repo, config, month)
    chosen = list(formats if formats is not None else config.ddat.export_formats)
    others = {fmt: render_bytes(report, fmt) for fmt in chosen if fmt != "md"}
    plan = plan_export(render(report, "md"), month, config, current, repo=repo, others=others)
    return plan, report
