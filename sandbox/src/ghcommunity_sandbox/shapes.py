"""REST (and webhook) JSON shapes, written as GitHub writes them.

Every URL in a payload points back at the sandbox that served it: `api` is the REST root the
request came through (`http://127.0.0.1:PORT` or `.../api/v3`), `web` the root for `html_url`s.
The shapes validate against GitHub's OpenAPI description (tested in tests/sandbox).
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from ghcommunity_sandbox.git import TREE_MODE, Commit, FileDiff, GitStore, TreeEntry, diff_trees
from ghcommunity_sandbox.model import (
    PERMISSION_RANK,
    REACTIONS,
    Account,
    App,
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
    Reaction,
    Repo,
    Review,
    Team,
    User,
    node_id,
)
from ghcommunity_sandbox.state import State


def q(value: str) -> str:
    return quote(value, safe="")


# The contents API's JSON carries a file's content up to 1 MB.
CONTENTS_INLINE_MAX = 1024 * 1024


def b64_lines(data: bytes) -> str:
    """Base64 with a newline every 60 characters, as the contents API writes it."""
    text = base64.b64encode(data).decode()
    return "".join(text[i : i + 60] + "\n" for i in range(0, len(text), 60))


def permission_flags(role: str | None) -> dict[str, bool]:
    """A role as the REST API's `permissions` object: each flag true up to the role's rank."""
    level = PERMISSION_RANK.get(role, -1) if role else -1
    return {
        "admin": level >= 4,
        "maintain": level >= 3,
        "push": level >= 2,
        "triage": level >= 1,
        "pull": level >= 0,
    }


class Shapes:
    """Serialise state objects for one request (memoising users and labels)."""

    def __init__(self, state: State, api: str, web: str) -> None:
        self.state = state
        self.api = api.rstrip("/")
        self.web = web.rstrip("/")
        self._users: dict[int, dict[str, Any]] = {}
        self._labels: dict[int, dict[str, Any]] = {}

    # -- accounts ---------------------------------------------------------------------------

    def user(self, user: Account | None) -> dict[str, Any] | None:
        if user is None:
            return None
        cached = self._users.get(user.id)
        if cached is not None:
            return cached
        login = q(user.login)
        api = f"{self.api}/users/{login}"
        html = (
            f"{self.web}/apps/{q(user.login.removesuffix('[bot]'))}"
            if user.type == "Bot"
            else f"{self.web}/{login}"
        )
        out: dict[str, Any] = {
            "login": user.login,
            "id": user.id,
            "node_id": user.node_id,
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
            "gravatar_id": "",
            "url": api,
            "html_url": html,
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": user.type,
            "user_view_type": "public",
            "site_admin": False,
        }
        self._users[user.id] = out
        return out

    def public_user(self, user: Account, *, private: bool = False) -> dict[str, Any]:
        out = dict(self.user(user) or {})
        repos = sum(1 for r in self.state.repos.values() if r.owner is user and not r.private)
        out.update(
            {
                "name": user.name,
                "company": user.company,
                "blog": user.blog,
                "location": user.location,
                "email": user.email,
                "hireable": None,
                "bio": getattr(user, "bio", None),
                "twitter_username": None,
                "public_repos": repos,
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "created_at": user.created_at,
                "updated_at": user.created_at,
            }
        )
        if private:
            out["user_view_type"] = "private"
            out.update(
                {
                    "private_gists": 0,
                    "total_private_repos": 0,
                    "owned_private_repos": 0,
                    "disk_usage": 0,
                    "collaborators": 0,
                    "two_factor_authentication": True,
                }
            )
        return out

    def org(self, org: Org, *, full: bool = False) -> dict[str, Any]:
        api = f"{self.api}/orgs/{q(org.login)}"
        out: dict[str, Any] = {
            "login": org.login,
            "id": org.id,
            "node_id": org.node_id,
            "url": api,
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events",
            "hooks_url": f"{api}/hooks",
            "issues_url": f"{api}/issues",
            "members_url": f"{api}/members{{/member}}",
            "public_members_url": f"{api}/public_members{{/member}}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{org.id}?v=4",
            "description": org.description,
        }
        if full:
            public = sum(1 for r in self.state.repos.values() if r.owner is org and not r.private)
            optional = {
                "name": org.name,
                "company": org.company,
                "location": org.location,
                "email": org.email,
            }
            out.update({k: v for k, v in optional.items() if v is not None})
            out.update(
                {
                    "blog": org.blog,
                    "is_verified": False,
                    "has_organization_projects": True,
                    "has_repository_projects": True,
                    "public_repos": public,
                    "public_gists": 0,
                    "followers": 0,
                    "following": 0,
                    "html_url": f"{self.web}/{q(org.login)}",
                    "type": "Organization",
                    "created_at": org.created_at,
                    "updated_at": org.created_at,
                    "archived_at": None,
                }
            )
        return out

    def team(self, team: Team) -> dict[str, Any]:
        org = self.state.org(team.org)
        # GitHub's team URLs are by id: /organizations/{org_id}/team/{team_id}
        api = f"{self.api}/organizations/{org.id if org else 0}/team/{team.id}"
        return {
            "id": team.id,
            "node_id": team.node_id,
            "url": api,
            "html_url": f"{self.web}/orgs/{q(team.org)}/teams/{q(team.slug)}",
            "name": team.name,
            "slug": team.slug,
            "description": team.description,
            "privacy": team.privacy,
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "members_url": f"{api}/members{{/member}}",
            "repositories_url": f"{api}/repos",
            "type": "organization",
            "organization_id": org.id if org else None,
            "parent": None,
        }

    # -- repositories -----------------------------------------------------------------------

    def repo_urls(self, repo: Repo) -> dict[str, Any]:
        api = f"{self.api}/repos/{repo.full_name}"
        return {
            "url": api,
            "html_url": f"{self.web}/{repo.full_name}",
            "forks_url": f"{api}/forks",
            "keys_url": f"{api}/keys{{/key_id}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "teams_url": f"{api}/teams",
            "hooks_url": f"{api}/hooks",
            "issue_events_url": f"{api}/issues/events{{/number}}",
            "events_url": f"{api}/events",
            "assignees_url": f"{api}/assignees{{/user}}",
            "branches_url": f"{api}/branches{{/branch}}",
            "tags_url": f"{api}/tags",
            "blobs_url": f"{api}/git/blobs{{/sha}}",
            "git_tags_url": f"{api}/git/tags{{/sha}}",
            "git_refs_url": f"{api}/git/refs{{/sha}}",
            "trees_url": f"{api}/git/trees{{/sha}}",
            "statuses_url": f"{api}/statuses/{{sha}}",
            "languages_url": f"{api}/languages",
            "stargazers_url": f"{api}/stargazers",
            "contributors_url": f"{api}/contributors",
            "subscribers_url": f"{api}/subscribers",
            "subscription_url": f"{api}/subscription",
            "commits_url": f"{api}/commits{{/sha}}",
            "git_commits_url": f"{api}/git/commits{{/sha}}",
            "comments_url": f"{api}/comments{{/number}}",
            "issue_comment_url": f"{api}/issues/comments{{/number}}",
            "contents_url": f"{api}/contents/{{+path}}",
            "compare_url": f"{api}/compare/{{base}}...{{head}}",
            "merges_url": f"{api}/merges",
            "archive_url": f"{api}/{{archive_format}}{{/ref}}",
            "downloads_url": f"{api}/downloads",
            "issues_url": f"{api}/issues{{/number}}",
            "pulls_url": f"{api}/pulls{{/number}}",
            "milestones_url": f"{api}/milestones{{/number}}",
            "notifications_url": f"{api}/notifications{{?since,all,participating}}",
            "labels_url": f"{api}/labels{{/name}}",
            "releases_url": f"{api}/releases{{/id}}",
            "deployments_url": f"{api}/deployments",
        }

    def repo(
        self, repo: Repo, *, full: bool = False, permission: str | None = None
    ) -> dict[str, Any]:
        host = self.web.split("://", 1)[-1]
        open_count = repo.open_issues_count()
        out: dict[str, Any] = {
            "id": repo.id,
            "node_id": repo.node_id,
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
            "owner": self.user(repo.owner),
            "description": repo.description,
            "fork": False,
            **self.repo_urls(repo),
            "created_at": repo.created_at,
            "updated_at": repo.updated_at,
            "pushed_at": repo.pushed_at,
            "git_url": f"git://{host}/{repo.full_name}.git",
            "ssh_url": f"git@{host}:{repo.full_name}.git",
            "clone_url": f"{self.web}/{repo.full_name}.git",
            "svn_url": f"{self.web}/{repo.full_name}",
            "homepage": repo.homepage,
            "size": sum(len(b.data) for b in repo.git.blobs.values()) // 1024 if full else 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": None,
            "has_issues": repo.has_issues,
            "has_projects": repo.has_projects,
            "has_downloads": True,
            "has_wiki": repo.has_wiki,
            "has_pages": False,
            "has_discussions": repo.has_discussions,
            "forks_count": 0,
            "mirror_url": None,
            "archived": repo.archived,
            "disabled": False,
            "open_issues_count": open_count,
            "license": None,
            "allow_forking": True,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": list(repo.topics),
            "visibility": "private" if repo.private else "public",
            "forks": 0,
            "open_issues": open_count,
            "watchers": 0,
            "default_branch": repo.default_branch,
        }
        if permission is not None:
            out["permissions"] = permission_flags(permission)
        if full:
            out.update(
                {
                    "temp_clone_token": "",
                    "allow_squash_merge": True,
                    "allow_merge_commit": True,
                    "allow_rebase_merge": True,
                    "allow_auto_merge": False,
                    "delete_branch_on_merge": False,
                    "allow_update_branch": False,
                    "use_squash_pr_title_as_default": False,
                    "squash_merge_commit_message": "COMMIT_MESSAGES",
                    "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
                    "merge_commit_message": "PR_TITLE",
                    "merge_commit_title": "MERGE_MESSAGE",
                    "network_count": 0,
                    "subscribers_count": 0,
                }
            )
            if isinstance(repo.owner, Org):
                out["organization"] = self.user(repo.owner)
        return out

    # -- labels, milestones, reactions ------------------------------------------------------

    def label(self, repo: Repo, label: Label) -> dict[str, Any]:
        cached = self._labels.get(label.id)
        if cached is not None and cached["name"] == label.name:
            return cached
        cached = self._labels[label.id] = {
            "id": label.id,
            "node_id": label.node_id,
            "url": f"{self.api}/repos/{repo.full_name}/labels/{q(label.name)}",
            "name": label.name,
            "color": label.color,
            "default": label.default,
            "description": label.description,
            # newer API versions (githubkit's models require them)
            "archived_at": None,
            "archived_by": None,
        }
        return cached

    def milestone(self, repo: Repo, m: Milestone | None) -> dict[str, Any] | None:
        if m is None:
            return None
        api = f"{self.api}/repos/{repo.full_name}/milestones/{m.number}"
        issues = [i for i in repo.issues.values() if i.milestone is m]
        return {
            "url": api,
            "html_url": f"{self.web}/{repo.full_name}/milestone/{m.number}",
            "labels_url": f"{api}/labels",
            "id": m.id,
            "node_id": m.node_id,
            "number": m.number,
            "title": m.title,
            "description": m.description,
            "creator": self.user(m.creator),
            "open_issues": sum(1 for i in issues if i.state == "open"),
            "closed_issues": sum(1 for i in issues if i.state == "closed"),
            "state": m.state,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
            "due_on": m.due_on,
            "closed_at": m.closed_at,
        }

    def rollup(self, url: str, reactions: list[Reaction]) -> dict[str, Any]:
        out: dict[str, Any] = {"url": url, "total_count": len(reactions)}
        for content in REACTIONS:
            out[content] = 0
        for reaction in reactions:
            out[reaction.content] += 1
        return out

    def reaction(self, reaction: Reaction) -> dict[str, Any]:
        return {
            "id": reaction.id,
            "node_id": reaction.node_id,
            "user": self.user(reaction.user),
            "content": reaction.content,
            "created_at": reaction.created_at,
        }

    # -- issues and comments ----------------------------------------------------------------

    def association(self, repo: Repo, user: User, item: Issue | None = None) -> str:
        return self.state.association(repo, user, item)

    def issue(self, issue: Issue, *, search: bool = False, listed: bool = False) -> dict[str, Any]:
        """An issue; `listed` for list responses (GitHub leaves `closed_by` out of them)."""
        repo = issue.repo
        base = f"{self.api}/repos/{repo.full_name}"
        url = f"{base}/issues/{issue.number}"
        assignees = [self.user(a) for a in issue.assignees]
        out: dict[str, Any] = {
            "url": url,
            "repository_url": base,
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": f"{self.web}/{repo.full_name}/{'pull' if issue.pull else 'issues'}/"
            f"{issue.number}",
            "id": issue.id,
            "node_id": issue.node_id,
            "number": issue.number,
            "title": issue.title,
            "user": self.user(issue.user),
            "labels": [self.label(repo, lab) for lab in issue.labels],
            "state": issue.state,
            "locked": issue.locked,
            "assignee": assignees[0] if assignees else None,
            "assignees": assignees,
            "milestone": self.milestone(repo, issue.milestone),
            "comments": len(issue.comments),
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": issue.closed_at,
            "author_association": issue.author_association
            or self.association(repo, issue.user, issue),
            "active_lock_reason": issue.active_lock_reason,
        }
        if issue.pull is not None:
            out["draft"] = issue.pull.draft
            out["pull_request"] = {
                "url": f"{base}/pulls/{issue.number}",
                "html_url": f"{self.web}/{repo.full_name}/pull/{issue.number}",
                "diff_url": f"{self.web}/{repo.full_name}/pull/{issue.number}.diff",
                "patch_url": f"{self.web}/{repo.full_name}/pull/{issue.number}.patch",
                "merged_at": issue.pull.merged_at,
            }
        out["body"] = issue.body
        if not (listed or search):
            out["closed_by"] = self.user(issue.closed_by) if issue.closed_by else None
        out["reactions"] = self.rollup(f"{url}/reactions", issue.reactions)
        out["timeline_url"] = f"{url}/timeline"
        out["performed_via_github_app"] = None
        out["state_reason"] = issue.state_reason
        if search:
            out["score"] = 1.0
        return out

    def comment(self, comment: Comment) -> dict[str, Any]:
        repo = comment.issue.repo
        base = f"{self.api}/repos/{repo.full_name}"
        kind = "pull" if comment.issue.pull else "issues"
        return {
            "url": f"{base}/issues/comments/{comment.id}",
            "html_url": f"{self.web}/{repo.full_name}/{kind}/{comment.issue.number}"
            f"#issuecomment-{comment.id}",
            "issue_url": f"{base}/issues/{comment.issue.number}",
            "id": comment.id,
            "node_id": comment.node_id,
            "user": self.user(comment.user),
            "created_at": comment.created_at,
            "updated_at": comment.updated_at,
            "author_association": comment.author_association
            or self.association(repo, comment.user),
            "body": comment.body,
            "reactions": self.rollup(
                f"{base}/issues/comments/{comment.id}/reactions", comment.reactions
            ),
            "performed_via_github_app": None,
        }

    def event(self, event: IssueEvent, *, with_issue: bool = False) -> dict[str, Any]:
        repo = event.issue.repo
        base = f"{self.api}/repos/{repo.full_name}"
        out: dict[str, Any] = {
            "id": event.id,
            "node_id": event.node_id,
            "url": f"{base}/issues/events/{event.id}",
            "actor": self.user(event.actor),
            "event": event.event,
            "commit_id": event.commit_id,
            "commit_url": f"{base}/commits/{event.commit_id}" if event.commit_id else None,
            "created_at": event.created_at,
            "performed_via_github_app": None,
        }
        if event.label is not None:
            out["label"] = {"name": event.label[0], "color": event.label[1]}
        if event.assignee is not None:
            out["assignee"] = self.user(event.assignee)
            out["assigner"] = self.user(event.assigner)
        if event.rename is not None:
            out["rename"] = {"from": event.rename[0], "to": event.rename[1]}
        if event.event in ("locked",):
            out["lock_reason"] = event.lock_reason
        if event.event in ("closed", "reopened"):
            out["state_reason"] = event.state_reason
        if event.milestone is not None:
            out["milestone"] = {"title": event.milestone}
        if with_issue:
            out["issue"] = self.issue(event.issue)
        return out

    def timeline(self, issue: Issue) -> list[dict[str, Any]]:
        """The issue's timeline: events, comments and reviews in time order."""
        items: list[tuple[str, int, dict[str, Any]]] = []
        for event in issue.events:
            data = self.event(event)
            if event.event in ("assigned", "unassigned"):
                data.pop("assigner", None)
            items.append((event.created_at, event.id, data))
        for comment in issue.comments:
            data = self.comment(comment)
            data["event"] = "commented"
            data["actor"] = data["user"]
            items.append((comment.created_at, comment.id, data))
        if issue.pull is not None:
            for review in issue.pull.reviews:
                if review.submitted_at is None:
                    continue
                data = self.review(review)
                data["event"] = "reviewed"
                items.append((review.submitted_at, review.id, data))
        items.sort(key=lambda t: (t[0], t[1]))
        return [data for _, _, data in items]

    # -- pull requests ----------------------------------------------------------------------

    def pull(self, issue: Issue, *, full: bool = True) -> dict[str, Any]:
        pull = issue.pull
        assert pull is not None
        repo = issue.repo
        base = f"{self.api}/repos/{repo.full_name}"
        url = f"{base}/pulls/{issue.number}"
        html = f"{self.web}/{repo.full_name}/pull/{issue.number}"
        head_repo = pull.head_repo or repo
        head_sha = head_repo.git.refs.get(f"refs/heads/{pull.head_ref}", pull.head_sha)
        assignees = [self.user(a) for a in issue.assignees]
        out: dict[str, Any] = {
            "url": url,
            "id": issue.id,
            "node_id": issue.node_id,
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": f"{base}/issues/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "locked": issue.locked,
            "title": issue.title,
            "user": self.user(issue.user),
            "body": issue.body,
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": issue.closed_at,
            "merged_at": pull.merged_at,
            "merge_commit_sha": pull.merge_commit_sha,
            "assignee": assignees[0] if assignees else None,
            "assignees": assignees,
            "requested_reviewers": [self.user(u) for u in pull.requested_reviewers],
            "requested_teams": [],
            # the pull request schemas want a label's description as a string
            "labels": [
                {**self.label(repo, lab), "description": lab.description or ""}
                for lab in issue.labels
            ],
            "milestone": self.milestone(repo, issue.milestone),
            "draft": pull.draft,
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{base}/pulls/comments{{/number}}",
            "comments_url": f"{base}/issues/{issue.number}/comments",
            "statuses_url": f"{base}/statuses/{head_sha}",
            "head": {
                "label": f"{head_repo.owner.login}:{pull.head_ref}",
                "ref": pull.head_ref,
                "sha": head_sha,
                "user": self.user(head_repo.owner),
                "repo": self.repo(head_repo),
            },
            "base": {
                "label": f"{repo.owner.login}:{pull.base_ref}",
                "ref": pull.base_ref,
                "sha": pull.base_sha,
                "user": self.user(repo.owner),
                "repo": self.repo(repo),
            },
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "issue": {"href": f"{base}/issues/{issue.number}"},
                "comments": {"href": f"{base}/issues/{issue.number}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{base}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{base}/statuses/{head_sha}"},
            },
            "author_association": issue.author_association
            or self.association(repo, issue.user, issue),
            "auto_merge": None,
            "active_lock_reason": issue.active_lock_reason,
        }
        if full:
            # null until GitHub has computed it (the first read starts that)
            known = issue.state == "open" and pull.mergeable_known
            out.update(
                {
                    "merged": pull.merged,
                    "mergeable": True if known else None,
                    "rebaseable": True if known else None,
                    "mergeable_state": "clean" if known else "unknown",
                    "merged_by": self.user(pull.merged_by),
                    "comments": len(issue.comments),
                    "review_comments": 0,
                    "maintainer_can_modify": pull.maintainer_can_modify,
                    "commits": pull.commits,
                    "additions": pull.additions,
                    "deletions": pull.deletions,
                    "changed_files": pull.changed_files,
                }
            )
        return out

    def review(self, review: Review) -> dict[str, Any]:
        issue = review.pull
        repo = issue.repo
        url = f"{self.api}/repos/{repo.full_name}/pulls/{issue.number}"
        html = f"{self.web}/{repo.full_name}/pull/{issue.number}#pullrequestreview-{review.id}"
        out: dict[str, Any] = {
            "id": review.id,
            "node_id": review.node_id,
            "user": self.user(review.user),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": url,
            "author_association": self.association(repo, review.user),
            "_links": {"html": {"href": html}, "pull_request": {"href": url}},
            "commit_id": review.commit_id,
        }
        if review.submitted_at:
            out["submitted_at"] = review.submitted_at
        return out

    # -- git and contents -------------------------------------------------------------------

    def content_file(
        self, repo: Repo, path: str, entry: TreeEntry, ref: str, *, with_content: bool
    ) -> dict[str, Any]:
        base = f"{self.api}/repos/{repo.full_name}"
        size = 0
        kind = {"blob": "file", "tree": "dir", "commit": "submodule"}[entry.type]
        if entry.type == "blob":
            size = len(repo.git.blobs[entry.sha].data)
        self_url = f"{base}/contents/{quote(path)}?ref={q(ref)}"
        git_url = (
            f"{base}/git/trees/{entry.sha}"
            if entry.type == "tree"
            else f"{base}/git/blobs/{entry.sha}"
        )
        html = f"{self.web}/{repo.full_name}/{'tree' if entry.type == 'tree' else 'blob'}/{ref}/{quote(path)}"
        out: dict[str, Any] = {
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": entry.sha,
            "size": size,
            "url": self_url,
            "html_url": html,
            "git_url": git_url,
            "download_url": f"{self.web}/{repo.full_name}/raw/{ref}/{quote(path)}"
            if entry.type == "blob"
            else None,
            "type": kind,
        }
        if with_content and entry.type == "blob":
            if size > CONTENTS_INLINE_MAX:
                # GitHub leaves a file over 1 MB out of the JSON (the raw media type or the
                # blob API serve it): an empty content, encoding "none".
                out["content"] = ""
                out["encoding"] = "none"
            else:
                out["content"] = b64_lines(repo.git.blobs[entry.sha].data)
                out["encoding"] = "base64"
        out["_links"] = {"self": self_url, "git": git_url, "html": html}
        return out

    def git_commit(self, repo: Repo, commit: Commit) -> dict[str, Any]:
        base = f"{self.api}/repos/{repo.full_name}"
        return {
            "sha": commit.sha,
            "node_id": node_id("Commit", f"{repo.id}:{commit.sha}"),
            "url": f"{base}/git/commits/{commit.sha}",
            "html_url": f"{self.web}/{repo.full_name}/commit/{commit.sha}",
            "author": {
                "name": commit.author.name,
                "email": commit.author.email,
                "date": commit.author.date,
            },
            "committer": {
                "name": commit.committer.name,
                "email": commit.committer.email,
                "date": commit.committer.date,
            },
            "tree": {"sha": commit.tree, "url": f"{base}/git/trees/{commit.tree}"},
            "message": commit.message,
            "parents": [
                {
                    "sha": p,
                    "url": f"{base}/git/commits/{p}",
                    "html_url": f"{self.web}/{repo.full_name}/commit/{p}",
                }
                for p in commit.parents
            ],
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        }

    def commit(self, repo: Repo, commit: Commit, *, files: bool = False) -> dict[str, Any]:
        """The /commits shape (a commit with its GitHub authors)."""
        base = f"{self.api}/repos/{repo.full_name}"
        git = self.git_commit(repo, commit)
        inner = {
            "url": git["url"],
            "author": git["author"],
            "committer": git["committer"],
            "message": commit.message,
            "tree": git["tree"],
            "comment_count": 0,
            "verification": git["verification"],
        }
        author = self.state.user(commit.author_login) if commit.author_login else None
        committer = self.state.user(commit.committer_login) if commit.committer_login else None
        out: dict[str, Any] = {
            "sha": commit.sha,
            "node_id": git["node_id"],
            "commit": inner,
            "url": f"{base}/commits/{commit.sha}",
            "html_url": git["html_url"],
            "comments_url": f"{base}/commits/{commit.sha}/comments",
            "author": self.user(author),
            "committer": self.user(committer),
            "parents": [
                {"sha": p["sha"], "url": f"{base}/commits/{p['sha']}", "html_url": p["html_url"]}
                for p in git["parents"]
            ],
        }
        if files:
            parent = repo.git.commits.get(commit.parents[0]) if commit.parents else None
            changed = diff_trees(repo.git, parent.tree if parent else None, commit.tree)
            total_add = sum(f.additions for f in changed)
            total_del = sum(f.deletions for f in changed)
            listed = [self.file(repo, f, commit.sha) for f in changed]
            out["stats"] = {
                "total": total_add + total_del,
                "additions": total_add,
                "deletions": total_del,
            }
            out["files"] = listed
        return out

    def file(self, repo: Repo, f: FileDiff, at: str) -> dict[str, Any]:
        """A changed file as commits, compare and pull request files list it."""
        base = f"{self.api}/repos/{repo.full_name}"
        out: dict[str, Any] = {
            "sha": f.new_sha or f.old_sha or "",
            "filename": f.path,
            "status": f.status,
            "additions": f.additions,
            "deletions": f.deletions,
            "changes": f.additions + f.deletions,
            "blob_url": f"{self.web}/{repo.full_name}/blob/{at}/{quote(f.path)}",
            "raw_url": f"{self.web}/{repo.full_name}/raw/{at}/{quote(f.path)}",
            "contents_url": f"{base}/contents/{quote(f.path)}?ref={at}",
        }
        if f.patch is not None:
            out["patch"] = f.patch
        return out

    def tree(self, repo: Repo, sha: str, *, recursive: bool) -> dict[str, Any]:
        git: GitStore = repo.git
        base = f"{self.api}/repos/{repo.full_name}"
        entries: list[dict[str, Any]] = []
        source = git.iter_tree(sha) if recursive else ((e.name, e) for e in git.trees[sha].entries)
        for path, entry in source:
            item: dict[str, Any] = {
                "path": path,
                "mode": entry.mode,
                "type": entry.type,
                "sha": entry.sha,
            }
            if entry.mode == TREE_MODE:
                item["url"] = f"{base}/git/trees/{entry.sha}"
            else:
                item["size"] = len(git.blobs[entry.sha].data) if entry.sha in git.blobs else 0
                item["url"] = f"{base}/git/blobs/{entry.sha}"
            entries.append(item)
        return {
            "sha": sha,
            "url": f"{base}/git/trees/{sha}",
            "tree": entries,
            "truncated": False,
        }

    def ref(self, repo: Repo, ref: str, sha: str) -> dict[str, Any]:
        base = f"{self.api}/repos/{repo.full_name}"
        kind = repo.git.kind(sha) or "commit"
        return {
            "ref": ref,
            "node_id": node_id("Ref", f"{repo.id}:{ref}"),
            "url": f"{base}/git/{ref}",
            "object": {"sha": sha, "type": kind, "url": f"{base}/git/{kind}s/{sha}"},
        }

    def branch(self, repo: Repo, name: str, sha: str) -> dict[str, Any]:
        base = f"{self.api}/repos/{repo.full_name}"
        return {
            "name": name,
            "commit": {"sha": sha, "url": f"{base}/commits/{sha}"},
            "protected": False,
        }

    # -- discussions (webhook payloads) -----------------------------------------------------

    def category(self, cat: DiscussionCategory) -> dict[str, Any]:
        return {
            "id": cat.id,
            "node_id": cat.node_id,
            "repository_id": cat.repo.id,
            "emoji": cat.emoji,
            "name": cat.name,
            "description": cat.description or "",
            "created_at": cat.created_at,
            "updated_at": cat.created_at,
            "slug": cat.slug,
            "is_answerable": cat.is_answerable,
        }

    def discussion(self, d: Discussion) -> dict[str, Any]:
        repo = d.repo
        answer = d.answer
        return {
            "repository_url": f"{self.api}/repos/{repo.full_name}",
            "category": self.category(d.category),
            "answer_html_url": (
                f"{self.web}/{repo.full_name}/discussions/{d.number}#discussioncomment-{answer.id}"
                if answer
                else None
            ),
            "answer_chosen_at": d.answer_chosen_at,
            "answer_chosen_by": self.user(d.answer_chosen_by),
            "html_url": f"{self.web}/{repo.full_name}/discussions/{d.number}",
            "id": d.id,
            "node_id": d.node_id,
            "number": d.number,
            "title": d.title,
            "user": self.user(d.user),
            "state": "closed" if d.closed else "open",
            "locked": d.locked,
            "comments": sum(1 + len(c.replies) for c in d.comments),
            "created_at": d.created_at,
            "updated_at": d.updated_at,
            "author_association": d.author_association or self.association(repo, d.user),
            "active_lock_reason": None,
            "body": d.body,
            "reactions": self.rollup(
                f"{self.api}/repos/{repo.full_name}/discussions/{d.number}/reactions", d.reactions
            ),
        }

    def discussion_comment(self, c: DiscussionComment) -> dict[str, Any]:
        d = c.discussion
        repo = d.repo
        return {
            "id": c.id,
            "node_id": c.node_id,
            "html_url": f"{self.web}/{repo.full_name}/discussions/{d.number}#discussioncomment-{c.id}",
            "parent_id": c.reply_to.id if c.reply_to else None,
            "child_comment_count": len(c.replies),
            "repository_url": f"{self.api}/repos/{repo.full_name}",
            "discussion_id": d.id,
            "author_association": c.author_association or self.association(repo, c.user),
            "user": self.user(c.user),
            "created_at": c.created_at,
            "updated_at": c.updated_at,
            "body": c.body,
            "reactions": self.rollup(
                f"{self.api}/repos/{repo.full_name}/discussions/comments/{c.id}/reactions",
                c.reactions,
            ),
        }

    # -- apps -------------------------------------------------------------------------------

    def app(self, app: App) -> dict[str, Any]:
        owner = self.state.account(app.owner) if app.owner else None
        owner = owner or self.state.get_user(app.bot_login)
        return {
            "id": app.id,
            "slug": app.slug,
            "node_id": app.node_id,
            "client_id": app.client_id,
            "owner": self.user(owner),
            "name": app.name,
            "description": app.description,
            "external_url": f"{self.web}/apps/{app.slug}",
            "html_url": f"{self.web}/apps/{app.slug}",
            "created_at": app.created_at,
            "updated_at": app.created_at,
            "permissions": dict(app.permissions),
            "events": list(app.events),
            "installations_count": sum(
                1 for i in self.state.installations.values() if i.app_id == app.id
            ),
        }

    def installation_account(self, inst: Installation) -> Account:
        if inst.account:
            found = self.state.account(inst.account)
            if found is not None:
                return found
        org = next(iter(self.state.orgs.values()), None)
        return org or self.state.get_user(self.state.default_actor)

    def installation(self, inst: Installation) -> dict[str, Any]:
        app = self.state.apps[inst.app_id]
        account = self.installation_account(inst)
        # GitHub's description of GET /app/installations says the account is both a user and
        # an enterprise (allOf): the enterprise's fields are harmless extras on a user.
        account_data = dict(self.user(account) or {})
        account_data.update(
            {
                "name": account.name or account.login,
                "slug": account.login.lower(),
                "created_at": account.created_at,
                "updated_at": account.created_at,
            }
        )
        return {
            "id": inst.id,
            "account": account_data,
            "repository_selection": "all" if inst.repositories is None else "selected",
            "access_tokens_url": f"{self.api}/app/installations/{inst.id}/access_tokens",
            "repositories_url": f"{self.api}/installation/repositories",
            "html_url": f"{self.web}/settings/installations/{inst.id}",
            "app_id": app.id,
            "app_slug": app.slug,
            "client_id": app.client_id,
            "target_id": account.id,
            "target_type": "Organization" if isinstance(account, Org) else "User",
            "permissions": dict(inst.permissions),
            "events": list(app.events),
            "created_at": inst.created_at,
            "updated_at": inst.created_at,
            "single_file_name": None,
            "has_multiple_single_files": False,
            "single_file_paths": [],
            "suspended_by": None,
            "suspended_at": None,
        }
