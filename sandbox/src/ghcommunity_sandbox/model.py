"""The sandbox's data: plain `__slots__` dataclasses for what GitHub stores.

Timestamps are ISO 8601 strings with a `Z` (`2026-10-01T09:30:00Z`): they compare correctly
as strings, serialise for free and cost one shared-format string each. Objects refer to each
other directly (an issue holds its `Label` objects), so renaming a label renames it everywhere.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ghcommunity_sandbox.git import GitStore

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "eyes", "rocket")
# REST reaction content ↔ GraphQL ReactionContent
REACTION_TO_GRAPHQL = {
    "+1": "THUMBS_UP",
    "-1": "THUMBS_DOWN",
    "laugh": "LAUGH",
    "confused": "CONFUSED",
    "heart": "HEART",
    "hooray": "HOORAY",
    "eyes": "EYES",
    "rocket": "ROCKET",
}
GRAPHQL_TO_REACTION = {v: k for k, v in REACTION_TO_GRAPHQL.items()}

PERMISSIONS = ("read", "triage", "write", "maintain", "admin")
PERMISSION_RANK = {name: i for i, name in enumerate(PERMISSIONS)}


def iso(value: datetime | date | str) -> str:
    """Any datetime, date or ISO 8601 string → `YYYY-MM-DDTHH:MM:SSZ` (UTC)."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return text + "T00:00:00Z"
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime(ISO_FORMAT)
    return datetime(value.year, value.month, value.day, tzinfo=UTC).strftime(ISO_FORMAT)


def parse_iso(value: str) -> datetime:
    return datetime.strptime(value, ISO_FORMAT).replace(tzinfo=UTC)


def node_id(type_name: str, key: int | str) -> str:
    """GitHub's (legacy, still accepted) global node id: base64 of `0<len>:<Type><id>`."""
    raw = f"0{len(type_name)}:{type_name}{key}"
    return base64.b64encode(raw.encode()).decode()


def decode_node_id(value: str) -> tuple[str, str] | None:
    """(type name, key) for an id made by `node_id`, or None."""
    try:
        raw = base64.b64decode(value.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    head, sep, rest = raw.partition(":")
    if not sep or not head.isdigit():
        return None
    length = int(head)
    if length <= 0 or len(rest) <= length:
        return None
    return rest[:length], rest[length:]


@dataclass(slots=True, eq=False)
class User:
    """A user, a bot (`type="Bot"`, login ending in `[bot]`) or the ghost of a deleted user."""

    id: int
    login: str
    name: str | None = None
    company: str | None = None
    email: str | None = None
    type: str = "User"
    bio: str | None = None
    location: str | None = None
    blog: str = ""
    created_at: str = "2020-01-01T00:00:00Z"
    site_admin: bool = False

    @property
    def node_type(self) -> str:
        return "Bot" if self.type == "Bot" else "User"

    @property
    def node_id(self) -> str:
        return node_id(self.node_type, self.id)


@dataclass(slots=True, eq=False)
class Team:
    id: int
    org: str  # the org's login
    slug: str
    name: str
    description: str | None = None
    privacy: str = "closed"
    members: dict[str, str] = field(default_factory=dict)  # login (lower) → member|maintainer
    created_at: str = "2020-01-01T00:00:00Z"

    @property
    def node_id(self) -> str:
        return node_id("Team", self.id)


@dataclass(slots=True, eq=False)
class Org:
    id: int
    login: str
    name: str | None = None
    description: str | None = None
    email: str | None = None
    blog: str = ""
    location: str | None = None
    created_at: str = "2020-01-01T00:00:00Z"
    members: dict[str, str] = field(default_factory=dict)  # login (lower) → member|admin
    teams: dict[str, Team] = field(default_factory=dict)  # slug → team
    type: str = "Organization"
    company: str | None = None

    @property
    def node_type(self) -> str:
        return "Organization"

    @property
    def node_id(self) -> str:
        return node_id("Organization", self.id)


Account = User | Org


@dataclass(slots=True, eq=False)
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False
    created_at: str = "2020-01-01T00:00:00Z"

    @property
    def node_id(self) -> str:
        return node_id("Label", self.id)


@dataclass(slots=True, eq=False)
class Milestone:
    id: int
    number: int
    title: str
    creator: User
    description: str | None = None
    state: str = "open"
    due_on: str | None = None
    created_at: str = "2020-01-01T00:00:00Z"
    updated_at: str = "2020-01-01T00:00:00Z"
    closed_at: str | None = None

    @property
    def node_id(self) -> str:
        return node_id("Milestone", self.id)


@dataclass(slots=True, eq=False)
class Reaction:
    id: int
    content: str  # REST form: "+1", "heart", ...
    user: User
    created_at: str

    @property
    def node_id(self) -> str:
        return node_id("Reaction", self.id)


@dataclass(slots=True, eq=False)
class IssueEvent:
    """One entry of an issue's event log (labeled, closed, assigned, renamed, ...)."""

    id: int
    event: str
    actor: User | None
    created_at: str
    issue: Issue
    label: tuple[str, str] | None = None  # (name, color) at the time
    assignee: User | None = None
    assigner: User | None = None
    rename: tuple[str, str] | None = None  # (from, to)
    commit_id: str | None = None
    lock_reason: str | None = None
    state_reason: str | None = None
    milestone: str | None = None
    requested_reviewer: User | None = None

    @property
    def graphql_type(self) -> str:
        return EVENT_GRAPHQL_TYPES.get(self.event, "")

    @property
    def node_id(self) -> str:
        return node_id(self.graphql_type or "IssueEvent", self.id)


EVENT_GRAPHQL_TYPES = {
    "labeled": "LabeledEvent",
    "unlabeled": "UnlabeledEvent",
    "closed": "ClosedEvent",
    "reopened": "ReopenedEvent",
    "assigned": "AssignedEvent",
    "unassigned": "UnassignedEvent",
    "renamed": "RenamedTitleEvent",
    "locked": "LockedEvent",
    "unlocked": "UnlockedEvent",
    "milestoned": "MilestonedEvent",
    "demilestoned": "DemilestonedEvent",
    "merged": "MergedEvent",
    "review_requested": "ReviewRequestedEvent",
    "head_ref_deleted": "HeadRefDeletedEvent",
}


@dataclass(slots=True, eq=False)
class Comment:
    """A comment on an issue or a pull request's conversation."""

    id: int
    issue: Issue
    user: User
    body: str
    created_at: str
    updated_at: str
    reactions: list[Reaction] = field(default_factory=list)
    author_association: str | None = None  # None: computed from the author's role
    last_edited_at: str | None = None  # when the body was last edited, and by whom
    editor: User | None = None

    @property
    def node_id(self) -> str:
        return node_id("IssueComment", self.id)


@dataclass(slots=True, eq=False)
class Review:
    id: int
    pull: Issue
    user: User
    body: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, PENDING, DISMISSED
    submitted_at: str | None
    commit_id: str | None

    @property
    def node_id(self) -> str:
        return node_id("PullRequestReview", self.id)


@dataclass(slots=True, eq=False)
class PullData:
    """What a pull request has beyond an issue."""

    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    head_repo: Repo | None = None  # None: the same repository
    draft: bool = False
    merged: bool = False
    merged_at: str | None = None
    merged_by: User | None = None
    merge_commit_sha: str | None = None
    maintainer_can_modify: bool = False
    reviews: list[Review] = field(default_factory=list)
    requested_reviewers: list[User] = field(default_factory=list)
    additions: int = 0
    deletions: int = 0
    changed_files: int = 0
    commits: int = 1
    # GitHub computes mergeability in the background: `mergeable` is null until a read asks
    # for it, and again after either branch moves.
    mergeable_known: bool = False


@dataclass(slots=True, eq=False)
class Issue:
    """An issue, or a pull request when `pull` is set: they share one number space."""

    id: int
    number: int
    repo: Repo
    title: str
    body: str | None
    user: User
    created_at: str
    updated_at: str
    state: str = "open"
    state_reason: str | None = None
    labels: list[Label] = field(default_factory=list)
    assignees: list[User] = field(default_factory=list)
    milestone: Milestone | None = None
    locked: bool = False
    active_lock_reason: str | None = None
    comments: list[Comment] = field(default_factory=list)
    closed_at: str | None = None
    closed_by: User | None = None
    author_association: str | None = None  # None: computed from the author's role
    reactions: list[Reaction] = field(default_factory=list)
    events: list[IssueEvent] = field(default_factory=list)
    pull: PullData | None = None
    project_items: list[ProjectItem] = field(default_factory=list)
    last_edited_at: str | None = None  # when the body was last edited, and by whom
    editor: User | None = None
    pinned: bool = False  # pinned above the repository's issue list (at most 3)

    @property
    def is_pull(self) -> bool:
        return self.pull is not None

    @property
    def node_type(self) -> str:
        return "PullRequest" if self.pull is not None else "Issue"

    @property
    def node_id(self) -> str:
        return node_id(self.node_type, self.id)


@dataclass(slots=True, eq=False)
class DiscussionCategory:
    id: int
    repo: Repo
    name: str
    slug: str
    emoji: str = ":speech_balloon:"
    description: str | None = None
    is_answerable: bool = False
    created_at: str = "2020-01-01T00:00:00Z"

    @property
    def node_id(self) -> str:
        return node_id("DiscussionCategory", self.id)


@dataclass(slots=True, eq=False)
class DiscussionComment:
    id: int
    discussion: Discussion
    user: User
    body: str
    created_at: str
    updated_at: str
    reply_to: DiscussionComment | None = None
    replies: list[DiscussionComment] = field(default_factory=list)
    upvotes: set[str] = field(default_factory=set)  # logins (lower)
    reactions: list[Reaction] = field(default_factory=list)
    author_association: str | None = None

    @property
    def node_id(self) -> str:
        return node_id("DiscussionComment", self.id)


@dataclass(slots=True, eq=False)
class Discussion:
    id: int
    number: int
    repo: Repo
    category: DiscussionCategory
    title: str
    body: str
    user: User
    created_at: str
    updated_at: str
    comments: list[DiscussionComment] = field(default_factory=list)  # top level only
    answer: DiscussionComment | None = None
    answer_chosen_at: str | None = None
    answer_chosen_by: User | None = None
    upvotes: set[str] = field(default_factory=set)
    reactions: list[Reaction] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    locked: bool = False
    closed: bool = False
    closed_at: str | None = None
    state_reason: str | None = None
    author_association: str | None = None
    project_items: list[ProjectItem] = field(default_factory=list)

    @property
    def node_id(self) -> str:
        return node_id("Discussion", self.id)


@dataclass(slots=True, eq=False)
class ProjectItem:
    id: int
    project: Project
    content: Issue | Discussion | None  # None: a draft issue
    creator: User | None
    created_at: str
    updated_at: str
    title: str | None = None  # draft issues

    @property
    def node_id(self) -> str:
        return node_id("ProjectV2Item", self.id)


@dataclass(slots=True, eq=False)
class Project:
    """A Projects (v2) board owned by an org or a user."""

    id: int
    owner: str  # login
    number: int
    title: str
    creator: User | None
    created_at: str
    updated_at: str
    short_description: str | None = None
    closed: bool = False
    public: bool = False
    items: list[ProjectItem] = field(default_factory=list)

    @property
    def node_id(self) -> str:
        return node_id("ProjectV2", self.id)


@dataclass(slots=True, eq=False)
class CheckAnnotation:
    path: str
    start_line: int
    end_line: int
    annotation_level: str  # notice | warning | failure
    message: str
    title: str | None = None
    raw_details: str | None = None
    start_column: int | None = None
    end_column: int | None = None


@dataclass(slots=True, eq=False)
class CheckRun:
    """A check run an App posted on a commit (the Checks API)."""

    id: int
    app_id: int
    check_suite_id: int
    head_sha: str
    name: str
    status: str  # queued | in_progress | completed
    started_at: str
    conclusion: str | None = None
    completed_at: str | None = None
    external_id: str = ""
    details_url: str | None = None
    title: str | None = None
    summary: str | None = None
    text: str | None = None
    annotations: list[CheckAnnotation] = field(default_factory=list)

    @property
    def node_id(self) -> str:
        return node_id("CheckRun", self.id)


@dataclass(slots=True, eq=False)
class Repo:
    id: int
    owner: Account
    name: str
    created_at: str
    updated_at: str
    pushed_at: str
    private: bool = False
    description: str | None = None
    homepage: str | None = None
    default_branch: str = "main"
    has_issues: bool = True
    has_discussions: bool = True
    has_projects: bool = True
    has_wiki: bool = False
    archived: bool = False
    topics: list[str] = field(default_factory=list)
    labels: dict[str, Label] = field(default_factory=dict)  # name (lower) → label
    issues: dict[int, Issue] = field(default_factory=dict)  # number → issue or pull request
    discussions: dict[int, Discussion] = field(default_factory=dict)  # number → discussion
    next_number: int = 1
    comments: dict[int, Comment] = field(default_factory=dict)  # id → comment, in id order
    events: list[IssueEvent] = field(default_factory=list)
    milestones: dict[int, Milestone] = field(default_factory=dict)
    collaborators: dict[str, str] = field(default_factory=dict)  # login (lower) → permission
    categories: list[DiscussionCategory] = field(default_factory=list)
    git: GitStore = field(default_factory=GitStore)
    first_item: dict[str, int] = field(default_factory=dict)  # login (lower) → first number
    contributors: set[str] = field(default_factory=set)  # logins (lower) with commits/merges
    version: int = 0  # bumped on every change to issues, comments or labels (list caches)
    check_runs: dict[int, CheckRun] = field(default_factory=dict)  # id → check run

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    @property
    def node_id(self) -> str:
        return node_id("Repository", self.id)

    def label(self, name: str) -> Label | None:
        return self.labels.get(name.lower())

    def open_issues_count(self) -> int:
        return sum(1 for i in self.issues.values() if i.state == "open")


@dataclass(slots=True, eq=False)
class App:
    """A GitHub App and its installations (the sandbox's default is `ghcommunity`)."""

    id: int
    slug: str
    name: str
    owner: str  # login
    client_id: str = "Iv1.sandbox"
    description: str = ""
    permissions: dict[str, str] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    created_at: str = "2024-01-01T00:00:00Z"

    @property
    def node_id(self) -> str:
        return node_id("App", self.id)

    @property
    def bot_login(self) -> str:
        return f"{self.slug}[bot]"


@dataclass(slots=True, eq=False)
class Installation:
    id: int
    app_id: int
    account: str  # login of the org or user it is installed on
    repositories: list[str] | None = None  # full names; None: all of the account's repos
    permissions: dict[str, str] = field(default_factory=dict)
    created_at: str = "2024-01-01T00:00:00Z"


@dataclass(slots=True, eq=False)
class TokenInfo:
    """What a bearer token stands for."""

    login: str | None  # the acting user (None for an installation token's bot)
    installation_id: int | None = None
    expires_at: str | None = None
