"""What every door calls: `dispatch` (an event to its handlers, one merged Plan applied once) and
the job registry (`run_job`: a job by name, its options validated once, its Plan applied through
the one executor).

| job | does what | what a `repository_dispatch` (`ghcommunity-<job>`) may set |
|---|---|---|
| meetings | notes and .ics files for the meetings in the lead window | lead_time, group, mode, now |
| lifecycle | needs-info reminders and closing | now |
| digest | the monthly digest, published | month, publish |
| labels-sync | labels as code | prune |
| audit | the registry audit and its tracking issue | now |
| ddat-export | the month's DDaT feedback report, through a pull request | month |
| dashboard | the community dashboard issue | |

Every job also takes `dry_run` (plan, log, write nothing). The App's scheduler's own `scheduled`
and `date` keys are accepted and ignored. A value a job cannot use, or a key it does not know (a
typo such as `dryrun` must not become a real run), is refused with one logged line and nothing is
done. Jobs about the community as a whole run only when dispatched to the config's own
repository, so an organisation-wide config does not run them once per repository.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ghcommunity.config import Config
from ghcommunity.core import payload as p
from ghcommunity.core.dashboard import TickRun
from ghcommunity.core.errors import GhcError, InputError
from ghcommunity.core.events import Event, handlers_for, on
from ghcommunity.core.jobs import Job, JobOptions, JobResult, validate_options
from ghcommunity.core.plan import Plan, marker_key
from ghcommunity.core.providers import provide_job_runner
from ghcommunity.github.context import Context
from ghcommunity.github.executor import Outcome

log = logging.getLogger(__name__)

# Modules whose import registers handlers. Listed here so both doors load the same set.
HANDLER_MODULES = (
    "ghcommunity.jobs.triage.handlers",
    "ghcommunity.jobs.triage.commands",
    "ghcommunity.jobs.commands",
    "ghcommunity.jobs.ddat.handlers",
    "ghcommunity.jobs.ddat.provides",
    "ghcommunity.jobs.labels.handlers",
    "ghcommunity.jobs.dashboard.ticks",
    # Each job's dashboard section (core/providers.py: dashboard_section).
    "ghcommunity.jobs.meetings.dashboard",
    "ghcommunity.jobs.triage.dashboard",
    "ghcommunity.jobs.lifecycle.dashboard",
    "ghcommunity.jobs.ddat.dashboard",
    "ghcommunity.jobs.registry.dashboard",
    "ghcommunity.jobs.digest.dashboard",
    "ghcommunity.jobs.labels.dashboard",
)

# Each job's `JOB`, in the order `ghcommunity --help` and the docs list them.
JOB_MODULES = (
    "ghcommunity.jobs.meetings.job",
    "ghcommunity.jobs.lifecycle.job",
    "ghcommunity.jobs.digest.job",
    "ghcommunity.jobs.labels.job",
    "ghcommunity.jobs.registry.job",
    "ghcommunity.jobs.ddat.job",
    "ghcommunity.jobs.dashboard.job",
)
DISPATCH_PREFIX = "ghcommunity-"
# Sent by the App's scheduler (`app/scheduler.py`): accepted, not used.
IGNORED_DISPATCH_KEYS = frozenset({"scheduled", "date"})


def load_handlers(modules: Iterable[str] | None = None) -> list[str]:
    """Import the handler modules (default: the built-in jobs'). Returns those loaded.

    A module that is not there is an error, not skipped: a misspelt `serve --handlers` module
    would otherwise leave its events unhandled without a word."""
    loaded = []
    for module in HANDLER_MODULES if modules is None else modules:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if not exc.name or not f"{module}.".startswith(f"{exc.name}."):
                raise  # the module is there; something it imports is not
            raise InputError(f"handler module {module!r} was not found") from None
        loaded.append(module)
    return loaded


@dataclass
class DispatchResult:
    event: str
    handlers: list[str] = field(default_factory=list)
    plan: Plan = field(default_factory=Plan)
    outcomes: list[Outcome] = field(default_factory=list)
    ignored: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "handlers": self.handlers,
            "ignored": self.ignored,
            **self.plan.to_dict(),
            "outcomes": [o.to_dict() for o in self.outcomes],
        }


def ignore_reason(event: Event, config: Config) -> str | None:
    """Why this event should not be handled at all, if it should not."""
    if not isinstance(event.payload, dict):
        return "the payload is not a JSON object"
    bot = config.community.bot_login.lower()
    if event.sender and event.sender.lower() == bot:
        return f"caused by the bot itself ({event.sender}); ignored to avoid loops"
    if event.repo and event.repo.lower() != config.repo.lower():
        log.info("event for %s handled with config for %s", event.repo, config.repo)
    return None


# Issues the bot keeps (by their marker's key) that only their own handler reads: a person
# ticking a box on the dashboard must not have it triaged or labelled as DDaT feedback.
BOT_ISSUE_HANDLERS = {"dashboard": "ghcommunity.jobs.dashboard.ticks.dashboard_ticked"}


def _handles_bot_issue(handler: str, event: Event) -> bool:
    if event.name != "issues" or not p.is_bot(p.get(event.payload, "issue", "user")):
        return True  # a person's issue that starts with a marker is only a person's issue
    key = marker_key(p.text(event.payload, "issue", "body"))
    owner = BOT_ISSUE_HANDLERS.get(key or "")
    return owner is None or owner == handler


def dispatch(event: Event, ctx: Context, *, apply: bool = True) -> DispatchResult:
    """Run every handler registered for the event, then apply their merged Plan once."""
    load_handlers()
    result = DispatchResult(event=event.key)
    reason = ignore_reason(event, ctx.config)
    if reason:
        result.ignored = reason
        return result
    for registration in handlers_for(event):
        if not _handles_bot_issue(registration.name, event):
            continue
        plan = registration.func(event, ctx)
        result.handlers.append(registration.name)
        if plan:
            result.plan.extend(plan)
        elif plan is not None:
            result.plan.notes.extend(plan.notes)
    result.plan = result.plan.coalesced()
    if apply and not ctx.dry_run and result.plan:
        result.outcomes = ctx.executor.apply(result.plan)
    return result


# -- the job registry ------------------------------------------------------------------------


def jobs() -> dict[str, Job]:
    """Every job by name (loading every job, and the handlers, once)."""
    load_handlers()
    found: dict[str, Job] = {}
    for module in JOB_MODULES:
        job: Job = importlib.import_module(module).JOB
        found[job.name] = job
    return found


def job_named(name: str) -> Job:
    known = jobs()
    if name not in known:
        raise InputError(f"no job named {name!r} (jobs: {', '.join(known)})")
    return known[name]


def options_for(name: str, values: dict[str, Any], *, source: str) -> JobOptions:
    """The job's options from what a door was given (`source` names it in errors)."""
    job = job_named(name)
    return validate_options(job.options, values, source=source)


def plan_job(name: str, ctx: Context, options: JobOptions, repo: str | None = None) -> JobResult:
    """Run the job's reads and planning; nothing is written."""
    job = job_named(name)
    if not isinstance(options, job.options):
        raise TypeError(f"{name} takes {job.options.__name__}, not {type(options).__name__}")
    return job.run(ctx, options, repo or ctx.config.repo)


@dataclass
class JobRun:
    """What running a job did: its Plan, what applying it did (nothing on a dry run)."""

    job: str
    repo: str
    result: JobResult
    outcomes: list[Outcome]
    dry_run: bool

    @property
    def plan(self) -> Plan:
        return self.result.plan

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {**self.plan.to_dict(), **self.result.details}
        if self.dry_run:
            data["dry_run"] = True
        else:
            data["outcomes"] = [o.to_dict() for o in self.outcomes]
        return data


def run_job(name: str, ctx: Context, options: JobOptions, repo: str | None = None) -> JobRun:
    """Plan the job and apply its Plan through the Context's executor (unless a dry run)."""
    target = repo or ctx.config.repo
    result = plan_job(name, ctx, options, target)
    dry_run = options.dry_run or ctx.dry_run
    outcomes = [] if dry_run or not result.plan else ctx.executor.apply(result.plan)
    return JobRun(name, target, result, outcomes, dry_run)


def summarize(run: JobRun) -> str:
    """What a run did, in one line (the dashboard's log): what people will want to open (a
    pull request, an issue, a discussion) by its address, and how many other changes."""
    if run.dry_run:
        count = len(run.plan)
        if not count:
            return "dry run: nothing to do"
        return f"dry run: {count} operation(s) planned, nothing written"
    done = [o for o in run.outcomes if o.status == "applied"]
    if not done:
        notes = "; ".join(run.plan.notes[:1])
        return f"nothing to do{f' ({notes})' if notes else ''}"
    kinds = {
        "open_pull_request": "pull request",
        "create_issue": "issue",
        "create_discussion": "discussion",
    }
    shown = [
        f"{kinds[o.op.op]} {o.url}" if o.url else f"{kinds[o.op.op]} {o.detail}"
        for o in done
        if o.op.op in kinds
    ]
    if not shown:
        shown = [done[0].op.describe()]
    others = len(done) - len(shown)
    more = f" (and {others} other change{'s' if others != 1 else ''})" if others > 0 else ""
    return ", ".join(shown[:3]) + more


@provide_job_runner
def run_for_dashboard(ctx: Context, name: str, values: dict[str, Any]) -> TickRun:
    """A job ticked on the dashboard: the same registry, options validated the same way."""
    try:
        job = job_named(name)
        options = validate_options(job.options, values, source="dashboard")
        run = run_job(name, ctx, options)
    except GhcError as exc:
        return TickRun(False, f"failed: {exc}")
    return TickRun(True, summarize(run))


@on("repository_dispatch")
def dispatched_job(event: Event, ctx: Context) -> Plan | None:
    """`repository_dispatch` with `event_type: ghcommunity-<job>` (the App's scheduler, or a
    person with write access): the job, with the options `client_payload` sets."""
    action = event.action
    if not action.startswith(DISPATCH_PREFIX):
        return None
    name = action.removeprefix(DISPATCH_PREFIX)
    known = jobs()
    if name not in known:
        return None
    job = known[name]
    repo = event.repo or ctx.config.repo
    where = f"{action} for {repo}"
    if job.community_wide and repo.lower() != ctx.config.repo.lower():
        reason = (
            f"{where}: the config names {ctx.config.repo} as the community's repository; "
            "this job runs there only"
        )
        log.info(reason)
        return Plan().note(reason)
    payload = p.get(event.payload, "client_payload")
    try:
        if payload is not None and not isinstance(payload, dict):
            raise InputError(f"client_payload {payload!r:.60}: expected an object")
        values = {k: v for k, v in (payload or {}).items() if k not in IGNORED_DISPATCH_KEYS}
        options = validate_options(
            job.options, values, source="client_payload", allowed=job.options.from_dispatch
        )
        plan = plan_job(name, ctx, options, repo).plan
    except InputError as exc:
        reason = f"{where}: refused: {exc}; nothing done"
        log.warning(reason)
        return Plan().note(reason)
    if options.dry_run:
        ctx.dry_run = True  # the dispatcher plans but applies nothing
        log.info("%s: dry run (client_payload.dry_run): %s", where, plan.to_text())
        plan.note("dry run: nothing was written (client_payload.dry_run)")
    return plan
