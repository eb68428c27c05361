"""Scheduled jobs through the one dispatcher: `repository_dispatch` events named
`ghcommunity-<job>`.

The App's scheduler (`ghcommunity serve --schedule`) queues them, and anyone with write access
can send one (`POST /repos/OWNER/REPO/dispatches` with `{"event_type": "ghcommunity-meetings"}`),
so a job runs the same way whichever asked. Each handler calls the functions its CLI command
calls, with `now` = the event's time, reads through `ctx.client`, and returns the Plan for the
dispatcher to apply through the one executor:

| event_type | does what | `client_payload` it reads |
|---|---|---|
| ghcommunity-meetings | `meetings generate` | lead_time, group, mode, now |
| ghcommunity-lifecycle | `lifecycle` | now |
| ghcommunity-digest | `digest --publish` (last month) | month, publish |
| ghcommunity-labels-sync | `labels sync` | prune |
| ghcommunity-audit | `audit --publish` | now |
| ghcommunity-ddat-export | `ddat export` (this month) | month |

Every job also reads `dry_run` (plan, log, write nothing); the scheduler's own `scheduled` and
`date` are accepted and ignored. A value that is not what the job expects, or a key it does not
know (a typo such as `dryrun` must not become a real run), is refused with one logged line and
nothing is done. Jobs about the community as a whole (meetings, digest, audit, DDaT export) run
only when dispatched to the config's own repository, so an organisation-wide config does not
run them once per repository.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from ghcommunity.core import payload as p
from ghcommunity.core.errors import InputError
from ghcommunity.core.events import Context, Event, on
from ghcommunity.core.plan import Plan
from ghcommunity.core.timestamps import parse_instant

log = logging.getLogger(__name__)

PREFIX = "ghcommunity-"
# Sent by the App's scheduler (`app/scheduler.py`): accepted, not used.
IGNORED_KEYS = frozenset({"scheduled", "date"})
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Refused(ValueError):
    """A `client_payload` value the job cannot use: the one line to log."""


@dataclass(frozen=True)
class Overrides:
    """What a dispatch's `client_payload` asked for, checked."""

    dry_run: bool = False
    now: datetime | None = None
    month: str | None = None
    lead_time: timedelta | None = None
    group: str | None = None
    mode: Literal["pull-request", "commit"] | None = None
    publish: Literal["discussion", "issue", "file"] | None = None
    prune: bool | None = None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise Refused(f"client_payload.{key} {_show(value)}: expected true or false")
    return value


def _instant(key: str, value: Any) -> datetime:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return parse_instant(value)
    except ValueError:
        raise Refused(
            f"client_payload.{key} {_show(value)}: expected an ISO date or time such as "
            "2026-11-01 or 2026-11-01T09:00:00Z"
        ) from None


def _month(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _MONTH.match(value.strip()):
        raise Refused(f"client_payload.{key} {_show(value)}: expected YYYY-MM, such as 2026-10")
    return value.strip()


def _lead_time(key: str, value: Any) -> timedelta:
    from ghcommunity.jobs.meetings.notes import parse_lead_time

    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Refused(f"client_payload.{key} {_show(value)}: expected days such as '14d' or 14")
    try:
        return parse_lead_time(str(value))
    except InputError:
        raise Refused(
            f"client_payload.{key} {_show(value)}: expected days such as '14d' or weeks such "
            "as '2w', at most a year"
        ) from None


def _choice(*allowed: str) -> Callable[[str, Any], Any]:
    def check(key: str, value: Any) -> Any:
        if value not in allowed:
            raise Refused(
                f"client_payload.{key} {_show(value)}: expected one of {', '.join(allowed)}"
            )
        return value

    return check


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Refused(f"client_payload.{key} {_show(value)}: expected a non-empty string")
    return value.strip()


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "dry_run": _boolean,
    "now": _instant,
    "month": _month,
    "lead_time": _lead_time,
    "group": _text,
    "mode": _choice("pull-request", "commit"),
    "publish": _choice("discussion", "issue", "file"),
    "prune": _boolean,
}


def parse_overrides(client_payload: Any, accepts: frozenset[str]) -> Overrides:
    """The overrides a job accepts, checked; `Refused` names the first bad one."""
    if client_payload is None:
        return Overrides()
    if not isinstance(client_payload, Mapping):
        raise Refused(f"client_payload {_show(client_payload)}: expected an object")
    values: dict[str, Any] = {}
    allowed = accepts | {"dry_run"}
    for key, value in client_payload.items():
        if key in IGNORED_KEYS:
            continue
        if key not in allowed:
            raise Refused(
                f"client_payload.{key}: not an option of this job "
                f"(it reads: {', '.join(sorted(allowed))})"
            )
        values[key] = _PARSERS[key](key, value)
    return Overrides(**values)


# -- the jobs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    name: str  # the event_type is PREFIX + name
    accepts: frozenset[str]
    run: Callable[[Event, Context, Overrides, str], Plan]
    community_wide: bool = True  # only for the config's own repository


def _meetings(event: Event, ctx: Context, args: Overrides, repo: str) -> Plan:
    from ghcommunity.github.client import web_url_for
    from ghcommunity.jobs.meetings.notes import generate

    config = ctx.config
    if not config.meetings.enabled:
        return Plan().note("meetings are disabled in the config (meetings.enabled: false)")
    if args.group and config.group(args.group) is None:
        raise Refused(f"client_payload.group {_show(args.group)}: no group with that slug")
    result = generate(
        ctx.client,
        config,
        args.now or ctx.now,
        lead_time=args.lead_time,
        mode=args.mode,
        web_url=web_url_for(ctx.client.connection.api_url),
        group=args.group,
        local_root=False,  # no checkout: templates come from the repository
    )
    return result.plan


def _lifecycle(event: Event, ctx: Context, args: Overrides, repo: str) -> Plan:
    from ghcommunity.jobs.lifecycle.lifecycle import lifecycle_plan

    plan, _ = lifecycle_plan(ctx.client, ctx.config, repo, args.now or ctx.now, ctx.executor)
    return plan


def _digest(event: Event, ctx: Context, args: Overrides, repo: str) -> Plan:
    import tempfile

    from ghcommunity.jobs.digest.metrics import DigestSettings, previous_month
    from ghcommunity.jobs.digest.publish import compile_digest, plan_digest
    from ghcommunity.jobs.digest.render import render
    from ghcommunity.jobs.digest.sync import sync_store

    config = ctx.config
    if not config.digest.enabled:
        return Plan().note("the digest is turned off (digest.enabled: false)")
    month = args.month or previous_month(ctx.now, DigestSettings.from_config(config).zone)
    with tempfile.TemporaryDirectory(prefix="ghcommunity-store-") as scratch:
        # Without a store (the Action's door) the sync starts from nothing, in a scratch file.
        url = ctx.store_url or f"sqlite:///{scratch}/store.sqlite"
        sync_store(ctx.client, url, repo, config)
        # Maintainer-supplied figures: read from the repository (the App has no checkout).
        supplied = None
        if config.digest.figures:
            from ghcommunity.github.contents import read_text

            supplied = read_text(
                ctx.client, repo, config.digest.figures, config.community.default_branch
            )
            if supplied is None:
                raise InputError(f"digest.figures: {config.digest.figures} is not in {repo}")
        figures, title = compile_digest(url, repo, month, config, figures_text=supplied or "")
    template, name = _repo_template(ctx, repo, config.digest.templates.md)
    markdown = render(figures, "md", title=title, template=template, template_name=name)
    return plan_digest(
        repo=repo,
        month=month,
        title=title,
        markdown=markdown,
        figures=figures,
        config=config,
        target=args.publish or config.digest.publish,
    )


def _repo_template(ctx: Context, repo: str, path: str | None) -> tuple[str | None, str | None]:
    """A community template named in the config, read from the repository (the App has no
    checkout; the CLI reads the same path from its working directory)."""
    from ghcommunity.github.contents import read_text

    if not path:
        return None, None
    text = read_text(ctx.client, repo, path, ctx.config.community.default_branch)
    if text is None:
        raise InputError(f"digest.templates.md: {path} is not in {repo}")
    return text, path


def _labels_sync(event: Event, ctx: Context, args: Overrides, repo: str) -> Plan:
    from ghcommunity.jobs.labels.labels import sync_labels

    result = sync_labels(ctx.client, ctx.config, repo, prune=args.prune)
    ctx.executor.know_labels(repo, result.existing)
    return result.plan


def _audit(event: Event, ctx: Context, args: Overrides, repo: str) -> Plan:
    from ghcommunity.jobs.registry.audit import publish_plan

    _, plan = publish_plan(ctx.client, ctx.config, repo, args.now or ctx.now, ctx.executor)
    return plan


def _ddat_export(event: Event, ctx: Context, args: Overrides, repo: str) -> Plan:
    from ghcommunity.jobs.ddat.export import Month, export_month

    timezone = ctx.config.community.timezone
    chosen = Month.parse(args.month) if args.month else Month.of(ctx.now, timezone)
    plan, _ = export_month(ctx.client, ctx.config, repo, chosen)
    return plan


JOBS = {
    job.name: job
    for job in (
        Job("meetings", frozenset({"lead_time", "group", "mode", "now"}), _meetings),
        Job("lifecycle", frozenset({"now"}), _lifecycle, community_wide=False),
        Job("digest", frozenset({"month", "publish"}), _digest),
        Job("labels-sync", frozenset({"prune"}), _labels_sync, community_wide=False),
        Job("audit", frozenset({"now"}), _audit),
        Job("ddat-export", frozenset({"month"}), _ddat_export),
    )
}


def run_job(name: str, event: Event, ctx: Context) -> Plan:
    """Check the dispatch's overrides, run the job, and say why when it does nothing."""
    job = JOBS[name]
    repo = event.repo or ctx.config.repo
    where = f"{PREFIX}{name} for {repo}"
    if job.community_wide and repo.lower() != ctx.config.repo.lower():
        reason = (
            f"{where}: the config names {ctx.config.repo} as the community's repository; "
            "this job runs there only"
        )
        log.info(reason)
        return Plan().note(reason)
    try:
        args = parse_overrides(p.get(event.payload, "client_payload"), job.accepts)
        plan = job.run(event, ctx, args, repo)
    except Refused as exc:
        reason = f"{where}: refused: {exc}; nothing done"
        log.warning(reason)
        return Plan().note(reason)
    if args.dry_run:
        ctx.dry_run = True  # the dispatcher plans but applies nothing
        log.info("%s: dry run (client_payload.dry_run): %s", where, plan.to_text())
        plan.note("dry run: nothing was written (client_payload.dry_run)")
    return plan


@on("repository_dispatch.ghcommunity-meetings")
def scheduled_meetings(event: Event, ctx: Context) -> Plan:
    return run_job("meetings", event, ctx)


@on("repository_dispatch.ghcommunity-lifecycle")
def scheduled_lifecycle(event: Event, ctx: Context) -> Plan:
    return run_job("lifecycle", event, ctx)


@on("repository_dispatch.ghcommunity-digest")
def scheduled_digest(event: Event, ctx: Context) -> Plan:
    return run_job("digest", event, ctx)


@on("repository_dispatch.ghcommunity-labels-sync")
def scheduled_labels_sync(event: Event, ctx: Context) -> Plan:
    return run_job("labels-sync", event, ctx)


@on("repository_dispatch.ghcommunity-audit")
def scheduled_audit(event: Event, ctx: Context) -> Plan:
    return run_job("audit", event, ctx)


@on("repository_dispatch.ghcommunity-ddat-export")
def scheduled_ddat_export(event: Event, ctx: Context) -> Plan:
    return run_job("ddat-export", event, ctx)
