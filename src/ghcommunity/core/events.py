"""Event, and the one dispatcher both doors use.

The Action (`ghcommunity handle`) and the App (`ghcommunity serve`) each turn their input into an
`Event` and call `dispatch`. Handlers register for `"name.action"` keys (or `"name"` for every
action) with `@on(...)`; each reads what it needs through the `Context` (one shared, cached
snapshot per event) and returns a Plan. The dispatcher merges the Plans and applies them once
through one executor, so several handlers on one event still cost few requests.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ghcommunity.config import Config
from ghcommunity.core import payload as p
from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import Plan
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.executor import Executor, Outcome
from ghcommunity.github.snapshot import IssueSnapshot, read_issue_snapshot

if TYPE_CHECKING:
    from ghcommunity.core.forms import FormSource

log = logging.getLogger(__name__)

# Modules whose import registers handlers. Listed here so both doors load the same set.
HANDLER_MODULES = (
    "ghcommunity.jobs.triage.triage",
    "ghcommunity.jobs.triage.commands",
    "ghcommunity.jobs.ddat.handlers",
    "ghcommunity.jobs.labels.labels",
    "ghcommunity.jobs.meetings.notes",
    "ghcommunity.jobs.registry.audit",
    "ghcommunity.jobs.scheduled",
)


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


@dataclass
class Context:
    """What a handler may use: config, a GitHub client, the time, and the shared snapshot."""

    config: Config
    client: GitHubClient
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    dry_run: bool = False
    # Where the issue forms are read from (default: the config's triage.forms_path, from a local
    # checkout if there is one, else the repo); read once per event by `forms.context_forms`.
    form_source: FormSource | None = None
    # The digest's store (a SQLAlchemy URL) kept between runs; None: the job syncs afresh.
    store_url: str | None = None
    executor: Executor = field(init=False)
    _snapshots: dict[tuple[str, int], IssueSnapshot] = field(default_factory=dict, init=False)
    _cache: dict[str, Any] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.executor = Executor(self.client, actor=self.config.community.bot_login)

    def issue_snapshot(self, repo: str, number: int) -> IssueSnapshot:
        """The issue, its state, the repo's labels and the open issues — one read per event."""
        key = (repo, number)
        if key not in self._snapshots:
            snap = read_issue_snapshot(self.client, repo, number)
            self._snapshots[key] = snap
            self.executor.know_issue(repo, snap.state)
            if snap.repo_labels is not None:
                self.executor.know_labels(repo, snap.repo_labels)
        return self._snapshots[key]

    def cached(self, key: str, load: Callable[[], Any]) -> Any:
        """Memoise any other read for the rest of this event (e.g. a permission lookup)."""
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]


Handler = Callable[[Event, Context], Plan | None]


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


def handlers_for(event: Event) -> list[Registration]:
    return [r for r in _REGISTRY if event.key in r.keys or event.name in r.keys]


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
