"""The handle a handler or job gets on GitHub: config, client, executor, the time, and one cached
snapshot per issue, shared by every handler of an event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ghcommunity.config import Config, ConfigView
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.executor import Executor
from ghcommunity.github.snapshot import IssueSnapshot, read_issue_snapshot

if TYPE_CHECKING:
    from ghcommunity.github.files import RepoFile, RepoFiles
    from ghcommunity.github.forms import FormSource


V = TypeVar("V", bound=ConfigView)


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
    # The local checkout of the community's repo (the CLI, the Action); None: there is none
    # (the App), so templates and files are read from the repository through the API.
    checkout: Path | None = None
    # Where the repo's files are read from when there is no checkout (the App: a cache kept
    # across events); None: straight from `config.repo` through the contents API.
    files: RepoFiles | None = None
    # Joining details per group slug (GHCOMMUNITY_JOINING_<SLUG>), read by the door.
    joining: dict[str, str] = field(default_factory=dict)
    # How a long read shows its progress (the digest's sync: bars in a terminal, lines in CI).
    progress: Any = None
    executor: Executor = field(init=False)
    _snapshots: dict[tuple[str, int], IssueSnapshot] = field(default_factory=dict, init=False)
    _cache: dict[str, Any] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.executor = Executor(self.client, actor=self.config.community.bot_login)

    def issue_snapshot(self, repo: str, number: int) -> IssueSnapshot:
        """The issue, its state, the repo's labels and the open issues — one read per event."""
        key = (repo, number)
        if key not in self._snapshots:
            bots = frozenset({self.config.community.bot_login.lower()})
            snap = read_issue_snapshot(self.client, repo, number, bots=bots)
            self._snapshots[key] = snap
            self.executor.know_issue(repo, snap.state)
            if snap.repo_labels is not None:
                self.executor.know_labels(repo, [lab.as_rest() for lab in snap.repo_labels])
        return self._snapshots[key]

    def view(self, kind: type[V]) -> V:
        """A job's view of the config (its own sections and the community's): jobs read the
        config only through this, never `config` whole."""
        found: V = self.cached(
            f"view:{kind.__module__}.{kind.__qualname__}", lambda: kind.of(self.config)
        )
        return found

    def repo_file(self, path: str, *, max_bytes: int) -> RepoFile | None:
        """A file of the community's repo (None: there is none): from the checkout when there
        is one (never out of it through a symlink), else through the API; once per event."""
        from ghcommunity.github.files import read_local_file, read_remote_file

        def load() -> RepoFile | None:
            if self.checkout is not None:
                return read_local_file(self.checkout, path, max_bytes=max_bytes)
            if self.files is not None:
                return self.files.read(self.client, path, max_bytes=max_bytes)
            return read_remote_file(self.client, self.config.repo, path, max_bytes=max_bytes)

        found: RepoFile | None = self.cached(f"repo-file:{path}", load)
        return found

    def cached(self, key: str, load: Callable[[], Any]) -> Any:
        """Memoise any other read for the rest of this event (e.g. a permission lookup)."""
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]
