from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ghcommunity.core.labelling import reconcile_labels


def owns(name: str) -> bool:
    return name.startswith(("group: ", "ddat"))


def test_changed_answer_replaces_its_label_and_keeps_peoples_labels() -> None:
    add, remove = reconcile_labels(
        current=["group: lean-coffee", "good first issue", "group: open-source"],
        wanted=["group: sustainable-software"],
        previously_wanted=["group: lean-coffee"],
        owns=owns,
    )
    assert add == ["group: sustainable-software"]
    # "group: open-source" was added by a person (no earlier answer explains it): it stays.
    assert remove == ["group: lean-coffee"]


def test_labels_outside_owned_namespaces_are_never_removed() -> None:
    add, remove = reconcile_labels(["bug"], [], ["bug"], owns)
    assert (add, remove) == ([], [])


def test_case_insensitive_like_github() -> None:
    add, remove = reconcile_labels(["Group: Lean-Coffee"], ["group: lean-coffee"], [], owns)
    assert (add, remove) == ([], [])


names = st.sampled_from(["group: a", "group: b", "ddat-role: x", "bug", "help wanted"])


@given(st.lists(names), st.lists(names), st.lists(names))
def test_never_removes_what_is_wanted_or_unowned(
    current: list[str], wanted: list[str], before: list[str]
) -> None:
    add, remove = reconcile_labels(current, wanted, before, owns)
    assert not set(remove) & set(wanted)
    assert all(owns(name) for name in remove)
    assert set(remove) <= set(current)
    assert set(add) == set(wanted) - set(current)
