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
from ghcommunity.jobs.ddat.prose_words import ROLE_FORMS, SKILL_STRONG, SKILL_WEAK
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
    _short_forms: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict, init=False)
    _paraphrases: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict, init=False)

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
        roles = {r.name for r in tax.roles}
        skills = {s.name for s in tax.skills}
        self._short_forms = {
            ("role", phrase(form)): name
            for name, forms in ROLE_FORMS.items()
            if name in roles
            for form in forms
        }
        self._paraphrases = {
            ("skill", phrase(words_)): name
            for table in (SKILL_STRONG, SKILL_WEAK)
            for name, spellings in table.items()
            if name in skills
            for words_ in spellings
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
        short = self._short_forms.get((kind, phrase(written)))
        if short is not None:  # "QAT analyst", "FE dev": a short form people use for a role
            return Resolution(kind, written, short, "interpreted")
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
        if len(names) == 1:
            # One name contains these general words ("level" → "Level expectations"): offered,
            # not applied, and not "ambiguous" (there is nothing to choose between).
            return Resolution(kind, written, None, "unknown", (names[0],))
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
        """Names to offer (never to apply): near-misspellings of a name (every word close to
        the name's word, with the same first letter), and for a skill, the one a common
        paraphrase means ("architecture" → Systems design). Nothing merely similar: "Data
        engineering" is not a misspelling of "Test engineering"."""
        choices = {c.spelling: c.name for c in self._choices[kind]}
        found = process.extract(
            normalise(written),
            {spelling: normalise(spelling) for spelling in choices},
            scorer=fuzz.ratio,
            limit=limit * 2,
            score_cutoff=SUGGEST_SCORE,
        )
        names = [
            choices[spelling]
            for _, _, spelling in found
            if _near_misspelling(normalise(written), normalise(spelling))
        ]
        meant = self._paraphrases.get((kind, phrase(written)))
        if meant:
            names.insert(0, meant)
        return tuple(dict.fromkeys(names))[:limit]


def _near_misspelling(written: str, name: str) -> bool:
    """Word by word: as many words, each starting with the same letter and at most 2 edits
    (1 for short words) from the name's."""
    mine, theirs = written.split(), name.split()
    if len(mine) != len(theirs):
        return False
    for a, b in zip(mine, theirs, strict=True):
        limit = 1 if len(b) <= 5 else 2
        if a[:1] != b[:1]:
            return False
        if (
            OSA.distance(a, b, score_cutoff=limit) > limit
            and not _abbreviates(a, b)
            and _prose_stem(a) != _prose_stem(b)  # "missed" for "missing"
        ):
            return False
    return True


def _abbreviates(short: str, word: str) -> bool:
    """'dvlpr' for 'developer': the word's letters in order, at least half of them."""
    if len(short) * 2 < len(word):
        return False
    letters = iter(word)
    return all(char in letters for char in short)


def _prose_stem(word: str) -> str:
    from ghcommunity.jobs.ddat.prose import stem

    return stem(word)


def phrase(text: str) -> tuple[str, ...]:
    """A comparison key for short forms and paraphrases (the prose reader's words)."""
    from ghcommunity.jobs.ddat.prose import phrase as prose_phrase

    return prose_phrase(text)
