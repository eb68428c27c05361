"""The lifecycle job as every door runs it: remind, then close, quiet `needs-info` issues."""

from __future__ import annotations

from typing import ClassVar

from ghcommunity.core.jobs import Instant, Job, JobOptions, JobResult
from ghcommunity.github.context import Context
from ghcommunity.jobs.lifecycle.lifecycle import lifecycle_plan


class LifecycleOptions(JobOptions):
    from_dispatch: ClassVar[frozenset[str]] = frozenset({"dry_run", "now"})

    now: Instant | None = None


def run(ctx: Context, options: LifecycleOptions, repo: str) -> JobResult:
    now = options.now or ctx.now
    plan, decisions = lifecycle_plan(ctx.client, ctx.config, repo, now, ctx.executor)
    return JobResult(
        plan, details={"now": now.isoformat(), "decisions": [d.to_dict() for d in decisions]}
    )


JOB = Job(
    name="lifecycle",
    summary="Remind, then close, needs-info issues whose author went quiet",
    options=LifecycleOptions,
    run=run,
    community_wide=False,
)
