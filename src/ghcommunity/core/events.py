"""Event, and the registry of event handlers.

The Action (`ghcommunity handle`) and the App (`ghcommunity serve`) each turn their input into an
`Event` and call `ghcommunity.jobs.runner.dispatch`. Handlers register for `"name.action"` keys (or
`"name"` for every action) with `@on(...)`; each reads what it needs through the
`ghcommunity.github.context.Context` (one shared, cached snapshot per event) and returns a Plan.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ghcommunity.core import payload as p
from ghcommunity.core.plan import Plan

if TYPE_CHECKING:
    from ghcommunity.github.context import Context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One GitHub event, whichever door it came through."""

    name: str  # X-GitHub-Event / GITHUB_EVENT_NAME, e.g. "issues"
    payload: dict[str, Any]
    delivery_id: str | None = None

    @property
    def action(self) -> str:
        return p.text(self.payload, "action")

    @property
    def key(self) -> str:
        return f"{self.name}.{self.action}" if self.action else self.name

    @property
    def repo(self) -> str:
        return p.repo_full_name(self.payload)

    @property
    def sender(self) -> str:
        return p.login(self.payload, "sender")

    @property
    def installation_id(self) -> int | None:
        return p.integer(self.payload, "installation", "id")

    @property
    def issue_number(self) -> int | None:
        return p.integer(self.payload, "issue", "number")


Handler = Callable[[Event, "Context"], Plan | None]


@dataclass
class Registration:
    keys: tuple[str, ...]
    func: Handler
    name: str


_REGISTRY: list[Registration] = []


def on(*keys: str) -> Callable[[Handler], Handler]:
    """Register a handler for event keys such as "issues.opened" or "issue_comment"."""

    def decorate(func: Handler) -> Handler:
        name = f"{func.__module__}.{func.__qualname__}"
        if not any(r.name == name for r in _REGISTRY):
            _REGISTRY.append(Registration(tuple(keys), func, name))
        return func

    return decorate


def handlers_for(event: Event) -> list[Registration]:
    return [r for r in _REGISTRY if event.key in r.keys or event.name in r.keys]
