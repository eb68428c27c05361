"""Slash commands in issue comments: `/label`, `/unlabel`, `/sig`, `/assign`, `/close`,
`/reopen`, `/duplicate`, `/agenda`, `/help` — and any command another job registers.

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

Registering a command (e.g. in `jobs/ddat.py`)::

    from ghcommunity.jobs.triage.commands import CommandCall, CommandError, slash_command

    @slash_command("ddat", permission="triage", usage="/ddat role=... level=... skill=...",
                   help="Set the DDaT role, level and skills of this feedback.")
    def ddat_command(call: CommandCall) -> Plan:
        ...  # pure: read call.args / call.argv, call.config, call.snapshot, call.labels
        raise CommandError("no role named 'wizard'")  # to refuse, with the reason replied

The handler receives a `CommandCall` and returns a Plan (or None for nothing to do); it must be
pure (no network, clock or files: `call.now` is the time). Raising `CommandError` replies with
its message. `call.labels` are the issue's labels after the commands before it in the same
comment.
"""

from __future__ import annotations

import logging
import re
import shlex
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Literal

from ghcommunity.config import Config, Group
from ghcommunity.config.triage import check_permission
from ghcommunity.core import payload as p
from ghcommunity.core.errors import GhcError
from ghcommunity.core.events import Context, Event, on
from ghcommunity.core.plan import (
    AddLabels,
    Assign,
    CloseIssue,
    Comment,
    DeleteComment,
    Plan,
    React,
    RemoveLabels,
    ReopenIssue,
    marker_key,
)
from ghcommunity.github.client import quote_segment, repo_path
from ghcommunity.github.snapshot import IssueSnapshot
from ghcommunity.jobs.triage.triage import find_group, refresh_routing

log = logging.getLogger(__name__)

ROLES = ("read", "triage", "write", "maintain", "admin")
LEGACY = {"admin": "admin", "write": "write", "read": "read"}  # the `permission` field
_LOGIN = re.compile(r"^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$")
_COMMAND = re.compile(r"^ {0,3}/(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?:[ \t]+(?P<args>.*?))?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


# --------------------------------------------------------------------------------------------
# The registry


class CommandError(GhcError):
    """A command that cannot run as asked; its message is replied to the person."""

    exit_code = 2


@dataclass(frozen=True)
class CommandCall:
    """One command, as a handler sees it."""

    name: str
    args: str  # the text after `/name`, stripped
    event: Event
    config: Config
    snapshot: IssueSnapshot
    actor: str
    comment_id: int
    now: datetime
    labels: tuple[str, ...]  # the issue's labels after the earlier commands in this comment

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
        return str(self.snapshot.issue.get("author") or "")


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


def permission_for(name: str, config: Config) -> str:
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


def find_commands(body: str | None, known: Sequence[str] | None = None) -> list[Invocation]:
    """The commands in a comment, in order. Ignores code blocks, quotes and HTML comments, and
    any `/word` that is not a registered command (a path, say)."""
    names = set(known if known is not None else COMMANDS)
    found: list[Invocation] = []
    lines = (body or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fence: str | None = None
    in_html_comment = False
    previous_blank = True
    for line in lines:
        stripped = line.strip()
        if fence is not None:
            if re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", line):
                fence = None
            previous_blank = False
            continue
        if in_html_comment:
            if "-->" in line:
                in_html_comment = False
            continue
        opened = _FENCE.match(line)
        if opened:
            fence = opened.group(1)
            continue
        if stripped.startswith("<!--"):
            in_html_comment = "-->" not in stripped
            continue
        is_code = (line.startswith(("    ", "\t")) and previous_blank) or stripped.startswith(">")
        previous_blank = not stripped or (previous_blank and line.startswith(("    ", "\t")))
        if is_code:
            continue
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


def _team_key(spec: str, config: Config) -> str:
    spec = spec.strip()
    return spec if "/" in spec else f"{config.community.org}/{spec}"


def facts_needed(rule: str, config: Config) -> tuple[bool, list[str]]:
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


def allowed(rule: str, actor: Actor, author: str, config: Config) -> bool:
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


def ignore_comment(event: Event, config: Config) -> str | None:
    payload = event.payload
    if p.get(payload, "issue", "pull_request"):
        return "a pull request comment (commands work on issues)"
    body = p.text(payload, "comment", "body")
    if marker_key(body):
        return "the bot's own comment"
    user = p.get(payload, "comment", "user")
    login = p.login(payload, "comment", "user")
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
) -> Plan:
    """What the slash commands in one comment do. Pure: permissions come in `actor`."""
    plan = Plan()
    if not config.triage.commands.enabled:
        return plan.note("slash commands are disabled (triage.commands.enabled: false)")
    reason = ignore_comment(event, config)
    if reason:
        return plan.note(f"commands ignored: {reason}")
    comment_id = _comment_id(event)
    assert comment_id is not None
    repo, number = snapshot.repo, snapshot.number
    author = str(snapshot.issue.get("author") or "")
    labels = list(snapshot.issue.get("labels") or [])
    replies: list[str] = []
    accepted = 0
    for invocation in commands_in_event(event):
        command = COMMANDS[invocation.name]
        rule = permission_for(invocation.name, config)
        shown = f"`/{invocation.name}{' ' + invocation.args if invocation.args else ''}`"
        if not allowed(rule, actor, author, config):
            replies.append(f"{shown} was not run: it is for {describe_rule(rule)}.")
            continue
        call = CommandCall(
            name=invocation.name,
            args=invocation.args,
            event=event,
            config=config,
            snapshot=snapshot,
            actor=actor.login,
            comment_id=comment_id,
            now=now,
            labels=tuple(labels),
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
        text = (
            f"@{actor.login}: " + replies[0]
            if len(replies) == 1
            else (
                f"@{actor.login}: some commands were not run:\n\n"
                + "\n".join(f"- {r}" for r in replies)
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


# --------------------------------------------------------------------------------------------
# The built-in commands


def _split_names(args: str) -> list[str]:
    """Label names: quoted ("group: open-source"), else comma-separated; a name may hold spaces."""
    names = []
    for quoted, single, plain in re.findall(r'"([^"]*)"|\'([^\']*)\'|([^"\']+)', args):
        if quoted or single:
            names.append((quoted or single).strip())
        else:
            names += [part.strip() for part in plain.split(",")]
    return [name for name in names if name]


def _resolve_labels(call: CommandCall) -> list[str]:
    names = _split_names(call.args)
    if not names:
        raise CommandError(f"name at least one label, e.g. `/{call.name} needs-info`")
    repo_labels = call.snapshot.repo_labels
    if repo_labels is None:
        return names  # too many labels to have read them all; GitHub will say if one is unknown
    existing = {str(lab.get("name", "")).lower(): str(lab.get("name")) for lab in repo_labels}
    if len(names) == 1 and names[0].lower() not in existing and " " in names[0]:
        words = names[0].split()
        if all(w.lower() in existing for w in words):
            names = words  # `/label bug help-wanted`
    unknown = [n for n in names if n.lower() not in existing]
    if unknown:
        raise CommandError(
            "this repository has no label "
            + ", ".join(f"`{n}`" for n in unknown)
            + " (labels are managed with `ghcommunity labels sync`)"
        )
    return [existing[n.lower()] for n in names]


@slash_command("label", permission="triage", usage="/label NAME[, NAME...]", help="Add labels.")
def _label(call: CommandCall) -> Plan:
    return Plan().add(AddLabels(repo=call.repo, issue=call.number, labels=_resolve_labels(call)))


@slash_command(
    "unlabel", permission="triage", usage="/unlabel NAME[, NAME...]", help="Remove labels."
)
def _unlabel(call: CommandCall) -> Plan:
    names = _resolve_labels(call)
    return Plan().add(RemoveLabels(repo=call.repo, issue=call.number, labels=names))


def _group(call: CommandCall) -> Group:
    groups = call.config.groups
    if not groups:
        raise CommandError("this community has no groups in its config")
    if not call.args:
        raise CommandError(f"say which group, e.g. `/{call.name} {groups[0].slug}`")
    group = find_group(call.config, call.args.strip().strip("\"'"))
    if group is None:
        known = ", ".join(f"`{g.slug}`" for g in groups)
        raise CommandError(f"there is no group `{call.args}` (groups: {known})")
    return group


@slash_command(
    "sig",
    permission="triage",
    usage="/sig GROUP",
    help="Say which special interest group this is for: sets its label and asks its leads.",
)
def _sig(call: CommandCall) -> Plan:
    group = _group(call)
    plan = Plan()
    others = [
        name
        for name in call.labels
        for g in call.config.groups
        if g.slug != group.slug and name.lower() == g.group_label.lower()
    ]
    if others:
        plan.add(RemoveLabels(repo=call.repo, issue=call.number, labels=others))
    plan.add(AddLabels(repo=call.repo, issue=call.number, labels=[group.group_label]))
    return plan.extend(refresh_routing(call.config, call.snapshot, [group]))


@slash_command(
    "agenda",
    permission="author",
    usage="/agenda GROUP",
    help="Put this issue on the agenda of the group's next meeting.",
)
def _agenda(call: CommandCall) -> Plan:
    group = _group(call)
    return Plan().add(AddLabels(repo=call.repo, issue=call.number, labels=[group.agenda]))


@slash_command(
    "assign",
    permission="triage",
    usage="/assign [@USER ...]",
    help="Assign people (yourself, with no names).",
)
def _assign(call: CommandCall) -> Plan:
    names = call.args.replace(",", " ").split() or [call.actor]
    logins = []
    for name in names:
        match = _LOGIN.match(name)
        if not match:
            raise CommandError(f"`{name}` is not a GitHub username")
        logins.append(match.group(1))
    return Plan().add(Assign(repo=call.repo, issue=call.number, assignees=logins))


CloseReason = Literal["completed", "not_planned", "duplicate"]
_REASONS: dict[str, CloseReason] = {
    "": "completed",
    "completed": "completed",
    "done": "completed",
    "not planned": "not_planned",
    "not_planned": "not_planned",
    "wontfix": "not_planned",
    "duplicate": "duplicate",
}


@slash_command("close", permission="author", usage="/close [not planned]", help="Close this issue.")
def _close(call: CommandCall) -> Plan:
    reason = _REASONS.get(" ".join(call.args.lower().split()))
    if reason is None:
        raise CommandError("the reason can be `completed` or `not planned`")
    return Plan().add(CloseIssue(repo=call.repo, issue=call.number, reason=reason))


@slash_command("reopen", permission="author", usage="/reopen", help="Reopen this issue.")
def _reopen(call: CommandCall) -> Plan:
    return Plan().add(ReopenIssue(repo=call.repo, issue=call.number))


@slash_command(
    "duplicate",
    permission="triage",
    usage="/duplicate #NUMBER",
    help="Close this issue as a duplicate of another.",
)
def _duplicate(call: CommandCall) -> Plan:
    match = re.fullmatch(r"#?(\d+)", call.args.strip())
    if not match:
        raise CommandError("say which issue, e.g. `/duplicate #12`")
    other = int(match.group(1))
    if other == call.number:
        raise CommandError("an issue cannot be a duplicate of itself")
    return Plan().add(
        Comment(
            repo=call.repo,
            issue=call.number,
            key="duplicate",
            body=f"Duplicate of #{other}\n\nClosed by @{call.actor} with `/duplicate`; "
            f"please carry on the conversation in #{other}.",
        ),
        CloseIssue(repo=call.repo, issue=call.number, reason="duplicate"),
    )


def help_text(config: Config) -> str:
    lines = ["Commands you can use in a comment here (one per line):", ""]
    for name in sorted(COMMANDS):
        command = COMMANDS[name]
        who = describe_rule(permission_for(name, config))
        lines.append(f"- `{command.usage}`: {command.help} ({who})")
    return "\n".join(lines)


@slash_command("help", permission="anyone", usage="/help", help="List these commands.")
def _help(call: CommandCall) -> Plan:
    return Plan().add(
        Comment(
            repo=call.repo,
            issue=call.number,
            key=f"command-help-{call.comment_id}",
            body=help_text(call.config),
        )
    )


# --------------------------------------------------------------------------------------------
# The handler: gather (snapshot, permissions), then plan


def read_actor(ctx: Context, repo: str, login: str, rules: Sequence[str]) -> Actor:
    """Look up only what the rules need, each at most once per event."""
    actor = Actor(login)
    need_role = False
    teams: list[str] = []
    for rule in rules:
        role, team_keys = facts_needed(rule, ctx.config)
        need_role = need_role or role
        teams += team_keys
    if need_role:
        actor.role = ctx.cached(
            f"permission:{repo.lower()}:{login.lower()}", lambda: _role(ctx, repo, login)
        )
    for team in dict.fromkeys(teams):
        actor.teams[team] = bool(
            ctx.cached(f"team:{team.lower()}:{login.lower()}", partial(_member, ctx, team, login))
        )
    return actor


def _role(ctx: Context, repo: str, login: str) -> str:
    response = ctx.client.request(
        "GET",
        f"{repo_path(repo)}/collaborators/{quote_segment(login)}/permission",
        ok=(404,),
        what=f"reading {login}'s permission on {repo}",
    )
    if response.status_code == 404:
        return "none"
    data = response.json()
    role = str(data.get("role_name") or "").lower()
    if role in ROLES:
        return role
    # A custom role: its base permission (the legacy field) is what counts.
    return LEGACY.get(str(data.get("permission") or "").lower(), "none")


def _member(ctx: Context, team: str, login: str) -> bool:
    org, _, slug = team.partition("/")
    response = ctx.client.request(
        "GET",
        f"/orgs/{quote_segment(org)}/teams/{quote_segment(slug)}/memberships/{quote_segment(login)}",
        ok=(404, 403),
        what=f"reading {login}'s membership of {team}",
    )
    if response.status_code != 200:
        return False
    return str(response.json().get("state")) == "active"


@on("issue_comment.created", "issue_comment.edited")
def handle_commands(event: Event, ctx: Context) -> Plan | None:
    config = ctx.config
    if not config.triage.commands.enabled or not event.repo or event.issue_number is None:
        return None
    if ignore_comment(event, config):
        return None
    invocations = commands_in_event(event)
    if not invocations:
        return None  # most comments: no reads at all
    snapshot = ctx.issue_snapshot(event.repo, event.issue_number)
    login = p.login(event.payload, "comment", "user") or event.sender
    author = str(snapshot.issue.get("author") or "")
    rules = []
    for invocation in invocations:
        rule = permission_for(invocation.name, config)
        # The author needs no lookup for a command the author may run.
        if not (login.lower() == author.lower() and _author_suffices(rule)):
            rules.append(rule)
    actor = read_actor(ctx, event.repo, login, rules)
    return plan_commands(event, config, snapshot, actor, ctx.now)


def _author_suffices(rule: str) -> bool:
    return any(part.strip() in ("author", "anyone") for part in rule.split(" or "))
