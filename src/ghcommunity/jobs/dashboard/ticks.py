"""Acting from the dashboard: a maintainer ticks a box (an `issues.edited` event on the
dashboard issue) and the job runs through the same job registry as every other door.

- Only boxes ticked by this edit count (the payload's `changes.body.from` against its body),
  and only if they are still ticked in the issue as it is now: a redelivered or repeated event
  finds its boxes unticked (and its tick remembered in the hidden state) and does nothing.
- Who may run what: `dashboard.permissions` (else `dashboard.permission`, write by default),
  with the same rules and lookups as slash commands.
- The box is unticked and one line logged: who ran what, and the result; a tick by someone
  without the permission is undone with a line saying who may.
"""

from __future__ import annotations

import logging
from datetime import UTC

from ghcommunity.core import payload as p
from ghcommunity.core.commands import allowed, describe_rule
from ghcommunity.core.dashboard import Tick, TickRun
from ghcommunity.core.errors import GhcError
from ghcommunity.core.events import Event, on
from ghcommunity.core.plan import Plan, UpdateIssue, marker_key
from ghcommunity.core.providers import job_runner, tick_handler_for
from ghcommunity.github.client import repo_path
from ghcommunity.github.context import Context
from ghcommunity.github.permissions import read_actor
from ghcommunity.github.state import IssueState
from ghcommunity.jobs.dashboard.job import gather_sections
from ghcommunity.jobs.dashboard.plan import (
    DASHBOARD_KEY,
    TickLine,
    TickOutcome,
    full_body,
    newly_ticked,
    parse_state,
    record_ticks,
    render_body,
    tick_lines,
)
from ghcommunity.jobs.dashboard.read import read_inputs
from ghcommunity.jobs.dashboard.settings import DashboardConfig

log = logging.getLogger(__name__)


def tick_for(line: TickLine) -> Tick:
    """What a ticked line runs: `run:<job>` a job, anything else a registered tick handler."""
    kind, _, name = line.id.partition(":")
    return Tick(id=line.id, label=line.label, job=name if kind == "run" else None)


def run_tick(ctx: Context, tick: Tick) -> TickRun:
    try:
        if tick.job is not None:
            runner = job_runner()
            if runner is None:
                return TickRun(False, "no job registry is loaded")
            return runner(ctx, tick.job, dict(tick.options))
        kind = tick.id.split(":", 1)[0]
        handler = tick_handler_for(kind)
        if handler is None:
            return TickRun(False, f"nothing here can run {kind!r} ticks (is it the App's?)")
        return handler(ctx, tick)
    except GhcError as exc:
        return TickRun(False, f"failed: {exc}")


def _plain(text: str) -> str:
    """A box's label as logged: one line, no mentions or markup from an edited body."""
    cleaned = " ".join(text.split())[:120]
    return cleaned.replace("@", "@\u200b").replace("<", "&lt;").replace("`", "'")


@on("issues.edited")
def dashboard_ticked(event: Event, ctx: Context) -> Plan | None:
    body = p.text(event.payload, "issue", "body")
    if marker_key(body) != DASHBOARD_KEY:
        return None
    config = ctx.view(DashboardConfig)
    author = p.get(event.payload, "issue", "user")
    if not p.is_bot(author) and p.login(author).lower() != config.community.bot_login.lower():
        log.info(
            "issue #%s carries the dashboard's marker but a person opened it", event.issue_number
        )
        return None  # a forged dashboard: its boxes run nothing
    before = p.get(event.payload, "changes", "body", "from")
    if not isinstance(before, str):
        return None  # the title changed, not the body
    ticked = newly_ticked(before, body)
    if not ticked:
        return None
    repo = event.repo or config.repo
    number = event.issue_number
    if number is None:
        return None
    # Identifies this edit: who made it and when (the issue's updated_at); a redelivery of the
    # event carries the same, a later tick of the same box does not.
    edited = p.text(event.payload, "issue", "updated_at") or (event.delivery_id or "")
    stamp = f"{event.sender.lower()}/{edited}"
    # The issue as it is now: a redelivery finds its boxes already unticked.
    current = ctx.client.rest("GET", f"{repo_path(repo)}/issues/{number}")
    now_body = str(current.get("body") or "")
    still = {line.id for line in tick_lines(now_body) if line.ticked}
    state = parse_state(now_body)
    who = event.sender or "someone"
    when = ctx.now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    outcomes: list[TickOutcome] = []
    ran_one = False
    plan = Plan()
    for line in ticked:
        if line.id not in still or f"{line.id}@{stamp}" in state.handled:
            plan.note(f"{line.label}: already handled (a redelivered or repeated edit)")
            continue
        tick = tick_for(line)
        rule = config.dashboard.rule_for(tick.permission_key)
        actor = read_actor(ctx, repo, who, [rule])
        label = _plain(line.label)
        if not allowed(rule, actor, "", config):
            text = f"{when}: @{who} ticked “{label}”; not run: it is for {describe_rule(rule)}."
            plan.note(text)
        else:
            result = run_tick(ctx, tick)
            ran_one = ran_one or result.ok
            verb = "ran" if result.ok else "tried"
            text = f"{when}: @{who} {verb} “{label}”: {result.summary}"
            plan.note(text)
        outcomes.append(TickOutcome(line.id, stamp, text))
    if not outcomes:
        return plan
    ctx.executor.know_issue(
        repo,
        IssueState(
            number=number,
            title=str(current.get("title") or ""),
            body=now_body,
            state=str(current.get("state") or "open"),
        ),
    )
    base = now_body
    if ran_one and repo.lower() == config.repo.lower():
        # Something ran: show what it changed now (the notes pull request, the digest), not
        # at the next daily run. The same one edit of the issue.
        sections = gather_sections(ctx, read_inputs(ctx, repo))
        base = full_body(render_body(config, sections, parse_state(now_body)))
    new_body = record_ticks(base, outcomes, config.dashboard.history)
    return plan.add(UpdateIssue(repo=repo, issue=number, body=new_body))
