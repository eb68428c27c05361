"""Reading a file from a repository through the contents API."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from ghcommunity.core.errors import InputError
from ghcommunity.github.client import quote_segment, repo_path

if TYPE_CHECKING:
    from ghcommunity.github.client import GitHubClient


def contents_path(repo: str, path: str) -> str:
    """The contents API's URL path for a file or folder, each segment percent-encoded."""
    quoted = "/".join(quote_segment(part) for part in path.strip("/").split("/"))
    return f"{repo_path(repo)}/contents/{quoted}"


def read_text(client: GitHubClient, repo: str, path: str, ref: str) -> str | None:
    """A text file of the repo at `ref`; None when there is no file there."""
    data = client.get_or_none(contents_path(repo, path), params={"ref": ref})
    if not isinstance(data, dict) or data.get("type", "file") != "file":
        return None  # absent, a folder's listing, or a symlink or submodule
    content = data.get("content")
    if not content and data.get("sha"):  # over 1 MB: the contents API leaves it out
        blob = client.rest("GET", f"{repo_path(repo)}/git/blobs/{data['sha']}")
        content = blob.get("content")
    try:
        return base64.b64decode(content or "").decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise InputError(f"{repo}:{path} is not UTF-8 text") from None
