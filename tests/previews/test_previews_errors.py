"""Errors that say what to do (what the acceptance run met): each is one line and the right
exit code, before anything is sent."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ghcommunity.cli import cli, main

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "community.yml"
REPO = "uk-x-gov-software-community/community-space"


def run(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: Any) -> tuple[int, str]:
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL", "GITHUB_EVENT_NAME"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.err + captured.out


def test_no_token_is_its_own_message_not_a_404(
    sample_sandbox: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code, text = run(
        ["lifecycle", "--config", str(CONFIG), "--api-url", sample_sandbox.url, "--dry-run"],
        monkeypatch,
        capsys,
    )
    assert code == 2
    assert text.startswith("error: no GitHub token: pass --token, or set GITHUB_TOKEN")
    assert "404" not in text
    assert sample_sandbox.stats()["total"] == 0  # nothing was sent


@pytest.mark.parametrize("url", ["localhost:8080", "api.github.com", "127.0.0.1:9/api/v3"])
def test_an_api_url_without_a_scheme_is_bad_input_at_once(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code, text = run(
        ["lifecycle", "--config", str(CONFIG), "--api-url", url, "--token", "t"],
        monkeypatch,
        capsys,
    )
    assert code == 2
    assert text.strip() == (
        f"error: --api-url {url!r}: expected a full URL with its scheme, such as "
        "https://api.github.com, https://HOST/api/v3 or http://127.0.0.1:8000"
    )


@pytest.mark.parametrize(
    ("name", "key", "guess"),
    [
        ("issues", "pull_request", "it looks like a `pull_request` event"),
        ("pull_request", "issue", "it looks like an `issues` event"),  # "an", not "a"
    ],
)
def test_a_payload_that_does_not_match_the_event_name_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, name: str, key: str, guess: str
) -> None:
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "action": "opened",
                key: {"number": 4, "title": "t"},
                "repository": {"full_name": REPO},
                "sender": {"login": "ada"},
            }
        )
    )
    code, text = run(
        ["handle", "--event-name", name, "--event", str(event), "--config", str(CONFIG)],
        monkeypatch,
        capsys,
    )
    assert code == 2
    missing = "issue" if name == "issues" else "pull_request"
    assert f"the payload does not match --event-name {name}: it has no `{missing}`" in text
    assert guess in text


def test_a_missing_forms_folder_is_a_warning_on_every_triage_run(
    sample_sandbox: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    issue = {
        "number": 1,
        "title": "A question",
        "body": "### Tell us more\n\nHow?",
        "user": {"login": "ada", "type": "User"},
        "labels": [],
        "state": "open",
    }
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "action": "opened",
                "issue": issue,
                "repository": {"full_name": REPO},
                "sender": {"login": "ada"},
            }
        )
    )
    args = [
        "handle",
        "--event-name",
        "issues",
        "--event",
        str(event),
        "--config",
        str(CONFIG),
        "--forms",
        str(tmp_path / "no-forms-here"),
        "--api-url",
        sample_sandbox.url,
        "--token",
        "test-token",
        "--dry-run",
    ]
    for _ in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert any(
            "no-forms-here: no such folder of issue forms, so every issue is read as free text" in w
            for w in warnings
        ), warnings
