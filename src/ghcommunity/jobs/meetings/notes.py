"""Meeting notes: each group's next notes file, on the right day and time, never overwriting.

The generator *reconciles* rather than fires: every run looks at the meetings inside the lead
window, and adds the notes files (and .ics files) that do not exist yet — on the default branch
or on the bot's branch — in one commit and one pull request. An existing notes file is never
modified: people may have started writing in it. A second run the same day finds everything
there and plans nothing, so it makes no write request at all.

Shape: `read_repo_view` and `read_inputs` (I/O, at the edge) → `plan_generate` (pure) → Plan.
`plan_meetings` (pure) lists occurrences for `ghcommunity meetings plan`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from ghcommunity.config import Group
from ghcommunity.core.errors import InputError
from ghcommunity.core.held import is_untouched, recorded_hash, stamp
from ghcommunity.core.jobs import parse_lead_time as core_lead_time
from ghcommunity.core.plan import (
    CommitFiles,
    CreateDiscussion,
    CreateIssue,
    FileChange,
    OpenPullRequest,
    Plan,
)
from ghcommunity.core.schedules import ClockError, Occurrence, ScheduleError, expand, rota_index
from ghcommunity.core.templating import builtin_template, render_user_template
from ghcommunity.jobs.meetings.settings import MeetingsConfig

if TYPE_CHECKING:
    from ghcommunity.jobs.meetings.calendars import CalendarEvent

NOTES_TEMPLATE = "meeting.md.j2"
AGENDA_TEMPLATE = "meeting-agenda.md.j2"
ALL_FEED = "all-groups.ics"
_NOTES_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.md$")


def parse_lead_time(text: str) -> timedelta:
    """A lead time as people write it: '14d', '2w' or '14' (days), at most a year."""
    try:
        return core_lead_time(text)
    except ValueError as exc:
        raise InputError(f"--lead-time {text!r}: {exc}") from None


# -- occurrences -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    """One occurrence of one group's meeting, with where its files go."""

    group: Group
    occurrence: Occurrence
    zone: str

    @property
    def slug(self) -> str:
        return self.group.slug

    @property
    def date(self) -> date:
        return self.occurrence.date

    @property
    def path(self) -> str:
        return f"{self.group.notes_folder}{self.occurrence.date.isoformat()}.md"

    @property
    def ics_path(self) -> str:
        return f"{self.group.notes_folder}{self.occurrence.date.isoformat()}.ics"

    @property
    def key(self) -> str:
        """Identifies the meeting for keyed issues: the group and its original date."""
        return f"meeting-agenda:{self.slug}:{self.occurrence.original.isoformat()}"

    def to_dict(self) -> dict[str, Any]:
        occ = self.occurrence
        out: dict[str, Any] = {
            "group": self.slug,
            "date": occ.date.isoformat(),
            "start": occ.start.isoformat(),
            "end": occ.end.isoformat(),
            "start_utc": utc_text(occ.start_utc),
            "end_utc": utc_text(occ.end_utc),
            "time_zone": self.zone,
            "zone_abbreviation": occ.zone_abbreviation,
            "path": self.path,
            "status": occ.status,
        }
        if occ.original != occ.date:
            out["original_date"] = occ.original.isoformat()
        if occ.reason:
            out["reason"] = occ.reason
        return out


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def scheduled_groups(config: MeetingsConfig, only: str | None = None) -> list[Group]:
    """Groups with a schedule (closed groups are left out); `only` restricts to one slug."""
    if only is not None and config.group(only) is None:
        known = ", ".join(g.slug for g in config.groups) or "none"
        raise InputError(f"no group with the slug {only!r} (known: {known})")
    return [
        g
        for g in config.groups
        if g.schedule is not None
        and g.status != "closed"
        and (only is None or g.slug == only.strip().lower())
    ]


def group_meetings(config: MeetingsConfig, group: Group, start: date, end: date) -> list[Meeting]:
    """A group's meetings on local dates in [start, end]; a bad wall-clock time is exit 2."""
    assert group.schedule is not None
    zone = config.timezone_for(group)
    try:
        found = expand(group.schedule, zone, start, end)
    except ClockError as exc:
        raise InputError(f"group {group.slug!r}: meeting on {exc.day}: {exc}") from None
    except ScheduleError as exc:
        raise InputError(f"group {group.slug!r}: {exc}") from None
    return [Meeting(group, occ, zone) for occ in found]


def plan_meetings(
    config: MeetingsConfig, start: date, end: date, *, group: str | None = None
) -> list[Meeting]:
    """Every meeting of every scheduled group in [start, end], in time order (pure)."""
    if end < start:
        raise InputError(f"--until ({end}) is before --from ({start})")
    found: list[Meeting] = []
    for each in scheduled_groups(config, group):
        found += group_meetings(config, each, start, end)
    found.sort(key=lambda m: (m.occurrence.start_utc, m.slug))
    return found


# -- actions carried over --------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<rest>.*))?$")
_TASK = re.compile(r"^\[(?P<mark>[ xX])\](?:[ \t]+(?P<text>.*))?$")


@dataclass(frozen=True)
class Action:
    text: str
    depth: int = 0  # nesting under other carried actions


def open_actions(markdown: str | None) -> list[Action]:
    """The unchecked task-list items (`- [ ] ...`) of a notes file, in order.

    Tolerates `*`, `+` and numbered bullets, nested items, CRLF line endings and tabs; skips
    fenced code, HTML comments, ticked items and empty placeholders, and repeats.
    """
    if not markdown:
        return []
    text = _COMMENT.sub("", markdown.replace("\r\n", "\n").replace("\r", "\n"))
    found: list[Action] = []
    seen: set[str] = set()
    stack: list[tuple[int, bool]] = []  # (indent, carried) of the enclosing list items
    fence: str | None = None
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if not line.strip():
            continue
        item = _ITEM.match(line)
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        if item is None:
            if indent == 0:
                stack.clear()  # a paragraph or heading ends the list
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        task = _TASK.match((item.group("rest") or "").strip())
        carried = False
        if task and task.group("mark") == " ":
            body = " ".join((task.group("text") or "").split())
            normal = body.casefold()
            if body and normal not in seen:
                seen.add(normal)
                found.append(Action(body, sum(1 for _, c in stack if c)))
                carried = True
        stack.append((indent, carried))
    return found


# -- what the repo holds (read at the edge) --------------------------------------------------

BranchState = Literal["absent", "open", "stale"]


@dataclass(frozen=True)
class AgendaItem:
    """An open issue labelled for a group's agenda (`read.read_agenda`)."""

    number: int
    title: str = ""
    url: str = ""  # the issue's page (html_url)
    author: str = ""  # the opener's login ("" when GitHub gives none)


@dataclass
class RepoView:
    """What the generator needs to know about the repo: plain data, read once per run."""

    default_branch: str
    default_files: dict[str, str] = field(default_factory=dict)  # path → blob sha
    branch: str | None = None  # the bot's branch (pull-request mode)
    branch_state: BranchState = "absent"  # "stale": exists but has no open pull request
    branch_files: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # previous notes and templates, by path
    # The default branch's text where the open branch has a different version (moves only).
    default_texts: dict[str, str] = field(default_factory=dict)
    agenda: dict[str, list[AgendaItem]] = field(default_factory=dict)  # slug → open issues

    def exists(self, path: str) -> bool:
        return path in self.default_files or (
            self.branch_state == "open" and path in self.branch_files
        )

    def current_sha(self, path: str) -> str | None:
        """The file's blob sha where the next commit starts from (the branch, if open)."""
        if self.branch_state == "open" and self.branch is not None:
            return self.branch_files.get(path)
        return self.default_files.get(path)

    def notes_dates(self, folder: str) -> list[date]:
        """The dates of the `YYYY-MM-DD.md` files in a notes folder (default ∪ open branch)."""
        paths: Iterable[str] = self.default_files
        if self.branch_state == "open":
            paths = [*self.default_files, *self.branch_files]
        found = set()
        for path in paths:
            head, name = posixpath.split(path)
            if head + "/" != folder:
                continue
            match = _NOTES_NAME.match(name)
            if match:
                try:
                    found.add(date.fromisoformat(match.group(1)))
                except ValueError:
                    continue
        return sorted(found)


# -- the generation window -------------------------------------------------------------------


@dataclass
class Inputs:
    """What to read after the first look, so rendering needs nothing else."""

    texts: set[tuple[str, str]] = field(default_factory=set)  # (path, "default" | "branch")
    agenda_labels: dict[str, str] = field(default_factory=dict)  # slug → label
    templates: set[str] = field(default_factory=set)  # template paths configured


def lead_window(now: datetime, zone: str, lead_time: timedelta) -> tuple[date, date]:
    from ghcommunity.core.schedules import zone_info

    tz = zone_info(zone)
    return now.astimezone(tz).date(), (now + lead_time).astimezone(tz).date()


def due_meetings(
    config: MeetingsConfig,
    now: datetime,
    lead_time: timedelta,
    view: RepoView,
    *,
    group: str | None = None,
) -> tuple[list[Meeting], list[str]]:
    """Meetings in the lead window whose notes file does not exist yet, and notes on the rest.

    A meeting's notes wait until the group's previous meeting has started, so the actions
    people tick there reach them: of a group's meetings still to come, only the next one is
    prepared (meetings already under way today are too).
    """
    due: list[Meeting] = []
    notes: list[str] = []
    for each in scheduled_groups(config, group):
        first, last = lead_window(now, config.timezone_for(each), lead_time)
        waiting_for: Meeting | None = None
        for meeting in group_meetings(config, each, first, last):
            label = f"{meeting.slug} {meeting.date}"
            if not meeting.occurrence.held:
                reason = meeting.occurrence.reason
                notes.append(f"{label}: cancelled{f' ({reason})' if reason else ''}; no notes")
                continue
            if waiting_for is not None:
                notes.append(
                    f"{label}: notes wait until the {waiting_for.date} meeting has taken place "
                    "(its open actions carry over)"
                )
                continue
            if meeting.occurrence.start > now:
                waiting_for = meeting
            if meeting.path in view.default_files:
                notes.append(f"{label}: {meeting.path} exists; left as it is")
            elif view.exists(meeting.path):
                notes.append(f"{label}: {meeting.path} is already on {view.branch}")
            else:
                due.append(meeting)
    return due, notes


def due_agenda_issues(
    config: MeetingsConfig, now: datetime, *, group: str | None = None
) -> list[Meeting]:
    """Held meetings whose agenda issue should exist now (N days before, until they start)."""
    found = []
    for each in scheduled_groups(config, group):
        assert each.schedule is not None
        settings = each.schedule.agenda_issue
        if settings is None:
            continue
        ahead = timedelta(days=settings.days_before)
        first, last = lead_window(now, config.timezone_for(each), ahead)
        for meeting in group_meetings(config, each, first, last):
            occ = meeting.occurrence
            if occ.held and occ.start - ahead <= now < occ.start:
                found.append(meeting)
    return found


def previous_notes(
    view: RepoView, meeting: Meeting, extra: Iterable[date] = (), skip: Iterable[str] = ()
) -> date | None:
    """The newest notes file of the group dated before this meeting, if any."""
    folder = meeting.group.notes_folder
    gone = set(skip)
    dates = [
        d
        for d in (*view.notes_dates(folder), *extra)
        if d < meeting.date and f"{folder}{d.isoformat()}.md" not in gone
    ]
    return max(dates, default=None)


def previous_held(view: RepoView, meeting: Meeting) -> date | None:
    """The newest notes file before this meeting that people used (held): open actions carry
    over from it. Files whose text was not read, and the bot's untouched ones, are passed by."""
    folder = meeting.group.notes_folder
    for day in sorted(view.notes_dates(folder), reverse=True):
        if day >= meeting.date:
            continue
        text = view.texts.get(f"{folder}{day.isoformat()}.md")
        if text is not None and not is_untouched(text):
            return day
    return None


def held_candidates(view: RepoView, meeting: Meeting) -> list[str]:
    """The notes files before a meeting, newest first: read until one is held."""
    folder = meeting.group.notes_folder
    return [
        f"{folder}{day.isoformat()}.md"
        for day in sorted(view.notes_dates(folder), reverse=True)
        if day < meeting.date
    ]


# -- meetings that moved or were cancelled after their notes were made ----------------------


@dataclass(frozen=True)
class Stale:
    """A notes file for a date the schedule no longer has (moved or cancelled)."""

    meeting_group: Group
    day: date
    path: str
    ics_path: str
    why: str  # "moved to 2026-12-17", "cancelled", "no longer in the schedule"


def stale_notes(
    config: MeetingsConfig, now: datetime, view: RepoView, *, group: str | None = None
) -> list[Stale]:
    """Notes files dated today or later whose date is no longer a meeting the group holds."""
    found: list[Stale] = []
    for each in scheduled_groups(config, group):
        folder = each.notes_folder
        today = lead_window(now, config.timezone_for(each), timedelta())[0]
        days = [d for d in view.notes_dates(folder) if d >= today]
        if not days:
            continue
        meetings = group_meetings(config, each, today, max(days))
        held = {m.date for m in meetings if m.occurrence.held}
        for day in days:
            if day in held:
                continue
            why = "no longer in the schedule"
            for m in meetings:
                if m.occurrence.original == day and m.occurrence.held:
                    why = f"moved to {m.date}"
                elif m.date == day and not m.occurrence.held:
                    why = "cancelled"
            found.append(
                Stale(
                    each,
                    day,
                    f"{folder}{day.isoformat()}.md",
                    f"{folder}{day.isoformat()}.ics",
                    why,
                )
            )
    return found


def _neighbours(view: RepoView, item: Stale, gone: set[str]) -> list[date]:
    """The two newest notes files before a stale one: the one whose "next meeting" link points
    at it, and (when the meeting moved earlier) the new date's own file."""
    folder = item.meeting_group.notes_folder
    before = [
        d
        for d in view.notes_dates(folder)
        if d < item.day and f"{folder}{d.isoformat()}.md" not in gone
    ]
    return sorted(before)[-2:]


def stale_neighbours(view: RepoView, stale: Sequence[Stale]) -> list[str]:
    """The notes files whose links may point at the stale ones (read before planning)."""
    gone = {s.path for s in stale}
    out = {
        f"{item.meeting_group.notes_folder}{day.isoformat()}.md"
        for item in stale
        for day in _neighbours(view, item, gone)
    }
    return sorted(out)


def _relink(text: str, old: date, new: date | None) -> str | None:
    """The bot's own text with its links to `old`'s notes pointing at `new`'s (None: no link
    to change)."""
    name = f"{old.isoformat()}.md"
    if name not in text or new is None:
        return None
    changed = text.replace(f"]({name})", f"]({new.isoformat()}.md)")
    changed = changed.replace(f"/{name})", f"/{new.isoformat()}.md)")
    changed = changed.replace(long_date(old), long_date(new))
    return stamp(changed) if changed != text else None


@dataclass
class Moves:
    """What the run does about stale notes: files removed, links fixed, files left for people."""

    files: list[FileChange] = field(default_factory=list)
    removed: list[tuple[Stale, list[str]]] = field(default_factory=list)
    kept: list[Stale] = field(default_factory=list)  # edited by people: never touched
    unread: list[Stale] = field(default_factory=list)
    relinked: list[str] = field(default_factory=list)
    # Edited files that still link to a removed date: named, never changed.
    stale_links: list[tuple[str, str]] = field(default_factory=list)  # (file, removed file)


def plan_moves(
    config: MeetingsConfig, now: datetime, view: RepoView, *, group: str | None = None
) -> Moves:
    """Remove the bot's untouched notes (and .ics) of meetings that moved or were cancelled,
    and point the bot's untouched "next meeting" links at the meeting that replaces them.
    A file people edited is never touched: it is listed so a person can decide."""
    moves = Moves()
    stale = stale_notes(config, now, view, group=group)
    gone: set[str] = set()
    for item in stale:
        text = view.texts.get(item.path)
        if text is None:
            moves.unread.append(item)
        elif recorded_hash(text) is None:
            continue  # not the bot's file (e.g. notes of an extra meeting): none of its business
        elif is_untouched(text):
            paths = [item.path]
            moves.files.append(FileChange(path=item.path, content="", delete=True))
            if view.exists(item.ics_path):
                paths.append(item.ics_path)
                moves.files.append(FileChange(path=item.ics_path, content="", delete=True))
            moves.removed.append((item, paths))
            gone.add(item.path)
        else:
            moves.kept.append(item)
    for item, _ in moves.removed:
        folder = item.meeting_group.notes_folder
        old_name = f"{item.day.isoformat()}.md"
        for day in _neighbours(view, item, gone):
            path = f"{folder}{day.isoformat()}.md"
            text = view.texts.get(path)
            earlier = view.default_texts.get(path)
            if text is None:
                continue
            if not is_untouched(text):
                if old_name in text:
                    moves.stale_links.append((path, item.path))
                continue
            if old_name not in text:
                if is_untouched(earlier) and earlier is not None and old_name in earlier:
                    moves.relinked.append(path)  # fixed on the open pull request's branch
                continue
            later = group_meetings(
                config, item.meeting_group, day + timedelta(days=1), item.day + timedelta(days=366)
            )
            following = next((m.date for m in later if m.occurrence.held), None)
            changed = _relink(text, item.day, following)
            if changed is not None:
                moves.files.append(FileChange(path=path, content=changed, if_exists="update"))
                moves.relinked.append(path)
    return moves


def needed_inputs(
    config: MeetingsConfig,
    due: Sequence[Meeting],
    agenda_due: Sequence[Meeting],
    view: RepoView,
) -> Inputs:
    """The texts (previous notes, templates) and agenda labels to read before rendering."""
    inputs = Inputs()
    by_group: dict[str, list[Meeting]] = {}
    for meeting in due:
        by_group.setdefault(meeting.slug, []).append(meeting)
    for meetings in by_group.values():
        first = min(meetings, key=lambda m: m.date)
        previous = previous_notes(view, first)
        if previous is not None:
            path = f"{first.group.notes_folder}{previous.isoformat()}.md"
            inputs.texts.add((path, "default" if path in view.default_files else "branch"))
    for meeting in [*due, *agenda_due]:
        inputs.agenda_labels[meeting.slug] = meeting.group.agenda
        if meeting.group.template:
            inputs.templates.add(meeting.group.template)
    for meeting in agenda_due:
        settings = meeting.group.schedule.agenda_issue if meeting.group.schedule else None
        if settings and settings.template:
            inputs.templates.add(settings.template)
    if due and config.meetings.template:
        inputs.templates.add(config.meetings.template)
    return inputs


# -- rendering -------------------------------------------------------------------------------


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours != 1 else ""))
    if rest:
        parts.append(f"{rest} minute" + ("s" if rest != 1 else ""))
    return " ".join(parts)


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _zone_label(zone: str) -> str:
    return "UK time" if zone == "Europe/London" else zone


def _group_data(group: Group) -> dict[str, Any]:
    return {
        "slug": group.slug,
        "name": group.name,
        "aim": group.aim or "",
        "kind": group.kind,
        "label": group.group_label,
        "agenda_label": group.agenda,
        "notes_path": group.notes_folder,
        "slack": group.channels.slack or "",
        "mailing_list": group.channels.mailing_list or "",
        "leads": list(group.leads),
        "contacts": list(group.contacts),
    }


_AGENDA_PREFIX = re.compile(r"^\s*\[?\s*agenda(?:\s+item)?\s*\]?\s*[:\-\u2013\u2014]\s*", re.I)


def agenda_title(title: str) -> str:
    """An agenda item's title without the "Agenda:" its issue title may start with (the notes
    already list it under "Agenda")."""
    stripped = _AGENDA_PREFIX.sub("", title, count=1).strip()
    return stripped or title.strip()


def _link_to(folder: str, target: str) -> str:
    """A relative Markdown link from a file in `folder` to `target` (both repo paths)."""
    return posixpath.relpath(target, folder.rstrip("/") or ".")


def _file_data(folder: str, found: tuple[date, str], rendering: Rendering) -> dict[str, str]:
    day, path = found
    return {
        "date": day.isoformat(),
        "date_long": long_date(day),
        "path": path,
        "link": _link_to(folder, path),
        "url": rendering.blob_url(path),
    }


@dataclass(frozen=True)
class Rendering:
    """Everything outside the schedule that a rendered file may show."""

    repo: str
    web_url: str = "https://github.com"
    default_branch: str = "main"
    joining: Mapping[str, str] = field(default_factory=dict)  # slug → joining details
    agenda: Mapping[str, Sequence[AgendaItem]] = field(default_factory=dict)  # slug → items

    def blob_url(self, path: str) -> str:
        return f"{self.web_url.rstrip('/')}/{self.repo}/blob/{self.default_branch}/{path}"


def feed_path(config: MeetingsConfig, slug: str) -> str:
    return f"{config.meetings.feeds_path}{slug}.ics"


def meeting_context(
    config: MeetingsConfig,
    meeting: Meeting,
    *,
    rendering: Rendering,
    previous: tuple[date, str] | None,
    following: Meeting | None,
    actions_text: str | None,
    actions_from: tuple[date, str] | None = None,
) -> dict[str, Any]:
    """The variables a notes (or agenda) template sees: plain values only."""
    occ = meeting.occurrence
    group = meeting.group
    schedule = group.schedule
    assert schedule is not None
    folder = group.notes_folder
    facilitators = list(group.facilitators)
    facilitator = (
        facilitators[rota_index(schedule, occ.original) % len(facilitators)]
        if facilitators
        else None
    )
    end_day = "" if occ.end.date() == occ.start.date() else " (the next day)"
    abbreviation = occ.zone_abbreviation
    joining = rendering.joining.get(group.slug)
    # Templates (ours and a community's own) see plain dicts, as they always have: a template
    # may use `item.get(...)`, `item["title"]` or `|tojson`.
    agenda = [
        {
            "number": item.number,
            "title": agenda_title(item.title),
            "url": item.url,
            "author": item.author,
        }
        for item in rendering.agenda.get(group.slug, [])
    ]
    previous_data = _file_data(folder, previous, rendering) if previous else None
    next_data = None
    if following is not None:
        next_data = {
            "date": following.date.isoformat(),
            "date_long": long_date(following.date),
            "path": following.path,
            "link": _link_to(folder, following.path),
            "url": rendering.blob_url(following.path),
        }
    calendar = None
    if config.meetings.calendars:
        feed = feed_path(config, group.slug)
        calendar = {
            "path": meeting.ics_path,
            "link": _link_to(folder, meeting.ics_path),
            "url": rendering.blob_url(meeting.ics_path),
            "feed_path": feed,
            "feed_link": _link_to(folder, feed),
            "all_feed_link": _link_to(folder, f"{config.meetings.feeds_path}{ALL_FEED}"),
        }
    actions = [{"text": a.text, "depth": a.depth} for a in open_actions(actions_text)]
    return {
        "title": f"{group.name}: {long_date(occ.date)}",
        "community": config.community.name,
        "repo": rendering.repo,
        "group": _group_data(group),
        "date": occ.date.isoformat(),
        "date_long": long_date(occ.date),
        "weekday": f"{occ.date:%A}",
        "start": f"{occ.start:%H:%M}",
        "end": f"{occ.end:%H:%M}",
        "time_zone": abbreviation,
        "zone": meeting.zone,
        "zone_label": _zone_label(meeting.zone),
        "time_text": f"{occ.start:%H:%M} to {occ.end:%H:%M}{end_day} {abbreviation}".strip(),
        "start_iso": occ.start.isoformat(),
        "start_utc": utc_text(occ.start_utc),
        "duration_minutes": schedule.duration,
        "duration": duration_text(schedule.duration),
        "status": occ.status,
        "original_date": occ.original.isoformat(),
        "moved_from": long_date(occ.original) if occ.status == "moved" else None,
        "reason": occ.reason,
        "facilitator": facilitator,
        "facilitators": facilitators,
        "joining": joining or config.meetings.joining,
        "joining_given": bool(joining),
        "agenda": agenda,
        "actions": actions,
        "actions_from": (
            _file_data(folder, actions_from, rendering) if actions_from else previous_data
        )
        if actions
        else None,
        "previous": previous_data,
        "next": next_data,
        "calendar": calendar,
        "notes_path": meeting.path,
        "notes_url": rendering.blob_url(meeting.path),
    }


def _template(path: str | None, templates: Mapping[str, str], builtin: str) -> tuple[str, str]:
    """(source, name) of a configured template, else the built-in one."""
    if path is None:
        return builtin_template(builtin), builtin
    if path not in templates:
        raise InputError(f"template {path!r} was not found (locally or in the repo)")
    return templates[path], path


def render_notes(
    config: MeetingsConfig,
    meeting: Meeting,
    context: Mapping[str, Any],
    templates: Mapping[str, str],
) -> str:
    source, name = _template(
        meeting.group.template or config.meetings.template, templates, NOTES_TEMPLATE
    )
    text = render_user_template(source, context, name=name)
    return stamp(text)


# -- calendars -------------------------------------------------------------------------------


def calendar_event(
    config: MeetingsConfig,
    meeting: Meeting,
    rendering: Rendering,
    stamp: datetime | None = None,
    *,
    link_notes: bool = True,
) -> CalendarEvent:
    """A meeting's calendar entry. It links the meeting's notes only when `link_notes` (the file
    exists, or is written in the same commit); a cancelled meeting links none (none will
    exist)."""
    from ghcommunity.jobs.meetings.calendars import CalendarEvent, meeting_uid

    occ = meeting.occurrence
    group = meeting.group
    lines = [f"{group.name} ({config.community.name})."]
    if occ.reason:
        lines.append(occ.reason[0].upper() + occ.reason[1:] + ".")
    linked = occ.held and link_notes
    if linked:
        lines.append(f"Notes: {rendering.blob_url(meeting.path)}")
    if group.channels.slack:
        lines.append(f"Channel: {group.channels.slack}")
    return CalendarEvent(
        uid=meeting_uid(rendering.repo, group.slug, occ.original),
        summary=("Cancelled: " if not occ.held else "") + group.name,
        start=occ.start,
        end=occ.end,
        status=occ.status,
        sequence=occ.sequence,
        description="\n".join(lines),
        url=rendering.blob_url(meeting.path) if linked else None,
        categories=(config.community.name,),
        stamp=stamp,
    )


def meeting_ics(
    config: MeetingsConfig, meeting: Meeting, rendering: Rendering, now: datetime | None = None
) -> str:
    """The meeting's own .ics, stamped with the run that made it (it is written once, with the
    meeting's notes, so it links them)."""
    from ghcommunity.jobs.meetings.calendars import calendar_text

    return calendar_text([calendar_event(config, meeting, rendering, now)])


def feed_window(now: datetime, zone: str) -> tuple[date, date]:
    """Feeds cover last year to next year: they change with the schedule, not every day."""
    from ghcommunity.core.schedules import zone_info

    year = now.astimezone(zone_info(zone)).year
    return date(year - 1, 1, 1), date(year + 1, 12, 31)


def feed_files(
    config: MeetingsConfig,
    now: datetime,
    rendering: Rendering,
    *,
    group: str | None = None,
    has_notes: Callable[[str], bool] | None = None,
) -> dict[str, str]:
    """The calendar feeds: one per scheduled group, and one for all groups.

    An event links its meeting's notes only when `has_notes(path)` says the notes file exists
    (or is written in the same commit): most past meetings have none and never will, and a
    link to a missing file is a 404. Without `has_notes` (nothing was read) no event links
    notes."""
    linked = has_notes or (lambda _path: False)
    from ghcommunity.jobs.meetings.calendars import calendar_text

    first, last = feed_window(now, config.community.timezone)
    made = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    feeds: dict[str, str] = {}
    everything = []
    groups = scheduled_groups(config)
    if not groups:
        return {}
    if any(g.slug == ALL_FEED.removesuffix(".ics") for g in groups):
        raise InputError(f"a group slug clashes with the all-groups feed {ALL_FEED!r}")
    for each in groups:
        events = [
            calendar_event(config, m, rendering, made, link_notes=linked(m.path))
            for m in group_meetings(config, each, first, last)
        ]
        everything += events
        if group is None or each.slug == group:
            feeds[feed_path(config, each.slug)] = calendar_text(
                events,
                name=f"{each.name} ({config.community.name})",
                description=each.aim,
                first=first,
                last=last,
            )
    if group is None:
        feeds[f"{config.meetings.feeds_path}{ALL_FEED}"] = calendar_text(
            everything, name=config.community.name, first=first, last=last
        )
    return feeds


# -- the plan --------------------------------------------------------------------------------


@dataclass
class Generated:
    plan: Plan
    meetings: list[Meeting]  # notes files added by this run
    agenda_issues: list[Meeting]
    feeds: list[str]  # feed paths written (changed)
    removed: list[str] = field(default_factory=list)  # the bot's untouched files of moved dates
    relinked: list[str] = field(default_factory=list)  # the bot's files whose links were fixed
    kept: list[str] = field(default_factory=list)  # edited files of moved dates, left alone

    def to_dict(self) -> dict[str, Any]:
        return {
            "meetings": [m.to_dict() for m in self.meetings],
            "agenda_issues": [m.to_dict() | {"key": m.key} for m in self.agenda_issues],
            "feeds": self.feeds,
            "removed": self.removed,
            "relinked": self.relinked,
            "kept": self.kept,
        }


def plan_generate(
    config: MeetingsConfig,
    now: datetime,
    view: RepoView,
    *,
    lead_time: timedelta | None = None,
    mode: Literal["pull-request", "commit"] | None = None,
    rendering: Rendering | None = None,
    templates: Mapping[str, str] | None = None,
    group: str | None = None,
) -> Generated:
    """The Plan that adds every missing notes file in the lead window (pure).

    One CommitFiles with every new file (notes never overwritten; feeds rewritten only when
    they changed), then one OpenPullRequest — or one commit to the default branch in commit
    mode. Nothing missing and no feed changed: an empty Plan, so no write at all.
    """
    settings = config.meetings
    lead = lead_time if lead_time is not None else timedelta(days=settings.lead_time_days)
    how = mode or settings.mode
    rendering = rendering or Rendering(repo=config.repo, default_branch=view.default_branch)
    templates = templates or {}
    if how == "pull-request" and (view.branch or settings.branch) == view.default_branch:
        raise InputError(
            f"meetings.branch is the default branch ({view.default_branch}): choose another "
            "branch for the pull request, or set meetings.mode: commit"
        )
    plan = Plan()
    due, notes = due_meetings(config, now, lead, view, group=group)
    plan.notes.extend(notes)

    files: list[FileChange] = []
    rendered: dict[str, str] = {}  # path → text, for meetings later in this same run
    moves = plan_moves(config, now, view, group=group)
    gone = {item.path for item, _ in moves.removed}
    for item in moves.kept:
        plan.note(
            f"{item.meeting_group.slug} {item.day}: {item.path} was edited by people, but the "
            f"meeting {item.why}: left as it is for a person to decide"
        )
    for item in moves.unread:
        plan.note(f"{item.meeting_group.slug} {item.day}: {item.path} ({item.why}) was not read")
    files.extend(moves.files)
    for meeting in sorted(due, key=lambda m: (m.slug, m.date)):
        generated_here = {
            date.fromisoformat(posixpath.basename(p)[:10])
            for p in rendered
            if posixpath.dirname(p) + "/" == meeting.group.notes_folder
        }
        previous_date = previous_notes(view, meeting, generated_here, gone)
        previous = None
        if previous_date is not None:
            prev_path = f"{meeting.group.notes_folder}{previous_date.isoformat()}.md"
            previous = (previous_date, prev_path)
        # Open actions come from the newest notes people used, never from a planned file.
        held_date = previous_held(view, meeting)
        actions_from = None
        actions_text = None
        if held_date is not None:
            held_path = f"{meeting.group.notes_folder}{held_date.isoformat()}.md"
            actions_from = (held_date, held_path)
            actions_text = view.texts.get(held_path)
        following = _next_meeting(config, meeting)
        context = meeting_context(
            config,
            meeting,
            rendering=rendering,
            previous=previous,
            following=following,
            actions_text=actions_text,
            actions_from=actions_from,
        )
        text = render_notes(config, meeting, context, templates)
        rendered[meeting.path] = text
        files.append(FileChange(path=meeting.path, content=text))
        if settings.calendars and not view.exists(meeting.ics_path):
            files.append(
                FileChange(
                    path=meeting.ics_path, content=meeting_ics(config, meeting, rendering, now)
                )
            )

    changed_feeds: list[str] = []
    if settings.calendars:
        from ghcommunity.core.plan import git_blob_sha

        def has_notes(path: str) -> bool:
            """The notes exist (default branch, or the open pull request) or are added now."""
            return path not in gone and (path in rendered or view.exists(path))

        for path, text in feed_files(config, now, rendering, has_notes=has_notes).items():
            if view.current_sha(path) != git_blob_sha(text.encode()):
                changed_feeds.append(path)
                files.append(FileChange(path=path, content=text, if_exists="update"))

    if files:
        base = view.default_branch
        if how == "commit":
            plan.add(
                CommitFiles(
                    repo=config.repo,
                    branch=base,
                    message=_commit_message(due, changed_feeds, moves),
                    files=files,
                    if_exists="skip",
                )
            )
        else:
            branch = view.branch or settings.branch
            plan.add(
                CommitFiles(
                    repo=config.repo,
                    branch=branch,
                    base=base,
                    message=_commit_message(due, changed_feeds, moves),
                    files=files,
                    if_exists="skip",
                    # From the default branch when the bot's branch is absent or left over
                    # from a merged pull request (absent: the branch is created at the new
                    # commit, one write fewer).
                    fresh=view.branch_state != "open",
                ),
                OpenPullRequest(
                    repo=config.repo,
                    head=branch,
                    base=base,
                    title=_pull_request_title(config, view, due, moves),
                    body=_pull_request_body(config, view, due, changed_feeds, moves),
                    labels=list(settings.pull_request_labels),
                ),
            )
    agenda_due = due_agenda_issues(config, now, group=group)
    for meeting in agenda_due:
        plan.add(_agenda_operation(config, meeting, rendering, templates))
    return Generated(
        plan,
        sorted(due, key=lambda m: (m.date, m.slug)),
        agenda_due,
        changed_feeds,
        removed=[p for _, paths in moves.removed for p in paths],
        relinked=list(moves.relinked),
        kept=[item.path for item in moves.kept],
    )


def _next_meeting(config: MeetingsConfig, meeting: Meeting) -> Meeting | None:
    """The group's next held meeting after this one (looking up to a year ahead)."""
    later = group_meetings(
        config,
        meeting.group,
        meeting.date + timedelta(days=1),
        meeting.date + timedelta(days=366),
    )
    return next((m for m in later if m.occurrence.held), None)


def _commit_message(
    due: Sequence[Meeting], feeds: Sequence[str], moves: Moves | None = None
) -> str:
    if len(due) == 1:
        meeting = due[0]
        head = f"Add notes for {meeting.group.name} on {meeting.date}"
    elif due:
        head = f"Add notes for {len(due)} meetings"
    elif moves and moves.removed:
        head = "Remove the notes of meetings that moved or were cancelled"
    else:
        head = "Update the meeting calendars"
    lines = [head, ""]
    lines += [f"- {m.path}" for m in sorted(due, key=lambda m: (m.date, m.slug))]
    if moves:
        lines += [f"- remove {p} ({item.why})" for item, paths in moves.removed for p in paths]
        lines += [f"- fix the links in {p}" for p in moves.relinked]
    if feeds:
        lines.append(f"- calendar feeds: {', '.join(feeds)}")
    return "\n".join(lines).strip() + "\n"


def _pending(
    config: MeetingsConfig, view: RepoView, due: Sequence[Meeting]
) -> list[tuple[str, str]]:
    """(group name, notes path) of every notes file the pull request adds, old and new."""
    folders = {g.notes_folder: g.name for g in scheduled_groups(config)}
    pending: dict[str, str] = {}
    if view.branch_state == "open":
        for path in view.branch_files:
            folder = posixpath.dirname(path) + "/"
            if (
                folder in folders
                and path not in view.default_files
                and _NOTES_NAME.match(posixpath.basename(path))
            ):
                pending[path] = folders[folder]
    for meeting in due:
        pending[meeting.path] = meeting.group.name
    return sorted(((name, path) for path, name in pending.items()), key=lambda x: x[1])


def _pull_request_title(
    config: MeetingsConfig, view: RepoView, due: Sequence[Meeting], moves: Moves | None = None
) -> str:
    pending = _pending(config, view, due)
    gone = {p for item, _ in (moves.removed if moves else []) for p in [item.path]}
    pending = [(n, p) for n, p in pending if p not in gone]
    if len(pending) == 1:
        name, path = pending[0]
        return f"Meeting notes: {name}, {posixpath.basename(path)[:10]}"
    if pending:
        return f"Meeting notes for {len(pending)} meetings"
    if moves and moves.removed:
        return "Meeting notes: remove the notes of moved or cancelled meetings"
    return "Update the meeting calendars"


def _moves_text(moves: Moves) -> list[str]:
    lines: list[str] = []
    if moves.removed:
        lines += [
            "Meetings that moved or were cancelled after their notes were made. These files "
            "are the bot's own and nobody has edited them, so this pull request removes them:",
            "",
        ]
        for item, paths in moves.removed:
            shown = ", ".join(f"`{p}`" for p in paths)
            lines.append(f"- {item.meeting_group.name}, {item.day} ({item.why}): {shown}")
        lines.append("")
    if moves.relinked:
        lines += ["Links to the next meeting fixed in the bot's untouched notes:", ""]
        lines += [f"- `{p}`" for p in moves.relinked]
        lines.append("")
    if moves.stale_links:
        lines += [
            "These notes were edited by people, so the bot leaves them as they are, but they "
            "still link to a file this pull request removes:",
            "",
        ]
        lines += [f"- `{path}` links to `{gone}`" for path, gone in moves.stale_links]
        lines.append("")
    if moves.kept:
        lines += [
            "**Please decide**: these notes are for meetings that moved or were cancelled, but "
            "people have edited them, so the bot leaves them exactly as they are:",
            "",
        ]
        lines += [
            f"- {item.meeting_group.name}, {item.day} ({item.why}): `{item.path}`"
            for item in moves.kept
        ]
        lines.append("")
    return lines


def _pull_request_body(
    config: MeetingsConfig,
    view: RepoView,
    due: Sequence[Meeting],
    feeds: Sequence[str],
    moves: Moves | None = None,
) -> str:
    pending = _pending(config, view, due)
    gone = {item.path for item, _ in (moves.removed if moves else [])}
    pending = [(n, p) for n, p in pending if p not in gone]
    lines = [
        "Notes files for the next meetings, made by ghcommunity from each group's schedule "
        "in the config.",
        "",
    ]
    if pending:
        lines += ["| Group | Notes file |", "|---|---|"]
        lines += [f"| {name} | `{path}` |" for name, path in pending]
        lines.append("")
    if moves:
        lines += _moves_text(moves)
    if feeds or config.meetings.calendars:
        lines.append(
            f"Calendar feeds in `{config.meetings.feeds_path}` are generated by the bot and "
            "rewritten when a schedule changes; please edit the schedule in the config instead."
        )
        lines.append("")
    lines.append(
        "ghcommunity never changes a notes file that people have edited. Each file it makes "
        "ends with a hidden marker recording what it generated: while a file is untouched the "
        "meeting counts as planned, not held, and the bot may remove it (if the meeting moves "
        "or is cancelled) or fix its links. Merge this pull request to publish the files; edit "
        "them here or after merging."
    )
    return "\n".join(lines)


def _agenda_operation(
    config: MeetingsConfig, meeting: Meeting, rendering: Rendering, templates: Mapping[str, str]
) -> CreateIssue | CreateDiscussion:
    schedule = meeting.group.schedule
    assert schedule is not None
    assert schedule.agenda_issue is not None
    settings = schedule.agenda_issue
    context = meeting_context(
        config,
        meeting,
        rendering=rendering,
        previous=None,
        following=_next_meeting(config, meeting),
        actions_text=None,
    )
    source, name = _template(settings.template, templates, AGENDA_TEMPLATE)
    body = render_user_template(source, context, name=name).strip() + "\n"
    title = " ".join(
        render_user_template(settings.title, context, name="agenda_issue.title").split()
    )
    if settings.kind == "discussion":
        assert settings.category is not None
        return CreateDiscussion(
            repo=config.repo,
            category=settings.category,
            title=title,
            body=body,
            key=meeting.key,
            if_exists="skip",
        )
    return CreateIssue(
        repo=config.repo,
        title=title,
        body=body,
        key=meeting.key,
        labels=list(settings.labels),
        if_exists="skip",
    )
