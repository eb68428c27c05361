"""The sandbox's live state, and every change made to it (by the API or by a test).

`State` holds users, orgs and teams, repositories (labels, issues and pull requests in one
number space, comments, events, milestones, reactions, discussions, git objects and refs),
Projects (v2) and Apps. The REST and GraphQL layers and the test helpers all change it through
the same methods, so events, timelines, `updated_at` and webhooks are recorded the same way
whoever makes the change.

Arranging a test (all helpers take logins and names, create unknown users on first mention,
accept `datetime`, `date` or ISO strings for times, and are safe to call while the server
runs; they hold `state.lock`):

    st = sandbox.state
    st.add_user("ada", name="Ada", company="HMRC")                # type="Bot" for bots
    st.add_org("my-org", members=["ada"], admins=["grace"])
    st.add_team("my-org", "facilitators", members=["ada"])
    st.add_repo("my-org/space", default_branch="main", private=False)   # with a first commit
    st.set_permission("my-org/space", "ada", "triage")          # read|triage|write|maintain|admin
    st.add_label("my-org/space", "good first issue", color="7057ff", description="...")
    n = st.add_issue("my-org/space", title="Hi", body="...", author="ada",
                     labels=["good first issue"], state="closed", created_at="2026-10-01",
                     closed_at="2026-10-03", comments=["first", {"body": "x", "author": "bob"}])
    st.add_comment("my-org/space", n, body="thanks", author="grace", created_at=...)
    st.add_pull("my-org/space", title="Notes", head="notes", files={"a.md": "text"}, author="ada")
    st.put_file("my-org/space", "lean-coffees/2026-10-22.md", "# Notes", message="Add notes")
    cat = st.add_discussion_category("my-org/space", "Ideas", answerable=True)
    st.add_discussion("my-org/space", title="Idea", body="...", category="Ideas", author="ada",
                      comments=[{"body": "+1", "author": "bob", "replies": [...]}])
    st.add_project("my-org", 1, "Community backlog")
    st.now = "2026-11-01T09:00:00Z"      # freeze the clock; st.advance(days=15) moves it
    st.issue("my-org/space", n).labels   # read back any object (plain dataclasses)

Test helpers emit webhooks like API changes do (wrap arranging code in `with st.quiet():` to
stop that); seeding is always quiet.
"""

from __future__ import annotations

import gc
import hashlib
import json
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ghcommunity_sandbox.errors import ApiError, custom, invalid, not_found
from ghcommunity_sandbox.git import FILE_MODE, GitError, Signature, diff_trees
from ghcommunity_sandbox.model import (
    PERMISSION_RANK,
    REACTIONS,
    Account,
    App,
    CheckAnnotation,
    CheckRun,
    Comment,
    Discussion,
    DiscussionCategory,
    DiscussionComment,
    Installation,
    Issue,
    IssueEvent,
    Label,
    Milestone,
    Org,
    Project,
    ProjectItem,
    PullData,
    Reaction,
    Repo,
    Review,
    Team,
    TokenInfo,
    User,
    iso,
    parse_iso,
)

Time = datetime | date | str
DEFAULT_LABEL_COLOR = "ededed"
GHOST_ID = 10137
DEFAULT_BOT = "ghcommunity[bot]"
CHECK_STATUSES = ("queued", "in_progress", "completed")
# What an App may set (GitHub sets `stale` itself).
CHECK_CONCLUSIONS = (
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "success",
    "skipped",
    "timed_out",
)
_UNSET: Any = object()


@dataclass(slots=True)
class Change:
    """One change, as GitHub would announce it in a webhook (`event`.`action`)."""

    event: str
    action: str | None
    repo: Repo | None
    sender: User
    subject: Any = None  # the Issue, Comment, Label, Discussion, ... the event is about
    extra: dict[str, Any] = field(default_factory=dict)


def _color(value: str | None, default: str = DEFAULT_LABEL_COLOR) -> str:
    if value is None:
        return default
    return value.removeprefix("#")


def _valid_color(value: str) -> bool:
    return len(value) == 6 and all(c in "0123456789abcdefABCDEF" for c in value)


def _lower(login: str) -> str:
    return login.lower()


class State:
    """Everything the sandbox knows. Guard reads and writes with `state.lock` (an RLock)."""

    _PERSISTED = (
        "users",
        "orgs",
        "repos",
        "nodes",
        "projects",
        "apps",
        "installations",
        "tokens",
        "restrict_tokens",
        "apps_configured",
        "next_id",
        "frozen_now",
        "default_actor",
        "issued_tokens",
    )

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.listeners: list[Callable[[Change], None]] = []
        self._quiet = 0
        self.caches: dict[Any, Any] = {}
        self.clear()

    # -- lifecycle --------------------------------------------------------------------------

    def clear(self) -> None:
        """Empty state: no repos, just the ghost user, the default bot and its App."""
        with self.lock:
            self.users: dict[str, User] = {}
            self.orgs: dict[str, Org] = {}
            self.repos: dict[str, Repo] = {}
            self.nodes: dict[int, Any] = {}
            self.projects: dict[tuple[str, int], Project] = {}
            self.apps: dict[int, App] = {}
            self.installations: dict[int, Installation] = {}
            self.tokens: dict[str, TokenInfo] = {}
            self.issued_tokens: dict[str, TokenInfo] = {}
            self.restrict_tokens = False
            self.apps_configured = False
            self.next_id = 1000
            self.frozen_now: str | None = None
            self.default_actor = DEFAULT_BOT
            self.caches.clear()
            ghost = User(GHOST_ID, "ghost", name="Deleted user", created_at="2008-05-13T06:14:25Z")
            self.users["ghost"] = ghost
            self.nodes[GHOST_ID] = ghost
            self.add_app(1, "ghcommunity", name="ghcommunity", configured=False)
            self.add_installation(1, app_id=1, account="", configured=False)

    def snapshot(self) -> bytes:
        """The whole state as bytes (pickle), for reset and `--persist`."""
        with self.lock:
            data = {name: getattr(self, name) for name in self._PERSISTED}
            collecting = gc.isenabled()
            gc.disable()
            try:
                return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                if collecting:
                    gc.enable()

    def restore(self, blob: bytes) -> None:
        """Replace everything with a snapshot (in place: references to `state` stay valid)."""
        collecting = gc.isenabled()
        gc.disable()  # unpickling a big graph with the collector on re-scans it over and over
        try:
            data = pickle.loads(blob)  # noqa: S301 - our own snapshots only
        finally:
            if collecting:
                gc.enable()
        with self.lock:
            for name in self._PERSISTED:
                setattr(self, name, data[name])
            self.caches.clear()

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Changes made inside send no webhooks."""
        with self.lock:
            self._quiet += 1
        try:
            yield
        finally:
            with self.lock:
                self._quiet -= 1

    def _emit(self, change: Change) -> None:
        if self._quiet:
            return
        for listener in list(self.listeners):
            listener(change)

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _register(self, obj: Any) -> Any:
        self.nodes[obj.id] = obj
        return obj

    def _touch(self, repo: Repo) -> None:
        repo.version += 1

    # -- the clock --------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The sandbox's time: frozen when set (`state.now = ...`), else the real UTC time."""
        if self.frozen_now is not None:
            return parse_iso(self.frozen_now)
        return datetime.now(UTC).replace(microsecond=0)

    @now.setter
    def now(self, value: Time | None) -> None:
        self.frozen_now = None if value is None else iso(value)

    def set_clock(self, value: Time | None) -> None:
        """Freeze the clock at `value` (None: follow the real time again)."""
        self.now = value

    def advance(self, **delta: float) -> datetime:
        """Move the (now frozen) clock forward, e.g. `advance(days=14)`."""
        self.now = self.now + timedelta(**delta)
        return self.now

    def now_iso(self) -> str:
        return self.frozen_now or iso(datetime.now(UTC))

    def _when(self, value: Time | None) -> str:
        return self.now_iso() if value is None else iso(value)

    # -- accounts ---------------------------------------------------------------------------

    def user(self, login: str) -> User | None:
        return self.users.get(_lower(login))

    def account(self, login: str) -> Account | None:
        key = _lower(login)
        return self.orgs.get(key) or self.users.get(key)

    def get_user(self, login: str) -> User:
        """The user with this login, created (as a plain user) on first mention."""
        with self.lock:
            found = self.users.get(_lower(login))
            if found is not None:
                return found
            kind = "Bot" if login.endswith("[bot]") else "User"
            return self.add_user(login, type=kind)

    def add_user(
        self,
        login: str,
        name: str | None = None,
        company: str | None = None,
        type: str = "User",
        *,
        email: str | None = None,
        bio: str | None = None,
        location: str | None = None,
        created_at: Time | None = None,
        id: int | None = None,
    ) -> User:
        """Add a user (or update the profile of one that exists)."""
        if type not in ("User", "Bot"):
            raise ValueError(f"a user's type is User or Bot, not {type!r}")
        with self.lock:
            existing = self.users.get(_lower(login))
            if existing is not None:
                if name is not None:
                    existing.name = name
                if company is not None:
                    existing.company = company
                if email is not None:
                    existing.email = email
                if bio is not None:
                    existing.bio = bio
                if location is not None:
                    existing.location = location
                existing.type = type if type != "User" else existing.type
                return existing
            user = User(
                id if id is not None else self._new_id(),
                login,
                name=name,
                company=company,
                email=email,
                type=type,
                bio=bio,
                location=location,
                created_at=self._when(created_at) if created_at else "2020-01-01T00:00:00Z",
            )
            self.users[_lower(login)] = user
            self._register(user)
            return user

    def add_org(
        self,
        login: str,
        members: Iterable[str] = (),
        *,
        admins: Iterable[str] = (),
        name: str | None = None,
        description: str | None = None,
        email: str | None = None,
        created_at: Time | None = None,
    ) -> Org:
        """Add an organisation (or add members to one that exists)."""
        with self.lock:
            org = self.orgs.get(_lower(login))
            if org is None:
                if _lower(login) in self.users:
                    raise ValueError(f"{login!r} is already a user")
                org = Org(
                    self._new_id(),
                    login,
                    name=name,
                    description=description,
                    email=email,
                    created_at=self._when(created_at) if created_at else "2020-01-01T00:00:00Z",
                )
                self.orgs[_lower(login)] = org
                self._register(org)
            for member in members:
                self.get_user(member)
                org.members.setdefault(_lower(member), "member")
            for admin in admins:
                self.get_user(admin)
                org.members[_lower(admin)] = "admin"
            return org

    def add_member(self, org: str, login: str, role: str = "member") -> None:
        self.add_org(org, admins=[login]) if role == "admin" else self.add_org(org, [login])

    def org(self, login: str) -> Org | None:
        return self.orgs.get(_lower(login))

    def add_team(
        self,
        org: str,
        slug: str,
        members: Iterable[str] = (),
        *,
        maintainers: Iterable[str] = (),
        name: str | None = None,
        description: str | None = None,
        privacy: str = "closed",
    ) -> Team:
        """Add a team to an org (its members become org members too)."""
        with self.lock:
            the_org = self.add_org(org)
            team = the_org.teams.get(slug.lower())
            if team is None:
                team = Team(
                    self._new_id(),
                    the_org.login,
                    slug.lower(),
                    name or slug,
                    description=description,
                    privacy=privacy,
                )
                the_org.teams[team.slug] = self._register(team)
            for login in members:
                self.add_org(org, [login])
                team.members.setdefault(_lower(login), "member")
            for login in maintainers:
                self.add_org(org, [login])
                team.members[_lower(login)] = "maintainer"
            return team

    # -- repositories -----------------------------------------------------------------------

    def repo(self, full_name: str) -> Repo | None:
        return self.repos.get(full_name.lower())

    def require_repo(self, full_name: str | Repo) -> Repo:
        if isinstance(full_name, Repo):
            return full_name
        found = self.repos.get(full_name.lower())
        if found is None:
            raise not_found()
        return found

    def add_repo(
        self,
        full_name: str,
        default_branch: str = "main",
        private: bool = False,
        *,
        description: str | None = None,
        created_at: Time | None = None,
        auto_init: bool = True,
        has_discussions: bool = True,
        topics: Sequence[str] = (),
        homepage: str | None = None,
    ) -> Repo:
        """Add a repository; `auto_init` gives it a first commit (a README) on its branch."""
        owner_login, sep, name = full_name.partition("/")
        if not sep or not owner_login or not name or "/" in name:
            raise ValueError(f"{full_name!r} is not OWNER/NAME")
        with self.lock:
            existing = self.repos.get(full_name.lower())
            if existing is not None:
                return existing
            owner: Account = self.account(owner_login) or self.get_user(owner_login)
            when = self._when(created_at)
            repo = Repo(
                self._new_id(),
                owner,
                name,
                created_at=when,
                updated_at=when,
                pushed_at=when,
                private=private,
                description=description,
                homepage=homepage,
                default_branch=default_branch,
                has_discussions=has_discussions,
                topics=list(topics),
            )
            self.repos[full_name.lower()] = self._register(repo)
            if auto_init:
                author = owner if isinstance(owner, User) else self.get_user(self.default_actor)
                self._commit(
                    repo,
                    default_branch,
                    {"README.md": f"# {name}\n".encode()},
                    "Initial commit",
                    author,
                    when,
                    create_branch=True,
                    emit=False,
                )
            return repo

    def set_permission(self, repo: str | Repo, login: str, permission: str) -> None:
        """Make `login` a collaborator with this permission (read/triage/write/maintain/admin)."""
        if permission not in PERMISSION_RANK:
            raise ValueError(f"unknown permission {permission!r}")
        with self.lock:
            the_repo = self.require_repo(repo)
            self.get_user(login)
            the_repo.collaborators[_lower(login)] = permission

    def permission(self, repo: Repo, login: str | None) -> str | None:
        """A user's effective permission on a repository (None: no access beyond public)."""
        if login is None:
            return None
        key = _lower(login)
        if key == _lower(self.default_actor):
            return "admin"
        best: str | None = None
        if key == _lower(repo.owner.login):
            return "admin"
        if isinstance(repo.owner, Org):
            role = repo.owner.members.get(key)
            if role == "admin":
                return "admin"
            if role is not None:
                best = "read"
        granted = repo.collaborators.get(key)
        if granted is not None and (
            best is None or PERMISSION_RANK[granted] > PERMISSION_RANK[best]
        ):
            best = granted
        return best

    def role_name(self, repo: Repo, login: str) -> str:
        return self.permission(repo, login) or "none"

    def association(self, repo: Repo, user: User, item: Issue | None = None) -> str:
        """GitHub's author_association of `user` in `repo` (for `item` when it is theirs)."""
        key = _lower(user.login)
        if key == _lower(repo.owner.login):
            return "OWNER"
        if isinstance(repo.owner, Org) and key in repo.owner.members:
            return "MEMBER"
        if key in repo.collaborators:
            return "COLLABORATOR"
        if key in repo.contributors:
            return "CONTRIBUTOR"
        if item is not None and item.user is user and repo.first_item.get(key) == item.number:
            return "FIRST_TIME_CONTRIBUTOR"
        return "NONE"

    # -- labels -----------------------------------------------------------------------------

    def _check_label(self, name: str | None, color: str | None, description: str | None) -> None:
        if name is not None and (not name.strip() or len(name) > 50):
            raise invalid("Label", "name")
        if color is not None and not _valid_color(color):
            raise invalid("Label", "color")
        if description is not None and len(description) > 100:
            raise invalid("Label", "description")

    def create_label(
        self,
        repo: Repo,
        actor: User,
        name: str,
        color: str | None = None,
        description: str | None = None,
    ) -> Label:
        with self.lock:
            color = _color(color)
            self._check_label(name, color, description)
            if repo.label(name) is not None:
                raise invalid("Label", "name", "already_exists")
            label = Label(
                self._new_id(), name, color.lower(), description, created_at=self.now_iso()
            )
            repo.labels[name.lower()] = self._register(label)
            self._touch(repo)
            self._emit(Change("label", "created", repo, actor, label))
            return label

    def update_label(
        self,
        repo: Repo,
        actor: User,
        label: Label,
        *,
        new_name: str | None = None,
        color: str | None = None,
        description: str | None = _UNSET,
    ) -> Label:
        with self.lock:
            color = None if color is None else color.removeprefix("#")
            desc = None if description is _UNSET else description
            self._check_label(new_name, color, desc)
            changes: dict[str, Any] = {}
            if new_name is not None and new_name != label.name:
                other = repo.label(new_name)
                if other is not None and other is not label:
                    raise invalid("Label", "name", "already_exists")
                changes["name"] = {"from": label.name}
                del repo.labels[label.name.lower()]
                label.name = new_name
                repo.labels[new_name.lower()] = label
            if color is not None and color.lower() != label.color:
                changes["color"] = {"from": label.color}
                label.color = color.lower()
            if description is not _UNSET and description != label.description:
                changes["description"] = {"from": label.description}
                label.description = description
            self._touch(repo)
            self._emit(Change("label", "edited", repo, actor, label, {"changes": changes}))
            return label

    def delete_label(self, repo: Repo, actor: User, label: Label) -> None:
        with self.lock:
            repo.labels.pop(label.name.lower(), None)
            for issue in repo.issues.values():
                if label in issue.labels:
                    issue.labels.remove(label)
            for discussion in repo.discussions.values():
                if label in discussion.labels:
                    discussion.labels.remove(label)
            self._touch(repo)
            self._emit(Change("label", "deleted", repo, actor, label))

    def add_label(
        self,
        repo: str | Repo,
        name: str,
        color: str | None = None,
        description: str | None = None,
        *,
        default: bool = False,
    ) -> Label:
        """Test helper: add a label (or update the colour and description of one that exists)."""
        with self.lock:
            the_repo = self.require_repo(repo)
            existing = the_repo.label(name)
            if existing is not None:
                if color is not None:
                    existing.color = _color(color).lower()
                if description is not None:
                    existing.description = description
                return existing
            label = self.create_label(
                the_repo, self.get_user(self.default_actor), name, color, description
            )
            label.default = default
            return label

    def _resolve_labels(self, repo: Repo, actor: User, names: Iterable[str]) -> list[Label]:
        """Labels by name (case-insensitive); unknown ones are created with the default colour."""
        out: list[Label] = []
        for raw in names:
            name = str(raw)
            label = repo.label(name)
            if label is None:
                label = self.create_label(repo, actor, name)
            if label not in out:
                out.append(label)
        return out

    # -- issues -----------------------------------------------------------------------------

    def issue(self, repo: str | Repo, number: int) -> Issue:
        """An issue or pull request by number (ApiError 404 when there is none)."""
        the_repo = self.require_repo(repo)
        found = the_repo.issues.get(int(number))
        if found is None:
            raise not_found()
        return found

    def _allocate_number(self, repo: Repo) -> int:
        number = repo.next_number
        repo.next_number += 1
        return number

    def _event(self, issue: Issue, kind: str, actor: User | None, when: str, **fields: Any) -> None:
        event = IssueEvent(self._new_id(), kind, actor, when, issue, **fields)
        issue.events.append(self._register(event))
        issue.repo.events.append(event)

    def pin_issue(self, issue: Issue, actor: User, pin: bool, *, limit: int) -> None:
        """Pin or unpin an issue above the repository's issue list, as GitHub does: at most
        `limit` pinned, an `issues.pinned`/`issues.unpinned` webhook and timeline event."""
        with self.lock:
            if issue.pinned == pin:
                return
            if (
                pin
                and sum(i.pinned and i.pull is None for i in issue.repo.issues.values()) >= limit
            ):
                raise ApiError(422, f"a repository can pin at most {limit} issues")
            issue.pinned = pin
            action = "pinned" if pin else "unpinned"
            self._event(issue, action, actor, self.now_iso())
            self._touch(issue.repo)
            self._emit(Change("issues", action, issue.repo, actor, issue))

    def create_issue(
        self,
        repo: Repo,
        actor: User,
        *,
        title: str,
        body: str | None = None,
        labels: Iterable[str] = (),
        assignees: Iterable[str] = (),
        milestone: Milestone | None = None,
        created_at: Time | None = None,
        author_association: str | None = None,
        pull: PullData | None = None,
        number: int | None = None,
    ) -> Issue:
        if not isinstance(title, str) or not title.strip():
            raise invalid("Issue", "title", "missing_field")
        with self.lock:
            when = self._when(created_at)
            kind = "pull_request" if pull is not None else "issues"
            the_labels = self._resolve_labels(repo, actor, labels)  # new labels exist first
            if number is None:
                number = self._allocate_number(repo)
            else:
                repo.next_number = max(repo.next_number, number + 1)
            issue = Issue(
                self._new_id(),
                number,
                repo,
                title,
                body,
                actor,
                when,
                when,
                author_association=author_association,
                pull=pull,
                milestone=milestone,
            )
            repo.issues[number] = self._register(issue)
            repo.first_item.setdefault(_lower(actor.login), number)
            repo.updated_at = max(repo.updated_at, when)
            self._touch(repo)
            # As on GitHub, "opened" already carries the labels and assignees the issue was
            # created with; a "labeled" / "assigned" delivery for each follows it.
            after: list[Change] = []
            for label in the_labels:
                issue.labels.append(label)
                self._event(issue, "labeled", actor, when, label=(label.name, label.color))
                after.append(Change(kind, "labeled", repo, actor, issue, {"label": label}))
            for login in assignees:
                user = self.get_user(login)
                if user not in issue.assignees:
                    issue.assignees.append(user)
                    self._event(issue, "assigned", actor, when, assignee=user, assigner=actor)
                    after.append(Change(kind, "assigned", repo, actor, issue, {"assignee": user}))
            self._emit(Change(kind, "opened", repo, actor, issue))
            for change in after:
                self._emit(change)
            return issue

    def edit_issue(
        self,
        issue: Issue,
        actor: User,
        *,
        title: str = _UNSET,
        body: str | None = _UNSET,
        state: str = _UNSET,
        state_reason: str | None = _UNSET,
        milestone: Milestone | None = _UNSET,
        labels: Iterable[str] = _UNSET,
        assignees: Iterable[str] = _UNSET,
        when: Time | None = None,
    ) -> Issue:
        """Change an issue as PATCH /issues/{n} does, recording events and webhooks."""
        with self.lock:
            repo = issue.repo
            at = self._when(when)
            kind = "pull_request" if issue.pull is not None else "issues"
            changes: dict[str, Any] = {}
            if title is not _UNSET and title is not None and title != issue.title:
                if not str(title).strip():
                    raise invalid("Issue", "title", "missing_field")
                changes["title"] = {"from": issue.title}
                self._event(issue, "renamed", actor, at, rename=(issue.title, title))
                issue.title = title
            if body is not _UNSET and body != issue.body:
                changes["body"] = {"from": issue.body or ""}
                issue.body = body
                issue.last_edited_at = at
                issue.editor = actor
            if milestone is not _UNSET and milestone is not issue.milestone:
                if issue.milestone is not None:
                    self._event(issue, "demilestoned", actor, at, milestone=issue.milestone.title)
                issue.milestone = milestone
                if milestone is not None:
                    self._event(issue, "milestoned", actor, at, milestone=milestone.title)
            if changes:
                issue.updated_at = at
                self._touch(repo)
                self._emit(Change(kind, "edited", repo, actor, issue, {"changes": changes}))
            if labels is not _UNSET:
                self.set_issue_labels(issue, actor, list(labels or []), when=at)
            if assignees is not _UNSET:
                wanted = [self.get_user(a) for a in assignees or []]
                gone = [u.login for u in issue.assignees if u not in wanted]
                self.remove_assignees(issue, actor, gone, when=at)
                self.add_assignees(issue, actor, [u.login for u in wanted], when=at)
            if state is not _UNSET and state is not None:
                if state not in ("open", "closed"):
                    raise invalid("Issue", "state")
                reason = None if state_reason is _UNSET else state_reason
                if state == "closed" and issue.state != "closed":
                    self._close(issue, actor, at, reason or "completed")
                elif state == "open" and issue.state != "open":
                    self._reopen(issue, actor, at)
                elif state == "closed" and reason and reason != issue.state_reason:
                    issue.state_reason = reason
                    issue.updated_at = at
                    self._touch(repo)
            elif state_reason is not _UNSET and state_reason is not None:
                if state_reason == "reopened" and issue.state == "closed":
                    self._reopen(issue, actor, at)
                elif state_reason in ("completed", "not_planned", "duplicate"):
                    if issue.state != "closed":
                        self._close(issue, actor, at, state_reason)
                    else:
                        issue.state_reason = state_reason
            return issue

    def _close(self, issue: Issue, actor: User, at: str, reason: str) -> None:
        issue.state = "closed"
        issue.state_reason = reason if issue.pull is None else None
        issue.closed_at = at
        issue.closed_by = actor
        issue.updated_at = at
        self._event(issue, "closed", actor, at, state_reason=issue.state_reason)
        self._touch(issue.repo)
        kind = "pull_request" if issue.pull is not None else "issues"
        self._emit(Change(kind, "closed", issue.repo, actor, issue))

    def _reopen(self, issue: Issue, actor: User, at: str) -> None:
        issue.state = "open"
        issue.state_reason = "reopened" if issue.pull is None else None
        issue.closed_at = None
        issue.closed_by = None
        issue.updated_at = at
        self._event(issue, "reopened", actor, at)
        self._touch(issue.repo)
        kind = "pull_request" if issue.pull is not None else "issues"
        self._emit(Change(kind, "reopened", issue.repo, actor, issue))

    def add_issue_labels(
        self, issue: Issue, actor: User, names: Iterable[str], *, when: Time | None = None
    ) -> list[Label]:
        """Add labels (creating unknown ones, as GitHub does); returns the issue's labels."""
        with self.lock:
            at = self._when(when)
            kind = "pull_request" if issue.pull is not None else "issues"
            for label in self._resolve_labels(issue.repo, actor, names):
                if label in issue.labels:
                    continue
                issue.labels.append(label)
                issue.updated_at = at
                self._event(issue, "labeled", actor, at, label=(label.name, label.color))
                self._touch(issue.repo)
                self._emit(Change(kind, "labeled", issue.repo, actor, issue, {"label": label}))
            return list(issue.labels)

    def remove_issue_label(
        self, issue: Issue, actor: User, name: str, *, when: Time | None = None
    ) -> list[Label]:
        with self.lock:
            label = issue.repo.label(name)
            if label is None or label not in issue.labels:
                raise ApiError(404, "Label does not exist")
            at = self._when(when)
            issue.labels.remove(label)
            issue.updated_at = at
            self._event(issue, "unlabeled", actor, at, label=(label.name, label.color))
            self._touch(issue.repo)
            kind = "pull_request" if issue.pull is not None else "issues"
            self._emit(Change(kind, "unlabeled", issue.repo, actor, issue, {"label": label}))
            return list(issue.labels)

    def set_issue_labels(
        self, issue: Issue, actor: User, names: Iterable[str], *, when: Time | None = None
    ) -> list[Label]:
        with self.lock:
            wanted = self._resolve_labels(issue.repo, actor, names)
            for label in list(issue.labels):
                if label not in wanted:
                    self.remove_issue_label(issue, actor, label.name, when=when)
            return self.add_issue_labels(issue, actor, [lab.name for lab in wanted], when=when)

    def add_assignees(
        self, issue: Issue, actor: User, logins: Iterable[str], *, when: Time | None = None
    ) -> None:
        with self.lock:
            at = self._when(when)
            kind = "pull_request" if issue.pull is not None else "issues"
            for login in logins:
                user = self.user(login)
                if user is None or user in issue.assignees or len(issue.assignees) >= 10:
                    continue  # GitHub silently skips people it cannot assign
                issue.assignees.append(user)
                issue.updated_at = at
                self._event(issue, "assigned", actor, at, assignee=user, assigner=actor)
                self._touch(issue.repo)
                self._emit(Change(kind, "assigned", issue.repo, actor, issue, {"assignee": user}))

    def remove_assignees(
        self, issue: Issue, actor: User, logins: Iterable[str], *, when: Time | None = None
    ) -> None:
        with self.lock:
            at = self._when(when)
            kind = "pull_request" if issue.pull is not None else "issues"
            for login in logins:
                user = self.user(login)
                if user is None or user not in issue.assignees:
                    continue
                issue.assignees.remove(user)
                issue.updated_at = at
                self._event(issue, "unassigned", actor, at, assignee=user, assigner=actor)
                self._touch(issue.repo)
                self._emit(Change(kind, "unassigned", issue.repo, actor, issue, {"assignee": user}))

    def lock_issue(self, issue: Issue, actor: User, reason: str | None = None) -> None:
        with self.lock:
            at = self.now_iso()
            if not issue.locked:
                issue.locked = True
                issue.active_lock_reason = reason
                issue.updated_at = at
                self._event(issue, "locked", actor, at, lock_reason=reason)
                self._touch(issue.repo)
                self._emit(Change("issues", "locked", issue.repo, actor, issue))

    def unlock_issue(self, issue: Issue, actor: User) -> None:
        with self.lock:
            at = self.now_iso()
            if issue.locked:
                issue.locked = False
                issue.active_lock_reason = None
                issue.updated_at = at
                self._event(issue, "unlocked", actor, at)
                self._touch(issue.repo)
                self._emit(Change("issues", "unlocked", issue.repo, actor, issue))

    def add_issue(
        self,
        repo: str | Repo,
        title: str = "An issue",
        body: str | None = None,
        author: str | None = None,
        labels: Iterable[str] = (),
        state: str = "open",
        created_at: Time | None = None,
        closed_at: Time | None = None,
        *,
        updated_at: Time | None = None,
        author_association: str | None = None,
        comments: Iterable[str | Mapping[str, Any]] = (),
        assignees: Iterable[str] = (),
        state_reason: str | None = None,
        closed_by: str | None = None,
        labelled_by: str | None = None,
        reactions: Mapping[str, Iterable[str]] | None = None,
        milestone: str | None = None,
        number: int | None = None,
    ) -> int:
        """Test helper: an issue as its author opened it, optionally closed; returns its number.

        `comments` are strings (by the author) or dicts with `body`, `author`, `created_at`,
        `reactions` ({content: [logins]}). Labels are recorded as applied at `created_at` by
        `labelled_by` (default: the author). `reactions` maps a content ("+1", "heart") to
        the logins that reacted.
        """
        with self.lock:
            the_repo = self.require_repo(repo)
            user = self.get_user(author or self.default_actor)
            when = self._when(created_at)
            the_milestone = None
            if milestone is not None:
                the_milestone = next(
                    (m for m in the_repo.milestones.values() if m.title == milestone), None
                ) or self.add_milestone(the_repo, milestone)
            issue = self.create_issue(
                the_repo,
                user,
                title=title,
                body=body,
                created_at=when,
                author_association=author_association,
                milestone=the_milestone,
                number=number,
            )
            labeller = self.get_user(labelled_by) if labelled_by else user
            if labels:
                self.add_issue_labels(issue, labeller, labels, when=when)
            if assignees:
                for login in assignees:
                    self.get_user(login)
                self.add_assignees(issue, labeller, assignees, when=when)
            for reaction, logins in (reactions or {}).items():
                for login in logins:
                    self.react(issue, self.get_user(login), reaction, when=when)
            for comment in comments:
                spec = {"body": comment} if isinstance(comment, str) else dict(comment)
                self.add_comment(
                    the_repo,
                    issue.number,
                    body=str(spec.get("body", "")),
                    author=spec.get("author") or user.login,
                    created_at=spec.get("created_at") or when,
                    reactions=spec.get("reactions"),  # type: ignore[arg-type]
                    author_association=spec.get("author_association"),
                )
            if state == "closed":
                closer = self.get_user(closed_by) if closed_by else user
                at = self._when(closed_at or updated_at or when)
                self._close(issue, closer, at, state_reason or "completed")
            issue.updated_at = max(
                issue.updated_at, self._when(updated_at) if updated_at else issue.updated_at
            )
            return issue.number

    def add_milestone(
        self,
        repo: str | Repo,
        title: str,
        *,
        description: str | None = None,
        due_on: Time | None = None,
        state: str = "open",
        actor: User | None = None,
    ) -> Milestone:
        with self.lock:
            the_repo = self.require_repo(repo)
            number = max(the_repo.milestones, default=0) + 1
            when = self.now_iso()
            creator = actor or self.get_user(self.default_actor)
            milestone = Milestone(
                self._new_id(),
                number,
                title,
                creator,
                description=description,
                state=state,
                due_on=iso(due_on) if due_on else None,
                created_at=when,
                updated_at=when,
            )
            the_repo.milestones[number] = self._register(milestone)
            self._touch(the_repo)
            self._emit(Change("milestone", "created", the_repo, creator, milestone))
            return milestone

    # -- comments and reactions -------------------------------------------------------------

    def create_comment(
        self,
        issue: Issue,
        actor: User,
        body: str,
        *,
        created_at: Time | None = None,
        author_association: str | None = None,
    ) -> Comment:
        if not isinstance(body, str) or not body.strip():
            raise invalid("IssueComment", "body", "missing_field")
        with self.lock:
            when = self._when(created_at)
            comment = Comment(
                self._new_id(),
                issue,
                actor,
                body,
                when,
                when,
                author_association=author_association,
            )
            issue.comments.append(self._register(comment))
            issue.repo.comments[comment.id] = comment
            issue.updated_at = max(issue.updated_at, when)
            self._touch(issue.repo)
            self._emit(Change("issue_comment", "created", issue.repo, actor, comment))
            return comment

    def comment(self, repo: str | Repo, comment_id: int) -> Comment:
        the_repo = self.require_repo(repo)
        found = the_repo.comments.get(int(comment_id))
        if found is None:
            raise not_found()
        return found

    def edit_comment(
        self, comment: Comment, actor: User, body: str, *, when: Time | None = None
    ) -> Comment:
        if not isinstance(body, str) or not body.strip():
            raise invalid("IssueComment", "body", "missing_field")
        with self.lock:
            at = self._when(when)
            changes = {"body": {"from": comment.body}}
            comment.body = body
            comment.updated_at = at
            comment.last_edited_at = at
            comment.editor = actor
            comment.issue.updated_at = max(comment.issue.updated_at, at)
            self._touch(comment.issue.repo)
            self._emit(
                Change(
                    "issue_comment",
                    "edited",
                    comment.issue.repo,
                    actor,
                    comment,
                    {"changes": changes},
                )
            )
            return comment

    def delete_comment(self, comment: Comment, actor: User) -> None:
        with self.lock:
            issue = comment.issue
            if comment in issue.comments:
                issue.comments.remove(comment)
            issue.repo.comments.pop(comment.id, None)
            self.nodes.pop(comment.id, None)
            self._touch(issue.repo)
            self._emit(Change("issue_comment", "deleted", issue.repo, actor, comment))

    def add_comment(
        self,
        repo: str | Repo,
        number: int,
        body: str = "A comment",
        author: str | None = None,
        created_at: Time | None = None,
        *,
        reactions: Mapping[str, Iterable[str]] | None = None,
        author_association: str | None = None,
        updated_at: Time | None = None,
    ) -> int:
        """Test helper: a comment on an issue or pull request; returns the comment's id."""
        with self.lock:
            issue = self.issue(repo, number)
            user = self.get_user(author or self.default_actor)
            comment = self.create_comment(
                issue, user, body, created_at=created_at, author_association=author_association
            )
            if updated_at is not None:
                comment.updated_at = iso(updated_at)
            for content, logins in (reactions or {}).items():
                for login in logins:
                    self.react(comment, self.get_user(login), content, when=comment.created_at)
            return comment.id

    def react(
        self,
        subject: Issue | Comment | Discussion | DiscussionComment,
        actor: User,
        content: str,
        *,
        when: Time | None = None,
    ) -> tuple[Reaction, bool]:
        """Add a reaction; (reaction, True) when new, (the existing one, False) otherwise."""
        if content not in REACTIONS:
            raise invalid("Reaction", "content")
        with self.lock:
            for existing in subject.reactions:
                if existing.user is actor and existing.content == content:
                    return existing, False
            reaction = Reaction(self._new_id(), content, actor, self._when(when))
            subject.reactions.append(self._register(reaction))
            repo = _repo_of(subject)
            if repo is not None:
                self._touch(repo)
            return reaction, True

    def unreact(
        self, subject: Issue | Comment | Discussion | DiscussionComment, reaction_id: int
    ) -> None:
        with self.lock:
            for existing in subject.reactions:
                if existing.id == reaction_id:
                    subject.reactions.remove(existing)
                    self.nodes.pop(existing.id, None)
                    repo = _repo_of(subject)
                    if repo is not None:
                        self._touch(repo)
                    return
            raise not_found()

    # -- git and contents -------------------------------------------------------------------

    def _signature(self, user: User, when: str) -> Signature:
        email = user.email or f"{user.id}+{user.login}@users.noreply.github.com"
        return Signature(user.name or user.login, email, when)

    def _commit(
        self,
        repo: Repo,
        branch: str,
        files: Mapping[str, bytes | None],
        message: str,
        author: User,
        when: str,
        *,
        create_branch: bool = False,
        emit: bool = True,
    ) -> str:
        git = repo.git
        ref = f"refs/heads/{branch}"
        parent = git.refs.get(ref)
        if parent is None and not create_branch:
            raise ApiError(404, f"Branch {branch} not found")
        base_tree = git.commits[parent].tree if parent else None
        changes: dict[str, tuple[str, str] | None] = {}
        for path, data in files.items():
            changes[path] = None if data is None else (FILE_MODE, git.put_blob(data))
        tree = git.edit_tree(base_tree, changes)
        sig = self._signature(author, when)
        sha = git.put_commit(
            tree,
            [parent] if parent else [],
            sig,
            sig,
            message,
            author_login=author.login,
            committer_login=author.login,
        )
        self._move_ref(repo, ref, sha, author, emit=emit)
        repo.pushed_at = max(repo.pushed_at, when)
        if branch == repo.default_branch and author.type != "Bot":
            repo.contributors.add(_lower(author.login))
        return sha

    def _move_ref(
        self, repo: Repo, ref: str, sha: str | None, actor: User, *, emit: bool = True
    ) -> None:
        before = repo.git.refs.get(ref)
        if sha is None:
            repo.git.refs.pop(ref, None)
        else:
            repo.git.refs[ref] = sha
        if emit and ref.startswith(("refs/heads/", "refs/tags/")):
            self._emit(
                Change(
                    "push", None, repo, actor, None, {"ref": ref, "before": before, "after": sha}
                )
            )
            if before is None and sha is not None:
                kind = "branch" if ref.startswith("refs/heads/") else "tag"
                short = ref.split("/", 2)[2]
                self._emit(
                    Change("create", None, repo, actor, None, {"ref": short, "ref_type": kind})
                )
        if ref.startswith("refs/heads/") and sha is not None and sha != before:
            self._synchronize(repo, ref.removeprefix("refs/heads/"), sha, actor, emit=emit)

    def _synchronize(self, repo: Repo, branch: str, sha: str, actor: User, *, emit: bool) -> None:
        """New commits on a branch: the open pull requests whose head it is follow them (and
        say so with `pull_request.synchronize`); those whose base it is are recomputed."""
        # A fork's pull requests live in the repository of the same name they were opened on.
        bases = [repo] + [r for r in self.repos.values() if r.name == repo.name and r is not repo]
        for base_repo in bases:
            for issue in base_repo.issues.values():
                pull = issue.pull
                if pull is None or issue.state != "open":
                    continue
                if base_repo is repo and pull.base_ref == branch:
                    pull.mergeable_known = False
                if (pull.head_repo or base_repo) is not repo or pull.head_ref != branch:
                    continue
                if pull.head_sha == sha:
                    continue
                before = pull.head_sha
                pull.head_sha = sha
                pull.mergeable_known = False
                self._pull_stats(base_repo, pull)
                issue.updated_at = max(issue.updated_at, self.now_iso())
                self._touch(base_repo)
                if emit:
                    self._emit(
                        Change(
                            "pull_request",
                            "synchronize",
                            base_repo,
                            actor,
                            issue,
                            {"before": before, "after": sha},
                        )
                    )

    def commit_files(
        self,
        repo: str | Repo,
        files: Mapping[str, str | bytes | None],
        *,
        message: str,
        branch: str | None = None,
        author: str | None = None,
        date: Time | None = None,
        create_branch: bool = False,
    ) -> str:
        """Commit several files at once on a branch (None deletes a path); returns the sha."""
        with self.lock:
            the_repo = self.require_repo(repo)
            data = {path: (v.encode() if isinstance(v, str) else v) for path, v in files.items()}
            return self._commit(
                the_repo,
                branch or the_repo.default_branch,
                data,
                message,
                self.get_user(author or self.default_actor),
                self._when(date),
                create_branch=create_branch,
            )

    def put_file(
        self,
        repo: str | Repo,
        path: str,
        text: str | bytes,
        branch: str | None = None,
        message: str | None = None,
        author: str | None = None,
        date: Time | None = None,
    ) -> str:
        """Test helper: commit one file on a branch (a real commit); returns the commit sha."""
        return self.commit_files(
            repo,
            {path: text},
            message=message or f"Add {path}",
            branch=branch,
            author=author,
            date=date,
        )

    def create_branch(self, repo: str | Repo, branch: str, from_ref: str | None = None) -> str:
        with self.lock:
            the_repo = self.require_repo(repo)
            sha = the_repo.git.resolve(from_ref, the_repo.default_branch)
            if sha is None:
                raise ApiError(422, "Reference does not exist")
            self._move_ref(the_repo, f"refs/heads/{branch}", sha, self.get_user(self.default_actor))
            return sha

    def set_ref(
        self, repo: Repo, actor: User, ref: str, sha: str, *, force: bool = False, create: bool
    ) -> None:
        with self.lock:
            git = repo.git
            if sha not in git.commits and git.kind(sha) is None:
                raise ApiError(422, "Object does not exist")
            current = git.refs.get(ref)
            if create:
                if current is not None:
                    raise ApiError(422, "Reference already exists")
            else:
                if current is None:
                    raise ApiError(422, "Reference does not exist")
                if not force and sha in git.commits and not git.is_ancestor(current, sha):
                    raise ApiError(422, "Update is not a fast forward")
            self._move_ref(repo, ref, sha, actor)

    def delete_ref(self, repo: Repo, actor: User, ref: str) -> None:
        with self.lock:
            if ref not in repo.git.refs:
                raise ApiError(422, "Reference does not exist")
            self._move_ref(repo, ref, None, actor)

    def write_file(
        self,
        repo: Repo,
        actor: User,
        path: str,
        data: bytes | None,
        *,
        message: str,
        branch: str | None,
        sha: str | None,
        author: User | None = None,
        when: Time | None = None,
    ) -> tuple[str, bool]:
        """PUT/DELETE /contents/{path}: (commit sha, created). Checks `sha` as GitHub does."""
        with self.lock:
            branch = branch or repo.default_branch
            head = repo.git.refs.get(f"refs/heads/{branch}")
            if head is None:
                if data is not None and not repo.git.refs:
                    head = None  # an empty repository: the first commit creates the branch
                else:
                    raise ApiError(404, f"Branch {branch} not found")
            existing = repo.git.walk_path(repo.git.commits[head].tree, path) if head else None
            if existing is not None and existing.type == "tree":
                raise invalid("Content", "path")
            if data is None:
                if existing is None:
                    raise not_found()
                if sha is None:
                    raise invalid("Content", "sha", "missing_field")
                if sha != existing.sha:
                    raise ApiError(409, f"{path} does not match {sha}")
            elif existing is not None:
                if sha is None:
                    raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
                if sha != existing.sha:
                    raise ApiError(409, f"{path} does not match {sha}")
            commit = self._commit(
                repo,
                branch,
                {path: data},
                message,
                author or actor,
                self._when(when),
                create_branch=head is None,
            )
            return commit, existing is None

    # -- pull requests ----------------------------------------------------------------------

    def create_pull(
        self,
        repo: Repo,
        actor: User,
        *,
        title: str,
        head: str,
        base: str,
        body: str | None = None,
        draft: bool = False,
        maintainer_can_modify: bool = False,
        created_at: Time | None = None,
    ) -> Issue:
        with self.lock:
            owner, sep, branch = head.partition(":")
            head_repo = repo
            if not sep:
                branch = head
            elif owner.lower() != repo.owner.login.lower():
                fork = self.repo(f"{owner}/{repo.name}")
                if fork is None:
                    raise invalid("PullRequest", "head")
                head_repo = fork
            git = head_repo.git
            head_sha = git.refs.get(f"refs/heads/{branch}")
            base_sha = repo.git.refs.get(f"refs/heads/{base}")
            if head_sha is None:
                raise invalid("PullRequest", "head")
            if base_sha is None:
                raise invalid("PullRequest", "base")
            for other in repo.issues.values():
                pull = other.pull
                if (
                    pull is not None
                    and other.state == "open"
                    and pull.head_ref == branch
                    and pull.base_ref == base
                    and (pull.head_repo or repo) is head_repo
                ):
                    raise custom(
                        "PullRequest",
                        f"A pull request already exists for {head_repo.owner.login}:{branch}.",
                    )
            if head_repo is repo and git.is_ancestor(head_sha, base_sha):
                raise custom("PullRequest", f"No commits between {base} and {branch}")
            data = PullData(
                branch,
                head_sha,
                base,
                base_sha,
                head_repo=None if head_repo is repo else head_repo,
                draft=draft,
                maintainer_can_modify=maintainer_can_modify,
            )
            self._pull_stats(repo, data)
            return self.create_issue(
                repo, actor, title=title, body=body, pull=data, created_at=created_at
            )

    def _pull_stats(self, repo: Repo, data: PullData) -> None:
        git = (data.head_repo or repo).git
        head = git.commits.get(data.head_sha)
        base = repo.git.commits.get(data.base_sha)
        if head is None or base is None:
            return
        changed = diff_trees(repo.git, base.tree, head.tree, git)
        data.additions = sum(f.additions for f in changed)
        data.deletions = sum(f.deletions for f in changed)
        data.changed_files = len(changed)
        data.commits = max(
            1,
            sum(
                1
                for c in git.history(data.head_sha)
                if not repo.git.is_ancestor(c.sha, data.base_sha)
            )
            if data.head_repo is None
            else 1,
        )

    def merge_pull(
        self, issue: Issue, actor: User, *, message: str | None = None, sha: str | None = None
    ) -> str:
        with self.lock:
            pull = issue.pull
            if pull is None:
                raise not_found()
            if issue.state != "open" or pull.merged:
                raise ApiError(405, "Pull Request is not mergeable")
            repo = issue.repo
            head_sha = (pull.head_repo or repo).git.refs.get(f"refs/heads/{pull.head_ref}")
            if head_sha is None:
                raise ApiError(405, "Pull Request is not mergeable")
            if sha is not None and sha != head_sha:
                raise ApiError(409, "Head branch was modified. Review and try the merge again.")
            base_ref = f"refs/heads/{pull.base_ref}"
            base_sha = repo.git.refs[base_ref]
            git = repo.git
            if pull.head_repo is not None:  # a fork: bring its objects over
                other = pull.head_repo.git
                for sha, blob_obj in other.blobs.items():
                    git.blobs.setdefault(sha, blob_obj)
                for sha, tree_obj in other.trees.items():
                    git.trees.setdefault(sha, tree_obj)
                for sha, commit_obj in other.commits.items():
                    git.commits.setdefault(sha, commit_obj)
            head_tree = git.commits[head_sha].tree
            when = self.now_iso()
            sig = self._signature(actor, when)
            if git.is_ancestor(base_sha, head_sha):
                tree = head_tree
            else:
                # Changes on the head branch since it left the base, applied over the base.
                merge_base_files = git.files(git.commits[pull.base_sha].tree)
                head_files = git.files(head_tree)
                edits: dict[str, tuple[str, str] | None] = {}
                for path in set(head_files) | set(merge_base_files):
                    if head_files.get(path) != merge_base_files.get(path):
                        blob = head_files.get(path)
                        edits[path] = None if blob is None else (FILE_MODE, blob)
                tree = git.edit_tree(git.commits[base_sha].tree, edits)
            merge = git.put_commit(
                tree,
                [base_sha, head_sha],
                sig,
                sig,
                message or f"Merge pull request #{issue.number} from {pull.head_ref}",
                author_login=actor.login,
                committer_login=actor.login,
            )
            self._move_ref(repo, base_ref, merge, actor)
            pull.merged = True
            pull.merged_at = when
            pull.merged_by = actor
            pull.merge_commit_sha = merge
            if issue.user.type != "Bot":
                repo.contributors.add(_lower(issue.user.login))
            self._event(issue, "merged", actor, when, commit_id=merge)
            self._close(issue, actor, when, "completed")
            return merge

    def create_review(
        self,
        issue: Issue,
        actor: User,
        *,
        body: str = "",
        event: str = "COMMENT",
        submitted_at: Time | None = None,
    ) -> Review:
        states = {
            "APPROVE": "APPROVED",
            "REQUEST_CHANGES": "CHANGES_REQUESTED",
            "COMMENT": "COMMENTED",
            "PENDING": "PENDING",
            "": "PENDING",
        }
        with self.lock:
            pull = issue.pull
            if pull is None:
                raise not_found()
            state = states.get(event or "", event if event in states.values() else "")
            if not state:
                raise invalid("PullRequestReview", "event")
            if state in ("CHANGES_REQUESTED", "COMMENTED") and not body:
                raise custom("PullRequestReview", "Review body is required for this event")
            when = None if state == "PENDING" else self._when(submitted_at)
            review = Review(self._new_id(), issue, actor, body, state, when, pull.head_sha)
            pull.reviews.append(self._register(review))
            if when:
                issue.updated_at = max(issue.updated_at, when)
            self._touch(issue.repo)
            if when:
                self._emit(Change("pull_request_review", "submitted", issue.repo, actor, review))
            return review

    def add_pull(
        self,
        repo: str | Repo,
        title: str = "A pull request",
        head: str | None = None,
        base: str | None = None,
        body: str | None = None,
        author: str | None = None,
        *,
        files: Mapping[str, str] | None = None,
        created_at: Time | None = None,
        state: str = "open",
        merged: bool = False,
        closed_at: Time | None = None,
        labels: Iterable[str] = (),
        reviews: Iterable[Mapping[str, Any]] = (),
        comments: Iterable[str | Mapping[str, Any]] = (),
        draft: bool = False,
    ) -> int:
        """Test helper: a pull request from branch `head` (made with `files` when missing)."""
        with self.lock:
            the_repo = self.require_repo(repo)
            user = self.get_user(author or self.default_actor)
            when = self._when(created_at)
            base = base or the_repo.default_branch
            head = head or f"{user.login.replace('[bot]', '')}/patch-{the_repo.next_number}"
            if f"refs/heads/{head}" not in the_repo.git.refs:
                self.create_branch(the_repo, head, base)
                changed = files or {f"docs/{head.replace('/', '-')}.md": f"# {title}\n"}
                self._commit(
                    the_repo,
                    head,
                    {p: t.encode() for p, t in changed.items()},
                    title,
                    user,
                    when,
                    emit=False,
                )
            elif files:
                self._commit(
                    the_repo, head, {p: t.encode() for p, t in files.items()}, title, user, when
                )
            issue = self.create_pull(
                the_repo,
                user,
                title=title,
                head=head,
                base=base,
                body=body,
                draft=draft,
                created_at=when,
            )
            if labels:
                self.add_issue_labels(issue, user, labels, when=when)
            for review in reviews:
                reviewer = self.get_user(str(review.get("author") or self.default_actor))
                self.create_review(
                    issue,
                    reviewer,
                    body=str(review.get("body") or ""),
                    event=str(review.get("state") or "COMMENTED"),
                    submitted_at=review.get("submitted_at") or when,
                )
            for comment in comments:
                spec = {"body": comment} if isinstance(comment, str) else dict(comment)
                self.add_comment(
                    the_repo,
                    issue.number,
                    body=str(spec.get("body", "")),
                    author=spec.get("author") or user.login,
                    created_at=spec.get("created_at") or when,
                )
            if merged:
                saved = self.frozen_now
                self.frozen_now = self._when(closed_at or when)
                try:
                    self.merge_pull(issue, self.get_user(self.default_actor))
                finally:
                    self.frozen_now = saved
            elif state == "closed":
                self._close(issue, user, self._when(closed_at or when), "completed")
            return issue.number

    # -- discussions ------------------------------------------------------------------------

    def add_discussion_category(
        self,
        repo: str | Repo,
        name: str,
        *,
        slug: str | None = None,
        emoji: str = ":speech_balloon:",
        description: str | None = None,
        answerable: bool = False,
    ) -> DiscussionCategory:
        with self.lock:
            the_repo = self.require_repo(repo)
            for existing in the_repo.categories:
                if existing.name.lower() == name.lower():
                    return existing
            category = DiscussionCategory(
                self._new_id(),
                the_repo,
                name,
                slug or "-".join(name.lower().split()),
                emoji=emoji,
                description=description,
                is_answerable=answerable,
                created_at=the_repo.created_at,
            )
            the_repo.categories.append(self._register(category))
            return category

    def category(self, repo: Repo, name_or_id: str) -> DiscussionCategory | None:
        for cat in repo.categories:
            if (
                name_or_id in (cat.node_id, cat.name, cat.slug)
                or cat.name.lower() == name_or_id.lower()
            ):
                return cat
        return None

    def create_discussion(
        self,
        repo: Repo,
        actor: User,
        category: DiscussionCategory,
        *,
        title: str,
        body: str,
        created_at: Time | None = None,
    ) -> Discussion:
        with self.lock:
            when = self._when(created_at)
            number = self._allocate_number(repo)
            discussion = Discussion(
                self._new_id(), number, repo, category, title, body, actor, when, when
            )
            repo.discussions[number] = self._register(discussion)
            repo.first_item.setdefault(_lower(actor.login), number)
            self._touch(repo)
            self._emit(Change("discussion", "created", repo, actor, discussion))
            return discussion

    def discussion(self, repo: str | Repo, number: int) -> Discussion:
        the_repo = self.require_repo(repo)
        found = the_repo.discussions.get(int(number))
        if found is None:
            raise not_found()
        return found

    def update_discussion(
        self,
        discussion: Discussion,
        actor: User,
        *,
        title: str | None = None,
        body: str | None = None,
        category: DiscussionCategory | None = None,
    ) -> Discussion:
        with self.lock:
            changes: dict[str, Any] = {}
            if title is not None and title != discussion.title:
                changes["title"] = {"from": discussion.title}
                discussion.title = title
            if body is not None and body != discussion.body:
                changes["body"] = {"from": discussion.body}
                discussion.body = body
            if category is not None and category is not discussion.category:
                discussion.category = category
                changes["category"] = {}
            if changes:
                discussion.updated_at = self.now_iso()
                self._touch(discussion.repo)
                changes.pop("category", None)
                self._emit(
                    Change(
                        "discussion",
                        "edited",
                        discussion.repo,
                        actor,
                        discussion,
                        {"changes": changes},
                    )
                )
            return discussion

    def add_discussion_comment_as(
        self,
        discussion: Discussion,
        actor: User,
        body: str,
        *,
        reply_to: DiscussionComment | None = None,
        created_at: Time | None = None,
    ) -> DiscussionComment:
        with self.lock:
            when = self._when(created_at)
            if reply_to is not None and reply_to.reply_to is not None:
                reply_to = reply_to.reply_to  # GitHub threads are one level deep
            comment = DiscussionComment(
                self._new_id(), discussion, actor, body, when, when, reply_to=reply_to
            )
            self._register(comment)
            if reply_to is None:
                discussion.comments.append(comment)
            else:
                reply_to.replies.append(comment)
            discussion.updated_at = max(discussion.updated_at, when)
            self._touch(discussion.repo)
            self._emit(Change("discussion_comment", "created", discussion.repo, actor, comment))
            return comment

    def mark_answer(
        self, comment: DiscussionComment, actor: User, when: Time | None = None
    ) -> None:
        with self.lock:
            discussion = comment.discussion
            discussion.answer = comment
            discussion.answer_chosen_at = self._when(when)
            discussion.answer_chosen_by = actor
            self._touch(discussion.repo)
            self._emit(Change("discussion", "answered", discussion.repo, actor, discussion))

    def add_discussion(
        self,
        repo: str | Repo,
        title: str = "A discussion",
        body: str = "",
        category: str = "General",
        author: str | None = None,
        created_at: Time | None = None,
        *,
        comments: Iterable[Mapping[str, Any] | str] = (),
        upvotes: Iterable[str] = (),
        reactions: Mapping[str, Iterable[str]] | None = None,
    ) -> int:
        """Test helper: a discussion with comments (dicts may have `replies`, `answer: true`,
        `upvotes`); the category is created when missing. Returns its number."""
        with self.lock:
            the_repo = self.require_repo(repo)
            cat = self.category(the_repo, category) or self.add_discussion_category(
                the_repo, category
            )
            user = self.get_user(author or self.default_actor)
            when = self._when(created_at)
            discussion = self.create_discussion(
                the_repo, user, cat, title=title, body=body, created_at=when
            )
            discussion.upvotes.update(_lower(u) for u in upvotes)
            for content, logins in (reactions or {}).items():
                for login in logins:
                    self.react(discussion, self.get_user(login), content, when=when)
            for spec_any in comments:
                spec = {"body": spec_any} if isinstance(spec_any, str) else dict(spec_any)
                top = self.add_discussion_comment_as(
                    discussion,
                    self.get_user(spec.get("author") or user.login),
                    str(spec.get("body", "")),
                    created_at=spec.get("created_at") or when,
                )
                top.upvotes.update(_lower(u) for u in spec.get("upvotes") or [])
                for reply_any in spec.get("replies") or []:
                    reply = {"body": reply_any} if isinstance(reply_any, str) else dict(reply_any)
                    self.add_discussion_comment_as(
                        discussion,
                        self.get_user(reply.get("author") or user.login),
                        str(reply.get("body", "")),
                        reply_to=top,
                        created_at=reply.get("created_at") or top.created_at,
                    )
                if spec.get("answer"):
                    self.mark_answer(top, user, when=spec.get("answered_at") or top.created_at)
            return discussion.number

    # -- projects ---------------------------------------------------------------------------

    def add_project(
        self, owner: str, number: int, title: str, *, description: str | None = None
    ) -> Project:
        """A Projects (v2) board owned by an org or user."""
        with self.lock:
            key = (_lower(owner), int(number))
            existing = self.projects.get(key)
            if existing is not None:
                return existing
            account = self.account(owner) or self.get_user(owner)
            when = self.now_iso()
            project = Project(
                self._new_id(),
                account.login,
                int(number),
                title,
                self.get_user(self.default_actor),
                when,
                when,
                short_description=description,
            )
            self.projects[key] = self._register(project)
            return project

    def project(self, owner: str, number: int) -> Project | None:
        return self.projects.get((_lower(owner), int(number)))

    def add_project_item(
        self, project: Project, content: Issue | Discussion, actor: User | None = None
    ) -> tuple[ProjectItem, bool]:
        """Add an issue or pull request to a project; adding one already there returns it."""
        with self.lock:
            for item in project.items:
                if item.content is content:
                    return item, False
            when = self.now_iso()
            item = ProjectItem(self._new_id(), project, content, actor, when, when)
            project.items.append(self._register(item))
            content.project_items.append(item)
            project.updated_at = when
            self._touch(content.repo)
            return item, True

    # -- checks and repository dispatches ----------------------------------------------------

    def create_check_run(
        self,
        repo: str | Repo,
        *,
        name: str,
        head_sha: str,
        app: App | int | None = None,
        actor: str | User | None = None,
        status: str | None = None,
        conclusion: str | None = None,
        started_at: Time | None = None,
        completed_at: Time | None = None,
        external_id: str | None = None,
        details_url: str | None = None,
        output: Mapping[str, Any] | None = None,
    ) -> CheckRun:
        """An App's check run on a commit, validated as GitHub does (ApiError 422 otherwise).

        A `conclusion` completes the run. Runs of one App on one commit share a check suite.
        Announces `check_run.created` (and `check_run.completed` when it is born complete).
        """
        with self.lock:
            target = self.require_repo(repo)
            owner = self._check_app(app)
            who = self._actor(actor, owner)
            if not isinstance(name, str) or not name.strip():
                raise invalid("CheckRun", "name", "missing_field")
            sha = target.git.resolve(str(head_sha or ""), target.default_branch)
            if not head_sha or sha is None or not sha.startswith(str(head_sha)):
                raise ApiError(422, f"No commit found for SHA: {head_sha}")
            suite = next(
                (
                    r.check_suite_id
                    for r in target.check_runs.values()
                    if r.app_id == owner.id and r.head_sha == sha
                ),
                None,
            )
            run = CheckRun(
                self._new_id(),
                owner.id,
                suite if suite is not None else self._new_id(),
                sha,
                name,
                "queued",
                self._when(started_at),
                external_id=str(external_id or ""),
                details_url=details_url,
            )
            self._apply_check_fields(run, status, conclusion, completed_at, output)
            target.check_runs[run.id] = self._register(run)
            self._emit(Change("check_run", "created", target, who, run))
            if run.status == "completed":
                self._emit(Change("check_run", "completed", target, who, run))
            return run

    def update_check_run(
        self,
        repo: str | Repo,
        run: CheckRun | int,
        *,
        actor: str | User | None = None,
        name: str | None = None,
        status: str | None = None,
        conclusion: str | None = None,
        completed_at: Time | None = None,
        external_id: str | None = None,
        details_url: str | None = None,
        output: Mapping[str, Any] | None = None,
    ) -> CheckRun:
        """Change a check run; annotations in `output` are added to the ones it has (as
        GitHub does). Announces `check_run.completed` when this completes it."""
        with self.lock:
            target = self.require_repo(repo)
            found = target.check_runs.get(run if isinstance(run, int) else run.id)
            if found is None:
                raise not_found()
            who = self._actor(actor, self.apps.get(found.app_id))
            was = found.status
            if name is not None:
                if not str(name).strip():
                    raise invalid("CheckRun", "name", "missing_field")
                found.name = str(name)
            if external_id is not None:
                found.external_id = str(external_id)
            if details_url is not None:
                found.details_url = str(details_url)
            self._apply_check_fields(found, status, conclusion, completed_at, output)
            if found.status == "completed" and was != "completed":
                self._emit(Change("check_run", "completed", target, who, found))
            return found

    def _check_app(self, app: App | int | None) -> App:
        if isinstance(app, App):
            return app
        if app is None:
            return self.apps.get(1) or next(iter(self.apps.values()))
        found = self.apps.get(int(app))
        if found is None:
            raise ValueError(f"no app with id {app}")
        return found

    def _actor(self, actor: str | User | None, app: App | None) -> User:
        if isinstance(actor, User):
            return actor
        if actor:
            return self.get_user(actor)
        return self.get_user(app.bot_login if app is not None else self.default_actor)

    def _apply_check_fields(
        self,
        run: CheckRun,
        status: str | None,
        conclusion: str | None,
        completed_at: Time | None,
        output: Mapping[str, Any] | None,
    ) -> None:
        if status is not None and status not in CHECK_STATUSES:
            raise invalid("CheckRun", "status")
        if conclusion is not None and conclusion not in CHECK_CONCLUSIONS:
            raise invalid("CheckRun", "conclusion")
        if conclusion is not None:
            status = "completed"  # as GitHub: a conclusion completes the run
        elif status == "completed" or completed_at is not None:
            raise invalid("CheckRun", "conclusion", "missing_field")
        annotations = self._annotations(output)
        if output is not None:
            summary = output.get("summary")
            if not isinstance(summary, str) or not summary:
                raise invalid("CheckRun", "summary", "missing_field")
            if not isinstance(output.get("title"), str) or not output["title"]:
                raise invalid("CheckRun", "title", "missing_field")
            for key in ("summary", "text"):
                value = output.get(key)
                if isinstance(value, str) and len(value) > 65535:
                    raise invalid("CheckRun", key, "too_long")
            run.title = str(output["title"])
            run.summary = summary
            if output.get("text") is not None:
                run.text = str(output["text"])
            run.annotations.extend(annotations)
        if status is not None:
            run.status = status
        if conclusion is not None:
            run.conclusion = conclusion
            run.completed_at = self._when(completed_at)

    @staticmethod
    def _annotations(output: Mapping[str, Any] | None) -> list[CheckAnnotation]:
        raw = (output or {}).get("annotations") or []
        if not isinstance(raw, list):
            raise invalid("CheckRun", "annotations")
        if len(raw) > 50:
            raise custom("CheckRun", "Only 50 annotations are allowed per request")
        out = []
        for item in raw:
            if not isinstance(item, dict):
                raise invalid("CheckRun", "annotations")
            for key in ("path", "start_line", "end_line", "annotation_level", "message"):
                if item.get(key) in (None, ""):
                    raise invalid("CheckRun", key, "missing_field")
            if item["annotation_level"] not in ("notice", "warning", "failure"):
                raise invalid("CheckRun", "annotation_level")
            try:
                start, end = int(item["start_line"]), int(item["end_line"])
            except (TypeError, ValueError):
                raise invalid("CheckRun", "start_line") from None
            if start < 1 or end < start:
                raise invalid("CheckRun", "end_line")
            columns = [item.get("start_column"), item.get("end_column")]
            out.append(
                CheckAnnotation(
                    str(item["path"]),
                    start,
                    end,
                    str(item["annotation_level"]),
                    str(item["message"]),
                    title=None if item.get("title") is None else str(item["title"]),
                    raw_details=(
                        None if item.get("raw_details") is None else str(item["raw_details"])
                    ),
                    # GitHub keeps columns only for an annotation on one line.
                    start_column=int(columns[0]) if columns[0] and start == end else None,
                    end_column=int(columns[1]) if columns[1] and start == end else None,
                )
            )
        return out

    def dispatch_event(
        self,
        repo: str | Repo,
        event_type: Any,
        client_payload: Any = None,
        *,
        actor: str | User | None = None,
    ) -> None:
        """`POST /repos/{owner}/{repo}/dispatches`: announce a `repository_dispatch` webhook
        whose action is `event_type`. Validated as GitHub does (422 with its message)."""
        with self.lock:
            target = self.require_repo(repo)
            who = self._actor(actor, None)
            if event_type is None:
                raise ApiError(422, 'Invalid request.\n\n"event_type" wasn\'t supplied.')
            if not isinstance(event_type, str):
                raise ApiError(
                    422,
                    "Invalid request.\n\nFor 'properties/event_type', "
                    f"{json.dumps(event_type)} is not a string.",
                )
            if not 1 <= len(event_type) <= 100:
                raise ApiError(
                    422, "Invalid request.\n\nevent_type must be 1 to 100 characters long."
                )
            payload = {} if client_payload is None else client_payload
            if not isinstance(payload, dict):
                raise ApiError(
                    422,
                    "Invalid request.\n\nFor 'properties/client_payload', "
                    f"{json.dumps(payload)} is not an object.",
                )
            if len(payload) > 10:
                raise ApiError(
                    422,
                    "Invalid request.\n\nNo more than 10 properties are allowed; "
                    f"{len(payload)} were supplied.",
                )
            if len(json.dumps(payload)) >= 64 * 1024:
                raise ApiError(422, "Invalid request.\n\nclient_payload is over 64 KB.")
            extra = {"client_payload": payload, "branch": target.default_branch}
            self._emit(Change("repository_dispatch", event_type, target, who, None, extra))

    # -- apps and tokens --------------------------------------------------------------------

    def add_app(
        self,
        app_id: int,
        slug: str,
        *,
        name: str | None = None,
        owner: str | None = None,
        permissions: Mapping[str, str] | None = None,
        events: Sequence[str] = (),
        configured: bool = True,
    ) -> App:
        """Configure a GitHub App (JWTs must then carry `iss` = its id)."""
        with self.lock:
            if configured and not self.apps_configured:
                self.apps.clear()
                self.installations.clear()
                self.apps_configured = True
            app = App(
                int(app_id),
                slug,
                name or slug,
                owner or "",
                permissions=dict(
                    permissions
                    or {
                        "issues": "write",
                        "pull_requests": "write",
                        "contents": "write",
                        "discussions": "write",
                        "metadata": "read",
                        "members": "read",
                        "organization_projects": "write",
                    }
                ),
                events=list(events or ["issues", "issue_comment", "discussion", "push", "label"]),
            )
            self.apps[app.id] = app
            bot = self.add_user(app.bot_login, type="Bot")
            bot.name = app.name
            return app

    def add_installation(
        self,
        installation_id: int,
        *,
        app_id: int,
        account: str,
        repositories: Sequence[str] | None = None,
        configured: bool = True,
    ) -> Installation:
        with self.lock:
            app = self.apps.get(int(app_id))
            if app is None:
                raise ValueError(f"no app with id {app_id}")
            inst = Installation(
                int(installation_id),
                app.id,
                account,
                list(repositories) if repositories is not None else None,
                dict(app.permissions),
            )
            self.installations[inst.id] = inst
            return inst

    def add_token(self, token: str, login: str) -> None:
        """Map a bearer token to a user (a seed's `tokens:`)."""
        with self.lock:
            self.get_user(login)
            self.tokens[token] = TokenInfo(login)

    def issue_installation_token(self, installation: Installation) -> tuple[str, str]:
        with self.lock:
            seq = len(self.issued_tokens) + 1
            digest = hashlib.sha1(
                f"{installation.id}:{seq}".encode(), usedforsecurity=False
            ).hexdigest()
            token = "ghs_" + digest[:36]
            expires = iso(self.now + timedelta(hours=1))
            self.issued_tokens[token] = TokenInfo(None, installation.id, expires)
            return token, expires

    def installation_repos(self, installation: Installation) -> list[Repo]:
        if installation.repositories is not None:
            wanted = {r.lower() for r in installation.repositories}
            return [r for key, r in self.repos.items() if key in wanted]
        if not installation.account:
            return list(self.repos.values())
        owner = installation.account.lower()
        return [r for r in self.repos.values() if r.owner.login.lower() == owner]

    def installation_for(self, repo: Repo) -> Installation | None:
        for inst in self.installations.values():
            if repo in self.installation_repos(inst):
                return inst
        return None

    def app_bot(self, installation: Installation) -> User:
        app = self.apps[installation.app_id]
        return self.get_user(app.bot_login)


def _repo_of(subject: Any) -> Repo | None:
    if isinstance(subject, Issue | Discussion):
        return subject.repo
    if isinstance(subject, Comment):
        return subject.issue.repo
    if isinstance(subject, DiscussionComment):
        return subject.discussion.repo
    return None


__all__ = ["Change", "GitError", "State"]
