"""The meetings job as every door runs it: the notes (and .ics files) due in the lead window,
in one commit and one pull request."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from ghcommunity.core.errors import InputError
from ghcommunity.core.jobs import Instant, Job, JobOptions, JobResult, LeadTime, Text, choice
from ghcommunity.core.plan import Plan
from ghcommunity.github.client import web_url_for
from ghcommunity.github.context import Context
from ghcommunity.jobs.meetings.read import generate
from ghcommunity.jobs.meetings.settings import MeetingsConfig


class MeetingsOptions(JobOptions):
    from_dispatch: ClassVar[frozenset[str]] = frozenset(
        {"dry_run", "now", "lead_time", "group", "mode"}
    )

    now: Instant | None = None
    lead_time: LeadTime | None = None
    group: Text | None = None
    mode: Annotated[Literal["pull-request", "commit"], choice("pull-request", "commit")] | None = (
        None
    )


def run(ctx: Context, options: MeetingsOptions, repo: str) -> JobResult:
    config = ctx.view(MeetingsConfig)
    if not config.meetings.enabled:
        return JobResult(
            Plan().note("meetings are disabled in the config (meetings.enabled: false)")
        )
    if options.group and config.group(options.group) is None:
        raise InputError(f"group {options.group!r}: no group with that slug")
    result = generate(
        ctx.client,
        config,
        options.now or ctx.now,
        lead_time=options.lead_time,
        mode=options.mode,
        joining=ctx.joining,
        web_url=web_url_for(ctx.client.connection.api_url),
        group=options.group,
        local_root=ctx.checkout,
    )
    return JobResult(result.plan, details=result.to_dict())


JOB = Job(
    name="meetings",
    summary="Meeting notes (and calendar files) for the meetings in the lead window",
    options=MeetingsOptions,
    run=run,
)
