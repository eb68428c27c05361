"""The words of the DDaT comments. Plain text built from framework names and the author's own
words (quoted in code spans, so nothing they wrote renders as Markdown or mentions anyone)."""

from __future__ import annotations

from collections.abc import Sequence

from ghcommunity.jobs.ddat.classify import (
    AMBIGUOUS,
    INTERPRETED,
    INVALID,
    MISMATCH,
    MISSING,
    PROPOSED_SKILL,
    UNKNOWN,
    Classification,
    DdatProblem,
)
from ghcommunity.jobs.ddat.corrections import Correction
from ghcommunity.jobs.ddat.form import LABELS
from ghcommunity.jobs.ddat.taxonomy import Taxonomy

VALUES_KEY = "ddat-values"
INVITE_KEY = "ddat-invite"

FRAMEWORK = "the DDaT framework (the Government Digital and Data Profession Capability Framework)"


def code(text: str) -> str:
    """Someone's words as an inline code span that cannot break out of itself."""
    cleaned = " ".join(text.split())[:200]
    fence = "``" if "`" in cleaned else "`"
    return f"{fence}{cleaned.replace('``', '` `')}{fence}" if cleaned else "`(empty)`"


def _field(problem: DdatProblem) -> str:
    return LABELS.get(problem.field or "", "Answer")


def describe(problem: DdatProblem) -> str:
    """One bullet for one problem, for people."""
    value = code(problem.value or "")
    names = ", ".join(f"**{n}**" for n in problem.candidates)
    if problem.kind == PROPOSED_SKILL:
        return (
            f"**{_field(problem)}**: {value} is not a skill in the framework yet; it is kept as "
            "the proposed new skill, for the DDaT representatives."
        )
    if problem.kind == UNKNOWN:
        hint = f" Did you mean {names}?" if problem.candidates else ""
        return f"**{_field(problem)}**: {value} is not a name the framework uses.{hint}"
    if problem.kind == AMBIGUOUS:
        return f"**{_field(problem)}**: {value} could be any of {names}; please choose one."
    if problem.kind == INTERPRETED:
        return f"**{_field(problem)}**: {value} was read as {names}. If that is wrong, please correct it."
    if problem.kind == MISMATCH:
        return f"**{_field(problem)}**: {problem.message}; please check the role and the level."
    if problem.kind == MISSING:
        return f"**{_field(problem)}**: this needs an answer."
    if problem.kind == INVALID:
        return f"**{_field(problem)}**: {problem.message}."
    return f"**{_field(problem)}**: {problem.message}"


# Answers that get no label: the framework has no such name, or it could be several.
UNLABELLED = frozenset({UNKNOWN, AMBIGUOUS, PROPOSED_SKILL})


def read_as(problem: DdatProblem) -> str:
    """An answer resolved to a framework name (a misspelling, a short form): it is labelled."""
    names = " or ".join(f"**{n}**" for n in problem.candidates) or "a framework name"
    return f"**{_field(problem)}**: read {code(problem.value or '')} as {names}."


def values_comment(author: str, problems: Sequence[DdatProblem], form_url: str) -> str:
    """What the bot says about a form's answers: those it read as a framework name (and
    labelled), those with no label yet, and those to check (a level of another role, a
    missing answer)."""
    read = [p for p in problems if p.kind == INTERPRETED]
    unlabelled = [p for p in problems if p.kind in UNLABELLED]
    others = [p for p in problems if p not in read and p not in unlabelled]
    lines = [f"Thank you for your feedback on the DDaT framework, @{author}."]
    if read:
        lines += [
            "",
            "Some answers are not written as the framework writes them; they were read as its "
            "names and labelled with them:",
            "",
            *(f"- {read_as(p)}" for p in read),
        ]
    if unlabelled:
        lines += [
            "",
            "Some answers are not names the framework uses, so they have no label yet:",
            "",
            *(f"- {describe(p)}" for p in unlabelled),
        ]
    if others:
        lines += ["", "Please check:", "", *(f"- {describe(p)}" for p in others)]
    if unlabelled or others:
        lines += [
            "",
            "Please edit the issue to use the framework's names (the lists in the "
            f"[feedback form]({form_url}) have them); this comment will update. If the "
            'framework really lacks something, choose "Missing skill" or "Emerging need" as the '
            "type of feedback and describe it under Details.",
        ]
    else:
        lines += [
            "",
            "If a reading is wrong, please edit the issue to use the framework's names (the "
            f"lists in the [feedback form]({form_url}) have them); this comment will update.",
        ]
    return "\n".join(lines)


def values_resolved_comment(author: str) -> str:
    return (
        f"Thank you, @{author}: every role, level and skill in this issue is now one the "
        "framework knows, and the issue is labelled with them."
    )


def corrected_comment(author: str) -> str:
    return f"Thank you for your feedback on the DDaT framework, @{author}."


def _read_so_far(result: Classification) -> list[str]:
    parts = []
    if result.role:
        parts.append(f"role **{result.role}**")
    if result.level:
        parts.append(f"level **{result.level}**")
    if result.skills:
        parts.append("skills " + ", ".join(f"**{s}**" for s in result.skills))
    if result.type:
        parts.append(f"feedback type **{result.type}**")
    return parts


def _with_evidence(result: Classification, kind: str, name: str) -> str:
    words = next((f.evidence for f in result.findings if f.kind == kind and f.name == name), "")
    return f"**{name}** (from {code(words)})" if words else f"**{name}**"


def _read_as(result: Classification) -> list[str]:
    parts = []
    if result.role:
        parts.append("role " + _with_evidence(result, "role", result.role))
    if result.level:
        parts.append("level " + _with_evidence(result, "level", result.level))
    if result.skills:
        parts.append(
            "skills " + ", ".join(_with_evidence(result, "skill", s) for s in result.skills)
        )
    return parts


def _proposal(result: Classification) -> str:
    proposed = result.proposed
    names = [
        _with_evidence(result, kind, name)
        for kind, name in (
            [("role", proposed.role), ("level", proposed.level)]
            + [("skill", s) for s in proposed.skills]
        )
        if name
    ]
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return (
        f"This looks like feedback about {listed}. Someone with triage access can confirm it "
        "with `/ddat ok`, or correct it with `/ddat role=… level=… skill=…`."
    )


def correction_note(correction: Correction) -> list[str]:
    """The paragraph (and hidden line) recording a `/ddat` correction; [] when there is none."""
    if not correction:
        return []
    who = f" by @{correction.by}" if correction.by else ""
    return [
        "",
        f"Set{who} with `/ddat`: {correction.describe()}. This holds when the issue is edited, "
        "until someone with triage access sets it again.",
        "",
        correction.marker(),
    ]


def invite_comment(
    author: str,
    result: Classification,
    taxonomy: Taxonomy,
    form_url: str,
    needs_triage: str,
    correction: Correction | None = None,
) -> str:
    correction = correction or Correction("")
    read = _read_as(result) if result.findings else _read_so_far(result)
    problems = result.to_comment
    lines = [f"Thank you for this feedback on {FRAMEWORK}, @{author}."]
    if read:
        lines += ["", "It is labelled with " + "; ".join(read) + "."]
    if result.proposed:
        lines += ["", _proposal(result)]
    proposals = [p for p in problems if p.kind == PROPOSED_SKILL and p.value]
    read_from = [p for p in problems if p.kind == INTERPRETED]
    problems = [p for p in problems if p not in proposals and p not in read_from]
    if read_from:
        lines += ["", "Read as the framework's names:", "", *(f"- {read_as(p)}" for p in read_from)]
    if proposals:
        lines += [
            "",
            "Not in the framework yet, so kept as proposed new skills for the DDaT "
            "representatives: " + ", ".join(code(p.value or "") for p in proposals) + ".",
        ]
    if problems:
        lines += ["", "Not recognised yet:", "", *(f"- {describe(p)}" for p in problems)]
    if not (read or result.proposed or correction):
        role = taxonomy.role("Software developer") or taxonomy.roles[0]
        level = next(
            (lv for lv in role.levels if lv.startswith("Senior") and "management" not in lv),
            role.levels[len(role.levels) // 2],
        )
        skills = "; ".join(role.skills[:2])
        lines += [
            "",
            "So that the community's DDaT representatives can group it with other feedback, "
            "please say which **role**, **level** and **skills** it is about, using the "
            "framework's names. Either edit this issue and add lines like these:",
            "",
            "```",
            f"Role: {role.name}",
            f"Level: {level}",
            f"Skills: {skills}",
            f"Feedback type: {taxonomy.feedback_types[0]}",
            "```",
            "",
            f"or open it again with the [DDaT feedback form]({form_url}), which lists every "
            "role, level and skill.",
        ]
        lines += [
            "",
            f"A maintainer will also look at it (`{needs_triage}`); they can set the values with "
            "`/ddat role=... level=... skill=...`.",
        ]
    elif not result.proposed and not correction:
        lines += [
            "",
            "If that is not right, someone with triage access can correct it with "
            "`/ddat role=… level=… skill=…`; or use the "
            f"[DDaT feedback form]({form_url}) next time.",
        ]
    lines += correction_note(correction)
    return "\n".join(lines)
