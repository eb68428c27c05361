"""The triage handler: gather the issue's snapshot and the issue forms, then plan (`plan.py`)."""

from __future__ import annotations

from ghcommunity.core import payload as p
from ghcommunity.core.events import Event, on
from ghcommunity.core.plan import Plan
from ghcommunity.github.context import Context
from ghcommunity.github.forms import context_forms
from ghcommunity.jobs.triage.plan import plan_triage
from ghcommunity.jobs.triage.settings import TriageConfig


def _wants_label_event(event: Event, config: TriageConfig) -> bool:
    """A label event matters only when a person added a group's label (to route the issue)."""
    added = p.text(event.payload, "label", "name").lower()
    return any(g.group_label.lower() == added for g in config.groups)


@on("issues.opened", "issues.edited", "issues.reopened", "issues.labeled")
def triage_issue(event: Event, ctx: Context) -> Plan | None:
    config = ctx.view(TriageConfig)
    number = event.issue_number
    if not config.triage.enabled or number is None or not event.repo:
        return None
    if p.get(event.payload, "issue", "pull_request"):
        return None
    if event.action == "labeled" and not _wants_label_event(event, config):
        return None
    if event.action == "edited" and not (
        p.get(event.payload, "changes", "body") or p.get(event.payload, "changes", "title")
    ):
        return None  # e.g. only the issue type changed: nothing triage reads
    snapshot = ctx.issue_snapshot(event.repo, number)
    forms = context_forms(ctx)
    return plan_triage(event, config, snapshot, forms, ctx.now)
