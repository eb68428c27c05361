"""The built-in slash commands (`/label`, `/unlabel`, `/sig`, `/assign`, `/close`, `/reopen`,
`/duplicate`, `/agenda`, `/help`) and the `issue_comment` handler that runs every registered
command (the registry, parsing and permission rules are in `core/commands.py`)."""

from __future__ import annotations

import logging
import re
from typing import Literal

from ghcommunity.config import Config, Group
from ghcommunity.core import payload as p
from ghcommunity.core.commands import (
    COMMANDS,
    CommandCall,
    CommandError,
    commands_in_event,
    describe_rule,
    ignore_comment,
    permission_for,
    plan_commands,
    slash_command,
)
from ghcommunity.core.events import Event, on
from ghcommunity.core.plan import (
    AddLabels,
    Assign,
    CloseIssue,
    Comment,
    Plan,
    RemoveLabels,
    ReopenIssue,
)
from ghcommunity.github.context import Context
from ghcommunity.github.permissions import read_actor
from ghcommunity.jobs.triage.plan import find_group, refresh_routing

log = logging.getLogger(__name__)

_LOGIN = re.compile(r"^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$")


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
    # The author may reopen what they or the bot closed (a needs-info issue the lifecycle
    # closed, say), never what someone else (a maintainer) closed.
    closer = str(call.snapshot.issue.get("closed_by") or "")
    author = call.author.lower()
    bot = call.config.community.bot_login.lower()
    if (
        call.actor.lower() == author
        and closer
        and closer.lower() not in (author, bot)
        and not closer.lower().endswith("[bot]")
    ):
        raise CommandError(f"@{closer} closed this issue; ask them (or a maintainer) to reopen it")
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
    return plan_commands(event, config, snapshot, actor, ctx.now, context=ctx)


def _author_suffices(rule: str) -> bool:
    return any(part.strip() in ("author", "anyone") for part in rule.split(" or "))
