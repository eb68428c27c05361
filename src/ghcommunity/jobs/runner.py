"""What every door calls: `dispatch` (an event to its handlers, one merged Plan applied once) and the
job registry (`run_job`)."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ghcommunity.config import Config
from ghcommunity.core.errors import InputError
from ghcommunity.core.events import Event, handlers_for
from ghcommunity.core.plan import Plan
from ghcommunity.github.context import Context
from ghcommunity.github.executor import Outcome

log = logging.getLogger(__name__)

# Modules whose import registers handlers. Listed here so both doors load the same set.
HANDLER_MODULES = (
    "ghcommunity.jobs.triage.triage",
    "ghcommunity.jobs.triage.commands",
    "ghcommunity.jobs.ddat.handlers",
    "ghcommunity.jobs.ddat.provides",
    "ghcommunity.jobs.labels.labels",
    "ghcommunity.jobs.meetings.notes",
    "ghcommunity.jobs.registry.audit",
    "ghcommunity.jobs.scheduled",
)


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


def dispatch(event: Event, ctx: Context, *, apply: bool = True) -> DispatchResult:
    """Run every handler registered for the event, then apply their merged Plan once."""
    load_handlers()
    result = DispatchResult(event=event.key)
    reason = ignore_reason(event, ctx.config)
    if reason:
        result.ignored = reason
        return result
    for registration in handlers_for(event):
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
