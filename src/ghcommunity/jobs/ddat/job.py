"""The DDaT export job as every door runs it: a month's feedback report, through a pull request."""

from __future__ import annotations

from typing import Annotated, ClassVar

from ghcommunity.core.jobs import Job, JobOptions, JobResult, MonthText, StrictBool, choice
from ghcommunity.github.context import Context
from ghcommunity.jobs.ddat.export import Month, export_month
from ghcommunity.jobs.ddat.report import FORMATS


class ExportOptions(JobOptions):
    from_dispatch: ClassVar[frozenset[str]] = frozenset({"dry_run", "month"})

    # Default: the current month in the community's time zone.
    month: MonthText | None = None
    # Formats to put in the pull request (default: ddat.export_formats); the Markdown always.
    formats: list[Annotated[str, choice(*FORMATS)]] | None = None
    # Without logins (default: ddat.export_anonymise).
    anonymise: StrictBool | None = None


def run(ctx: Context, options: ExportOptions, repo: str) -> JobResult:
    timezone = ctx.config.community.timezone
    chosen = Month.parse(options.month) if options.month else Month.of(ctx.now, timezone)
    plan, report = export_month(
        ctx.client, ctx.config, repo, chosen, options.formats, anonymise=options.anonymise
    )
    return JobResult(plan, details={"month": str(chosen), "issues": report.total})


JOB = Job(
    name="ddat-export",
    summary="The DDaT feedback report for a month, through a pull request",
    options=ExportOptions,
    run=run,
)
