"""Triage's section of the community dashboard: issues waiting on the community: no reply
from anyone but their author (and the bot) for more than `dashboard.first_response_days`, and
possible duplicates awaiting a decision. Built from the open issues the dashboard reads anyway,
plus one GraphQL page (who commented) only when an old issue has comments to look at."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ghcommunity.core.dashboard import (
    DashboardInputs,
    DashboardLine,
    DashboardSection,
    OpenItem,
)
from ghcommunity.core.plan import marker_key
from ghcommunity.core.providers import dashboard_section
from ghcommunity.core.timestamps import timestamp
from ghcommunity.github.client import split_repo
from ghcommunity.github.context import Context
from ghcommunity.jobs.triage.settings import TriageConfig

MAX_LISTED = 30
COMMENTERS = """
query DashboardCommenters($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $cursor, states: OPEN,
           orderBy: {field: CREATED_AT, direction: ASC}) {
      nodes { number author { login } comments(first: 50) { nodes { author { login } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def title_of(issue: OpenItem) -> str:
    """An issue's title as a dashboard line quotes it: one line, no markup or mentions."""
    text = " ".join(issue.title.split())[:100]
    for char in "\\`*_[]<>#|":
        text = text.replace(char, f"\\{char}")
    return text.replace("@", "@\u200b")


def _login(user: Any) -> str:
    return str((user or {}).get("login") or "").lower() if isinstance(user, dict) else ""


def _labels(issue: OpenItem) -> set[str]:
    return {name.lower() for name in issue.labels}


def _age_days(issue: OpenItem, now: datetime) -> int | None:
    created = timestamp(issue.created_at)
    return None if created is None else (now - created).days


def responders(ctx: Context, repo: str) -> dict[int, set[str]]:
    """Who commented on each open issue (first 50 comments), from one GraphQL page per 100."""
    owner, name = split_repo(repo)
    out: dict[int, set[str]] = {}
    for node in ctx.client.graphql_nodes(
        COMMENTERS,
        {"owner": owner, "name": name},
        ("repository", "issues"),
        what=f"reading who replied to the open issues of {repo}",
    ):
        comments = ((node.get("comments") or {}).get("nodes")) or []
        out[int(node["number"])] = {_login(c.get("author")) for c in comments}
    return out


def _opened(issue: OpenItem) -> str:
    created = timestamp(issue.created_at)
    return f"{created.day} {created:%B %Y}" if created else "an unknown date"


@dashboard_section("waiting")
def waiting_section(ctx: Context, inputs: DashboardInputs) -> DashboardSection | None:
    config = ctx.view(TriageConfig)
    days = config.dashboard.first_response_days
    bot = config.community.bot_login.lower()
    needs_info = config.triage.needs_info_label.lower()
    duplicate = (config.triage.duplicates.label or "").lower()
    quiet: list[OpenItem] = []
    duplicates: list[OpenItem] = []
    for issue in inputs.open_issues:
        if issue.author.lower() == bot or marker_key(issue.body) or issue.author_is_bot:
            continue
        labels = _labels(issue)
        if duplicate and duplicate in labels:
            duplicates.append(issue)
        age = _age_days(issue, inputs.now)
        if needs_info not in labels and age is not None and age > days:
            quiet.append(issue)
    if any(i.comments for i in quiet):
        who = responders(ctx, inputs.repo)
        quiet = [i for i in quiet if not (who.get(i.number, set()) - {i.author.lower(), bot, ""})]
    lines = [
        DashboardLine(f"#{i.number} {title_of(i)}: no reply since it was opened on {_opened(i)}")
        for i in quiet[:MAX_LISTED]
    ]
    if len(quiet) > MAX_LISTED:
        lines.append(DashboardLine(f"and {len(quiet) - MAX_LISTED} more (oldest listed first)"))
    lines += [
        DashboardLine(f"#{i.number} {title_of(i)}: possible duplicate, awaiting a decision")
        for i in duplicates
    ]
    return DashboardSection(
        key="waiting",
        title="Waiting on the community",
        lines=tuple(lines),
        order=20,
        empty=f"No issue has waited more than {days} days for a first reply.",
    )
