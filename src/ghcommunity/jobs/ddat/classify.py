"""Reading DDaT feedback from an issue: role, level, skills and feedback type, and what is wrong.

Where the answers come from, in order:

1. **form**: the body came through the DDaT feedback form (read with `ghcommunity.core.forms`);
2. **lines**: the body says `Role: ...`, `Level: ...`, `Skills: ...` on lines of their own
   (what the invitation comment asks people to add to an issue that did not use the form);
3. **text**: neither; the issue is DDaT feedback only if it is *about the framework*: it names
   DDaT or the capability framework, or a role, level or skill name distinctive enough not to be
   everyday words (see `mentions`).

Every written value is resolved to the framework's own name (`resolve`); values that cannot be
are reported as problems, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Literal

from ghcommunity.core.forms import IssueForm, parse_body, split_choices
from ghcommunity.jobs.ddat.form import (
    DEPARTMENT,
    LABELS,
    LEVEL,
    PROPOSED,
    ROLE,
    SKILLS,
    TYPE,
    feedback_form,
)
from ghcommunity.jobs.ddat.labels import Labeller
from ghcommunity.jobs.ddat.names import ALL_LEVELS, normalise
from ghcommunity.jobs.ddat.prose import Finding, ProseReader, about_framework, missing_topics
from ghcommunity.jobs.ddat.resolve import Resolution, Resolver, words
from ghcommunity.jobs.ddat.settings import DdatConfig
from ghcommunity.jobs.ddat.taxonomy import Taxonomy

Source = Literal["form", "lines", "text"]
Severity = Literal["error", "info"]

# Problem kinds (stable: tools read them).
UNKNOWN = "unknown"  # not a framework name, nor close to one
AMBIGUOUS = "ambiguous"  # could be several framework names
INTERPRETED = "interpreted"  # read as a framework name (free text, a typo): labelled
ALIAS = "alias"  # another or an older name of a framework name: labelled
MISMATCH = "mismatch"  # the level belongs to another role
MISSING = "missing"  # a required answer is empty
INVALID = "invalid"  # e.g. several roles where the form allows one
NOT_A_FORM = "not_a_form"  # the issue did not come through the DDaT feedback form
PROPOSED_SKILL = "proposed_skill"  # "Missing skill" feedback naming the skill it proposes

# The kinds worth telling the author about in a comment (the rest are in --json only).
COMMENT_KINDS = frozenset({UNKNOWN, AMBIGUOUS, INTERPRETED, MISMATCH, INVALID, PROPOSED_SKILL})
# Feedback types whose unknown skills are proposals of new skills, not mistakes.
PROPOSING_TYPES = frozenset({"Missing skill", "Emerging need"})

FIELD_NAMES = {"role": "role", "level": "level", "skill": "skill", "type": "feedback type"}

# Phrases that on their own make an issue about the framework. "DDaT" alone is not one: it is
# also the profession's name ("the DDaT all-staff call"), so it counts only as "DDaT framework",
# "DDaT skills", "DDaT role levels"... or next to one of the CONTEXT_TERMS below.
FRAMEWORK_TERMS = (
    r"\bddat (?:capability )?framework\b",
    r"\bddat (?:role levels?|role famil(?:y|ies)|skills?|roles?|levels?)\b",
    r"\bcapability framework\b",
    r"\bgovernment digital (?:and|&) data profession capability\b",
    r"\bdigital,? data (?:and|&) technology (?:\(ddat\) )?(?:profession )?(?:capability )?"
    r"framework\b",
)
DDAT = r"\bddat\b"
# "DDaT", and ordinary role and level names ("software developer"), count only next to one of
# these.
CONTEXT_TERMS = (
    r"\bframework\b",
    r"\bskills?\b",
    r"\broles?\b",
    r"\blevels?\b",
    r"\bproficiency\b",
    r"\bcareer paths?\b",
    r"\bjob famil(?:y|ies)\b",
)
# Ordinary names need a stronger hint than "DDaT" does: "skills" and "roles" are everyday
# words next to "frontend developer".
NAME_CONTEXT_TERMS = (
    r"\bframework\b",
    r"\brole levels?\b",
    r"\bskill levels?\b",
    r"\bproficiency\b",
    r"\bcareer paths?\b",
    r"\bjob famil(?:y|ies)\b",
    r"\brole famil(?:y|ies)\b",
)
_FENCED = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[`~]*\s*$", re.M | re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINE = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?P<key>role level|role|level|skills?|"
    r"type of feedback|feedback type)(?:\*\*|__)?[ \t]*[:=][ \t]*(?:\*\*|__)?"
    r"(?P<value>.*?)(?:\*\*|__)?[ \t]*$",
    re.I | re.M,
)


@dataclass
class DdatProblem:
    field: str | None  # "role", "level", "skills", "type", "details", ... or None
    kind: str
    message: str
    value: str | None = None
    candidates: list[str] = dc_field(default_factory=list)
    severity: Severity = "error"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "field": self.field,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
        }
        if self.value is not None:
            out["value"] = self.value
        if self.candidates:
            out["candidates"] = list(self.candidates)
        return out


@dataclass
class Proposal:
    """What the text seems to be about but not surely: proposed in the bot's comment (to accept
    with `/ddat ok`), never labelled."""

    role: str | None = None
    level: str | None = None
    skills: list[str] = dc_field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.role or self.level or self.skills)

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "level": self.level, "skills": list(self.skills)}


@dataclass
class Classification:
    source: Source
    about_framework: bool
    role: str | None = None
    level: str | None = None
    skills: list[str] = dc_field(default_factory=list)
    type: str | None = None
    department: str | None = None
    problems: list[DdatProblem] = dc_field(default_factory=list)
    mentions: list[str] = dc_field(default_factory=list)
    labels: list[str] = dc_field(default_factory=list)
    proposed: Proposal = dc_field(default_factory=Proposal)
    findings: list[Finding] = dc_field(default_factory=list)
    proposed_skills: list[str] = dc_field(default_factory=list)  # new skills it proposes

    @property
    def from_form(self) -> bool:
        return self.source == "form"

    @property
    def to_comment(self) -> list[DdatProblem]:
        return [p for p in self.problems if p.kind in COMMENT_KINDS]

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "level": self.level,
            "skills": list(self.skills),
            "type": self.type,
            "labels": list(self.labels),
            "problems": [p.to_json() for p in self.problems],
            "about_framework": self.about_framework,
            "source": self.source,
            "proposed": self.proposed.to_json(),
            "proposed_skills": list(self.proposed_skills),
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass
class DdatKit:
    """Everything the DDaT jobs need about one taxonomy and config, built once."""

    taxonomy: Taxonomy
    labeller: Labeller
    resolver: Resolver
    form: IssueForm
    needs_triage_label: str = "needs-triage"
    extra_terms: tuple[str, ...] = ()
    detect_mentions: bool = True
    _distinctive: list[tuple[str, str]] = dc_field(default_factory=list, init=False)
    _ordinary: list[tuple[str, str]] = dc_field(default_factory=list, init=False)
    prose: ProseReader = dc_field(init=False)

    def __post_init__(self) -> None:
        self.prose = ProseReader(self.taxonomy)
        # (normalised spelling, display name) of names that mark an issue as about the
        # framework on their own, and of those that need a framework word next to them.
        for entry in (
            *self.taxonomy.entries("role"),
            *self.taxonomy.entries("level"),
            *self.taxonomy.entries("skill"),
        ):
            spellings = [entry.name]
            if entry.kind in ("role", "skill"):
                spellings += [
                    a for a, n in self.taxonomy.aliases(entry.kind).items() if n == entry.name
                ]
            for spelling in spellings:
                key = normalise(spelling)
                target = self._distinctive if _distinctive(spelling) else self._ordinary
                target.append((key, entry.name))

    @classmethod
    def build(cls, taxonomy: Taxonomy, config: DdatConfig) -> DdatKit:
        section = config.ddat
        return cls(
            taxonomy=taxonomy,
            labeller=Labeller(taxonomy, section.label_prefix, section.feedback_label),
            resolver=Resolver(taxonomy),
            form=feedback_form(taxonomy, section.feedback_label),
            needs_triage_label=config.triage.needs_triage_label,
            extra_terms=tuple(section.extra_terms),
            detect_mentions=section.detect_mentions,
        )

    # -- reading an issue -------------------------------------------------------------------

    def classify(self, body: str | None, title: str | None = None) -> Classification:
        """What an issue body (and title) says about the framework. Never raises."""
        parsed = parse_body(body, self.form)
        if parsed.from_form:
            return self._from_form(parsed.values, parsed.problems)
        text = strip_code(f"{title or ''}\n{body or ''}")
        mentions = self.mentions(text)
        lines = read_lines(text)
        result = self._from_values(
            "lines",
            role=lines.get("role", []),
            level=lines.get("level", []),
            skills=split_skills(lines.get("skills", []), self.skill_spellings()),
            kind=lines.get("type", []),
        )
        named = bool(result.role or result.level or result.skills)
        if named or (mentions and lines):
            result.about_framework = True
            result.mentions = mentions
        else:
            result = self._from_prose(text, mentions)
        result.problems.insert(
            0,
            DdatProblem(
                None,
                NOT_A_FORM,
                "the issue did not come through the DDaT feedback form"
                + ("" if result.about_framework else " and is not about the framework"),
                severity="info" if result.about_framework else "error",
            ),
        )
        result.labels = self.labels_for(result)
        return result

    def _from_prose(self, text: str, mentions: list[str]) -> Classification:
        """Free text: confident findings are its values, the others proposals."""
        reading = self.prose.read(text) if self.detect_mentions else None
        if reading is None or not about_framework(reading, mentions):
            return Classification(source="text", about_framework=bool(mentions), mentions=mentions)
        result = Classification(source="text", about_framework=True, mentions=mentions)
        result.findings = reading.findings
        for finding in reading.findings:
            sure = finding.confident
            if finding.kind == "role":
                if sure:
                    result.role = finding.name
                else:
                    result.proposed.role = finding.name
            elif finding.kind == "level":
                if sure:
                    result.level = finding.name
                else:
                    result.proposed.level = finding.name
            elif sure:
                result.skills.append(finding.name)
            else:
                result.proposed.skills.append(finding.name)
        if result.proposed.level and not result.role and not result.proposed.role:
            result.proposed.role = self.taxonomy.role_of_level(result.proposed.level)
        for topic in missing_topics(text, reading):
            # Not a framework name: kept, in the author's words, as a proposed skill.
            result.proposed_skills.append(topic)
            result.problems.append(
                DdatProblem(
                    SKILLS,
                    PROPOSED_SKILL,
                    f"{topic!r} is not a skill in the framework yet: kept as a proposal",
                    value=topic,
                    severity="info",
                )
            )
        return result

    def _from_form(self, values: dict[str, Any], form_problems: Iterable[Any]) -> Classification:
        def listed(field_id: str) -> list[str]:
            value = values.get(field_id)
            found = [str(v) for v in value] if isinstance(value, list) else []
            item = self.form.field(field_id)
            if len(found) == 1 and item and not item.multiple and ", " in found[0]:
                # A hand-edited single choice "A, B": several options, not one unknown value.
                parts = split_choices(found[0], item.options)
                if len(parts) > 1 and all(p in item.options for p in parts):
                    return parts
            return found

        department = values.get(DEPARTMENT)
        result = self._from_values(
            "form",
            role=listed(ROLE),
            level=listed(LEVEL),
            skills=listed(SKILLS),
            kind=listed(TYPE),
        )
        result.about_framework = True
        result.department = department if isinstance(department, str) else None
        proposal = values.get(PROPOSED)
        if isinstance(proposal, str) and proposal.strip():
            result.proposed_skills.insert(0, " ".join(proposal.split()))
        for problem in form_problems:
            if problem.kind == "missing_required":
                result.problems.append(
                    DdatProblem(problem.field, MISSING, _missing_message(problem.field))
                )
        result.labels = self.labels_for(result)
        return result

    def _from_values(
        self,
        source: Source,
        *,
        role: Sequence[str],
        level: Sequence[str],
        skills: Sequence[str],
        kind: Sequence[str],
    ) -> Classification:
        result = Classification(source=source, about_framework=False)
        resolver = self.resolver
        if len(role) > 1:
            result.problems.append(
                DdatProblem(
                    ROLE,
                    INVALID,
                    "choose one role; feedback about several roles "
                    "is easier to act on as one issue per role",
                    value=", ".join(role),
                )
            )
        if role:
            found_role = resolver.resolve("role", role[0])
            as_level = resolver.resolve("level", role[0])
            if not found_role.ok and as_level.ok and not level and source != "form":
                # "Role: senior dev" names a level, and a level belongs to one role.
                level = [role[0]]
            else:
                result.role = self.note(result, ROLE, found_role)
        if level:
            found = self.note(result, LEVEL, resolver.resolve("level", level[0], role=result.role))
            result.level = found
            owner = self.taxonomy.role_of_level(found) if found else None
            if owner and not result.role and source != "form":
                result.role = owner  # the level names its role
            if found and found != ALL_LEVELS and owner and result.role and owner != result.role:
                result.problems.append(
                    DdatProblem(
                        LEVEL,
                        MISMATCH,
                        f"{found!r} is a level of {owner!r}, not of {result.role!r}",
                        value=found,
                        candidates=self.levels_of(result.role),
                    )
                )
        for text in skills:
            found = self.note(result, SKILLS, resolver.resolve("skill", text))
            if found and found not in result.skills:
                result.skills.append(found)
        if kind:
            result.type = self.note(result, TYPE, resolver.resolve("type", kind[0]))
        if result.type in PROPOSING_TYPES:
            # An unknown skill in "Missing skill" feedback is the skill it proposes: kept as
            # written, never replaced by an existing one.
            for problem in result.problems:
                if problem.field == SKILLS and problem.kind == UNKNOWN and problem.value:
                    problem.kind = PROPOSED_SKILL
                    problem.severity = "info"
                    problem.message = (
                        f"{problem.value!r} is not a skill in the framework yet: kept as the "
                        "proposed new skill"
                    )
                    result.proposed_skills.append(problem.value)
        return result

    def note(self, result: Classification, field_id: str, found: Resolution) -> str | None:
        """Record how a value was read (alias, interpreted, ambiguous, unknown); its name."""
        what = FIELD_NAMES[found.kind]
        if found.how == "alias":
            result.problems.append(
                DdatProblem(
                    field_id,
                    ALIAS,
                    f"{found.text!r} is another (or an older) name of the {what} {found.value!r}",
                    value=found.text,
                    candidates=[str(found.value)],
                    severity="info",
                )
            )
        elif found.how == "interpreted":
            result.problems.append(
                DdatProblem(
                    field_id,
                    INTERPRETED,
                    f"{found.text!r} is not a framework {what}; read as {found.value!r}",
                    value=found.text,
                    candidates=[str(found.value)],
                    severity="info",
                )
            )
        elif found.how == "ambiguous":
            result.problems.append(
                DdatProblem(
                    field_id,
                    AMBIGUOUS,
                    f"{found.text!r} could be more than one framework {what}: "
                    + ", ".join(found.candidates),
                    value=found.text,
                    candidates=list(found.candidates),
                )
            )
        elif found.how == "unknown":
            hint = f"; did you mean {_or(found.candidates)}?" if found.candidates else ""
            result.problems.append(
                DdatProblem(
                    field_id,
                    UNKNOWN,
                    f"{found.text!r} is not a {what} in the framework{hint}",
                    value=found.text,
                    candidates=list(found.candidates),
                )
            )
        return found.value

    # -- about the framework? ---------------------------------------------------------------

    def mentions(self, text: str) -> list[str]:
        """What in a text shows it is about the framework (display names), or []."""
        if not self.detect_mentions:
            return []
        found: list[str] = []
        lowered = " ".join(text.lower().split())
        for pattern in FRAMEWORK_TERMS:
            match = re.search(pattern, lowered)
            if match:
                found.append(match.group(0).strip())
        if (
            not found
            and re.search(DDAT, lowered)
            and any(re.search(p, lowered) for p in CONTEXT_TERMS)
        ):
            found.append("DDaT")
        for term in self.extra_terms:
            if term.strip() and re.search(rf"\b{re.escape(term.strip().lower())}\b", lowered):
                found.append(term.strip())
        key = f" {normalise(text)} "
        for spelling, name in self._distinctive:
            if f" {spelling} " in key and name not in found:
                found.append(name)
        if any(re.search(p, lowered) for p in NAME_CONTEXT_TERMS):
            for spelling, name in self._ordinary:
                if f" {spelling} " in key and name not in found:
                    found.append(name)
        return found

    # -- labels -----------------------------------------------------------------------------

    def labels_for(self, result: Classification) -> list[str]:
        """The labels a classification calls for: feedback, role, level, skills, type, and
        needs-triage for feedback that did not come through the form."""
        if not result.about_framework:
            return []
        labeller = self.labeller
        names = [labeller.feedback_label]
        if result.role:
            names.append(labeller.for_value("role", result.role).name)
        if result.level:
            names.append(labeller.for_value("level", result.level).name)
        names += [labeller.for_value("skill", s).name for s in result.skills]
        if result.type:
            names.append(labeller.for_value("type", result.type).name)
        if not result.from_form:
            names.append(self.needs_triage_label)
        return list(dict.fromkeys(names))

    # -- helpers ----------------------------------------------------------------------------

    def levels_of(self, role: str | None) -> list[str]:
        found = self.taxonomy.role(role) if role else None
        return list(found.levels) if found else []

    def skill_spellings(self) -> list[str]:
        return [s.name for s in self.taxonomy.skills] + [
            a for s in self.taxonomy.skills for a in s.aliases
        ]


def _distinctive(name: str) -> bool:
    """Names unlikely to be everyday words: 3 or more words, a qualifier in brackets, or a
    management level ("Lead developer - management")."""
    return len(words(name)) >= 3 or "(" in name or normalise(name).endswith(" management")


def _or(names: Sequence[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _missing_message(field_id: str | None) -> str:
    label = LABELS.get(field_id or "", field_id or "an answer")
    return f"{label}: this question needs an answer"


def strip_code(text: str) -> str:
    """Text without fenced or inline code (names inside code are not mentions)."""
    return _INLINE_CODE.sub(" ", _FENCED.sub(" ", text.replace("\r\n", "\n")))


def read_lines(text: str) -> dict[str, list[str]]:
    """`Role: ...`, `Level: ...`, `Skills: ...`, `Feedback type: ...` lines, by field."""
    found: dict[str, list[str]] = {}
    for match in _LINE.finditer(text):
        key = match["key"].lower()
        value = match["value"].strip()
        if not value:
            continue
        field_id = {
            "role": ROLE,
            "role level": LEVEL,
            "level": LEVEL,
            "skill": SKILLS,
            "skills": SKILLS,
            "type of feedback": TYPE,
            "feedback type": TYPE,
        }[key]
        found.setdefault(field_id, []).append(value)
    return found


def split_skills(values: Iterable[str], spellings: Sequence[str]) -> list[str]:
    """Skills written on one line, separated by ';' or ', ' (names with commas kept whole)."""
    out: list[str] = []
    for value in values:
        for part in value.split(";"):
            out += split_choices(part.strip(), spellings) if part.strip() else []
    return out
