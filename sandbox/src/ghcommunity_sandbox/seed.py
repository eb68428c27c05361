"""Seeds: what a sandbox holds when it starts or is reset.

A seed is `None` (empty: no repos), `"minimal"` (the community's org and an empty
`community-space` repo with a first commit), `"sample"` (the sample community in
`data/sample.yml`), or the path of a YAML/JSON seed file in the same format:

```yaml
now: 2026-11-20T09:00:00Z          # optional: freeze the sandbox clock here
default_actor: ghcommunity[bot]    # who an unmapped token acts as
restrict_tokens: false             # true: tokens not listed below get 401 Bad credentials
tokens: {secret-token: ada}        # token → login
apps:                              # optional; without it any App JWT is accepted
  - {id: 12345, slug: ghcommunity, installations: [{id: 1, account: my-org}]}
users:
  - {login: ada, name: Ada Lovelace, company: HMRC, type: User}
orgs:
  - login: my-org
    members: [ada]
    admins: [grace]
    teams: [{slug: facilitators, members: [ada], maintainers: [grace]}]
repos:
  - name: my-org/space
    default_branch: main
    private: false
    collaborators: {ada: triage}
    labels: [{name: "type: question", color: d4c5f9, description: A question}]
    commits:                         # real commits on the default branch (or `branch:`)
      - {message: Add notes, author: ada, date: 2026-10-01T10:00:00Z,
         files: {"notes/2026-10-01.md": "# Notes\n"}}
    discussion_categories: [{name: Ideas, answerable: false}]
    issues:                          # numbers follow creation order across issues,
      - title: A question            # pulls and discussions
        body: "..."
        author: ada
        labels: ["type: question"]
        created_at: 2026-10-02T09:00:00Z
        state: closed                # + closed_at, state_reason, closed_by
        comments: [{body: Thanks, author: grace, created_at: ...}]
    pulls: [{title: Notes, head: notes, files: {"a.md": "x"}, author: ada, reviews: [...]}]
    discussions: [{title: Idea, body: "...", category: Ideas, author: ada, comments: [...]}]
projects:
  - {owner: my-org, number: 1, title: Backlog, items: [{repo: my-org/space, number: 1}]}
```

Parsed seeds are cached as state snapshots, so resetting to one costs a pickle load.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ghcommunity_sandbox.model import iso
from ghcommunity_sandbox.state import State

COMMUNITY_ORG = "uk-x-gov-software-community"
COMMUNITY_REPO = f"{COMMUNITY_ORG}/community-space"
MINIMAL_EPOCH = "2026-01-05T09:00:00Z"

_SNAPSHOTS: dict[tuple[Any, ...], bytes] = {}
CACHE_LIMIT = 20_000  # synthetic seeds bigger than this are rebuilt, not cached


class SeedError(ValueError):
    """A seed file that cannot be loaded (the message says where and why)."""


def sample_path() -> Path:
    return Path(str(resources.files("ghcommunity_sandbox") / "data" / "sample.yml"))


def seed_key(seed: str | os.PathLike[str] | None) -> tuple[Any, ...]:
    if seed is None or seed in ("empty", ""):
        return ("empty",)
    if seed == "minimal":
        return ("minimal",)
    path = sample_path() if seed == "sample" else Path(seed)
    try:
        stat = path.stat()
    except OSError as exc:
        raise SeedError(f"cannot read seed {str(seed)!r}: {exc.strerror or exc}") from None
    return ("file", str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def load(
    state: State,
    seed: str | os.PathLike[str] | None,
    *,
    synthetic: int | None = None,
    seed_random: int = 0,
    repo: str | None = None,
) -> None:
    """Replace the state's contents with a seed (and `synthetic` generated items)."""
    key = (*seed_key(seed), synthetic, seed_random, repo)
    blob = _SNAPSHOTS.get(key)
    if blob is not None:
        state.restore(blob)
        return
    if synthetic and synthetic > CACHE_LIMIT:
        # Too big to keep a second copy of: build it in place.
        with state.lock:
            state.clear()
            _fill(state, seed, synthetic, seed_random, repo)
        return
    fresh = State()
    _fill(fresh, seed, synthetic, seed_random, repo)
    blob = fresh.snapshot()
    _SNAPSHOTS[key] = blob
    state.restore(blob)


def _fill(
    state: State,
    seed: str | os.PathLike[str] | None,
    synthetic: int | None,
    seed_random: int,
    repo: str | None,
) -> None:
    with state.quiet():
        _build(state, seed)
        if synthetic:
            from ghcommunity_sandbox.synthetic import generate

            generate(state, synthetic, seed=seed_random, repo=repo or COMMUNITY_REPO)


def _build(state: State, seed: str | os.PathLike[str] | None) -> None:
    if seed is None or seed in ("empty", ""):
        return
    if seed == "minimal":
        minimal(state)
        return
    path = sample_path() if seed == "sample" else Path(seed)
    data = read_seed_file(path)
    apply(state, data, source=str(path))


def minimal(state: State) -> None:
    """The community's org with an empty `community-space` (one commit on main)."""
    state.add_org(
        COMMUNITY_ORG,
        name="UK cross-government software engineering community",
        created_at=MINIMAL_EPOCH,
    )
    state.add_repo(
        COMMUNITY_REPO,
        default_branch="main",
        private=False,
        description="Where the community works in the open",
        created_at=MINIMAL_EPOCH,
    )


def read_seed_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SeedError(f"cannot read seed {str(path)!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise SeedError(f"{path}: not a UTF-8 text file ({exc.reason})") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise SeedError(
            f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}: "
            f"{str(exc).splitlines()[0]}"
        ) from None
    if not isinstance(data, dict):
        raise SeedError(f"{path}: a seed file is a mapping (users, orgs, repos, ...)")
    return data


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise SeedError(f"{where}: `{key}` must be a list")
    return value


def _when(value: Any) -> str | None:
    if value is None:
        return None
    return iso(value)


def apply(state: State, data: Mapping[str, Any], *, source: str = "seed") -> None:
    """Load a parsed seed mapping into `state` (quietly: seeding sends no webhooks)."""
    known = {
        "now",
        "default_actor",
        "restrict_tokens",
        "tokens",
        "apps",
        "users",
        "orgs",
        "repos",
        "projects",
        "description",
        "name",
    }
    unknown = set(data) - known
    if unknown:
        raise SeedError(f"{source}: unknown key(s) {sorted(unknown)}; expected {sorted(known)}")
    with state.quiet():
        try:
            _apply(state, data, source)
        except SeedError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SeedError(f"{source}: {type(exc).__name__}: {exc}") from None


def _apply(state: State, data: Mapping[str, Any], source: str) -> None:
    if data.get("now"):
        state.now = data["now"]  # items without times are created "now"
    if data.get("default_actor"):
        state.default_actor = str(data["default_actor"])
        state.get_user(state.default_actor)
    for app in _list(data, "apps", source):
        state.add_app(
            int(app["id"]),
            str(app.get("slug") or "ghcommunity"),
            name=app.get("name"),
            owner=app.get("owner"),
            permissions=app.get("permissions"),
            events=app.get("events") or (),
        )
        for inst in app.get("installations") or []:
            state.add_installation(
                int(inst["id"]),
                app_id=int(app["id"]),
                account=str(inst.get("account") or ""),
                repositories=inst.get("repositories"),
            )
    for user in _list(data, "users", source):
        if isinstance(user, str):
            state.get_user(user)
            continue
        state.add_user(
            str(user["login"]),
            name=user.get("name"),
            company=user.get("company"),
            type=str(user.get("type") or "User"),
            email=user.get("email"),
            bio=user.get("bio"),
            location=user.get("location"),
            created_at=user.get("created_at"),
        )
    for org in _list(data, "orgs", source):
        state.add_org(
            str(org["login"]),
            org.get("members") or [],
            admins=org.get("admins") or [],
            name=org.get("name"),
            description=org.get("description"),
            email=org.get("email"),
            created_at=org.get("created_at"),
        )
        for team in org.get("teams") or []:
            state.add_team(
                str(org["login"]),
                str(team["slug"]),
                team.get("members") or [],
                maintainers=team.get("maintainers") or [],
                name=team.get("name"),
                description=team.get("description"),
            )
    for token, login in (data.get("tokens") or {}).items():
        state.add_token(str(token), str(login))
    state.restrict_tokens = bool(data.get("restrict_tokens"))
    for repo in _list(data, "repos", source):
        _repo(state, repo, f"{source}: repo {repo.get('name')!r}")
    for project in _list(data, "projects", source):
        proj = state.add_project(
            str(project["owner"]),
            int(project["number"]),
            str(project["title"]),
            description=project.get("description"),
        )
        for item in project.get("items") or []:
            repo_obj = state.require_repo(str(item["repo"]))
            number = int(item["number"])
            content = repo_obj.issues.get(number) or repo_obj.discussions.get(number)
            if content is None:
                raise SeedError(f"{source}: project item {item['repo']}#{number} does not exist")
            state.add_project_item(proj, content, state.get_user(state.default_actor))


def _repo(state: State, spec: Mapping[str, Any], where: str) -> None:
    full = str(spec["name"])
    created = _when(spec.get("created_at"))
    repo = state.add_repo(
        full,
        default_branch=str(spec.get("default_branch") or "main"),
        private=bool(spec.get("private")),
        description=spec.get("description"),
        created_at=created,
        auto_init=spec.get("auto_init", True),
        has_discussions=spec.get("has_discussions", True),
        topics=spec.get("topics") or (),
    )
    for login, permission in (spec.get("collaborators") or {}).items():
        state.set_permission(repo, str(login), str(permission))
    for label in _list(spec, "labels", where):
        if isinstance(label, str):
            state.add_label(repo, label)
        else:
            state.add_label(
                repo,
                str(label["name"]),
                label.get("color"),
                label.get("description"),
                default=bool(label.get("default")),
            )
    for milestone in _list(spec, "milestones", where):
        state.add_milestone(
            repo,
            str(milestone["title"]),
            description=milestone.get("description"),
            due_on=milestone.get("due_on"),
            state=milestone.get("state", "open"),
        )
    for commit in _list(spec, "commits", where):
        files = commit.get("files") or {}
        if not isinstance(files, dict):
            raise SeedError(f"{where}: a commit's `files` maps paths to contents")
        branch = commit.get("branch")
        if branch and f"refs/heads/{branch}" not in repo.git.refs:
            state.create_branch(repo, str(branch), commit.get("from"))
        state.commit_files(
            repo,
            {str(p): (None if t is None else str(t)) for p, t in files.items()},
            message=str(commit.get("message") or "Update files"),
            branch=branch,
            author=commit.get("author"),
            date=commit.get("date"),
        )
    for category in _list(spec, "discussion_categories", where):
        state.add_discussion_category(
            repo,
            str(category["name"]),
            slug=category.get("slug"),
            emoji=str(category.get("emoji") or ":speech_balloon:"),
            description=category.get("description"),
            answerable=bool(category.get("answerable")),
        )
    items: list[tuple[str, int, str, Mapping[str, Any]]] = []
    for kind in ("issues", "pulls", "discussions"):
        for i, item in enumerate(_list(spec, kind, where)):
            items.append((_when(item.get("created_at")) or "", i, kind, item))
    items.sort(key=lambda t: (t[0], {"issues": 0, "pulls": 1, "discussions": 2}[t[2]], t[1]))
    for _, _, kind, item in items:
        if kind == "issues":
            state.add_issue(
                repo,
                title=str(item["title"]),
                body=item.get("body"),
                author=item.get("author"),
                labels=item.get("labels") or [],
                state=str(item.get("state") or "open"),
                created_at=item.get("created_at"),
                closed_at=item.get("closed_at"),
                updated_at=item.get("updated_at"),
                author_association=item.get("author_association"),
                comments=item.get("comments") or [],
                assignees=item.get("assignees") or [],
                state_reason=item.get("state_reason"),
                closed_by=item.get("closed_by"),
                labelled_by=item.get("labelled_by"),
                reactions=item.get("reactions"),
                milestone=item.get("milestone"),
                number=item.get("number"),
            )
        elif kind == "pulls":
            state.add_pull(
                repo,
                title=str(item["title"]),
                head=item.get("head"),
                base=item.get("base"),
                body=item.get("body"),
                author=item.get("author"),
                files=item.get("files"),
                created_at=item.get("created_at"),
                state=str(item.get("state") or "open"),
                merged=bool(item.get("merged")),
                closed_at=item.get("closed_at"),
                labels=item.get("labels") or [],
                reviews=item.get("reviews") or [],
                comments=item.get("comments") or [],
                draft=bool(item.get("draft")),
            )
        else:
            state.add_discussion(
                repo,
                title=str(item["title"]),
                body=str(item.get("body") or ""),
                category=str(item.get("category") or "General"),
                author=item.get("author"),
                created_at=item.get("created_at"),
                comments=item.get("comments") or [],
                upvotes=item.get("upvotes") or [],
                reactions=item.get("reactions"),
            )
