"""Held versus planned: whether a meeting happened, decided from its notes file alone.

The meetings job prepares each meeting's notes file ahead of time, so a dated file proves only
that a meeting was *planned*. The bot therefore stamps every notes file it writes with a hidden
marker holding a hash of the text it generated::

    <!-- ghcommunity:generated sha256=… -->

and a meeting counts as **held** when its notes show that people used them:

- the file has no marker (a person wrote it, or it predates the bot): held;
- the file has the marker and its text (without the marker line) no longer hashes to the value
  recorded: people edited it, so held;
- the file has the marker and the hash still matches: **untouched** — planned, not held.

Line endings and trailing spaces are ignored when hashing, so an editor that adds a final newline
or converts to CRLF does not make an untouched file count as held.

`group_health` turns a group's dated notes into one verdict — active, dormant or unknown — used
by the registry audit ("last met"), the directory (status) and the digest (group table,
dormancy), so the three always agree. No schedule and no notes is "unknown", never "dormant".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from dateutil.relativedelta import relativedelta

MARKER_NAME = "ghcommunity:generated"
_MARKER = re.compile(
    r"^[ \t]*<!--[ \t]*ghcommunity:generated[ \t]+sha256=([0-9a-f]{64})[ \t]*-->[ \t]*$"
)

NotesState = Literal["held", "untouched"]
Health = Literal["active", "dormant", "unknown"]


def _canonical(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = [line.rstrip() for line in lines if not _MARKER.match(line)]
    return "\n".join(kept).strip("\n")


def content_hash(text: str) -> str:
    """The hash recorded in the marker: of the text without any marker line, normalised."""
    return hashlib.sha256(_canonical(text).encode("utf-8")).hexdigest()


def stamp(text: str) -> str:
    """The generated text with its marker as the last line (replacing any marker it had)."""
    body = "\n".join(
        line for line in text.replace("\r\n", "\n").split("\n") if not _MARKER.match(line)
    ).rstrip("\n")
    return f"{body}\n\n<!-- {MARKER_NAME} sha256={content_hash(body)} -->\n"


def recorded_hash(text: str) -> str | None:
    """The hash in the file's marker, or None when it has none (the last marker wins)."""
    found = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _MARKER.match(line)
        if match:
            found = match.group(1)
    return found


def notes_state(text: str) -> NotesState:
    """ "held" when people wrote or edited the notes; "untouched" when it is what the bot made."""
    recorded = recorded_hash(text)
    if recorded is None:
        return "held"
    return "untouched" if recorded == content_hash(text) else "held"


def is_untouched(text: str | None) -> bool:
    """Whether a file is the bot's own, exactly as generated (so the bot may change it)."""
    return text is not None and notes_state(text) == "untouched"


@dataclass(frozen=True)
class DatedNotes:
    """One dated notes file of a group, and whether it shows the meeting was held."""

    day: date
    held: bool
    name: str = ""  # the file name (or path) for messages


@dataclass(frozen=True)
class GroupHealth:
    health: Health
    last_met: date | None  # the newest held meeting on or before the day
    source: str | None  # the file (or "latest commit …") last_met comes from
    reason: str  # one sentence, for reports

    @property
    def dormant(self) -> bool:
        return self.health == "dormant"


def group_health(
    notes: Iterable[DatedNotes],
    today: date,
    dormant_months: int,
    *,
    other_evidence: tuple[date, str] | None = None,
) -> GroupHealth:
    """Whether a group is active, dormant or unknown on `today`, from its notes.

    - the newest held meeting is within `dormant_months`: active;
    - it is older: dormant ("has not met since …");
    - no held meeting, but the bot prepared notes for meetings over more than `dormant_months`
      and people left every one of them untouched: dormant (planned meetings with no record);
    - otherwise: unknown (nothing either way — say so, never call it defunct).

    `other_evidence` is a held date from elsewhere (e.g. the latest commit to a folder whose
    files are not dated), used only when no dated notes are held.
    """
    cutoff = today - relativedelta(months=dormant_months)
    past = sorted((n for n in notes if n.day <= today), key=lambda n: (n.day, n.name))
    held = [n for n in past if n.held]
    if held:
        last = held[-1]
        if last.day >= cutoff:
            return GroupHealth("active", last.day, last.name, f"last met on {last.day}")
        return GroupHealth(
            "dormant",
            last.day,
            last.name,
            f"has not met since {last.day}, over {dormant_months} months ago",
        )
    if other_evidence is not None:
        day, source = other_evidence
        health: Health = "active" if day >= cutoff else "dormant"
        return GroupHealth(health, day, source, f"last activity on {day} ({source})")
    planned = [n for n in past if not n.held]
    if planned and planned[0].day < cutoff:
        return GroupHealth(
            "dormant",
            None,
            None,
            f"notes were prepared for {len(planned)} meeting(s) since {planned[0].day} and "
            "none was used: no meeting is recorded",
        )
    if planned:
        return GroupHealth(
            "unknown",
            None,
            None,
            f"the notes prepared for {len(planned)} meeting(s) are untouched: no meeting is "
            "recorded yet",
        )
    return GroupHealth("unknown", None, None, "no notes")


# -- attendance recorded in notes ----------------------------------------------------------------

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ATTENDANCE = re.compile(r"\b(attendees|attendance|attending|present|who came)\b", re.I)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_LOGIN = re.compile(r"^@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\b")


def attendees(text: str) -> list[str]:
    """Who the notes record as attending: the list items under an "Attendees" (or
    "Attendance", "Present") heading, each as a key — `@login` (lower case) for a GitHub login,
    else `name:` and a hash of the name as written (case and spaces ignored), so the store keeps
    no names and nothing is inferred about anyone. Empty placeholders are skipped."""
    found: list[str] = []
    inside = False
    level = 0
    for line in text.replace("\r\n", "\n").split("\n"):
        heading = _HEADING.match(line)
        if heading:
            depth = len(heading.group(1))
            if inside and depth <= level:
                inside = False
            if not inside and _ATTENDANCE.search(heading.group(2)):
                inside, level = True, depth
            continue
        if not inside:
            continue
        item = _BULLET.match(line)
        if not item:
            continue
        entry = item.group(1).strip().strip("*_").strip()
        if not entry or entry in ("-", "…", "...") or entry.startswith("<!--"):
            continue
        login = _LOGIN.match(entry)
        if login:
            key = "@" + login.group(1).lower()
        else:
            name = " ".join(re.split(r"[(,\-–—]", entry, maxsplit=1)[0].split()).casefold()
            if not name:
                continue
            key = "name:" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
        if key not in found:
            found.append(key)
    return found
