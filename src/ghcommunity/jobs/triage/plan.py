"""Triage of new and edited issues: labels, routing, missing information, duplicates, welcome.

Everything the bot has to say about an issue goes in ONE comment (hidden marker `triage`),
made of sections that come and go as the issue changes:

- welcome    — for a first-time participant (the payload's `author_association`), on open;
- routing    — one @-mention of the chosen group's leads and team;
- missing    — required answers that are empty or not one of the options; it becomes a short
               thank-you once the author has fixed them, and the `needs-info` label goes;
- duplicates — up to N similar open issues (and, for a group proposal, registered groups), on
               open and again only when the title changes.

One comment keeps a typical `issues.opened` within three requests (the snapshot, the labels,
the comment) and gives a member one helpful comment that is edited as they fix things, rather
than a pile of bot comments. Each section carries its own hidden tag, so the planner keeps
what it does not recompute on this event (e.g. the duplicates list on an edit that left the
title alone) exactly as it was, and a rerun writes nothing.

Labels: the form's type label and the labels its answers call for are added on open; on edit,
only labels of answers that changed are added, and the label of a changed answer is replaced
(`labelling.reconcile_labels`). A label a person added, or removed, is left as they left it.
ghcommunity only touches labels in the namespaces `labels.owned` lists.

`plan_triage` is pure; `triage_issue` (the handler) gathers the snapshot and the forms.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ghcommunity.config import Group, iter_labels
from ghcommunity.config.triage import FormRule
from ghcommunity.core import payload as p
from ghcommunity.core.errors import InputError
from ghcommunity.core.events import Event
from ghcommunity.core.forms import IssueForm, ParsedForm, Problem, detect_form, parse_body
from ghcommunity.core.labelling import reconcile_labels
from ghcommunity.core.plan import (
    AddLabels,
    AddToProject,
    Assign,
    Comment,
    CreateLabel,
    DeleteComment,
    Plan,
    RemoveLabels,
    marker_key,
)
from ghcommunity.core.similar import Candidate, Match, find_similar, keyword_in, similarity
from ghcommunity.core.templating import render_user_template
from ghcommunity.jobs.triage.settings import TriageConfig

if TYPE_CHECKING:
    from ghcommunity.github.snapshot import IssueSnapshot

log = logging.getLogger(__name__)

TRIAGE_KEY = "triage"
SECTIONS = ("welcome", "routing", "missing", "duplicates")
_SECTION = re.compile(r"^<!-- triage:(?P<name>[a-z]+)(?: (?P<data>[^>\n]*?))? -->$", re.MULTILINE)
MISSING_KINDS = ("missing_required", "invalid_option", "too_many_choices")


# --------------------------------------------------------------------------------------------
# What an issue says


@dataclass
class Reading:
    """What one version of an issue (title + body) calls for."""

    form: IssueForm | None = None
    rule: FormRule | None = None
    parsed: ParsedForm | None = None
    labels: list[str] = field(default_factory=list)
    route: list[Group] = field(default_factory=list)
    missing: list[Problem] = field(default_factory=list)

    @property
    def from_form(self) -> bool:
        return self.parsed is not None and self.parsed.from_form


def find_group(config: TriageConfig, answer: str) -> Group | None:
    """The group an answer names: by name or slug, without regard to case or spacing."""
    wanted = " ".join(answer.split()).casefold()
    for group in config.groups:
        if wanted in (group.name.casefold(), group.slug):
            return group
    return None


def _words_match(words: Iterable[str], text: str) -> bool:
    return any(
        re.search(rf"(?<![\w-]){re.escape(w.strip())}(?![\w-])", text, re.IGNORECASE)
        for w in words
        if w.strip()
    )


def _answers(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def read_issue(
    title: str,
    body: str | None,
    issue_labels: Sequence[str],
    config: TriageConfig,
    forms: Mapping[str, IssueForm],
) -> Reading:
    """Which form the issue came from (if any), its answers, and the labels and groups they
    call for. Pure."""
    triage = config.triage
    reading = Reading()
    form = detect_form(body, forms, labels=issue_labels)
    group_field_empty = False
    if form is not None:
        rule = triage.form_rule(form.source)
        parsed = parse_body(body, form, also_required=rule.required if rule else ())
        reading.form, reading.rule, reading.parsed = form, rule, parsed
        reading.labels += [*(rule.labels if rule else []), *form.labels]
        for field_id, field_rule in (rule.fields if rule else {}).items():
            answers = _answers(parsed.values.get(field_id))
            if field_rule.options == "groups":
                chosen = [g for g in (find_group(config, a) for a in answers) if g is not None]
                group_field_empty = group_field_empty or not chosen
                for group in chosen:
                    if "group" in field_rule.group_labels:
                        reading.labels.append(group.group_label)
                    if "agenda" in field_rule.group_labels:
                        reading.labels.append(group.agenda)
                    if field_rule.route:
                        reading.route.append(group)
            lookup = {k.casefold(): v for k, v in field_rule.option_labels.items()}
            for answer in answers:
                reading.labels += lookup.get(answer.casefold(), [])
        kinds = MISSING_KINDS if rule is None or rule.check_options else ("missing_required",)
        reading.missing = [p for p in parsed.errors if p.kind in kinds]
        if reading.missing:
            reading.labels.append(triage.needs_info_label)
    else:
        reading.labels.append(triage.needs_triage_label)
    text = {"title": title, "body": body or ""}
    for keyword_rule in triage.keyword_rules:
        searched = "\n".join(text[f] for f in keyword_rule.fields)
        if _words_match(keyword_rule.keywords, searched) or (
            keyword_rule.regex and re.search(keyword_rule.regex, searched, re.MULTILINE)
        ):
            reading.labels += keyword_rule.labels
    # A group's keywords route an issue that did not say which group it is for: free text, or a
    # form whose group question was left empty.
    if form is None or group_field_empty:
        searched = f"{title}\n{body or ''}"
        for group in config.groups:
            if group.keywords and _words_match(group.keywords, searched):
                reading.labels.append(group.group_label)
                reading.route.append(group)
    reading.labels = _unique(reading.labels)
    reading.route = list({g.slug: g for g in reading.route}.values())
    return reading


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return list(seen.values())


# --------------------------------------------------------------------------------------------
# The one triage comment, in sections


@dataclass
class Section:
    name: str
    text: str
    data: str = ""

    def render(self) -> str:
        # The tag follows the text, so the comment's first line is words people read.
        tag = f"<!-- triage:{self.name}{' ' + self.data if self.data else ''} -->"
        return f"{self.text.strip()}\n{tag}"


def parse_sections(body: str | None) -> dict[str, Section]:
    """The sections of an existing triage comment: each is the text before its tag."""
    found: dict[str, Section] = {}
    if not body:
        return found
    start = 0
    for match in _SECTION.finditer(body):
        name = match["name"]
        text = body[start : match.start()]
        if start == 0 and marker_key(text):
            text = text.split("\n", 1)[1] if "\n" in text else ""  # the comment's marker line
        start = match.end()
        if name in SECTIONS and name not in found:
            found[name] = Section(name, text.strip(), match["data"] or "")
    return found


def compose(sections: Mapping[str, Section]) -> str:
    return "\n\n".join(sections[name].render() for name in SECTIONS if name in sections)


def _mentions(group: Group) -> list[str]:
    people = [f"@{login}" for login in group.leads]
    if group.team:
        people.append(f"@{group.team}")
    return people


def routing_section(groups: Sequence[Group]) -> Section | None:
    lines = []
    for group in groups:
        people = _mentions(group)
        if people:
            lines.append(
                f"This looks like one for the **{group.name}** group: "
                f"{', '.join(people)}, could you take a look?"
            )
    if not lines:
        return None
    return Section("routing", "\n".join(lines), ",".join(g.slug for g in groups))


def _problem_line(problem: Problem, form: IssueForm | None) -> str:
    item = form.field(problem.field) if form and problem.field else None
    if item is not None and problem.message.startswith(item.label + ": "):
        return f"- **{item.label}**: {problem.message[len(item.label) + 2 :]}"
    return f"- {problem.message}"


def missing_section(reading: Reading) -> Section:
    lines = [_problem_line(problem, reading.form) for problem in reading.missing]
    text = (
        "Thank you for opening this. Some answers are missing or need another look:\n\n"
        + "\n".join(lines)
        + "\n\nPlease edit the issue to fill them in; this comment will update when "
        "everything is there."
    )
    return Section("missing", text, "open")


THANKS = Section("missing", "Thank you: everything we need is there now.", "done")


def duplicates_section(matches: Sequence[Match], number: int) -> Section | None:
    if not matches:
        return None
    lines = []
    for match in matches:
        candidate = match.candidate
        if candidate.key.startswith("group:"):
            what = f"the registered group **{candidate.title}**"
        else:
            what = f"{candidate.key} {candidate.title}"
        why = (
            f"its keywords include “{match.keyword}”"
            if match.keyword
            else f"{match.score:.0f}% similar"
        )
        lines.append(f"- {what} ({why})")
    # Suggest closing this one in favour of an older issue, never the other way round.
    issue_keys = [
        m.candidate.key
        for m in matches
        if m.candidate.key.startswith("#") and int(m.candidate.key[1:]) < number
    ]
    hint = (
        f" If it is the same, a facilitator can comment `/duplicate {issue_keys[0]}`."
        if issue_keys
        else ""
    )
    text = (
        "This may overlap with:\n\n" + "\n".join(lines) + "\n\nPlease have a look; joining up "
        "keeps people together." + hint
    )
    return Section("duplicates", text, ",".join(m.candidate.key for m in matches))


# --------------------------------------------------------------------------------------------
# Possible duplicates


def _split_prefix(title: str, prefixes: Sequence[str]) -> tuple[str | None, str]:
    """(the form title prefix the title starts with, the rest)."""
    for prefix in prefixes:
        wanted = prefix.strip()
        if wanted and title.lower().startswith(wanted.lower()):
            return wanted.lower(), title[len(wanted) :].strip()
    return None, title


def _group_name(group: Group) -> str:
    return group.name


def _group_name_and_aim(group: Group) -> str:
    return f"{group.name} {group.aim or ''}"


_SPEAKS_OF_A_GROUP = re.compile(
    r"\b(group|sig|special interest|community of practice|network)\b", re.IGNORECASE
)


def possible_duplicates(
    snapshot: IssueSnapshot,
    title: str,
    reading: Reading,
    config: TriageConfig,
    forms: Mapping[str, IssueForm],
) -> list[Match]:
    """Open issues (every page of them) and, for a group proposal, registered groups that look
    like this issue; best first, at most `max_candidates`.

    A form's title prefix ("Talk or event: ") says nothing about the topic, so it is left out of
    the comparison; and two issues whose prefixes show they came through different forms (a
    DDaT feedback and a group proposal, say) are different kinds of thing, so they are not
    compared at all. A free-text issue is compared with everything.
    """
    settings = config.triage.duplicates
    prefixes = sorted({f.title for f in forms.values() if f.title}, key=len, reverse=True)
    kind, query = _split_prefix(title, prefixes)
    issues = []
    for issue in snapshot.open_issues:
        other_title = issue.title
        if issue.number == snapshot.number or not other_title:
            continue
        other_kind, text = _split_prefix(other_title, prefixes)
        if kind and other_kind and kind != other_kind:
            continue
        issues.append(
            Candidate(key=f"#{issue.number}", title=other_title, text=text, url=issue.url)
        )
    found: dict[str, Match] = {
        m.candidate.key: m
        for m in find_similar(
            query, issues, threshold=settings.threshold, limit=settings.max_candidates
        )
    }
    if reading.rule and reading.rule.compare_with_groups and reading.parsed:
        groups = [g for g in config.groups if g.status != "closed"]
        answers = [
            " ".join(_answers(reading.parsed.values.get(field_id)))
            for field_id in reading.rule.compare_with_groups
        ]
        # The proposed name against each group's name, and everything the proposal says about
        # itself (name and aim) against each group's name and aim.
        checks: list[tuple[str, Callable[[Group], str], float]] = [
            (answers[0], _group_name, settings.threshold),
            (" ".join(answers), _group_name_and_aim, settings.group_threshold),
        ]
        for text, describe, threshold in checks:
            if not text.strip():
                continue
            pool = [
                Candidate(key=f"group:{g.slug}", title=g.name, text=describe(g)) for g in groups
            ]
            for match in find_similar(
                text, pool, threshold=threshold, limit=settings.max_candidates
            ):
                best = found.get(match.candidate.key)
                if best is None or match.score > best.score:
                    found[match.candidate.key] = match
    # A group whose keywords the issue uses is worth a look whatever the texts' likeness (a
    # proposal for "Green software" when Sustainable Software lists "green software"). Only
    # phrases of two words or more: one word ("carbon") says too little on its own. Only for a
    # group proposal, or an issue that used no form and speaks of a group ("is anyone interested
    # in a green software group?"): a talk, an agenda item or a question about a group's topic
    # is routed to that group, not a duplicate of it.
    proposes = (
        bool(reading.rule.compare_with_groups)
        if reading.rule is not None
        else bool(_SPEAKS_OF_A_GROUP.search(title))
    )
    if not proposes:
        return sorted(found.values(), key=lambda m: (-m.score, m.candidate.key))[
            : settings.max_candidates
        ]
    said = (
        " ".join([title, *(answers_of(reading, reading.rule.compare_with_groups))])
        if (reading.rule and reading.rule.compare_with_groups and reading.parsed)
        else title
    )
    for group in config.groups:
        key = f"group:{group.slug}"
        if group.status == "closed" or key in found:
            continue
        phrases = [k for k in group.keywords if len(k.split()) >= 2]
        keyword = keyword_in(said, phrases)
        if keyword:
            candidate = Candidate(key=key, title=group.name, text=_group_name_and_aim(group))
            score = similarity(said, candidate.text)
            found[key] = Match(candidate, round(score, 1), keyword=keyword)
    ranked = sorted(found.values(), key=lambda m: (m.keyword is None, -m.score, m.candidate.key))
    return ranked[: settings.max_candidates]


def answers_of(reading: Reading, field_ids: Sequence[str]) -> list[str]:
    if reading.parsed is None:
        return []
    return [" ".join(_answers(reading.parsed.values.get(f))) for f in field_ids]


# --------------------------------------------------------------------------------------------
# The planner


def _owned(config: TriageConfig, names: Iterable[str], plan: Plan, verb: str) -> list[str]:
    kept = []
    for name in names:
        if config.labels.owns(name):
            kept.append(name)
        else:
            plan.note(f"not {verb} {name!r}: outside the label namespaces ghcommunity owns")
    return kept


def _label_ops(
    plan: Plan,
    repo: str,
    number: int,
    snapshot: IssueSnapshot,
    config: TriageConfig,
    to_add: Sequence[str],
    to_remove: Sequence[str],
) -> None:
    to_add = _owned(config, to_add, plan, "adding")
    to_remove = _owned(config, to_remove, plan, "removing")
    if to_add and snapshot.repo_labels is not None:
        existing = {lab.name.lower() for lab in snapshot.repo_labels}
        specs = {spec.name.lower(): spec for spec in iter_labels(config)}
        for name in to_add:
            if name.lower() not in existing:
                spec = specs.get(name.lower())
                plan.add(
                    CreateLabel(
                        repo=repo,
                        name=name,
                        color=spec.color if spec else "ededed",
                        description=spec.description if spec else "",
                    )
                )
    if to_remove:
        plan.add(RemoveLabels(repo=repo, issue=number, labels=list(to_remove)))
    if to_add:
        plan.add(AddLabels(repo=repo, issue=number, labels=list(to_add)))


def _welcome(
    event: Event, snapshot: IssueSnapshot, config: TriageConfig, reading: Reading
) -> Section | None:
    welcome = config.triage.welcome
    association = (
        p.text(event.payload, "issue", "author_association") or snapshot.issue.author_association
    ).upper()
    if not welcome.enabled or association not in welcome.associations:
        return None
    author = p.login(event.payload, "issue", "user") or snapshot.issue.author
    if not author or author.lower() == "ghost":
        return None  # a deleted account: there is no one to welcome
    context = {
        "author": author,
        "community": config.community.name,
        "title": snapshot.issue.title,
        "number": snapshot.number,
        "form": reading.form.name if reading.form else "",
    }
    text = render_user_template(welcome.template, context, name="triage.welcome.template")
    return Section("welcome", text) if text.strip() else None


def skip_reason(event: Event, config: TriageConfig, snapshot: IssueSnapshot) -> str | None:
    """Why triage leaves this issue alone, if it does."""
    if not config.triage.enabled:
        return "triage is disabled (triage.enabled: false)"
    issue = snapshot.issue
    if issue.is_pull_request or p.get(event.payload, "issue", "pull_request"):
        return "a pull request, not an issue"
    if issue.state == "closed" and event.action != "reopened":
        return "the issue is closed"
    author = issue.author.lower()
    bot = config.community.bot_login.lower()
    # GraphQL spells an App's bot without "[bot]". A marker alone proves nothing (anyone can
    # type one): it counts on an issue a bot opened.
    if author in (bot, bot.removesuffix("[bot]")) or (
        marker_key(issue.body) and issue.author_is_bot
    ):
        return "the bot's own issue"
    return None


def plan_triage(
    event: Event,
    config: TriageConfig,
    snapshot: IssueSnapshot,
    forms: Mapping[str, IssueForm],
    now: datetime,
) -> Plan:
    """What triage does for one `issues` event. Pure: no network, clock or files."""
    del now  # triage decides from the event and the snapshot alone
    plan = Plan()
    reason = skip_reason(event, config, snapshot)
    if reason:
        return plan.note(f"triage skipped #{snapshot.number}: {reason}")
    repo, number, action = snapshot.repo, snapshot.number, event.action
    issue = snapshot.issue
    labels_now = list(issue.labels)
    title = issue.title
    body = issue.body
    now_reading = read_issue(title, body, labels_now, config, forms)

    existing_comment = (snapshot.state.comments or {}).get(TRIAGE_KEY)
    sections = parse_sections(existing_comment.body if existing_comment else None)
    had_missing = "missing" in sections and sections["missing"].data == "open"

    # -- labels -------------------------------------------------------------------------------
    before = None
    if action == "labeled":
        to_add: list[str] = []
        to_remove: list[str] = []
    elif action == "edited":
        old_body = p.get(event.payload, "changes", "body", "from")
        old_title = p.get(event.payload, "changes", "title", "from")
        before = read_issue(
            old_title if isinstance(old_title, str) else title,
            old_body if isinstance(old_body, str) else body,
            labels_now,
            config,
            forms,
        )
        previously = list(before.labels)
        if had_missing:
            previously.append(config.triage.needs_info_label)
        # Only answers that changed add labels (a label a person removed stays removed); the
        # label of an answer that changed is replaced.
        _, to_remove = reconcile_labels(
            labels_now, now_reading.labels, previously, config.labels.owns
        )
        known = {n.lower() for n in (*previously, *labels_now)}
        to_add = [n for n in now_reading.labels if n.lower() not in known]
    else:  # opened, reopened
        to_add, to_remove = reconcile_labels(labels_now, now_reading.labels, [], config.labels.owns)
    _label_ops(plan, repo, number, snapshot, config, to_add, to_remove)

    # -- routing ------------------------------------------------------------------------------
    label_after = {n.lower() for n in labels_now} | {n.lower() for n in to_add}
    label_after -= {n.lower() for n in to_remove}
    previous_routes = [
        g
        for g in (
            config.group(s) for s in sections.get("routing", Section("", "")).data.split(",") if s
        )
        if g
    ]
    route: list[Group] = list(now_reading.route)
    newly_routed: list[Group] = []
    if action == "labeled":
        added = p.text(event.payload, "label", "name").lower()
        labelled = [g for g in config.groups if g.group_label.lower() == added]
        route = [*previous_routes, *labelled]
        newly_routed = [g for g in labelled if g.slug not in {x.slug for x in previous_routes}]
    else:
        before_route = {g.slug for g in before.route} if before else set()
        # Groups a person routed to with a label stay while their label does.
        route += [
            g
            for g in previous_routes
            if g.slug not in before_route and g.group_label.lower() in label_after
        ]
        newly_routed = [g for g in now_reading.route if g.slug not in before_route]
    route = list({g.slug: g for g in route}.values())
    if config.triage.mention_leads:
        routing = routing_section(route)
        if routing:
            sections["routing"] = routing
        else:
            sections.pop("routing", None)
    if config.triage.assign_leads:
        leads = list(dict.fromkeys(lead for g in newly_routed for lead in g.leads))
        if leads:
            plan.add(Assign(repo=repo, issue=number, assignees=leads))

    # -- missing information ------------------------------------------------------------------
    if action != "labeled":
        if not now_reading.from_form:
            sections.pop("missing", None)  # no form any more: nothing to ask for, or thank for
        elif now_reading.missing:
            sections["missing"] = missing_section(now_reading)
        elif had_missing or (before is not None and before.from_form and before.missing):
            sections["missing"] = THANKS

    # -- welcome ------------------------------------------------------------------------------
    if action == "opened":
        try:
            welcome = _welcome(event, snapshot, config, now_reading)
        except InputError as exc:
            welcome = None
            plan.note(f"no welcome: {exc}")
        if welcome:
            sections["welcome"] = welcome

    # -- possible duplicates ------------------------------------------------------------------
    title_changed = action == "edited" and isinstance(
        p.get(event.payload, "changes", "title", "from"), str
    )
    if config.triage.duplicates.enabled and (action == "opened" or title_changed):
        matches = possible_duplicates(snapshot, title, now_reading, config, forms)
        dup_label = config.triage.duplicates.label
        section = duplicates_section(matches, number)
        if section:
            sections["duplicates"] = section
            if dup_label and dup_label.lower() not in label_after:
                _label_ops(plan, repo, number, snapshot, config, [dup_label], [])
        elif "duplicates" in sections:
            del sections["duplicates"]
            if dup_label and dup_label.lower() in label_after:
                _label_ops(plan, repo, number, snapshot, config, [], [dup_label])

    # -- the comment --------------------------------------------------------------------------
    text = compose(sections)
    if text:
        plan.add(Comment(repo=repo, issue=number, key=TRIAGE_KEY, body=text))
    elif existing_comment is not None:
        plan.add(DeleteComment(repo=repo, issue=number, key=TRIAGE_KEY))

    # -- the backlog project ------------------------------------------------------------------
    project = config.triage.project
    if project and action in ("opened", "reopened"):
        plan.add(
            AddToProject(
                repo=repo, issue=number, project_owner=project.owner, project_number=project.number
            )
        )
    if now_reading.form is None:
        plan.note(f"#{number} did not come from an issue form; labelled by keywords")
    return plan


def refresh_routing(config: TriageConfig, snapshot: IssueSnapshot, groups: Sequence[Group]) -> Plan:
    """The triage comment with its routing section set to `groups` (for `/sig`), keeping every
    other section as it is. Pure."""
    plan = Plan()
    existing = (snapshot.state.comments or {}).get(TRIAGE_KEY)
    sections = parse_sections(existing.body if existing else None)
    routing = routing_section(groups) if config.triage.mention_leads else None
    if routing:
        sections["routing"] = routing
    else:
        sections.pop("routing", None)
    text = compose(sections)
    if text:
        plan.add(Comment(repo=snapshot.repo, issue=snapshot.number, key=TRIAGE_KEY, body=text))
    elif existing is not None:
        plan.add(DeleteComment(repo=snapshot.repo, issue=snapshot.number, key=TRIAGE_KEY))
    if config.triage.assign_leads:
        leads = list(dict.fromkeys(lead for g in groups for lead in g.leads))
        if leads:
            plan.add(Assign(repo=snapshot.repo, issue=snapshot.number, assignees=leads))
    return plan
