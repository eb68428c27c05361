"""The DDaT export job as every door runs it: a month's feedback report, through a pull request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, ClassVar

from ghcommunity.core.jobs import Job, JobOptions, JobResult, MonthText, StrictBool, choice
from ghcommunity.core.plan import Plan
from ghcommunity.github.client import GitHubClient, repo_path
from ghcommunity.github.contents import read_text
from ghcommunity.github.context import Context
from ghcommunity.jobs.ddat.classify import DdatKit
from ghcommunity.jobs.ddat.export import Current, Month, export_branch, export_path, plan_export
from ghcommunity.jobs.ddat.fetch import fetch_feedback
from ghcommunity.jobs.ddat.report import FORMATS, Report, build_report
from ghcommunity.jobs.ddat.report_render import render, render_bytes
from ghcommunity.jobs.ddat.settings import DdatConfig
from ghcommunity.jobs.ddat.setup import context_kit


class ExportOptions(JobOptions):
    from_dispatch: ClassVar[frozenset[str]] = frozenset({"dry_run", "month"})

    # Default: the current month in the community's time zone.
    month: MonthText | None = None
    # Formats to put in the pull request (default: ddat.export_formats); the Markdown always.
    formats: list[Annotated[str, choice(*FORMATS)]] | None = None
    # Without logins (default: ddat.export_anonymise).
    anonymise: StrictBool | None = None


def run(ctx: Context, options: ExportOptions, repo: str) -> JobResult:
    timezone = ctx.view(DdatConfig).community.timezone
    chosen = Month.parse(options.month) if options.month else Month.of(ctx.now, timezone)
    plan, report = export_month(
        ctx.client,
        ctx.view(DdatConfig),
        repo,
        chosen,
        options.formats,
        anonymise=options.anonymise,
        kit=context_kit(ctx),
    )
    return JobResult(plan, details={"month": str(chosen), "issues": report.total})


def read_current(client: GitHubClient, repo: str, config: DdatConfig, month: Month) -> Current:
    """Two reads: the file on the default branch, and on the export branch (an edge)."""
    info = client.rest("GET", repo_path(repo))
    default = str((info or {}).get("default_branch") or config.community.default_branch)
    path = export_path(config, month)
    return Current(
        default_branch=default,
        on_default=read_text(client, repo, path, default),
        on_branch=read_text(client, repo, path, export_branch(config, month)),
    )


def export_month(
    client: GitHubClient,
    config: DdatConfig,
    repo: str,
    month: Month,
    formats: Sequence[str] | None = None,
    *,
    anonymise: bool | None = None,
    kit: DdatKit,
) -> tuple[Plan, Report]:
    """Read the month's feedback and the file as it stands, and plan the export (an edge: the
    `ddat export` command and the scheduled job both run this); `kit` comes from the Context
    (`setup.context_kit`)."""
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


JOB = Job(
    name="ddat-export",
    summary="The DDaT feedback report for a month, through a pull request",
    options=ExportOptions,
    run=run,
)
