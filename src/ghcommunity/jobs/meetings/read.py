"""What the meetings job reads from the repository (the default branch's files, the bot's
branch and pull request, the notes people may have used, the agenda issues, the templates), and
`generate`: read, then plan with the pure planners in `notes.py`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from ghcommunity.core.errors import GhcError, InputError
from ghcommunity.core.held import is_untouched
from ghcommunity.github.client import GitHubClient, quote_segment, repo_path
from ghcommunity.github.contents import contents_path, read_text
from ghcommunity.github.files import read_local_file
from ghcommunity.jobs.meetings.notes import (
    AgendaItem,
    Generated,
    Inputs,
    Meeting,
    Rendering,
    RepoView,
    due_agenda_issues,
    due_meetings,
    held_candidates,
    needed_inputs,
    plan_generate,
    scheduled_groups,
    stale_neighbours,
    stale_notes,
)
from ghcommunity.jobs.meetings.settings import MeetingsConfig


def _files_of(
    client: GitHubClient, repo: str, tree: Any, folders: Iterable[str], ref: str
) -> dict[str, str]:
    """path → blob sha from a recursive tree; a truncated tree is completed folder by folder."""
    files = {
        str(entry["path"]): str(entry.get("sha"))
        for entry in (tree or {}).get("tree") or []
        if entry.get("type") == "blob"
    }
    if (tree or {}).get("truncated"):
        for folder in folders:
            listing = client.get_or_none(contents_path(repo, folder), params={"ref": ref})
            for entry in listing if isinstance(listing, list) else []:
                if entry.get("type") == "file":
                    files[str(entry["path"])] = str(entry.get("sha"))
    return files


def _folders(config: MeetingsConfig) -> list[str]:
    folders = [g.notes_folder for g in scheduled_groups(config)]
    return [*folders, config.meetings.feeds_path]


def read_default_files(
    client: GitHubClient, config: MeetingsConfig, repo: str | None = None
) -> dict[str, str]:
    """Every file on the default branch (path → blob sha): one request for most repos."""
    repo = repo or config.repo
    branch = config.community.default_branch
    if "/" in branch:
        ref = client.get_or_none(f"{repo_path(repo)}/git/ref/heads/{branch}")
        target = str(ref["object"]["sha"]) if isinstance(ref, dict) else None
    else:
        target = quote_segment(branch)
    tree = (
        client.get_or_none(f"{repo_path(repo)}/git/trees/{target}", params={"recursive": "1"})
        if target
        else None
    )
    if tree is None:
        raise InputError(f"{repo}: the default branch {branch!r} was not found")
    return _files_of(client, repo, tree, _folders(config), branch)


def read_repo_view(
    client: GitHubClient,
    config: MeetingsConfig,
    *,
    mode: Literal["pull-request", "commit"] | None = None,
    repo: str | None = None,
) -> RepoView:
    """The files on the default branch and on the bot's branch, and whether its PR is open."""
    repo = repo or config.repo
    view = RepoView(
        default_branch=config.community.default_branch,
        default_files=read_default_files(client, config, repo),
    )
    if (mode or config.meetings.mode) == "commit":
        return view
    branch = config.meetings.branch
    view.branch = branch
    ref = client.get_or_none(f"{repo_path(repo)}/git/ref/heads/{branch}")
    if not isinstance(ref, dict):  # absent (a list would be a prefix match, not our branch)
        return view
    owner = repo.split("/", 1)[0]
    pulls = client.rest(
        "GET",
        f"{repo_path(repo)}/pulls",
        params={"head": f"{owner}:{branch}", "state": "open", "per_page": 1},
    )
    if not pulls:
        view.branch_state = "stale"  # its pull request was merged or closed: start afresh
        return view
    view.branch_state = "open"
    sha = str(ref["object"]["sha"])
    tree = client.rest("GET", f"{repo_path(repo)}/git/trees/{sha}", params={"recursive": "1"})
    view.branch_files = _files_of(client, repo, tree, _folders(config), branch)
    return view


def read_agenda(client: GitHubClient, repo: str, label: str) -> list[AgendaItem]:
    """The open issues labelled for a group's agenda, oldest first."""
    found = []
    for issue in client.paginate(
        f"{repo_path(repo)}/issues",
        {"labels": label, "state": "open", "sort": "created", "direction": "asc"},
        what=f"reading the issues labelled {label!r}",
    ):
        if "pull_request" in issue:
            continue
        found.append(
            AgendaItem(
                number=int(issue["number"]),
                title=str(issue.get("title") or ""),
                url=str(issue.get("html_url") or ""),
                author=str((issue.get("user") or {}).get("login") or ""),
            )
        )
    return found


MAX_TEMPLATE_BYTES = 1_000_000


def read_inputs(
    client: GitHubClient,
    config: MeetingsConfig,
    view: RepoView,
    inputs: Inputs,
    *,
    repo: str | None = None,
    local_root: Path | None = None,
) -> dict[str, str]:
    """Fill `view.texts` and `view.agenda`; return the templates (path → text).

    A template path is read from the checkout (`local_root`: the CLI's working directory, the
    Action's checked-out repo) when the file is there, else from the repo's default branch
    through the contents API. With no checkout (the App), templates come from the repo only.
    """
    repo = repo or config.repo
    for path, where in sorted(inputs.texts):
        ref = view.default_branch if where == "default" else (view.branch or view.default_branch)
        text = read_text(client, repo, path, ref)
        if text is not None:
            view.texts[path] = text
    for slug, label in sorted(inputs.agenda_labels.items()):
        view.agenda[slug] = read_agenda(client, repo, label)
    templates: dict[str, str] = {}
    for path in sorted(inputs.templates):
        if local_root is not None:
            try:  # never out of the checkout through a symlink
                local = read_local_file(local_root, path, max_bytes=MAX_TEMPLATE_BYTES)
            except GhcError as exc:
                raise InputError(f"template {path!r}: {exc}") from None
            if local is not None:
                templates[path] = local.text
                continue
        text = read_text(client, repo, path, view.default_branch)
        if text is None:
            raise InputError(f"template {path!r} was not found locally or in {repo}")
        templates[path] = text
    return templates


def _read_into(client: GitHubClient, repo: str, view: RepoView, path: str) -> str | None:
    if path in view.texts:
        return view.texts[path]
    on_branch = view.branch_state == "open" and path in view.branch_files
    ref = (view.branch or view.default_branch) if on_branch else view.default_branch
    text = read_text(client, repo, path, ref)
    if text is not None:
        view.texts[path] = text
    return text


def read_held_and_stale(
    client: GitHubClient,
    config: MeetingsConfig,
    now: datetime,
    view: RepoView,
    due: Sequence[Meeting],
    *,
    group: str | None = None,
    repo: str | None = None,
    limit: int = 6,
) -> None:
    """Read what decides carry-over and moves: for each group with notes due, its earlier
    notes newest first until one is held (at most `limit`); the notes of dates the schedule
    no longer has, and the file before each of them."""
    repo = repo or config.repo
    firsts: dict[str, Meeting] = {}
    for meeting in due:
        if meeting.slug not in firsts or meeting.date < firsts[meeting.slug].date:
            firsts[meeting.slug] = meeting
    for meeting in firsts.values():
        for path in held_candidates(view, meeting)[:limit]:
            text = _read_into(client, repo, view, path)
            if text is not None and not is_untouched(text):
                break
    stale = stale_notes(config, now, view, group=group)
    for path in [s.path for s in stale] + stale_neighbours(view, stale):
        _read_into(client, repo, view, path)
    for path in stale_neighbours(view, stale):
        on_both = path in view.default_files and path in view.branch_files
        if (
            view.branch_state == "open"
            and on_both
            and view.default_files[path] != view.branch_files[path]
        ):
            text = read_text(client, repo, path, view.default_branch)
            if text is not None:
                view.default_texts[path] = text


def generate(
    client: GitHubClient,
    config: MeetingsConfig,
    now: datetime,
    *,
    lead_time: timedelta | None = None,
    mode: Literal["pull-request", "commit"] | None = None,
    joining: Mapping[str, str] | None = None,
    web_url: str = "https://github.com",
    group: str | None = None,
    local_root: Path | None = None,
) -> Generated:
    """Read what is needed, then plan (the caller applies the Plan or prints it)."""
    settings = config.meetings
    lead = lead_time if lead_time is not None else timedelta(days=settings.lead_time_days)
    view = read_repo_view(client, config, mode=mode)
    due, _ = due_meetings(config, now, lead, view, group=group)
    agenda_due = due_agenda_issues(config, now, group=group)
    inputs = needed_inputs(config, due, agenda_due, view)
    templates = read_inputs(client, config, view, inputs, local_root=local_root)
    read_held_and_stale(client, config, now, view, due, group=group)
    rendering = Rendering(
        repo=config.repo,
        web_url=web_url,
        default_branch=view.default_branch,
        joining=dict(joining or {}),
        agenda=view.agenda,
    )
    return plan_generate(
        config,
        now,
        view,
        lead_time=lead,
        mode=mode,
        rendering=rendering,
        templates=templates,
        group=group,
    )
