"""What the dashboard reads once for every section: the open issues and pull requests (one
paginated list) and the files on the default branch (one tree). Sections read anything else
they need themselves, through the same Context."""

from __future__ import annotations

from typing import Any

from ghcommunity.core.dashboard import DashboardInputs
from ghcommunity.core.plan import marker_key
from ghcommunity.github.client import quote_segment, repo_path
from ghcommunity.github.context import Context
from ghcommunity.github.state import IssueState
from ghcommunity.jobs.dashboard.plan import DASHBOARD_KEY, ExistingDashboard
from ghcommunity.jobs.dashboard.settings import DashboardConfig


def read_inputs(ctx: Context, repo: str) -> DashboardInputs:
    items = list(
        ctx.client.paginate(
            f"{repo_path(repo)}/issues",
            {"state": "open", "per_page": 100, "sort": "created", "direction": "asc"},
            what=f"reading the open issues of {repo}",
        )
    )
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


def find_dashboard(
    ctx: Context, repo: str, open_items: list[dict[str, Any]]
) -> ExistingDashboard | None:
    """The dashboard issue: among the open issues already read, else (closed, or older than
    the list) the executor's search for its marker."""
    found = next(
        (
            i
            for i in open_items
            if "pull_request" not in i and marker_key(i.get("body")) == DASHBOARD_KEY
        ),
        None,
    ) or ctx.executor.find_keyed_issue(repo, DASHBOARD_KEY)
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
