"""The audit job as every door runs it: the registry's findings, and the tracking issue kept up
to date (`publish`)."""

from __future__ import annotations

from typing import ClassVar

from ghcommunity.core.jobs import Instant, Job, JobOptions, JobResult, StrictBool
from ghcommunity.core.plan import Plan
from ghcommunity.github.client import web_url_for
from ghcommunity.github.context import Context
from ghcommunity.jobs.registry.audit import audit_registry, plan_publish, render_markdown
from ghcommunity.jobs.registry.read import read_notes, read_tracking
from ghcommunity.jobs.registry.settings import RegistryConfig


class AuditOptions(JobOptions):
    from_dispatch: ClassVar[frozenset[str]] = frozenset({"dry_run", "now"})

    now: Instant | None = None
    publish: StrictBool = True
    # Skip reading the notes folders (no GitHub access; nothing is published).
    read_notes: StrictBool = True


def run(ctx: Context, options: AuditOptions, repo: str) -> JobResult:
    now = options.now or ctx.now
    notes = read_notes(ctx.client, ctx.view(RegistryConfig), repo) if options.read_notes else None
    report = audit_registry(
        ctx.view(RegistryConfig),
        notes,
        now.date(),
        repo=repo,
        web_url=web_url_for(ctx.client.connection.api_url),
    )
    plan = Plan()
    if options.publish:
        plan = plan_publish(
            report, ctx.view(RegistryConfig), read_tracking(ctx.executor, repo), repo=repo
        )
    return JobResult(
        plan, details=report.to_dict(), text=render_markdown(report, ctx.view(RegistryConfig))
    )


JOB = Job(
    name="audit",
    summary="Audit the registry: missing basics, when each group last met, likely duplicates",
    options=AuditOptions,
    run=run,
)
