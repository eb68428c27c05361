"""A repository's config is parsed once per version (its blob SHA): a broken or hostile config
costs one parse and one check run, nothing per event, however often the cache refreshes."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from app_harness import Harness, config_text
from test_app_processing import only_handlers, push

from ghcommunity.app import repo_config
from ghcommunity.app.repo_config import MAX_CONFIG_BYTES, ParsedConfigs

REPO = "octo-org/octo-repo"
__all__ = ["only_handlers"]


def counting_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = repo_config.parse_config

    def parse_config(text: str, path: str) -> Any:
        seen.append(text)
        return real(text, path)

    monkeypatch.setattr(repo_config, "parse_config", parse_config)
    return seen


@pytest.mark.parametrize("broken", [True, False])
def test_a_config_is_parsed_once_per_version_not_per_event(
    make_harness: Callable[..., Harness],
    only_handlers: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
    broken: bool,
) -> None:
    parses = counting_parses(monkeypatch)
    ran: list[str] = []
    only_handlers((("issues",), lambda event, ctx: ran.append(event.key)))
    harness = make_harness(config_ttl=0.0)  # every event looks the file up again
    fake = harness.fake
    assert fake is not None
    extra = "unknown_section: 1\n" if broken else ""
    fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(REPO, extra)
    harness.post("push", push(REPO, changed=True, after="c" * 40))
    issue = {"action": "opened", "issue": {"number": 1}, "repository": {"full_name": REPO}}
    for _ in range(5):
        harness.post("issues", issue)
    harness.drain()
    assert len(parses) == 1
    assert len(fake.check_runs) == 1
    assert fake.check_runs[0]["conclusion"] == ("failure" if broken else "success")
    assert ran == ([] if broken else ["issues.opened"] * 5)
    # A new version is parsed (once) when it arrives.
    fake.files[(REPO, ".github/ghcommunity.yml")] = config_text(REPO, "# fixed\n")
    harness.post("push", push(REPO, changed=True, after="d" * 40))
    harness.post("issues", issue)
    harness.drain()
    assert len(parses) == 2


def test_an_oversized_config_is_refused_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    parses = counting_parses(monkeypatch)
    text = "community:\n" + "# padding\n" * (MAX_CONFIG_BYTES // 10 + 1)
    data = {
        "type": "file",
        "encoding": "base64",
        "sha": "big",
        "content": base64.b64encode(text.encode()).decode(),
    }
    loaded = ParsedConfigs().parse(REPO, data, 0.0)
    assert loaded.error is not None
    assert "at most 512 KB" in str(loaded.error)
    assert parses == []
