"""What the dashboard reads once for every section: the open issues and pull requests (one
paginated list) and the files on the default branch (one tree). Sections read anything else
they need themselves, through the same Context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ghcommunity.core.dashboard import DashboardInputs, OpenItem
from ghcommunity.core.plan import marker_key
from ghcommunity.github.client import quote_segment, repo_path
from ghcommunity.github.context import Context
from ghcommunity.github.state import IssueState
from ghcommunity.jobs.dashboard.plan import DASHBOARD_KEY, ExistingDashboard
from ghcommunity.jobs.dashboard.settings import DashboardConfig


def open_item(issue: Mapping[str, Any]) -> OpenItem:
    """An issue or pull request as the REST API lists it, as the sections read it."""
    user = issue.get("user")
    user = user if isinstance(user, dict) else {}
    return OpenItem(
        number=int(issue["number"]),
        title=str(issue.get("title") or ""),
        body=str(issue.get("body") or ""),
        url=str(issue.get("html_url") or ""),
        labels=tuple(
            str(lab.get("name") or "") if isinstance(lab, dict) else str(lab)
            for lab in issue.get("labels") or []
        ),
        author=str(user.get("login") or ""),
        author_is_bot=user.get("type") == "Bot",
        created_at=str(issue["created_at"]) if issue.get("created_at") else None,
        comments=int(issue.get("comments") or 0),
        is_pull_request="pull_request" in issue,
    )


def read_inputs(ctx: Context, repo: str) -> DashboardInputs:
    items = [
        open_item(issue)
        for issue in ctx.client.paginate(
            f"{repo_path(repo)}/issues",
            {"state": "open", "per_page": 100, "sort": "created", "direction": "asc"},
            what=f"reading the open issues of {repo}",
        )
    ]
    return DashboardInputs(repo=repo, now=ctx.now, open_items=items, files=read_files(ctx, repo))


def read_files(ctx: Context, repo: str) -> dict[str, str]:
    """Every file on the default branch (path → blob sha): one request."""
    branch = ctx.view(DashboardConfig).community.default_branch
    tree = ctx.client.get_or_none(
        f"{repo_path(repo)}/git/trees/{quote_segment(branch)}", params={"recursive": "1"}
    )
    if not isinstance(tree, dict):
        return {}
    return {
        str(entry.get("path")): str(entry.get("sha"))
        for entry in tree.get("tree") or []
        if isinstance(entry, dict) and entry.get("type") == "blob"
    }


def find_dashboard(ctx: Context, repo: str, open_items: list[OpenItem]) -> ExistingDashboard | None:
    """The dashboard issue: among the open issues already read, else (closed, or older than
    the list) the executor's search for its marker."""
    item = next(
        (i for i in open_items if not i.is_pull_request and marker_key(i.body) == DASHBOARD_KEY),
        None,
    )
    if item is not None:
        existing = ExistingDashboard(
            number=item.number, title=item.title, body=item.body, state="open"
        )
    else:
        found = ctx.executor.find_keyed_issue(repo, DASHBOARD_KEY)
        if found is None:
            return None
        existing = ExistingDashboard(
            number=int(found["number"]),
            title=str(found.get("title") or ""),
            body=str(found.get("body") or ""),
            state=str(found.get("state") or "open"),
        )
    ctx.executor.know_issue(
        repo,
        IssueState(
            number=existing.number, title=existing.title, body=existing.body, state=existing.state
        ),
    )
    return existing
