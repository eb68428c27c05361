"""The DDaT taxonomy: roles (with their levels in order), skills, aliases and feedback types.

It is config: generated from the framework's official CSVs by `ghcommunity ddat taxonomy` into
`config/ddat.yml`, referenced from `ddat.taxonomy` in the config, and loaded and validated here
with pydantic (errors as file:line:column, like the main config). Generation is deterministic:
the same CSVs and options give the same bytes.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from ghcommunity.config.base import Section
from ghcommunity.core.errors import InputError
from ghcommunity.jobs.ddat.aliases import ROLE_ALIASES, SKILL_ALIASES
from ghcommunity.jobs.ddat.names import (
    FEEDBACK_TYPES,
    FRAMEWORK_NAME,
    FRAMEWORK_SHORT,
    normalise,
    tidy,
)
from ghcommunity.jobs.ddat.short_names import DEFAULT_PREFIX, SHORT_NAMES
from ghcommunity.jobs.ddat.yamltext import dump_yaml

log = logging.getLogger(__name__)

SOURCE_URL = "https://ddat-capability-framework.service.gov.uk/download"
LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
DEFAULT_FAMILIES = ("Software development", "Quality assurance testing (QAT)")

# The CSVs list role levels in no particular order. The official order, as numbered on the
# framework's pages (management levels included, written with " - ").
OFFICIAL_LEVEL_ORDER: dict[str, tuple[str, ...]] = {
    "Software developer": (
        "Apprentice developer",
        "Junior developer",
        "Developer",
        "Senior developer",
        "Senior developer - management",
        "Lead developer",
        "Lead developer - management",
        "Principal developer",
        "Principal developer - management",
    ),
    "Development operations (DevOps) engineer": (
        "Apprentice DevOps engineer",
        "Junior DevOps engineer",
        "DevOps engineer",
        "Senior DevOps engineer",
        "Senior DevOps engineer - management",
        "Lead DevOps engineer",
        "Lead DevOps engineer - management",
        "Principal DevOps engineer",
        "Principal DevOps engineer - management",
    ),
    "Frontend developer": (
        "Apprentice frontend developer",
        "Junior frontend developer",
        "Frontend developer",
        "Senior frontend developer",
        "Lead frontend developer",
        "Head of frontend development",
    ),
}

# For roles without a recorded official order, levels are ordered by their first word (the
# framework's naming is consistent: "Associate test engineer" < "Test engineer" < "Senior ...").
_SENIORITY = {
    "trainee": 0,
    "apprentice": 0,
    "junior": 1,
    "associate": 2,
    "senior": 4,
    "lead": 5,
    "principal": 6,
    "major": 6,
    "head": 7,
    "chief": 8,
}
_NOT_IN_USE = "not in use"
_MISSING = {"", "missing"}

ROLE_COLUMNS = ("Role Family", "Role", "Role Description", "Role Level", "Skill Name")
SKILL_COLUMNS = ("Skill Name", "Skill Description")


# -- the model -------------------------------------------------------------------------------


class Source(Section):
    """Where the taxonomy came from, and the licence its republication needs."""

    name: str = FRAMEWORK_NAME
    url: str = SOURCE_URL
    files: list[str] = Field(default_factory=list)
    downloaded: str = Field(description="When the CSVs were downloaded, e.g. 2025-10.")
    copyright: str = "Crown copyright"
    licence: str = LICENCE
    licence_url: str = LICENCE_URL
    attribution: str = ATTRIBUTION
    generated_by: str = Field(default="", description="The command that generated the file.")


class Skill(Section):
    name: str
    description: str = ""
    aliases: list[str] = Field(default_factory=list)


class Role(Section):
    name: str
    description: str = ""
    levels: list[str] = Field(description="Role levels, most junior first.")
    level_order: Literal["official", "inferred"] = Field(
        default="official",
        description="'official': as numbered on the framework's pages; 'inferred': from names.",
    )
    skills: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)

    @field_validator("levels")
    @classmethod
    def _some_levels(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("a role needs at least one level")
        return value


class Family(Section):
    name: str
    roles: list[Role]


@dataclass(frozen=True)
class Entry:
    """One framework name of one kind, as the resolver and labeller see it."""

    kind: Literal["role", "level", "skill"]
    name: str
    role: str | None = None  # for a level: its role


ShortKind = Literal["role", "level", "skill"]
LABEL_MAX = 50


def label_room(kind: str, prefix: str = DEFAULT_PREFIX) -> int:
    """How many characters a name can have in a `<prefix>-<kind>: <name>` label."""
    return LABEL_MAX - len(f"{prefix}-{kind}: ")


class Taxonomy(Section):
    framework: str = f"{FRAMEWORK_NAME} (the {FRAMEWORK_SHORT})"
    source: Source
    feedback_types: list[str] = Field(default_factory=lambda: list(FEEDBACK_TYPES))
    short_names: dict[ShortKind, dict[str, str]] = Field(
        default_factory=dict,
        description=(
            "Kind → framework name → the short name its label uses, for names too long for a "
            "50-character label. Curated; kept when the taxonomy is regenerated."
        ),
    )
    families: list[Family]
    skills: list[Skill]

    def short_name(self, kind: str, name: str) -> str | None:
        table = self.short_names.get(kind)  # type: ignore[call-overload]
        return table.get(name) if table else None

    def missing_short_names(self) -> list[tuple[str, str]]:
        """(kind, name) of every name too long for its label that has no short name."""
        missing = []
        for kind, names in (
            ("role", [r.name for r in self.roles]),
            ("level", [lv for r in self.roles for lv in r.levels]),
            ("skill", [s.name for s in self.skills]),
        ):
            missing += [
                (kind, n)
                for n in names
                if len(n) > label_room(kind) and not self.short_name(kind, n)
            ]
        return missing

    @model_validator(mode="after")
    def _consistent(self) -> Taxonomy:
        self._unique("role", [(r.name, r.aliases) for r in self.roles])
        self._unique("level", [(lv, []) for r in self.roles for lv in r.levels])
        self._unique("skill", [(s.name, s.aliases) for s in self.skills])
        self._unique("feedback type", [(t, []) for t in self.feedback_types])
        known = {normalise(s.name) for s in self.skills}
        for role in self.roles:
            for skill in role.skills:
                if normalise(skill) not in known:
                    raise ValueError(
                        f"role {role.name!r} lists skill {skill!r}, which is not under skills:"
                    )
        return self

    @model_validator(mode="after")
    def _short_names_fit(self) -> Taxonomy:
        names = {
            "role": [r.name for r in self.roles],
            "level": [lv for r in self.roles for lv in r.levels],
            "skill": [s.name for s in self.skills],
        }
        for kind, table in self.short_names.items():
            known = {normalise(n) for n in names[kind]}
            labels: dict[str, str] = {}
            for name in names[kind]:
                label = normalise(table.get(name, name))
                if label in labels and labels[label] != name:
                    raise ValueError(
                        f"short_names: {kind} {name!r} would have the same label as "
                        f"{labels[label]!r}; short names must differ"
                    )
                labels[label] = name
            for name, short in table.items():
                if normalise(name) not in known:
                    raise ValueError(f"short_names: {kind} {name!r} is not in the taxonomy")
                if not short.strip() or len(short) > label_room(kind):
                    raise ValueError(
                        f"short_names: {kind} {name!r}: the short name {short!r} must have 1 to "
                        f"{label_room(kind)} characters"
                    )
        return self

    @staticmethod
    def _unique(kind: str, names: Iterable[tuple[str, list[str]]]) -> None:
        seen: dict[str, str] = {}
        for name, aliases in names:
            for spelling in (name, *aliases):
                key = normalise(spelling)
                if not key:
                    raise ValueError(f"a {kind} name cannot be empty")
                if key in seen and seen[key] != name:
                    raise ValueError(
                        f"{kind} {spelling!r} is written like {seen[key]!r}; names must differ "
                        "in more than case, spaces and punctuation"
                    )
                if key in seen and spelling != name:
                    raise ValueError(f"{kind} alias {spelling!r} repeats a name")
                seen[key] = name

    # -- lookups ----------------------------------------------------------------------------

    @property
    def roles(self) -> list[Role]:
        return [role for family in self.families for role in family.roles]

    @cached_property
    def _by_key(self) -> dict[tuple[str, str], Entry]:
        found: dict[tuple[str, str], Entry] = {}
        for role in self.roles:
            for spelling in (role.name, *role.aliases):
                found[("role", normalise(spelling))] = Entry("role", role.name)
            for level in role.levels:
                found[("level", normalise(level))] = Entry("level", level, role.name)
        for skill in self.skills:
            for spelling in (skill.name, *skill.aliases):
                found[("skill", normalise(spelling))] = Entry("skill", skill.name)
        return found

    def lookup(self, kind: Literal["role", "level", "skill"], text: str) -> Entry | None:
        """The framework name written as `text` (any case, spaces or dashes, or an alias)."""
        return self._by_key.get((kind, normalise(text)))

    def role(self, name: str) -> Role | None:
        entry = self.lookup("role", name)
        return next((r for r in self.roles if entry and r.name == entry.name), None)

    def role_of_level(self, level: str) -> str | None:
        entry = self.lookup("level", level)
        return entry.role if entry else None

    def entries(self, kind: Literal["role", "level", "skill"]) -> list[Entry]:
        """Every name of one kind, in display order (no aliases)."""
        if kind == "role":
            return [Entry("role", r.name) for r in self.roles]
        if kind == "level":
            return [Entry("level", lv, r.name) for r in self.roles for lv in r.levels]
        return [Entry("skill", s.name) for s in self.skills]

    def aliases(self, kind: Literal["role", "skill"]) -> dict[str, str]:
        """alias → framework name."""
        items = self.roles if kind == "role" else self.skills
        return {alias: item.name for item in items for alias in item.aliases}

    def feedback_type(self, text: str) -> str | None:
        key = normalise(text)
        return next((t for t in self.feedback_types if normalise(t) == key), None)


# -- loading ---------------------------------------------------------------------------------


def parse_taxonomy(text: str, source: str = "<ddat taxonomy>") -> Taxonomy:
    """Validate taxonomy YAML; errors are `file:line:column: reason` lines (ConfigError)."""
    from ghcommunity.config import ConfigError, format_errors
    from ghcommunity.core.yamlmarks import load_marked

    doc = load_marked(text, source)
    if not isinstance(doc.data, dict):
        raise ConfigError([f"{source}:1:1: expected a mapping with 'families' and 'skills'"])
    try:
        return Taxonomy.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(format_errors(exc, doc, source)) from None


# The YAML reader takes at most 1,000,000 characters (core/yamlmarks.py), up to 4 bytes each in
# UTF-8; the whole framework generates about 70 KB.
MAX_TAXONOMY_BYTES = 4_000_000
DEFAULT_TAXONOMY = "config/ddat.yml"


def load_taxonomy(path: str | Path) -> Taxonomy:
    found = Path(path)
    try:
        if found.exists() and not found.is_file():
            raise InputError(f"{found}: the DDaT taxonomy must be a file")
        if found.exists() and found.stat().st_size > MAX_TAXONOMY_BYTES:
            raise InputError(
                f"{found}: the DDaT taxonomy is over {MAX_TAXONOMY_BYTES:,} bytes; is it the "
                "file `ghcommunity ddat taxonomy` generates?"
            )
        text = found.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"{found}: no DDaT taxonomy here; generate it with `ghcommunity ddat taxonomy` "
            "or set ddat.taxonomy in the config"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{found}: cannot read the DDaT taxonomy: {exc}") from None
    return parse_taxonomy(text, str(found))


def taxonomy_path(configured: str, root: Path, *, default: str = DEFAULT_TAXONOMY) -> Path:
    """Where the configured taxonomy is in the checkout at `root` (the offline commands, such
    as `ddat classify`; handlers and jobs read it through the Context: `setup.taxonomy_file`).
    The default path falls back to the copy that ships with ghcommunity; a path someone chose
    must exist (a typo there is an error, not a silent fallback)."""
    from ghcommunity.config.paths import inside_checkout
    from ghcommunity.core.resources import reference_file

    try:
        # A path from the config, inside the checkout: a symlink may not lead out of it.
        path = inside_checkout(root, configured)
    except ValueError as exc:
        raise InputError(f"ddat.taxonomy: {exc}") from None
    if path.is_file() or configured.strip("/") != default:
        return path
    return reference_file("ddat.yml")


# -- generating from the CSVs ----------------------------------------------------------------


def read_csv(path: str | Path, required: Sequence[str]) -> list[dict[str, str]]:
    """The rows of a framework CSV, every key and value stripped; clear errors if it is not one."""
    where = Path(path)
    try:
        text = where.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{where}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: cannot read: {exc}") from None
    return parse_csv(text, str(where), required)


def parse_csv(text: str, source: str, required: Sequence[str]) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(f"{source}:1:1: the file is empty") from None
    except csv.Error as exc:
        raise InputError(f"{source}:1:1: not a CSV file: {exc}") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"{source}:1:1: missing column(s) {', '.join(map(repr, missing))}; "
            f"the header has {', '.join(map(repr, header))}"
        )
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append(
                {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
            )
    except csv.Error as exc:
        raise InputError(f"{source}:{reader.line_num}:1: not valid CSV: {exc}") from None
    return rows


def _first_paragraph(text: str) -> str:
    paragraph = re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0]
    cleaned = tidy(paragraph)
    return "" if cleaned.lower() in _MISSING else cleaned


def _match_family(wanted: str, available: Sequence[str]) -> str:
    """A family named in full, without its parenthesis, or by it: "QAT" → "... (QAT)"."""
    key = normalise(wanted)
    for name in available:
        short = re.sub(r"\s*\(.*\)\s*$", "", name)
        inner = re.findall(r"\(([^)]*)\)", name)
        if key in {normalise(name), normalise(short), *(normalise(i) for i in inner)}:
            return name
    raise InputError(
        f"no role family {wanted!r} in the CSV; families: " + ", ".join(map(repr, available))
    )


def _inferred_order(levels: Iterable[str]) -> list[str]:
    def rank(level: str) -> tuple[int, int, str]:
        words = normalise(level).split()
        first = _SENIORITY.get(words[0], 3) if words else 3
        management = 1 if words and words[-1] == "management" else 0
        return (first, management, level.casefold())

    return sorted(levels, key=rank)


def generate_taxonomy(
    role_rows: Sequence[dict[str, str]],
    skill_rows: Sequence[dict[str, str]],
    *,
    families: Sequence[str] = DEFAULT_FAMILIES,
    source: Source,
    short_names: dict[str, dict[str, str]] | None = None,
) -> Taxonomy:
    """Build the taxonomy for some role families from the two framework CSVs (already read).

    `short_names` (kind → name → short name; e.g. those of the taxonomy being regenerated)
    add to and override the curated `SHORT_NAMES`. A name too long for its label with no
    short name stops generation with an InputError asking for one."""
    available = list(dict.fromkeys(tidy(r["Role Family"]) for r in role_rows if r["Role Family"]))
    chosen = list(dict.fromkeys(_match_family(f, available) for f in families))
    descriptions = {normalise(r["Skill Name"]): r for r in skill_rows if r.get("Skill Name")}

    out_families: list[Family] = []
    used_skills: dict[str, str] = {}  # normalised → display name
    for family in chosen:
        rows = [r for r in role_rows if tidy(r["Role Family"]) == family]
        role_names = sorted({tidy(r["Role"]) for r in rows}, key=str.casefold)
        roles = []
        for role_name in role_names:
            role_rows_here = [r for r in rows if tidy(r["Role"]) == role_name]
            levels = list(
                dict.fromkeys(
                    tidy(r["Role Level"])
                    for r in role_rows_here
                    if tidy(r["Role Level"]) and normalise(r["Role Level"]) != _NOT_IN_USE
                )
            )
            if not levels:
                log.info("skipping %s: no levels in use", role_name)
                continue
            official = OFFICIAL_LEVEL_ORDER.get(role_name)
            if official is not None:
                unknown = [lv for lv in levels if lv not in official]
                absent = [lv for lv in official if lv not in levels]
                if unknown or absent:
                    raise InputError(
                        f"role {role_name!r}: the CSV's levels no longer match the official order "
                        f"this version knows (new: {unknown or 'none'}, gone: {absent or 'none'})"
                    )
                ordered, order = list(official), "official"
            else:
                ordered, order = _inferred_order(levels), "inferred"
            skills = sorted(
                {
                    tidy(r["Skill Name"])
                    for r in role_rows_here
                    if tidy(r["Skill Name"]) and normalise(r.get("Skill Level", "")) != _NOT_IN_USE
                },
                key=str.casefold,
            )
            for skill in skills:
                used_skills.setdefault(normalise(skill), skill)
            description = next(
                (_first_paragraph(r["Role Description"]) for r in role_rows_here), ""
            )
            roles.append(
                Role(
                    name=role_name,
                    description=description,
                    levels=ordered,
                    level_order=order,
                    skills=skills,
                    aliases=list(ROLE_ALIASES.get(role_name, ())),
                )
            )
        if roles:
            out_families.append(Family(name=family, roles=roles))
        else:  # e.g. "Chief digital and data": every level is marked NOT IN USE
            log.info("skipping role family %s: no role levels in use", family)
    if not out_families:
        raise InputError(
            "none of the chosen role families has role levels in use: " + ", ".join(chosen)
        )

    skill_models = []
    for key, name in sorted(used_skills.items(), key=lambda kv: kv[1].casefold()):
        row = descriptions.get(key) or {}
        description = _first_paragraph(row.get("Skill Description", ""))
        if not description:  # e.g. "Programming and build (software engineering)" has none
            description = next(
                (
                    _first_paragraph(r.get("Skill Description", ""))
                    for r in role_rows
                    if normalise(r["Skill Name"]) == key
                    and _first_paragraph(r.get("Skill Description", ""))
                ),
                "",
            )
        skill_models.append(
            Skill(name=name, description=description, aliases=list(SKILL_ALIASES.get(name, ())))
        )
    draft = Taxonomy(source=source, families=out_families, skills=skill_models)
    wanted: dict[str, dict[str, str]] = {}
    for table in (SHORT_NAMES, short_names or {}):
        for kind, names in table.items():
            wanted.setdefault(kind, {}).update(names)
    present = {
        "role": {r.name for r in draft.roles},
        "level": {lv for r in draft.roles for lv in r.levels},
        "skill": {s.name for s in draft.skills},
    }
    chosen_short = {
        kind: {n: wanted[kind][n] for n in sorted(wanted.get(kind, {})) if n in names}
        for kind, names in present.items()
    }
    try:
        result = Taxonomy(
            source=source,
            short_names={k: v for k, v in chosen_short.items() if v},
            families=out_families,
            skills=skill_models,
        )
    except ValidationError as exc:
        reason = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        raise InputError(reason) from None
    missing = result.missing_short_names()
    if missing:
        listed = "; ".join(
            f"{kind} {name!r} ({len(name)} characters, at most {label_room(kind)})"
            for kind, name in missing
        )
        example_kind, example = missing[0]
        raise InputError(
            f"too long for a label, with no short name: {listed}. Choose a readable short "
            f"name for each and pass it as --short-name '{example_kind}:{example}=SHORT NAME' "
            "(or add it under short_names: in the taxonomy file)"
        )
    return result


def _plain(data: Any) -> Any:
    """Drop empty lists and strings so the file shows only what is there."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items() if v not in ("", [], None)}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


HEADER = """\
# The DDaT taxonomy: the {framework}.
#
# GENERATED: do not edit by hand. Regenerate with
#   {generated_by}
# from the official CSVs downloaded from {url} ({downloaded}).
#
# {copyright}. {attribution}
# Licence: {licence_url}
#
# Role levels are listed most junior first; `level_order: official` means the order numbered on
# the framework's pages, `inferred` means ordered by the level names (Associate, -, Senior, Lead,
# Principal, Head). Names are matched ignoring case, spaces and punctuation, and through the
# aliases listed here; they are shown exactly as written here.
"""


def dump_taxonomy(taxonomy: Taxonomy) -> str:
    """The taxonomy as YAML with a header saying where it came from. Deterministic."""
    data = _plain(taxonomy.model_dump(mode="json"))
    body = dump_yaml(data)
    src = taxonomy.source
    header = HEADER.format(
        framework=taxonomy.framework,
        generated_by=src.generated_by or "ghcommunity ddat taxonomy",
        url=src.url,
        downloaded=src.downloaded,
        copyright=src.copyright,
        attribution=src.attribution,
        licence_url=src.licence_url,
    )
    return header + "\n" + body


def generated_by(
    role_csv: str | Path, skills_csv: str | Path, families: Sequence[str], downloaded: str
) -> str:
    """The command line recorded in the file (file names only, so any checkout gives the same
    bytes)."""
    parts = [
        "ghcommunity ddat taxonomy",
        f"--from-csv {Path(role_csv).name}",
        f"--skills {Path(skills_csv).name}",
        f"--downloaded {downloaded}",
    ]
    parts += [f"--families {_shell_quote(f)}" for f in families]
    return " ".join(parts)


def _shell_quote(text: str) -> str:
    return text if re.fullmatch(r"[\w.-]+", text) else "'" + text.replace("'", "'\\''") + "'"
