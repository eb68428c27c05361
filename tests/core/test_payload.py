from __future__ import annotations

import json
from pathlib import Path

from ghcommunity.core import payload as p

WEBHOOKS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "webhooks"


def test_get_walks_dicts_and_lists_safely() -> None:
    data = {"issue": {"labels": [{"name": "a"}, "b", 3], "user": None}, "n": 1}
    assert p.get(data, "issue", "labels", 0, "name") == "a"
    assert p.get(data, "issue", "labels", 9, "name") is None
    assert p.get(data, "issue", "user", "login", default="ghost") == "ghost"
    assert p.get(data, "n", "x") is None
    assert p.label_names(data, "issue", "labels") == ["a", "b"]
    assert p.integer({"id": True}, "id") is None
    assert p.text(None, "x") == ""


def test_bots_are_recognised() -> None:
    assert p.is_bot({"login": "dependabot[bot]", "type": "Bot"})
    assert p.is_bot({"login": "ghcommunity[bot]"})
    assert not p.is_bot({"login": "octocat", "type": "User"})


def test_accessors_never_raise_on_real_payloads() -> None:
    paths = list(WEBHOOKS.rglob("*.json"))
    assert paths, f"no webhook payloads under {WEBHOOKS}"
    for path in paths:
        data = json.loads(path.read_text())
        p.repo_full_name(data)
        p.login(data, "sender")
        p.label_names(data, "issue", "labels")
        p.integer(data, "issue", "number")
