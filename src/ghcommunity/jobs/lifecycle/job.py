"""The lifecycle job as every door runs it: remind, then close, quiet `needs-info` issues."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from ghcommunity.core.jobs import Instant, Job, JobOptions, JobResult
from ghcommunity.core.plan import Plan
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.github.executor import Executor
from ghcommunity.jobs.lifecycle.plan import Decision, plan_lifecycle
from ghcommunity.jobs.lifecycle.read import read_needs_info_issues, teach_executor
from ghcommunity.jobs.lifecycle.settings import LifecycleConfig


class LifecycleOptions(JobOptions):
    from_dispatch: ClassVar[frozenset[str]] = frozenset({"dry_run", "now"})

    now: Instant | None = None


def run(ctx: Context, options: LifecycleOptions, repo: str) -> JobResult:
    now = options.now or ctx.now
    plan, decisions = lifecycle_plan(ctx.client, ctx.view(LifecycleConfig), repo, now, ctx.executor)
    return JobResult(
        plan, details={"now": now.isoformat(), "decisions": [d.to_dict() for d in decisions]}
    )


def lifecycle_plan(
    client: GitHubClient, config: LifecycleConfig, repo: str, now: datetime, executor: Executor
) -> tuple[Plan, list[Decision]]:
    """Read the waiting issues and plan (what `ghcommunity lifecycle` and the App's scheduled
    run both do); the executor learns what was read, so applying costs only the writes."""
    label = config.triage.needs_info_label
    bots = frozenset({config.community.bot_login.lower()})
    issues = (
        read_needs_info_issues(client, repo, label, bots) if config.triage.lifecycle.enabled else []
    )
    plan, decisions = plan_lifecycle(issues, config, now, repo=repo)
    teach_executor(executor, repo, issues)
    return plan, decisions


JOB = Job(
    name="lifecycle",
    summary="Remind, then close, needs-info issues whose author went quiet",
    options=LifecycleOptions,
    run=run,
    community_wide=False,
)
