"""Where the taxonomy comes from: read through the Context (the checkout, or the repository
through the API), never the working directory; the kit kept per version of the file's content."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ddat_support import REPO, TAXONOMY_FILE

from ghcommunity.config import Config
from ghcommunity.core.commands import COMMANDS, CommandCall, CommandError
from ghcommunity.core.errors import InputError
from ghcommunity.core.events import Event
from ghcommunity.core.plan import AddLabels
from ghcommunity.github.client import Connection, GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.github.files import FileCache, blob_sha, read_remote_file
from ghcommunity.github.snapshot import IssueSnapshot, SnapshotIssue
from ghcommunity.github.state import IssueState
from ghcommunity.jobs.ddat.setup import context_kit, taxonomy_file
from ghcommunity.jobs.ddat.taxonomy import MAX_TAXONOMY_BYTES

SHIPPED = TAXONOMY_FILE.read_text(encoding="utf-8")
SHORT = "Development operations (DevOps) engineer: DevOps engineer"


def taxonomy(short_name: str) -> str:
    assert SHORT in SHIPPED
    return SHIPPED.replace(SHORT, f"Development operations (DevOps) engineer: {short_name}")


def devops_label(ctx: Context) -> str:
    return (
        context_kit(ctx).labeller.for_value("role", "Development operations (DevOps) engineer").name
    )


class NoGitHub(GitHubClient):
    """A client that must not be used (a checkout needs no request)."""

    def __init__(self) -> None:
        super().__init__(Connection())

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        raise AssertionError(f"unexpected request {method} {path}")


def checkout(tmp_path: Path, text: str | None, path: str = "config/ddat.yml") -> Path:
    root = tmp_path / "checkout"
    root.mkdir(parents=True, exist_ok=True)
    if text is not None:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def with_taxonomy(config: Config, path: str) -> Config:
    return config.model_copy(update={"ddat": config.ddat.model_copy(update={"taxonomy": path})})


def test_the_checkout_s_taxonomy_is_used_with_no_request(tmp_path: Path, config: Config) -> None:
    ctx = Context(config, NoGitHub(), checkout=checkout(tmp_path, taxonomy("Ops engineer")))
    assert devops_label(ctx) == "ddat-role: Ops engineer"


def test_the_working_directory_is_not_read(
    tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The process runs in a folder with one taxonomy; the checkout has another.
    elsewhere = checkout(tmp_path / "cwd", taxonomy("Wrong engineer"))
    monkeypatch.chdir(elsewhere)
    ctx = Context(config, NoGitHub(), checkout=checkout(tmp_path, taxonomy("Right engineer")))
    assert devops_label(ctx) == "ddat-role: Right engineer"


def test_without_the_default_file_the_shipped_copy_is_used(tmp_path: Path, config: Config) -> None:
    ctx = Context(config, NoGitHub(), checkout=checkout(tmp_path, None))
    assert devops_label(ctx) == "ddat-role: DevOps engineer"
    assert "shipped with ghcommunity" in taxonomy_file(ctx).where


def test_a_chosen_path_that_is_missing_is_a_clear_error(tmp_path: Path, config: Config) -> None:
    ctx = Context(
        with_taxonomy(config, "community/ddat.yml"), NoGitHub(), checkout=checkout(tmp_path, None)
    )
    with pytest.raises(InputError, match=r"ddat.taxonomy: community/ddat.yml is not in .*checkout"):
        context_kit(ctx)


def test_a_symlink_out_of_the_checkout_is_refused(tmp_path: Path, config: Config) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text(taxonomy("Outside engineer"), encoding="utf-8")
    root = checkout(tmp_path, None)
    (root / "config").mkdir()
    (root / "config" / "ddat.yml").symlink_to(outside)
    ctx = Context(config, NoGitHub(), checkout=root)
    with pytest.raises(InputError, match="leads outside the repository"):
        context_kit(ctx)


def test_the_kit_follows_the_content_not_the_file_s_modification_time(
    tmp_path: Path, config: Config
) -> None:
    root = checkout(tmp_path, taxonomy("First engineer"))
    file = root / "config" / "ddat.yml"
    stamp = file.stat().st_mtime_ns
    assert devops_label(Context(config, NoGitHub(), checkout=root)) == "ddat-role: First engineer"
    file.write_text(taxonomy("Second engineer"), encoding="utf-8")
    os.utime(file, ns=(stamp, stamp))  # the same modification time (a checkout, a fast edit)
    assert devops_label(Context(config, NoGitHub(), checkout=root)) == "ddat-role: Second engineer"
    # The same content elsewhere is the same kit: built once per version.
    other = checkout(tmp_path / "again", taxonomy("Second engineer"))
    assert context_kit(Context(config, NoGitHub(), checkout=other)) is context_kit(
        Context(config, NoGitHub(), checkout=root)
    )


# -- through the API (the App) ---------------------------------------------------------------


class Contents(GitHubClient):
    """The contents and blob APIs as GitHub serves them: a file over 1 MB comes without its
    content (encoding "none"); the blob API serves it."""

    def __init__(self, files: dict[str, bytes]) -> None:
        super().__init__(Connection())
        self.files = files
        self.calls: list[str] = []

    def get_or_none(self, path: str, **kwargs: Any) -> Any:
        self.calls.append(f"GET {path}")
        name = path.split("/contents/", 1)[1]
        data = self.files.get(name)
        if data is None:
            return None
        big = len(data) > 1024 * 1024
        return {
            "type": "file",
            "path": name,
            "size": len(data),
            "sha": blob_sha(data),
            "encoding": "none" if big else "base64",
            "content": "" if big else base64.b64encode(data).decode(),
        }

    def rest(self, method: str, path: str, **kwargs: Any) -> Any:
        self.calls.append(f"{method} {path}")
        sha = path.rsplit("/", 1)[1]
        [data] = [d for d in self.files.values() if blob_sha(d) == sha]
        return {
            "sha": sha,
            "size": len(data),
            "encoding": "base64",
            "content": base64.b64encode(data).decode(),
        }


def test_without_a_checkout_the_repository_s_file_is_read_through_the_api(config: Config) -> None:
    github = Contents({"config/ddat.yml": taxonomy("Ops engineer").encode()})
    ctx = Context(config, github)
    assert devops_label(ctx) == "ddat-role: Ops engineer"
    assert context_kit(ctx) is context_kit(ctx)
    assert github.calls == [f"GET /repos/{config.repo}/contents/config/ddat.yml"]  # once


def test_a_file_over_1_mb_is_read_through_the_blob_api(config: Config) -> None:
    text = taxonomy("Big engineer") + ("# " + "\u2018" * 99 + "\n") * 4000
    assert len(text) < 1024 * 1024 < len(text.encode()) < MAX_TAXONOMY_BYTES
    data = text.encode()
    github = Contents({"config/ddat.yml": data})
    found = read_remote_file(github, REPO, "config/ddat.yml", max_bytes=MAX_TAXONOMY_BYTES)
    assert found is not None
    assert found.text == text
    assert found.sha == blob_sha(data)
    assert github.calls == [
        f"GET /repos/{REPO}/contents/config/ddat.yml",
        f"GET /repos/{REPO}/git/blobs/{blob_sha(data)}",
    ]
    ctx = Context(config, github)
    assert devops_label(ctx) == "ddat-role: Big engineer"  # and it parses


def test_a_file_over_the_limit_is_refused_before_its_content_is_read(config: Config) -> None:
    data = b"#" * (MAX_TAXONOMY_BYTES + 1)
    github = Contents({"config/ddat.yml": data})
    with pytest.raises(
        InputError, match=rf"ddat.taxonomy: .*config/ddat.yml is {MAX_TAXONOMY_BYTES + 1:,} bytes"
    ):
        context_kit(Context(config, github))
    assert len(github.calls) == 1  # the blob itself is never fetched


def test_the_app_cache_reads_once_per_change_not_per_event(config: Config) -> None:
    github = Contents({"config/ddat.yml": taxonomy("Ops engineer").encode()})
    cache = FileCache()

    def event() -> str:
        return devops_label(Context(config, github, files=cache.source(config.repo)))

    assert [event() for _ in range(5)] == ["ddat-role: Ops engineer"] * 5
    assert cache.reads == 1
    github.files["config/ddat.yml"] = taxonomy("Platform engineer").encode()
    cache.invalidate(config.repo, lambda path: path == "config/ddat.yml")  # a push changed it
    assert event() == "ddat-role: Platform engineer"
    assert cache.reads == 2


# -- the /ddat command reads it through the event's Context ---------------------------------


def test_the_ddat_command_uses_the_context_s_taxonomy(tmp_path: Path, config: Config) -> None:
    ctx = Context(config, NoGitHub(), checkout=checkout(tmp_path, taxonomy("Ops engineer")))
    issue = SnapshotIssue(3, "t", "b", author="ada")
    snapshot = IssueSnapshot(REPO, 3, issue, IssueState(3, labels=[], comments={}), [])
    call = CommandCall(
        name="ddat",
        args="role=DevOps engineer",
        event=Event("issue_comment", {"action": "created"}),
        _config=config,
        snapshot=snapshot,
        actor="grace",
        comment_id=1,
        now=datetime(2026, 11, 16, tzinfo=UTC),
        labels=(),
        context=ctx,
    )
    plan = COMMANDS["ddat"].handler(call)
    assert plan is not None
    added = [n for op in plan.operations if isinstance(op, AddLabels) for n in op.labels]
    assert "ddat-role: Ops engineer" in added


def test_the_ddat_command_says_when_the_taxonomy_cannot_be_read(
    tmp_path: Path, config: Config
) -> None:
    ctx = Context(
        with_taxonomy(config, "community/ddat.yml"), NoGitHub(), checkout=checkout(tmp_path, None)
    )
    issue = SnapshotIssue(3, "t", "b", author="ada")
    call = CommandCall(
        name="ddat",
        args="role=DevOps engineer",
        event=Event("issue_comment", {"action": "created"}),
        _config=ctx.config,
        snapshot=IssueSnapshot(REPO, 3, issue, IssueState(3, labels=[], comments={}), []),
        actor="grace",
        comment_id=1,
        now=datetime(2026, 11, 16, tzinfo=UTC),
        labels=(),
        context=ctx,
    )
    with pytest.raises(CommandError, match=r"the DDaT taxonomy cannot be read: ddat\.taxonomy: "):
        COMMANDS["ddat"].handler(call)


def test_a_read_in_flight_during_a_push_does_not_put_the_old_file_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from ghcommunity.github import files as files_module
    from ghcommunity.github.files import RepoFile

    version = {"text": "old"}
    in_flight, landed = threading.Event(), threading.Event()

    def slow_read(client: Any, repo: str, path: str, *, max_bytes: int) -> RepoFile:
        text = version["text"]
        in_flight.set()
        landed.wait(5)  # the push lands while this GET is on the wire
        return RepoFile(text, text, path)

    monkeypatch.setattr(files_module, "read_remote_file", slow_read)
    cache = FileCache()
    reader = threading.Thread(
        target=lambda: cache.read(NoGitHub(), "o/r", "data/ddat.yml", max_bytes=10)
    )
    reader.start()
    in_flight.wait(5)
    version["text"] = "new"
    cache.invalidate("o/r")
    landed.set()
    reader.join(5)
    found = cache.read(NoGitHub(), "o/r", "data/ddat.yml", max_bytes=10)
    assert found is not None
    assert found.text == "new"


def test_the_app_keeps_a_bounded_number_of_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from ghcommunity.github import files as files_module
    from ghcommunity.github.files import RepoFile

    monkeypatch.setattr(
        files_module,
        "read_remote_file",
        lambda client, repo, path, *, max_bytes: RepoFile(path, path, path),
    )
    cache = FileCache(size=3)
    for n in range(10):
        cache.read(NoGitHub(), "o/r", f"f{n}.yml", max_bytes=10)
    assert cache.reads == 10
    cache.read(NoGitHub(), "o/r", "f9.yml", max_bytes=10)  # kept: the newest
    cache.read(NoGitHub(), "o/r", "f0.yml", max_bytes=10)  # gone: read again
    assert cache.reads == 11
