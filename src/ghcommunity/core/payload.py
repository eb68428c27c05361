"""Small accessors for webhook payloads read as plain dicts.

Payloads change shape over time and between events; a handler reads only the fields it uses,
through these, so a missing or odd field gives None instead of a crash.
"""

from __future__ import annotations

from typing import Any


def get(data: Any, *path: str | int, default: Any = None) -> Any:
    """data[path[0]][path[1]]..., or `default` when any step is missing or the wrong type."""
    current = data
    for step in path:
        if isinstance(step, int):
            if not isinstance(current, list) or not -len(current) <= step < len(current):
                return default
            current = current[step]
        else:
            if not isinstance(current, dict) or step not in current:
                return default
            current = current[step]
    return default if current is None else current


def text(data: Any, *path: str | int) -> str:
    value = get(data, *path)
    return value if isinstance(value, str) else ""


def integer(data: Any, *path: str | int) -> int | None:
    value = get(data, *path)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def login(data: Any, *path: str | int) -> str:
    """A user's login at `path` (an object with `login`), or ""."""
    return text(data, *path, "login")


def label_names(data: Any, *path: str | int) -> list[str]:
    labels = get(data, *path, default=[])
    if not isinstance(labels, list):
        return []
    names = []
    for label in labels:
        if isinstance(label, dict) and isinstance(label.get("name"), str):
            names.append(label["name"])
        elif isinstance(label, str):
            names.append(label)
    return names


def repo_full_name(payload: Any) -> str:
    return text(payload, "repository", "full_name")


def is_bot(user: Any) -> bool:
    """Bots by account type or by the `[bot]` suffix GitHub gives App accounts."""
    return get(user, "type") == "Bot" or text(user, "login").endswith("[bot]")
