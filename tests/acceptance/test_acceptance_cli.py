"""Acceptance: the command line's promises, checked across every subcommand at once.

- every command that talks to GitHub takes --api-url and --token (and --config); every command
  that writes to GitHub takes --dry-run and --json;
- a bad flag, on any command, is one line on stderr and exit 2, never a usage screen or a
  traceback; so is a malformed event payload;
- the token never appears in what a command prints or logs, even when it is the cause of an
  error (a secret pasted with a newline).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click
import pytest

from ghcommunity.cli import cli, main

REFERENCE = Path(__file__).resolve().parents[2] / "config" / "community.yml"
TOKEN = "ghp_acceptanceSECRET0123456789abcdef"  # made up: what must never be printed


def leaf_commands() -> dict[str, click.Command]:
    """Every runnable command, by its path: {"labels sync": <Command>, ...}."""
    ctx = click.Context(cli)
    found: dict[str, click.Command] = {}

    def walk(command: click.Command, path: list[str]) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, [*path, name])
        else:
            found[" ".join(path)] = command

    walk(cli, [])
    return found


def options(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in param.opts}


# Commands that read or write GitHub. `init` reads it only to pin a release to its commit.
TALKS_TO_GITHUB = {
    "audit",
    "directory",  # reads the notes folders for each group's status (--no-notes: none)
    "dashboard",
    "ddat export",
    "ddat report",
    "digest",
    "handle",
    "init",
    "labels sync",
    "lifecycle",
    "meetings generate",
    "meetings plan",
    "serve",
    "sync",
}
# Commands whose job is to write to GitHub (through a Plan).
WRITES_TO_GITHUB = {
    "audit",  # with --publish
    "dashboard",
    "ddat export",
    "digest",  # with --publish
    "handle",
    "labels sync",
    "lifecycle",
    "meetings generate",
}


def test_the_lists_above_name_real_commands() -> None:
    commands = leaf_commands()
    assert set(commands) >= TALKS_TO_GITHUB
    assert WRITES_TO_GITHUB <= TALKS_TO_GITHUB
    # Whatever takes --api-url is listed here, so a new command cannot slip past these checks.
    takes_api_url = {name for name, c in commands.items() if "--api-url" in options(c)}
    assert takes_api_url - {"sandbox reset", "sandbox stats"} == TALKS_TO_GITHUB


@pytest.mark.parametrize("name", sorted(TALKS_TO_GITHUB))
def test_commands_that_talk_to_github_take_api_url_token_and_config(name: str) -> None:
    have = options(leaf_commands()[name])
    assert {"--api-url", "--token"} <= have, name
    if name not in ("serve", "init"):  # the App reads each repo's config; init writes it
        assert "--config" in have, name
    by_param = {p.name: p for p in leaf_commands()[name].params}
    assert getattr(by_param["api_url"], "envvar", None) == "GITHUB_API_URL"
    assert getattr(by_param["token"], "envvar", None) == ["GITHUB_TOKEN", "GH_TOKEN"]


@pytest.mark.parametrize("name", sorted(WRITES_TO_GITHUB))
def test_commands_that_write_take_dry_run_and_json(name: str) -> None:
    command = leaf_commands()[name]
    have = options(command)
    assert "--dry-run" in have, name
    if name == "audit":
        # audit prints its report (and, with --publish --dry-run, the Plan) as JSON through
        # `--format json` rather than `--json`.
        fmt = next(p for p in command.params if "--format" in p.opts)
        assert isinstance(fmt.type, click.Choice)
        assert "json" in fmt.type.choices
    else:
        assert "--json" in have, name


@pytest.mark.parametrize("name", sorted(leaf_commands()))
def test_a_bad_flag_is_one_line_and_exit_2(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*name.split(), "--no-such-flag"])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "--no-such-flag" in lines[0]
    assert "Traceback" not in out + err


def test_a_bad_value_is_one_line_and_says_where_to_look(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["meetings", "plan", "--config", str(REFERENCE), "--from", "tomorrow"])
    assert exited.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: Invalid value for '--from'")
    assert "`ghcommunity meetings plan --help`" in line


def test_a_bare_group_still_shows_its_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["meetings"])
    assert exited.value.code == 2
    assert "generate" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ("", "not valid JSON"),
        (None, "cannot read the event payload"),  # no such file
        (b"\xff\xfe\x00binary", "event payload"),
    ],
)
def test_a_malformed_event_payload_is_one_line_and_exit_2(
    content: str | bytes | None, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "event.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(SystemExit) as exited:
        main(["handle", "--config", str(REFERENCE), "--event-name", "issues", "--event", str(path)])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    (line,) = err.strip().splitlines()
    assert line.startswith("error: "), line
    assert says in line, line
    assert "Traceback" not in out + err


# -- the token ---------------------------------------------------------------------------------


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out + err


def test_the_token_never_appears_in_output_or_logs(
    sample_sandbox: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("GITHUB_API_URL", sample_sandbox.url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    repo = "uk-x-gov-software-community/community-space"
    issue = sample_sandbox.state.add_issue(repo, title="A question", body="Hello", author="ada")
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "action": "opened",
                "issue": {"number": issue, "title": "A question", "body": "Hello"},
                "repository": {"full_name": repo},
                "sender": {"login": "ada"},
            }
        )
    )
    config = ["--config", str(REFERENCE)]
    commands = [
        ["-vv", "labels", "sync", *config, "--dry-run", "--json"],
        ["-vv", "lifecycle", *config, "--dry-run"],
        ["-vv", "handle", *config, "--event-name", "issues", "--event", str(event)],
        ["-vv", "meetings", "plan", *config, "--group", "lean-coffee"],
        ["-vv", "ddat", "report", *config, "--format", "json"],
        ["-vv", "audit", *config, "--format", "json"],
        ["-vv", "sync", *config, "--store", f"sqlite:///{tmp_path}/store.sqlite"],
        # Errors name the repository and the permission, never the credentials.
        ["-vv", "labels", "sync", *config, "--repo", "nope/nope", "--dry-run"],
        ["-vv", "lifecycle", *config, "--dry-run", "--token", TOKEN + "\n"],
        ["-vv", "lifecycle", *config, "--dry-run", "--token", TOKEN + "\nmore"],
    ]
    codes = []
    for args in commands:
        code, printed = run(args, capsys)
        codes.append(code)
        assert TOKEN not in printed, args
    assert TOKEN not in caplog.text
    assert codes[:7] == [0] * 7, codes
    assert codes[7] == 1  # the repository is not there
    assert codes[8] == 0  # a trailing newline (a pasted secret) is not part of the token
    assert codes[9] == 2  # a token that cannot be sent is bad input


def test_a_token_with_a_stray_character_is_named_as_the_problem(
    sandbox: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_API_URL", sandbox.url)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_one\rtwo")
    code, printed = run(["lifecycle", "--config", str(REFERENCE), "--dry-run"], capsys)
    assert code == 2
    (line,) = printed.strip().splitlines()
    assert "stray character" in line
    assert "token" in line
    assert "ghp_one" not in line


@pytest.mark.parametrize(
    "args",
    [
        ["config", "validate", "{file}"],
        ["lifecycle", "--config", "{file}", "--dry-run"],
        [
            "form",
            "parse",
            "--form",
            str(REFERENCE.parent / "issue-forms" / "agenda-item.yml"),
            "--body",
            "{file}",
        ],
        ["ddat", "classify", "--config", str(REFERENCE), "--body", "{file}", "--json"],
        ["handle", "--config", str(REFERENCE), "--event-name", "issues", "--event", "{file}"],
        ["sandbox", "serve", "--seed", "{file}"],
    ],
    ids=lambda args: " ".join(a for a in args[:2] if not a.startswith(("-", "/"))),
)
def test_a_file_that_is_not_text_is_bad_input(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "not-text.yml"
    path.write_bytes(b"\xda\xff\x00\x81 not UTF-8")
    code, printed = run([a.replace("{file}", str(path)) for a in args], capsys)
    assert code == 2, printed
    (line,) = printed.strip().splitlines()
    assert line.startswith("error: ")
    assert str(path) in line or "not-text.yml" in line
