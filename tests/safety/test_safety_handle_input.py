"""`ghcommunity handle` on a payload it cannot use: exit 2 with one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ghcommunity.cli import main

CONFIG = Path(__file__).resolve().parents[2] / "config" / "community.yml"

PAYLOADS = {
    "nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
    "nested 100 deep": '{"a":' * 100 + "1" + "}" * 100,
    "a lone surrogate": '{"action": "opened", "issue": {"number": 1, "title": "\\ud800"}}',
    "not JSON": "{nope",
    "not an object": "[1, 2]",
}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_an_unusable_payload_is_exit_2(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "event.json"
    path.write_text(PAYLOADS[name], encoding="utf-8")
    argv = ["handle", "--event-name", "issues", "--event", str(path), "--config", str(CONFIG)]
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--api-url", "http://127.0.0.1:9", "--token", "t"])
    err = capsys.readouterr().err
    assert exited.value.code == 2, err
    assert err.startswith(f"error: {path}")
    assert len(err.strip().splitlines()) == 1
