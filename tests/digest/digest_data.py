"""A small crafted community for the digest's tests: October 2026, worked out by hand.

Everything the metrics tests assert is derived in the comments here, so a failing figure can be
checked against this file alone. The month is 2026-10 in Europe/London: British Summer Time
until 25 October, so the month runs from 2026-09-30T23:00Z to 2026-11-01T00:00Z.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from ghcommunity.jobs.digest.activity import (
    Activity,
    Contribution,
    CountSample,
    Item,
    LabelEvent,
    NoteCommit,
    NoteFile,
    Person,
    first_seen_of,
)
from ghcommunity.jobs.digest.metrics import DigestSettings, GroupSpec, ObjectiveSpec, compute

REPO = "uk-x-gov-software-community/community-space"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def item(kind: str, number: int, author: str, created: str, **extra: object) -> Item:
    author_type = extra.pop("author_type", None) or (
        "Bot" if author.endswith("[bot]") else "Ghost" if author == "ghost" else "User"
    )
    for name in ("closed_at", "merged_at", "answered_at"):
        if isinstance(extra.get(name), str):
            extra[name] = at(str(extra[name]))
    return Item(
        kind=kind,  # type: ignore[arg-type]
        number=number,
        title=str(extra.pop("title", f"{kind} {number}")),
        url=f"https://github.com/{REPO}/issues/{number}",
        author=author,
        author_type=str(author_type),
        created_at=at(created),
        **extra,  # type: ignore[arg-type]
    )


_ids = iter(range(1, 10_000))


def comment(
    target: Item, author: str, created: str, kind: str = "comment", reactions: int = 0
) -> Contribution:
    author_type = "Bot" if author.endswith("[bot]") else "Ghost" if author == "ghost" else "User"
    return Contribution(
        id=f"C{next(_ids)}",
        kind=kind,  # type: ignore[arg-type]
        item_kind=target.kind,
        item_number=target.number,
        author=author,
        author_type=author_type,
        created_at=at(created),
        reactions=reactions,
    )


# Items --------------------------------------------------------------------------------------
I1 = item("issue", 1, "alice", "2026-10-01T09:00", closed_at="2026-11-03T10:00",
          labels=("group: open-source",), reactions=2)  # fmt: skip
I2 = item("issue", 2, "bob", "2026-09-20T10:00", closed_at="2026-10-05T10:00")
P3 = item("pull", 3, "carol", "2026-10-02T08:00", closed_at="2026-10-03T08:00",
          merged_at="2026-10-03T08:00")  # fmt: skip
D4 = item("discussion", 4, "dave", "2026-10-10T12:00", category="Q&A")
I5 = item("issue", 5, "ghost", "2026-10-15T00:00", title="From a deleted account")
I6 = item("issue", 6, "erin", "2026-06-01T00:00", title="Old | unanswered")
I7 = item("issue", 7, "frank", "2026-10-28T12:00", labels=("ddat-feedback",),
          role="Software developer")  # fmt: skip
I8 = item("issue", 8, "dependabot[bot]", "2026-10-20T00:00")
I9 = item("issue", 9, "alice", "2025-12-01T10:00", closed_at="2026-01-05T10:00")
I10 = item("issue", 10, "carol", "2026-10-05T12:00",
           labels=("ddat-feedback", "ddat: role: Frontend developer"))  # fmt: skip
ITEMS = [I1, I2, P3, D4, I5, I6, I7, I8, I9, I10]

CONTRIBUTIONS = [
    comment(I1, "alice", "2026-10-01T10:00"),  # the author replying to herself: no response
    comment(I1, "dependabot[bot]", "2026-10-01T10:30"),  # a bot: no response
    comment(I1, "bob", "2026-10-01T12:00", reactions=1),  # first response: 3 hours
    comment(I2, "carol", "2026-09-21T10:00"),  # carol's first contribution: September
    comment(P3, "alice", "2026-10-02T10:00", kind="review"),  # first response: 2 hours
    comment(D4, "gina", "2026-10-11T12:00", kind="discussion_comment"),  # 24 h; gina is new
    comment(D4, "dave", "2026-10-11T13:00", kind="reply"),
    comment(I5, "ghost", "2026-10-15T01:00"),  # ghost to ghost: not a response
    comment(I10, "alice", "2026-10-05T13:00"),  # first response: 1 hour
]

LABEL_EVENTS = [
    LabelEvent(
        "L1", "issue", 6, "needs-info", "labeled", "ghcommunity[bot]", at("2026-10-20T09:00")
    ),
]

PEOPLE = {
    "alice": Person("alice", "User", "HMRC"),
    "bob": Person("bob", "User", "H.M. Revenue & Customs"),
    "carol": Person("carol", "User", "Department for Work and Pensions"),
    "dave": Person("dave", "User", None),
    "erin": Person("erin", "User", "Acme Ltd"),
    "frank": Person("frank", "User", None),
    "gina": Person("gina", "User", None),
    "dependabot[bot]": Person("dependabot[bot]", "Bot", None),
}

NOTES = [
    NoteFile("special-interest-meetings/open-source", "special-interest-meetings/open-source/2026-09-11.md", date(2026, 9, 11)),
    NoteFile("special-interest-meetings/open-source", "special-interest-meetings/open-source/2026-10-09.md", date(2026, 10, 9)),
    NoteFile("special-interest-meetings/open-source", "special-interest-meetings/open-source/2026-11-13.md", date(2026, 11, 13)),
    NoteFile("lean-coffees", "lean-coffees/2026-03-26.md", date(2026, 3, 26)),
    NoteFile("lean-coffees", "lean-coffees/README.md", None),
]  # fmt: skip
NOTE_COMMITS = [
    NoteCommit("special-interest-meetings/open-source", "a" * 40, at("2026-10-09T15:00"), "alice"),
    NoteCommit("lean-coffees", "b" * 40, at("2026-03-27T15:00"), "bob"),
]
COUNTS = [
    CountSample("org_members", at("2026-09-15T00:00"), 800),
    CountSample("org_members", at("2026-10-20T00:00"), 850),
    CountSample("org_members", at("2026-11-05T00:00"), 900),
]

GROUPS = (
    GroupSpec("open-source", "Open Source", "group: open-source", "special-interest-meetings/open-source"),
    GroupSpec("lean-coffee", "Lean Coffee", "group: lean-coffee", "lean-coffees"),
    GroupSpec("sustainable-software", "Sustainable Software", "group: sustainable-software",
              "special-interest-meetings/sustainable-software"),
    GroupSpec("proposed-one", "A proposed group", "group: proposed-one",
              "special-interest-meetings/proposed-one", status="proposed"),
)  # fmt: skip

OBJECTIVES = (
    ObjectiveSpec("members", "Grow to 1,000 members", "org_members", 1000, date(2026, 10, 31)),
    ObjectiveSpec(
        "departments",
        "30 departments",
        "departments",
        30,
        date(2027, 3, 31),
        baseline=1,
        baseline_date=date(2026, 1, 1),
    ),
    ObjectiveSpec("new", "Three new people a month", "new_participants", 3, period="month"),
    ObjectiveSpec("groups", "Two groups meeting", "groups_active", 2),
)

SETTINGS = DigestSettings(
    community="Test community",
    timezone="Europe/London",
    bots=frozenset({"ghcommunity[bot]"}),
    departments={
        "HM Revenue and Customs": ("HMRC",),
        "Department for Work and Pensions": ("DWP",),
        "Cabinet Office": ("CO",),
    },
    members={"frank": "Cabinet Office"},
    groups=GROUPS,
    unanswered_days=7,
    dormant_months=6,
    objectives=OBJECTIVES,
)


def activity(**changes: object) -> Activity:
    items = list(changes.pop("items", ITEMS))  # type: ignore[call-overload]
    contributions = list(changes.pop("contributions", CONTRIBUTIONS))  # type: ignore[call-overload]
    data = Activity(
        repo=REPO,
        items=items,
        contributions=contributions,
        label_events=list(LABEL_EVENTS),
        people=dict(PEOPLE),
        first_seen=first_seen_of(items, contributions),
        form_departments={"dave": "DWP"},
        notes=list(NOTES),
        note_commits=list(NOTE_COMMITS),
        counts=list(COUNTS),
        synced_at=at("2026-11-02T08:00"),
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def computed(data: Activity, settings: DigestSettings, month: str) -> dict[str, Any]:
    """A month's figures as the JSON output has them (`Figures.model_dump(mode="json")`): what
    the tests of the figures' values compare."""
    return compute(data, settings, month).model_dump(mode="json")
