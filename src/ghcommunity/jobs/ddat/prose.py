"""Reading the framework's roles, levels and skills out of prose. Pure.

Feedback that did not come through the form is written however its author writes: "As a lead
dev I think the architecture skill level is too low". This module finds, in such text:

- **roles**, from the framework's names, the taxonomy's aliases and the short forms people use
  (`prose_words.ROLE_FORMS`: "QAT analyst", "FE dev", plurals, "- management"...);
- **levels**, from a seniority word in front of a role ("senior devs", "apprentice
  developers", "Principal developer - management") or next to "level" ("test engineers at
  senior level"); a level names its role;
- **skills**, from their names (and former names), quoted or not, and common paraphrases
  ("architecture" → Systems design); a frontend text gets the frontend variants;
- small misspellings of the words above ("Sofware", "Accesibility"), read with less confidence.

Each finding has a confidence (0-1) and the words it came from. The longest phrase wins where
phrases overlap. A text that names several roles equally strongly is given none: a wrong guess
is worse than asking. Skill proficiency levels ("at practitioner level") are not role levels.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz.distance import OSA

from ghcommunity.jobs.ddat.names import normalise
from ghcommunity.jobs.ddat.prose_words import (
    FRAMEWORK_CUES,
    MID,
    ROLE_FORMS,
    ROLE_GENERIC,
    ROLE_VAGUE,
    ROLE_VARIANTS,
    SENIORITY,
    SKILL_STRONG,
    SKILL_WEAK,
    WEAK_CUES,
)
from ghcommunity.jobs.ddat.taxonomy import Taxonomy

FindingKind = Literal["role", "level", "skill"]

# Confidence of each way of finding a name.
EXACT = 0.95  # the framework's name or an alias
FORM = 0.9  # a recognised short form ("senior dev", "QAT analyst")
STRONG = 0.85  # a paraphrase that says the skill ("test automation")
SEPARATED = 0.8  # a seniority word next to "level", with the role elsewhere
WEAK = 0.6  # a word that suggests the name ("developers", "security")
MIDDLE = 0.7  # "mid-level devops": the plain level, as people say it (proposed, not labelled)
MISSPELT = 0.8  # factor for a finding read through a misspelling
AMBIGUITY_MARGIN = 0.15  # how far a role must lead the next to be chosen
LEVEL_BONUS = 0.05  # a role named with its level is named more precisely than one without
# At or above CONFIDENT a finding becomes a label; between PROPOSE and CONFIDENT it is proposed.
CONFIDENT = 0.8
PROPOSE = 0.5

_WORD = re.compile(r"[a-z0-9]+")
_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1$")
_VAGUE = "?"


def stem(word: str) -> str:
    """A light stem: plurals, -ing and -ed, a final e (both sides are stemmed alike)."""
    w = word
    if len(w) > 3 and not w.endswith(("ss", "is", "us")):
        if w.endswith("ies") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith(("sses", "xes", "ches", "shes")):
            w = w[:-2]
        elif w.endswith("s"):
            w = w[:-1]
    if len(w) > 5 and w.endswith("ing") and not w.endswith("eering"):
        w = w[:-3]
        w = w[:-1] if _DOUBLED.search(w) else w
    elif len(w) > 4 and w.endswith("ed") and not w.endswith("eed"):
        w = w[:-2]
        w = w[:-1] if _DOUBLED.search(w) else w
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


@dataclass(frozen=True)
class Token:
    word: str  # stemmed (or the vocabulary word a misspelling was read as)
    start: int
    end: int
    misspelt: bool = False


def tokens(text: str, vocabulary: frozenset[str] = frozenset()) -> tuple[str, list[Token]]:
    """(the text as compared, its words). Words of 6+ letters one edit away from exactly one
    vocabulary word (two for 10+ letters), with the same first letter, are read as that word."""
    folded = unicodedata.normalize("NFKC", text).lower()
    out: list[Token] = []
    for match in _WORD.finditer(folded):
        word = stem(match.group(0))
        misspelt = False
        if vocabulary and word not in vocabulary and len(word) >= 6 and not word.isdigit():
            limit = 2 if len(word) >= 10 else 1
            close = [
                v
                for v in vocabulary
                if v[0] == word[0]
                and abs(len(v) - len(word)) <= limit
                and OSA.distance(word, v, score_cutoff=limit) <= limit
            ]
            if len(close) == 1:
                word, misspelt = close[0], True
        out.append(Token(word, match.start(), match.end(), misspelt))
    return folded, out


def phrase(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in _WORD.findall(unicodedata.normalize("NFKC", text).lower()))


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]
    kind: str  # role, level, skill, seniority, vague
    name: str  # framework name (seniority: the seniority key)
    confidence: float
    weak: bool = False  # a weak skill word: only for the text's role's skills
    # A level whose role is surer than the level ("mid-level devops": DevOps for sure, the
    # level a guess): the role words' own confidence.
    role_confidence: float | None = None


@dataclass(frozen=True)
class _Hit:
    pattern: _Pattern
    first: int  # token index
    last: int  # token index (inclusive)
    evidence: str
    confidence: float


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    name: str
    confidence: float
    evidence: str  # the words it came from, as written

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "confidence": round(self.confidence, 2),
            "evidence": self.evidence,
            "status": "labelled" if self.confident else "proposed",
        }


@dataclass
class ProseReading:
    role: Finding | None = None
    level: Finding | None = None
    skills: list[Finding] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)  # framework words in the text
    weak_cues: list[str] = field(default_factory=list)  # "skills", "role": cues with a skill
    other_roles: list[str] = field(default_factory=list)  # roles named as strongly as another
    topics: list[str] = field(default_factory=list)  # what it says is missing, in its words

    @property
    def findings(self) -> list[Finding]:
        return [f for f in (self.role, self.level, *self.skills) if f is not None]

    @property
    def names_something(self) -> bool:
        return bool(self.findings or self.other_roles)


def _seniority_of(level: str) -> tuple[str | None, str]:
    """('senior', 'developer') for 'Senior developer'; (None, name) when it has none."""
    key = normalise(level)
    for prefix in SENIORITY:
        if key.startswith(prefix + " "):
            return prefix, key[len(prefix) + 1 :]
    return None, key


class ProseReader:
    """Finds roles, levels and skills in text, for one taxonomy."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        patterns: list[_Pattern] = []
        roles = {r.name: r for r in taxonomy.roles}
        skills = {s.name for s in taxonomy.skills}
        self._role_skills = {r.name: set(r.skills) for r in taxonomy.roles}
        self._levels: dict[tuple[str, str], str] = {}  # (role, seniority) → plain level
        for role in taxonomy.roles:
            forms = {phrase(s) for s in (role.name, *role.aliases)}
            exact = set(forms)
            forms |= {phrase(f) for f in ROLE_FORMS.get(role.name, ())}
            generic = {phrase(f) for f in ROLE_GENERIC.get(role.name, ())}
            for words in exact:
                patterns.append(_Pattern(words, "role", role.name, EXACT))
            for words in forms - exact:
                patterns.append(_Pattern(words, "role", role.name, FORM))
            for words in generic - forms:
                patterns.append(_Pattern(words, "role", role.name, WEAK))
            for level in role.levels:
                prefix, base = _seniority_of(level)
                if prefix is None:
                    # "DevOps engineer": the role's name, a level only when called mid-level.
                    if base.endswith(" management"):
                        continue
                    self._levels.setdefault((role.name, "mid"), level)
                    sure = [(exact, EXACT), (forms - exact, FORM), (generic - forms, WEAK)]
                    for variant in MID:
                        for group, role_confidence in sure:
                            for words in group:
                                patterns.append(
                                    _Pattern(
                                        phrase(variant) + words,
                                        "level",
                                        level,
                                        min(MIDDLE, role_confidence),
                                        role_confidence=role_confidence,
                                    )
                                )
                    continue
                patterns.append(_Pattern(phrase(level), "level", level, EXACT))
                management = base.endswith(" management")
                if not management:
                    self._levels.setdefault((role.name, prefix), level)
                tail = ("management",) if management else ()
                for variant in SENIORITY[prefix]:
                    for words in forms | generic | {phrase(base)}:
                        full = phrase(variant) + words + tail
                        if full != phrase(level):
                            patterns.append(_Pattern(full, "level", level, FORM))
        for prefix, variants in (*SENIORITY.items(), ("mid", MID)):
            for variant in variants:
                confidence = MIDDLE if prefix == "mid" else SEPARATED
                patterns.append(
                    _Pattern((*phrase(variant), "level"), "seniority", prefix, confidence)
                )
        for vague in ROLE_VAGUE:
            patterns.append(_Pattern(phrase(vague), "vague", _VAGUE, WEAK))
        for skill in taxonomy.skills:
            for spelling in (skill.name, *skill.aliases):
                patterns.append(_Pattern(phrase(spelling), "skill", skill.name, EXACT))
        for table, confidence, weak in ((SKILL_STRONG, STRONG, False), (SKILL_WEAK, WEAK, True)):
            for name, spellings in table.items():
                if name in skills:
                    for spelling in spellings:
                        patterns.append(_Pattern(phrase(spelling), "skill", name, confidence, weak))
        self._variants = {
            key: value
            for key, value in ROLE_VARIANTS.items()
            if key[1] in roles and value in skills and key[0] in skills
        }
        # The best pattern for each word sequence (exact over short form over paraphrase),
        # keeping every name that sequence can mean.
        self._by_first: dict[str, list[_Pattern]] = {}
        seen: dict[tuple[tuple[str, ...], str, str], _Pattern] = {}
        for pat in patterns:
            if not pat.words:
                continue
            key = (pat.words, pat.kind, pat.name)
            if key in seen and seen[key].confidence >= pat.confidence:
                continue
            seen[key] = pat
        for pat in seen.values():
            self._by_first.setdefault(pat.words[0], []).append(pat)
        for found in self._by_first.values():
            found.sort(key=lambda p: (-len(p.words), -p.confidence))
        self.vocabulary = frozenset(w for pat in seen.values() for w in pat.words if len(w) >= 5)
        self._cues = [re.compile(c) for c in FRAMEWORK_CUES]
        self._weak_cues = [re.compile(c) for c in WEAK_CUES]
        self._cue_words = frozenset(stem(w) for w in ("role", "skill", "level"))

    # -- reading ----------------------------------------------------------------------------

    def _hits(self, text: str) -> list[_Hit]:
        return self._read_hits(text)[0]

    def _read_hits(self, text: str) -> tuple[list[_Hit], list[str]]:
        """The hits, and the names followed by "role", "skill" or "level" (cues)."""
        folded, words = tokens(text, self.vocabulary)
        named: list[str] = []
        hits: list[_Hit] = []
        index = 0
        while index < len(words):
            best: list[_Pattern] = []
            for pat in self._by_first.get(words[index].word, ()):
                size = len(pat.words)
                if best and size < len(best[0].words):
                    break
                if tuple(t.word for t in words[index : index + size]) == pat.words:
                    best.append(pat)
            if not best:
                index += 1
                continue
            last = index + len(best[0].words) - 1
            span = words[index : last + 1]
            evidence = folded[span[0].start : span[-1].end]
            evidence = text[span[0].start : span[-1].end] if len(text) == len(folded) else evidence
            factor = MISSPELT if any(t.misspelt for t in span) else 1.0
            for pat in best:
                hits.append(_Hit(pat, index, last, evidence, pat.confidence * factor))
            after = words[last + 1].word if last + 1 < len(words) else ""
            if after in self._cue_words and best[0].kind in ("role", "level", "skill"):
                named.append(f"{evidence} {after}")
            index = last + 1
        return hits, named

    def read(self, text: str) -> ProseReading:
        hits, named = self._read_hits(text)
        reading = ProseReading()
        lowered = " ".join(text.lower().split())
        reading.cues = [m.group(0) for c in self._cues if (m := c.search(lowered))] + named
        reading.weak_cues = [m.group(0) for c in self._weak_cues if (m := c.search(lowered))]

        # The role: the strongest named (a level names its role), if it clearly leads.
        roles: dict[str, tuple[float, int, str]] = {}
        for hit in hits:
            kind = hit.pattern.kind
            if kind in ("role", "level", "vague"):
                name = hit.pattern.name
                if kind == "level":
                    name = self.taxonomy.role_of_level(name) or name
                rank = hit.confidence + (LEVEL_BONUS if kind == "level" else 0.0)
                if hit.pattern.role_confidence is not None:
                    rank = hit.confidence / hit.pattern.confidence * hit.pattern.role_confidence
                best = roles.get(name)
                if best is None or rank > best[0]:
                    roles[name] = (rank, hit.first, hit.evidence)
        ranked = sorted(roles.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
        role: str | None = None
        if ranked:
            top_name, (top, _, evidence) = ranked[0]
            rivals = [n for n, (c, _, _) in ranked[1:] if c >= top - AMBIGUITY_MARGIN]
            if top_name != _VAGUE and not rivals:
                role = top_name
                reading.role = Finding("role", top_name, min(top, EXACT), evidence)
            else:
                reading.other_roles = [n for n, _ in ranked if n != _VAGUE]

        # The level: the strongest level of that role, else "<seniority> level".
        if role is not None:
            levels = [
                h
                for h in hits
                if h.pattern.kind == "level" and self.taxonomy.role_of_level(h.pattern.name) == role
            ]
            if levels:
                hit = max(levels, key=lambda h: (h.confidence, -h.first))
                reading.level = Finding("level", hit.pattern.name, hit.confidence, hit.evidence)
            else:
                for hit in hits:
                    if hit.pattern.kind != "seniority":
                        continue
                    level = self._levels.get((role, hit.pattern.name))
                    if level:
                        confidence = min(hit.confidence, reading.role.confidence)  # type: ignore[union-attr]
                        reading.level = Finding("level", level, confidence, hit.evidence)
                        break

        # Skills: in the order written; weak words only for the role's own skills.
        found: dict[str, Finding] = {}
        for hit in hits:
            if hit.pattern.kind != "skill":
                continue
            name = hit.pattern.name
            if role is not None:
                name = self._variants.get((name, role), name)
            if hit.pattern.weak and role is not None and name not in self._role_skills[role]:
                continue
            if name in found and found[name].confidence >= hit.confidence:
                continue
            found[name] = Finding("skill", name, hit.confidence, hit.evidence)
        reading.skills = [f for f in found.values() if f.confidence >= PROPOSE]
        if reading.role is None and not reading.other_roles:
            # A skill only one role has ("... (frontend developer)") suggests that role.
            owners = {
                role_name
                for f in reading.skills
                for role_name, names in self._role_skills.items()
                if f.name in names and sum(f.name in n for n in self._role_skills.values()) == 1
            }
            if len(owners) == 1:
                (owner,) = owners
                first = next(f for f in reading.skills if f.name in self._role_skills[owner])
                reading.role = Finding("role", owner, WEAK, first.evidence)
        return reading


# "doesn't mention mentoring", "nothing on AI-assisted coding", "should include platform
# engineering and SRE skills", "a skill for data engineering": what the text says is missing.
_MISSING = re.compile(
    r"\b(?:doesn'?t|does not|don'?t|do not|never|fails? to) (?:mention|cover|include|describe)s? "
    r"(?P<a>[^.;:!?\n()]+)"
    r"|\bnothing (?:on|about|for) (?P<b>[^.;:!?\n()]+)"
    r"|\b(?:should|could|must|needs? to) (?:include|cover|add|mention) (?P<c>[^.;:!?\n()]+)"
    r"|\b(?:a|no|new) skills? (?:for|on|about|covering) (?P<d>[^.;:!?\n()]+)"
    r"|\bno skill (?:describes|covers) (?P<e>[^.;:!?\n()]+)",
    re.I,
)
_TOPIC_END = re.compile(
    r"\s(?:for|in|at|to|within|which|that|because|but|so|as|when|from|under|by|is|are|it)\s.*$"
    r"|,.*$",
    re.I,
)
_TOPIC_TRIM = re.compile(r"^(?:the|a|an|any|anything about|more about|about)\s+|\s+skills?$", re.I)


def missing_topics(text: str, reading: ProseReading) -> list[str]:
    """What a text says the framework lacks, in its own words ("mentoring", "data
    engineering"), leaving out what was read as a framework name."""
    placed = {normalise(f.evidence) for f in reading.findings} | {
        normalise(f.name) for f in reading.findings
    }
    found: list[str] = []
    for match in _MISSING.finditer(text):
        raw = next(g for g in match.groups() if g)
        if any(normalise(raw).startswith(p) for p in placed if p):
            continue  # "says nothing about managing, reporting and resolving defects"
        raw = _TOPIC_END.sub("", " " + raw.strip() + " ").strip()
        for part in re.split(r"\s+(?:and|or|&)\s+|/", raw):
            topic = part.strip(" '\"`")
            for _ in range(2):
                topic = _TOPIC_TRIM.sub("", topic).strip()
            words = topic.split()
            if not words or len(words) > 5 or normalise(topic) in placed:
                continue
            if normalise(topic) in {"it", "this", "that", "them", "skill", "role", "level"}:
                continue
            if topic not in found:
                found.append(topic)
    return found


def about_framework(reading: ProseReading, mentions: Sequence[str]) -> bool:
    """Feedback about the framework: it says so (`mentions`), or it names a role, level or
    skill next to a word about roles and skills ("role description", "the X role", "skill
    level", "expected to", "assessed"...), or names a skill next to "skills" or "role"."""
    if mentions or (reading.names_something and reading.cues):
        return True
    return bool(reading.skills and reading.weak_cues)
