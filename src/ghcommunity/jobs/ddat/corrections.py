"""People's corrections (`/ddat ...`), kept where the bot can find them again. Pure.

A correction is what someone allowed to run `/ddat` said an issue is about. It wins over what
the body says, and keeps winning when the body is edited later, until someone allowed corrects
it again. The bot keeps it in the only place it has: its own DDaT comment on the issue, as a
hidden line at the end:

    <!-- ghcommunity:ddat-set {"by": "helen", "values": {"role": ["Software developer"]}} -->

Anyone can write such a line in a comment of their own, so a value is believed only while its
label is on the issue: labels can only be set by people with triage access (or by the bot
carrying out a correction), so a forged line can never add anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ghcommunity.jobs.ddat.classify import Classification, DdatKit
from ghcommunity.jobs.ddat.form import LEVEL, ROLE, SKILLS, TYPE
from ghcommunity.jobs.ddat.labels import KINDS, Kind, Labeller

_LINE = re.compile(r"<!-- ghcommunity:ddat-set (\{.*?\}) -->")


@dataclass(frozen=True)
class Correction:
    by: str
    values: dict[str, list[str]] = field(default_factory=dict)  # kind → names; [] = cleared

    def __bool__(self) -> bool:
        return bool(self.values)

    def marker(self) -> str:
        data = json.dumps({"by": self.by, "values": self.values}, ensure_ascii=True)
        # Nothing inside may end the HTML comment.
        return (
            "<!-- ghcommunity:ddat-set "
            + data.replace("-", "\\u002d").replace(">", "\\u003e")
            + " -->"
        )

    def then(self, newer: Correction) -> Correction:
        """This correction, with a newer one's kinds replacing its own."""
        return Correction(newer.by or self.by, {**self.values, **newer.values})

    def describe(self) -> str:
        """'role **X**; skills **A**, **B**; level cleared'."""
        parts = []
        for kind in ("role", "level", "skill", "type"):
            if kind not in self.values:
                continue
            names = self.values[kind]
            what = {"skill": "skills", "type": "feedback type"}.get(kind, kind)
            if names:
                parts.append(f"{what} " + ", ".join(f"**{n}**" for n in names))
            else:
                parts.append(f"{what} cleared")
        return "; ".join(parts)


def parse(body: str | None) -> Correction | None:
    """The correction recorded in a comment body, if any (malformed lines are ignored)."""
    match = _LINE.search(body or "")
    if not match:
        return None
    try:
        data: Any = json.loads(match.group(1))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
        return None
    values: dict[str, list[str]] = {}
    for kind, names in data["values"].items():
        if kind in KINDS and isinstance(names, list):
            values[kind] = [str(n) for n in names if isinstance(n, str)]
    return Correction(str(data.get("by") or ""), values)


def trusted(correction: Correction | None, labels: Iterable[str], labeller: Labeller) -> Correction:
    """Only the values whose labels are on the issue (see the module docstring)."""
    if correction is None:
        return Correction("")
    have = {name.lower() for name in labels}
    values: dict[str, list[str]] = {}
    for kind, names in correction.values.items():
        kept = [n for n in names if labeller.for_value(_kind(kind), n).name.lower() in have]
        if kept or not names:
            values[kind] = kept
    return Correction(correction.by, values)


def stored(comments: Mapping[str, Any] | None, keys: Iterable[str]) -> Correction | None:
    """The correction in the bot's DDaT comment (the first key that has one)."""
    for key in keys:
        comment = (comments or {}).get(key)
        found = parse(getattr(comment, "body", None))
        if found is not None:
            return found
    return None


def apply_correction(result: Classification, correction: Correction, kit: DdatKit) -> None:
    """People's corrections win over what the body says (in place)."""
    if not correction:
        return
    values = correction.values
    if "role" in values:
        result.role = _one(values["role"])
        result.proposed.role = None
    if "level" in values:
        result.level = _one(values["level"])
        result.proposed.level = None
    if "skill" in values:
        result.skills = list(values["skill"])
        result.proposed.skills = []
    if "type" in values:
        result.type = _one(values["type"])
    corrected = {"role": ROLE, "level": LEVEL, "skill": SKILLS, "type": TYPE}
    fields = {corrected[k] for k in values}
    result.problems = [pr for pr in result.problems if pr.field not in fields]
    result.about_framework = True
    result.labels = [name for name in kit.labels_for(result) if name != kit.needs_triage_label]


def _one(names: list[str]) -> str | None:
    return names[0] if names else None


def _kind(kind: str) -> Kind:
    for known in KINDS:
        if known == kind:
            return known
    raise ValueError(kind)
