"""A past month's figures read each item's labels as they were at the end of that month, not as
they are now: labels added after the month (by the bot's triage, say) do not count for it,
labels removed after it still do, and a role corrected after it is the role the month had.

The month is 2026-10 in Europe/London: it ends at 2026-11-01T00:00Z.
"""

from __future__ import annotations

import digest_data as crafted
import pytest
from digest_data import at, computed, item

from ghcommunity.jobs.digest.activity import Activity, LabelEvent, first_seen_of
from ghcommunity.jobs.digest.metrics import compute, labels_at_end, window
from ghcommunity.jobs.digest.store import Page, Store, SyncState, to_text

MONTH = "2026-10"
_ids = iter(range(1, 10_000))


def event(target, label: str, action: str, when: str) -> LabelEvent:
    return LabelEvent(
        f"LE{next(_ids)}",
        target.kind,
        target.number,
        label,
        action,
        "ghcommunity[bot]",
        at(when),  # type: ignore[arg-type]
    )


def month_of(items: list, later: list[LabelEvent]) -> dict:
    data = Activity(
        repo=crafted.REPO,
        items=items,
        later_label_events=later,
        first_seen=first_seen_of(items, []),
        synced_at=at("2026-11-20T08:00"),
    )
    return computed(data, crafted.SETTINGS, MONTH)


# -- DDaT feedback ----------------------------------------------------------------------------

# Opened in October; the bot's triage labelled it feedback on 16 November.
LATE = item("issue", 1, "alice", "2026-10-08T18:20", labels=("ddat-feedback", "needs-triage"))
LATE_EVENTS = [
    event(LATE, "ddat-feedback", "labeled", "2026-11-16T09:00"),
    event(LATE, "needs-triage", "labeled", "2026-11-16T09:00"),
]
# Opened and labelled feedback in October; a maintainer took the label off in November.
TAKEN_OFF = item("issue", 2, "bob", "2026-10-15T08:05", labels=())
TAKEN_OFF_EVENTS = [event(TAKEN_OFF, "ddat-feedback", "unlabeled", "2026-11-03T10:00")]


def test_feedback_labelled_after_the_month_does_not_count_for_it():
    ddat = month_of([LATE], LATE_EVENTS)["ddat"]
    assert (ddat["total"], ddat["no_role"], ddat["total_12_months"]) == (0, 0, 0)


def test_feedback_unlabelled_after_the_month_still_counts_for_it():
    ddat = month_of([TAKEN_OFF], TAKEN_OFF_EVENTS)["ddat"]
    assert (ddat["total"], ddat["no_role"], ddat["total_12_months"]) == (1, 1, 1)


def test_the_same_items_without_later_events_count_as_labelled_now():
    # What the store gives when nothing changed after the month: the labels as they are.
    ddat = month_of([LATE, TAKEN_OFF], [])["ddat"]
    assert (ddat["total"], ddat["total_12_months"]) == (1, 1)


def test_a_role_corrected_after_the_month_is_the_role_the_month_had():
    # Labelled "Software developer" in October; corrected to "Frontend developer" in November.
    # The digest is "as it stood at the end of the month": October keeps Software developer.
    corrected = item(
        "issue",
        3,
        "carol",
        "2026-10-20T10:00",
        labels=("ddat-feedback", "ddat: role: Frontend developer"),
    )
    later = [
        event(corrected, "ddat: role: Software developer", "unlabeled", "2026-11-05T09:00"),
        event(corrected, "ddat: role: Frontend developer", "labeled", "2026-11-05T09:00"),
    ]
    ddat = month_of([corrected], later)["ddat"]
    assert ddat["by_role"] == [{"role": "Software developer", "count": 1}]


def test_a_role_given_after_the_month_leaves_the_form_answer():
    # The bot labelled the role in November: at October's end only the form's answer was there.
    answered = item(
        "issue",
        4,
        "dave",
        "2026-10-20T10:00",
        labels=("ddat-feedback", "ddat: role: DevOps engineer"),
        role="Software developer",
    )
    unanswered = item(
        "issue", 5, "erin", "2026-10-21T10:00", labels=("ddat-feedback", "ddat: role: Tester")
    )
    later = [
        event(answered, "ddat: role: DevOps engineer", "labeled", "2026-11-16T09:00"),
        event(unanswered, "ddat: role: Tester", "labeled", "2026-11-16T09:00"),
    ]
    ddat = month_of([answered, unanswered], later)["ddat"]
    assert ddat["by_role"] == [{"role": "Software developer", "count": 1}]
    assert ddat["no_role"] == 1


# -- groups and the unanswered list ------------------------------------------------------------


def test_group_activity_reads_the_labels_at_the_end():
    late = item("issue", 6, "frank", "2026-10-10T10:00", labels=("group: open-source",))
    removed = item("issue", 7, "gina", "2026-10-11T10:00", labels=())
    later = [
        event(late, "group: open-source", "labeled", "2026-11-16T09:00"),
        event(removed, "group: lean-coffee", "unlabeled", "2026-11-02T09:00"),
    ]
    groups = {g["slug"]: g for g in month_of([late, removed], later)["groups"]}
    assert (groups["open-source"]["items_active"], groups["open-source"]["items_opened"]) == (0, 0)
    assert (groups["lean-coffee"]["items_active"], groups["lean-coffee"]["items_opened"]) == (1, 1)


def test_the_unanswered_list_shows_the_labels_at_the_end():
    waiting = item("issue", 8, "hana", "2026-10-02T10:00", labels=("question", "needs-triage"))
    later = [
        event(waiting, "needs-triage", "labeled", "2026-11-16T09:00"),
        event(waiting, "help wanted", "unlabeled", "2026-11-17T09:00"),
    ]
    entries = month_of([waiting], later)["unanswered"]["entries"]
    assert [e["labels"] for e in entries] == [["question", "help wanted"]]


# -- undoing the later events ------------------------------------------------------------------


def test_labels_at_end_undoes_later_changes():
    now = item("issue", 9, "ivan", "2026-10-02T10:00", labels=("b", "c", "Kept"))
    later = [
        # b: added, removed, added again after the end: not there at the end
        event(now, "b", "labeled", "2026-11-02T09:00"),
        event(now, "b", "unlabeled", "2026-11-03T09:00"),
        event(now, "b", "labeled", "2026-11-04T09:00"),
        # a: removed, added, removed: there at the end
        event(now, "a", "unlabeled", "2026-11-02T09:00"),
        event(now, "a", "labeled", "2026-11-03T09:00"),
        event(now, "a", "unlabeled", "2026-11-04T09:00"),
        # c: removed then added again: there at the end (and now), in its place
        event(now, "c", "unlabeled", "2026-11-05T09:00"),
        event(now, "c", "labeled", "2026-11-06T09:00"),
    ]
    # Given newest first, as a store might: the order does not matter.
    assert labels_at_end([now], list(reversed(later))) == {now.key: ("c", "Kept", "a")}
    # Names compare ignoring case, as GitHub's do.
    assert labels_at_end([now], [event(now, "kept", "labeled", "2026-11-02T09:00")]) == {
        now.key: ("b", "c")
    }
    # An item with no later events is left out: its labels are as now.
    assert labels_at_end([now], []) == {}


@pytest.mark.parametrize(
    ("has_now", "actions", "there"),
    [
        (True, ["labeled", "unlabeled", "labeled"], False),  # odd: the other way from now
        (True, ["unlabeled", "labeled"], True),  # even: as now
        (False, ["labeled", "unlabeled"], False),
        (False, ["unlabeled", "labeled", "unlabeled"], True),
    ],
)
def test_events_in_the_same_second_are_told_apart_by_their_count(has_now, actions, there):
    now = item("issue", 10, "jo", "2026-10-02T10:00", labels=("x",) if has_now else ())
    first, *rest = actions
    later = [event(now, "x", first, "2026-11-02T09:00:00")]
    # The first two in the same second (GitHub's times are to the second), in either order.
    later.insert(0, event(now, "x", rest[0], "2026-11-02T09:00:00"))
    later += [event(now, "x", action, "2026-11-03T09:00") for action in rest[1:]]
    assert ("x" in labels_at_end([now], later)[now.key]) is there


# -- the store gives what is needed ------------------------------------------------------------


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path}/store.sqlite")
    yield s
    s.close()


def test_the_store_reads_later_events_on_the_windows_items_only(store):
    old = item("issue", 11, "kim", "2024-01-01T10:00", closed_at="2024-02-01T10:00")
    inside = [LATE, TAKEN_OFF]
    events = [
        event(LATE, "question", "labeled", "2026-10-09T09:00"),  # in the window
        *LATE_EVENTS,
        *TAKEN_OFF_EVENTS,
        event(old, "wontfix", "labeled", "2026-11-20T09:00"),  # on an item out of the window
    ]
    page = Page(
        items=[(i, to_text(at("2026-11-16T09:00")) or "") for i in [*inside, old]],
        contributions=[],
        label_events=events,
        people=[],
    )
    store.save_page(crafted.REPO, "issues", page, SyncState(finished_at="2026-11-20T08:00:00Z"))
    start, end = window(MONTH, crafted.SETTINGS)
    activity = store.activity(crafted.REPO, start, end)
    assert [e.label for e in activity.label_events] == ["question"]
    assert sorted((e.item_number, e.label, e.action) for e in activity.later_label_events) == [
        (1, "ddat-feedback", "labeled"),
        (1, "needs-triage", "labeled"),
        (2, "ddat-feedback", "unlabeled"),
    ]
    assert labels_at_end(activity.items, activity.later_label_events) == {
        LATE.key: (),
        TAKEN_OFF.key: ("ddat-feedback",),
    }
    ddat = compute(activity, crafted.SETTINGS, MONTH).ddat
    assert (ddat.total, ddat.total_12_months) == (1, 1)  # #2 (as at the end), not #1
