"""What the registry audit reads: every group's notes folder (its dated files and the commits
that touched them) in one GraphQL request, and the audit's tracking issue."""

from __future__ import annotations

from typing import Any

from ghcommunity.core.held import notes_state, recorded_hash
from ghcommunity.core.timestamps import timestamp
from ghcommunity.github.client import GitHubClient, split_repo
from ghcommunity.github.executor import Executor
from ghcommunity.jobs.registry.audit import DATED_NOTES, TRACKING_KEY, NotesFolder, TrackingIssue
from ghcommunity.jobs.registry.settings import RegistryConfig


def notes_query(count: int) -> str:
    """One GraphQL document listing `count` folders (two levels) and their latest commit."""
    variables = ", ".join(f"$e{i}: String!, $p{i}: String!" for i in range(count))
    trees = "\n".join(
        f"    f{i}: object(expression: $e{i}) {{ ...NotesTree }}" for i in range(count)
    )
    history = "\n".join(
        f"          h{i}: history(first: 1, path: $p{i}) {{ nodes {{ committedDate }} }}"
        for i in range(count)
    )
    return (
        f"query NotesFolders($owner: String!, $name: String!, $ref: String!, {variables}) {{\n"
        f"  repository(owner: $owner, name: $name) {{\n{trees}\n"
        "    ref(qualifiedName: $ref) {\n"
        "      target {\n"
        f"        ... on Commit {{\n{history}\n        }}\n"
        "      }\n"
        "    }\n"
        "  }\n"
        "}\n"
        "fragment NotesTree on GitObject {\n"
        "  ... on Tree {\n"
        "    entries {\n"
        "      name type\n"
        "      object {\n"
        "        ... on Blob { text }\n"
        "        ... on Tree { entries { name type object { ... on Blob { text } } } }\n"
        "      }\n"
        "    }\n"
        "  }\n"
        "}\n"
    )


def _folder_from(path: str, tree: Any, history: Any) -> NotesFolder:
    files: list[str] = []
    untouched: set[str] = set()
    generated: set[str] = set()
    exists = isinstance(tree, dict) and "entries" in tree
    entries = (tree.get("entries") or []) if isinstance(tree, dict) else []

    def blob(name: str, entry: Any) -> None:
        files.append(name)
        text = (entry.get("object") or {}).get("text")
        dated = DATED_NOTES.match(name.rsplit("/", 1)[-1])
        if isinstance(text, str) and dated and recorded_hash(text) is not None:
            generated.add(name)
            if notes_state(text) == "untouched":
                untouched.add(name)

    for entry in entries:
        if entry.get("type") == "blob":
            blob(str(entry.get("name")), entry)
        elif entry.get("type") == "tree":
            for inner in ((entry.get("object") or {}).get("entries")) or []:
                if inner.get("type") == "blob":
                    blob(f"{entry.get('name')}/{inner.get('name')}", inner)
    commit = None
    nodes = (history or {}).get("nodes") or []
    if nodes and isinstance(nodes[0], dict):
        commit = timestamp(nodes[0].get("committedDate"))
    return NotesFolder(
        path=path,
        exists=exists,
        files=tuple(sorted(files)),
        last_commit=commit,
        untouched=frozenset(untouched),
        generated=frozenset(generated),
    )


def read_notes(
    client: GitHubClient, config: RegistryConfig, repo: str | None = None, *, batch: int = 40
) -> dict[str, NotesFolder]:
    """Every (not closed) group's notes folder: one GraphQL request per `batch` groups."""
    repo = repo or config.repo
    owner, name = split_repo(repo)
    branch = config.community.default_branch
    groups = [g for g in config.groups if g.status != "closed"]
    out: dict[str, NotesFolder] = {}
    for start in range(0, len(groups), batch):
        chunk = groups[start : start + batch]
        variables: dict[str, Any] = {"owner": owner, "name": name, "ref": f"refs/heads/{branch}"}
        for i, group in enumerate(chunk):
            path = group.notes_folder.strip("/")
            variables[f"e{i}"] = f"{branch}:{path}"
            variables[f"p{i}"] = path
        data = client.graphql(
            notes_query(len(chunk)), variables, what=f"reading the notes folders of {repo}"
        )
        repository = data.get("repository") or {}
        target = ((repository.get("ref") or {}).get("target")) or {}
        for i, group in enumerate(chunk):
            out[group.slug] = _folder_from(
                group.notes_folder.strip("/"), repository.get(f"f{i}"), target.get(f"h{i}")
            )
    return out


def read_tracking(executor: Executor, repo: str) -> TrackingIssue | None:
    """The tracking issue, found by its key (the bot's own issue only)."""
    found = executor.find_keyed_issue(repo, TRACKING_KEY)
    if not found:
        return None
    return TrackingIssue(int(found["number"]), str(found.get("state") or "open"))
