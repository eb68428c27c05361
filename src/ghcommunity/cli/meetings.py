"""`ghcommunity meetings plan|generate|calendar`: schedules, notes files and calendars.

The edge: the clock (`--now` overrides it for rehearsal), the environment (joining details from
GHCOMMUNITY_JOINING_<SLUG>), local template files and GitHub are read here and passed in.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ghcommunity.cli.common import (
    client,
    config_option,
    echo_json,
    github_options,
    job_context,
    load,
    plan_options,
    run_job_and_print,
    write_output,
)
from ghcommunity.config import Config
from ghcommunity.core.errors import InputError
from ghcommunity.core.timestamps import parse_instant
from ghcommunity.jobs.meetings.settings import MeetingsConfig

if TYPE_CHECKING:  # click 8.2 made ParamType generic; 8.1 (still supported) is not
    _DateType = click.ParamType[date]
    _InstantType = click.ParamType[datetime]
else:
    _DateType = _InstantType = click.ParamType


class _Date(_DateType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


class _Instant(_InstantType):
    name = "DATETIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date-time", param, ctx)


def joining_from_env(config: Config, env: dict[str, str] | None = None) -> dict[str, str]:
    """Joining details per group from GHCOMMUNITY_JOINING_<SLUG> (e.g. an Actions secret)."""
    source = os.environ if env is None else env
    found = {}
    for group in config.groups:
        name = "GHCOMMUNITY_JOINING_" + group.slug.upper().replace("-", "_")
        value = source.get(name, "").strip()
        if value:
            found[group.slug] = value
    return found


def _now(value: datetime | None) -> datetime:
    return value or datetime.now(UTC)


@click.group()
def meetings() -> None:
    """Plan and generate meeting notes, calendars and agenda issues."""


@meetings.command("plan")
@click.option("--group", "group_slug", help="Only this group (its slug).")
@click.option("--from", "start", type=_Date(), help="First local date (default: today).")
@click.option("--until", "end", type=_Date(), help="Last local date (default: 90 days on).")
@click.option("--now", type=_Instant(), help="Pretend it is this instant (rehearsal).")
@click.option("--repo", help="OWNER/NAME to look for the notes files in (default: the config's).")
@click.option("--offline", is_flag=True, help="Do not look for the notes files on GitHub.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@config_option
@github_options
def plan_command(
    group_slug: str | None,
    start: date | None,
    end: date | None,
    now: datetime | None,
    repo: str | None,
    offline: bool,
    as_json: bool,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
) -> None:
    """List the meetings in a date range: local and UTC times, notes path and status.

    With --api-url (or GITHUB_API_URL) or --repo, also says whether each notes file exists on
    the default branch (one request).
    """
    from ghcommunity.jobs.meetings.notes import plan_meetings
    from ghcommunity.jobs.meetings.read import read_default_files

    config = MeetingsConfig.of(load(config_path))
    moment = _now(now)
    first = start or moment.astimezone(_zone(config)).date()
    last = end or first + timedelta(days=90)
    found = plan_meetings(config, first, last, group=group_slug)
    existing: dict[str, str] | None = None
    if not offline and (api_url or repo):
        existing = read_default_files(client(api_url, token), config, repo or config.repo)
    rows = []
    for meeting in found:
        row = meeting.to_dict()
        if existing is not None:
            row["exists"] = meeting.path in existing
        rows.append(row)
    if as_json:
        echo_json({"from": first.isoformat(), "until": last.isoformat(), "meetings": rows})
        return
    if not rows:
        click.echo(f"no meetings from {first} to {last}")
        return
    for meeting, row in zip(found, rows, strict=True):
        occ = meeting.occurrence
        when = f"{occ.start:%H:%M}-{occ.end:%H:%M} {occ.zone_abbreviation}"
        status = row["status"]
        if occ.reason and occ.reason.lower() != status:
            status += f" ({occ.reason})"
        there = ""
        if "exists" in row:
            there = "  [exists]" if row["exists"] else "  [missing]"
        click.echo(
            f"{row['date']}  {when:<17} {occ.start_utc:%H:%MZ}  {meeting.slug:<24} "
            f"{row['path']}  {status}{there}"
        )


def _zone(config: Config | MeetingsConfig) -> Any:
    from ghcommunity.core.schedules import zone_info

    return zone_info(config.community.timezone)


@meetings.command("generate")
@click.option(
    "--lead-time",
    help="Create notes this long before each meeting, e.g. 14d or 2w "
    "(default: meetings.lead_time_days).",
)
@click.option("--pull-request", "mode", flag_value="pull-request", help="One pull request.")
@click.option("--commit", "mode", flag_value="commit", help="Commit to the default branch.")
@click.option("--group", "group_slug", help="Only this group (its slug).")
@click.option("--now", type=_Instant(), help="Pretend it is this instant (rehearsal).")
@plan_options
@config_option
@github_options
def generate_command(
    lead_time: str | None,
    mode: str | None,
    group_slug: str | None,
    now: datetime | None,
    dry_run: bool,
    as_json: bool,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
) -> None:
    """Add the notes files (and .ics files) missing for the meetings in the lead window.

    Never changes a notes file that exists. All new files go in one commit on the bot's branch
    and one pull request (or one commit to the default branch with --commit); the calendar
    feeds are refreshed in the same commit. Safe to run daily: a second run adds nothing.
    """
    from ghcommunity.jobs.meetings.job import MeetingsOptions
    from ghcommunity.jobs.meetings.notes import parse_lead_time

    config = load(config_path)
    options = MeetingsOptions(
        now=now,
        lead_time=parse_lead_time(lead_time) if lead_time else None,
        mode="commit" if mode == "commit" else ("pull-request" if mode else None),
        group=group_slug,
        dry_run=dry_run,
    )
    ctx = job_context(config, client(api_url, token), joining=joining_from_env(config))
    run_job_and_print("meetings", ctx, options, as_json=as_json)


@meetings.command("calendar")
@click.option("--group", "group_slug", help="Only this group's feed (printed to stdout).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Write the feeds here.")
@click.option("--now", type=_Instant(), help="Pretend it is this instant.")
@click.option(
    "--web-url",
    default="https://github.com",
    show_default=True,
    envvar="GITHUB_SERVER_URL",
    help="The web address of the repository's GitHub (an Enterprise Server's, say): the feeds' "
    "links follow it.",
)
@config_option
def calendar_command(
    group_slug: str | None,
    out_dir: str | None,
    now: datetime | None,
    web_url: str,
    config_path: str | None,
) -> None:
    """Write the calendar feeds (per group, and all groups) locally, e.g. for a website build.

    Run it in a checkout of the community's repository: a meeting links its notes only when the
    notes file is there."""
    from ghcommunity.jobs.meetings.notes import Rendering, feed_files

    config = MeetingsConfig.of(load(config_path))
    if group_slug and config.group(group_slug) is None:
        raise InputError(f"no group with the slug {group_slug!r}")
    checkout = Path.cwd()
    feeds = feed_files(
        config,
        _now(now),
        Rendering(
            repo=config.repo,
            default_branch=config.community.default_branch,
            web_url=web_url.rstrip("/"),
        ),
        group=group_slug,
        has_notes=lambda path: (checkout / path).is_file(),
    )
    if out_dir is None:
        if len(feeds) != 1:
            raise InputError("pass --group SLUG to print one feed, or --out DIR to write them all")
        click.echo(next(iter(feeds.values())), nl=False)
        return
    target = Path(out_dir)
    for path, text in feeds.items():
        destination = target / Path(path).name
        write_output(str(destination), text)
        click.echo(f"wrote {destination}")
