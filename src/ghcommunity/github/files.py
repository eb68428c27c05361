"""Reading one file of the community's repository: from the local checkout when there is one
(the CLI, the Action), else through the contents API (the App), where a cache kept across events
(`FileCache`) reads it again only when a push changes it (or after `ttl`).

Each file comes with its git blob SHA (GitHub's, or computed from the local bytes the same way),
so whatever is built from it (the DDaT kit) can be kept per version of the file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ghcommunity.config.paths import inside_checkout
from ghcommunity.core.errors import InputError
from ghcommunity.github.client import GitHubClient, quote_segment, repo_path


class FileError(InputError):
    """What is wrong with the file itself (not a file, too large, not UTF-8 text)."""


class NotAFile(FileError):
    """The path is a folder, a symlink or a submodule, not a file."""


@dataclass(frozen=True)
class RepoFile:
    """A file's text and its git blob SHA; `where` names it in messages."""

    text: str
    sha: str
    where: str


def contents_path(repo: str, path: str) -> str:
    """The contents API's URL path for a file or folder, each segment percent-encoded."""
    quoted = "/".join(quote_segment(part) for part in path.strip("/").split("/"))
    return f"{repo_path(repo)}/contents/{quoted}"


def blob_sha(data: bytes) -> str:
    """The git blob SHA of these bytes (what GitHub reports as a file's `sha`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _too_large(where: str, size: int, max_bytes: int) -> FileError:
    return FileError(f"{where} is {size:,} bytes; ghcommunity reads at most {max_bytes:,} here")


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileError(f"{where} is not UTF-8 text") from None


def read_local_file(root: Path, path: str, *, max_bytes: int) -> RepoFile | None:
    """`path` in the checkout at `root`; None when there is no such file. A symlink leading
    out of the checkout, a folder, a file over `max_bytes`: a clear InputError."""
    try:
        found = inside_checkout(root, path)
    except ValueError as exc:
        raise FileError(str(exc)) from None
    where = str(found)
    try:
        if not found.exists():
            return None
        if not found.is_file():
            raise FileError(f"{where} is not a file")
        size = found.stat().st_size
        if size > max_bytes:
            raise _too_large(where, size, max_bytes)
        data = found.read_bytes()
    except OSError as exc:
        raise FileError(f"{where}: cannot read it: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # it grew since the stat
        raise _too_large(where, len(data), max_bytes)
    return RepoFile(_text(data, where), blob_sha(data), where)


def read_remote_file(
    client: GitHubClient, repo: str, path: str, *, max_bytes: int, ref: str | None = None
) -> RepoFile | None:
    """`path` in `repo` (the default branch unless `ref`) through the contents API: one
    request, or two for a file over 1 MB (the contents API leaves its content out; the blob
    API serves it). None when there is no such file."""
    where = f"{repo}:{path}"
    data: Any = client.get_or_none(
        contents_path(repo, path),
        params={"ref": ref} if ref else None,
        what=f"reading {where}",
    )
    if data is None:
        return None
    if not isinstance(data, dict) or data.get("type", "file") != "file":
        raise NotAFile(f"{where} is not a file")
    sha = str(data.get("sha") or "")
    size = data.get("size")
    if isinstance(size, int) and size > max_bytes:
        raise _too_large(where, size, max_bytes)
    content = data.get("content")
    encoding = data.get("encoding")
    if (not content or encoding != "base64") and sha and size:
        blob = client.rest("GET", f"{repo_path(repo)}/git/blobs/{sha}", what=f"reading {where}")
        content = blob.get("content") if isinstance(blob, dict) else None
        encoding = blob.get("encoding") if isinstance(blob, dict) else None
    if content and encoding not in (None, "base64"):
        raise FileError(f"{where}: GitHub sent it as {encoding!r}, not base64")
    try:
        raw = base64.b64decode(str(content or ""))
    except (binascii.Error, ValueError):
        raise FileError(f"{where}: GitHub sent content that is not base64") from None
    if len(raw) > max_bytes:
        raise _too_large(where, len(raw), max_bytes)
    return RepoFile(_text(raw, where), sha or blob_sha(raw), where)


class RepoFiles(Protocol):
    """Somewhere files of the community's repository are read from (the App's cache)."""

    def read(self, client: GitHubClient, path: str, *, max_bytes: int) -> RepoFile | None: ...


@dataclass
class _Entry:
    fetched_at: float
    found: RepoFile | None
    error: FileError | None


class FileCache:
    """The App's files read through the API, per repository and path, kept across events until
    a push to the default branch changes the path (`invalidate`) or `ttl` seconds pass: one
    read per change of the file, not per event. An error (a file too large) is kept too."""

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        clock: Callable[[], float] = time.time,
        size: int = 512,
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.size = size  # entries kept at most (the oldest go first)
        self._cache: dict[tuple[str, str], _Entry] = {}
        # Bumped by each invalidation of a repository: a read that started before it does not
        # put back what the push replaced.
        self._generation: dict[str, int] = {}
        self._lock = threading.Lock()
        self.reads = 0

    def source(self, repo: str) -> RepoFiles:
        return _CachedFiles(self, repo)

    def read(
        self, client: GitHubClient, repo: str, path: str, *, max_bytes: int
    ) -> RepoFile | None:
        key = (repo.lower(), path.strip("/"))
        now = self.clock()
        with self._lock:
            entry = self._cache.get(key)
            generation = self._generation.get(key[0], 0)
        if entry is None or now - entry.fetched_at >= self.ttl:
            self.reads += 1
            try:
                entry = _Entry(now, read_remote_file(client, repo, path, max_bytes=max_bytes), None)
            except FileError as exc:  # (GitHub failing is not kept: the next event retries)
                entry = _Entry(now, None, exc)
            with self._lock:
                if self._generation.get(key[0], 0) == generation:
                    self._cache.pop(key, None)
                    self._cache[key] = entry
                    while len(self._cache) > self.size:
                        del self._cache[next(iter(self._cache))]
        if entry.error is not None:
            raise entry.error
        return entry.found

    def invalidate(self, repo: str, touched: Callable[[str], bool] | None = None) -> None:
        """Forget `repo`'s files (only those `touched(path)` says a push changed, if given)."""
        with self._lock:
            self._generation[repo.lower()] = self._generation.get(repo.lower(), 0) + 1
            for key in [k for k in self._cache if k[0] == repo.lower()]:
                if touched is None or touched(key[1]):
                    del self._cache[key]


@dataclass
class _CachedFiles:
    cache: FileCache
    repo: str

    def read(self, client: GitHubClient, path: str, *, max_bytes: int) -> RepoFile | None:
        return self.cache.read(client, self.repo, path, max_bytes=max_bytes)
