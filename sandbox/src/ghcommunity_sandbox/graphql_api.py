"""GraphQL, executed with graphql-core against GitHub's published schema (`data/schema.graphql`).

A query GitHub would reject (an unknown field, a bad argument, a missing variable) is rejected
here with GitHub's error shape (`{"errors": [{"message", "locations", "path", "extensions"}]}`,
HTTP 200), because it is validated against the same schema.

Resolvers are generic: a default field resolver maps a camelCase field onto the state object's
snake_case attribute (`createdAt` → `created_at`) unless a specific resolver is registered for
(type, field) in `RESOLVERS`; any field whose type is a `...Connection` turns a Python list into a
Relay connection (`first`/`last`/`after`/`before`, `nodes`, `edges { cursor node }`,
`pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`, `totalCount`), capped at 100
as GitHub caps it (more, or neither `first` nor `last` when nodes are selected, is GitHub's
EXCESSIVE_PAGINATION / MISSING_PAGINATION_BOUNDARIES error). New queries therefore mostly work
without new resolver code. Cursors are opaque base64 strings.

As on GitHub, an App's bot is a `Bot` whose GraphQL `login` has no `[bot]` suffix.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    build_ast_schema,
    execute_sync,
    get_named_type,
    parse,
    print_ast,
    validate,
)
from graphql.error import GraphQLSyntaxError
from graphql.language import VariableNode

from ghcommunity_sandbox.errors import ApiError
from ghcommunity_sandbox.git import TREE_MODE, Commit
from ghcommunity_sandbox.http import Ctx, Reply, Router
from ghcommunity_sandbox.model import (
    GRAPHQL_TO_REACTION,
    REACTION_TO_GRAPHQL,
    Comment,
    Discussion,
    DiscussionCategory,
    DiscussionComment,
    Issue,
    IssueEvent,
    Label,
    Milestone,
    Org,
    Project,
    ProjectItem,
    Reaction,
    Repo,
    Review,
    Team,
    User,
    decode_node_id,
    iso,
    node_id,
)
from ghcommunity_sandbox.query import list_issues, search_discussions, search_issues
from ghcommunity_sandbox.state import State

if TYPE_CHECKING:
    Info = GraphQLResolveInfo[Any]
else:
    Info = GraphQLResolveInfo

MAX_PAGE = 100
NODE_LIMIT = 500_000
DOCS = "https://docs.github.com/graphql"

_schema: GraphQLSchema | None = None
_schema_lock = threading.Lock()


def schema() -> GraphQLSchema:
    """GitHub's schema, parsed once per process (about a second)."""
    global _schema
    with _schema_lock:
        if _schema is None:
            text = (resources.files("ghcommunity_sandbox") / "data" / "schema.graphql").read_text(
                encoding="utf-8"
            )
            built = build_ast_schema(parse(text), assume_valid_sdl=True)
            # GitHub's published schema trips two of graphql-core's strict checks (a field
            # defined twice, deprecations on interface implementations); it is GitHub's
            # schema as served, so its validation is marked done.
            built._validation_errors = []
            _schema = built
        return _schema


def warm_up() -> None:
    threading.Thread(target=schema, name="sandbox-graphql-schema", daemon=True).start()


class GitHubGraphQLError(GraphQLError):
    """An error GitHub reports with a `type` (NOT_FOUND, FORBIDDEN, ...)."""

    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.error_type = error_type


@dataclass
class Gql:
    """What resolvers see as `info.context`."""

    ctx: Ctx
    state: State
    rate: dict[str, Any]

    @property
    def viewer(self) -> User:
        return self.ctx.actor

    def web(self, path: str) -> str:
        return f"{self.ctx.web}/{path}"

    def visible(self, repo: Repo) -> bool:
        return not repo.private or self.ctx.permission(repo) is not None


def gql(info: Info) -> Gql:
    context: Gql = info.context
    return context


# -- git objects ------------------------------------------------------------------------------


@dataclass
class GitObj:
    repo: Repo
    kind: str  # blob | tree | commit
    sha: str
    path: str = ""


@dataclass
class TreeRow:
    repo: Repo
    name: str
    path: str
    mode: str
    sha: str
    kind: str


@dataclass
class RefObj:
    repo: Repo
    name: str  # "main"
    prefix: str  # "refs/heads/"
    sha: str


# -- type resolution --------------------------------------------------------------------------


def typename(value: Any) -> str | None:
    if isinstance(value, User):
        return "Bot" if value.type == "Bot" else "User"
    if isinstance(value, Org):
        return "Organization"
    if isinstance(value, Issue):
        return value.node_type
    if isinstance(value, Comment):
        return "IssueComment"
    if isinstance(value, Discussion):
        return "Discussion"
    if isinstance(value, DiscussionComment):
        return "DiscussionComment"
    if isinstance(value, DiscussionCategory):
        return "DiscussionCategory"
    if isinstance(value, Label):
        return "Label"
    if isinstance(value, Repo):
        return "Repository"
    if isinstance(value, Reaction):
        return "Reaction"
    if isinstance(value, IssueEvent):
        return value.graphql_type or None
    if isinstance(value, Review):
        return "PullRequestReview"
    if isinstance(value, Project):
        return "ProjectV2"
    if isinstance(value, ProjectItem):
        return "ProjectV2Item"
    if isinstance(value, Team):
        return "Team"
    if isinstance(value, Milestone):
        return "Milestone"
    if isinstance(value, GitObj):
        return value.kind.capitalize()
    if isinstance(value, RefObj):
        return "Ref"
    if isinstance(value, dict):
        name = value.get("__typename")
        return str(name) if name else None
    return None


def type_resolver(value: Any, info: Info, abstract_type: Any) -> str | None:
    return typename(value)


# -- connections ------------------------------------------------------------------------------


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"cursor:v2:{offset}".encode()).decode()


def decode_cursor(cursor: str, field: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        prefix, _, number = text.rpartition(":")
        if prefix != "cursor:v2":
            raise ValueError(cursor)
        return int(number)
    except (ValueError, UnicodeDecodeError):
        raise GitHubGraphQLError(
            f"`{cursor}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS"
        ) from None


def _selected(info: Info) -> set[str]:
    """Field names selected directly under this field (through fragments)."""
    names: set[str] = set()

    def walk(selection_set: SelectionSetNode | None) -> None:
        if selection_set is None:
            return
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                names.add(sel.name.value)
            elif isinstance(sel, InlineFragmentNode):
                walk(sel.selection_set)
            elif isinstance(sel, FragmentSpreadNode):
                frag = info.fragments.get(sel.name.value)
                if frag is not None:
                    walk(frag.selection_set)

    for node in info.field_nodes:
        walk(node.selection_set)
    return names


def connection(
    items: Sequence[Any],
    info: Info,
    args: dict[str, Any],
    *,
    extra: dict[str, Any] | None = None,
    edge: Callable[[Any], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A Relay connection over `items`, paginated as GitHub paginates."""
    field = info.field_name
    conn_type = get_named_type(info.return_type).name
    first, last = args.get("first"), args.get("last")
    after, before = args.get("after"), args.get("before")
    selected = _selected(info)
    if first is None and last is None and selected & {"nodes", "edges"}:
        raise GitHubGraphQLError(
            f"You must provide a `first` or `last` value to properly paginate the `{field}` "
            "connection.",
            "MISSING_PAGINATION_BOUNDARIES",
        )
    for name, value in (("first", first), ("last", last)):
        if value is not None and value > MAX_PAGE:
            raise GitHubGraphQLError(
                f"Requesting {value} records on the `{field}` connection exceeds the `{name}` "
                f"limit of {MAX_PAGE} records.",
                "EXCESSIVE_PAGINATION",
            )
        if value is not None and value < 0:
            raise GitHubGraphQLError(
                f"`{name}` on {conn_type} cannot be less than zero", "INVALID_PAGINATION"
            )
    start, end = 0, len(items)
    if after:
        start = min(max(decode_cursor(after, field) + 1, 0), len(items))
    if before:
        end = max(min(decode_cursor(before, field), len(items)), start)
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    window = items[start:end]
    out: dict[str, Any] = {
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": encode_cursor(start) if window else None,
            "endCursor": encode_cursor(end - 1) if window else None,
        },
    }
    if "nodes" in selected:
        out["nodes"] = list(window)
    if "edges" in selected:
        out["edges"] = [
            {"cursor": encode_cursor(start + i), "node": node, **(edge(node) if edge else {})}
            for i, node in enumerate(window)
        ]
    if extra:
        out.update(extra)
    return out


# -- the resolver registry --------------------------------------------------------------------

Resolver = Callable[..., Any]
R = TypeVar("R", bound=Resolver)
RESOLVERS: dict[tuple[str, str], Resolver] = {}


def field(types: str, *names: str) -> Callable[[R], R]:
    """Register a resolver for fields of types (`"*"` = any type), e.g. `@field("Issue", "state")`."""

    def register(fn: R) -> R:
        for type_name in types.split():
            for name in names:
                RESOLVERS[(type_name, name)] = fn
        return fn

    return register


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def default_resolver(source: Any, info: Info, **args: Any) -> Any:
    name = info.field_name
    parent = info.parent_type.name
    fn = RESOLVERS.get((parent, name)) or RESOLVERS.get(("*", name))
    if fn is not None:
        value = fn(source, info, **args)
    elif isinstance(source, dict):
        value = source.get(name)
    else:
        value = getattr(source, snake(name), None)
    if isinstance(value, list | tuple) and get_named_type(info.return_type).name.endswith(
        "Connection"
    ):
        return connection(value, info, args)
    return value


# -- root fields ------------------------------------------------------------------------------


def _repo_or_error(g: Gql, owner: str, name: str) -> Repo:
    repo = g.state.repo(f"{owner}/{name}")
    if repo is None or not g.visible(repo):
        raise GitHubGraphQLError(
            f"Could not resolve to a Repository with the name '{owner}/{name}'.", "NOT_FOUND"
        )
    return repo


@field("Query", "repository")
def q_repository(_: Any, info: Info, owner: str, name: str, **__: Any) -> Repo:
    return _repo_or_error(gql(info), owner, name)


@field("Query", "viewer")
def q_viewer(_: Any, info: Info) -> User:
    return gql(info).viewer


@field("Query", "user")
def q_user(_: Any, info: Info, login: str) -> User:
    user = gql(info).state.user(login)
    if user is None or user.login == "ghost":
        raise GitHubGraphQLError(
            f"Could not resolve to a User with the login of '{login}'.", "NOT_FOUND"
        )
    return user


@field("Query", "organization")
def q_organization(_: Any, info: Info, login: str) -> Org:
    org = gql(info).state.org(login)
    if org is None:
        raise GitHubGraphQLError(
            f"Could not resolve to an Organization with the login of '{login}'.", "NOT_FOUND"
        )
    return org


@field("Query", "repositoryOwner")
def q_repository_owner(_: Any, info: Info, login: str) -> Any:
    return gql(info).state.account(login)


def lookup_node(g: Gql, value: str) -> Any:
    decoded = decode_node_id(value)
    if decoded is None:
        return None
    type_name, key = decoded
    if type_name in ("Blob", "Tree", "Commit"):
        repo_id, _, sha = key.partition(":")
        repo = g.state.nodes.get(int(repo_id)) if repo_id.isdigit() else None
        if isinstance(repo, Repo) and g.visible(repo) and repo.git.kind(sha) == type_name.lower():
            return GitObj(repo, type_name.lower(), sha)
        return None
    if not key.isdigit():
        return None
    obj = g.state.nodes.get(int(key))
    if obj is None or typename(obj) != type_name:
        return None
    repo = _repo_of(obj, g.state)
    if repo is not None and not g.visible(repo):
        return None
    return obj


@field("Query", "node")
def q_node(_: Any, info: Info, id: str) -> Any:
    found = lookup_node(gql(info), id)
    if found is None:
        raise GitHubGraphQLError(
            f"Could not resolve to a node with the global id of '{id}'", "NOT_FOUND"
        )
    return found


@field("Query", "nodes")
def q_nodes(_: Any, info: Info, ids: list[str]) -> list[Any]:
    if len(ids) > MAX_PAGE:
        raise GitHubGraphQLError(
            f"You may not request more than {MAX_PAGE} ids at once.", "EXCESSIVE_PAGINATION"
        )
    return [lookup_node(gql(info), i) for i in ids]


@field("Query", "rateLimit")
def q_rate_limit(_: Any, info: Info, dryRun: bool = False) -> dict[str, Any]:
    return gql(info).rate


@field("Query", "search")
def q_search(_: Any, info: Info, query: str, type: str, **args: Any) -> dict[str, Any]:
    g = gql(info)
    if type in ("ISSUE", "ISSUE_ADVANCED"):
        items: list[Any] = search_issues(g.state, query, g.visible)
        counts = {"issueCount": len(items), "discussionCount": 0}
    elif type == "DISCUSSION":
        items = search_discussions(g.state, query, g.visible)
        counts = {"issueCount": 0, "discussionCount": len(items)}
    else:
        items = []
        counts = {"issueCount": 0, "discussionCount": 0}
    counts.update({"repositoryCount": 0, "userCount": 0, "wikiCount": 0, "codeCount": 0})
    return connection(items[:1000], info, args, extra=counts)


# -- common fields ----------------------------------------------------------------------------


def _repo_of(obj: Any, state: State | None = None) -> Repo | None:
    if isinstance(obj, Issue | Discussion):
        return obj.repo
    if isinstance(obj, Comment):
        return obj.issue.repo
    if isinstance(obj, DiscussionComment):
        return obj.discussion.repo
    if isinstance(obj, Review):
        return obj.pull.repo
    if isinstance(obj, IssueEvent):
        return obj.issue.repo
    if isinstance(obj, DiscussionCategory):
        return obj.repo
    if isinstance(obj, Repo):
        return obj
    if isinstance(obj, GitObj | TreeRow | RefObj):
        return obj.repo
    if isinstance(obj, ProjectItem) and obj.content is not None:
        return obj.content.repo
    if isinstance(obj, Label | Milestone) and state is not None:
        for repo in state.repos.values():
            if isinstance(obj, Label) and repo.labels.get(obj.name.lower()) is obj:
                return repo
            if isinstance(obj, Milestone) and repo.milestones.get(obj.number) is obj:
                return repo
    return None


@field("*", "id")
def f_id(obj: Any, info: Info) -> Any:
    if isinstance(obj, dict):
        return obj.get("id")
    if isinstance(obj, GitObj):
        return node_id(obj.kind.capitalize(), f"{obj.repo.id}:{obj.sha}")
    if isinstance(obj, RefObj):
        return node_id("Ref", f"{obj.repo.id}:{obj.prefix}{obj.name}")
    return getattr(obj, "node_id", None)


@field("*", "databaseId", "fullDatabaseId")
def f_database_id(obj: Any, info: Info) -> Any:
    return obj.get("databaseId") if isinstance(obj, dict) else getattr(obj, "id", None)


@field("Bot", "login")
def f_bot_login(obj: User, info: Info) -> str:
    return obj.login.removesuffix("[bot]")


@field("*", "editor")
def f_editor(obj: Any, info: Info) -> Any:
    return None if isinstance(obj, dict) else getattr(obj, "editor", None)


@field("*", "lastEditedAt")
def f_last_edited(obj: Any, info: Info) -> Any:
    return None if isinstance(obj, dict) else getattr(obj, "last_edited_at", None)


@field("*", "author")
def f_author(obj: Any, info: Info) -> Any:
    if isinstance(obj, dict):
        return obj.get("author")
    return getattr(obj, "user", None)


@field("*", "authorAssociation")
def f_author_association(obj: Any, info: Info) -> str:
    override = getattr(obj, "author_association", None)
    if override:
        return str(override)
    repo = _repo_of(obj)
    user = getattr(obj, "user", None)
    if repo is None or user is None:
        return "NONE"
    item = obj if isinstance(obj, Issue) else None
    return gql(info).state.association(repo, user, item)


@field("*", "body")
def f_body(obj: Any, info: Info) -> str:
    if isinstance(obj, dict):
        return str(obj.get("body") or "")
    return str(getattr(obj, "body", None) or "")


@field("*", "bodyText")
def f_body_text(obj: Any, info: Info) -> str:
    return f_body(obj, info)


@field("*", "bodyHTML")
def f_body_html(obj: Any, info: Info) -> str:
    text = f_body(obj, info)
    return "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip())


@field("*", "url", "resourcePath", "permalink")
def f_url(obj: Any, info: Info) -> str | None:
    g = gql(info)
    path = _path(obj)
    if path is None:
        return None
    if info.field_name == "resourcePath":
        return "/" + path
    return g.web(path)


def _path(obj: Any) -> str | None:
    if isinstance(obj, User | Org):
        return obj.login if not obj.login.endswith("[bot]") else f"apps/{obj.login[:-5]}"
    if isinstance(obj, Repo):
        return obj.full_name
    if isinstance(obj, Issue):
        return f"{obj.repo.full_name}/{'pull' if obj.pull else 'issues'}/{obj.number}"
    if isinstance(obj, Comment):
        issue = obj.issue
        return (
            f"{issue.repo.full_name}/{'pull' if issue.pull else 'issues'}/{issue.number}"
            f"#issuecomment-{obj.id}"
        )
    if isinstance(obj, Discussion):
        return f"{obj.repo.full_name}/discussions/{obj.number}"
    if isinstance(obj, DiscussionComment):
        d = obj.discussion
        return f"{d.repo.full_name}/discussions/{d.number}#discussioncomment-{obj.id}"
    if isinstance(obj, Review):
        return f"{obj.pull.repo.full_name}/pull/{obj.pull.number}#pullrequestreview-{obj.id}"
    if isinstance(obj, Project):
        return f"orgs/{obj.owner}/projects/{obj.number}"
    if isinstance(obj, Team):
        return f"orgs/{obj.org}/teams/{obj.slug}"
    if isinstance(obj, GitObj) and obj.kind == "commit":
        return f"{obj.repo.full_name}/commit/{obj.sha}"
    if isinstance(obj, IssueEvent):
        issue = obj.issue
        return f"{issue.repo.full_name}/issues/{issue.number}#event-{obj.id}"
    if isinstance(obj, DiscussionCategory):
        return f"{obj.repo.full_name}/discussions/categories/{obj.slug}"
    return None


@field("*", "avatarUrl")
def f_avatar(obj: Any, info: Info, size: int | None = None) -> str:
    suffix = f"&s={size}" if size else ""
    return f"https://avatars.githubusercontent.com/u/{getattr(obj, 'id', 0)}?v=4{suffix}"


@field("*", "publishedAt")
def f_published(obj: Any, info: Info) -> Any:
    return getattr(obj, "created_at", None)


@field("*", "deletedAt", "minimizedReason", "activeLockReason", "poll")
def f_none(obj: Any, info: Info, **_: Any) -> None:
    if info.field_name == "activeLockReason" and isinstance(obj, Issue):
        return obj.active_lock_reason.upper().replace(" ", "_") if obj.active_lock_reason else None  # type: ignore[return-value]
    return None


@field(
    "*",
    "includesCreatedEdit",
    "isMinimized",
    "isPinned",
    "viewerCanDelete",
    "isArchived",
    "isGenerated",
    "isTemplate",
    "isFork",
    "isMirror",
    "isDisabled",
    "isEmpty",
    "isLocked",
    "isSiteAdmin",
    "isEmployee",
    "isHireable",
    "isViewer",
    "isVerified",
    "isInOrganization",
)
def f_false(obj: Any, info: Info, **_: Any) -> bool:
    if info.field_name == "isViewer":
        return obj is gql(info).viewer
    if info.field_name == "isEmpty" and isinstance(obj, Repo):
        return not obj.git.refs
    return False


@field("*", "viewerCanUpdate", "viewerCanReact", "viewerCanEditFiles", "viewerCanComment")
def f_viewer_can(obj: Any, info: Info, **_: Any) -> bool:
    g = gql(info)
    repo = _repo_of(obj)
    if repo is None:
        return False
    return g.ctx.can(repo, "triage") or getattr(obj, "user", None) is g.viewer


@field("*", "viewerDidAuthor")
def f_viewer_did_author(obj: Any, info: Info) -> bool:
    return getattr(obj, "user", None) is gql(info).viewer


@field("*", "repository")
def f_repository(obj: Any, info: Info) -> Any:
    return _repo_of(obj, gql(info).state)


# reactions


@field("*", "reactions")
def f_reactions(
    obj: Any,
    info: Info,
    content: str | None = None,
    orderBy: dict[str, Any] | None = None,
    **args: Any,
) -> dict[str, Any]:
    reactions: list[Reaction] = list(getattr(obj, "reactions", []))
    if content:
        wanted = GRAPHQL_TO_REACTION.get(content, content)
        reactions = [r for r in reactions if r.content == wanted]
    if orderBy and orderBy.get("direction") == "DESC":
        reactions.reverse()
    viewer = gql(info).viewer
    return connection(
        reactions, info, args, extra={"viewerHasReacted": any(r.user is viewer for r in reactions)}
    )


@field("Reaction", "content")
def f_reaction_content(obj: Reaction, info: Info) -> str:
    return REACTION_TO_GRAPHQL[obj.content]


@field("*", "reactionGroups")
def f_reaction_groups(obj: Any, info: Info) -> list[dict[str, Any]]:
    viewer = gql(info).viewer
    groups = []
    for content, name in REACTION_TO_GRAPHQL.items():
        matching = [r for r in getattr(obj, "reactions", []) if r.content == content]
        groups.append(
            {
                "content": name,
                "createdAt": matching[0].created_at if matching else None,
                "subject": obj,
                "viewerHasReacted": any(r.user is viewer for r in matching),
                "_reactions": matching,
            }
        )
    return groups


@field("ReactionGroup", "users", "reactors")
def f_group_users(obj: dict[str, Any], info: Info, **args: Any) -> dict[str, Any]:
    return connection([r.user for r in obj["_reactions"]], info, args)


# labels, assignees, participants, projects


@field("*", "labels")
def f_labels(
    obj: Any,
    info: Info,
    orderBy: dict[str, Any] | None = None,
    query: str | None = None,
    **args: Any,
) -> Any:
    if isinstance(obj, Repo):
        labels = list(obj.labels.values())
        field_name = (orderBy or {}).get("field", "NAME")
        if field_name == "CREATED_AT":
            labels.sort(key=lambda lab: (lab.created_at, lab.id))
        else:
            labels.sort(key=lambda lab: lab.name.lower())
        if (orderBy or {}).get("direction") == "DESC":
            labels.reverse()
        if query:
            needle = query.lower()
            labels = [
                lab
                for lab in labels
                if needle in lab.name.lower() or needle in (lab.description or "").lower()
            ]
        return connection(labels, info, args)
    return connection(list(getattr(obj, "labels", [])), info, args)


@field("Label", "issues", "pullRequests")
def f_label_items(obj: Label, info: Info, **args: Any) -> dict[str, Any]:
    """Issues (or pull requests) of the label's repository that carry it."""
    repo = _repo_of(obj, gql(info).state)
    if repo is None:
        return connection([], info, args)
    return f_issues(repo, info, **{**args, "labels": [obj.name]})


@field("Repository", "label")
def f_repo_label(obj: Repo, info: Info, name: str) -> Label | None:
    return obj.label(name)


@field("*", "assignees")
def f_assignees(obj: Any, info: Info, **args: Any) -> dict[str, Any]:
    return connection(list(getattr(obj, "assignees", [])), info, args)


@field("*", "participants")
def f_participants(obj: Any, info: Info, **args: Any) -> dict[str, Any]:
    people: list[User] = []
    for user in [getattr(obj, "user", None), *getattr(obj, "assignees", [])] + [
        c.user for c in getattr(obj, "comments", [])
    ]:
        if user is not None and user not in people:
            people.append(user)
    return connection(people, info, args)


@field("*", "projectItems")
def f_project_items(
    obj: Any, info: Info, includeArchived: bool = True, **args: Any
) -> dict[str, Any]:
    return connection(list(getattr(obj, "project_items", [])), info, args)


@field("*", "projectsV2")
def f_projects_v2(obj: Any, info: Info, query: str | None = None, **args: Any) -> dict[str, Any]:
    g = gql(info)
    if isinstance(obj, User | Org):
        items = [p for (owner, _), p in g.state.projects.items() if owner == obj.login.lower()]
    else:
        items = [i.project for i in getattr(obj, "project_items", [])]
    if query:
        items = [p for p in items if query.lower() in p.title.lower()]
    return connection(sorted(items, key=lambda p: p.number), info, args)


@field("*", "projectV2")
def f_project_v2(obj: Any, info: Info, number: int) -> Project:
    g = gql(info)
    login = obj.login if isinstance(obj, User | Org) else obj.owner.login
    project = g.state.project(login, number)
    if project is None:
        raise GitHubGraphQLError(
            f"Could not resolve to a ProjectV2 with the number {number}.", "NOT_FOUND"
        )
    return project


# -- repository -------------------------------------------------------------------------------


@field("Repository", "nameWithOwner")
def f_name_with_owner(obj: Repo, info: Info) -> str:
    return obj.full_name


@field("Repository", "owner")
def f_repo_owner(obj: Repo, info: Info) -> Any:
    return obj.owner


@field("Repository", "isPrivate")
def f_is_private(obj: Repo, info: Info) -> bool:
    return obj.private


@field("Repository", "visibility")
def f_visibility(obj: Repo, info: Info) -> str:
    return "PRIVATE" if obj.private else "PUBLIC"


@field(
    "Repository",
    "hasIssuesEnabled",
    "hasDiscussionsEnabled",
    "hasProjectsEnabled",
    "hasWikiEnabled",
)
def f_has(obj: Repo, info: Info) -> bool:
    return bool(getattr(obj, snake(info.field_name).replace("_enabled", "")))


@field("Repository", "isArchived")
def f_archived(obj: Repo, info: Info) -> bool:
    return obj.archived


@field("Repository", "defaultBranchRef")
def f_default_branch_ref(obj: Repo, info: Info) -> RefObj | None:
    sha = obj.git.refs.get(f"refs/heads/{obj.default_branch}")
    return RefObj(obj, obj.default_branch, "refs/heads/", sha) if sha else None


@field("Repository", "ref")
def f_ref(obj: Repo, info: Info, qualifiedName: str) -> RefObj | None:
    name = qualifiedName if qualifiedName.startswith("refs/") else f"refs/heads/{qualifiedName}"
    sha = obj.git.refs.get(name)
    if sha is None:
        return None
    prefix, _, short = (
        name.rpartition("/") if name.count("/") == 2 else ("refs/heads", "", name[11:])
    )
    return RefObj(obj, short, prefix.rstrip("/") + "/", sha)


@field("Repository", "refs")
def f_refs(
    obj: Repo, info: Info, refPrefix: str, query: str | None = None, **args: Any
) -> dict[str, Any]:
    items = [
        RefObj(obj, r[len(refPrefix) :], refPrefix, s)
        for r, s in sorted(obj.git.refs.items())
        if r.startswith(refPrefix) and (not query or query in r)
    ]
    return connection(items, info, args)


@field("Ref", "target")
def f_ref_target(obj: RefObj, info: Info) -> GitObj:
    return GitObj(obj.repo, obj.repo.git.kind(obj.sha) or "commit", obj.sha)


@field("Repository", "object")
def f_object(
    obj: Repo, info: Info, expression: str | None = None, oid: str | None = None
) -> GitObj | None:
    git = obj.git
    if oid:
        kind = git.kind(oid)
        return GitObj(obj, kind, oid) if kind else None
    if not expression:
        return None
    rev, sep, path = expression.partition(":")
    sha = git.resolve(rev if rev and rev != "HEAD" else None, obj.default_branch)
    if sha is None:
        return None
    if not sep:
        return GitObj(obj, "commit", sha)
    entry = git.walk_path(git.commits[sha].tree, path)
    if entry is None:
        return None
    return GitObj(obj, entry.type, entry.sha, path.strip("/"))


@field("Repository", "issue", "pullRequest", "issueOrPullRequest")
def f_issue(obj: Repo, info: Info, number: int) -> Issue | None:
    found = obj.issues.get(number)
    wanted = info.field_name
    if found is not None and (
        wanted == "issueOrPullRequest"
        or (wanted == "issue" and found.pull is None)
        or (wanted == "pullRequest" and found.pull is not None)
    ):
        return found
    if wanted == "issueOrPullRequest":
        raise GitHubGraphQLError(
            f"Could not resolve to an issue or pull request with the number of {number}.",
            "NOT_FOUND",
        )
    what = "an Issue" if wanted == "issue" else "a PullRequest"
    raise GitHubGraphQLError(
        f"Could not resolve to {what} with the number of {number}.", "NOT_FOUND"
    )


def _order(args: dict[str, Any], default_field: str, default_dir: str) -> tuple[str, str]:
    order = args.get("orderBy") or {}
    return str(order.get("field") or default_field), str(order.get("direction") or default_dir)


_SORTS = {"CREATED_AT": "created", "UPDATED_AT": "updated", "COMMENTS": "comments"}


@field("Repository", "issues", "pullRequests")
def f_issues(obj: Repo, info: Info, **args: Any) -> dict[str, Any]:
    g = gql(info)
    pulls = info.field_name == "pullRequests"
    filters = args.get("filterBy") or {}
    states = args.get("states") or filters.get("states")
    order_field, direction = _order(args, "CREATED_AT", "ASC")
    items = list_issues(
        g.state,
        obj,
        state_filter="all",
        sort=_SORTS.get(order_field, "created"),
        direction="asc" if direction == "ASC" else "desc",
        kind="pull" if pulls else "issue",
        since=filters.get("since"),
        creator=filters.get("createdBy"),
        assignee=filters.get("assignee"),
        mentioned=filters.get("mentioned"),
        milestone=str(filters["milestoneNumber"]) if filters.get("milestoneNumber") else None,
    )
    if states:
        wanted = set(states)
        items = [i for i in items if _issue_state(i) in wanted]
    labels = args.get("labels") or filters.get("labels")
    if labels:
        names = {n.lower() for n in labels}
        items = [i for i in items if any(lab.name.lower() in names for lab in i.labels)]
    if pulls:
        if args.get("headRefName"):
            items = [i for i in items if i.pull and i.pull.head_ref == args["headRefName"]]
        if args.get("baseRefName"):
            items = [i for i in items if i.pull and i.pull.base_ref == args["baseRefName"]]
    return connection(items, info, args)


def _issue_state(issue: Issue) -> str:
    if issue.pull is not None and issue.pull.merged:
        return "MERGED"
    return issue.state.upper()


@field("Repository", "discussions")
def f_discussions(obj: Repo, info: Info, **args: Any) -> dict[str, Any]:
    items = list(obj.discussions.values())
    category = args.get("categoryId")
    if category:
        items = [d for d in items if d.category.node_id == category]
    if args.get("answered") is not None:
        items = [d for d in items if (d.answer is not None) == args["answered"]]
    states = args.get("states")
    if states:
        items = [d for d in items if ("CLOSED" if d.closed else "OPEN") in states]
    order_field, direction = _order(args, "UPDATED_AT", "DESC")
    key = "created_at" if order_field == "CREATED_AT" else "updated_at"
    items.sort(key=lambda d: (getattr(d, key), d.number), reverse=direction == "DESC")
    return connection(items, info, args)


@field("Repository", "discussion")
def f_discussion(obj: Repo, info: Info, number: int) -> Discussion:
    found = obj.discussions.get(number)
    if found is None:
        raise GitHubGraphQLError(
            f"Could not resolve to a Discussion with the number of {number}.", "NOT_FOUND"
        )
    return found


@field("Repository", "discussionCategories")
def f_categories(
    obj: Repo, info: Info, filterByAssignable: bool = False, **args: Any
) -> dict[str, Any]:
    return connection(list(obj.categories), info, args)


@field("Repository", "discussionCategory")
def f_category(obj: Repo, info: Info, slug: str) -> DiscussionCategory | None:
    return next((c for c in obj.categories if c.slug == slug), None)


@field("Repository", "collaborators")
def f_collaborators(
    obj: Repo,
    info: Info,
    affiliation: str | None = None,
    query: str | None = None,
    login: str | None = None,
    **args: Any,
) -> dict[str, Any]:
    g = gql(info)
    logins = set(obj.collaborators)
    if isinstance(obj.owner, Org) and affiliation != "OUTSIDE":
        logins |= set(obj.owner.members)
    users = sorted((u for u in map(g.state.user, logins) if u is not None), key=lambda u: u.id)
    if login:
        users = [u for u in users if u.login.lower() == login.lower()]
    if query:
        users = [
            u
            for u in users
            if query.lower() in u.login.lower() or query.lower() in (u.name or "").lower()
        ]

    def edge(user: User) -> dict[str, Any]:
        perm = g.state.permission(obj, user.login) or "read"
        return {"permission": perm.upper(), "permissionSources": []}

    return connection(users, info, args, edge=edge)


@field("Repository", "assignableUsers", "mentionableUsers")
def f_assignable(obj: Repo, info: Info, query: str | None = None, **args: Any) -> dict[str, Any]:
    g = gql(info)
    users = [
        u for u in g.state.users.values() if g.state.permission(obj, u.login) not in (None, "read")
    ]
    if query:
        users = [u for u in users if query.lower() in u.login.lower()]
    return connection(sorted(users, key=lambda u: u.id), info, args)


@field("Repository", "milestones")
def f_milestones(
    obj: Repo, info: Info, states: list[str] | None = None, **args: Any
) -> dict[str, Any]:
    items = [m for m in obj.milestones.values() if not states or m.state.upper() in states]
    return connection(items, info, args)


@field("Repository", "milestone")
def f_milestone(obj: Repo, info: Info, number: int) -> Milestone | None:
    return obj.milestones.get(number)


@field("Milestone", "state")
def f_milestone_state(obj: Milestone, info: Info) -> str:
    return obj.state.upper()


@field("Milestone", "dueOn")
def f_due_on(obj: Milestone, info: Info) -> str | None:
    return obj.due_on


@field("Repository", "stargazerCount", "forkCount", "diskUsage")
def f_zero(obj: Repo, info: Info) -> int:
    return 0


# -- issues and pull requests -----------------------------------------------------------------


@field("Issue PullRequest", "state")
def f_state(obj: Issue, info: Info) -> str:
    return _issue_state(obj)


@field("Issue", "stateReason")
def f_state_reason(obj: Issue, info: Info, **_: Any) -> str | None:
    return obj.state_reason.upper() if obj.state_reason else None


@field("Issue PullRequest Discussion", "closed")
def f_closed(obj: Any, info: Info) -> bool:
    if isinstance(obj, Discussion):
        return obj.closed
    return bool(obj.state == "closed")


@field("Issue PullRequest", "comments")
def f_comments(
    obj: Issue, info: Info, orderBy: dict[str, Any] | None = None, **args: Any
) -> dict[str, Any]:
    items = list(obj.comments)
    if orderBy:
        if orderBy.get("field") == "UPDATED_AT":
            items.sort(key=lambda c: (c.updated_at, c.id))
        if orderBy.get("direction") == "DESC":
            items.reverse()
    return connection(items, info, args)


@field("Issue PullRequest", "timelineItems")
def f_timeline_items(
    obj: Issue,
    info: Info,
    itemTypes: list[str] | None = None,
    since: str | None = None,
    skip: int | None = None,
    **args: Any,
) -> dict[str, Any]:
    rows: list[tuple[str, int, Any]] = [
        (e.created_at, e.id, e) for e in obj.events if e.graphql_type
    ]
    rows += [(c.created_at, c.id, c) for c in obj.comments]
    if obj.pull is not None:
        rows += [(r.submitted_at or "", r.id, r) for r in obj.pull.reviews if r.submitted_at]
    for item in obj.project_items:
        rows.append(
            (
                item.created_at,
                item.id,
                {
                    "__typename": "AddedToProjectV2Event",
                    "id": node_id("AddedToProjectV2Event", item.id),
                    "createdAt": item.created_at,
                    "actor": item.creator,
                    "project": item.project,
                    "wasAutomated": False,
                },
            )
        )
    rows.sort(key=lambda t: (t[0], t[1]))
    items = [row[2] for row in rows]
    if itemTypes:
        wanted = {_enum_to_type(t) for t in itemTypes}
        items = [i for i in items if typename(i) in wanted]
    if since:
        bound = iso(since)
        items = [i for i in items if _created(i) >= bound]
    if skip:
        items = items[skip:]
    updated = max((_created(i) for i in items), default=obj.updated_at)
    return connection(
        items,
        info,
        args,
        extra={
            "updatedAt": updated,
            "filteredCount": len(items),
            "pageCount": len(items),
        },
    )


def _created(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("createdAt") or "")
    if isinstance(value, Review):
        return value.submitted_at or ""
    return str(getattr(value, "created_at", "") or "")


def _enum_to_type(name: str) -> str:
    special = {
        "ISSUE_COMMENT": "IssueComment",
        "PULL_REQUEST_REVIEW": "PullRequestReview",
        "ADDED_TO_PROJECT_V2_EVENT": "AddedToProjectV2Event",
    }
    if name in special:
        return special[name]
    return "".join(part.capitalize() for part in name.split("_"))


@field("PullRequest", "merged")
def f_merged(obj: Issue, info: Info) -> bool:
    return bool(obj.pull and obj.pull.merged)


@field("PullRequest", "mergedAt")
def f_merged_at(obj: Issue, info: Info) -> str | None:
    return obj.pull.merged_at if obj.pull else None


@field("PullRequest", "mergedBy")
def f_merged_by(obj: Issue, info: Info) -> User | None:
    return obj.pull.merged_by if obj.pull else None


@field("PullRequest", "isDraft")
def f_is_draft(obj: Issue, info: Info) -> bool:
    return bool(obj.pull and obj.pull.draft)


@field("PullRequest", "additions", "deletions", "changedFiles")
def f_pull_numbers(obj: Issue, info: Info) -> int:
    assert obj.pull is not None
    return int(getattr(obj.pull, snake(info.field_name)))


@field("PullRequest", "headRefName", "baseRefName", "headRefOid", "baseRefOid")
def f_pull_refs(obj: Issue, info: Info) -> str:
    pull = obj.pull
    assert pull is not None
    return {
        "headRefName": pull.head_ref,
        "baseRefName": pull.base_ref,
        "headRefOid": pull.head_sha,
        "baseRefOid": pull.base_sha,
    }[info.field_name]


@field("PullRequest", "mergeable")
def f_mergeable(obj: Issue, info: Info) -> str:
    pull = obj.pull
    if obj.state != "open" or pull is None:
        return "UNKNOWN"
    if not pull.mergeable_known:  # GitHub computes it in the background once asked
        pull.mergeable_known = True
        return "UNKNOWN"
    return "MERGEABLE"


@field("PullRequest", "reviews")
def f_reviews(
    obj: Issue,
    info: Info,
    states: list[str] | None = None,
    author: str | None = None,
    **args: Any,
) -> dict[str, Any]:
    assert obj.pull is not None
    items = [
        r
        for r in obj.pull.reviews
        if (not states or r.state in states)
        and (not author or r.user.login.lower() == author.lower())
    ]
    return connection(items, info, args)


@field("PullRequest", "reviewRequests")
def f_review_requests(obj: Issue, info: Info, **args: Any) -> dict[str, Any]:
    assert obj.pull is not None
    items = [
        {
            "__typename": "ReviewRequest",
            "id": node_id("ReviewRequest", f"{obj.id}:{u.id}"),
            "requestedReviewer": u,
            "pullRequest": obj,
            "asCodeOwner": False,
        }
        for u in obj.pull.requested_reviewers
    ]
    return connection(items, info, args)


@field("PullRequest", "commits")
def f_pull_commits(obj: Issue, info: Info, **args: Any) -> dict[str, Any]:
    assert obj.pull is not None
    repo = obj.pull.head_repo or obj.repo
    commits = [
        {
            "__typename": "PullRequestCommit",
            "id": node_id("PullRequestCommit", f"{obj.id}:{c.sha}"),
            "commit": GitObj(repo, "commit", c.sha),
            "pullRequest": obj,
        }
        for c in reversed(repo.git.history(obj.pull.head_sha))
        if not obj.repo.git.is_ancestor(c.sha, obj.pull.base_sha)
    ]
    return connection(commits, info, args)


@field("PullRequestReview", "state")
def f_review_state(obj: Review, info: Info) -> str:
    return obj.state


@field("PullRequestReview", "pullRequest")
def f_review_pull(obj: Review, info: Info) -> Issue:
    return obj.pull


@field("PullRequestReview", "createdAt")
def f_review_created(obj: Review, info: Info) -> str:
    return obj.submitted_at or gql(info).state.now_iso()


@field("PullRequestReview", "comments")
def f_review_comments(obj: Review, info: Info, **args: Any) -> dict[str, Any]:
    return connection([], info, args)


@field("IssueComment", "issue")
def f_comment_issue(obj: Comment, info: Info) -> Issue:
    return obj.issue


@field("IssueComment", "pullRequest")
def f_comment_pull(obj: Comment, info: Info) -> Issue | None:
    return obj.issue if obj.issue.pull else None


# -- timeline events --------------------------------------------------------------------------


@field("LabeledEvent UnlabeledEvent", "label")
def f_event_label(obj: IssueEvent, info: Info) -> Any:
    assert obj.label is not None
    found = obj.issue.repo.label(obj.label[0])
    if found is not None:
        return found
    return Label(0, obj.label[0], obj.label[1])


@field("LabeledEvent UnlabeledEvent", "labelable")
@field("ClosedEvent ReopenedEvent", "closable")
@field("AssignedEvent UnassignedEvent", "assignable")
@field("RenamedTitleEvent", "subject")
@field("LockedEvent UnlockedEvent", "lockable")
@field("MergedEvent ReviewRequestedEvent MilestonedEvent DemilestonedEvent", "pullRequest")
@field("MilestonedEvent DemilestonedEvent", "subject")
def f_event_subject(obj: IssueEvent, info: Info) -> Issue:
    return obj.issue


@field("ClosedEvent ReopenedEvent", "stateReason")
def f_event_state_reason(obj: IssueEvent, info: Info) -> str | None:
    return obj.state_reason.upper() if obj.state_reason else None


@field("ClosedEvent", "closer")
def f_closer(obj: IssueEvent, info: Info) -> None:
    return None


@field("RenamedTitleEvent", "previousTitle", "currentTitle")
def f_rename(obj: IssueEvent, info: Info) -> str:
    assert obj.rename is not None
    return obj.rename[0] if info.field_name == "previousTitle" else obj.rename[1]


@field("LockedEvent", "lockReason")
def f_lock_reason(obj: IssueEvent, info: Info) -> str | None:
    return obj.lock_reason.upper().replace(" ", "_").replace("-", "_") if obj.lock_reason else None


@field("MilestonedEvent DemilestonedEvent", "milestoneTitle")
def f_milestone_title(obj: IssueEvent, info: Info) -> str:
    return obj.milestone or ""


@field("MergedEvent", "commit")
def f_merged_commit(obj: IssueEvent, info: Info) -> GitObj | None:
    return GitObj(obj.issue.repo, "commit", obj.commit_id) if obj.commit_id else None


@field("MergedEvent", "mergeRefName")
def f_merge_ref_name(obj: IssueEvent, info: Info) -> str:
    return obj.issue.pull.base_ref if obj.issue.pull else ""


# -- discussions ------------------------------------------------------------------------------


@field("Discussion", "category")
def f_discussion_category(obj: Discussion, info: Info) -> DiscussionCategory:
    return obj.category


@field("Discussion", "comments")
def f_discussion_comments(obj: Discussion, info: Info, **args: Any) -> dict[str, Any]:
    return connection(list(obj.comments), info, args)


@field("DiscussionComment", "replies")
def f_replies(obj: DiscussionComment, info: Info, **args: Any) -> dict[str, Any]:
    return connection(list(obj.replies), info, args)


@field("DiscussionComment", "isAnswer")
def f_is_answer(obj: DiscussionComment, info: Info) -> bool:
    return obj.discussion.answer is obj


@field("Discussion", "isAnswered")
def f_is_answered(obj: Discussion, info: Info) -> bool:
    return obj.answer is not None


@field("Discussion DiscussionComment", "upvoteCount")
def f_upvotes(obj: Any, info: Info) -> int:
    return len(obj.upvotes)


@field("Discussion DiscussionComment", "viewerHasUpvoted", "viewerCanUpvote")
def f_viewer_upvoted(obj: Any, info: Info) -> bool:
    if info.field_name == "viewerCanUpvote":
        return True
    return gql(info).viewer.login.lower() in obj.upvotes


@field("Discussion", "stateReason")
def f_discussion_state_reason(obj: Discussion, info: Info) -> str | None:
    return obj.state_reason.upper() if obj.state_reason else None


@field("DiscussionCategory", "emojiHTML")
def f_emoji_html(obj: DiscussionCategory, info: Info) -> str:
    return f"<div>{escape(obj.emoji)}</div>"


@field("DiscussionCategory", "updatedAt")
def f_category_updated(obj: DiscussionCategory, info: Info) -> str:
    return obj.created_at


# -- people and organisations -----------------------------------------------------------------


@field("User Organization", "email")
def f_email(obj: Any, info: Info) -> str:
    return str(getattr(obj, "email", None) or "")


@field("User Organization", "websiteUrl")
def f_website(obj: Any, info: Info) -> str | None:
    return getattr(obj, "blog", None) or None


@field("User", "organizations")
def f_user_orgs(obj: User, info: Info, **args: Any) -> dict[str, Any]:
    g = gql(info)
    orgs = [o for o in g.state.orgs.values() if obj.login.lower() in o.members]
    return connection(orgs, info, args)


@field("User", "organization")
def f_user_org(obj: User, info: Info, login: str) -> Org | None:
    org = gql(info).state.org(login)
    return org if org is not None and obj.login.lower() in org.members else None


@field("Organization", "membersWithRole")
def f_members(obj: Org, info: Info, **args: Any) -> dict[str, Any]:
    g = gql(info)
    users = sorted((u for u in map(g.state.user, obj.members) if u is not None), key=lambda u: u.id)
    return connection(
        users,
        info,
        args,
        edge=lambda u: {
            "role": "ADMIN" if obj.members.get(u.login.lower()) == "admin" else "MEMBER",
            "hasTwoFactorEnabled": True,
        },
    )


@field("Organization", "teams")
def f_teams(
    obj: Org,
    info: Info,
    query: str | None = None,
    userLogins: list[str] | None = None,
    **args: Any,
) -> dict[str, Any]:
    teams = list(obj.teams.values())
    if query:
        teams = [t for t in teams if query.lower() in t.name.lower()]
    if userLogins:
        wanted = {u.lower() for u in userLogins}
        teams = [t for t in teams if wanted & set(t.members)]
    return connection(teams, info, args)


@field("Organization", "team")
def f_team(obj: Org, info: Info, slug: str) -> Team | None:
    return obj.teams.get(slug.lower())


@field("Organization", "repository")
def f_org_repository(obj: Org, info: Info, name: str, **_: Any) -> Repo | None:
    repo = gql(info).state.repo(f"{obj.login}/{name}")
    return repo if repo is not None and gql(info).visible(repo) else None


@field("Organization User", "repositories")
def f_repositories(obj: Any, info: Info, **args: Any) -> dict[str, Any]:
    g = gql(info)
    repos = [r for r in g.state.repos.values() if r.owner is obj and g.visible(r)]
    return connection(repos, info, args)


@field("Team", "members")
def f_team_members(
    obj: Team,
    info: Info,
    role: str | None = None,
    query: str | None = None,
    **args: Any,
) -> dict[str, Any]:
    g = gql(info)
    users = [
        u
        for login, r in obj.members.items()
        if (role is None or r.upper() == role) and (u := g.state.user(login)) is not None
    ]
    if query:
        users = [u for u in users if query.lower() in u.login.lower()]
    return connection(
        users,
        info,
        args,
        edge=lambda u: {
            "role": "MAINTAINER" if obj.members.get(u.login.lower()) == "maintainer" else "MEMBER",
        },
    )


@field("Team", "organization")
def f_team_org(obj: Team, info: Info) -> Org | None:
    return gql(info).state.org(obj.org)


@field("Team", "combinedSlug")
def f_combined_slug(obj: Team, info: Info) -> str:
    return f"{obj.org}/{obj.slug}"


@field("Team", "privacy")
def f_team_privacy(obj: Team, info: Info) -> str:
    return "VISIBLE" if obj.privacy == "closed" else "SECRET"


# -- projects ---------------------------------------------------------------------------------


@field("ProjectV2", "items")
def f_project_items_list(obj: Project, info: Info, **args: Any) -> dict[str, Any]:
    return connection(list(obj.items), info, args)


@field("ProjectV2", "owner")
def f_project_owner(obj: Project, info: Info) -> Any:
    return gql(info).state.account(obj.owner)


@field("ProjectV2", "fields", "views", "workflows")
def f_project_empty(obj: Project, info: Info, **args: Any) -> dict[str, Any]:
    return connection([], info, args)


@field("ProjectV2Item", "type")
def f_item_type(obj: ProjectItem, info: Info) -> str:
    if obj.content is None:
        return "DRAFT_ISSUE"
    if isinstance(obj.content, Issue):
        return "PULL_REQUEST" if obj.content.pull else "ISSUE"
    return "REDACTED"


@field("ProjectV2Item", "fieldValues")
def f_item_fields(obj: ProjectItem, info: Info, **args: Any) -> dict[str, Any]:
    return connection([], info, args)


@field("ProjectV2Item", "fieldValueByName")
def f_item_field(obj: ProjectItem, info: Info, name: str) -> None:
    return None


# -- git objects ------------------------------------------------------------------------------


@field("Blob Tree Commit", "oid")
def f_oid(obj: GitObj, info: Info) -> str:
    return obj.sha


@field("Blob Tree Commit", "abbreviatedOid")
def f_abbreviated(obj: GitObj, info: Info) -> str:
    return obj.sha[:7]


@field("Blob Tree Commit", "commitUrl", "commitResourcePath")
def f_commit_url(obj: GitObj, info: Info) -> str:
    path = f"{obj.repo.full_name}/commit/{obj.sha}"
    return "/" + path if info.field_name == "commitResourcePath" else gql(info).web(path)


@field("Blob", "text")
def f_blob_text(obj: GitObj, info: Info) -> str | None:
    data = obj.repo.git.blobs[obj.sha].data
    if b"\0" in data:
        return None
    return data.decode("utf-8", "replace")


@field("Blob", "byteSize")
def f_blob_size(obj: GitObj, info: Info) -> int:
    return len(obj.repo.git.blobs[obj.sha].data)


@field("Blob", "isBinary")
def f_blob_binary(obj: GitObj, info: Info) -> bool:
    return b"\0" in obj.repo.git.blobs[obj.sha].data


@field("Blob", "isTruncated")
def f_blob_truncated(obj: GitObj, info: Info) -> bool:
    return False


@field("Tree", "entries")
def f_tree_entries(obj: GitObj, info: Info) -> list[TreeRow]:
    tree = obj.repo.git.trees[obj.sha]
    base = f"{obj.path}/" if obj.path else ""
    return [TreeRow(obj.repo, e.name, base + e.name, e.mode, e.sha, e.type) for e in tree.entries]


@field("TreeEntry", "type")
def f_entry_type(obj: TreeRow, info: Info) -> str:
    return obj.kind


@field("TreeEntry", "oid")
def f_entry_oid(obj: TreeRow, info: Info) -> str:
    return obj.sha


@field("TreeEntry", "mode")
def f_entry_mode(obj: TreeRow, info: Info) -> int:
    return int("40000" if obj.mode == TREE_MODE else obj.mode, 8)


@field("TreeEntry", "object")
def f_entry_object(obj: TreeRow, info: Info) -> GitObj:
    return GitObj(obj.repo, obj.kind, obj.sha, obj.path)


@field("TreeEntry", "size")
def f_entry_size(obj: TreeRow, info: Info) -> int:
    blob = obj.repo.git.blobs.get(obj.sha)
    return len(blob.data) if blob else 0


@field("TreeEntry", "extension")
def f_entry_extension(obj: TreeRow, info: Info) -> str | None:
    return "." + obj.name.rsplit(".", 1)[1] if "." in obj.name and obj.kind == "blob" else None


@field("TreeEntry", "lineCount")
def f_entry_lines(obj: TreeRow, info: Info) -> int | None:
    blob = obj.repo.git.blobs.get(obj.sha)
    return (
        blob.data.count(b"\n") + (0 if blob.data.endswith(b"\n") else 1)
        if blob and blob.data
        else None
    )


@field("TreeEntry", "nameRaw", "pathRaw")
def f_entry_raw(obj: TreeRow, info: Info) -> str:
    value = obj.name if info.field_name == "nameRaw" else obj.path
    return base64.b64encode(value.encode()).decode()


@field("TreeEntry", "isGenerated")
def f_entry_generated(obj: TreeRow, info: Info) -> bool:
    return False


def _commit(obj: GitObj) -> Commit:
    return obj.repo.git.commits[obj.sha]


@field("Commit", "message")
def f_commit_message(obj: GitObj, info: Info) -> str:
    return _commit(obj).message


@field("Commit", "messageHeadline")
def f_commit_headline(obj: GitObj, info: Info) -> str:
    return _commit(obj).message.split("\n", 1)[0]


@field("Commit", "messageBody")
def f_commit_body(obj: GitObj, info: Info) -> str:
    return _commit(obj).message.partition("\n")[2].strip()


@field("Commit", "committedDate", "pushedDate")
def f_committed(obj: GitObj, info: Info) -> str:
    return _commit(obj).committer.date


@field("Commit", "authoredDate")
def f_authored(obj: GitObj, info: Info) -> str:
    return _commit(obj).author.date


@field("Commit", "author", "committer")
def f_commit_person(obj: GitObj, info: Info) -> dict[str, Any]:
    commit = _commit(obj)
    sig = commit.author if info.field_name == "author" else commit.committer
    login = commit.author_login if info.field_name == "author" else commit.committer_login
    return {
        "name": sig.name,
        "email": sig.email,
        "date": sig.date,
        "user": gql(info).state.user(login) if login else None,
    }


@field("Commit", "tree")
def f_commit_tree(obj: GitObj, info: Info) -> GitObj:
    return GitObj(obj.repo, "tree", _commit(obj).tree)


@field("Commit", "parents")
def f_commit_parents(obj: GitObj, info: Info, **args: Any) -> dict[str, Any]:
    return connection([GitObj(obj.repo, "commit", p) for p in _commit(obj).parents], info, args)


@field("Commit", "history")
def f_history(
    obj: GitObj,
    info: Info,
    path: str | None = None,
    since: str | None = None,
    until: str | None = None,
    author: dict[str, Any] | None = None,
    **args: Any,
) -> dict[str, Any]:
    git = obj.repo.git
    items = []
    since_iso = iso(since) if since else None
    until_iso = iso(until) if until else None
    for commit in git.history(obj.sha):
        when = commit.committer.date
        if since_iso and when < since_iso:
            continue
        if until_iso and when > until_iso:
            continue
        if path and not git.touches(commit, path):
            continue
        items.append(GitObj(obj.repo, "commit", commit.sha))
    return connection(items, info, args)


@field("Commit", "additions", "deletions", "changedFiles", "changedFilesIfAvailable")
def f_commit_numbers(obj: GitObj, info: Info) -> int:
    files = obj.repo.git.changed_files(_commit(obj))
    if info.field_name.startswith("changedFiles"):
        return len(files)
    return 0


@field("Commit", "associatedPullRequests")
def f_assoc_pulls(obj: GitObj, info: Info, **args: Any) -> dict[str, Any]:
    items = [
        i
        for i in obj.repo.issues.values()
        if i.pull and obj.sha in (i.pull.head_sha, i.pull.merge_commit_sha)
    ]
    return connection(items, info, args)


@field("GitActor", "user")
def f_git_actor_user(obj: dict[str, Any], info: Info) -> Any:
    return obj.get("user")


@field("Ref", "prefix")
def f_ref_prefix(obj: RefObj, info: Info) -> str:
    return obj.prefix


# -- mutations --------------------------------------------------------------------------------


def _node(g: Gql, node: str, kinds: tuple[type, ...], what: str) -> Any:
    found = lookup_node(g, node)
    if found is None or not isinstance(found, kinds):
        raise GitHubGraphQLError(
            f"Could not resolve to a node with the global id of '{node}'", "NOT_FOUND"
        )
    return found


def _need(g: Gql, repo: Repo, level: str, mutation: str) -> None:
    if not g.ctx.can(repo, level):
        raise GitHubGraphQLError(
            f"{g.viewer.login} does not have the correct permissions to execute `{mutation}`",
            "FORBIDDEN",
        )


def _payload(inp: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {"clientMutationId": inp.get("clientMutationId"), **values}


@field("Mutation", "createDiscussion")
def m_create_discussion(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    repo = _node(g, input["repositoryId"], (Repo,), "Repository")
    _need(g, repo, "read", "CreateDiscussion")
    if not repo.has_discussions:
        raise GitHubGraphQLError("Repository does not have discussions enabled.", "UNPROCESSABLE")
    category = next((c for c in repo.categories if c.node_id == input["categoryId"]), None)
    if category is None:
        raise GitHubGraphQLError(
            f"Could not resolve to a node with the global id of '{input['categoryId']}'",
            "NOT_FOUND",
        )
    if not str(input.get("title") or "").strip():
        raise GitHubGraphQLError("Title can't be blank", "UNPROCESSABLE")
    discussion = g.state.create_discussion(
        repo, g.viewer, category, title=input["title"], body=input["body"]
    )
    return _payload(input, discussion=discussion)


@field("Mutation", "updateDiscussion")
def m_update_discussion(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    discussion = _node(g, input["discussionId"], (Discussion,), "Discussion")
    if discussion.user is not g.viewer:
        _need(g, discussion.repo, "triage", "UpdateDiscussion")
    category = None
    if input.get("categoryId"):
        category = next(
            (c for c in discussion.repo.categories if c.node_id == input["categoryId"]), None
        )
        if category is None:
            raise GitHubGraphQLError("Could not resolve to a DiscussionCategory", "NOT_FOUND")
    g.state.update_discussion(
        discussion, g.viewer, title=input.get("title"), body=input.get("body"), category=category
    )
    return _payload(input, discussion=discussion)


@field("Mutation", "deleteDiscussion")
def m_delete_discussion(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    discussion = _node(g, input["id"], (Discussion,), "Discussion")
    if discussion.user is not g.viewer:
        _need(g, discussion.repo, "maintain", "DeleteDiscussion")
    with g.state.lock:
        discussion.repo.discussions.pop(discussion.number, None)
        g.state.nodes.pop(discussion.id, None)
    return _payload(input, discussion=discussion)


@field("Mutation", "addDiscussionComment")
def m_add_discussion_comment(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    discussion = _node(g, input["discussionId"], (Discussion,), "Discussion")
    _need(g, discussion.repo, "read", "AddDiscussionComment")
    reply_to = None
    if input.get("replyToId"):
        reply_to = _node(g, input["replyToId"], (DiscussionComment,), "DiscussionComment")
    comment = g.state.add_discussion_comment_as(
        discussion, g.viewer, input["body"], reply_to=reply_to
    )
    return _payload(input, comment=comment)


@field("Mutation", "markDiscussionCommentAsAnswer")
def m_mark_answer(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    comment = _node(g, input["id"], (DiscussionComment,), "DiscussionComment")
    discussion = comment.discussion
    if discussion.user is not g.viewer:
        _need(g, discussion.repo, "triage", "MarkDiscussionCommentAsAnswer")
    g.state.mark_answer(comment, g.viewer)
    return _payload(input, discussion=discussion)


@field("Mutation", "addProjectV2ItemById")
def m_add_project_item(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    project = _node(g, input["projectId"], (Project,), "ProjectV2")
    content = _node(g, input["contentId"], (Issue, Discussion), "content")
    _need(g, content.repo, "triage", "AddProjectV2ItemById")
    item, _created = g.state.add_project_item(project, content, g.viewer)
    return _payload(input, item=item)


@field("Issue", "isPinned")
def f_issue_pinned(obj: Any, info: Info, **_: Any) -> bool:
    return bool(getattr(obj, "pinned", False))


PINNED_LIMIT = 3  # GitHub pins at most three issues per repository


@field("Mutation", "pinIssue", "unpinIssue")
def m_pin_issue(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    issue = _node(g, input["issueId"], (Issue,), "Issue")
    pin = info.field_name == "pinIssue"
    _need(g, issue.repo, "write", "PinIssue" if pin else "UnpinIssue")
    try:
        g.state.pin_issue(issue, g.viewer, pin, limit=PINNED_LIMIT)
    except ApiError as exc:
        raise GitHubGraphQLError(
            f"Issue could not be pinned: a repository can pin at most {PINNED_LIMIT} issues",
            "UNPROCESSABLE",
        ) from exc
    return _payload(input, issue=issue)


@field("Mutation", "addComment")
def m_add_comment(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    subject = _node(g, input["subjectId"], (Issue,), "Issue")
    _need(g, subject.repo, "read", "AddComment")
    if subject.locked and not g.ctx.can(subject.repo, "write"):
        raise GitHubGraphQLError("Unable to create comment because issue is locked.", "FORBIDDEN")
    try:
        comment = g.state.create_comment(subject, g.viewer, input["body"])
    except ApiError as exc:
        raise GitHubGraphQLError("Body can't be blank", "UNPROCESSABLE") from exc
    edge = {"cursor": encode_cursor(len(subject.comments) - 1), "node": comment}
    return _payload(
        input,
        commentEdge=edge,
        subject=subject,
        timelineEdge={"cursor": edge["cursor"], "node": comment},
    )


@field("Mutation", "updateIssueComment")
def m_update_comment(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    comment = _node(g, input["id"], (Comment,), "IssueComment")
    if comment.user is not g.viewer:
        _need(g, comment.issue.repo, "write", "UpdateIssueComment")
    g.state.edit_comment(comment, g.viewer, input["body"])
    return _payload(input, issueComment=comment)


@field("Mutation", "deleteIssueComment")
def m_delete_comment(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    comment = _node(g, input["id"], (Comment,), "IssueComment")
    if comment.user is not g.viewer:
        _need(g, comment.issue.repo, "write", "DeleteIssueComment")
    g.state.delete_comment(comment, g.viewer)
    return _payload(input)


def _labels_by_id(g: Gql, repo: Repo, ids: Iterable[str]) -> list[str]:
    names = []
    for label_id in ids:
        label = lookup_node(g, label_id)
        if not isinstance(label, Label) or repo.label(label.name) is not label:
            raise GitHubGraphQLError(
                f"Could not resolve to a node with the global id of '{label_id}'", "NOT_FOUND"
            )
        names.append(label.name)
    return names


@field("Mutation", "addLabelsToLabelable", "removeLabelsFromLabelable")
def m_labels(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    subject = _node(g, input["labelableId"], (Issue, Discussion), "Labelable")
    mutation = info.field_name[0].upper() + info.field_name[1:]
    _need(g, subject.repo, "triage", mutation)
    names = _labels_by_id(g, subject.repo, input.get("labelIds") or [])
    if isinstance(subject, Issue):
        if info.field_name == "addLabelsToLabelable":
            g.state.add_issue_labels(subject, g.viewer, names)
        else:
            for name in names:
                if subject.repo.label(name) in subject.labels:
                    g.state.remove_issue_label(subject, g.viewer, name)
    else:
        for name in names:
            label = subject.repo.label(name)
            if info.field_name == "addLabelsToLabelable" and label not in subject.labels:
                subject.labels.append(label)
            elif info.field_name != "addLabelsToLabelable" and label in subject.labels:
                subject.labels.remove(label)
    return _payload(input, labelable=subject)


@field("Mutation", "addAssigneesToAssignable", "removeAssigneesFromAssignable")
def m_assignees(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    subject = _node(g, input["assignableId"], (Issue,), "Assignable")
    _need(g, subject.repo, "triage", info.field_name[0].upper() + info.field_name[1:])
    logins = [_node(g, i, (User,), "User").login for i in input.get("assigneeIds") or []]
    if info.field_name.startswith("add"):
        g.state.add_assignees(subject, g.viewer, logins)
    else:
        g.state.remove_assignees(subject, g.viewer, logins)
    return _payload(input, assignable=subject)


@field("Mutation", "closeIssue", "reopenIssue")
def m_close(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    issue = _node(g, input["issueId"], (Issue,), "Issue")
    if issue.user is not g.viewer:
        _need(g, issue.repo, "triage", info.field_name[0].upper() + info.field_name[1:])
    if info.field_name == "closeIssue":
        reason = str(input.get("stateReason") or "COMPLETED").lower()
        g.state.edit_issue(issue, g.viewer, state="closed", state_reason=reason)
    else:
        g.state.edit_issue(issue, g.viewer, state="open")
    return _payload(input, issue=issue)


@field("Mutation", "createIssue")
def m_create_issue(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    repo = _node(g, input["repositoryId"], (Repo,), "Repository")
    _need(g, repo, "read", "CreateIssue")
    triage = g.ctx.can(repo, "triage")
    labels = _labels_by_id(g, repo, input.get("labelIds") or []) if triage else []
    assignees = [_node(g, i, (User,), "User").login for i in input.get("assigneeIds") or []]
    issue = g.state.create_issue(
        repo,
        g.viewer,
        title=input["title"],
        body=input.get("body"),
        labels=labels,
        assignees=assignees if triage else [],
    )
    return _payload(input, issue=issue)


@field("Mutation", "updateIssue")
def m_update_issue(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    issue = _node(g, input["id"], (Issue,), "Issue")
    if issue.user is not g.viewer:
        _need(g, issue.repo, "triage", "UpdateIssue")
    kwargs: dict[str, Any] = {}
    if input.get("title") is not None:
        kwargs["title"] = input["title"]
    if input.get("body") is not None:
        kwargs["body"] = input["body"]
    if input.get("state"):
        kwargs["state"] = str(input["state"]).lower()
    if input.get("labelIds") is not None:
        kwargs["labels"] = _labels_by_id(g, issue.repo, input["labelIds"])
    if input.get("assigneeIds") is not None:
        kwargs["assignees"] = [_node(g, i, (User,), "User").login for i in input["assigneeIds"]]
    g.state.edit_issue(issue, g.viewer, **kwargs)
    return _payload(input, issue=issue)


@field("Mutation", "addReaction", "removeReaction")
def m_reaction(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    g = gql(info)
    subject = _node(
        g, input["subjectId"], (Issue, Comment, Discussion, DiscussionComment), "Reactable"
    )
    content = GRAPHQL_TO_REACTION[input["content"]]
    if info.field_name == "addReaction":
        reaction, _created = g.state.react(subject, g.viewer, content)
        return _payload(
            input,
            reaction=reaction,
            subject=subject,
            reactionGroups=f_reaction_groups(subject, info),
        )
    for reaction in list(subject.reactions):
        if reaction.user is g.viewer and reaction.content == content:
            g.state.unreact(subject, reaction.id)
            return _payload(
                input,
                reaction=reaction,
                subject=subject,
                reactionGroups=f_reaction_groups(subject, info),
            )
    return _payload(
        input, reaction=None, subject=subject, reactionGroups=f_reaction_groups(subject, info)
    )


# -- errors, cost, the endpoint ---------------------------------------------------------------

_ERROR_RULES: list[
    tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[str, dict[str, Any]]]]
] = [
    (
        re.compile(r"Cannot query field '(?P<f>[^']+)' on type '(?P<t>[^']+)'\."),
        lambda m: (
            f"Field '{m['f']}' doesn't exist on type '{m['t']}'",
            {"code": "undefinedField", "typeName": m["t"], "fieldName": m["f"]},
        ),
    ),
    (
        re.compile(r"Unknown argument '(?P<a>[^']+)' on field '(?P<t>[^'.]+)\.(?P<f>[^']+)'\."),
        lambda m: (
            f"Field '{m['f']}' doesn't accept argument '{m['a']}'",
            {
                "code": "argumentNotAccepted",
                "name": m["f"],
                "typeName": "Field",
                "argumentName": m["a"],
            },
        ),
    ),
    (
        re.compile(
            r"Field '(?P<f>[^']+)' argument '(?P<a>[^']+)' of type '[^']+' is required, "
            r"but it was not provided\."
        ),
        lambda m: (
            f"Field '{m['f']}' is missing required arguments: {m['a']}",
            {
                "code": "missingRequiredArguments",
                "className": "Field",
                "name": m["f"],
                "arguments": m["a"],
            },
        ),
    ),
    (
        re.compile(
            r"Field '(?P<f>[^']+)' of type '(?P<t>[^']+)' must have a selection of "
            r"subfields\."
        ),
        lambda m: (
            f"Field must have selections (field '{m['f']}' returns "
            f"{m['t'].strip('[]!')} but has no selections. Did you mean '{m['f']} {{ ... }}'?)",
            {
                "code": "selectionMismatch",
                "nodeName": f"field '{m['f']}'",
                "typeName": m["t"].strip("[]!"),
            },
        ),
    ),
    (
        re.compile(
            r"Field '(?P<f>[^']+)' must not have a selection since type '(?P<t>[^']+)' "
            r"has no subfields\."
        ),
        lambda m: (
            f"Selections can't be made on scalars (field '{m['f']}' returns "
            f"{m['t'].strip('[]!')} but has selections [...])",
            {
                "code": "selectionMismatch",
                "nodeName": f"field '{m['f']}'",
                "typeName": m["t"].strip("[]!"),
            },
        ),
    ),
    (
        re.compile(r"Unknown type '(?P<t>[^']+)'\."),
        lambda m: (
            f"No such type {m['t']}, so it can't be a fragment condition",
            {"code": "undefinedType", "typeName": m["t"]},
        ),
    ),
    (
        re.compile(r"Variable '\$(?P<v>[^']+)' is never used(?: in operation '(?P<o>[^']+)')?\."),
        lambda m: (
            f"Variable ${m['v']} is declared by {m['o'] or 'anonymous query'} but not used",
            {"code": "variableNotUsed", "variableName": m["v"]},
        ),
    ),
    (
        re.compile(r"Variable '\$(?P<v>[^']+)' is not defined(?: by operation '(?P<o>[^']+)')?\."),
        lambda m: (
            f"Variable ${m['v']} is used by {m['o'] or 'anonymous query'} but not declared",
            {"code": "variableNotDefined", "variableName": m["v"]},
        ),
    ),
    (
        re.compile(r"Argument '(?P<a>[^']+)' has invalid value (?P<v>.*)\."),
        lambda m: (
            f"Argument '{m['a']}' has an invalid value ({m['v']}).",
            {
                "code": "argumentLiteralsIncompatible",
                "typeName": "Argument",
                "argumentName": m["a"],
            },
        ),
    ),
]


def _field_path(document: DocumentNode, target: Node | None) -> list[str] | None:
    """GitHub's `path` for a validation error: the operation, then the fields down to it."""
    if target is None:
        return None

    def walk(selection_set: SelectionSetNode | None, trail: list[str]) -> list[str] | None:
        if selection_set is None:
            return None
        for sel in selection_set.selections:
            if sel is target:
                name = (
                    sel.alias.value
                    if isinstance(sel, FieldNode) and sel.alias
                    else (sel.name.value if isinstance(sel, FieldNode) else "...")
                )
                return [*trail, name]
            if isinstance(sel, FieldNode):
                key = sel.alias.value if sel.alias else sel.name.value
                if sel.arguments and any(
                    arg is target or arg.value is target for arg in sel.arguments
                ):
                    return [*trail, key]
                found = walk(sel.selection_set, [*trail, key])
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition.name.value if sel.type_condition else ""
                found = walk(sel.selection_set, [*trail, f"... on {cond}"])
            else:
                found = None
            if found:
                return found
        return None

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            head = definition.operation.value + (
                f" {definition.name.value}" if definition.name else ""
            )
            if definition is target:
                return [head]
            found = walk(definition.selection_set, [head])
            if found:
                return found
        elif isinstance(definition, FragmentDefinitionNode):
            head = f"fragment {definition.name.value}"
            found = walk(definition.selection_set, [head])
            if found:
                return found
    return None


def format_validation_error(error: GraphQLError, document: DocumentNode) -> dict[str, Any]:
    out: dict[str, Any] = {}
    message = error.message
    extensions: dict[str, Any] = {}
    for pattern, rewrite in _ERROR_RULES:
        match = pattern.search(message)
        if match:
            message, extensions = rewrite(match)
            break
    path = _field_path(document, error.nodes[0] if error.nodes else None)
    if path:
        out["path"] = path
    if extensions:
        out["extensions"] = extensions
    out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations or []]
    out["message"] = message
    return out


def format_execution_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    out: dict[str, Any] = {}
    if isinstance(error, GitHubGraphQLError):
        out["type"] = error.error_type
    elif isinstance(original, GitHubGraphQLError):
        out["type"] = original.error_type
    if error.path:
        out["path"] = list(error.path)
    out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations or []]
    message = error.message
    if original is not None and not isinstance(original, GraphQLError):
        message = (
            "Something went wrong while executing your query. This may be the result of a "
            f"timeout, or it could be a GitHub bug. (sandbox: {type(original).__name__}: "
            f"{original})"
        )
    elif isinstance(original, GitHubGraphQLError):
        message = original.message
    out["message"] = message
    return out


def estimate_cost(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
) -> tuple[int, int]:
    """(cost in points, node count), as GitHub estimates them before running a query."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    requests = 0
    nodes = 0

    def size(sel: FieldNode) -> int | None:
        for arg in sel.arguments or ():
            if arg.name.value in ("first", "last"):
                value = arg.value
                if isinstance(value, VariableNode):
                    raw = variables.get(value.name.value)
                    return int(raw) if isinstance(raw, int) else None
                try:
                    return int(getattr(value, "value", 0))
                except (TypeError, ValueError):
                    return None
        return None

    def walk(selection_set: SelectionSetNode | None, multiplier: int, depth: int) -> None:
        nonlocal requests, nodes
        if selection_set is None or depth > 40:
            return
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                n = size(sel)
                if n is not None:
                    requests += multiplier
                    nodes += multiplier * n
                    walk(sel.selection_set, multiplier * max(n, 1), depth + 1)
                else:
                    walk(sel.selection_set, multiplier, depth + 1)
            elif isinstance(sel, InlineFragmentNode):
                walk(sel.selection_set, multiplier, depth + 1)
            elif isinstance(sel, FragmentSpreadNode):
                frag = fragments.get(sel.name.value)
                if frag is not None:
                    walk(frag.selection_set, multiplier, depth + 1)

    walk(operation.selection_set, 1, 0)
    if operation.operation == OperationType.MUTATION:
        return 1, nodes
    return max(1, round(requests / 100)), nodes


def _pick_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        return next((o for o in ops if o.name and o.name.value == name), None)
    return ops[0] if len(ops) == 1 else None


def graphql_endpoint(ctx: Ctx) -> Reply:
    body = ctx.json()
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        return Reply(
            {"errors": [{"message": "A query attribute must be specified and must be a string."}]}
        )
    variables = body.get("variables") or {}
    if isinstance(variables, str):
        import json

        try:
            variables = json.loads(variables) if variables.strip() else {}
        except ValueError:
            variables = None
    if not isinstance(variables, dict):
        return Reply({"errors": [{"message": "Variables are invalid JSON."}]})
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        loc = exc.locations[0] if exc.locations else None
        where = f" at [{loc.line}, {loc.column}]" if loc else ""
        return Reply(
            {
                "errors": [
                    {
                        "message": f"Parse error on {exc.message.removeprefix('Syntax Error: ')}{where}",
                        "locations": [{"line": loc.line, "column": loc.column}] if loc else [],
                    }
                ]
            }
        )
    the_schema = schema()
    errors = validate(the_schema, document)
    if errors:
        return Reply({"errors": [format_validation_error(e, document) for e in errors]})
    operation = _pick_operation(document, body.get("operationName"))
    if operation is None:
        message = (
            "An operation name is required"
            if not body.get("operationName")
            else f'No operation named "{body.get("operationName")}"'
        )
        return Reply({"errors": [{"message": message}]})
    ctx.operation = "mutation" if operation.operation == OperationType.MUTATION else "query"
    cost, node_count = estimate_cost(document, operation, variables)
    if node_count > NODE_LIMIT:
        return Reply(
            {
                "errors": [
                    {
                        "type": "MAX_NODE_LIMIT_EXCEEDED",
                        "message": f"This query requests up to {node_count:,} possible nodes which exceeds "
                        f"the maximum limit of {NODE_LIMIT:,}.",
                    }
                ]
            }
        )
    server = ctx.server
    ctx.rate = server.rate.charge(ctx.identity.bucket, "graphql", cost)
    limit, remaining, used, reset = ctx.rate
    rate = {
        "limit": limit,
        "cost": cost,
        "remaining": remaining,
        "used": used,
        "resetAt": _epoch_iso(reset),
        "nodeCount": node_count,
    }
    result = execute_sync(
        the_schema,
        document,
        root_value={},
        context_value=Gql(ctx, ctx.state, rate),
        variable_values=variables,
        operation_name=body.get("operationName"),
        field_resolver=default_resolver,
        type_resolver=type_resolver,
    )
    out: dict[str, Any] = {}
    if result.errors and result.data is None and all(e.path is None for e in result.errors):
        # variable coercion failures: GitHub answers with errors only
        return Reply({"errors": [_variable_error(e, operation) for e in result.errors]})
    out["data"] = result.data
    if result.errors:
        out["errors"] = [format_execution_error(e) for e in result.errors]
    return Reply(out)


def _variable_error(error: GraphQLError, operation: OperationDefinitionNode) -> dict[str, Any]:
    """GitHub's shape for a variable that is missing or of the wrong type."""
    message = error.message
    out: dict[str, Any] = {}
    match = re.match(r"Variable '\$(?P<v>[^']+)'", message)
    if match:
        name = match["v"]
        declared = next(
            (d for d in operation.variable_definitions or () if d.variable.name.value == name),
            None,
        )
        type_text = print_ast(declared.type) if declared is not None else "?"
        out["extensions"] = {"value": None, "problems": [{"path": [], "explanation": message}]}
        message = f"Variable ${name} of type {type_text} was provided invalid value"
    out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations or []]
    out["message"] = message
    return out


def _epoch_iso(epoch: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def register(router: Router) -> None:
    router.add(
        "POST", "/graphql", graphql_endpoint, "https://docs.github.com/graphql", resource="graphql"
    )


__all__ = ["RESOLVERS", "connection", "field", "register", "schema"]
