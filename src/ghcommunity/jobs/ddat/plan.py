"""DDaT framework feedback: where DDaT labels and comments are decided.

- `plan_ddat_issue` (issues opened, edited, reopened): a form submission gets the feedback label
  and a label for its role, level, each skill and the feedback type; an issue about the framework
  that did not come through the form gets the feedback label, `needs-triage` and one comment
  inviting its author to say which role, level and skills; a value the framework does not know
  is named in one comment, updated in place, never silently dropped.
- `plan_ddat_command` (`/ddat role=... level=... skill=... type=...` from a maintainer): sets
  those values' labels, replacing the labels of the same kind.

Ownership, as in triage: only DDaT labels are added or removed; a label is removed only when the
answer that called for it changed (read from the payload's `changes.body.from`), so labels a
person added stay. Labels are created on demand with a colour and a description.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ghcommunity.config import LabelSpec
from ghcommunity.core import payload as p
from ghcommunity.core.events import Event
from ghcommunity.core.labelling import reconcile_labels
from ghcommunity.core.plan import (
    AddLabels,
    Comment,
    CreateLabel,
    Operation,
    Plan,
    RemoveLabels,
    UpdateLabel,
)
from ghcommunity.jobs.ddat import corrections
from ghcommunity.jobs.ddat.classify import (
    AMBIGUOUS,
    MISMATCH,
    MISSING,
    UNKNOWN,
    Classification,
    DdatKit,
    DdatProblem,
)
from ghcommunity.jobs.ddat.corrections import Correction, apply_correction
from ghcommunity.jobs.ddat.form import LEVEL, ROLE, SKILLS, TYPE
from ghcommunity.jobs.ddat.labels import DdatLabel, Kind
from ghcommunity.jobs.ddat.messages import (
    INVITE_KEY,
    VALUES_KEY,
    corrected_comment,
    correction_note,
    describe,
    invite_comment,
    values_comment,
    values_resolved_comment,
)
from ghcommunity.jobs.ddat.settings import DdatConfig

if TYPE_CHECKING:
    from ghcommunity.github.snapshot import IssueSnapshot, RepoLabel

log = logging.getLogger(__name__)

NEEDS_TRIAGE_DESCRIPTION = "A maintainer should look at this"


def worth_reading(event: Event, kit: DdatKit) -> bool:
    """Skip the read for issues that are not, and were not, DDaT feedback (from the payload)."""
    payload = event.payload
    if any(kit.labeller.owns(name) for name in p.label_names(payload, "issue", "labels")):
        return True
    body, title = p.text(payload, "issue", "body"), p.text(payload, "issue", "title")
    if kit.classify(body, title).about_framework:
        return True
    before = previous_text(event)
    return before is not None and kit.classify(*before).about_framework


def previous_text(event: Event) -> tuple[str, str] | None:
    """(body, title) before an edit, from the payload's `changes`; None when they did not
    change (or it is not an edit)."""
    if event.action != "edited":
        return None
    changes = p.get(event.payload, "changes", default={})
    if not isinstance(changes, dict) or not ({"body", "title"} & set(changes)):
        return None
    body = p.get(changes, "body", "from")
    title = p.get(changes, "title", "from")
    return (
        body if isinstance(body, str) else p.text(event.payload, "issue", "body"),
        title if isinstance(title, str) else p.text(event.payload, "issue", "title"),
    )


def repo_url(event: Event, repo: str) -> str:
    url = p.text(event.payload, "repository", "html_url")
    return url.rstrip("/") if url else f"https://github.com/{repo}"


def triage_checks_form(config: DdatConfig) -> bool:
    """Whether triage already tells authors about empty required answers on the DDaT form."""
    return config.triage.enabled and any(
        rule.template == config.ddat.form for rule in config.triage.forms
    )


def triage_checks_options(config: DdatConfig) -> bool:
    """Whether triage also names DDaT answers that are not one of the form's options."""
    return config.triage.enabled and any(
        rule.template == config.ddat.form and rule.check_options for rule in config.triage.forms
    )


COMMENT_KEYS = (VALUES_KEY, INVITE_KEY)


def correction_on(snapshot: IssueSnapshot, kit: DdatKit, labels: Sequence[str]) -> Correction:
    """The `/ddat` correction kept in the bot's comment, as far as the issue's labels bear it
    out (see `corrections`)."""
    found = corrections.stored(snapshot.state.comments, COMMENT_KEYS)
    return corrections.trusted(found, labels, kit.labeller)


def plan_ddat_issue(
    event: Event,
    snapshot: IssueSnapshot,
    config: DdatConfig,
    kit: DdatKit,
    *,
    other_form: str | None = None,
) -> Plan:
    """The labels and comments one issue event calls for. Pure.

    `other_form`: the issue came through another issue form (not DDaT feedback, whatever it
    mentions)."""
    repo, number = snapshot.repo, snapshot.number
    issue = snapshot.issue
    author = str(issue.author or p.login(event.payload, "issue", "user") or "there")
    current = current_labels(snapshot, kit)
    correction = correction_on(snapshot, kit, current)
    result = kit.classify(issue.body, issue.title)
    if other_form is not None and not result.from_form:
        result = Classification(source="text", about_framework=False)
    apply_correction(result, correction, kit)
    before = previous_text(event)
    if before is None:
        previously = result.labels if event.action == "edited" else []
    else:
        earlier = kit.classify(*before)
        apply_correction(earlier, correction, kit)
        previously = earlier.labels
    to_add, to_remove = reconcile_labels(
        current,
        result.labels,
        previously,
        owns=lambda name: kit.labeller.owns(name) and config.labels.owns(name),
    )
    plan = Plan()
    for old in snapshot.state.labels or []:
        label = kit.labeller.renamed(old)
        if label is not None and label.name in current and config.labels.owns(label.name):
            # The label's name before short names: renaming keeps it on every issue.
            plan.add(
                UpdateLabel(repo=repo, name=old, new_name=label.name, description=label.description)
            )
    plan.add(*create_missing_labels(repo, to_add, snapshot.repo_labels, config, kit))
    if to_remove:
        plan.add(RemoveLabels(repo=repo, issue=number, labels=to_remove))
    if to_add:
        plan.add(AddLabels(repo=repo, issue=number, labels=to_add))
    form_url = f"{repo_url(event, repo)}/issues/new?template={config.ddat.form}"
    comment = ddat_comment(result, snapshot, config, kit, correction, form_url, author)
    if comment is not None:
        plan.add(comment)
    if result.about_framework:
        plan.note(_summary(number, result))
    return plan


def ddat_comment(
    result: Classification,
    snapshot: IssueSnapshot,
    config: DdatConfig,
    kit: DdatKit,
    correction: Correction,
    form_url: str,
    author: str,
) -> Comment | None:
    """The bot's one DDaT comment on an issue (None: none needed)."""
    repo, number = snapshot.repo, snapshot.number
    comments = snapshot.state.comments or {}
    note = correction_note(correction)
    if result.from_form:
        # Answers the framework cannot place are named here whatever triage does, unless
        # triage is set to name them itself; triage asks for empty required answers.
        problems = [
            pr
            for pr in result.to_comment
            if pr.kind == MISMATCH or not triage_checks_options(config)
        ]
        if not triage_checks_form(config):
            problems += [pr for pr in result.problems if pr.kind == MISSING]
        key = INVITE_KEY if INVITE_KEY in comments and VALUES_KEY not in comments else VALUES_KEY
        if problems:
            body = values_comment(author, problems, form_url)
        elif note:
            body = corrected_comment(author)
        elif key in comments:
            body = values_resolved_comment(author)
        else:
            return None
        return Comment(repo=repo, issue=number, key=key, body="\n".join([body, *note]))
    if not result.about_framework:
        return None
    key = VALUES_KEY if VALUES_KEY in comments and INVITE_KEY not in comments else INVITE_KEY
    text = invite_comment(
        author, result, kit.taxonomy, form_url, config.triage.needs_triage_label, correction
    )
    return Comment(repo=repo, issue=number, key=key, body=text)


def _summary(number: int, result: Classification) -> str:
    parts = [f"#{number}: DDaT feedback ({result.source})"]
    for what, value in (("role", result.role), ("level", result.level), ("type", result.type)):
        if value:
            parts.append(f"{what} {value!r}")
    if result.skills:
        parts.append("skills " + ", ".join(map(repr, result.skills)))
    unread = [pr for pr in result.problems if pr.severity == "error"]
    if unread:
        parts.append(f"{len(unread)} problem(s)")
    return "; ".join(parts)


def label_spec(name: str, config: DdatConfig, kit: DdatKit) -> LabelSpec:
    """Colour and description for a label created on demand: the config's own definition wins,
    then the DDaT scheme, then needs-triage's default."""
    for spec in config.labels.definitions:
        if spec.name.lower() == name.lower():
            return spec
    ours: DdatLabel | None = kit.labeller.parse(name)
    if ours is not None:
        return LabelSpec(name=ours.name, color=ours.color, description=ours.description)
    kind = kit.labeller.kind_of(name)
    if kind is not None:  # a DDaT label for a name this taxonomy no longer has
        return LabelSpec(name=name, color="ededed", description="DDaT framework")
    return LabelSpec(name=name, color="ededed", description=NEEDS_TRIAGE_DESCRIPTION)


def current_labels(snapshot: IssueSnapshot, kit: DdatKit) -> list[str]:
    """The issue's labels, a label under a previous name (e.g. hashed) read as its name now
    when the repo does not have that name yet (`create_missing_labels` renames it, which
    renames it on every issue)."""
    repo_has = (
        None if snapshot.repo_labels is None else {lab.name.lower() for lab in snapshot.repo_labels}
    )
    out = []
    for name in snapshot.state.labels or []:
        now = kit.labeller.renamed(name)
        if now is not None and (repo_has is None or now.name.lower() not in repo_has):
            out.append(now.name)
        else:
            out.append(name)
    return out


def create_missing_labels(
    repo: str,
    names: Iterable[str],
    repo_labels: list[RepoLabel] | None,
    config: DdatConfig,
    kit: DdatKit,
) -> list[Operation]:
    """CreateLabel for each label the repo does not have yet (all of them when the snapshot
    could not list the repo's labels: the executor then checks)."""
    existing = None if repo_labels is None else {lab.name.lower() for lab in repo_labels}
    ops: list[Operation] = []
    for name in dict.fromkeys(names):
        if existing is not None and name.lower() in existing:
            continue
        ours = kit.labeller.parse(name)
        old = (
            next(
                (o for o in ours.previously if existing is not None and o.lower() in existing),
                None,
            )
            if ours is not None
            else None
        )
        if old is not None and ours is not None:
            # Renaming keeps the label on every issue that has it.
            ops.append(
                UpdateLabel(repo=repo, name=old, new_name=ours.name, description=ours.description)
            )
            continue
        spec = label_spec(name, config, kit)
        ops.append(
            CreateLabel(repo=repo, name=spec.name, color=spec.color, description=spec.description)
        )
    return ops


# -- the /ddat command -----------------------------------------------------------------------

_KEYS = {
    "role": "role",
    "level": "level",
    "skill": "skill",
    "skills": "skill",
    "type": "type",
    "feedback": "type",
    "feedback-type": "type",
    "feedback_type": "type",
}
_ARG = re.compile(r"(?:^|\s)(?P<key>[A-Za-z][A-Za-z_-]*)\s*=\s*")
_CLEAR = frozenset({"none", "-", "clear", "null"})
USAGE = "/ddat role=... level=... skill=... type=..."


@dataclass
class CommandArgs:
    values: dict[str, list[str]] = field(default_factory=dict)  # kind → written values
    unknown_keys: list[str] = field(default_factory=list)


def parse_command_args(text: str) -> CommandArgs:
    """`role=Software developer level="Senior developer" skill=A skill=B; C type=Other`.

    A value runs to the next `key=`; quotes around it are dropped; several skills may be given
    as repeated `skill=` or separated by ';' (skill names can contain commas).
    """
    args = CommandArgs()
    matches = list(_ARG.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        raw = text[match.end() : end].strip()
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
            raw = raw[1:-1].strip()
        key = match["key"].lower()
        kind = _KEYS.get(key)
        if kind is None:
            args.unknown_keys.append(key)
            continue
        pieces = [piece.strip() for piece in raw.split(";")] if kind == "skill" else [raw]
        args.values.setdefault(kind, []).extend(piece for piece in pieces if piece)
    return args


class DdatCommandError(ValueError):
    """The command cannot run as written; the message says why (replied to the person)."""


_OK = frozenset({"ok", "okay", "yes", "confirm", "accept"})


def plan_ddat_command(
    args_text: str,
    snapshot: IssueSnapshot,
    config: DdatConfig,
    kit: DdatKit,
    *,
    labels: Sequence[str] | None = None,
    actor: str = "",
    repo_html_url: str | None = None,
) -> Plan:
    """What `/ddat role=... level=... skill=... type=...` on an issue does. Pure.

    Each kind named replaces the DDaT labels of that kind (`level=none` removes them), and the
    feedback label is added. All or nothing: if any value is not a framework name (or is
    ambiguous, or names a level of another role), nothing changes and DdatCommandError says
    which and why. Free text is read as in forms ("senior dev" → "Senior developer").
    """
    repo, number = snapshot.repo, snapshot.number
    labeller, resolver = kit.labeller, kit.resolver
    current = list(labels if labels is not None else snapshot.state.labels or [])
    body, title = snapshot.issue.body, snapshot.issue.title
    if args_text.strip().lower() in _OK:
        args_text = _confirmation(kit.classify(body, title))
    args = parse_command_args(args_text)
    if args.unknown_keys:
        raise DdatCommandError(
            ", ".join(f"`{k}=`" for k in args.unknown_keys)
            + f" is not something /ddat sets; write `{USAGE}`"
        )
    if not args.values:
        raise DdatCommandError(f"say what to set, e.g. `{USAGE}`")
    problems: list[DdatProblem] = []
    wanted: dict[str, list[str]] = {}  # kind → framework names (empty: clear the kind)

    def read(kind: Kind, field_id: str, text: str, role: str | None = None) -> str | None:
        holder = Classification(source="form", about_framework=True)
        value = kit.note(holder, field_id, resolver.resolve(kind, text, role=role))
        problems.extend(pr for pr in holder.problems if pr.kind in (UNKNOWN, AMBIGUOUS))
        return value

    current_role = next(
        (lab.value for lab in map(labeller.parse, current) if lab and lab.kind == "role"), None
    )
    for kind, field_id in (("role", ROLE), ("level", LEVEL), ("type", TYPE), ("skill", SKILLS)):
        written = args.values.get(kind)
        if written is None:
            continue
        if not written or written[0].strip().lower() in _CLEAR:
            wanted[kind] = []
            continue
        if kind == "skill":
            found = [read("skill", SKILLS, text) for text in written]
            wanted[kind] = list(dict.fromkeys(v for v in found if v))
        else:
            context = _first(wanted.get("role"), current_role) if kind == "level" else None
            value = read(kind_of(kind), field_id, written[0], context)
            if value:
                wanted[kind] = [value]
    # A level names its role: set the role too when none is given or on the issue.
    level = _first(wanted.get("level"), None)
    owner = kit.taxonomy.role_of_level(level) if level else None
    if owner and "role" not in wanted and current_role is None:
        wanted["role"] = [owner]
    role_now = _first(wanted.get("role"), current_role)
    if owner and role_now and owner != role_now:
        problems.append(
            DdatProblem(LEVEL, MISMATCH, f"{level!r} is a level of {owner!r}, not of {role_now!r}")
        )
    if problems:
        # People's words are quoted in code spans (no mentions, no Markdown) by `describe`.
        raise DdatCommandError("nothing changed. " + " ".join(describe(pr) for pr in problems))

    to_add = [labeller.feedback_label]
    to_remove: list[str] = []
    for kind, names in wanted.items():
        new = [labeller.for_value(kind_of(kind), n).name for n in names]
        keep = {name.lower() for name in new}
        to_add += new
        to_remove += [
            name
            for name in current
            if labeller.kind_of(name) == kind
            and name.lower() not in keep
            and config.labels.owns(name)
        ]
    have = {name.lower() for name in current}
    to_add = [name for name in dict.fromkeys(to_add) if name.lower() not in have]
    if needs_triage := next(
        (n for n in current if n.lower() == kit.needs_triage_label.lower()), None
    ):
        to_remove.append(needs_triage)  # someone with triage access has looked at it
    plan = Plan()
    plan.add(*create_missing_labels(repo, to_add, snapshot.repo_labels, config, kit))
    if to_remove:
        plan.add(RemoveLabels(repo=repo, issue=number, labels=list(dict.fromkeys(to_remove))))
    if to_add:
        plan.add(AddLabels(repo=repo, issue=number, labels=to_add))
    # Keep the correction in the bot's comment, so that it outlives edits of the body.
    after = [n for n in current if n not in to_remove] + to_add
    earlier = corrections.trusted(
        corrections.stored(snapshot.state.comments, COMMENT_KEYS), current, labeller
    )
    correction = earlier.then(Correction(actor, wanted))
    result = kit.classify(body, title)
    apply_correction(result, correction, kit)
    author = str(snapshot.issue.author or "there")
    base = (repo_html_url or f"https://github.com/{repo}").rstrip("/")
    form_url = f"{base}/issues/new?template={config.ddat.form}"
    comment = ddat_comment(result, snapshot, config, kit, correction, form_url, author)
    if comment is not None:
        plan.add(comment)
    plan.note(f"#{number}: DDaT values set by /ddat: {correction.describe()} ({len(after)} labels)")
    return plan


def _confirmation(result: Classification) -> str:
    """`/ddat ok`: the arguments that confirm what the bot labelled and proposed."""
    role = result.role or result.proposed.role
    level = result.level or result.proposed.level
    skills = list(dict.fromkeys([*result.skills, *result.proposed.skills]))
    if not (role or level or skills):
        raise DdatCommandError(
            f"there is nothing proposed to confirm on this issue; set the values with `{USAGE}`"
        )
    parts = [f"role={role}" if role else "", f"level={level}" if level else ""]
    if skills:
        parts.append("skill=" + "; ".join(skills))
    return " ".join(p for p in parts if p)


def _first(names: list[str] | None, default: str | None) -> str | None:
    return names[0] if names else default


def kind_of(kind: str) -> Kind:
    if kind not in ("role", "level", "skill", "type"):
        raise ValueError(kind)
    return kind  # type: ignore[return-value]
