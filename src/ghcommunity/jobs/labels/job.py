"""The labels job as every door runs it: create, update and rename the declared labels."""

from __future__ import annotations

from typing import ClassVar

from ghcommunity.core.jobs import Job, JobOptions, JobResult, StrictBool
from ghcommunity.core.providers import labels_from_jobs
from ghcommunity.github.context import Context
from ghcommunity.jobs.labels.handlers import sync_labels
from ghcommunity.jobs.labels.settings import LabelsConfig


class LabelsOptions(JobOptions):
    from_dispatch: ClassVar[frozenset[str]] = frozenset({"dry_run", "prune"})

    prune: StrictBool | None = None


def run(ctx: Context, options: LabelsOptions, repo: str) -> JobResult:
    result = sync_labels(
        ctx.client,
        ctx.view(LabelsConfig),
        repo,
        job_labels=labels_from_jobs(ctx, set()),
        prune=options.prune,
    )
    ctx.executor.know_labels(repo, result.existing_as_rest())
    return JobResult(result.plan, details={"labels": result.report.to_dict()})


JOB = Job(
    name="labels-sync",
    summary="Labels as code: create, update and rename the declared labels",
    options=LabelsOptions,
    run=run,
    community_wide=False,
)
