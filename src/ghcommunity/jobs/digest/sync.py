"""Fetch a repository's activity into the local store, incrementally and resumably.

Per resource (issues, pull requests, discussions) the store keeps a watermark: the newest
`updatedAt` fully synced. A sync reads the resource newest-first, 100 items a page with their
comments, reviews, label events and discussion replies nested in the same request, and stops at
the first item no newer than the watermark. Each page is written in one transaction together
with the cursor of the next, so a sync that fails half way continues after the last page it
stored; the watermark moves only when a pass is complete. Nested connections with more than one
page are followed up, several to a request. The opening request reads, for each resource, its newest twenty update times (timestamps only),
so a pass asks for exactly the items that changed; the same request reads the notes folders
(their files, and the commits that touched them since last time). One more reads the
organisation's member count (a token without `members: read` gets no figure, not an error).
A re-run with nothing new costs those two requests; a month's worth of changes, about one more
per resource.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from ghcommunity.core.errors import OperationalError
from ghcommunity.core.held import attendees, notes_state
from ghcommunity.github.client import GitHubClient, split_repo
from ghcommunity.jobs.digest.activity import (
    GHOST,
    Contribution,
    ContributionKind,
    Item,
    ItemKind,
    LabelEvent,
    NoteCommit,
    NoteFile,
    Person,
)
from ghcommunity.jobs.digest.metrics import form_answer
from ghcommunity.jobs.digest.queries import (
    CONNECTION_NAMES,
    LIST_QUERIES,
    MEMBERS,
    MORE_BATCH,
    PAGE,
    PROBE,
    FolderRequest,
    More,
    meta_query,
    more_query,
)
from ghcommunity.jobs.digest.store import Page, Store, SyncState, from_text, to_text

if TYPE_CHECKING:
    from ghcommunity.jobs.digest.settings import DigestConfig

RESOURCES: tuple[str, ...] = ("issues", "pulls", "discussions")
KINDS: dict[str, ItemKind] = {"issues": "issue", "pulls": "pull", "discussions": "discussion"}
NODE_TYPES = {"issue": "Issue", "pull": "PullRequest", "discussion": "Discussion"}
RESOURCE_WORDS = {"issues": "issues", "pulls": "pull requests", "discussions": "discussions"}
_DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class Progress(Protocol):
    def start(self, resource: str, total: int | None) -> None: ...

    def advance(self, resource: str, count: int) -> None: ...

    def finish(self, resource: str, summary: str) -> None: ...


class NoProgress:
    def start(self, resource: str, total: int | None) -> None:
        pass

    def advance(self, resource: str, count: int) -> None:
        pass

    def finish(self, resource: str, summary: str) -> None:
        pass


@dataclass
class SyncReport:
    repo: str
    requests: int = 0
    items: dict[str, int] = field(default_factory=dict)  # resource → items written
    contributions: int = 0
    follow_ups: int = 0  # requests for nested pages
    notes_files: int = 0
    notes_commits: int = 0
    members: int | None = None
    members_note: str | None = None  # why the member count could not be read
    cost: int = 0  # GraphQL rate-limit points, as GitHub reports them
    seconds: float = 0.0
    resumed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "repo": self.repo,
            "requests": self.requests,
            "items": dict(self.items),
            "contributions": self.contributions,
            "follow_up_requests": self.follow_ups,
            "notes_files": self.notes_files,
            "notes_commits": self.notes_commits,
            "org_members": self.members,
            "org_members_note": self.members_note,
            "graphql_cost": self.cost,
            "seconds": round(self.seconds, 2),
            "resumed": list(self.resumed),
        }


@dataclass
class SyncSettings:
    folders: list[str] = field(default_factory=list)  # notes folders, without trailing slashes
    department_questions: list[str] = field(default_factory=list)
    role_questions: list[str] = field(default_factory=list)
    # Reads a form's role answer as the framework's name ("Sofware developer" → "Software
    # developer"); None keeps answers as written.
    resolve_role: Callable[[str], str | None] | None = None


@dataclass(frozen=True)
class Probe:
    """A resource's item count and newest update times, from the opening request."""

    total: int
    times: list[str]


def _after(watermark: str | None) -> str | None:
    """The second after a watermark: commits since then are new (`since` is inclusive)."""
    when = from_text(watermark)
    return to_text(when + timedelta(seconds=1)) if when else None


# -- GraphQL nodes → rows (pure) -------------------------------------------------------------


def person(actor: Any) -> Person:
    """An author or actor node; a missing one is the deleted-user `ghost`."""
    if not isinstance(actor, dict) or not actor.get("login"):
        return Person(GHOST, "Ghost")
    kind = str(actor.get("__typename") or "User")
    login = str(actor["login"])
    if kind == "Bot" and not login.endswith("[bot]"):
        login += "[bot]"  # GraphQL says `dependabot`; REST, webhooks and configs `dependabot[bot]`
    if login.lower() == GHOST:
        kind = "Ghost"
    company = actor.get("company") if kind == "User" else None
    return Person(
        login, kind, company.strip() if isinstance(company, str) and company.strip() else None
    )


def _time(value: Any) -> datetime | None:
    return from_text(value) if isinstance(value, str) and value else None


def _nodes(connection: Any) -> list[dict[str, Any]]:
    if not isinstance(connection, dict):
        return []
    return [n for n in connection.get("nodes") or [] if isinstance(n, dict)]


def _more(connection: Any, node_id: str, node_type: str, name: str) -> More | None:
    info = connection.get("pageInfo") if isinstance(connection, dict) else None
    if isinstance(info, dict) and info.get("hasNextPage") and info.get("endCursor"):
        return More(node_id, node_type, name, str(info["endCursor"]))
    return None


class _Rows:
    """Collects the rows of one page and what is still to fetch for it."""

    def __init__(self) -> None:
        self.contributions: list[Contribution] = []
        self.label_events: list[LabelEvent] = []
        self.people: list[Person] = []
        self.more: list[More] = []
        self.owner_of: dict[str, tuple[ItemKind, int]] = {}  # node id → item

    def contribution(
        self,
        node: dict[str, Any],
        kind: ContributionKind,
        item: tuple[ItemKind, int],
        at: Any = None,
    ) -> None:
        when = _time(at or node.get("createdAt"))
        if when is None or not node.get("id"):
            return
        who = person(node.get("author"))
        self.people.append(who)
        self.contributions.append(
            Contribution(
                id=str(node["id"]),
                kind=kind,
                item_kind=item[0],
                item_number=item[1],
                author=who.login,
                author_type=who.type,
                created_at=when,
                reactions=int((node.get("reactions") or {}).get("totalCount") or 0),
            )
        )

    def comments(self, connection: Any, item: tuple[ItemKind, int]) -> None:
        for node in _nodes(connection):
            self.contribution(node, "comment", item)

    def reviews(self, connection: Any, item: tuple[ItemKind, int]) -> None:
        for node in _nodes(connection):
            if node.get("state") == "PENDING":
                continue  # not submitted: nobody else can see it
            self.contribution(node, "review", item, node.get("submittedAt"))

    def events(self, connection: Any, item: tuple[ItemKind, int]) -> None:
        for node in _nodes(connection):
            typename = node.get("__typename")
            label = (node.get("label") or {}).get("name")
            when = _time(node.get("createdAt"))
            if typename not in ("LabeledEvent", "UnlabeledEvent") or not label or not when:
                continue
            actor = person(node.get("actor"))
            self.people.append(actor)
            self.label_events.append(
                LabelEvent(
                    id=str(node.get("id") or f"{item[0]}-{item[1]}-{typename}-{label}-{when}"),
                    item_kind=item[0],
                    item_number=item[1],
                    label=str(label),
                    action="labeled" if typename == "LabeledEvent" else "unlabeled",
                    actor=actor.login,
                    created_at=when,
                )
            )

    def discussion_comments(self, connection: Any, item: tuple[ItemKind, int]) -> None:
        for node in _nodes(connection):
            self.contribution(node, "discussion_comment", item)
            replies = node.get("replies")
            self.replies(replies, item)
            if node.get("id"):
                self.owner_of[str(node["id"])] = item
                self._follow(replies, str(node["id"]), "DiscussionComment", "replies")

    def replies(self, connection: Any, item: tuple[ItemKind, int]) -> None:
        for node in _nodes(connection):
            self.contribution(node, "reply", item)

    def _follow(self, connection: Any, node_id: str, node_type: str, name: str) -> None:
        more = _more(connection, node_id, node_type, name)
        if more:
            self.more.append(more)

    def add(self, connection: str, node_type: str, data: Any, item: tuple[ItemKind, int]) -> None:
        """Rows from one nested connection (first page or a follow-up)."""
        if connection == "comments" and node_type == "Discussion":
            self.discussion_comments(data, item)
        elif connection == "comments":
            self.comments(data, item)
        elif connection == "reviews":
            self.reviews(data, item)
        elif connection == "timelineItems":
            self.events(data, item)
        elif connection == "replies":
            self.replies(data, item)

    def item(self, kind: ItemKind, node: dict[str, Any], settings: SyncSettings) -> Item | None:
        created = _time(node.get("createdAt"))
        number = node.get("number")
        if created is None or not isinstance(number, int) or not node.get("id"):
            return None
        node_id = str(node["id"])
        key = (kind, number)
        self.owner_of[node_id] = key
        author = person(node.get("author"))
        self.people.append(author)
        body = node.get("body") if isinstance(node.get("body"), str) else None
        node_type = NODE_TYPES[kind]
        nested = {
            "issue": ("comments", "timelineItems"),
            "pull": ("comments", "reviews", "timelineItems"),
            "discussion": ("comments",),
        }[kind]
        for name in nested:
            self.add(name, node_type, node.get(name), key)
            self._follow(node.get(name), node_id, node_type, name)
        return Item(
            kind=kind,
            number=number,
            title=str(node.get("title") or ""),
            url=str(node.get("url") or ""),
            author=author.login,
            author_type=author.type,
            created_at=created,
            closed_at=_time(node.get("closedAt")),
            merged_at=_time(node.get("mergedAt")),
            labels=tuple(str(n["name"]) for n in _nodes(node.get("labels")) if n.get("name")),
            department=form_answer(body, settings.department_questions),
            role=_role(form_answer(body, settings.role_questions), settings),
            category=((node.get("category") or {}).get("name") if kind == "discussion" else None),
            answered_at=_time(node.get("answerChosenAt")),
            reactions=int((node.get("reactions") or {}).get("totalCount") or 0),
        )


def _role(answer: str | None, settings: SyncSettings) -> str | None:
    if answer and settings.resolve_role is not None:
        return settings.resolve_role(answer) or answer
    return answer


def note_files(folder: str, tree: Any) -> list[NoteFile]:
    """The files of a notes folder (and of its sub-folders, one level down)."""
    found: list[NoteFile] = []

    def visit(entries: Any, depth: int) -> None:
        for entry in entries or []:
            if not isinstance(entry, dict):
                continue
            if entry.get("type") == "tree" and depth == 0:
                visit(((entry.get("object") or {}).get("entries")), 1)
            elif entry.get("type") == "blob":
                name = str(entry.get("name") or "")
                path = str(entry.get("path") or f"{folder}/{name}")
                if (
                    not name
                    or name.startswith(".")
                    or name.lower().startswith(("readme", "template"))
                    or name.lower().endswith(".ics")  # a meeting's calendar file, not notes
                ):
                    continue
                text = (entry.get("object") or {}).get("text")
                if isinstance(text, str):
                    found.append(
                        NoteFile(
                            folder,
                            path,
                            meeting_date(name),
                            notes_state(text) == "held",
                            tuple(attendees(text)),
                        )
                    )
                else:
                    found.append(NoteFile(folder, path, meeting_date(name)))

    if isinstance(tree, dict):
        visit(tree.get("entries"), 0)
    return found


def meeting_date(name: str) -> date | None:
    match = _DATE_IN_NAME.search(name)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


# -- the sync --------------------------------------------------------------------------------


class Syncer:
    def __init__(
        self,
        client: GitHubClient,
        store: Store,
        repo: str,
        settings: SyncSettings,
        *,
        now: Callable[[], datetime],
        progress: Progress | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.repo = repo
        self.owner, self.name = split_repo(repo)
        self.settings = settings
        self.now = now
        self.progress = progress or NoProgress()
        self.report = SyncReport(repo)

    def _graphql(self, query: str, variables: dict[str, Any], what: str) -> dict[str, Any]:
        self.report.requests += 1
        data = self.client.graphql(query, variables, what=what)
        cost = (data.get("rateLimit") or {}).get("cost") if isinstance(data, dict) else None
        if isinstance(cost, int):
            self.report.cost += cost
        return data

    def run(self, *, since: datetime | None = None, full: bool = False) -> SyncReport:
        started = time.monotonic()
        if full:
            self.store.forget(self.repo)
        try:
            probes = self.sync_meta()
            for resource in RESOURCES:
                self.sync_resource(resource, since, probes.get(resource))
        except OperationalError as exc:
            if not self.report.requests:
                raise
            # Every page already fetched is stored with where to go on from.
            raise OperationalError(
                f"{exc} (what was fetched is kept: sync again to continue from there)"
            ) from None
        self.report.seconds = time.monotonic() - started
        return self.report

    # -- items -----------------------------------------------------------------------------

    def sync_resource(self, resource: str, since: datetime | None, probe: Probe | None) -> None:
        """One pass over a resource, newest first, down to the watermark (or `since`)."""
        kind = KINDS[resource]
        state = self.store.state(self.repo, resource)
        watermark = state.watermark
        floor = to_text(since) if since else None
        cursor = state.cursor
        pass_top = state.pass_top
        size = PAGE
        total: int | None = None
        exact: list[str] | None = None  # the update times the probe says changed, if few
        if cursor:
            self.report.resumed.append(resource)
        elif probe is not None:
            # The opening request read the newest update times: fetch only what changed.
            changed = [
                t
                for t in probe.times
                if (not watermark or t > watermark) and (not floor or t >= floor)
            ]
            if not changed:
                self.store.save_state(
                    self.repo, resource, SyncState(watermark, None, None, to_text(self.now()))
                )
                self.report.items[resource] = 0
                self.progress.start(resource, 0)
                self.progress.finish(resource, f"no {RESOURCE_WORDS[resource]} changed")
                return
            if len(changed) < len(probe.times):
                size = len(changed)  # all the changes are among the newest few: exactly those
                exact = changed
            total = len(changed) if len(changed) < PROBE else (None if watermark else probe.total)
        self.progress.start(resource, total)
        written = 0
        while True:
            variables: dict[str, Any] = {
                "owner": self.owner,
                "name": self.name,
                "first": size,
                "cursor": cursor,
            }
            if resource == "issues":
                # GitHub filters issues by update time itself; the others we stop ourselves.
                variables["since"] = max(filter(None, (watermark, floor)), default=None)
            data = self._graphql(
                LIST_QUERIES[resource], variables, f"syncing {resource} of {self.repo}"
            )
            connection = (data.get("repository") or {}).get(CONNECTION_NAMES[resource])
            if not isinstance(connection, dict):
                raise OperationalError(
                    f"syncing {resource} of {self.repo}: GitHub returned no {resource} "
                    "(is the repository there, and can the token read it?)"
                )
            nodes = _nodes(connection)
            if pass_top is None and nodes:
                pass_top = str(nodes[0].get("updatedAt") or "") or None
            fresh = []
            reached_old = False
            for node in nodes:
                updated = str(node.get("updatedAt") or "")
                if (watermark and updated <= watermark) or (floor and updated < floor):
                    reached_old = True
                    break
                fresh.append(node)
            info = connection.get("pageInfo") or {}
            finished = reached_old or not info.get("hasNextPage") or not info.get("endCursor")
            if exact is not None and [str(n.get("updatedAt")) for n in nodes] == exact:
                # Exactly what the probe saw change, so nothing moved in between: done.
                finished = True
            exact = None
            page = self._page(kind, fresh)
            if finished:
                newest = max(filter(None, (watermark, pass_top)), default=None)
                next_state = SyncState(newest, None, None, to_text(self.now()))
            else:
                next_state = SyncState(watermark, pass_top, str(info["endCursor"]), None)
            self.store.save_page(self.repo, resource, page, next_state)
            written += len(page.items)
            self.report.contributions += len(page.contributions)
            self.progress.advance(resource, len(fresh))
            if finished:
                break
            cursor = str(info["endCursor"])
            size = PAGE
        self.report.items[resource] = written
        self.progress.finish(resource, f"{written} {RESOURCE_WORDS[resource]} updated")

    def _page(self, kind: ItemKind, nodes: list[dict[str, Any]]) -> Page:
        rows = _Rows()
        items: list[tuple[Item, str]] = []
        for node in nodes:
            item = rows.item(kind, node, self.settings)
            if item is not None:
                items.append((item, str(node.get("updatedAt") or to_text(item.created_at))))
        self._follow_up(rows)
        return Page(items, rows.contributions, rows.label_events, rows.people)

    def _follow_up(self, rows: _Rows) -> None:
        """Fetch the further pages of nested connections, MORE_BATCH to a request."""
        while rows.more:
            batch, rows.more = rows.more[:MORE_BATCH], rows.more[MORE_BATCH:]
            query, variables = more_query(batch)
            self.report.follow_ups += 1
            data = self._graphql(query, variables, f"syncing more of {self.repo}")
            for index, more in enumerate(batch):
                node = data.get(f"m{index}") or {}
                connection = node.get(more.connection) if isinstance(node, dict) else None
                item = rows.owner_of.get(more.node_id)
                if connection is None or item is None:
                    continue
                rows.add(more.connection, more.node_type, connection, item)
                again = _more(connection, more.node_id, more.node_type, more.connection)
                if again:
                    rows.more.append(again)

    # -- the organisation and the notes folders --------------------------------------------

    def sync_meta(self) -> dict[str, Probe]:
        """The opening request: what changed, the member count, and the notes folders."""
        folders = list(dict.fromkeys(f.strip("/") for f in self.settings.folders if f.strip("/")))
        states = {f: self.store.state(self.repo, f"notes:{f}") for f in folders}
        requests = [FolderRequest(f, since=_after(states[f].watermark)) for f in folders]
        query, variables = meta_query(requests)
        data = self._graphql(
            query, {"owner": self.owner, "name": self.name, **variables}, f"reading {self.repo}"
        )
        repository = data.get("repository")
        if not isinstance(repository, dict):
            raise OperationalError(
                f"reading {self.repo}: no such repository, or the token cannot read it"
            )
        probes = {
            resource: Probe(
                total=int((repository.get(name) or {}).get("totalCount") or 0),
                times=[
                    str(n["updatedAt"]) for n in _nodes(repository.get(name)) if n.get("updatedAt")
                ],
            )
            for resource, name in CONNECTION_NAMES.items()
            if isinstance(repository.get(name), dict)
        }
        self.sync_members()
        if not folders:
            return probes
        self.progress.start("notes", None)
        pending: list[FolderRequest] = []
        collected: dict[str, list[NoteCommit]] = {f: [] for f in folders}
        files: dict[str, list[NoteFile]] = {}
        self._read_folders(data, requests, collected, files, pending)
        while pending:
            query, variables = meta_query(pending, probe=False)
            data = self._graphql(
                query,
                {"owner": self.owner, "name": self.name, **variables},
                "reading notes history",
            )
            asked, pending = pending, []
            self._read_folders(data, asked, collected, files, pending)
        for folder in folders:
            commits = collected[folder]
            newest = max([to_text(c.committed_at) or "" for c in commits], default="") or None
            state = SyncState(
                max(filter(None, (states[folder].watermark, newest)), default=None),
                None,
                None,
                to_text(self.now()),
            )
            self.store.save_notes(self.repo, folder, files.get(folder), commits, state)
            self.report.notes_files += len(files.get(folder) or [])
            self.report.notes_commits += len(commits)
        self.progress.finish(
            "notes",
            f"{self.report.notes_files} notes files, {self.report.notes_commits} new notes commits",
        )
        return probes

    def sync_members(self) -> None:
        """The organisation's member count, for the members objective, when the token may
        read it; otherwise the digest says the figure is unknown."""
        try:
            data = self._graphql(MEMBERS, {"owner": self.owner}, f"counting {self.owner}'s members")
        except OperationalError as exc:
            if "rate limit" in str(exc).lower():
                raise
            self.report.members_note = str(exc)
            return
        owner = data.get("repositoryOwner") or {}
        members = (owner.get("membersWithRole") or {}).get("totalCount")
        if isinstance(members, int):
            self.report.members = members
            self.store.record_count(self.owner, "org_members", self.now(), members)

    def _read_folders(
        self,
        data: dict[str, Any],
        asked: list[FolderRequest],
        collected: dict[str, list[NoteCommit]],
        files: dict[str, list[NoteFile]],
        pending: list[FolderRequest],
    ) -> None:
        repository = data.get("repository") or {}
        target = ((repository.get("defaultBranchRef") or {}).get("target")) or {}
        for index, request in enumerate(asked):
            if request.tree:
                files[request.path] = note_files(request.path, repository.get(f"t{index}"))
            history = target.get(f"h{index}") or {}
            for node in _nodes(history):
                when = _time(node.get("committedDate"))
                if when and node.get("oid"):
                    user = ((node.get("author") or {}).get("user")) or {}
                    collected[request.path].append(
                        NoteCommit(request.path, str(node["oid"]), when, user.get("login"))
                    )
            info = history.get("pageInfo") or {}
            if info.get("hasNextPage") and info.get("endCursor"):
                pending.append(
                    FolderRequest(
                        request.path, since=request.since, after=str(info["endCursor"]), tree=False
                    )
                )


def sync_repo(
    client: GitHubClient,
    store: Store,
    repo: str,
    settings: SyncSettings,
    *,
    now: Callable[[], datetime],
    since: datetime | None = None,
    full: bool = False,
    progress: Progress | None = None,
) -> SyncReport:
    return Syncer(client, store, repo, settings, now=now, progress=progress).run(
        since=since, full=full
    )


def settings_from_config(
    config: DigestConfig, resolve_role: Callable[[str], str | None] | None = None
) -> SyncSettings:
    """What sync needs from the config: notes folders and the form questions it reads."""
    return SyncSettings(
        folders=[g.notes_folder.rstrip("/") for g in config.groups],
        department_questions=list(config.digest.department_questions),
        role_questions=list(config.digest.role_questions),
        resolve_role=resolve_role,
    )


def sync_store(
    client: GitHubClient,
    store_url: str,
    repo: str,
    config: DigestConfig,
    *,
    since: datetime | None = None,
    full: bool = False,
    progress: Progress | None = None,
    resolve_role: Callable[[str], str | None] | None,
) -> SyncReport:
    """Sync `repo` into the store at `store_url`, reading what the config asks for (the
    `sync` and `digest` commands and the scheduled digest all sync through here);
    `resolve_role` reads role answers (`core.providers.role_resolver(ctx)`), None: as written."""
    settings = settings_from_config(config, resolve_role)
    store = Store(store_url)
    try:
        return sync_repo(
            client,
            store,
            repo,
            settings,
            now=lambda: datetime.now(UTC),
            since=since,
            full=full,
            progress=progress,
        )
    finally:
        store.close()
