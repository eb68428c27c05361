"""The store: what goes in comes back, the month's window selects the right rows, and the
figures computed from the store equal the figures computed from the same rows directly."""

from __future__ import annotations

import dataclasses

import digest_data as crafted
import pytest
from digest_data import D4, at, comment, computed, item

from ghcommunity.core.errors import InputError
from ghcommunity.jobs.digest.activity import first_seen_of
from ghcommunity.jobs.digest.metrics import window
from ghcommunity.jobs.digest.store import Page, Store, SyncState, to_text

OLD = item("issue", 90, "gina", "2024-01-01T10:00", closed_at="2024-02-01T10:00")


def fill(store: Store, items: list, contributions: list) -> None:
    page = Page(
        items=[(i, to_text(i.closed_at or i.created_at) or "") for i in items],
        contributions=contributions,
        label_events=[
            e
            for e in crafted.LABEL_EVENTS
            if (e.item_kind, e.item_number) in {i.key for i in items}
        ],
        people=list(crafted.PEOPLE.values()),
    )
    store.save_page(crafted.REPO, "issues", page, SyncState(watermark="2026-11-02T00:00:00Z"))
    folders: dict[str, list] = {}
    for note in crafted.NOTES:
        folders.setdefault(note.folder, []).append(note)
    for folder, files in folders.items():
        commits = [c for c in crafted.NOTE_COMMITS if c.folder == folder]
        store.save_notes(crafted.REPO, folder, files, commits)
    owner = crafted.REPO.split("/")[0]
    for sample in crafted.COUNTS:
        store.record_count(owner, sample.metric, sample.at, sample.value)


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(f"sqlite:///{tmp_path}/nested/folder/store.sqlite")
    yield s
    s.close()


def items_with_form_answer() -> list:
    # The store keeps a person's form answer on their item; the crafted data passes it apart.
    return [dataclasses.replace(D4, department="DWP") if i is D4 else i for i in crafted.ITEMS]


def test_the_store_creates_its_folder(tmp_path, store):
    assert (tmp_path / "nested" / "folder" / "store.sqlite").is_file()


def test_figures_from_the_store_equal_figures_from_the_rows(store):
    items = items_with_form_answer()
    fill(store, items, crafted.CONTRIBUTIONS)
    start, end = window("2026-10", crafted.SETTINGS)
    stored = store.activity(crafted.REPO, start, end)
    direct = crafted.activity(items=items)
    expected = computed(direct, crafted.SETTINGS, "2026-10")
    got = computed(stored, crafted.SETTINGS, "2026-10")
    expected.pop("synced_at"), got.pop("synced_at")
    assert got == expected


def test_first_contributions_come_from_the_whole_history(store):
    items = [*items_with_form_answer(), OLD]
    fill(store, items, crafted.CONTRIBUTIONS)
    start, end = window("2026-10", crafted.SETTINGS)
    stored = store.activity(crafted.REPO, start, end)
    assert OLD.key not in {i.key for i in stored.items}  # closed long before the window
    assert stored.first_seen == first_seen_of(items, crafted.CONTRIBUTIONS)
    assert stored.first_seen["gina"] == at("2024-01-01T10:00")
    figures = computed(stored, crafted.SETTINGS, "2026-10")
    assert figures["participants"]["new"] == 2  # gina took part in 2024: not new


def test_the_window_keeps_old_open_items_and_their_earlier_comments(store):
    old_open = item("issue", 91, "hal", "2024-05-01T10:00")
    answered = comment(old_open, "alice", "2024-05-02T10:00")
    fill(store, [old_open], [answered])
    start, end = window("2026-10", crafted.SETTINGS)
    stored = store.activity(crafted.REPO, start, end)
    assert [i.number for i in stored.items] == [91]
    assert [c.id for c in stored.contributions] == [answered.id]
    figures = computed(stored, crafted.SETTINGS, "2026-10")
    assert figures["unanswered"]["count"] == 0  # it was answered in 2024
    assert figures["items"]["still_open"]["issue"] == 1


def test_a_closed_item_commented_on_in_the_window_is_loaded(store):
    closed = item("issue", 92, "hal", "2024-05-01T10:00", closed_at="2024-06-01T10:00")
    late = comment(closed, "bob", "2026-10-03T10:00")
    fill(store, [closed], [late])
    start, end = window("2026-10", crafted.SETTINGS)
    stored = store.activity(crafted.REPO, start, end)
    assert [i.number for i in stored.items] == [92]
    assert computed(stored, crafted.SETTINGS, "2026-10")["items"]["active"]["issue"] == 1


def test_a_page_replaces_an_items_comments(store):
    target = item("issue", 93, "hal", "2026-10-01T10:00")
    first, second = comment(target, "bob", "2026-10-02T10:00"), comment(target, "amy", "2026-10-03T10:00")  # fmt: skip
    state = SyncState()
    store.save_page(crafted.REPO, "issues", Page([(target, "2026-10-03T10:00:00Z")], [first, second], [], []), state)  # fmt: skip
    # the second comment was deleted on GitHub; the next sync of the issue brings only the first
    store.save_page(crafted.REPO, "issues", Page([(target, "2026-10-04T10:00:00Z")], [first], [], []), state)  # fmt: skip
    start, end = window("2026-10", crafted.SETTINGS)
    assert [c.id for c in store.activity(crafted.REPO, start, end).contributions] == [first.id]
    assert store.item_count(crafted.REPO) == {"issue": 1}


def test_sync_state_round_trip(store):
    assert store.state(crafted.REPO, "issues") == SyncState()
    state = SyncState("2026-10-01T00:00:00Z", "2026-10-05T00:00:00Z", "Y3Vyc29y", None)
    store.save_state(crafted.REPO.upper(), "issues", state)
    assert store.state(crafted.REPO, "issues") == state
    assert store.states(crafted.REPO) == {"issues": state}
    store.forget(crafted.REPO)
    assert store.state(crafted.REPO, "issues") == SyncState()


def test_notes_files_are_replaced_per_folder(store):
    fill(store, [], [])
    assert len(store.notes(crafted.REPO)) == len(crafted.NOTES)
    assert [c.oid for c in store.note_commits(crafted.REPO)] == ["b" * 40, "a" * 40]
    store.save_notes(crafted.REPO, "lean-coffees", [], [])
    assert {n.folder for n in store.notes(crafted.REPO)} == {
        "special-interest-meetings/open-source"
    }


def test_an_in_memory_store_works():
    memory = Store("sqlite://")
    assert memory.item_count("a/b") == {}


def test_a_bad_store_url_is_one_clear_line():
    with pytest.raises(InputError, match="not a database URL"):
        Store("not a url")
    with pytest.raises(InputError, match="--store"):
        Store("nosuchdialect://x")
