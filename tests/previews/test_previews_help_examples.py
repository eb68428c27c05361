"""Every command's `--help` ends with one or two examples, and they use real options."""

from __future__ import annotations

import shlex

import click
import pytest
from click.testing import CliRunner

from ghcommunity.cli import SUBCOMMANDS, cli
from ghcommunity.cli.examples import EXAMPLES


def leaves() -> dict[str, click.Command]:
    ctx = click.Context(cli)
    found: dict[str, click.Command] = {}

    def walk(command: click.Command | None, path: str) -> None:
        assert command is not None, path
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), f"{path} {name}")
        else:
            found[path] = command

    for name in sorted(SUBCOMMANDS):
        walk(cli.get_command(ctx, name), name)
    return found


COMMANDS = leaves()


GROUPS = {
    "",
    *(
        name
        for name in SUBCOMMANDS
        if isinstance(cli.get_command(click.Context(cli), name), click.Group)
    ),
}


def test_every_command_and_group_has_examples_and_no_stale_ones() -> None:
    assert set(COMMANDS) | GROUPS == set(EXAMPLES)
    assert all(1 <= len(lines) <= 2 for lines in EXAMPLES.values())


@pytest.mark.parametrize("path", sorted(GROUPS))
def test_a_groups_help_ends_with_examples_of_its_commands(path: str) -> None:
    result = CliRunner().invoke(cli, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    tail = result.output.rstrip().splitlines()
    count = len(EXAMPLES[path])
    assert tail[-count - 1].strip() == "Examples:", result.output
    for line in tail[-count:]:
        words = shlex.split(line.split("  #")[0])
        assert words[0] == "ghcommunity"
        assert words[1 : 1 + len(path.split())] == path.split(), line
        # The example runs a real command of the group (its options are checked above).
        assert " ".join(words[1:3]) in COMMANDS or words[1] in COMMANDS, line


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_help_ends_with_examples_that_use_real_options(path: str) -> None:
    result = CliRunner().invoke(cli, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    tail = result.output.rstrip().splitlines()
    count = len(EXAMPLES[path])
    assert tail[-count - 1].strip() == "Examples:", result.output
    command = COMMANDS[path]
    known = {opt for param in command.params for opt in param.opts}
    for line in tail[-count:]:
        words = shlex.split(line.split("  #")[0])
        assert words[0] == "ghcommunity"
        rest = [w for w in words[1:] if w != "-v"]
        assert rest[: len(path.split())] == path.split(), line
        for word in rest[len(path.split()) :]:
            if word.startswith("--"):
                assert word.split("=")[0] in known, (path, word)
