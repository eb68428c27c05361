"""The DDaT feedback report, for the representatives to hand to the framework's owners. Pure.

Every piece of feedback with its own words (the form's Details and Evidence answers, or the
body of free-text feedback, trimmed sensibly), its type, the skill it proposes, its role, level
and skills, the author's department (normalised with `digest.departments`, the same function
as the digest), its support, its status and date.

Support means agreement: the 👍 on the issue from people other than its author (never a bot),
and the distinct people who agreed, by a 👍 or by a comment that is nothing but agreement
("+1", "👍", "agree", "me too"). Other comments (questions, a maintainer asking for more, the
bot's own) are not support. Feedback with no content yet (an empty form: no words, no role,
level, skill or type) is kept out of the totals and listed apart, as not included. Then roll-ups: by skill across roles, by role → level → skill, by type, by
department, and a trend by month or quarter.

Each issue is classified from its body (with the form parser and the prose reader); a `/ddat`
correction (kept in the bot's comment, believed while its labels are on the issue) wins over
the body, and DDaT labels fill in what neither says. Counts are of distinct issues: an issue
about two skills counts once for its role and level, once under each skill. 👍 on the issue is
the measure of support; summing the CSV's `thumbs_up` column never double-counts (one row per
piece of feedback).

Rendered by `report_render`: Markdown, accessible printable HTML, CSV (one row per feedback,
plus `csv-skills`: one row per feedback and skill), XLSX and JSON. `anonymise` drops logins
(authors, @mentions) and email addresses, in every format, for an outside audience; `links` (on by default) can be turned off, since
the owners cannot open a private repository.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from ghcommunity.core.departments import alias_table
from ghcommunity.core.departments import department as normalise_department
from ghcommunity.core.forms import parse_body
from ghcommunity.core.plan import marker_key
from ghcommunity.jobs.ddat import corrections
from ghcommunity.jobs.ddat.classify import DdatKit
from ghcommunity.jobs.ddat.fetch import FeedbackIssue
from ghcommunity.jobs.ddat.form import DETAILS, EVIDENCE
from ghcommunity.jobs.ddat.names import ALL_LEVELS

NO_ROLE = "Role not given"
NO_LEVEL = "Level not given"
NO_SKILL = "No skill named"
NO_TYPE = "Type not given"
NO_DEPARTMENT = "Department not given"

EXCERPT = 600  # characters of someone's words in Markdown and HTML
WORDS_MAX = 3000  # in CSV, XLSX and JSON


@dataclass(frozen=True)
class Period:
    since: date | None = None
    until: date | None = None

    def contains(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    def describe(self) -> str:
        if self.since and self.until:
            return f"opened {self.since.isoformat()} to {self.until.isoformat()}"
        if self.since:
            return f"opened on or after {self.since.isoformat()}"
        if self.until:
            return f"opened on or before {self.until.isoformat()}"
        return "opened at any time"


@dataclass(frozen=True)
class Item:
    """One piece of feedback as the report sees it."""

    issue: FeedbackIssue
    opened: date  # in the community's time zone
    role: str | None
    level: str | None
    skills: tuple[str, ...]
    type: str | None
    department: str | None
    source: str  # form, lines, text; "+labels" / "+corrected" when they filled in or won
    words: str = ""  # the feedback's own words, tidied, at most WORDS_MAX characters
    proposed_skills: tuple[str, ...] = ()
    supporters: frozenset[str] = frozenset()  # people who agreed (👍, "+1"), not the author
    thumbs_up: int = 0  # 👍 on the issue, not counting its author's or a bot's
    title: str = ""  # the issue's title (anonymised when the report is)

    @property
    def has_content(self) -> bool:
        """False for an empty submission: no words, and nothing about the framework."""
        return bool(
            self.words.strip()
            or self.role
            or self.level
            or self.skills
            or self.type
            or self.proposed_skills
        )

    @property
    def open(self) -> bool:
        return self.issue.state == "open"

    @property
    def status(self) -> str:
        return "open" if self.open else "closed"

    @property
    def people(self) -> int:
        return len(self.supporters)


@dataclass
class Group:
    """Counts for one role, level, skill, type, department or period."""

    name: str
    items: list[Item] = field(default_factory=list)
    children: list[Group] = field(default_factory=list)

    @property
    def issues(self) -> int:
        return len(self.items)

    @property
    def open(self) -> int:
        return sum(1 for i in self.items if i.open)

    @property
    def closed(self) -> int:
        return self.issues - self.open

    @property
    def thumbs_up(self) -> int:
        return sum(i.thumbs_up for i in self.items)

    @property
    def people(self) -> int:
        """Distinct people across the group (someone supporting two pieces counts once)."""
        return len(frozenset().union(*(i.supporters for i in self.items)))

    @property
    def roles(self) -> list[str]:
        return list(dict.fromkeys(i.role for i in self.items if i.role))

    def counts(self) -> dict[str, int]:
        return {
            "issues": self.issues,
            "open": self.open,
            "closed": self.closed,
            "thumbs_up": self.thumbs_up,
            "people": self.people,
        }


@dataclass
class Report:
    repo: str
    period: Period
    state: str
    items: list[Item]
    roles: list[Group]
    types: list[Group]
    attribution: str
    skills: list[Group] = field(default_factory=list)
    departments: list[Group] = field(default_factory=list)
    trend: list[Group] = field(default_factory=list)
    trend_by: str = "month"
    anonymise: bool = False
    links: bool = True
    # Feedback with no content yet (an empty form): not in the figures, listed apart.
    not_included: list[Item] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def everything(self) -> Group:
        return Group("all", list(self.items))

    def author(self, item: Item) -> str:
        return "" if self.anonymise else item.issue.author

    def url(self, item: Item) -> str:
        return item.issue.url if self.links else ""


# -- the feedback's own words ----------------------------------------------------------------

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[`~]*\s*$", re.M | re.S)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_HEADING = re.compile(r"^#{1,6}\s*", re.M)
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\b")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_NO_ANSWER = {"_no response_", "none", "n/a", ""}
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


EMAIL_REMOVED = "(email address removed)"
MENTION_REMOVED = "@(someone)"


def anonymise_text(text: str) -> str:
    """Email addresses and @mentions masked (emails first: `jane@dept.gov.uk` is no mention)."""
    return _MENTION.sub(MENTION_REMOVED, _EMAIL.sub(EMAIL_REMOVED, text))


# A comment that is nothing but agreement: "+1", "👍", "Agree!", "me too", "same here".
_QUOTED_LINE = re.compile(r"^\s*>.*$", re.M)
_AGREEMENT = re.compile(
    r"\+\s?1\b|:\+1:|:thumbsup:|👍[\U0001F3FB-\U0001F3FF]?|"
    r"\b(?:i\s+)?(?:(?:strongly|totally|completely|fully)\s+)?agree(?:d)?\b|"
    r"\bme\s+too\b|\bsame\s+here\b|\bsame\b|\bseconded\b|\bplus\s+one\b"
)
_FILLER = re.compile(r"[\s!.,;:\-–—()]*")


def is_agreement(body: str) -> bool:
    """True when a comment says only that its author agrees (quoted lines aside)."""
    if marker_key(body):
        return False
    text = _HTML_COMMENT.sub(" ", _QUOTED_LINE.sub(" ", body)).lower()
    rest, found = _AGREEMENT.subn(" ", text)
    return found > 0 and _FILLER.fullmatch(rest) is not None


def tidy_words(text: str, *, anonymise: bool = False) -> str:
    """Someone's Markdown as plain words: no hidden comments, code blocks, images or tags;
    paragraphs kept (one blank line), other runs of spaces collapsed."""
    text = _HTML_COMMENT.sub(" ", text.replace("\r\n", "\n"))
    text = _FENCE.sub(" [code] ", text)
    text = _IMAGE.sub(lambda m: f"[image: {m.group(1)}]" if m.group(1) else "[image]", text)
    text = _TAG.sub(" ", text)
    text = _HEADING.sub("", text)
    if anonymise:
        text = anonymise_text(text)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def trim(text: str, limit: int) -> str:
    """At most `limit` characters, cut at the end of a sentence if one is near, else at a
    word, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= limit * 0.6:
        return head[: ends[-1]].rstrip() + " …"
    space = head.rfind(" ")
    return (head[:space] if space > limit * 0.6 else head).rstrip(" ,;:") + " …"


def feedback_words(issue: FeedbackIssue, kit: DdatKit, *, anonymise: bool = False) -> str:
    """The Details and Evidence answers of a form submission, or the body of free text."""
    parsed = parse_body(issue.body, kit.form)
    if parsed.from_form:
        parts = []
        for field_id, heading in ((DETAILS, ""), (EVIDENCE, "Evidence: ")):
            value = parsed.values.get(field_id)
            if isinstance(value, str) and value.strip().lower() not in _NO_ANSWER:
                parts.append(heading + tidy_words(value, anonymise=anonymise))
        text = "\n\n".join(p for p in parts if p.strip())
    else:
        text = tidy_words(issue.body, anonymise=anonymise)
    return trim(text, WORDS_MAX)


# -- building --------------------------------------------------------------------------------


def _is_bot(login: str, bots: frozenset[str]) -> bool:
    return login.endswith("[bot]") or login in bots


def _classify(
    issue: FeedbackIssue,
    kit: DdatKit,
    zone: ZoneInfo,
    departments: Mapping[str, str],
    anonymise: bool,
    bots: frozenset[str] = frozenset(),
) -> Item:
    result = kit.classify(issue.body, issue.title)
    found = corrections.trusted(corrections.parse(issue.ddat_comment), issue.labels, kit.labeller)
    corrections.apply_correction(result, found, kit)
    role, level, skills, kind = result.role, result.level, list(result.skills), result.type
    corrected = set(found.values) if found else set()
    from_labels = False
    for name in issue.labels:
        label = kit.labeller.parse(name)
        if label is None or label.kind in corrected:
            continue
        if label.kind == "role" and role is None:
            role, from_labels = label.value, True
        elif label.kind == "level" and level is None:
            level, from_labels = label.value, True
        elif label.kind == "type" and kind is None:
            kind, from_labels = label.value, True
        elif label.kind == "skill" and not result.skills and label.value not in skills:
            skills.append(label.value)
            from_labels = True
    if role is None and level and level != ALL_LEVELS:
        role = kit.taxonomy.role_of_level(level)
    department, _ = normalise_department(result.department, departments)
    author = issue.author.lower()
    not_counted = [
        login.lower()
        for login in issue.thumbs_up_by
        if login.lower() == author or _is_bot(login.lower(), bots)
    ]
    agreed = [login for login, body in issue.comments if is_agreement(body)]
    supporters = frozenset(
        login.lower()
        for login in (*issue.thumbs_up_by, *agreed)
        if login.lower() != author and not _is_bot(login.lower(), bots)
    )
    clean: Callable[[str], str] = anonymise_text if anonymise else (lambda text: text)
    source = result.source + ("+corrected" if found else "") + ("+labels" if from_labels else "")
    return Item(
        issue=issue,
        opened=issue.created_at.astimezone(zone).date(),
        role=role,
        level=level,
        skills=tuple(skills),
        type=kind,
        department=clean(department) if department else department,
        source=source,
        words=feedback_words(issue, kit, anonymise=anonymise),
        proposed_skills=tuple(clean(s) for s in result.proposed_skills),
        supporters=supporters,
        thumbs_up=max(0, issue.thumbs_up - len(not_counted)),
        title=clean(issue.title),
    )


def _ordered(names: Iterable[str], order: Sequence[str], last: str) -> list[str]:
    rank = {name: i for i, name in enumerate(order)}
    return sorted(set(names), key=lambda n: (n == last, rank.get(n, len(rank)), n.casefold()))


def _groups(
    items: Sequence[Item], key: Callable[[Item], Iterable[str]], order: Sequence[str], last: str
) -> list[Group]:
    names = _ordered((n for i in items for n in key(i)), order, last)
    return [Group(name, [i for i in items if name in key(i)]) for name in names]


def period_of(day: date, by: str) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if by == "quarter" else f"{day:%Y-%m}"


def _periods(first: date, last: date, by: str) -> list[str]:
    """Every month (or quarter) from first to last, so empty ones show as gaps."""
    out: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        name = period_of(date(year, month, 1), by)
        if name not in out:
            out.append(name)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def build_report(
    issues: Iterable[FeedbackIssue],
    kit: DdatKit,
    *,
    repo: str,
    period: Period | None = None,
    state: str = "all",
    timezone: str = "Europe/London",
    departments: Mapping[str, Iterable[str]] | None = None,
    trend_by: str = "month",
    anonymise: bool = False,
    links: bool = True,
    bots: Iterable[str] = (),
) -> Report:
    """`departments`: the config's `digest.departments` (department → aliases); `bots`: more
    logins whose 👍 and comments are never support (the configured `bot_login`; any
    `…[bot]` login is never counted anyway)."""
    period = period or Period()
    zone = ZoneInfo(timezone)
    aliases = alias_table(departments or {})
    machines = frozenset(b.lower() for b in bots if b)
    items: list[Item] = []
    empty: list[Item] = []
    for issue in issues:
        if state != "all" and issue.state != state:
            continue
        item = _classify(issue, kit, zone, aliases, anonymise, machines)
        if period.contains(item.opened):
            (items if item.has_content else empty).append(item)
    items.sort(key=lambda i: i.issue.number)
    empty.sort(key=lambda i: i.issue.number)

    tax = kit.taxonomy
    role_order = [r.name for r in tax.roles]
    level_order = [ALL_LEVELS] + [lv for r in tax.roles for lv in r.levels]
    skill_order = [s.name for s in tax.skills]
    roles = []
    for role_group in _groups(items, lambda i: (i.role or NO_ROLE,), role_order, NO_ROLE):
        for level_group in _groups(
            role_group.items, lambda i: (i.level or NO_LEVEL,), level_order, NO_LEVEL
        ):
            level_group.children = _groups(
                level_group.items, lambda i: i.skills or (NO_SKILL,), skill_order, NO_SKILL
            )
            role_group.children.append(level_group)
        roles.append(role_group)
    trend: list[Group] = []
    if items:
        first, last = min(i.opened for i in items), max(i.opened for i in items)
        trend = [
            Group(name, [i for i in items if period_of(i.opened, trend_by) == name])
            for name in _periods(first, last, trend_by)
        ]
    return Report(
        repo=repo,
        period=period,
        state=state,
        items=items,
        roles=roles,
        types=_groups(items, lambda i: (i.type or NO_TYPE,), tax.feedback_types, NO_TYPE),
        attribution=tax.source.attribution,
        skills=_groups(items, lambda i: i.skills or (NO_SKILL,), skill_order, NO_SKILL),
        departments=_groups(
            items, lambda i: (i.department or NO_DEPARTMENT,), list(aliases.values()), NO_DEPARTMENT
        ),
        trend=trend,
        trend_by=trend_by,
        anonymise=anonymise,
        links=links,
        not_included=empty,
    )


# -- plain data for every format ---------------------------------------------------------------

CSV_COLUMNS = (
    "issue",
    "title",
    "url",
    "status",
    "opened",
    "closed",
    "author",
    "type",
    "role",
    "level",
    "skills",
    "proposed_skill",
    "department",
    "thumbs_up",
    "people",
    "words",
    "source",
)
SKILL_CSV_COLUMNS = ("issue", "title", "skill", "role", "level", "type", "status", "opened")

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; people's text never should."""
    return "'" + text if text.startswith(_FORMULA) else text


def feedback_row(report: Report, item: Item) -> dict[str, Any]:
    """One piece of feedback as a row (CSV, XLSX); people's text is made formula-safe."""
    issue = item.issue
    return {
        "issue": issue.number,
        "title": safe_cell(item.title),
        "url": report.url(item),
        "status": item.status,
        "opened": item.opened.isoformat(),
        "closed": issue.closed_at.date().isoformat() if issue.closed_at else "",
        "author": report.author(item),
        "type": item.type or "",
        "role": item.role or "",
        "level": item.level or "",
        "skills": "; ".join(item.skills),
        "proposed_skill": safe_cell("; ".join(item.proposed_skills)),
        "department": safe_cell(item.department or ""),
        "thumbs_up": item.thumbs_up,
        "people": item.people,
        "words": safe_cell(item.words),
        "source": item.source,
    }


def skill_rows(report: Report) -> list[dict[str, Any]]:
    """One row per piece of feedback and skill (for a pivot by skill; do not sum 👍 here)."""
    rows = []
    for item in report.items:
        for skill in item.skills or ("",):
            rows.append(
                {
                    "issue": item.issue.number,
                    "title": safe_cell(item.title),
                    "skill": skill,
                    "role": item.role or "",
                    "level": item.level or "",
                    "type": item.type or "",
                    "status": item.status,
                    "opened": item.opened.isoformat(),
                }
            )
    return rows


def csv_rows(report: Report) -> list[dict[str, Any]]:
    return [feedback_row(report, item) for item in report.items]


def _group_json(group: Group, child_key: str | None, grandchild: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": group.name, **group.counts()}
    out["issue_numbers"] = [i.issue.number for i in group.items]
    if child_key:
        out[child_key] = [_group_json(c, grandchild, None) for c in group.children]
    return out


def report_json(report: Report) -> dict[str, Any]:
    return {
        "repo": report.repo,
        "period": {
            "since": report.period.since.isoformat() if report.period.since else None,
            "until": report.period.until.isoformat() if report.period.until else None,
        },
        "state": report.state,
        "anonymised": report.anonymise,
        "totals": report.everything.counts(),
        "types": [{"name": g.name, **g.counts()} for g in report.types],
        "skills": [{"name": g.name, **g.counts(), "roles": g.roles} for g in report.skills],
        "departments": [{"name": g.name, **g.counts()} for g in report.departments],
        "trend": {
            "by": report.trend_by,
            "periods": [{"name": g.name, **g.counts()} for g in report.trend],
        },
        "roles": [_group_json(g, "levels", "skills") for g in report.roles],
        "issues": [
            {
                "number": i.issue.number,
                "title": i.title,
                "url": report.url(i) or None,
                "state": i.issue.state,
                "opened": i.opened.isoformat(),
                "closed_at": i.issue.closed_at.isoformat() if i.issue.closed_at else None,
                "author": report.author(i) or None,
                "type": i.type,
                "role": i.role,
                "level": i.level,
                "skills": list(i.skills),
                "proposed_skills": list(i.proposed_skills),
                "department": i.department,
                "thumbs_up": i.thumbs_up,
                "people": i.people,
                "words": i.words,
                "source": i.source,
            }
            for i in report.items
        ],
        "not_included": [
            {
                "number": i.issue.number,
                "title": i.title,
                "url": report.url(i) or None,
                "reason": "no content yet",
            }
            for i in report.not_included
        ],
        "attribution": report.attribution,
    }


FORMATS = ("md", "html", "csv", "csv-skills", "xlsx", "json")
EXTENSIONS = {
    "md": "md",
    "html": "html",
    "csv": "csv",
    "csv-skills": "skills.csv",
    "xlsx": "xlsx",
    "json": "json",
}
