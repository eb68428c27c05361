"""DDaT label names: readable, at most 50 characters (GitHub's limit), stable.

The scheme (documented in docs/ddat.md):

- `{prefix}-role: <role>`, `{prefix}-level: <level>`, `{prefix}-skill: <skill>` and
  `{prefix}-type: <feedback type>`, with the framework's name exactly as it is written, when that
  fits in 50 characters; `prefix` is `ddat.label_prefix` ("ddat" by default).
- A name too long for that has a curated short name, kept in the taxonomy file
  (`short_names:`): `ddat-role: DevOps engineer`, `ddat-skill: Programming and build`.
- Only with a prefix longer than the default, a name that still does not fit is shortened
  mechanically and followed by ` ~` and 4 hex digits of the SHA-1 of the kind and the name.
  Such names (the scheme before short names) are each label's `previously`: the labels job
  renames them, so every issue keeps its labels.
- Every label's description (at most 100 characters) holds the full name.
- The feedback label (`ddat.feedback_label`, "ddat-feedback") marks every piece of feedback.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from ghcommunity.config.labels import MAX_DESCRIPTION, MAX_NAME
from ghcommunity.jobs.ddat.names import ALL_LEVELS, normalise
from ghcommunity.jobs.ddat.taxonomy import Taxonomy

Kind = Literal["role", "level", "skill", "type"]
KINDS: tuple[Kind, ...] = ("role", "level", "skill", "type")

COLOURS: dict[str, str] = {
    "role": "1d76db",
    "level": "5319e7",
    "skill": "0e8a16",
    "type": "fbca04",
    "feedback": "b60205",
}
_KIND_WORDS = {"role": "role", "level": "role level", "skill": "skill", "type": "feedback type"}
_HASH_DIGITS = 4
FEEDBACK_DESCRIPTION = (
    "Feedback on the DDaT framework (Government Digital and Data Profession Capability Framework)"
)


@dataclass(frozen=True)
class DdatLabel:
    name: str
    color: str
    description: str
    kind: str  # "role", "level", "skill", "type" or "feedback"
    value: str  # the framework's name (or the feedback label itself)
    previously: tuple[str, ...] = ()  # names this label had before (renamed, not re-created)


def kind_prefix(prefix: str, kind: Kind) -> str:
    return f"{prefix}-{kind}: "


def label_name(prefix: str, kind: Kind, name: str, short: str | None = None) -> str:
    """The label for one framework name (with its short name, if it has one); see the module
    docstring for the scheme."""
    head = kind_prefix(prefix, kind)
    if short and len(head) + len(short) <= MAX_NAME:
        return head + short
    if len(head) + len(name) <= MAX_NAME:
        return head + name
    digest = hashlib.sha1(f"{kind}:{normalise(name)}".encode(), usedforsecurity=False).hexdigest()[
        :_HASH_DIGITS
    ]
    room = MAX_NAME - len(head) - len(" ~") - _HASH_DIGITS
    if room < 8:
        raise ValueError(f"label prefix {prefix!r} is too long to leave room for names")
    return f"{head}{abbreviate(name, room)} ~{digest}"


# Applied in this order, one at a time, only until the name fits.
_ABBREVIATIONS = (
    (r"\band\b", "&"),
    (r"\bthe\b", ""),
    (r"\bquality assurance\b", "QA"),
    (r"\boperations\b", "ops"),
    (r"\bengineer\b", "eng"),
    (r"\bengineering\b", "eng"),
    (r"\bsoftware\b", "SW"),
    (r"\bdeveloper\b", "dev"),
    (r"\bdevelopment\b", "dev"),
    (r"\bmanagement\b", "mgmt"),
    (r"\bfrontend\b", "FE"),
    (r"\btechnical\b", "tech"),
    (r"\binfrastructure\b", "infra"),
    (r"\bapplication\b", "app"),
    (r"\binformation\b", "info"),
    (r"\bcommunicating\b", "comms"),
    (r"\barchitecture\b", "arch"),
    (r"\bstatistics\b", "stats"),
    (r"\bstatistical\b", "stats"),
    (r"\bperformance\b", "perf"),
    (r"\brelationship\b", "rel"),
    (r"\bunderstanding\b", "underst"),
)


def _keep_case(replacement: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        if replacement and word[:1].isupper() and replacement[:1].islower():
            return replacement[:1].upper() + replacement[1:]
        return replacement

    return replace


def abbreviate(name: str, room: int) -> str:
    """A readable short form of `name` in at most `room` characters; the same every time."""
    short = name
    for pattern, replacement in _ABBREVIATIONS:
        if len(short) <= room:
            break
        short = " ".join(re.sub(pattern, _keep_case(replacement), short, flags=re.I).split())
    if len(short) > room:
        # Cut at the last word boundary that fits, unless that leaves too little to read.
        cut = short[: room + 1]
        space = cut.rfind(" ")
        short = cut[:space] if space >= room // 2 else short[:room]
    return short.rstrip(" -,;:(&").strip()


def label_description(kind: Kind, name: str, role: str | None = None) -> str:
    words = _KIND_WORDS[kind]
    full = f"DDaT {words}: {name}"
    if role and len(full) + len(role) + 3 <= MAX_DESCRIPTION:
        full += f" ({role})"
    if len(full) <= MAX_DESCRIPTION:
        return full
    return name if len(name) <= MAX_DESCRIPTION else name[: MAX_DESCRIPTION - 1] + "…"


class Labeller:
    """Label names for one taxonomy and prefix, both ways."""

    def __init__(self, taxonomy: Taxonomy, prefix: str, feedback_label: str) -> None:
        self.taxonomy = taxonomy
        self.prefix = prefix
        self.feedback_label = feedback_label
        self._by_name: dict[str, DdatLabel] = {}
        self._old: dict[str, DdatLabel] = {}  # lower-cased previous name → the label now
        for label in self._generate():
            self._by_name.setdefault(label.name.lower(), label)
        for label in self._by_name.values():
            for old in label.previously:
                self._old.setdefault(old.lower(), label)

    def _generate(self) -> Iterator[DdatLabel]:
        tax = self.taxonomy
        yield DdatLabel(
            self.feedback_label, COLOURS["feedback"], FEEDBACK_DESCRIPTION, "feedback", ""
        )
        for role in tax.roles:
            yield self._make("role", role.name)
        for role in tax.roles:
            for level in role.levels:
                yield self._make("level", level, role.name)
        yield self._make("level", ALL_LEVELS)
        for skill in tax.skills:
            yield self._make("skill", skill.name)
        for kind_name in tax.feedback_types:
            yield self._make("type", kind_name)

    def _make(self, kind: Kind, name: str, role: str | None = None) -> DdatLabel:
        short = self.taxonomy.short_name(kind, name) if kind != "type" else None
        label = label_name(self.prefix, kind, name, short)
        hashed = label_name(self.prefix, kind, name)  # the scheme before short names
        return DdatLabel(
            label,
            COLOURS[kind],
            label_description(kind, name, role),
            kind,
            name,
            (hashed,) if hashed != label else (),
        )

    def all(self) -> list[DdatLabel]:
        return list(self._by_name.values())

    def for_value(self, kind: Kind, name: str) -> DdatLabel:
        """The label for a framework name (already resolved to the framework's spelling)."""
        role = self.taxonomy.role_of_level(name) if kind == "level" else None
        short = self.taxonomy.short_name(kind, name) if kind != "type" else None
        found = self._by_name.get(label_name(self.prefix, kind, name, short).lower())
        return found or self._make(kind, name, role)

    def feedback(self) -> DdatLabel:
        return self._by_name[self.feedback_label.lower()]

    def parse(self, label: str) -> DdatLabel | None:
        """What a label on an issue stands for, if it is one of ours (also by a previous name)."""
        return self._by_name.get(label.lower()) or self._old.get(label.lower())

    def renamed(self, label: str) -> DdatLabel | None:
        """The label a previous name (e.g. a hashed one) is now called, if it is one."""
        return self._old.get(label.lower())

    def kind_of(self, label: str) -> str | None:
        """The kind of a DDaT label, by its prefix (also for names this taxonomy no longer has)."""
        lowered = label.lower()
        if lowered == self.feedback_label.lower():
            return "feedback"
        for kind in KINDS:
            if lowered.startswith(kind_prefix(self.prefix, kind).lower()):
                return kind
        return None

    def owns(self, label: str) -> bool:
        return self.kind_of(label) is not None

    @staticmethod
    def sample_names_for(prefix: str, feedback_label: str) -> list[str]:
        """One label name of each kind, to check they fall within `labels.owned`."""
        return [feedback_label] + [kind_prefix(prefix, k) + "x" for k in KINDS]
