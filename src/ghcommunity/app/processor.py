"""What a worker does with one delivery: route it through the same dispatcher as
`ghcommunity handle` (one dispatcher, two doors), with the repository's own config and an
installation client.

The App itself looks after `ping`, `installation*` and config changes on `push`; everything else
goes to `ghcommunity.core.events.dispatch`. Events without a repository, without a handler, or for a
repository without a config are logged and left alone: an unfamiliar payload never crashes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ghcommunity.app.auth import Clients
from ghcommunity.app.logging import delivery_context
from ghcommunity.app.queue import Job
from ghcommunity.app.repo_config import (
    CHECK_NAME,
    CONFIG_PATH,
    FORMS_PREFIX,
    FormCache,
    RepoConfigs,
    check_run_plan,
    decode_contents,
    is_default_branch_push,
    push_changes_config,
    push_touches,
    read_file,
)
from ghcommunity.config import missing_files, read_paths
from ghcommunity.core import payload as p
from ghcommunity.core.errors import GhcError
from ghcommunity.core.events import Event, handlers_for
from ghcommunity.core.providers import config_check_problems
from ghcommunity.github.client import GitHubClient, split_repo
from ghcommunity.github.contents import file_exists
from ghcommunity.github.context import Context
from ghcommunity.github.executor import Executor
from ghcommunity.github.files import FileCache
from ghcommunity.jobs.runner import dispatch, load_handlers

log = logging.getLogger(__name__)


@dataclass
class Processed:
    summary: str
    handlers: int = 0
    writes: int = 0


def event_of(job: Job) -> Event:
    try:
        data: Any = json.loads(job.body)
    except (ValueError, UnicodeDecodeError):
        data = None  # checked when queued; a damaged row is still handled, not a crash
    return Event(name=job.event, payload=data if isinstance(data, dict) else {}, delivery_id=job.id)


class Processor:
    def __init__(
        self,
        clients: Clients,
        configs: RepoConfigs,
        *,
        handler_modules: tuple[str, ...] = (),
        on_event: Callable[[Event, Processed], None] | None = None,
        forms: FormCache | None = None,
        store_url: str | None = None,
        files: FileCache | None = None,
    ) -> None:
        self.clients = clients
        self.store_url = store_url  # the digest's store, handed to handlers in the Context
        self.configs = configs
        self.handler_modules = handler_modules
        self.on_event = on_event  # for tests and benchmarks: see every processed delivery
        self.forms = forms or FormCache(ttl=configs.ttl, clock=configs.clock)
        # Other files of the repository (the DDaT taxonomy), read once per change, not per event.
        self.files = files or FileCache(ttl=configs.ttl, clock=configs.clock)
        load_handlers()
        if handler_modules:
            load_handlers(handler_modules)

    def process(self, job: Job) -> Processed:
        event = event_of(job)
        with delivery_context(job.id, event.key, event.repo or None):
            result = self._route(event)
            log.info("processed: %s", result.summary)
            if self.on_event is not None:
                self.on_event(event, result)
            return result

    def _route(self, event: Event) -> Processed:
        if event.name == "ping":
            hook = p.integer(event.payload, "hook_id")
            log.info("ping from hook %s: %s", hook, p.text(event.payload, "zen"))
            return Processed("pong")
        if event.name in ("installation", "installation_repositories"):
            return self._installation(event)
        if (
            event.key == "check_run.rerequested"
            and event.repo
            and p.text(event.payload, "check_run", "name") == CHECK_NAME
            and p.text(event.payload, "check_run", "head_sha")
            and self._can_act(event)
        ):
            return self._rerequested(event)
        pushed = ""
        if event.name == "push" and event.repo and self._can_act(event):
            pushed = self._push(event)
        if not event.repo:
            return Processed(f"{event.key}: no repository in the payload; ignored")
        if not handlers_for(event):
            return Processed(f"{event.key}: no handler; ignored{pushed}")
        installation = event.installation_id
        if self.clients.settings.app_mode and not installation:
            return Processed(f"{event.key}: no installation to act as; ignored")
        loaded = self.configs.get(event.repo, lambda repo: self._client(installation, [repo]))
        if loaded.error is not None:
            return Processed(f"{event.key}: the config is invalid; ignored{pushed}")
        if loaded.config is None:
            return Processed(
                f"{event.key}: {event.repo} has no {'.github/ghcommunity.yml'}; ignored"
            )
        repos = [event.repo]
        if loaded.config.repo.lower() != event.repo.lower():
            repos.append(loaded.config.repo)
        client = self._client(installation, repos)
        ctx = Context(config=loaded.config, client=client, store_url=self.store_url)
        # Issue forms come from the repository the event is about, through the API (never from
        # whatever directory the server happens to run in), cached across events.
        ctx.form_source = self.forms.source(client, event.repo, loaded.config.triage.forms_path)
        # The files the config names (the DDaT taxonomy, templates) are the community's
        # repository's, where the config says it is: an event from another repository that
        # shares the config reads the same files.
        ctx.files = self.files.source(loaded.config.repo)
        before = client.requests
        result = dispatch(event, ctx)
        if result.ignored:
            return Processed(f"{event.key}: ignored: {result.ignored}", len(result.handlers))
        applied = [o for o in result.outcomes if o.status == "applied"]
        return Processed(
            f"{event.key}: {len(result.handlers)} handler(s), {len(result.plan)} operation(s), "
            f"{len(applied)} applied, {client.requests - before} request(s){pushed}",
            len(result.handlers),
            ctx.executor.writes,
        )

    def _can_act(self, event: Event) -> bool:
        return not self.clients.settings.app_mode or bool(event.installation_id)

    def _client(self, installation: int | None, repos: list[str]) -> GitHubClient:
        return self.clients.for_repos(installation, repos)

    def _installation(self, event: Event) -> Processed:
        installation = event.installation_id
        account = p.login(event.payload, "installation", "account")
        repos = [
            p.text(r, "full_name")
            for key in ("repositories", "repositories_added", "repositories_removed")
            for r in (p.get(event.payload, key, default=[]) or [])
            if isinstance(r, dict) and p.text(r, "full_name")
        ]
        for repo in repos:
            self.configs.invalidate(repo)
        if event.action in ("deleted", "suspend") and installation:
            self.clients.forget(installation)
        log.info(
            "installation %s (%s): %s, %d repositories",
            installation,
            account,
            event.action,
            len(repos),
        )
        return Processed(f"{event.key}: installation {installation} ({account})")

    def _touches_named_files(self, event: Event) -> bool:
        """Whether a push adds, changes or removes a file the repository's config names (a
        template, the DDaT taxonomy): its check is decided again on the new commit."""
        files = [
            f
            for commit in p.get(event.payload, "commits", default=[]) or []
            for kind in ("added", "modified", "removed")
            for f in (p.get(commit, kind, default=[]) or [])
        ]
        if not files:
            return False
        installation = event.installation_id
        loaded = self.configs.get(event.repo, lambda repo: self._client(installation, [repo]))
        if loaded.config is None:
            return False
        return any(push_touches(event.payload, path) for _, path in read_paths(loaded.config))

    def _push(self, event: Event) -> str:
        """Drop a changed config or forms from the caches; explain a config on its commit."""
        if is_default_branch_push(event.payload) and push_touches(event.payload, FORMS_PREFIX):
            self.forms.invalidate(event.repo)
        if is_default_branch_push(event.payload):
            self.files.invalidate(event.repo, lambda path: push_touches(event.payload, path))
        if not push_changes_config(event.payload) and not self._touches_named_files(event):
            return ""
        if is_default_branch_push(event.payload) and push_changes_config(event.payload):
            self.configs.invalidate(event.repo)
            self.forms.invalidate(event.repo)
        head = p.text(event.payload, "after")
        if not head or set(head) == {"0"} or p.get(event.payload, "deleted") is True:
            return "; config change: branch deleted"
        return self._check_config(
            event.repo, head, event.installation_id, is_default_branch_push(event.payload)
        )

    def _check_config(
        self, repo: str, head: str, installation: int | None, on_default_branch: bool
    ) -> str:
        """Decide the config's check run on commit `head`: the config, then the files it names
        (there at `head`; valid, on the default branch, which every job reads)."""
        client = self._client(installation, [repo])
        data = read_file(client, repo, ref=head)
        if data is None:
            return "; config removed"
        loaded = self.configs.parse(repo, data, 0.0)
        owner, _ = split_repo(repo)
        bot = loaded.config.community.bot_login if loaded.config else None
        missing = None
        if loaded.config is not None:
            missing = missing_files(
                decode_contents(data, f"{repo}:{CONFIG_PATH}"),
                CONFIG_PATH,
                loaded.config,
                lambda path: file_exists(client, repo, path, head),
            )
        if loaded.config is not None and not missing and on_default_branch:
            # The files are there: what the jobs find wrong in them (a taxonomy that does not
            # parse), read as every job reads them (the default branch, which this commit is).
            missing = config_check_problems(Context(loaded.config, client))
        verdict = "invalid" if loaded.error else "valid"
        if missing:
            verdict = f"valid, but {len(missing)} problem(s) in the files it names"
        try:
            Executor(client, actor=bot).apply(check_run_plan(repo, head, loaded.error, missing))
        except GhcError as exc:
            # e.g. an installation that has not accepted `checks: write` yet: say so in the
            # log, and let the push's other handlers run.
            log.warning("%s: cannot report the config check on %s: %s", repo, head[:7], exc)
            return f"; config {verdict} at {head[:7]} (check run not created)"
        log.info("%s: config at %s is %s (owner %s)", repo, head[:7], verdict, owner)
        return f"; config {verdict} at {head[:7]}"

    def _rerequested(self, event: Event) -> Processed:
        """ "Re-run" on the config's check: decide it again on that commit."""
        run = p.get(event.payload, "check_run", default={})
        head = p.text(run, "head_sha")
        default = p.text(event.payload, "repository", "default_branch") or "main"
        on_default = p.text(run, "check_suite", "head_branch") == default
        if on_default:
            self.files.invalidate(event.repo)  # read the files afresh
        outcome = self._check_config(event.repo, head, event.installation_id, on_default)
        return Processed(f"{event.key}: config check re-run{outcome}")
