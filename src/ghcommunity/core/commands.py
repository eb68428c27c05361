"""Slash commands in issue comments: the registry every job adds its commands to, finding
commands in a comment, permission rules, and the pure planner. The built-in commands and the
handler are in `jobs/triage/commands.py`; permissions are read in `github/permissions.py`.

A command is a line of a comment that starts with `/name`; lines in fenced or indented code
blocks, in `>` quotes and in HTML comments are ignored. On an edited comment only commands that
were not in the comment before run (compared with the payload's `changes.body.from`). Who may
run what comes from `triage.commands.permissions` (else the command's default): 'anyone',
'author' (the issue's author, or triage access and above), 'read', 'triage', 'write',
'maintain', 'admin', 'team:<slug>', 'logins:a,b', several joined by ' or '. Repository roles
come from `GET /repos/{owner}/{repo}/collaborators/{user}/permission`, team membership from
`GET /orgs/{org}/teams/{team}/memberships/{user}`, each read at most once per event.

An accepted command gets 👀 then 👍 on its comment; a refused or failed one gets a short reply
saying why (one reply per command comment, edited in place if the comment is edited again).

Registering a command (e.g. in `jobs/ddat/handlers.py`)::

    from ghcommunity.core.commands import CommandCall, CommandError, slash_command

    @slash_command("ddat", permission="triage", usage="/ddat role=... level=... skill=...",
                   help="Set the DDaT role, level and skills of this feedback.")
    def ddat_command(call: CommandCall) -> Plan:
        ...  # read call.args / call.argv, call.view(DdatConfig), call.snapshot, call.labels
        kit = context_kit(call.context)  # anything more, read through the event's Context
        raise CommandError("no role named 'wizard'")  # to refuse, with the reason replied

The handler receives a `CommandCall` and returns a Plan (or None for nothing to do); it plans
from what it is given (`call.now` is the time; `call.view(X)` its own job's view of the config)
and reads anything more (a file of the repo) through `call.context`, the event's Context, never
from the network or files itself. Raising `CommandError` replies with its message.
`call.labels` are the issue's labels after the commands before it in the same comment.
"""

from __future__ import annotations

import logging
import re
import shlex
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ghcommunity.core import payload as p
from ghcommunity.core.errors import GhcError
from ghcommunity.core.events import Event
from ghcommunity.core.markdown import code_span
from ghcommunity.core.plan import (
    AddLabels,
    Comment,
    DeleteComment,
    Plan,
    React,
    RemoveLabels,
    marker_key,
)

if TYPE_CHECKING:
    from ghcommunity.config import Config, ConfigView
    from ghcommunity.config.community import Community
    from ghcommunity.config.triage import Triage
    from ghcommunity.github.context import Context
    from ghcommunity.github.snapshot import IssueSnapshot

log = logging.getLogger(__name__)

ROLES = ("read", "triage", "write", "maintain", "admin")
LEGACY = {"admin": "admin", "write": "write", "read": "read"}  # the `permission` field
_COMMAND = re.compile(r"^ {0,3}/(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?:[ \t]+(?P<args>.*?))?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
MAX_REPLY_LINES = 10
PERMISSION_TIERS = ("anyone", "author", "read", "triage", "write", "maintain", "admin")


def check_permission(value: str) -> str:
    """A permission rule: tiers joined by ' or ', e.g. 'author or team:facilitators'."""
    for part in (x.strip() for x in value.split(" or ")):
        if part in PERMISSION_TIERS:
            continue
        kind, _, rest = part.partition(":")
        if kind == "team" and re.fullmatch(r"(?:[A-Za-z0-9_.-]+/)?[A-Za-z0-9_.-]+", rest.strip()):
            continue
        if (
            kind == "logins"
            and rest.strip()
            and all(
                re.fullmatch(r"@?[A-Za-z0-9][A-Za-z0-9-]*(?:\[bot\])?", login.strip())
                for login in rest.split(",")
            )
        ):
            continue
        raise ValueError(
            f"unknown permission {part!r}: expected one of {', '.join(PERMISSION_TIERS)}, "
            "'team:<slug>' or 'logins:a,b' (several joined by ' or ')"
        )
    return value


# --------------------------------------------------------------------------------------------
# The registry


V = TypeVar("V", bound="ConfigView")


class HasCommunity(Protocol):
    """The whole config, or any job's view of it."""

    @property
    def community(self) -> Community: ...


class CommandSettings(HasCommunity, Protocol):
    """What the command rules read: the community, and `triage.commands`."""

    @property
    def triage(self) -> Triage: ...


class CommandError(GhcError):
    """A command that cannot run as asked; its message is replied to the person."""

    exit_code = 2


@dataclass(frozen=True)
class CommandCall:
    """One command, as a handler sees it."""

    name: str
    args: str  # the text after `/name`, stripped
    event: Event
    _config: Config = field(repr=False)  # read through `view`, the command's own sections
    snapshot: IssueSnapshot
    actor: str
    comment_id: int
    now: datetime
    labels: tuple[str, ...]  # the issue's labels after the earlier commands in this comment
    # The event's Context, for what a command reads beyond the snapshot (the DDaT taxonomy),
    # read through it like every handler's reads; None where a test plans without one.
    context: Context | None = None

    def view(self, kind: type[V]) -> V:
        """The command's job's view of the config."""
        return kind.of(self._config)

    @property
    def argv(self) -> list[str]:
        """`args` split like a shell would (quotes group words); plain split if unbalanced."""
        try:
            return shlex.split(self.args)
        except ValueError:
            return self.args.split()

    @property
    def repo(self) -> str:
        return self.snapshot.repo

    @property
    def number(self) -> int:
        return self.snapshot.number

    @property
    def author(self) -> str:
        return self.snapshot.issue.author


CommandHandler = Callable[[CommandCall], Plan | None]


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    permission: str
    help: str
    usage: str


COMMANDS: dict[str, Command] = {}


def slash_command(
    name: str, *, permission: str = "triage", help: str, usage: str | None = None
) -> Callable[[CommandHandler], CommandHandler]:
    """Register `/name`. `permission` is the default tier; config may override it."""
    check_permission(permission)

    def register(func: CommandHandler) -> CommandHandler:
        COMMANDS[name.lower()] = Command(name.lower(), func, permission, help, usage or f"/{name}")
        return func

    return register


def permission_for(name: str, config: CommandSettings) -> str:
    configured = config.triage.commands.permissions.get(name)
    if configured:
        return configured
    command = COMMANDS.get(name)
    return command.permission if command else "admin"


# --------------------------------------------------------------------------------------------
# Finding commands in a comment


@dataclass(frozen=True)
class Invocation:
    name: str
    args: str


_DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)


@cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # CommonMark with raw HTML, as GitHub renders comments (GFM's tables and strikethrough
    # too); `linkify` is off: a command line is plain text either way.
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _visible_lines(children: Sequence[Any]) -> list[str]:
    """The lines of a paragraph as a reader sees them: HTML comments gone, code spans on one
    line (GitHub shows a code span's line breaks as spaces)."""
    text = ""
    for child in children:
        if child.type == "text":
            text += child.content
        elif child.type in ("softbreak", "hardbreak"):
            text += "\n"
        elif child.type == "code_inline":
            text += "`" + " ".join(child.content.split("\n")) + "`"
        elif child.type == "html_inline":
            if not child.content.startswith("<!--"):  # a comment is not shown at all
                text += " ".join(child.content.split("\n"))
        elif child.children:
            text += "".join(_visible_lines(child.children))
    return text.split("\n")


def find_commands(body: str | None, known: Sequence[str] | None = None) -> list[Invocation]:
    """The commands in a comment, in order: only a line a reader sees as plain text in a
    top-level paragraph, parsed as GitHub renders Markdown (CommonMark with HTML). Nothing in
    code (fenced, indented, a code span over several lines), quotes (lazy continuation lines
    too), HTML comments (opened mid-line too), HTML blocks (`<pre>`) or a collapsed
    `<details>` runs; nor any `/word` that is not a registered command (a path, say)."""
    names = set(known if known is not None else COMMANDS)
    found: list[Invocation] = []
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    tokens = _markdown().parse(text)
    details = 0
    for index, token in enumerate(tokens):
        if token.type == "html_block":
            details += len(_DETAILS_OPEN.findall(token.content))
            details = max(0, details - len(_DETAILS_CLOSE.findall(token.content)))
            continue
        if (
            token.type != "inline"
            or token.level != 1
            or details
            or tokens[index - 1].type != "paragraph_open"
        ):
            continue
        for line in _visible_lines(token.children or []):
            match = _COMMAND.match(line)
            if match and match["name"].lower() in names:
                found.append(Invocation(match["name"].lower(), (match["args"] or "").strip()))
    return found


def new_commands(
    body: str | None, before: str | None, known: Sequence[str] | None = None
) -> list[Invocation]:
    """Commands in `body` that were not already in `before` (an edited comment)."""
    seen = Counter(find_commands(before, known))
    out = []
    for invocation in find_commands(body, known):
        if seen[invocation]:
            seen[invocation] -= 1
        else:
            out.append(invocation)
    return out


# --------------------------------------------------------------------------------------------
# Permissions


@dataclass
class Actor:
    """What is known about the person who commented (gathered by the handler)."""

    login: str
    role: str | None = None  # read/triage/write/maintain/admin, "none", or None: not looked up
    teams: dict[str, bool] = field(default_factory=dict)  # "org/slug" → member


def _team_key(spec: str, config: HasCommunity) -> str:
    spec = spec.strip()
    return spec if "/" in spec else f"{config.community.org}/{spec}"


def facts_needed(rule: str, config: HasCommunity) -> tuple[bool, list[str]]:
    """(whether the role is needed, the teams to ask about) to decide `rule`."""
    role = False
    teams = []
    for part in (x.strip() for x in rule.split(" or ")):
        if part in ROLES or part == "author":
            role = True
        elif part.startswith("team:"):
            teams.append(_team_key(part[5:], config))
    return role, teams


def _rank(role: str | None) -> int:
    return ROLES.index(role) + 1 if role in ROLES else 0


def allowed(rule: str, actor: Actor, author: str, config: HasCommunity) -> bool:
    login = actor.login.lower()
    for part in (x.strip() for x in rule.split(" or ")):
        if part == "anyone":
            return True
        if part == "author" and (login == author.lower() or _rank(actor.role) >= _rank("triage")):
            return True
        if part in ROLES and _rank(actor.role) >= _rank(part):
            return True
        if part.startswith("team:") and actor.teams.get(_team_key(part[5:], config)):
            return True
        if part.startswith("logins:") and login in {
            x.strip().lstrip("@").lower() for x in part[7:].split(",")
        }:
            return True
    return False


def describe_rule(rule: str) -> str:
    words = {
        "anyone": "anyone",
        "author": "the issue's author or people with triage access",
        "read": "people with read access",
        "triage": "people with triage access",
        "write": "people with write access",
        "maintain": "maintainers",
        "admin": "admins",
    }
    parts = []
    for part in (x.strip() for x in rule.split(" or ")):
        if part in words:
            parts.append(words[part])
        elif part.startswith("team:"):
            parts.append(f"the @{part[5:].strip()} team")
        elif part.startswith("logins:"):
            parts.append(", ".join("@" + x.strip().lstrip("@") for x in part[7:].split(",")))
    return " or ".join(parts)


# --------------------------------------------------------------------------------------------
# The planner


def _comment_id(event: Event) -> int | None:
    return p.integer(event.payload, "comment", "id")


def commands_in_event(event: Event) -> list[Invocation]:
    """The commands this `issue_comment` event asks for (only new ones on an edit)."""
    body = p.text(event.payload, "comment", "body")
    if event.action == "created":
        return find_commands(body)
    if event.action == "edited":
        before = p.get(event.payload, "changes", "body", "from")
        if not isinstance(before, str):
            return []  # the body did not change
        return new_commands(body, before)
    return []


def _commands_removed(event: Event) -> bool:
    """Whether an edit took commands out of the comment (e.g. replaced a refused one)."""
    before = p.get(event.payload, "changes", "body", "from")
    after = p.text(event.payload, "comment", "body")
    return isinstance(before, str) and bool(new_commands(before, after))


def ignore_comment(event: Event, config: HasCommunity) -> str | None:
    payload = event.payload
    if p.get(payload, "issue", "pull_request"):
        return "a pull request comment (commands work on issues)"
    body = p.text(payload, "comment", "body")
    if marker_key(body):
        return "the bot's own comment"
    user = p.get(payload, "comment", "user")
    login = p.login(payload, "comment", "user")
    if not login:
        return "no author in the payload (nobody to answer or check)"
    if login.lower() == config.community.bot_login.lower() or p.is_bot(user):
        return "a comment by a bot"
    if _comment_id(event) is None:
        return "no comment id in the payload"
    return None


def _apply_labels(labels: list[str], plan: Plan) -> list[str]:
    current = {n.lower(): n for n in labels}
    for op in plan:
        if isinstance(op, AddLabels):
            for name in op.labels:
                current.setdefault(name.lower(), name)
        elif isinstance(op, RemoveLabels):
            for name in op.labels:
                current.pop(name.lower(), None)
    return list(current.values())


def plan_commands(
    event: Event,
    config: Config,
    snapshot: IssueSnapshot,
    actor: Actor,
    now: datetime,
    context: Context | None = None,
) -> Plan:
    """What the slash commands in one comment do. Pure: permissions come in `actor`; what a
    command reads beyond the snapshot it reads through `context` (its handler's edge)."""
    plan = Plan()
    if not config.triage.commands.enabled:
        return plan.note("slash commands are disabled (triage.commands.enabled: false)")
    reason = ignore_comment(event, config)
    if reason:
        return plan.note(f"commands ignored: {reason}")
    comment_id = _comment_id(event)
    assert comment_id is not None
    repo, number = snapshot.repo, snapshot.number
    author = snapshot.issue.author
    labels = list(snapshot.issue.labels)
    replies: list[str] = []
    accepted = 0
    for invocation in commands_in_event(event):
        command = COMMANDS[invocation.name]
        rule = permission_for(invocation.name, config)
        args = invocation.args if len(invocation.args) <= 100 else invocation.args[:97] + "..."
        # Their words, as a code span they cannot close: no mentions, no links in our reply.
        shown = code_span(f"/{invocation.name}{' ' + args if args else ''}")
        if not allowed(rule, actor, author, config):
            replies.append(f"{shown} was not run: it is for {describe_rule(rule)}.")
            continue
        call = CommandCall(
            name=invocation.name,
            args=invocation.args,
            event=event,
            _config=config,
            snapshot=snapshot,
            actor=actor.login,
            comment_id=comment_id,
            now=now,
            labels=tuple(labels),
            context=context,
        )
        try:
            result = command.handler(call)
        except CommandError as exc:
            replies.append(f"{shown} was not run: {exc}")
            continue
        accepted += 1
        if result is not None:
            labels = _apply_labels(labels, result)
            plan.extend(result)
    if accepted:
        # 👀 first: seen; then 👍: done (both on the command's comment).
        plan.operations.insert(
            0, React(repo=repo, issue=number, content="eyes", comment_id=comment_id)
        )
        plan.add(React(repo=repo, issue=number, content="+1", comment_id=comment_id))
    if replies:
        # Summarised: a comment of 3,000 refused commands gets a reply of ten lines and a count
        # (GitHub refuses a body over 65,536 characters).
        shown_replies = replies[:MAX_REPLY_LINES]
        more = len(replies) - len(shown_replies)
        text = (
            f"@{actor.login}: " + replies[0]
            if len(replies) == 1
            else (
                f"@{actor.login}: some commands were not run:\n\n"
                + "\n".join(f"- {r}" for r in shown_replies)
                + (f"\n\n...and {more} more not run." if more else "")
            )
        )
        plan.add(Comment(repo=repo, issue=number, key=f"command-reply-{comment_id}", body=text))
    elif (
        accepted
        and event.action == "edited"
        and f"command-reply-{comment_id}" in (snapshot.state.comments or {})
        and _commands_removed(event)
    ):
        # The comment was edited to replace what was refused: the old reply no longer applies.
        plan.add(DeleteComment(repo=repo, issue=number, key=f"command-reply-{comment_id}"))
    return plan
