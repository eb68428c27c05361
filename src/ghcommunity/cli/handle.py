"""`ghcommunity handle`: run every enabled handler for one event (the Action's door)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ghcommunity.cli.common import (
    client,
    config_option,
    echo_json,
    github_options,
    load,
    plan_options,
)
from ghcommunity.core.errors import InputError
from ghcommunity.core.events import Event
from ghcommunity.github.context import Context
from ghcommunity.jobs.runner import DispatchResult, dispatch


def read_event(name: str | None, path: str | None) -> Event:
    """The event from --event-name/--event, or GITHUB_EVENT_NAME/GITHUB_EVENT_PATH."""
    if not name:
        raise InputError("no event name: pass --event-name or set GITHUB_EVENT_NAME")
    if not path:
        raise InputError("no event payload: pass --event FILE or set GITHUB_EVENT_PATH")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the event payload: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the event payload is not UTF-8 JSON ({exc.reason})") from None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: the event payload is nested too deeply") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: the event payload must be a JSON object")
    if _depth(data) > MAX_DEPTH:
        raise InputError(f"{path}: the event payload is nested more than {MAX_DEPTH} levels")
    surrogate = _lone_surrogate(data)
    if surrogate:
        raise InputError(f"{path}: the event payload has a lone surrogate (\\u{surrogate:04x})")
    check_event_matches(name, data, path)
    return Event(name=name, payload=data)


MAX_DEPTH = 64  # GitHub's own payloads are under 10 levels deep


def _depth(value: Any) -> int:
    """How deeply a JSON value nests (iterative: no recursion limit to hit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _lone_surrogate(value: Any) -> int | None:
    """The first lone surrogate in a payload's strings (not text: it cannot be sent on)."""
    stack = [value]
    while stack:
        item = stack.pop()
        texts = [item] if isinstance(item, str) else []
        if isinstance(item, dict):
            texts += [k for k in item if isinstance(k, str)]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        for text in texts:
            for ch in text:
                if "\ud800" <= ch <= "\udfff":
                    return ord(ch)
    return None


# What a payload of each event carries (GitHub's webhook payloads), to tell a payload saved from
# one event and handed in as another (e.g. a pull request's as `issues`).
EVENT_KEYS: dict[str, tuple[str, ...]] = {
    "issues": ("issue",),
    "issue_comment": ("issue", "comment"),
    "pull_request": ("pull_request",),
    "pull_request_target": ("pull_request",),
    "pull_request_review": ("pull_request", "review"),
    "discussion": ("discussion",),
    "discussion_comment": ("discussion", "comment"),
    "push": ("ref",),
    "repository_dispatch": ("action",),
    "label": ("label",),
}


def _looks_like(data: dict[str, Any]) -> str | None:
    for name in ("issue_comment", "discussion_comment", "pull_request", "discussion", "issues"):
        if all(key in data for key in EVENT_KEYS[name]):
            return name
    if "ref" in data and "commits" in data:
        return "push"
    return None


def check_event_matches(name: str, data: dict[str, Any], path: str) -> None:
    """Refuse a payload that cannot be the named event (it would find no handler, silently)."""
    needed = EVENT_KEYS.get(name)
    if needed is None:
        return  # an event we know nothing about: the dispatcher says there is no handler
    missing = [key for key in needed if not isinstance(data.get(key), dict | str)]
    if not missing:
        return
    guess = _looks_like(data)
    article = "an" if guess and guess[0] in "aeiou" else "a"
    hint = f"; it looks like {article} `{guess}` event" if guess and guess != name else ""
    raise InputError(
        f"{path}: the payload does not match --event-name {name}: it has no "
        + " or ".join(f"`{key}`" for key in missing)
        + f"{hint} (check --event-name or GITHUB_EVENT_NAME)"
    )


def describe(result: DispatchResult) -> str:
    if result.ignored:
        return f"{result.event}: ignored: {result.ignored}"
    if not result.handlers:
        return f"{result.event}: no handler for this event"
    lines = [f"{result.event}: {len(result.handlers)} handler(s)"]
    if result.outcomes:
        lines += [f"  {o.status}: {o.op.describe()} {o.detail}".rstrip() for o in result.outcomes]
    else:
        lines += ["  " + line for line in result.plan.to_text().splitlines()]
    return "\n".join(lines)


@click.command()
@click.option("--event-name", envvar="GITHUB_EVENT_NAME", help="e.g. issues, issue_comment.")
@click.option("--event", "event_path", envvar="GITHUB_EVENT_PATH", help="The payload JSON file.")
@config_option
@github_options
@click.option(
    "--forms",
    "forms_dir",
    type=click.Path(file_okay=False),
    help="Read the issue forms from this directory (default: the config's triage.forms_path).",
)
@plan_options
def handle(
    event_name: str | None,
    event_path: str | None,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
    dry_run: bool,
    forms_dir: str | None,
    as_json: bool,
) -> None:
    """Run every enabled handler for one event and apply the Plan (or print it with --dry-run)."""
    event = read_event(event_name, event_path)
    config = load(config_path)
    # The working directory is the checkout (as for every command): files such as the DDaT
    # taxonomy are read from it.
    ctx = Context(
        config=config, client=client(api_url, token), dry_run=dry_run, checkout=Path.cwd()
    )
    if forms_dir:
        from ghcommunity.github.forms import DirectoryFormSource

        ctx.form_source = DirectoryFormSource(Path(forms_dir))
    result = dispatch(event, ctx)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(describe(result))
