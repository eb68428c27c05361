"""The REST routes the sandbox serves, each as GitHub documents and behaves.

Every route exists in GitHub's OpenAPI description with the same method and template (the
tests enumerate `ROUTER.routes` and check), and every response validates against that
operation's response schema.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ghcommunity_sandbox.errors import ApiError, custom, invalid, not_found
from ghcommunity_sandbox.git import (
    FILE_MODE,
    TREE_MODE,
    Commit,
    FileDiff,
    GitError,
    Signature,
    diff_trees,
    git_diff,
)
from ghcommunity_sandbox.http import Ctx, Reply, Router
from ghcommunity_sandbox.media import wanted_format
from ghcommunity_sandbox.model import (
    REACTIONS,
    Comment,
    Issue,
    Label,
    Org,
    Repo,
    Team,
    User,
    iso,
)
from ghcommunity_sandbox.query import list_issues, search_issues
from ghcommunity_sandbox.shapes import permission_flags

ROUTER = Router()
route = ROUTER.route

_ISSUES = "issues/issues"
_COMMENTS = "issues/comments"
_LABELS = "issues/labels"
_EVENTS = "issues/events"
_ASSIGNEES = "issues/assignees"
_REACTIONS = "reactions/reactions"
_CONTENTS = "repos/contents"
_GIT = "git"
_PULLS = "pulls/pulls"
_REVIEWS = "pulls/reviews"


def _issue(ctx: Ctx, repo: Repo) -> Issue:
    found = repo.issues.get(ctx.int_param("issue_number"))
    if found is None:
        if repo.discussions.get(ctx.int_param("issue_number")) is not None:
            raise ApiError(404, "Not Found")
        raise not_found()
    return found


def _pull(ctx: Ctx, repo: Repo) -> Issue:
    try:
        number = int(ctx.params["pull_number"])
    except (KeyError, ValueError):
        raise not_found() from None
    found = repo.issues.get(number)
    if found is None or found.pull is None:
        raise not_found()
    return found


def _label(repo: Repo, name: str) -> Label:
    found = repo.label(name)
    if found is None:
        raise not_found()
    return found


def _comment(ctx: Ctx, repo: Repo) -> Comment:
    return ctx.state.comment(repo, ctx.int_param("comment_id"))


def _str_list(value: Any, field: str, resource: str = "Issue") -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise invalid(resource, field)
    out = []
    for item in value:
        if isinstance(item, dict) and "name" in item:
            out.append(str(item["name"]))
        elif isinstance(item, str | int):
            out.append(str(item))
        else:
            raise invalid(resource, field)
    return out


def _labels_body(ctx: Ctx) -> list[str]:
    """The labels of POST/PUT /issues/{n}/labels: `{"labels": [...]}`, a list, or names."""
    if not ctx.body.strip():
        return []
    try:
        import json

        data = json.loads(ctx.body)
    except ValueError:
        raise ApiError(400, "Problems parsing JSON") from None
    if isinstance(data, list):
        return _str_list(data, "labels", "Label")
    if isinstance(data, dict):
        if "labels" not in data:
            raise invalid("Label", "labels", "missing_field")
        return _str_list(data["labels"], "labels", "Label")
    if isinstance(data, str):
        return [data]
    raise invalid("Label", "labels")


# -- meta, users, orgs -------------------------------------------------------------------------


@route(
    "GET", "/rate_limit", "rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user"
)
def rate_limit(ctx: Ctx) -> Reply:
    resources = {}
    for resource in ("core", "search", "graphql"):
        limit, remaining, used, reset = ctx.server.rate.peek(ctx.identity.bucket, resource)
        resources[resource] = {
            "limit": limit,
            "remaining": remaining,
            "reset": reset,
            "used": used,
            "resource": resource,
        }
    return Reply({"resources": resources, "rate": resources["core"]})


@route("GET", "/user", "users/users#get-the-authenticated-user")
def authenticated_user(ctx: Ctx) -> Reply:
    if ctx.identity.kind == "installation":
        raise ApiError(403, "Resource not accessible by integration")
    return Reply(ctx.shapes.public_user(ctx.actor, private=True))


@route("GET", "/users/{username}", "users/users#get-a-user")
def get_user(ctx: Ctx) -> Reply:
    account = ctx.state.account(ctx.params["username"])
    if account is None:
        raise not_found()
    return Reply(ctx.shapes.public_user(account))


def _org(ctx: Ctx) -> Org:
    org = ctx.state.org(ctx.params["org"])
    if org is None:
        raise not_found()
    return org


@route("GET", "/orgs/{org}", "orgs/orgs#get-an-organization")
def get_org(ctx: Ctx) -> Reply:
    return Reply(ctx.shapes.org(_org(ctx), full=True))


@route("GET", "/orgs/{org}/members", "orgs/members#list-organization-members")
def org_members(ctx: Ctx) -> Reply:
    org = _org(ctx)
    role = ctx.query.get("role", "all")
    logins = [login for login, r in org.members.items() if role == "all" or r == role]
    users = sorted(
        (u for u in (ctx.state.user(login) for login in logins) if u is not None),
        key=lambda u: u.id,
    )
    return ctx.paginate(users, ctx.shapes.user)


@route(
    "GET", "/orgs/{org}/members/{username}", "orgs/members#check-organization-membership-for-a-user"
)
def org_member(ctx: Ctx) -> Reply:
    org = _org(ctx)
    if ctx.params["username"].lower() in org.members:
        return Reply(None, 204)
    raise ApiError(404, "User does not exist or is not a member of the organization")


@route("GET", "/orgs/{org}/repos", "repos/repos#list-organization-repositories")
def org_repos(ctx: Ctx) -> Reply:
    org = _org(ctx)
    repos = sorted(
        (
            r
            for r in ctx.state.repos.values()
            if r.owner is org and (not r.private or ctx.permission(r) is not None)
        ),
        key=lambda r: r.created_at,
    )
    return ctx.paginate(repos, lambda r: ctx.shapes.repo(r, permission=ctx.permission(r)))


@route("GET", "/orgs/{org}/teams", "teams/teams#list-teams")
def org_teams(ctx: Ctx) -> Reply:
    org = _org(ctx)
    return ctx.paginate(list(org.teams.values()), ctx.shapes.team)


def _team(ctx: Ctx) -> Any:
    """The team of a request: by org and slug, or by id (`team_id`, with `org_id` or not)."""
    if "team_id" in ctx.params:
        found = ctx.state.nodes.get(ctx.int_param("team_id"))
        if not isinstance(found, Team):
            raise not_found()
        org = ctx.state.org(found.org)
        if org is None or ("org_id" in ctx.params and str(org.id) != ctx.params["org_id"]):
            raise not_found()
        return found
    org = _org(ctx)
    team = org.teams.get(ctx.params["team_slug"].lower())
    if team is None:
        raise not_found()
    return team


def _team_org(ctx: Ctx, team: Team) -> Org:
    org = ctx.state.org(team.org)
    assert org is not None
    return org


_TEAM_BY_ID = "/organizations/{org_id}/team/{team_id}"


@route("GET", "/orgs/{org}/teams/{team_slug}", "teams/teams#get-a-team-by-name")
@route("GET", "/teams/{team_id}", "teams/teams#get-a-team-legacy")
@route("GET", _TEAM_BY_ID, "teams/teams#get-a-team-legacy", documented_as="/teams/{team_id}")
def get_team(ctx: Ctx) -> Reply:
    team = _team(ctx)
    data = ctx.shapes.team(team)
    org = _team_org(ctx, team)
    data.update(
        {
            "members_count": len(team.members),
            "repos_count": 0,
            "created_at": team.created_at,
            "updated_at": team.created_at,
            "organization": ctx.shapes.org(org, full=True),
        }
    )
    return Reply(data)


@route("GET", "/orgs/{org}/teams/{team_slug}/members", "teams/members#list-team-members")
@route("GET", "/teams/{team_id}/members", "teams/members#list-team-members-legacy")
@route(
    "GET",
    _TEAM_BY_ID + "/members",
    "teams/members#list-team-members-legacy",
    documented_as="/teams/{team_id}/members",
)
def team_members(ctx: Ctx) -> Reply:
    team = _team(ctx)
    role = ctx.query.get("role", "all")
    users = [
        u
        for login, r in team.members.items()
        if (role == "all" or r == role) and (u := ctx.state.user(login)) is not None
    ]
    return ctx.paginate(users, ctx.shapes.user)


@route(
    "GET",
    "/orgs/{org}/teams/{team_slug}/memberships/{username}",
    "teams/members#get-team-membership-for-a-user",
)
@route(
    "GET",
    "/teams/{team_id}/memberships/{username}",
    "teams/members#get-team-membership-for-a-user-legacy",
)
@route(
    "GET",
    _TEAM_BY_ID + "/memberships/{username}",
    "teams/members#get-team-membership-for-a-user-legacy",
    documented_as="/teams/{team_id}/memberships/{username}",
)
def team_membership(ctx: Ctx) -> Reply:
    team = _team(ctx)
    role = team.members.get(ctx.params["username"].lower())
    if role is None:
        raise not_found()
    return Reply(
        {
            "url": f"{ctx.api}/organizations/{_team_org(ctx, team).id}/team/{team.id}/memberships/"
            f"{ctx.params['username']}",
            "role": role,
            "state": "active",
        }
    )


@route("GET", "/teams/{team_id}/members/{username}", "teams/members#get-team-member-legacy")
@route(
    "GET",
    _TEAM_BY_ID + "/members/{username}",
    "teams/members#get-team-member-legacy",
    documented_as="/teams/{team_id}/members/{username}",
)
def team_member(ctx: Ctx) -> Reply:
    """204 when the user is a member of the team (what PyGithub's `has_in_members` asks)."""
    team = _team(ctx)
    if ctx.params["username"].lower() in team.members:
        return Reply(None, 204)
    raise not_found()


@route(
    "GET",
    "/orgs/{org}/memberships/{username}",
    "orgs/members#get-organization-membership-for-a-user",
)
def org_membership(ctx: Ctx) -> Reply:
    org = _org(ctx)
    user = ctx.state.user(ctx.params["username"])
    role = org.members.get(ctx.params["username"].lower())
    if user is None or role is None:
        raise not_found()
    return Reply(
        {
            "url": f"{ctx.api}/orgs/{org.login}/memberships/{user.login}",
            "state": "active",
            "role": "admin" if role == "admin" else "member",
            "organization_url": f"{ctx.api}/orgs/{org.login}",
            "organization": ctx.shapes.org(org),
            "user": ctx.shapes.user(user),
        }
    )


# -- repositories ------------------------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}", "repos/repos#get-a-repository")
def get_repo(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    return Reply(ctx.shapes.repo(repo, full=True, permission=ctx.permission(repo)))


def _collaborator(ctx: Ctx, repo: Repo, user: User) -> dict[str, Any]:
    data = dict(ctx.shapes.user(user) or {})
    role = ctx.state.permission(repo, user.login) or ("read" if not repo.private else None)
    data["permissions"] = permission_flags(role)
    data["role_name"] = role or "none"
    return data


@route(
    "GET",
    "/repos/{owner}/{repo}/collaborators",
    "collaborators/collaborators#list-repository-collaborators",
)
def list_collaborators(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    logins = set(repo.collaborators)
    if isinstance(repo.owner, Org):
        logins |= {login for login, role in repo.owner.members.items() if role == "admin"}
        if ctx.query.get("affiliation", "all") == "all":
            logins |= set(repo.owner.members)
    else:
        logins.add(repo.owner.login.lower())
    users = sorted((u for u in map(ctx.state.user, logins) if u), key=lambda u: u.id)
    return ctx.paginate(users, lambda u: _collaborator(ctx, repo, u))


@route(
    "GET",
    "/repos/{owner}/{repo}/collaborators/{username}",
    "collaborators/collaborators#check-if-a-user-is-a-repository-collaborator",
)
def check_collaborator(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    user = ctx.state.user(ctx.params["username"])
    if user is not None and ctx.state.permission(repo, user.login) is not None:
        return Reply(None, 204)
    raise not_found()


@route(
    "GET",
    "/repos/{owner}/{repo}/collaborators/{username}/permission",
    "collaborators/collaborators#get-repository-permissions-for-a-user",
)
def collaborator_permission(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    user = ctx.state.user(ctx.params["username"])
    if user is None:
        raise not_found()
    role = ctx.state.permission(repo, user.login)
    if role is None:
        role = "read" if not repo.private else "none"
    legacy = {
        "admin": "admin",
        "maintain": "write",
        "write": "write",
        "triage": "read",
        "read": "read",
    }.get(role, "none")
    return Reply({"permission": legacy, "role_name": role, "user": _collaborator(ctx, repo, user)})


@route("GET", "/repos/{owner}/{repo}/assignees", "issues/assignees#list-assignees")
def list_assignees(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    users = [
        u
        for u in ctx.state.users.values()
        if (perm := ctx.state.permission(repo, u.login)) and perm != "read"
    ]
    users.sort(key=lambda u: u.id)
    return ctx.paginate(users, ctx.shapes.user)


@route(
    "GET",
    "/repos/{owner}/{repo}/assignees/{assignee}",
    "issues/assignees#check-if-a-user-can-be-assigned",
)
def check_assignee(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    user = ctx.state.user(ctx.params["assignee"])
    if user is not None and ctx.state.permission(repo, user.login) not in (None, "read"):
        return Reply(None, 204)
    raise not_found()


# -- issues ------------------------------------------------------------------------------------


def _milestone_arg(ctx: Ctx, repo: Repo, value: Any) -> Any:
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise invalid("Issue", "milestone") from None
    found = repo.milestones.get(number)
    if found is None:
        raise invalid("Issue", "milestone")
    return found


@route("GET", "/repos/{owner}/{repo}/issues", f"{_ISSUES}#list-repository-issues")
def list_repo_issues(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    q = ctx.query
    items = list_issues(
        ctx.state,
        repo,
        state_filter=q.get("state") or "open",
        labels=(q.get("labels") or "").split(",") if q.get("labels") else (),
        since=q.get("since"),
        sort=q.get("sort") or "created",
        direction=q.get("direction") or ("desc"),
        creator=q.get("creator"),
        assignee=q.get("assignee"),
        milestone=q.get("milestone"),
        mentioned=q.get("mentioned"),
    )
    return ctx.paginate(items, lambda i: ctx.shapes.issue(i, listed=True))


@route("POST", "/repos/{owner}/{repo}/issues", f"{_ISSUES}#create-an-issue")
def create_issue(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    if not repo.has_issues:
        raise ApiError(410, "Issues are disabled for this repo")
    body = ctx.json()
    title = body.get("title")
    if title is None:
        raise invalid("Issue", "title", "missing_field")
    if not isinstance(title, str | int):
        raise invalid("Issue", "title")
    text = body.get("body")
    if text is not None and not isinstance(text, str):
        raise invalid("Issue", "body")
    triage = ctx.can(repo, "triage")
    labels = _str_list(body.get("labels"), "labels") if triage else []
    assignees = _str_list(body.get("assignees"), "assignees")
    if body.get("assignee"):
        assignees.insert(0, str(body["assignee"]))
    if not triage:
        assignees = []
    for login in assignees:
        if ctx.state.user(login) is None:
            raise invalid("Issue", "assignees")
    milestone = _milestone_arg(ctx, repo, body.get("milestone")) if triage else None
    issue = ctx.state.create_issue(
        repo,
        ctx.actor,
        title=str(title),
        body=text,
        labels=labels,
        assignees=assignees,
        milestone=milestone,
    )
    data = ctx.shapes.issue(issue)
    return Reply(data, 201, {"location": data["url"]})


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}", f"{_ISSUES}#get-an-issue")
def get_issue(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    return Reply(ctx.shapes.issue(_issue(ctx, repo)))


@route("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", f"{_ISSUES}#update-an-issue")
def update_issue(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    issue = _issue(ctx, repo)
    body = ctx.json()
    is_author = issue.user is ctx.actor
    triage = ctx.can(repo, "triage")
    if not (triage or is_author):
        raise ApiError(403, "Must have triage access to update an issue")
    kwargs: dict[str, Any] = {}
    if "title" in body:
        if body["title"] is None or not str(body["title"]).strip():
            raise invalid("Issue", "title", "missing_field")
        kwargs["title"] = str(body["title"])
    if "body" in body:
        kwargs["body"] = body["body"]
    if "state" in body and body["state"] is not None:
        if body["state"] not in ("open", "closed"):
            raise invalid("Issue", "state")
        kwargs["state"] = body["state"]
    if "state_reason" in body:
        if body["state_reason"] not in (None, "completed", "not_planned", "reopened", "duplicate"):
            raise invalid("Issue", "state_reason")
        kwargs["state_reason"] = body["state_reason"]
    if triage:
        if "labels" in body:
            kwargs["labels"] = _str_list(body["labels"], "labels")
        if "assignees" in body or "assignee" in body:
            wanted = _str_list(body.get("assignees"), "assignees")
            if body.get("assignee"):
                wanted.insert(0, str(body["assignee"]))
            kwargs["assignees"] = wanted
        if "milestone" in body:
            kwargs["milestone"] = _milestone_arg(ctx, repo, body["milestone"])
    ctx.state.edit_issue(issue, ctx.actor, **kwargs)
    return Reply(ctx.shapes.issue(issue))


@route("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/lock", f"{_ISSUES}#lock-an-issue")
def lock_issue(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    issue = _issue(ctx, repo)
    reason = ctx.json().get("lock_reason")
    if reason is not None and reason not in ("off-topic", "too heated", "resolved", "spam"):
        raise invalid("Issue", "lock_reason")
    ctx.state.lock_issue(issue, ctx.actor, reason)
    return Reply(None, 204)


@route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/lock", f"{_ISSUES}#unlock-an-issue")
def unlock_issue(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    ctx.state.unlock_issue(_issue(ctx, repo), ctx.actor)
    return Reply(None, 204)


# -- comments ----------------------------------------------------------------------------------


@route(
    "GET",
    "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    f"{_COMMENTS}#list-issue-comments",
)
def list_issue_comments(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    issue = _issue(ctx, repo)
    items = issue.comments
    bound = ctx.time_param("since")
    if bound:
        items = [c for c in items if c.updated_at >= bound]
    return ctx.paginate(items, ctx.shapes.comment)


@route(
    "POST",
    "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    f"{_COMMENTS}#create-an-issue-comment",
)
def create_comment(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    issue = _issue(ctx, repo)
    if issue.locked and not ctx.can(repo, "write"):
        raise ApiError(403, "Unable to create comment because issue is locked.")
    body = ctx.json().get("body")
    if body is None:
        raise invalid("IssueComment", "body", "missing_field")
    if not isinstance(body, str):
        raise invalid("IssueComment", "body")
    comment = ctx.state.create_comment(issue, ctx.actor, body)
    data = ctx.shapes.comment(comment)
    return Reply(data, 201, {"location": data["url"]})


@route(
    "GET",
    "/repos/{owner}/{repo}/issues/comments",
    f"{_COMMENTS}#list-issue-comments-for-a-repository",
)
def list_repo_comments(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    sort = ctx.query.get("sort") or "created"
    direction = ctx.query.get("direction") or "asc"
    bound = ctx.time_param("since")

    def build() -> list[Comment]:
        items = list(repo.comments.values())
        if bound:
            items = [c for c in items if c.updated_at >= bound]
        if sort == "updated":
            items.sort(key=lambda c: (c.updated_at, c.id))
        else:
            items.sort(key=lambda c: (c.created_at, c.id))
        if direction == "desc":
            items.reverse()
        return items

    from ghcommunity_sandbox.query import cached

    items = cached(ctx.state, repo, ("comments", sort, direction, bound), build)
    return ctx.paginate(items, ctx.shapes.comment)


@route(
    "GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}", f"{_COMMENTS}#get-an-issue-comment"
)
def get_comment(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    return Reply(ctx.shapes.comment(_comment(ctx, repo)))


@route(
    "PATCH",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    f"{_COMMENTS}#update-an-issue-comment",
)
def update_comment(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    comment = _comment(ctx, repo)
    if comment.user is not ctx.actor and not ctx.can(repo, "write"):
        raise ApiError(403, "Must have admin rights to Repository.")
    body = ctx.json().get("body")
    if body is None:
        raise invalid("IssueComment", "body", "missing_field")
    ctx.state.edit_comment(comment, ctx.actor, str(body))
    return Reply(ctx.shapes.comment(comment))


@route(
    "DELETE",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    f"{_COMMENTS}#delete-an-issue-comment",
)
def delete_comment(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    comment = _comment(ctx, repo)
    if comment.user is not ctx.actor and not ctx.can(repo, "write"):
        raise ApiError(403, "Must have admin rights to Repository.")
    ctx.state.delete_comment(comment, ctx.actor)
    return Reply(None, 204)


# -- events and timeline -----------------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/events", f"{_EVENTS}#list-issue-events")
def list_issue_events(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    issue = _issue(ctx, repo)
    return ctx.paginate(issue.events, ctx.shapes.event)


@route(
    "GET", "/repos/{owner}/{repo}/issues/events", f"{_EVENTS}#list-issue-events-for-a-repository"
)
def list_repo_events(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    items = list(reversed(repo.events))
    return ctx.paginate(items, lambda e: ctx.shapes.event(e, with_issue=True))


@route("GET", "/repos/{owner}/{repo}/issues/events/{event_id}", f"{_EVENTS}#get-an-issue-event")
def get_event(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    try:
        event_id = int(ctx.params["event_id"])
    except ValueError:
        raise not_found() from None
    event = ctx.state.nodes.get(event_id)
    if event is None or getattr(event, "issue", None) is None or event.issue.repo is not repo:
        raise not_found()
    return Reply(ctx.shapes.event(event, with_issue=True))


@route(
    "GET",
    "/repos/{owner}/{repo}/issues/{issue_number}/timeline",
    "issues/timeline#list-timeline-events-for-an-issue",
)
def timeline(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    issue = _issue(ctx, repo)
    return ctx.paginate(ctx.shapes.timeline(issue), lambda x: x)


# -- labels ------------------------------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}/labels", f"{_LABELS}#list-labels-for-a-repository")
def list_labels(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    labels = sorted(repo.labels.values(), key=lambda lab: lab.name.lower())
    return ctx.paginate(labels, lambda lab: ctx.shapes.label(repo, lab))


def _check_color(value: Any) -> None:
    """GitHub takes a colour as six hex digits without the leading `#` (422 otherwise)."""
    if value is not None and (
        not isinstance(value, str) or len(value) != 6 or value.startswith("#")
    ):
        raise invalid("Label", "color")


@route("POST", "/repos/{owner}/{repo}/labels", f"{_LABELS}#create-a-label")
def create_label(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    body = ctx.json()
    name = body.get("name")
    if name is None:
        raise invalid("Label", "name", "missing_field")
    _check_color(body.get("color"))
    label = ctx.state.create_label(
        repo, ctx.actor, str(name), body.get("color"), body.get("description")
    )
    data = ctx.shapes.label(repo, label)
    return Reply(data, 201, {"location": data["url"]})


@route("GET", "/repos/{owner}/{repo}/labels/{name}", f"{_LABELS}#get-a-label")
def get_label(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    return Reply(ctx.shapes.label(repo, _label(repo, ctx.params["name"])))


@route("PATCH", "/repos/{owner}/{repo}/labels/{name}", f"{_LABELS}#update-a-label")
def update_label(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    label = _label(repo, ctx.params["name"])
    body = ctx.json()
    kwargs: dict[str, Any] = {}
    if body.get("new_name") is not None:
        kwargs["new_name"] = str(body["new_name"])
    elif body.get("name") is not None:
        kwargs["new_name"] = str(body["name"])
    if body.get("color") is not None:
        _check_color(body["color"])
        kwargs["color"] = str(body["color"])
    if "description" in body:
        kwargs["description"] = body["description"]
    ctx.state.update_label(repo, ctx.actor, label, **kwargs)
    return Reply(ctx.shapes.label(repo, label))


@route("DELETE", "/repos/{owner}/{repo}/labels/{name}", f"{_LABELS}#delete-a-label")
def delete_label(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    ctx.state.delete_label(repo, ctx.actor, _label(repo, ctx.params["name"]))
    return Reply(None, 204)


@route(
    "GET",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    f"{_LABELS}#list-labels-for-an-issue",
)
def list_issue_labels(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    issue = _issue(ctx, repo)
    return ctx.paginate(issue.labels, lambda lab: ctx.shapes.label(repo, lab))


@route(
    "POST",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    f"{_LABELS}#add-labels-to-an-issue",
)
def add_issue_labels(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    issue = _issue(ctx, repo)
    labels = ctx.state.add_issue_labels(issue, ctx.actor, _labels_body(ctx))
    return Reply([ctx.shapes.label(repo, lab) for lab in labels])


@route(
    "PUT",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    f"{_LABELS}#set-labels-for-an-issue",
)
def set_issue_labels(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    issue = _issue(ctx, repo)
    labels = ctx.state.set_issue_labels(issue, ctx.actor, _labels_body(ctx))
    return Reply([ctx.shapes.label(repo, lab) for lab in labels])


@route(
    "DELETE",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    f"{_LABELS}#remove-all-labels-from-an-issue",
)
def clear_issue_labels(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    issue = _issue(ctx, repo)
    ctx.state.set_issue_labels(issue, ctx.actor, [])
    return Reply(None, 204)


@route(
    "DELETE",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    f"{_LABELS}#remove-a-label-from-an-issue",
)
def remove_issue_label(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    issue = _issue(ctx, repo)
    labels = ctx.state.remove_issue_label(issue, ctx.actor, ctx.params["name"])
    return Reply([ctx.shapes.label(repo, lab) for lab in labels])


# -- assignees ---------------------------------------------------------------------------------


@route(
    "POST",
    "/repos/{owner}/{repo}/issues/{issue_number}/assignees",
    f"{_ASSIGNEES}#add-assignees-to-an-issue",
)
def add_assignees(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    issue = _issue(ctx, repo)
    ctx.state.add_assignees(issue, ctx.actor, _str_list(ctx.json().get("assignees"), "assignees"))
    return Reply(ctx.shapes.issue(issue), 201)


@route(
    "DELETE",
    "/repos/{owner}/{repo}/issues/{issue_number}/assignees",
    "https://docs.github.com/rest/reference/issues#remove-assignees-from-an-issue",
)
def remove_assignees(ctx: Ctx) -> Reply:
    repo = ctx.repo("triage")
    issue = _issue(ctx, repo)
    ctx.state.remove_assignees(
        issue, ctx.actor, _str_list(ctx.json().get("assignees"), "assignees")
    )
    return Reply(ctx.shapes.issue(issue))


# -- milestones --------------------------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}/milestones", "issues/milestones#list-milestones")
def list_milestones(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    wanted = ctx.query.get("state") or "open"
    items = [m for m in repo.milestones.values() if wanted == "all" or m.state == wanted]
    return ctx.paginate(items, lambda m: ctx.shapes.milestone(repo, m))


@route("POST", "/repos/{owner}/{repo}/milestones", "issues/milestones#create-a-milestone")
def create_milestone(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    body = ctx.json()
    title = body.get("title")
    if not title:
        raise invalid("Milestone", "title", "missing_field")
    if any(m.title == title for m in repo.milestones.values()):
        raise invalid("Milestone", "title", "already_exists")
    milestone = ctx.state.add_milestone(
        repo,
        str(title),
        description=body.get("description"),
        due_on=body.get("due_on"),
        state=body.get("state") or "open",
        actor=ctx.actor,
    )
    return Reply(ctx.shapes.milestone(repo, milestone), 201)


@route(
    "GET",
    "/repos/{owner}/{repo}/milestones/{milestone_number}",
    "issues/milestones#get-a-milestone",
)
def get_milestone(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    found = repo.milestones.get(ctx.int_param("milestone_number"))
    if found is None:
        raise not_found()
    return Reply(ctx.shapes.milestone(repo, found))


# -- reactions ---------------------------------------------------------------------------------


def _reactions_list(ctx: Ctx, reactions: list[Any]) -> Reply:
    content = ctx.query.get("content")
    if content:
        if content not in REACTIONS:
            raise invalid("Reaction", "content")
        reactions = [r for r in reactions if r.content == content]
    return ctx.paginate(reactions, ctx.shapes.reaction)


def _react(ctx: Ctx, subject: Any) -> Reply:
    content = ctx.json().get("content")
    if content is None:
        raise invalid("Reaction", "content", "missing_field")
    if content not in REACTIONS:
        raise invalid("Reaction", "content")
    reaction, created = ctx.state.react(subject, ctx.actor, str(content))
    return Reply(ctx.shapes.reaction(reaction), 201 if created else 200)


@route(
    "GET",
    "/repos/{owner}/{repo}/issues/{issue_number}/reactions",
    f"{_REACTIONS}#list-reactions-for-an-issue",
)
def list_issue_reactions(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    return _reactions_list(ctx, _issue(ctx, repo).reactions)


@route(
    "POST",
    "/repos/{owner}/{repo}/issues/{issue_number}/reactions",
    f"{_REACTIONS}#create-reaction-for-an-issue",
)
def create_issue_reaction(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    return _react(ctx, _issue(ctx, repo))


@route(
    "DELETE",
    "/repos/{owner}/{repo}/issues/{issue_number}/reactions/{reaction_id}",
    f"{_REACTIONS}#delete-an-issue-reaction",
)
def delete_issue_reaction(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    ctx.state.unreact(_issue(ctx, repo), ctx.int_param("reaction_id"))
    return Reply(None, 204)


@route(
    "GET",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    f"{_REACTIONS}#list-reactions-for-an-issue-comment",
)
def list_comment_reactions(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    return _reactions_list(ctx, _comment(ctx, repo).reactions)


@route(
    "POST",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    f"{_REACTIONS}#create-reaction-for-an-issue-comment",
)
def create_comment_reaction(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    return _react(ctx, _comment(ctx, repo))


@route(
    "DELETE",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions/{reaction_id}",
    f"{_REACTIONS}#delete-an-issue-comment-reaction",
)
def delete_comment_reaction(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    ctx.state.unreact(_comment(ctx, repo), ctx.int_param("reaction_id"))
    return Reply(None, 204)


# -- search ------------------------------------------------------------------------------------


@route("GET", "/search/issues", "search/search#search-issues-and-pull-requests", resource="search")
def search(ctx: Ctx) -> Reply:
    q = ctx.query.get("q")
    if not q:
        raise invalid("Search", "q", "missing")
    page, per_page = ctx.page_args()
    if page * per_page > 1000 and (page - 1) * per_page >= 1000:
        raise ApiError(422, "Only the first 1000 search results are available")
    sort = ctx.query.get("sort")
    order = ctx.query.get("order")

    def visible(r: Repo) -> bool:
        return not r.private or ctx.permission(r) is not None

    items = search_issues(ctx.state, q, visible, sort=sort, order=order)
    total = len(items)
    return ctx.paginate(
        items,
        lambda i: ctx.shapes.issue(i, search=True),
        wrap=lambda chunk: {
            "total_count": total,
            "incomplete_results": False,
            "search_type": "lexical",
            "items": chunk,
        },
        cap=1000,
    )


# -- contents ----------------------------------------------------------------------------------


def _head(repo: Repo, ref: str | None) -> tuple[str, str]:
    """(commit sha, ref name) for `?ref=` (default branch when missing)."""
    name = ref or repo.default_branch
    sha = repo.git.resolve(name, repo.default_branch)
    if sha is None:
        raise ApiError(404, f"No commit found for the ref {name}")
    return sha, name


@route(
    "GET",
    "/repos/{owner}/{repo}/contents/{path}",
    f"{_CONTENTS}#get-repository-content",
    greedy=("path",),
)
def get_content(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    if not repo.git.refs:
        raise ApiError(404, "This repository is empty.")
    sha, ref = _head(repo, ctx.query.get("ref"))
    path = ctx.params.get("path", "").strip("/")
    git = repo.git
    entry = git.walk_path(git.commits[sha].tree, path)
    if entry is None:
        raise not_found()
    accept = ctx.headers.get("accept", "")
    if entry.type == "tree":
        tree = git.trees[entry.sha]
        items = []
        for child in tree.entries:
            child_path = f"{path}/{child.name}" if path else child.name
            items.append(ctx.shapes.content_file(repo, child_path, child, ref, with_content=False))
        return Reply(items)
    if "raw" in accept:
        return Reply(
            raw=git.blobs[entry.sha].data,
            content_type="application/vnd.github.raw; charset=utf-8",
            headers={"x-github-media-type": "github.v3; param=raw"},
        )
    return Reply(ctx.shapes.content_file(repo, path, entry, ref, with_content=True))


def _person(ctx: Ctx, value: Any, when: str) -> tuple[Signature | None, User | None]:
    if not isinstance(value, dict) or not value.get("name") or not value.get("email"):
        return None, None
    return Signature(str(value["name"]), str(value["email"]), iso(value.get("date") or when)), None


@route(
    "PUT",
    "/repos/{owner}/{repo}/contents/{path}",
    f"{_CONTENTS}#create-or-update-file-contents",
    greedy=("path",),
)
def put_content(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    path = ctx.params.get("path", "").strip("/")
    body = ctx.json()
    if not path:
        raise invalid("Content", "path")
    for key in ("message", "content"):
        if body.get(key) is None:
            raise ApiError(422, f'Invalid request.\n\n"{key}" wasn\'t supplied.')
    try:
        data = base64.b64decode(str(body["content"]), validate=False)
    except (binascii.Error, ValueError):
        raise ApiError(422, "content is not valid Base64") from None
    commit_sha, created = ctx.state.write_file(
        repo,
        ctx.actor,
        path,
        data,
        message=str(body["message"]),
        branch=body.get("branch"),
        sha=body.get("sha"),
    )
    return Reply(
        _file_commit(ctx, repo, path, commit_sha, body.get("branch")), 201 if created else 200
    )


@route(
    "DELETE",
    "/repos/{owner}/{repo}/contents/{path}",
    f"{_CONTENTS}#delete-a-file",
    greedy=("path",),
)
def delete_content(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    path = ctx.params.get("path", "").strip("/")
    body = ctx.json()
    if body.get("message") is None:
        raise ApiError(422, 'Invalid request.\n\n"message" wasn\'t supplied.')
    commit_sha, _ = ctx.state.write_file(
        repo,
        ctx.actor,
        path,
        None,
        message=str(body["message"]),
        branch=body.get("branch"),
        sha=body.get("sha"),
    )
    out = _file_commit(ctx, repo, path, commit_sha, body.get("branch"))
    out["content"] = None
    return Reply(out)


def _file_commit(ctx: Ctx, repo: Repo, path: str, commit_sha: str, branch: Any) -> dict[str, Any]:
    git = repo.git
    commit = git.commits[commit_sha]
    entry = git.walk_path(commit.tree, path)
    ref = str(branch or repo.default_branch)
    content = ctx.shapes.content_file(repo, path, entry, ref, with_content=False) if entry else None
    return {"content": content, "commit": ctx.shapes.git_commit(repo, commit)}


# -- git database ------------------------------------------------------------------------------


@route(
    "GET", "/repos/{owner}/{repo}/git/ref/{ref}", f"{_GIT}/refs#get-a-reference", greedy=("ref",)
)
def get_ref(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    ref = "refs/" + ctx.params["ref"].strip("/")
    sha = repo.git.refs.get(ref)
    if sha is None:
        raise not_found()
    return Reply(ctx.shapes.ref(repo, ref, sha))


@route(
    "GET",
    "/repos/{owner}/{repo}/git/matching-refs/{ref}",
    f"{_GIT}/refs#list-matching-references",
    greedy=("ref",),
)
def matching_refs(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    prefix = "refs/" + ctx.params.get("ref", "").strip("/")
    items = [
        ctx.shapes.ref(repo, r, s) for r, s in sorted(repo.git.refs.items()) if r.startswith(prefix)
    ]
    return Reply(items)


@route("POST", "/repos/{owner}/{repo}/git/refs", f"{_GIT}/refs#create-a-reference")
def create_ref(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    body = ctx.json()
    ref, sha = body.get("ref"), body.get("sha")
    if not ref or not sha:
        raise invalid("Reference", "ref" if not ref else "sha", "missing_field")
    ref = str(ref)
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes.")
    ctx.state.set_ref(repo, ctx.actor, ref, str(sha), create=True)
    data = ctx.shapes.ref(repo, ref, str(sha))
    return Reply(data, 201, {"location": data["url"]})


@route(
    "PATCH",
    "/repos/{owner}/{repo}/git/refs/{ref}",
    f"{_GIT}/refs#update-a-reference",
    greedy=("ref",),
)
def update_ref(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    body = ctx.json()
    ref = "refs/" + ctx.params["ref"].strip("/").removeprefix("refs/")
    sha = body.get("sha")
    if not sha:
        raise invalid("Reference", "sha", "missing_field")
    ctx.state.set_ref(repo, ctx.actor, ref, str(sha), force=bool(body.get("force")), create=False)
    return Reply(ctx.shapes.ref(repo, ref, str(sha)))


@route(
    "DELETE",
    "/repos/{owner}/{repo}/git/refs/{ref}",
    f"{_GIT}/refs#delete-a-reference",
    greedy=("ref",),
)
def delete_ref(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    ref = "refs/" + ctx.params["ref"].strip("/").removeprefix("refs/")
    ctx.state.delete_ref(repo, ctx.actor, ref)
    return Reply(None, 204)


@route(
    "GET", "/repos/{owner}/{repo}/git/commits/{commit_sha}", f"{_GIT}/commits#get-a-commit-object"
)
def get_git_commit(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    commit = repo.git.commits.get(ctx.params["commit_sha"])
    if commit is None:
        raise not_found()
    return Reply(ctx.shapes.git_commit(repo, commit))


@route("POST", "/repos/{owner}/{repo}/git/commits", f"{_GIT}/commits#create-a-commit")
def create_git_commit(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    body = ctx.json()
    message, tree = body.get("message"), body.get("tree")
    if message is None or tree is None:
        raise invalid("Commit", "message" if message is None else "tree", "missing_field")
    parents = body.get("parents") or []
    if not isinstance(parents, list):
        raise invalid("Commit", "parents")
    now = ctx.state.now_iso()
    actor = ctx.actor
    default = ctx.state._signature(actor, now)
    author, _ = _person(ctx, body.get("author"), now)
    committer, _ = _person(ctx, body.get("committer"), now)
    try:
        sha = repo.git.put_commit(
            str(tree),
            [str(p) for p in parents],
            author or default,
            committer or author or default,
            str(message),
            author_login=actor.login,
            committer_login=actor.login,
        )
    except GitError:
        raise ApiError(
            422,
            "Tree SHA does not exist"
            if str(tree) not in repo.git.trees
            else "Parent SHA does not exist or is not a commit object",
        ) from None
    data = ctx.shapes.git_commit(repo, repo.git.commits[sha])
    return Reply(data, 201, {"location": data["url"]})


@route("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}", f"{_GIT}/trees#get-a-tree")
def get_tree(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    sha = ctx.params["tree_sha"]
    git = repo.git
    if sha not in git.trees:
        resolved = git.resolve(sha, repo.default_branch)
        if resolved is None:
            raise not_found()
        sha = git.commits[resolved].tree
    recursive = ctx.query.get("recursive") not in (None, "", "0", "false")
    return Reply(ctx.shapes.tree(repo, sha, recursive=recursive))


@route("POST", "/repos/{owner}/{repo}/git/trees", f"{_GIT}/trees#create-a-tree")
def create_tree(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    body = ctx.json()
    entries = body.get("tree")
    if not isinstance(entries, list):
        raise invalid("Tree", "tree", "missing_field")
    git = repo.git
    base = body.get("base_tree")
    if base is not None and base not in git.trees:
        resolved = git.commits.get(str(base))
        if resolved is None:
            raise ApiError(422, "base_tree is not a valid tree oid")
        base = resolved.tree
    changes: dict[str, tuple[str, str] | None] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("path"):
            raise invalid("Tree", "tree")
        path = str(entry["path"]).strip("/")
        mode = str(entry.get("mode") or FILE_MODE)
        if "content" in entry and entry["content"] is not None:
            changes[path] = (mode, git.put_blob(str(entry["content"]).encode()))
        elif entry.get("sha") is None:
            if "sha" not in entry:
                raise ApiError(422, "Must supply either tree.sha or tree.content")
            changes[path] = None
        else:
            sha = str(entry["sha"])
            if git.kind(sha) is None:
                raise ApiError(422, f"tree.sha {sha} is not a valid blob")
            changes[path] = (TREE_MODE if mode in ("040000", "40000") else mode, sha)
    try:
        tree = git.edit_tree(base, changes)
    except GitError as exc:
        raise ApiError(422, str(exc)) from None
    data = ctx.shapes.tree(repo, tree, recursive=False)
    return Reply(data, 201, {"location": data["url"]})


@route("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}", f"{_GIT}/blobs#get-a-blob")
def get_blob(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    blob = repo.git.blobs.get(ctx.params["file_sha"])
    if blob is None:
        raise not_found()
    from ghcommunity_sandbox.model import node_id
    from ghcommunity_sandbox.shapes import b64_lines

    return Reply(
        {
            "sha": blob.sha,
            "node_id": node_id("Blob", f"{repo.id}:{blob.sha}"),
            "size": len(blob.data),
            "url": f"{ctx.api}/repos/{repo.full_name}/git/blobs/{blob.sha}",
            "content": b64_lines(blob.data),
            "encoding": "base64",
        }
    )


@route("POST", "/repos/{owner}/{repo}/git/blobs", f"{_GIT}/blobs#create-a-blob")
def create_blob(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    body = ctx.json()
    content = body.get("content")
    if content is None:
        raise invalid("Blob", "content", "missing_field")
    encoding = body.get("encoding") or "utf-8"
    if encoding == "base64":
        try:
            data = base64.b64decode(str(content))
        except (binascii.Error, ValueError):
            raise invalid("Blob", "content") from None
    elif encoding in ("utf-8", "utf8"):
        data = str(content).encode()
    else:
        raise invalid("Blob", "encoding")
    sha = repo.git.put_blob(data)
    url = f"{ctx.api}/repos/{repo.full_name}/git/blobs/{sha}"
    return Reply({"url": url, "sha": sha}, 201, {"location": url})


@route("GET", "/repos/{owner}/{repo}/commits", "commits/commits#list-commits")
def list_commits(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    if not repo.git.refs:
        raise ApiError(409, "Git Repository is empty.")
    head, _ = _head(repo, ctx.query.get("sha"))
    path = (ctx.query.get("path") or "").strip("/")
    author = (ctx.query.get("author") or "").lower()
    since_iso = ctx.time_param("since")
    until_iso = ctx.time_param("until")
    git = repo.git

    def build() -> list[Any]:
        out = []
        for commit in git.history(head):
            when = commit.committer.date
            if since_iso and when < since_iso:
                continue
            if until_iso and when > until_iso:
                continue
            if author and author not in (
                (commit.author_login or "").lower(),
                commit.author.email.lower(),
            ):
                continue
            if path and not git.touches(commit, path):
                continue
            out.append(commit)
        return out

    from ghcommunity_sandbox.query import cached

    key = ("commits", head, path, since_iso, until_iso, author, len(git.commits))
    items = cached(ctx.state, repo, key, build)
    return ctx.paginate(items, lambda c: ctx.shapes.commit(repo, c))


@route("GET", "/repos/{owner}/{repo}/commits/{ref}", "commits/commits#get-a-commit")
def get_commit(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    sha = repo.git.resolve(ctx.params["ref"], repo.default_branch)
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ctx.params['ref']}")
    commit = repo.git.commits[sha]
    fmt = wanted_format(ctx.headers.get("accept"))
    if fmt == "sha":
        return _text(sha)
    if fmt in ("diff", "patch"):
        parent = repo.git.commits.get(commit.parents[0]) if commit.parents else None
        files = diff_trees(repo.git, parent.tree if parent else None, commit.tree)
        return _text(git_diff(files) if fmt == "diff" else _as_patch(repo, [commit], files))
    return Reply(ctx.shapes.commit(repo, commit, files=True))


def _compare_side(ctx: Ctx, repo: Repo, spec: str) -> tuple[Repo, str]:
    """(repository, commit sha) for one side of `base...head` (`owner:ref` names a fork)."""
    owner, sep, ref = spec.partition(":")
    side = repo
    if sep and owner.lower() != repo.owner.login.lower():
        found = ctx.state.repo(f"{owner}/{repo.name}")
        if found is None:
            raise not_found()
        side = found
    elif not sep:
        ref = spec
    sha = side.git.resolve(ref, side.default_branch)
    if sha is None:
        raise not_found()
    return side, sha


@route(
    "GET",
    "/repos/{owner}/{repo}/compare/{basehead}",
    "commits/commits#compare-two-commits",
    greedy=("basehead",),
)
def compare(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    basehead = ctx.params["basehead"]
    base_spec, sep, head_spec = basehead.partition("...")
    if not sep:
        base_spec, sep, head_spec = basehead.partition("..")
    if not sep or not base_spec or not head_spec:
        raise not_found()
    base_repo, base = _compare_side(ctx, repo, base_spec)
    head_repo, head = _compare_side(ctx, repo, head_spec)
    git = head_repo.git
    if head_repo is not base_repo:  # a fork: see the base's commits from the fork's side
        merge_base = next(
            (
                c.sha
                for c in git.history(head)
                if c.sha in base_repo.git.commits and base_repo.git.is_ancestor(c.sha, base)
            ),
            base,
        )
    else:
        merge_base = next((c.sha for c in git.history(head) if git.is_ancestor(c.sha, base)), base)
    ahead = [
        c
        for c in git.history(head)
        if not (merge_base in git.commits and git.is_ancestor(c.sha, merge_base))
    ]
    ahead.reverse()  # history is newest first
    behind = [
        c for c in base_repo.git.history(base) if not base_repo.git.is_ancestor(c.sha, merge_base)
    ]
    if not ahead and not behind:
        status = "identical"
    elif ahead and behind:
        status = "diverged"
    else:
        status = "ahead" if ahead else "behind"
    base_commit = base_repo.git.commits[base]
    mb_commit = git.commits.get(merge_base) or base_repo.git.commits[merge_base]
    files = diff_trees(base_repo.git, mb_commit.tree, git.commits[head].tree, git)
    fmt = wanted_format(ctx.headers.get("accept"))
    if fmt == "diff":
        return _text(git_diff(files))
    if fmt == "patch":
        return _text(_as_patch(head_repo, ahead, files))
    web = f"{ctx.web}/{repo.full_name}"
    api = f"{ctx.api}/repos/{repo.full_name}"
    return Reply(
        {
            "url": f"{api}/compare/{basehead}",
            "html_url": f"{web}/compare/{basehead}",
            "permalink_url": f"{web}/compare/{repo.owner.login}:{base[:7]}...{head_repo.owner.login}:{head[:7]}",
            "diff_url": f"{web}/compare/{basehead}.diff",
            "patch_url": f"{web}/compare/{basehead}.patch",
            "base_commit": ctx.shapes.commit(base_repo, base_commit),
            "merge_base_commit": ctx.shapes.commit(base_repo, mb_commit),
            "status": status,
            "ahead_by": len(ahead),
            "behind_by": len(behind),
            "total_commits": len(ahead),
            "commits": [ctx.shapes.commit(head_repo, c) for c in ahead[:250]],
            "files": [ctx.shapes.file(head_repo, f, head) for f in files[:300]],
        }
    )


@route("GET", "/repos/{owner}/{repo}/branches", "branches/branches#list-branches")
def list_branches(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    items = sorted(
        (r.removeprefix("refs/heads/"), s)
        for r, s in repo.git.refs.items()
        if r.startswith("refs/heads/")
    )
    return ctx.paginate(items, lambda b: ctx.shapes.branch(repo, b[0], b[1]))


@route("GET", "/repos/{owner}/{repo}/branches/{branch}", "branches/branches#get-a-branch")
def get_branch(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    name = ctx.params["branch"]
    sha = repo.git.refs.get(f"refs/heads/{name}")
    if sha is None:
        raise ApiError(404, "Branch not found")
    base = f"{ctx.api}/repos/{repo.full_name}"
    return Reply(
        {
            "name": name,
            "commit": ctx.shapes.commit(repo, repo.git.commits[sha]),
            "_links": {
                "self": f"{base}/branches/{name}",
                "html": f"{ctx.web}/{repo.full_name}/tree/{name}",
            },
            "protected": False,
            "protection": {
                "enabled": False,
                "required_status_checks": {
                    "enforcement_level": "off",
                    "contexts": [],
                    "checks": [],
                },
            },
            "protection_url": f"{base}/branches/{name}/protection",
        }
    )


# -- pull requests -----------------------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}/pulls", f"{_PULLS}#list-pull-requests")
def list_pulls(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    q = ctx.query
    sort = q.get("sort") or "created"
    sort = "updated" if sort in ("updated", "long-running", "popularity") else "created"
    items = list_issues(
        ctx.state,
        repo,
        state_filter=q.get("state") or "open",
        sort=sort,
        direction=q.get("direction") or "desc",
        kind="pull",
    )
    head = q.get("head")
    base = q.get("base")
    if head or base:

        def keep(issue: Issue) -> bool:
            pull = issue.pull
            assert pull is not None
            if base and pull.base_ref != base:
                return False
            if head:
                owner, sep, branch = head.partition(":")
                head_repo = pull.head_repo or repo
                if sep:
                    return (
                        head_repo.owner.login.lower() == owner.lower() and pull.head_ref == branch
                    )
                return head_repo.owner.login.lower() == head.lower()
            return True

        items = [i for i in items if keep(i)]
    return ctx.paginate(items, lambda i: ctx.shapes.pull(i, full=False))


@route("POST", "/repos/{owner}/{repo}/pulls", f"{_PULLS}#create-a-pull-request")
def create_pull(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    body = ctx.json()
    for key in ("head", "base"):
        if not body.get(key):
            raise invalid("PullRequest", key, "missing_field")
    if body.get("issue") is None and not body.get("title"):
        raise invalid("PullRequest", "title", "missing_field")
    issue = ctx.state.create_pull(
        repo,
        ctx.actor,
        title=str(body.get("title")),
        head=str(body["head"]),
        base=str(body["base"]),
        body=body.get("body"),
        draft=bool(body.get("draft")),
        maintainer_can_modify=bool(body.get("maintainer_can_modify", True)),
    )
    data = ctx.shapes.pull(issue)
    return Reply(data, 201, {"location": data["url"]})


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", f"{_PULLS}#get-a-pull-request")
def get_pull(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    issue = _pull(ctx, repo)
    pull = issue.pull
    assert pull is not None
    fmt = wanted_format(ctx.headers.get("accept"))
    if fmt == "diff":
        return _text(git_diff(_pull_diff(repo, issue)))
    if fmt == "patch":
        return _text(_as_patch(pull.head_repo or repo, _pull_commits(repo, issue), []))
    data = ctx.shapes.pull(issue)
    # GitHub answers `mergeable: null` first and computes it in the background.
    pull.mergeable_known = True
    return Reply(data)


@route("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}", f"{_PULLS}#update-a-pull-request")
def update_pull(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    issue = _pull(ctx, repo)
    if issue.user is not ctx.actor and not ctx.can(repo, "write"):
        raise ApiError(403, "Must have write access to update a pull request")
    body = ctx.json()
    kwargs: dict[str, Any] = {}
    if "title" in body and body["title"] is not None:
        kwargs["title"] = str(body["title"])
    if "body" in body:
        kwargs["body"] = body["body"]
    if body.get("state") in ("open", "closed"):
        kwargs["state"] = body["state"]
    ctx.state.edit_issue(issue, ctx.actor, **kwargs)
    if body.get("base") and issue.pull is not None:
        issue.pull.base_ref = str(body["base"])
    return Reply(ctx.shapes.pull(issue))


@route(
    "GET",
    "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
    f"{_PULLS}#check-if-a-pull-request-has-been-merged",
)
def check_merged(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    issue = _pull(ctx, repo)
    if issue.pull is not None and issue.pull.merged:
        return Reply(None, 204)
    raise not_found()


@route("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge", f"{_PULLS}#merge-a-pull-request")
def merge_pull(ctx: Ctx) -> Reply:
    repo = ctx.repo("write")
    issue = _pull(ctx, repo)
    body = ctx.json()
    message = body.get("commit_title")
    sha = ctx.state.merge_pull(
        issue, ctx.actor, message=str(message) if message else None, sha=body.get("sha")
    )
    return Reply({"sha": sha, "merged": True, "message": "Pull Request successfully merged"})


def _pull_diff(repo: Repo, issue: Issue) -> list[FileDiff]:
    pull = issue.pull
    assert pull is not None
    head_repo = pull.head_repo or repo
    head = head_repo.git.commits.get(pull.head_sha)
    base = repo.git.commits.get(pull.base_sha)
    return diff_trees(
        repo.git, base.tree if base else None, head.tree if head else None, head_repo.git
    )


def _pull_commits(repo: Repo, issue: Issue) -> list[Commit]:
    """The pull request's commits, oldest first: on its head and not on its base."""
    pull = issue.pull
    assert pull is not None
    git = (pull.head_repo or repo).git
    if pull.head_sha not in git.commits:
        return []
    base = pull.base_sha
    out = [
        c
        for c in git.history(pull.head_sha)
        if not (base in git.commits and git.is_ancestor(c.sha, base))
    ]
    out.reverse()  # history is newest first
    return out


def _as_patch(repo: Repo, commits: list[Commit], files: list[FileDiff]) -> str:
    """`git format-patch` text (GitHub's patch media type)."""
    out = []
    total = len(commits)
    for n, commit in enumerate(commits, 1):
        parent = repo.git.commits.get(commit.parents[0]) if commit.parents else None
        own = diff_trees(repo.git, parent.tree if parent else None, commit.tree)
        subject, _, rest = commit.message.partition("\n")
        label = f"[PATCH {n}/{total}]" if total > 1 else "[PATCH]"
        out.append(
            f"From {commit.sha} Mon Sep 17 00:00:00 2001\n"
            f"From: {commit.author.name} <{commit.author.email}>\n"
            f"Date: {commit.author.date}\n"
            f"Subject: {label} {subject}\n\n{rest.strip()}\n---\n" + git_diff(own)
        )
    if not out:
        return git_diff(files)
    return "\n".join(out)


def _text(data: str) -> Reply:
    return Reply(raw=data.encode(), content_type="text/plain; charset=utf-8")


@route(
    "GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files", f"{_PULLS}#list-pull-requests-files"
)
def pull_files(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    issue = _pull(ctx, repo)
    pull = issue.pull
    assert pull is not None
    files = _pull_diff(repo, issue)
    return ctx.paginate(files, lambda f: ctx.shapes.file(repo, f, pull.head_sha))


@route(
    "GET",
    "/repos/{owner}/{repo}/pulls/{pull_number}/commits",
    f"{_PULLS}#list-commits-on-a-pull-request",
)
def pull_commits(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    issue = _pull(ctx, repo)
    pull = issue.pull
    assert pull is not None
    head_repo = pull.head_repo or repo
    commits = _pull_commits(repo, issue)[:250]  # GitHub lists at most 250
    return ctx.paginate(commits, lambda c: ctx.shapes.commit(head_repo, c))


@route(
    "GET",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    f"{_REVIEWS}#list-reviews-for-a-pull-request",
)
def list_reviews(ctx: Ctx) -> Reply:
    repo = ctx.repo()
    issue = _pull(ctx, repo)
    assert issue.pull is not None
    return ctx.paginate(issue.pull.reviews, ctx.shapes.review)


@route(
    "POST",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    f"{_REVIEWS}#create-a-review-for-a-pull-request",
)
def create_review(ctx: Ctx) -> Reply:
    repo = ctx.repo("read")
    issue = _pull(ctx, repo)
    body = ctx.json()
    event = str(body.get("event") or "PENDING")
    if event not in ("APPROVE", "REQUEST_CHANGES", "COMMENT", "PENDING"):
        raise invalid("PullRequestReview", "event")
    if issue.user is ctx.actor and event in ("APPROVE", "REQUEST_CHANGES"):
        raise custom(
            "PullRequestReview",
            f"Can not {'approve' if event == 'APPROVE' else 'request changes on'} "
            "your own pull request",
        )
    review = ctx.state.create_review(
        issue, ctx.actor, body=str(body.get("body") or ""), event=event
    )
    return Reply(ctx.shapes.review(review))


# -- apps and installations --------------------------------------------------------------------


@route("GET", "/app", "apps/apps#get-the-authenticated-app", auth="jwt")
def get_app(ctx: Ctx) -> Reply:
    assert ctx.identity.app is not None
    return Reply(ctx.shapes.app(ctx.identity.app))


@route(
    "GET",
    "/app/installations",
    "https://docs.github.com/enterprise-server@3.9/rest/apps/apps"
    "#list-installations-for-the-authenticated-app",
    auth="jwt",
)
def list_installations(ctx: Ctx) -> Reply:
    app = ctx.identity.app
    assert app is not None
    items = [i for i in ctx.state.installations.values() if i.app_id == app.id]
    return ctx.paginate(items, ctx.shapes.installation)


@route(
    "GET",
    "/app/installations/{installation_id}",
    "apps/apps#get-an-installation-for-the-authenticated-app",
    auth="jwt",
)
def get_installation(ctx: Ctx) -> Reply:
    inst = ctx.state.installations.get(ctx.int_param("installation_id"))
    if inst is None or ctx.identity.app is None or inst.app_id != ctx.identity.app.id:
        raise not_found()
    return Reply(ctx.shapes.installation(inst))


@route(
    "POST",
    "/app/installations/{installation_id}/access_tokens",
    "apps/apps#create-an-installation-access-token-for-an-app",
    auth="jwt",
)
def access_token(ctx: Ctx) -> Reply:
    app = ctx.identity.app
    assert app is not None
    inst_id = ctx.int_param("installation_id")
    inst = ctx.state.installations.get(inst_id)
    if inst is None:
        if ctx.state.apps_configured:
            raise not_found()
        inst = ctx.state.add_installation(inst_id, app_id=app.id, account="", configured=False)
    if inst.app_id != app.id:
        raise not_found()
    token, expires = ctx.state.issue_installation_token(inst)
    body = ctx.json()
    permissions = dict(inst.permissions)
    if isinstance(body.get("permissions"), dict):
        permissions = {k: str(v) for k, v in body["permissions"].items()}
    out: dict[str, Any] = {
        "token": token,
        "expires_at": expires,
        "permissions": permissions,
        "repository_selection": "all" if inst.repositories is None else "selected",
    }
    if inst.repositories is not None:
        out["repositories"] = [ctx.shapes.repo(r) for r in ctx.state.installation_repos(inst)]
    return Reply(out, 201)


@route(
    "GET",
    "/installation/repositories",
    "apps/installations#list-repositories-accessible-to-the-app-installation",
)
def installation_repositories(ctx: Ctx) -> Reply:
    inst = ctx.identity.installation
    if inst is None:
        raise ApiError(
            403,
            "You must authenticate with an installation access token in order "
            "to list repositories for an installation.",
        )
    repos = ctx.state.installation_repos(inst)
    total = len(repos)
    return ctx.paginate(
        repos,
        lambda r: ctx.shapes.repo(r, permission="admin"),
        wrap=lambda chunk: {
            "total_count": total,
            "repository_selection": "all" if inst.repositories is None else "selected",
            "repositories": chunk,
        },
    )


@route(
    "GET",
    "/repos/{owner}/{repo}/installation",
    "apps/apps#get-a-repository-installation-for-the-authenticated-app",
    auth="jwt",
)
def repo_installation(ctx: Ctx) -> Reply:
    full = f"{ctx.params['owner']}/{ctx.params['repo']}"
    repo = ctx.state.repo(full)
    if repo is None:
        raise not_found()
    inst = ctx.state.installation_for(repo)
    if inst is None or ctx.identity.app is None or inst.app_id != ctx.identity.app.id:
        raise not_found()
    return Reply(ctx.shapes.installation(inst))


@route(
    "GET",
    "/orgs/{org}/installation",
    "apps/apps#get-an-organization-installation-for-the-authenticated-app",
    auth="jwt",
)
def org_installation(ctx: Ctx) -> Reply:
    org = _org(ctx)
    for inst in ctx.state.installations.values():
        mine = ctx.identity.app is not None and inst.app_id == ctx.identity.app.id
        if mine and (inst.account.lower() == org.login.lower() or not inst.account):
            return Reply(ctx.shapes.installation(inst))
    raise not_found()
