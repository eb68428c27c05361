"""From what people write to the framework's names: exact names, aliases, then careful guesses.

In order, stopping at the first that answers:

1. the name itself or a known alias, ignoring case, spaces, punctuation and the kind of dash;
2. the same words, allowing common short forms ("senior dev" → "Senior developer", "devops" →
   "Development operations (DevOps) engineer"): the one name made of exactly those words, else
   the one name containing all of them; several names containing them is *ambiguous*;
3. a small typo in an otherwise exact name ("Sofware developer"): at most 2 letters different
   (a swap of two neighbours counts as one), at most one in every 8,
   no word's first letter changed, and no other name as close;
4. otherwise *unknown*, with the nearest names offered as suggestions (never applied).

A wrong guess is worse than asking, so steps 2 and 3 answer only when exactly one name fits,
and the caller tells the author how their words were read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ghcommunity.jobs.ddat.names import ALL_LEVELS, normalise, tidy
from ghcommunity.jobs.ddat.taxonomy import Taxonomy

Kind = Literal["role", "level", "skill", "type"]
How = Literal["exact", "alias", "interpreted", "ambiguous", "unknown", "empty"]

# Words people shorten. A query word matches a name's word if they are the same (ignoring a
# plural "s") or the name's word is one of these expansions of it.
SHORT_FORMS: dict[str, frozenset[str]] = {
    "dev": frozenset({"developer", "development"}),
    "devs": frozenset({"developer"}),
    "eng": frozenset({"engineer", "engineering"}),
    "engr": frozenset({"engineer"}),
    "sr": frozenset({"senior"}),
    "snr": frozenset({"senior"}),
    "jr": frozenset({"junior"}),
    "jnr": frozenset({"junior"}),
    "mgr": frozenset({"manager", "management"}),
    "mgmt": frozenset({"management"}),
    "mgt": frozenset({"management"}),
    "manager": frozenset({"management"}),
    "ops": frozenset({"operation"}),
    "fe": frozenset({"frontend"}),
    "prog": frozenset({"programming"}),
    "a11y": frozenset({"accessibility"}),
    "sw": frozenset({"software"}),
    "swe": frozenset({"software"}),
    "princ": frozenset({"principal"}),
    "appr": frozenset({"apprentice"}),
    "assoc": frozenset({"associate"}),
    "tester": frozenset({"test"}),
}
# Phrases rewritten before splitting into words.
_PHRASES = (
    (re.compile(r"\bfront ?end\b"), "frontend"),
    (re.compile(r"\bqa\b"), "quality assurance"),
    (re.compile(r"\bqat\b"), "quality assurance testing"),
    (re.compile(r"\bdev ?ops\b"), "devops"),
)
# Words too general to pick a name on their own: "analyst" alone could be any analyst, in or out
# of this taxonomy, so it is offered, never applied.
GENERIC = frozenset(
    {
        "developer",
        "development",
        "dev",
        "devs",
        "engineer",
        "engineering",
        "eng",
        "analyst",
        "manager",
        "management",
        "mgr",
        "test",
        "testing",
        "tester",
        "designer",
        "design",
        "architect",
        "lead",
        "senior",
        "sr",
        "junior",
        "jr",
        "principal",
        "head",
        "apprentice",
        "associate",
        "trainee",
        "specialist",
        "officer",
        "quality",
        "assurance",
        "skill",
        "role",
        "level",
        "system",
        "systems",
        "user",
        "service",
        "data",
        "software",
    }
)
_FILLER = frozenset({"a", "an", "and", "the", "of", "in", "for", "to", "&"})
_EMPTY = frozenset({"", "none", "no response", "n a", "na", "not applicable", "-"})

FUZZY_MAX_EDITS = 2
SUGGEST_SCORE = 70.0


@dataclass(frozen=True)
class Resolution:
    """How one written value was read."""

    kind: Kind
    text: str  # as written (tidied)
    value: str | None  # the framework's name, or None
    how: How
    candidates: tuple[str, ...] = ()  # ambiguous: the names it could be; unknown: suggestions

    @property
    def ok(self) -> bool:
        return self.value is not None


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def words(text: str) -> tuple[str, ...]:
    """The comparison words of a text: normalised, phrases rewritten, filler dropped."""
    key = normalise(text)
    for pattern, replacement in _PHRASES:
        key = pattern.sub(replacement, key)
    return tuple(w for w in key.split() if w not in _FILLER)


def _matches(query: str, target: str) -> bool:
    if _stem(query) == _stem(target):
        return True
    return _stem(target) in SHORT_FORMS.get(query, frozenset())


@dataclass
class _Choice:
    name: str  # the framework's name
    spelling: str  # the name or an alias
    words: tuple[str, ...]
    role: str | None = None


@dataclass
class Resolver:
    """Resolves written values of each kind against one taxonomy."""

    taxonomy: Taxonomy
    _choices: dict[str, list[_Choice]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        tax = self.taxonomy
        self._choices = {
            "role": [_Choice(r.name, s, words(s)) for r in tax.roles for s in (r.name, *r.aliases)],
            "level": [_Choice(lv, lv, words(lv), r.name) for r in tax.roles for lv in r.levels]
            + [_Choice(ALL_LEVELS, ALL_LEVELS, words(ALL_LEVELS))],
            "skill": [
                _Choice(s.name, a, words(a)) for s in tax.skills for a in (s.name, *s.aliases)
            ],
            "type": [_Choice(t, t, words(t)) for t in tax.feedback_types],
        }

    def resolve(self, kind: Kind, text: str | None, *, role: str | None = None) -> Resolution:
        """Read one value. For a level, `role` (a framework role name) narrows the choices."""
        written = tidy(text or "")
        if normalise(written) in _EMPTY:
            return Resolution(kind, written, None, "empty")
        choices = self._choices[kind]
        key = normalise(written)
        exact = [c for c in choices if normalise(c.spelling) == key]
        if exact:
            how: How = "exact" if normalise(exact[0].name) == key else "alias"
            return Resolution(kind, written, exact[0].name, how)
        scopes = [choices]
        if kind == "level" and role:
            scopes.insert(0, [c for c in choices if c.role == role])
        for scope in scopes:
            found = self._by_words(kind, written, scope)
            if found is not None:
                return found
        for scope in scopes:
            found = self._by_typo(kind, written, scope)
            if found is not None:
                return found
        return Resolution(kind, written, None, "unknown", self.suggest(kind, written))

    # -- the careful guesses ----------------------------------------------------------------

    @staticmethod
    def _distinct(choices: Iterable[_Choice]) -> list[str]:
        return list(dict.fromkeys(c.name for c in choices))

    def _by_words(self, kind: Kind, written: str, scope: Sequence[_Choice]) -> Resolution | None:
        query = words(written)
        if not query:
            return None
        covering = [c for c in scope if all(any(_matches(q, w) for w in c.words) for q in query)]
        same = [
            c
            for c in covering
            if all(any(_matches(q, w) for q in query) for w in c.words)
            and len(c.words) == len(query)
        ]
        names = self._distinct(same)
        if len(names) == 1:
            return Resolution(kind, written, names[0], "interpreted")
        names = self._distinct(covering)
        general = all(_stem(q) in GENERIC or q in GENERIC for q in query)
        if len(names) == 1 and not general:
            return Resolution(kind, written, names[0], "interpreted")
        if names:
            return Resolution(kind, written, None, "ambiguous", tuple(names))
        return None

    def _by_typo(self, kind: Kind, written: str, scope: Sequence[_Choice]) -> Resolution | None:
        key = normalise(written)
        close: list[_Choice] = []
        for choice in scope:
            target = normalise(choice.spelling)
            edits = OSA.distance(key, target, score_cutoff=FUZZY_MAX_EDITS)
            if edits > FUZZY_MAX_EDITS or edits > max(1, len(target) // 8):
                continue
            mine, theirs = key.split(), target.split()
            if len(mine) != len(theirs) or any(
                a[0] != b[0] for a, b in zip(mine, theirs, strict=True)
            ):
                continue
            close.append(choice)
        names = self._distinct(close)
        if len(names) == 1:
            return Resolution(kind, written, names[0], "interpreted")
        if len(names) > 1:
            return Resolution(kind, written, None, "ambiguous", tuple(names))
        return None

    def suggest(self, kind: Kind, written: str, limit: int = 3) -> tuple[str, ...]:
        """The nearest names, to offer (never to apply)."""
        choices = {c.spelling: c.name for c in self._choices[kind]}
        found = process.extract(
            normalise(written),
            {spelling: normalise(spelling) for spelling in choices},
            scorer=fuzz.ratio,
            limit=limit * 2,
            score_cutoff=SUGGEST_SCORE,
        )
        names = [choices[spelling] for _, _, spelling in found]
        return tuple(dict.fromkeys(names))[:limit]
