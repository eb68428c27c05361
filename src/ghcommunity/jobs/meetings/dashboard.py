"""The meetings job's section of the community dashboard: each group's next meeting (date,
local time, its notes file or "notes not generated yet"), the open notes pull request, and
meetings moved or cancelled in the weeks ahead. One request (the notes pull request) beyond
what the dashboard reads for every section, and one more (its files) when it is open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ghcommunity.core.dashboard import DashboardInputs, DashboardLine, DashboardSection, Tick
from ghcommunity.core.providers import dashboard_section
from ghcommunity.core.schedules import zone_info
from ghcommunity.github.client import quote_segment, repo_path, web_url_for
from ghcommunity.github.context import Context
from ghcommunity.jobs.meetings.notes import Meeting, group_meetings, long_date, scheduled_groups
from ghcommunity.jobs.meetings.settings import MeetingsConfig

LOOK_AHEAD = timedelta(days=120)  # how far to look for each group's next meeting
CHANGES_AHEAD = timedelta(days=60)  # how far ahead moved and cancelled meetings are listed


def _notes_pull(ctx: Context, repo: str) -> dict[str, Any] | None:
    owner = repo.split("/", 1)[0]
    pulls = ctx.client.rest(
        "GET",
        f"{repo_path(repo)}/pulls",
        params={
            "head": f"{owner}:{ctx.view(MeetingsConfig).meetings.branch}",
            "state": "open",
            "per_page": 1,
        },
    )
    return dict(pulls[0]) if isinstance(pulls, list) and pulls else None


def _branch_files(ctx: Context, repo: str, pull: dict[str, Any]) -> set[str]:
    sha = str(((pull.get("head") or {}).get("sha")) or "")
    if not sha:
        return set()
    tree = ctx.client.get_or_none(
        f"{repo_path(repo)}/git/trees/{quote_segment(sha)}", params={"recursive": "1"}
    )
    entries = tree.get("tree") if isinstance(tree, dict) else None
    return {str(e.get("path")) for e in entries or [] if isinstance(e, dict)}


def _when(meeting: Meeting) -> str:
    occ = meeting.occurrence
    return f"{long_date(occ.date)}, {occ.start:%H:%M} {occ.start.tzname() or meeting.zone}"


def meeting_lines(
    ctx: Context, inputs: DashboardInputs, branch_files: set[str], pull: dict[str, Any] | None
) -> tuple[list[DashboardLine], list[DashboardLine]]:
    config = ctx.view(MeetingsConfig)
    nexts: list[DashboardLine] = []
    changes: list[DashboardLine] = []
    for group in scheduled_groups(config):
        today = inputs.now.astimezone(zone_info(config.timezone_for(group))).date()
        found = group_meetings(config, group, today, today + LOOK_AHEAD)
        upcoming = [m for m in found if m.occurrence.end > inputs.now]
        held = [m for m in upcoming if m.occurrence.held]
        if held:
            meeting = held[0]
            if meeting.path in inputs.files:
                url = (
                    f"{web_url_for(ctx.client.connection.api_url)}/{inputs.repo}/blob/"
                    f"{config.community.default_branch}/{meeting.path}"
                )
                notes = f"notes: [`{meeting.path}`]({url})"
            elif meeting.path in branch_files and pull is not None:
                notes = f"notes proposed in #{pull.get('number')}"
            else:
                notes = "notes not generated yet"
            nexts.append(DashboardLine(f"**{group.name}**: {_when(meeting)}; {notes}"))
        else:
            nexts.append(DashboardLine(f"**{group.name}**: no meeting in the next 120 days"))
        horizon = today + CHANGES_AHEAD
        for meeting in upcoming:
            occ = meeting.occurrence
            if occ.date > horizon and occ.original > horizon:
                continue
            reason = f" ({occ.reason})" if occ.reason else ""
            if not occ.held:
                changes.append(
                    DashboardLine(
                        f"**{group.name}**: {long_date(occ.original)} is cancelled{reason}"
                    )
                )
            elif occ.original != occ.date:
                changes.append(
                    DashboardLine(
                        f"**{group.name}**: {long_date(occ.original)} moved to "
                        f"{long_date(occ.date)}{reason}"
                    )
                )
    return nexts, changes


@dashboard_section("meetings")
def meetings_section(ctx: Context, inputs: DashboardInputs) -> DashboardSection | None:
    config = ctx.view(MeetingsConfig)
    if not config.meetings.enabled or not scheduled_groups(config):
        return None
    pull = _notes_pull(ctx, inputs.repo) if config.meetings.mode == "pull-request" else None
    branch_files = _branch_files(ctx, inputs.repo, pull) if pull else set()
    nexts, changes = meeting_lines(ctx, inputs, branch_files, pull)
    lines = list(nexts)
    if pull is not None:
        lines.append(
            DashboardLine(
                f"Notes pull request: #{pull.get('number')} (waiting for a review and a merge)"
            )
        )
    lines += changes
    lines.append(
        DashboardLine(
            "",
            Tick(
                id="run:meetings",
                label="Generate the notes for the next meetings now",
                job="meetings",
            ),
        )
    )
    return DashboardSection(key="meetings", title="Meetings", lines=tuple(lines), order=10)
