"""The DDaT job's handlers: an issue opened, edited or reopened, and the `/ddat` command. They
gather (the kit, read through the Context; the snapshot; the issue forms) and call the pure
planners in `plan.py`."""

from __future__ import annotations

import logging

from ghcommunity.core import payload as p
from ghcommunity.core.commands import CommandCall, CommandError, slash_command
from ghcommunity.core.errors import GhcError, InputError
from ghcommunity.core.events import Event, on
from ghcommunity.core.forms import detect_form
from ghcommunity.core.plan import Plan
from ghcommunity.github.context import Context
from ghcommunity.github.forms import context_forms
from ghcommunity.github.snapshot import IssueSnapshot
from ghcommunity.jobs.ddat.plan import (
    USAGE,
    DdatCommandError,
    plan_ddat_command,
    plan_ddat_issue,
    worth_reading,
)
from ghcommunity.jobs.ddat.settings import DdatConfig
from ghcommunity.jobs.ddat.setup import context_kit

log = logging.getLogger(__name__)


@on("issues.opened", "issues.edited", "issues.reopened")
def handle_issue(event: Event, ctx: Context) -> Plan | None:
    config = ctx.view(DdatConfig)
    number = event.issue_number
    if not config.ddat.enabled or number is None or p.get(event.payload, "issue", "pull_request"):
        return None
    try:
        kit = context_kit(ctx)
    except InputError as exc:  # a missing or broken taxonomy stops DDaT, not the other handlers
        log.warning("DDaT feedback not read: %s", exc)
        return Plan().note(f"DDaT feedback not read: {exc}")
    if not worth_reading(event, kit):
        return None
    snapshot = ctx.issue_snapshot(event.repo or config.repo, number)
    if snapshot.issue.is_pull_request:
        return None
    from_ddat_form = kit.classify(snapshot.issue.body).from_form
    other = None if from_ddat_form else _other_form(ctx, snapshot)
    return plan_ddat_issue(event, snapshot, config, kit, other_form=other)


def _other_form(ctx: Context, snapshot: IssueSnapshot) -> str | None:
    """The file name of the (non-DDaT) issue form the issue came through, if any: such issues
    belong to that form's job, even when they mention the framework."""
    try:
        forms = context_forms(ctx)
    except GhcError as exc:  # forms that cannot be read must not stop DDaT labelling
        log.warning("cannot read the issue forms: %s", exc)
        return None
    others = {name: form for name, form in forms.items() if name != ctx.view(DdatConfig).ddat.form}
    found = detect_form(snapshot.issue.body, others, labels=snapshot.issue.labels)
    return found.source if found else None


@slash_command(
    "ddat",
    permission="triage",
    usage=USAGE + " (or /ddat ok)",
    help="Set this DDaT feedback's role, level, skills and feedback type (replaces those "
    "labels, and holds when the issue is edited); `/ddat ok` confirms what the bot proposed.",
)
def ddat_command(call: CommandCall) -> Plan | None:
    if not call.view(DdatConfig).ddat.enabled:
        raise CommandError("DDaT feedback is turned off in this community's config")
    if call.context is None:
        raise CommandError("the DDaT taxonomy cannot be read here (no Context)")
    try:
        kit = context_kit(call.context)
    except GhcError as exc:  # the community's taxonomy is missing or broken: say so
        raise CommandError(f"the DDaT taxonomy cannot be read: {exc}") from None
    try:
        return plan_ddat_command(
            call.args,
            call.snapshot,
            call.view(DdatConfig),
            kit,
            labels=call.labels,
            actor=call.actor,
            repo_html_url=p.text(call.event.payload, "repository", "html_url"),
        )
    except DdatCommandError as exc:
        raise CommandError(str(exc)) from None
