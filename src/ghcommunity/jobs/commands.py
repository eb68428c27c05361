"""The `issue_comment` door to every job's slash commands: read the issue's snapshot and the
commenter's permissions once, then plan every command in the comment (the registry, parsing and
permission rules are in `core/commands.py`; the commands themselves in each job, e.g.
`jobs/triage/commands.py`, `jobs/ddat/handlers.py`). Like the job registry, it is given the whole
config: each command reads its own job's view of it (`CommandCall.view`)."""

from __future__ import annotations

from ghcommunity.core import payload as p
from ghcommunity.core.commands import (
    commands_in_event,
    ignore_comment,
    permission_for,
    plan_commands,
)
from ghcommunity.core.events import Event, on
from ghcommunity.core.plan import Plan
from ghcommunity.github.context import Context
from ghcommunity.github.permissions import read_actor


@on("issue_comment.created", "issue_comment.edited")
def handle_commands(event: Event, ctx: Context) -> Plan | None:
    config = ctx.config
    if not config.triage.commands.enabled or not event.repo or event.issue_number is None:
        return None
    if ignore_comment(event, config):
        return None
    invocations = commands_in_event(event)
    if not invocations:
        return None  # most comments: no reads at all
    snapshot = ctx.issue_snapshot(event.repo, event.issue_number)
    login = p.login(event.payload, "comment", "user") or event.sender
    author = snapshot.issue.author
    rules = []
    for invocation in invocations:
        rule = permission_for(invocation.name, config)
        # The author needs no lookup for a command the author may run.
        if not (login.lower() == author.lower() and _author_suffices(rule)):
            rules.append(rule)
    actor = read_actor(ctx, event.repo, login, rules)
    return plan_commands(event, config, snapshot, actor, ctx.now, context=ctx)


def _author_suffices(rule: str) -> bool:
    return any(part.strip() in ("author", "anyone") for part in rule.split(" or "))
