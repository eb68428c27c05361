"""The `ghcommunity` command line.

Each subcommand lives in its own module under `ghcommunity.cli` and is imported only when it
runs, so one job's imports never slow down or break another's.
Exit codes: 0 ok, 1 operational failure, 2 bad input or config.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
from typing import Any

import click

from ghcommunity import __version__
from ghcommunity.cli.examples import EXAMPLES, add_examples, epilog
from ghcommunity.core.errors import GhcError

# name → (module, attribute, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "config": ("ghcommunity.cli.config_cmd", "config", "Validate the config or print its schema."),
    "handle": ("ghcommunity.cli.handle", "handle", "Run every enabled handler for one event."),
    "form": ("ghcommunity.cli.form", "form", "Parse issue-form bodies; render forms from config."),
    "labels": ("ghcommunity.cli.labels", "labels", "Labels as code: sync the declared labels."),
    "lifecycle": ("ghcommunity.cli.lifecycle", "lifecycle", "Remind and close needs-info issues."),
    "ddat": (
        "ghcommunity.cli.ddat",
        "ddat",
        "DDaT framework feedback: taxonomy, classify, report.",
    ),
    "meetings": ("ghcommunity.cli.meetings", "meetings", "Plan and generate meeting notes."),
    "sync": ("ghcommunity.cli.sync", "sync", "Fetch repo activity into the local store."),
    "digest": ("ghcommunity.cli.digest", "digest", "Compile the monthly digest."),
    "audit": ("ghcommunity.cli.audit", "audit", "Audit the community registry."),
    "directory": ("ghcommunity.cli.audit", "directory", "Write the directory of groups."),
    "dashboard": (
        "ghcommunity.cli.dashboard",
        "dashboard",
        "Keep the Community dashboard issue up to date.",
    ),
    "serve": ("ghcommunity.cli.serve", "serve", "Run the GitHub App webhook server."),
    "sandbox": ("ghcommunity.cli.sandbox", "sandbox", "A local GitHub for tests and rehearsal."),
    "demo": ("ghcommunity.cli.demo", "demo", "Run every job against the sandbox's sample."),
    "init": ("ghcommunity.cli.init", "init", "Set ghcommunity up in a community's repo."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = SUBCOMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attr, summary = entry
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            return _not_built(cmd_name, summary)
        command = getattr(module, attr)
        assert isinstance(command, click.Command)
        add_examples(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Use the one-line summaries without importing every module.
        with formatter.section("Commands"):
            formatter.write_dl([(name, SUBCOMMANDS[name][2]) for name in sorted(SUBCOMMANDS)])


def _not_built(name: str, summary: str) -> click.Command:
    @click.command(
        name=name,
        help=f"{summary} (not built yet)",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    def stub() -> None:
        from ghcommunity.core.errors import NotBuiltYet

        raise NotBuiltYet(f"`ghcommunity {name}`")

    return stub


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ghcommunity")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """GitHub-native automation for a community that works in a GitHub repo."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


cli.epilog = epilog(EXAMPLES[""])


def tune_collector() -> None:
    """A command is a short-lived process that builds large acyclic structures (the digest's
    window of 100,000 items is ~1.5 million objects): collect the young generation less often.
    Measured with `benchmarks/digest_render.py` on 100,000 stored items: 4.5 CPU s with
    Python's defaults, 3.1 CPU s with these thresholds. Only the doors that own their process
    (the CLI, the Action) do this; the App's long-lived server keeps the defaults."""
    gc.set_threshold(100_000, 50, 100)


def main(argv: list[str] | None = None) -> Any:
    """Entry point: one-line errors and documented exit codes, never a traceback."""
    tune_collector()
    try:
        result = cli.main(args=argv, prog_name="ghcommunity", standalone_mode=False)
    except GhcError as exc:
        for line in str(exc).splitlines() or [""]:
            click.echo(f"error: {line}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help screen
            exc.show()
            sys.exit(2)
        # A bad flag or value: one line, like every other error, and where to read more.
        message = " ".join(exc.format_message().split()).rstrip(".")
        where = exc.ctx.command_path if exc.ctx is not None else "ghcommunity"
        click.echo(f"error: {message} (see `{where} --help`)", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, not a traceback
        if os.environ.get("GHCOMMUNITY_DEBUG"):
            raise
        click.echo(
            f"error: unexpected {type(exc).__name__}: {exc} (set GHCOMMUNITY_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(1)
    if isinstance(result, int) and result:
        sys.exit(result)
    return result
