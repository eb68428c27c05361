"""The community registry audit: missing basics, when each group last met, likely duplicates.

- **Missing fields**: each group (not closed) is checked for the fields `registry.required` (or
  `registry.required_by_kind`) asks for. A value is known only when the config says it; a
  placeholder such as "TBC" counts as unknown; nothing is ever filled in or guessed. `leads` is
  known from `leads` or `team`, `cadence` from `cadence` or `schedule`, `channels` from any
  channel, `notes_path` only when set (the default folder is a convention, not a fact).
- **Last met**: the newest dated notes file (`YYYY-MM-DD….md`, also one folder down, e.g. by
  year) in the group's notes folder, not in the future, that shows the meeting was *held*:
  people wrote or edited it (`ghcommunity.core.held`: the meetings job stamps the notes it
  prepares with a hash of what it generated, and an untouched file is a planned meeting, not a
  held one). When the folder has files but none is dated, the date of the latest commit touching
  it. One GraphQL request reads every group's folder, with the files' text (aliases).
- **Dormant**: `core.held.group_health` decides — the same function the digest and the directory
  use, so they agree. An active group that last met more than `registry.dormant_months` ago is
  defunct under the terms of reference; no notes at all is "unknown", never defunct; a group
  marked dormant that met recently is reported too.
- **Notes of moved or cancelled meetings** that people edited (the meetings job never touches
  them) are named, so a person can decide whether to keep them.
- **Likely duplicates**: pairs of groups whose names or aims are similar (the same
  `find_similar` triage uses for proposals) or that share a channel, with a score. Groups that
  list each other under `related` are known to overlap and are not reported.

`audit_registry` is pure; `read_notes` is the read; `plan_publish` keeps the one tracking issue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ghcommunity.config import Group
from ghcommunity.core.held import (
    DatedNotes,
    GroupHealth,
    group_health,
)
from ghcommunity.core.plan import CloseIssue, Comment, CreateIssue, Plan
from ghcommunity.core.schedules import ScheduleError, expand
from ghcommunity.core.similar import Candidate, find_similar
from ghcommunity.jobs.registry.settings import RegistryConfig

TRACKING_KEY = "registry-audit"
DATED_NOTES = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[^/]*)\.(?:md|markdown)$", re.IGNORECASE)
FIELD_LABELS = {
    "aim": "aim",
    "senior_sponsor": "senior sponsor",
    "funding": "funding",
    "leads": "leads",
    "contacts": "contacts",
    "channels": "channels",
    "cadence": "cadence",
    "schedule": "schedule",
    "notes_path": "notes path",
    "status": "status",
    "related": "related groups",
}


# -- what was read about a notes folder ----------------------------------------------------------


@dataclass(frozen=True)
class NotesFolder:
    """What GitHub holds in a group's notes folder (plain data, from `read_notes`)."""

    path: str  # without a trailing slash
    exists: bool
    files: tuple[str, ...] = ()  # file paths relative to the folder, one level down at most
    last_commit: datetime | None = None  # the latest commit touching the folder
    untouched: frozenset[str] = frozenset()  # files still exactly as the bot generated them
    generated: frozenset[str] = frozenset()  # files the bot made (with its marker), edited or not

    def dated(self) -> list[tuple[date, str]]:
        found = []
        for name in self.files:
            match = DATED_NOTES.match(name.rsplit("/", 1)[-1])
            if not match:
                continue
            try:
                found.append((date.fromisoformat(match[1]), name))
            except ValueError:
                continue
        return sorted(found)

    def notes(self) -> list[DatedNotes]:
        """The dated files, each held unless it is the bot's untouched file."""
        return [DatedNotes(day, name not in self.untouched, name) for day, name in self.dated()]


# -- the report -----------------------------------------------------------------------------------


@dataclass
class GroupAudit:
    slug: str
    name: str
    kind: str
    status: str
    missing: list[str] = field(default_factory=list)  # registry field names
    placeholders: dict[str, str] = field(default_factory=dict)  # field → the placeholder given
    notes_folder: str | None = None
    notes_url: str | None = None
    last_met: date | None = None
    last_met_source: str | None = None  # "2025-01-23.md" or "latest commit"
    health: str | None = None  # active, dormant or unknown (core.held.group_health)
    notes_checked: bool = False
    problems: list[str] = field(default_factory=list)  # each one a failure
    remarks: list[str] = field(default_factory=list)  # information, not failures

    @property
    def ok(self) -> bool:
        return not self.missing and not self.problems

    @property
    def verdict(self) -> str:
        """What the report calls the group: the one verdict from its notes (active, dormant or
        unknown, as the directory and the digest say), with the registry's status when that
        differs; proposed and closed groups are not judged from notes."""
        if self.status in ("proposed", "closed"):
            return self.status
        if not self.notes_checked:
            return f"unknown (notes not read; declared {self.status})"
        health = self.health or "unknown"
        return health if health == self.status else f"{health} (declared {self.status})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "missing": self.missing,
            "placeholders": self.placeholders,
            "notes_folder": self.notes_folder,
            "notes_url": self.notes_url,
            "notes_checked": self.notes_checked,
            "last_met": self.last_met.isoformat() if self.last_met else None,
            "last_met_source": self.last_met_source,
            "health": self.health,
            "verdict": self.verdict,
            "problems": self.problems,
            "remarks": self.remarks,
            "ok": self.ok,
        }


@dataclass(frozen=True)
class Overlap:
    a: str  # slugs, a before b in config order
    b: str
    score: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"groups": [self.a, self.b], "score": self.score, "reasons": list(self.reasons)}


@dataclass
class AuditReport:
    repo: str
    today: date
    dormant_months: int
    duplicate_threshold: float
    groups: list[GroupAudit]
    overlaps: list[Overlap]

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.groups) and not self.overlaps

    @property
    def failures(self) -> int:
        return sum(len(g.missing) + len(g.problems) for g in self.groups) + len(self.overlaps)

    def group(self, slug: str) -> GroupAudit:
        return next(g for g in self.groups if g.slug == slug)

    def to_dict(self) -> dict[str, Any]:
        return {
            "repo": self.repo,
            "date": self.today.isoformat(),
            "ok": self.ok,
            "failures": self.failures,
            "dormant_months": self.dormant_months,
            "duplicate_threshold": self.duplicate_threshold,
            "groups": [g.to_dict() for g in self.groups],
            "overlaps": [o.to_dict() for o in self.overlaps],
        }


# -- checking (pure) ------------------------------------------------------------------------------


def _known(value: str | None, placeholders: Sequence[str]) -> tuple[bool, str | None]:
    """(known, the placeholder given if any)."""
    if value is None or not value.strip():
        return False, None
    if value.strip().lower() in placeholders:
        return False, value.strip()
    return True, None


def field_value(group: Group, name: str) -> str | list[str] | None:
    """The value that makes a registry field known, as the config gives it."""
    if name == "leads":
        return list(group.leads) or ([group.team] if group.team else [])
    if name == "channels":
        ch = group.channels
        return [c for c in (ch.slack, ch.mailing_list, *ch.other) if c]
    if name == "cadence":
        if group.cadence:
            return group.cadence
        return "schedule" if group.schedule is not None else None
    if name == "schedule":
        return "schedule" if group.schedule is not None else None
    if name in ("contacts", "related"):
        return list(getattr(group, name))
    value = getattr(group, name)
    return None if value is None else str(value)


def missing_fields(
    group: Group, required: Sequence[str], placeholders: Sequence[str]
) -> tuple[list[str], dict[str, str]]:
    """The required fields whose value is not known, and placeholders found among them."""
    missing: list[str] = []
    found: dict[str, str] = {}
    for name in required:
        value = field_value(group, name)
        values = value if isinstance(value, list) else [value]
        verdicts = [_known(v, placeholders) for v in values]
        if not any(known for known, _ in verdicts):
            missing.append(name)
            given = next((p for _, p in verdicts if p), None)
            if given:
                found[name] = given
    return missing, found


def notes_url(
    config: RegistryConfig,
    path: str,
    repo: str | None = None,
    *,
    web_url: str = "https://github.com",
) -> str:
    """The folder's page, on the web host matching the API (the door gives `web_url`)."""
    base = f"{web_url.rstrip('/')}/{repo or config.repo}"
    return f"{base}/tree/{config.community.default_branch}/{path.strip('/')}"


def health_of(folder: NotesFolder, today: date, months: int) -> GroupHealth:
    """The group's verdict from its folder (the one function the digest and directory use)."""
    other = None
    if folder.files and not folder.dated() and folder.last_commit is not None:
        other = (folder.last_commit.astimezone(UTC).date(), "latest commit touching the folder")
    return group_health(folder.notes(), today, months, other_evidence=other)


def last_met(folder: NotesFolder, today: date) -> tuple[date | None, str | None]:
    """The newest held meeting on or before `today` (untouched notes are planned, not held)."""
    verdict = health_of(folder, today, 10**4)
    return verdict.last_met, verdict.source


def moved_notes(group: Group, folder: NotesFolder, zone: str) -> list[tuple[str, str]]:
    """(file, why) for notes the bot made, that people then edited, of dates the group's
    schedule no longer holds (the meeting moved or was cancelled after they were made)."""
    schedule = group.schedule
    dated = [
        (d, name)
        for d, name in folder.dated()
        if name in folder.generated and name not in folder.untouched
    ]
    if schedule is None or not dated:
        return []
    try:
        slots = expand(schedule, zone, dated[0][0], dated[-1][0])
    except (ScheduleError, ValueError):
        return []
    held = {s.date for s in slots if s.held}
    out = []
    for day, name in dated:
        if day in held:
            continue
        why = "no longer in the schedule"
        for s in slots:
            if s.original == day and s.held:
                why = f"moved to {s.date}"
            elif s.date == day and not s.held:
                why = "cancelled"
        out.append((name, why))
    return out


def _check_meetings(
    audit: GroupAudit,
    group: Group,
    folder: NotesFolder,
    today: date,
    months: int,
    zone: str = "Europe/London",
) -> None:
    audit.notes_checked = True
    verdict = health_of(folder, today, months)
    met = verdict.last_met
    audit.last_met, audit.last_met_source = met, verdict.source
    audit.health = verdict.health
    implicit = group.notes_path is None
    where = f"{folder.path}/" + (" (the default folder)" if implicit else "")
    for name, why in moved_notes(group, folder, zone):
        audit.remarks.append(
            f"{folder.path}/{name} was edited but the meeting {why}: the meetings job leaves it "
            "as it is; decide whether to keep it"
        )
    if verdict.health == "unknown":
        if group.status == "active":
            if not folder.exists:
                why = f"no notes folder {where}"
            elif any(n.held for n in folder.notes()):
                why = f"only notes of future meetings in {where}"
            elif folder.dated():
                why = f"in {where} {verdict.reason}"
            else:
                why = f"no dated notes in {where}"
            audit.problems.append(f"{why}: when it last met is unknown")
        return
    if implicit and met is not None:
        audit.remarks.append(f"notes found in the default folder {folder.path}/; set notes_path")
    if group.status == "active" and verdict.health == "dormant":
        if met is not None:
            audit.problems.append(
                f"has not met since {met.isoformat()}, over {months} months ago: defunct under "
                "the terms of reference (mark it dormant or closed, or add its latest notes)"
            )
        else:
            audit.problems.append(
                f"{verdict.reason} for over {months} months: defunct under the terms of "
                "reference (mark it dormant or closed, or fill in its notes)"
            )
    elif group.status == "dormant" and verdict.health == "active" and met is not None:
        audit.problems.append(
            f"marked dormant but met on {met.isoformat()}: set its status to active"
        )


def _channels(group: Group) -> dict[str, str]:
    """Normalised channel → how to show it."""
    out: dict[str, str] = {}
    ch = group.channels
    if ch.slack:
        out["slack:" + ch.slack.strip().lstrip("#").lower()] = ch.slack.strip()
    if ch.mailing_list:
        out["list:" + ch.mailing_list.strip().lower()] = ch.mailing_list.strip()
    for other in ch.other:
        out["other:" + other.strip().rstrip("/").lower()] = other.strip()
    return out


def find_overlaps(groups: Sequence[Group], threshold: float) -> list[Overlap]:
    """Pairs of groups that look like the same group: similar names or aims, shared channels."""
    live = [g for g in groups if g.status != "closed"]
    order = {g.slug: i for i, g in enumerate(live)}
    by_slug = {g.slug: g for g in live}
    reasons: dict[tuple[str, str], dict[str, float]] = {}

    def pair(a: str, b: str) -> tuple[str, str]:
        return (a, b) if order[a] < order[b] else (b, a)

    def related(a: str, b: str) -> bool:
        return b in by_slug[a].related or a in by_slug[b].related

    for attribute, what in (("name", "similar names"), ("aim", "similar aims")):
        pool = [
            Candidate(key=g.slug, title=g.name, text=getattr(g, attribute))
            for g in live
            if getattr(g, attribute)
        ]
        for candidate in pool:
            others = [c for c in pool if c.key != candidate.key]
            for match in find_similar(
                candidate.text, others, threshold=threshold, limit=len(others) or 1
            ):
                key = pair(candidate.key, match.candidate.key)
                if related(*key):
                    continue
                found = reasons.setdefault(key, {})
                found[what] = max(found.get(what, 0.0), match.score)
    for i, a in enumerate(live):
        mine = _channels(a)
        for b in live[i + 1 :]:
            shared = set(mine) & set(_channels(b))
            if shared and not related(a.slug, b.slug):
                found = reasons.setdefault(pair(a.slug, b.slug), {})
                for channel in sorted(shared):
                    found[f"both use {mine[channel]}"] = 100.0
    overlaps = [
        Overlap(
            a,
            b,
            round(max(found.values()), 1),
            tuple(
                f"{what} ({score:.0f})" if not what.startswith("both use") else what
                for what, score in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
        )
        for (a, b), found in reasons.items()
    ]
    return sorted(overlaps, key=lambda o: (-o.score, order[o.a], order[o.b]))


def audit_registry(
    config: RegistryConfig,
    notes: Mapping[str, NotesFolder] | None,
    today: date,
    *,
    repo: str | None = None,
    web_url: str = "https://github.com",
) -> AuditReport:
    """Audit every group. `notes` maps a group's slug to its folder (None: not checked);
    links go to `web_url`, the web host matching the API URL."""
    registry = config.registry
    audits = []
    for group in config.groups:
        folder_path = group.notes_folder.rstrip("/")
        audit = GroupAudit(
            slug=group.slug,
            name=group.name,
            kind=group.kind,
            status=group.status,
            notes_folder=group.notes_path and folder_path,
            notes_url=(
                notes_url(config, folder_path, repo, web_url=web_url) if group.notes_path else None
            ),
        )
        audits.append(audit)
        if group.status == "closed":
            audit.remarks.append("closed: not checked")
            continue
        audit.missing, audit.placeholders = missing_fields(
            group, registry.required_for(group.kind), registry.placeholders
        )
        if notes is not None and group.slug in notes and group.status != "proposed":
            _check_meetings(
                audit,
                group,
                notes[group.slug],
                today,
                registry.dormant_months,
                config.timezone_for(group),
            )
    return AuditReport(
        repo=repo or config.repo,
        today=today,
        dormant_months=registry.dormant_months,
        duplicate_threshold=registry.duplicate_threshold,
        groups=audits,
        overlaps=find_overlaps(config.groups, registry.duplicate_threshold),
    )


# -- rendering ------------------------------------------------------------------------------------


def render_markdown(report: AuditReport, config: RegistryConfig, *, for_issue: bool = False) -> str:
    """The report as Markdown. For the tracking issue it leaves out the run date, so the issue is
    edited only when the findings change."""
    names = {g.slug: g.name for g in config.groups}
    lines = [] if for_issue else [f"# {config.registry.tracking_issue_title}", ""]
    if not for_issue:
        lines += [f"{report.repo}, {report.today.isoformat()}.", ""]
    failing = [g for g in report.groups if not g.ok]
    if report.ok:
        lines.append(f"All {len(report.groups)} groups pass the registry audit.")
    else:
        lines.append(
            f"{len(failing)} of {len(report.groups)} groups need attention"
            + (f"; {len(report.overlaps)} possible duplicate(s)." if report.overlaps else ".")
        )
    lines += [
        "",
        "Where a fact is not known it is listed here, never filled in: the group's leads can add "
        "it to the config.",
        "",
        "| Group | Status | Missing | Last met |",
        "|---|---|---|---|",
    ]
    for g in report.groups:
        missing = ", ".join(
            FIELD_LABELS[m] + (f" ({g.placeholders[m]!r})" if m in g.placeholders else "")
            for m in g.missing
        )
        if not g.notes_checked:
            met = "not checked"
        elif g.last_met:
            met = g.last_met.isoformat()
        else:
            met = "unknown"
        lines.append(f"| {g.name} | {g.verdict} | {missing or '—'} | {met} |")
    problems = [(g, p) for g in report.groups for p in g.problems]
    if problems:
        lines += ["", "## Problems", ""]
        lines += [f"- **{g.name}**: {p}" for g, p in problems]
    if report.overlaps:
        lines += ["", "## Possible duplicates", ""]
        for o in report.overlaps:
            lines.append(
                f"- **{names.get(o.a, o.a)}** and **{names.get(o.b, o.b)}**: score {o.score:.0f} "
                f"({'; '.join(o.reasons)}). If they are meant to differ, list each other under "
                "`related`."
            )
    remarks = [(g, r) for g in report.groups for r in g.remarks]
    if remarks:
        lines += ["", "## Notes", ""]
        lines += [f"- {g.name}: {r}" for g, r in remarks]
    lines += [
        "",
        f"A group is defunct when it has not met for {report.dormant_months} months; duplicates "
        f"are reported from a similarity of {report.duplicate_threshold:.0f}.",
    ]
    return "\n".join(lines) + "\n"


# -- the tracking issue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackingIssue:
    number: int
    state: str  # "open" | "closed"


def plan_publish(
    report: AuditReport,
    config: RegistryConfig,
    tracking: TrackingIssue | None,
    *,
    repo: str | None = None,
) -> Plan:
    """Keep the one tracking issue: open (or reopened) and updated while anything fails,
    closed with a short comment once everything passes."""
    repo = repo or config.repo
    registry = config.registry
    body = render_markdown(report, config, for_issue=True)
    plan = Plan()
    if not report.ok:
        plan.add(
            CreateIssue(
                repo=repo,
                title=registry.tracking_issue_title,
                body=body,
                key=TRACKING_KEY,
                labels=list(registry.tracking_issue_labels),
                reopen=True,
            )
        )
        return plan
    if tracking is None or tracking.state != "open":
        plan.note("every group passes; no open tracking issue to close")
        return plan
    plan.add(
        CreateIssue(repo=repo, title=registry.tracking_issue_title, body=body, key=TRACKING_KEY),
        Comment(
            repo=repo,
            issue=tracking.number,
            key=f"{TRACKING_KEY}-passed-{report.today.isoformat()}",
            body=(
                "Every group now passes the registry audit, so this issue is closed. "
                "It will be reopened if anything needs attention again."
            ),
        ),
        CloseIssue(repo=repo, issue=tracking.number, reason="completed"),
    )
    return plan
