"""Reading a file from a repository through the contents API (as `files.read_remote_file`
reads one): a text file at a ref, or whether one is there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ghcommunity.github.files import NotAFile, contents_path, read_remote_file

__all__ = ["contents_path", "file_exists", "read_text"]

if TYPE_CHECKING:
    from ghcommunity.github.client import GitHubClient


def file_exists(client: GitHubClient, repo: str, path: str, ref: str) -> bool:
    """Whether the repo has a file at `path` at `ref` (one request; a folder is not a file).
    A read that fails raises: nothing is called missing without evidence."""
    found = client.get_or_none(
        contents_path(repo, path), params={"ref": ref}, what=f"reading {repo}:{path}"
    )
    return isinstance(found, dict) and found.get("type", "file") == "file"


MAX_TEXT_BYTES = 10_000_000  # a notes file, a template, a report: small text files


def read_text(client: GitHubClient, repo: str, path: str, ref: str) -> str | None:
    """A text file of the repo at `ref`; None when there is no file there (absent, a folder, a
    symlink or a submodule). Read as `files.read_remote_file` reads any file."""
    try:
        found = read_remote_file(client, repo, path, max_bytes=MAX_TEXT_BYTES, ref=ref)
    except NotAFile:
        return None
    return found.text if found is not None else None
