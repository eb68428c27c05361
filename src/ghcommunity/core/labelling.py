"""Deciding which labels to add and remove, without fighting people.

The rule shared by triage and DDaT labelling: add what the answers call for; remove a label only
when ghcommunity owns its namespace AND it came from an earlier answer that has changed. A label
a person added by hand is never removed, because no earlier answer explains it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def reconcile_labels(
    current: Iterable[str],
    wanted: Iterable[str],
    previously_wanted: Iterable[str],
    owns: Callable[[str], bool],
) -> tuple[list[str], list[str]]:
    """(to_add, to_remove) given the issue's labels now, what the answers call for now, and what
    the answers called for before the edit (e.g. parsed from the payload's `changes.body.from`)."""
    have = {name.lower(): name for name in current}
    want = list(dict.fromkeys(wanted))
    want_lower = {name.lower() for name in want}
    to_add = [name for name in want if name.lower() not in have]
    to_remove = []
    for name in dict.fromkeys(previously_wanted):
        lowered = name.lower()
        if lowered in have and lowered not in want_lower and owns(name):
            to_remove.append(have[lowered])
    return to_add, to_remove
