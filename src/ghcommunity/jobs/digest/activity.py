"""The plain rows of repo activity: what `sync` stores and `metrics` reads.

Times are timezone-aware UTC datetimes. Logins are kept as GitHub spells them; comparisons
lower-case them. A deleted account is the login `ghost` with the type `Ghost`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

ItemKind = Literal["issue", "pull", "discussion"]
ContributionKind = Literal["comment", "review", "discussion_comment", "reply"]

GHOST = "ghost"


# Items, contributions and label events are read by the hundred thousand: plain slotted
# dataclasses build about five times faster than frozen ones. Treat them as read-only.
@dataclass(slots=True)
class Item:
    """An issue, a pull request or a discussion."""

    kind: ItemKind
    number: int
    title: str
    author: str
    author_type: str  # User, Bot, Ghost, Mannequin, Organization
    created_at: datetime
    url: str = ""
    closed_at: datetime | None = None
    merged_at: datetime | None = None
    labels: tuple[str, ...] = ()
    department: str | None = None  # the issue form's department answer, if any
    role: str | None = None  # the issue form's DDaT role answer, if any
    category: str | None = None  # discussions
    answered_at: datetime | None = None  # discussions: when an answer was chosen
    reactions: int = 0

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.number)


@dataclass(slots=True)
class Contribution:
    """A comment, a review, a discussion comment or a reply, on one item."""

    id: str
    kind: ContributionKind
    item_kind: ItemKind
    item_number: int
    author: str
    author_type: str
    created_at: datetime
    reactions: int = 0

    @property
    def item_key(self) -> tuple[str, int]:
        return (self.item_kind, self.item_number)


@dataclass(slots=True)
class LabelEvent:
    id: str
    item_kind: ItemKind
    item_number: int
    label: str
    action: Literal["labeled", "unlabeled"]
    actor: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Person:
    login: str
    type: str = "User"
    company: str | None = None


@dataclass(frozen=True, slots=True)
class NoteFile:
    """A meeting-notes file in a group's notes folder; its meeting date comes from its name."""

    folder: str
    path: str
    meeting_date: date | None
    held: bool | None = None  # core.held: people used the notes (None: text not read)
    attendees: tuple[str, ...] = ()  # keys of the people the notes record (core.held.attendees)


@dataclass(frozen=True, slots=True)
class NoteCommit:
    folder: str
    oid: str
    committed_at: datetime
    author: str | None = None


@dataclass(frozen=True, slots=True)
class CountSample:
    """A figure read at one moment, such as the organisation's member count."""

    metric: str
    at: datetime
    value: int


@dataclass
class Activity:
    """Everything the digest of one month needs, read from the store in one go."""

    repo: str
    items: list[Item] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    label_events: list[LabelEvent] = field(default_factory=list)
    # Label events after the window's end on its issues and pull requests: what undoes the
    # label changes made since, to read each item's labels as they were at the end
    # (`metrics.labels_at_end`). Discussions have no label events on GitHub.
    later_label_events: list[LabelEvent] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)  # login (lower) → person
    first_seen: dict[str, datetime] = field(default_factory=dict)  # login (lower) → first
    form_departments: dict[str, str] = field(default_factory=dict)  # login (lower) → answer
    # login (lower) → [(first seen, profile company)], oldest first: the company in force
    companies: dict[str, list[tuple[datetime, str]]] = field(default_factory=dict)
    notes: list[NoteFile] = field(default_factory=list)
    note_commits: list[NoteCommit] = field(default_factory=list)
    counts: list[CountSample] = field(default_factory=list)
    synced_at: datetime | None = None


def first_seen_of(items: list[Item], contributions: list[Contribution]) -> dict[str, datetime]:
    """Each login's first contribution of any kind (the reference the store's query matches)."""
    first: dict[str, datetime] = {}
    for login, at in [(i.author, i.created_at) for i in items] + [
        (c.author, c.created_at) for c in contributions
    ]:
        key = login.lower()
        if key not in first or at < first[key]:
            first[key] = at
    return first
