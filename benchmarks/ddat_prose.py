"""How well free-text DDaT feedback is read: precision and recall for role, level and skills.

Run: PYTHONPATH=src .venv/bin/python benchmarks/ddat_prose.py [--verbose] [CASES.yml]
Reads the hand-written cases in tests/fixtures/ddat/prose-cases.yml (half `tune`, used while
writing the vocabulary; half `held`, never looked at while tuning) and prints, for each set and
for both together: precision and recall of role, level and skills, and how many not-DDaT texts
were left alone. Two readings are scored: what becomes a label (confident) and what the bot
shows at all (labelled or proposed in its comment). Asserts nothing.

tests/fixtures/ddat/prose-cases-fresh.yml holds 12 more cases written after the reader was
finished and never used to change it: pass its path to score them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import yaml

from ghcommunity.config import load_config
from ghcommunity.jobs.ddat.settings import DdatConfig
from ghcommunity.jobs.ddat.setup import load_kit
from ghcommunity.jobs.ddat.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "fixtures" / "ddat" / "prose-cases.yml"


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, got: set[str], want: set[str]) -> None:
        self.tp += len(got & want)
        self.fp += len(got - want)
        self.fn += len(want - got)

    def figures(self) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return f"P {p:.2f} R {r:.2f} (tp {self.tp} fp {self.fp} fn {self.fn})"


def answer(kit: Any, case: dict[str, Any], shown: bool) -> dict[str, set[str]]:
    result = kit.classify(case["text"], case.get("title"))
    if not result.about_framework:
        return {"about": set(), "role": set(), "level": set(), "skills": set()}
    role = {result.role} if result.role else set()
    level = {result.level} if result.level else set()
    skills = set(result.skills)
    if shown:
        proposed = result.proposed
        role |= {proposed.role} if proposed.role else set()
        level |= {proposed.level} if proposed.level else set()
        skills |= set(proposed.skills)
    return {"about": {"yes"}, "role": role, "level": level, "skills": skills}


def main(argv: list[str]) -> None:
    verbose = "--verbose" in argv
    paths = [a for a in argv if not a.startswith("--")]
    cases = yaml.safe_load(Path(paths[0] if paths else CASES).read_text(encoding="utf-8"))["cases"]
    config = DdatConfig.of(load_config(ROOT / "config" / "community.yml"))
    kit = load_kit(config, load_taxonomy(ROOT / config.ddat.taxonomy))
    print(f"{len(cases)} cases ({sum(c.get('about') is False for c in cases)} not DDaT)")
    for shown in (False, True):
        print()
        print("labelled or proposed (what the bot shows)" if shown else "labelled (confident)")
        for chosen in ("tune", "held", "all"):
            scores = {k: Score() for k in ("about", "role", "level", "skills")}
            subset = [c for c in cases if chosen in ("all", c["set"])]
            for case in subset:
                got = answer(kit, case, shown)
                about = case.get("about", True)
                want = {
                    "about": {"yes"} if about else set(),
                    "role": {case["role"]} if about and case.get("role") else set(),
                    "level": {case["level"]} if about and case.get("level") else set(),
                    "skills": set(case.get("skills") or []) if about else set(),
                }
                for key, score in scores.items():
                    score.add(got[key], want[key])
                if verbose and got != want:
                    print(f"  {case['id']}: got {got} want {want}")
            print(f"  {chosen:4} ({len(subset):2} cases)")
            for key, score in scores.items():
                print(f"    {key:7} {score.figures()}")
    started = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for case in cases:
            kit.classify(case["text"], case.get("title"))
    took = (time.perf_counter() - started) / (rounds * len(cases))
    print(f"\nspeed: {took * 1000:.2f} ms per text (classify, {rounds} rounds)")


if __name__ == "__main__":
    main(sys.argv[1:])
