"""Each repository's config, read from GitHub: `.github/ghcommunity.yml` on the default branch,
falling back to the same path in the owner's `.github` repository (as Probot apps do).

Configs are cached per repository and dropped when a push to the default branch changes the file
(or, for the `.github` repository, for every repository of that owner), and re-read at least every
`ttl` seconds in case a push was missed. A broken config is explained once — a check run with
annotations at file:line on the commit that changed it — and otherwise logged, not repeated on
every event.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ghcommunity.config import Config, parse_config
from ghcommunity.core import payload as p
from ghcommunity.core.errors import InputError
from ghcommunity.core.forms import IssueForm
from ghcommunity.core.plan import CheckAnnotation, CreateCheckRun, Plan
from ghcommunity.github.client import GitHubClient, split_repo
from ghcommunity.github.contents import contents_path

log = logging.getLogger(__name__)

CONFIG_PATH = ".github/ghcommunity.yml"
CHECK_NAME = "ghcommunity config"
FORMS_PREFIX = ".github/"
# A community's config is a few KB; far more is a mistake or an attack (parse time and memory
# grow with it), refused before parsing. The contents API serves at most 1 MB anyway.
MAX_CONFIG_BYTES = 512 * 1024  # issue forms live under .github/ (ISSUE_TEMPLATE/ by default)
_PROBLEM = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$")


@dataclass(frozen=True)
class Loaded:
    """What a repository's config lookup found."""

    repo: str
    config: Config | None = None
    source: str | None = None  # "owner/repo" the file came from
    error: InputError | None = None
    sha: str | None = None  # the file's blob sha, to report each broken version once
    fetched_at: float = 0.0

    @property
    def found(self) -> bool:
        return self.config is not None or self.error is not None


def decode_contents(data: Any, where: str) -> str:
    """The text of a contents-API file response."""
    if not isinstance(data, dict) or data.get("type", "file") != "file":
        raise InputError(f"{where}: {CONFIG_PATH} is not a file")
    if data.get("encoding") != "base64":
        raise InputError(f"{where}: {CONFIG_PATH} is too large to read through the API (over 1 MB)")
    try:
        return base64.b64decode(str(data.get("content") or "")).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise InputError(f"{where}: {CONFIG_PATH} is not UTF-8 text") from None


def read_file(client: GitHubClient, repo: str, ref: str | None = None) -> dict[str, Any] | None:
    data = client.get_or_none(
        contents_path(repo, CONFIG_PATH),
        params={"ref": ref} if ref else None,
        what=f"reading {repo}'s {CONFIG_PATH}",
    )
    return data if isinstance(data, dict) else None


def parse(repo: str, data: dict[str, Any], now: float) -> Loaded:
    sha = str(data.get("sha") or "") or None
    try:
        size = data.get("size")
        if isinstance(size, int) and size > MAX_CONFIG_BYTES:
            raise InputError(_too_large(repo, size))
        text = decode_contents(data, repo)
        if len(text.encode()) > MAX_CONFIG_BYTES:
            raise InputError(_too_large(repo, len(text.encode())))
        return Loaded(
            repo, config=parse_config(text, CONFIG_PATH), source=repo, sha=sha, fetched_at=now
        )
    except InputError as exc:
        return Loaded(repo, error=exc, source=repo, sha=sha, fetched_at=now)


def _too_large(repo: str, size: int) -> str:
    return (
        f"{repo}: {CONFIG_PATH} is {size} bytes; ghcommunity reads configs of at most "
        f"{MAX_CONFIG_BYTES // 1024} KB"
    )


class ParsedConfigs:
    """Configs already parsed, by the file's blob SHA (the same bytes parse the same way), so
    a config costs one parse however many events, pushes and cache refreshes meet it — a
    broken or hostile one included. Least recently used entries go first."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._parsed: OrderedDict[str, tuple[Config | None, InputError | None]] = OrderedDict()
        self._lock = threading.Lock()
        self._parsing: dict[str, threading.Lock] = {}
        self.parses = 0

    def parse(self, repo: str, data: dict[str, Any], now: float) -> Loaded:
        sha = str(data.get("sha") or "") or None
        if sha is None:
            self.parses += 1
            return parse(repo, data, now)
        with self._lock:
            lock = self._parsing.setdefault(sha, threading.Lock())
        with lock:  # two workers meeting a new config at once parse it once
            with self._lock:
                hit = self._parsed.get(sha)
                if hit is not None:
                    self._parsed.move_to_end(sha)
            if hit is None:
                self.parses += 1
                loaded = parse(repo, data, now)
                hit = (loaded.config, loaded.error)
                with self._lock:
                    self._parsed[sha] = hit
                    while len(self._parsed) > self.size:
                        self._parsed.popitem(last=False)
        with self._lock:
            self._parsing.pop(sha, None)
        config, error = hit
        return Loaded(repo, config=config, source=repo, error=error, sha=sha, fetched_at=now)


def problems(error: InputError) -> list[str]:
    return list(getattr(error, "problems", None) or str(error).splitlines())


def _annotations(lines: list[str], repo: str) -> list[CheckAnnotation]:
    """Annotations on the config, or on a file of the repository it names (`repo:path:…`)."""
    out = []
    for line in lines:
        match = _PROBLEM.match(line)
        if match:
            where = match["file"]
            if where != CONFIG_PATH and not where.startswith(f"{repo}:"):
                continue  # somewhere GitHub cannot show (the shipped taxonomy)
            path = CONFIG_PATH if where == CONFIG_PATH else where.removeprefix(f"{repo}:")
            number, column = int(match["line"]), int(match["column"])
            out.append(
                CheckAnnotation(
                    path=path,
                    start_line=number,
                    end_line=number,
                    start_column=column,
                    end_column=column,
                    message=match["message"],
                    title="ghcommunity config error",
                )
            )
    return out


def check_run_plan(
    repo: str, head_sha: str, error: InputError | None, missing: list[str] | None = None
) -> Plan:
    """The one visible explanation of a config: a check run, failing with annotations. With
    `missing` (problems in the files the valid config names: not in the commit, or not valid),
    it fails too: the config is used, but the jobs that read those files cannot run."""
    if error is None and not missing:
        conclusion, title, lines = "success", f"{CONFIG_PATH} is valid", []
        summary = "ghcommunity read the config and will use it."
    elif error is None:
        lines = list(missing or [])
        conclusion = "failure"
        title = f"{CONFIG_PATH}: {len(lines)} problem(s) in the files it names"
        summary = (
            f"ghcommunity uses this {CONFIG_PATH}, but {len(lines)} problem(s) were found in "
            "the files it names (missing at this commit, or not valid); the jobs that read "
            "them fail until they are fixed (or the config points elsewhere)."
        )
    else:
        lines = problems(error)
        conclusion, title = "failure", f"{CONFIG_PATH} has {len(lines)} problem(s)"
        summary = (
            f"ghcommunity cannot use this {CONFIG_PATH}: {len(lines)} problem(s). Until it is "
            "fixed, ghcommunity does nothing in this repository."
        )
    annotations = _annotations(lines, repo)
    if lines:
        summary += "\n\n" + "\n".join(f"- `{x}`" for x in lines)
    if len(annotations) > 50:
        summary += f"\n\n(Only the first 50 of {len(annotations)} are annotated on the file.)"
    return Plan.of(
        [
            CreateCheckRun(
                repo=repo,
                name=CHECK_NAME,
                head_sha=head_sha,
                conclusion=conclusion,
                title=title,
                summary=summary[:65000],
                annotations=annotations,
            )
        ]
    )


def push_touches(payload: dict[str, Any], prefix: str) -> bool:
    """Whether a push added, changed or removed a file at (or under) `prefix` (unsure → yes)."""
    commits = p.get(payload, "commits", default=[])
    if not isinstance(commits, list):
        return True
    size = p.integer(payload, "size")
    if size is not None and size > len(commits):  # GitHub lists at most 20 commits
        return True
    for commit in [*commits, p.get(payload, "head_commit", default={})]:
        for kind in ("added", "modified", "removed"):
            files = p.get(commit, kind, default=[])
            if isinstance(files, list) and any(
                isinstance(f, str) and f.startswith(prefix) for f in files
            ):
                return True
    return False


def push_changes_config(payload: dict[str, Any]) -> bool:
    return push_touches(payload, CONFIG_PATH)


def is_default_branch_push(payload: dict[str, Any]) -> bool:
    default = p.text(payload, "repository", "default_branch") or p.text(
        payload, "repository", "master_branch"
    )
    return bool(default) and p.text(payload, "ref") == f"refs/heads/{default}"


class RepoConfigs:
    """The config cache: one entry per repository, thread-safe."""

    def __init__(self, *, ttl: float = 3600.0, clock: Callable[[], float] = time.time) -> None:
        self.ttl = ttl
        self.clock = clock
        self.parsed = ParsedConfigs()
        self._cache: dict[str, Loaded] = {}
        self._reported: set[tuple[str, str | None]] = set()
        self._lock = threading.Lock()
        self.reads = 0  # how many times a config was fetched from GitHub

    def get(self, repo: str, client: Callable[[str], GitHubClient]) -> Loaded:
        """The repository's config; `client(repo)` gives a client that may read `repo`."""
        key = repo.lower()
        now = self.clock()
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and now - cached.fetched_at < self.ttl:
            return cached
        loaded = self._fetch(repo, client, now)
        with self._lock:
            self._cache[key] = loaded
        if loaded.error is not None and (key, loaded.sha) not in self._reported:
            self._reported.add((key, loaded.sha))
            log.warning(
                "%s: config from %s is invalid; ignoring events until it is fixed: %s",
                repo,
                loaded.source,
                problems(loaded.error)[0],
            )
        return loaded

    def _fetch(self, repo: str, client: Callable[[str], GitHubClient], now: float) -> Loaded:
        self.reads += 1
        data = read_file(client(repo), repo)
        if data is not None:
            return self.parse(repo, data, now)
        owner, name = split_repo(repo)
        if name.lower() != ".github":
            org_repo = f"{owner}/.github"
            try:
                data = read_file(client(org_repo), org_repo)
            except InputError:
                data = None  # e.g. the installation cannot see OWNER/.github
            if data is not None:
                loaded = self.parse(org_repo, data, now)
                return Loaded(repo, loaded.config, org_repo, loaded.error, loaded.sha, now)
        return Loaded(repo, fetched_at=now)

    def parse(self, repo: str, data: dict[str, Any], now: float) -> Loaded:
        """`parse`, once per version of the file (by its blob SHA)."""
        return self.parsed.parse(repo, data, now)

    def invalidate(self, repo: str) -> None:
        """Forget one repository's config; for `OWNER/.github`, every repo of that owner."""
        owner, name = split_repo(repo)
        with self._lock:
            if name.lower() == ".github":
                prefix = owner.lower() + "/"
                for key in [k for k in self._cache if k.startswith(prefix)]:
                    del self._cache[key]
            self._cache.pop(repo.lower(), None)

    def cached(self, repo: str) -> Loaded | None:
        with self._lock:
            return self._cache.get(repo.lower())


class _CachedForms:
    """A FormSource whose forms come from the App's cache (read through `RepoFormSource`)."""

    def __init__(self, cache: FormCache, client: GitHubClient, repo: str, path: str) -> None:
        self.cache = cache
        self.client = client
        self.repo = repo
        self.path = path
        self.errors: list[str] = []

    def load(self) -> dict[str, IssueForm]:
        return self.cache.load(self)

    def describe(self) -> str:
        return f"{self.repo}:{self.path} (cached)"


class FormCache:
    """Each repository's issue forms, read once (one GraphQL request) and kept until a push to
    the default branch changes something under .github/, or `ttl` passes."""

    def __init__(self, *, ttl: float = 3600.0, clock: Callable[[], float] = time.time) -> None:
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, dict[str, IssueForm]]] = {}
        self._lock = threading.Lock()
        self.reads = 0

    def source(self, client: GitHubClient, repo: str, path: str) -> _CachedForms:
        return _CachedForms(self, client, repo, path)

    def load(self, wanted: _CachedForms) -> dict[str, IssueForm]:
        from ghcommunity.github.forms import RepoFormSource

        key = (wanted.repo.lower(), wanted.path)
        now = self.clock()
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        self.reads += 1
        source = RepoFormSource(wanted.client, wanted.repo, wanted.path)
        forms = source.load()
        wanted.errors = list(source.errors)  # reported (logged) once, when read
        with self._lock:
            self._cache[key] = (now, forms)
        return forms

    def invalidate(self, repo: str) -> None:
        with self._lock:
            for key in [k for k in self._cache if k[0] == repo.lower()]:
                del self._cache[key]
