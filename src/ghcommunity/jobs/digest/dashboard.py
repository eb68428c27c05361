"""The digest's section of the community dashboard: the latest digest published (a link) and
when the next is due, with a box to publish last month's now. Found without extra requests for
a file or an issue digest (the dashboard's tree and open issues); one GraphQL request for a
discussion digest."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ghcommunity.core.dashboard import DashboardInputs, DashboardLine, DashboardSection, Tick
from ghcommunity.core.plan import marker_key
from ghcommunity.core.providers import dashboard_section
from ghcommunity.core.schedules import zone_info
from ghcommunity.github.client import split_repo, web_url_for
from ghcommunity.github.context import Context
from ghcommunity.jobs.digest.metrics import previous_month
from ghcommunity.jobs.digest.settings import DigestConfig

RECENT_DISCUSSIONS = """
query DashboardDigests($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    discussions(first: 30, orderBy: {field: CREATED_AT, direction: DESC}) {
      nodes { title url body }
    }
  }
}
"""
_MONTH = re.compile(r"(\d{4}-\d{2})")


def month_name(month: str) -> str:
    year, number = (int(x) for x in month.split("-"))
    return f"{date(year, number, 1):%B %Y}"


def _latest_file(ctx: Context, inputs: DashboardInputs) -> tuple[str, str] | None:
    pattern = re.compile(
        "^"
        + re.escape(ctx.view(DigestConfig).digest.path).replace(
            re.escape("{month}"), r"(\d{4}-\d{2})"
        )
        + "$"
    )
    months = sorted((m[1], path) for path in inputs.files if (m := pattern.match(path)))
    if not months:
        return None
    month, path = months[-1]
    web = web_url_for(ctx.client.connection.api_url)
    branch = ctx.view(DigestConfig).community.default_branch
    return month, f"{web}/{inputs.repo}/blob/{branch}/{path}"


def _latest_keyed(items: Iterable[tuple[str | None, str]]) -> tuple[str, str] | None:
    """The newest month a digest marker names, and its page, among (body, url) pairs."""
    found = []
    for body, url in items:
        key = marker_key(body) or ""
        if key.startswith("digest:") and _MONTH.fullmatch(key[7:]):
            found.append((key[7:], url))
    return max(found) if found else None


def _latest_discussion(ctx: Context, repo: str) -> tuple[str, str] | None:
    owner, name = split_repo(repo)
    data = ctx.client.graphql(
        RECENT_DISCUSSIONS, {"owner": owner, "name": name}, what=f"reading {repo}'s discussions"
    )
    nodes = (((data.get("repository") or {}).get("discussions") or {}).get("nodes")) or []
    return _latest_keyed(
        (n.get("body"), str(n.get("url") or "")) for n in nodes if isinstance(n, dict)
    )


@dashboard_section("digest")
def digest_section(ctx: Context, inputs: DashboardInputs) -> DashboardSection | None:
    config = ctx.view(DigestConfig)
    if not config.digest.enabled:
        return None
    target = config.digest.publish
    if target == "file":
        latest = _latest_file(ctx, inputs)
    elif target == "issue":
        latest = _latest_keyed((i.body, i.url) for i in inputs.open_issues)
    else:
        latest = _latest_discussion(ctx, inputs.repo)
    zone = zone_info(config.community.timezone)
    last_month = previous_month(inputs.now, zone)
    local = inputs.now.astimezone(zone).date()
    next_due = date(local.year + local.month // 12, local.month % 12 + 1, 1)
    lines = []
    if latest is None:
        lines.append(DashboardLine("No digest has been published yet."))
    else:
        month, url = latest
        lines.append(DashboardLine(f"Latest digest: [{month_name(month)}]({url})"))
    if latest is None or latest[0] < last_month:
        lines.append(DashboardLine(f"The digest for {month_name(last_month)} is not published."))
    this_month = f"{local:%Y-%m}"
    lines.append(
        DashboardLine(
            f"Next digest due: {next_due.day} {next_due:%B %Y} (for {month_name(this_month)})"
        )
    )
    lines.append(
        DashboardLine(
            "", Tick(id="run:digest", label="Publish the digest for last month", job="digest")
        )
    )
    return DashboardSection(key="digest", title="Digest", lines=tuple(lines), order=50)
