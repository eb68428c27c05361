"""One or two examples for every command's `--help`, applied as its epilog when it is loaded
(`cli/__init__.py`), so they live in one place."""

from __future__ import annotations

import click

EXAMPLES: dict[str, tuple[str, ...]] = {
    # The groups: where to start.
    "": (
        "ghcommunity demo                        # every job against a local GitHub",
        "ghcommunity config validate             # check .github/ghcommunity.yml",
    ),
    "config": ("ghcommunity config validate .github/ghcommunity.yml",),
    "ddat": (
        "ghcommunity ddat classify --title 'Senior dev and mentoring' --body issue.md --json",
        "ghcommunity ddat report --format xlsx --anonymise --out ddat.xlsx",
    ),
    "form": ("ghcommunity form validate --forms .github/ISSUE_TEMPLATE",),
    "labels": ("ghcommunity labels sync --dry-run",),
    "meetings": (
        "ghcommunity meetings plan --offline --from 2026-11-01 --until 2026-12-31",
        "ghcommunity meetings generate --dry-run",
    ),
    "sandbox": ("ghcommunity sandbox serve --seed sample --port 8000",),
    "audit": (
        "ghcommunity audit",
        "ghcommunity audit --publish --dry-run   # what the tracking issue would say",
    ),
    "config schema": ("ghcommunity config schema > ghcommunity.schema.json",),
    "config validate": ("ghcommunity config validate .github/ghcommunity.yml",),
    "dashboard": (
        "ghcommunity dashboard --dry-run         # the dashboard issue as it would be written",
        "ghcommunity dashboard --print           # just its text",
    ),
    "ddat classify": ("ghcommunity ddat classify --title 'Platform skills' --body issue.md",),
    "ddat export": ("ghcommunity ddat export --month 2026-10 --dry-run",),
    "ddat form": ("ghcommunity ddat form --check",),
    "ddat report": ("ghcommunity ddat report --since 2026-10-01 --format csv --out ddat.csv",),
    "ddat taxonomy": ("ghcommunity ddat taxonomy --check",),
    "demo": ("ghcommunity demo                        # writes ./demo-output/",),
    "digest": (
        "ghcommunity digest --month 2026-10 --format html --out digest.html",
        "ghcommunity digest --publish discussion --dry-run",
    ),
    "directory": ("ghcommunity directory --out directory.md",),
    "form parse": (
        "ghcommunity form parse --form .github/ISSUE_TEMPLATE/ddat-feedback.yml --body body.md",
    ),
    "form render": ("ghcommunity form render --check",),
    "form validate": ("ghcommunity form validate --forms .github/ISSUE_TEMPLATE",),
    "handle": ("ghcommunity handle --event-name issues --event event.json --dry-run",),
    "init": ("ghcommunity init --dry-run",),
    "labels list": ("ghcommunity labels list",),
    "labels sync": (
        "ghcommunity labels sync --dry-run",
        "ghcommunity -v labels sync               # and each label it changed",
    ),
    "lifecycle": ("ghcommunity lifecycle --dry-run",),
    "meetings calendar": ("ghcommunity meetings calendar --out calendars/",),
    "meetings generate": (
        "ghcommunity meetings generate --dry-run",
        "ghcommunity meetings generate --lead-time 2w --group lean-coffee",
    ),
    "meetings plan": ("ghcommunity meetings plan --offline --from 2026-11-01 --until 2026-12-31",),
    "sandbox reset": ("ghcommunity sandbox reset --api-url http://127.0.0.1:8000 --seed sample",),
    "sandbox serve": ("ghcommunity sandbox serve --seed sample --port 8000",),
    "sandbox stats": ("ghcommunity sandbox stats --api-url http://127.0.0.1:8000",),
    "serve": ("ghcommunity serve --port 8080 --app-id 12345 --private-key-file app.pem",),
    "sync": ("ghcommunity sync --store sqlite:///.ghcommunity/store.sqlite",),
}


def epilog(lines: tuple[str, ...]) -> str:
    # "\b" keeps click from re-wrapping the lines.
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def add_examples(command: click.Command, path: str) -> None:
    """Set the examples of `command` (and of its subcommands, for a group) as their epilogs."""
    lines = EXAMPLES.get(path.strip())
    if lines and not command.epilog:
        command.epilog = epilog(lines)
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            add_examples(sub, f"{path} {name}")
