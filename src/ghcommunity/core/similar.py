"""Similarity between issues, proposals and registered groups (one implementation for triage's
possible-duplicates comment and the registry audit's overlapping-groups finding)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

# Words every proposal title shares; they say nothing about what a group or issue is about.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "with",
        "about",
        "our",
        "new",
        "group",
        "groups",
        "special",
        "interest",
        "sig",
        "sigs",
        "proposal",
        "propose",
        "proposed",
        "proposing",
        "idea",
        "request",
        "community",
        "network",
        "meeting",
        "meetings",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, punctuation gone, filler words dropped; keeps a stopword-only text as is."""
    words = _WORD.findall(utils.default_process(text))
    kept = [w for w in words if w not in STOPWORDS]
    return " ".join(kept or words)


@dataclass(frozen=True)
class Candidate:
    key: str  # e.g. "#12" or "group:lean-coffee"
    title: str  # what people see
    text: str  # what is compared (title, or name + aim)
    url: str | None = None


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    score: float  # 0–100
    # Why, when it is not the texts' likeness: e.g. the group keyword the issue uses.
    keyword: str | None = None


def keyword_in(text: str, keywords: Iterable[str]) -> str | None:
    """The first keyword that `text` uses as a whole phrase (any case, any punctuation)."""
    words = f" {' '.join(_WORD.findall(utils.default_process(text)))} "
    for keyword in keywords:
        phrase = " ".join(_WORD.findall(utils.default_process(keyword)))
        if phrase and f" {phrase} " in words:
            return keyword
    return None


def similarity(a: str, b: str) -> float:
    """0–100: the mean of token-sort and token-set ratios of the normalised texts.

    token_set alone scores a short text 100 against any longer one containing it; averaging with
    token_sort keeps "Lean Coffee" and "Lean Coffee for testers" close but not identical.
    """
    left, right = normalise(a), normalise(b)
    if not left or not right:
        return 0.0
    return (fuzz.token_sort_ratio(left, right) + fuzz.token_set_ratio(left, right)) / 2


def _scorer(a: str, b: str, **_: object) -> float:
    # Candidates are normalised once up front; compare them as they are.
    if not a or not b:
        return 0.0
    return (fuzz.token_sort_ratio(a, b) + fuzz.token_set_ratio(a, b)) / 2


def find_similar(
    text: str, candidates: Iterable[Candidate], *, threshold: float, limit: int = 3
) -> list[Match]:
    """The most similar candidates scoring at least `threshold`, best first."""
    pool = list(candidates)
    query = normalise(text)
    if not query or not pool:
        return []
    choices = [normalise(c.text) for c in pool]
    found = process.extract(query, choices, scorer=_scorer, limit=limit, score_cutoff=threshold)
    return [Match(pool[index], round(score, 1)) for _, score, index in found]
