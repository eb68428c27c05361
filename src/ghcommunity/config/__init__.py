"""The one config model for `.github/ghcommunity.yml`, and its loader.

Every error names the file, line and column and says what was expected, on one line.
No other module reads YAML config or environment variables for settings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from pydantic import Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from ghcommunity.config.base import Section
from ghcommunity.config.community import Community
from ghcommunity.config.dashboard import Dashboard
from ghcommunity.config.ddat import Ddat
from ghcommunity.config.digest import Digest
from ghcommunity.config.groups import Group, Schedule
from ghcommunity.config.labels import Labels, LabelSpec
from ghcommunity.config.meetings import Meetings, schedule_problems
from ghcommunity.config.objectives import Objective
from ghcommunity.config.registry import Registry
from ghcommunity.config.triage import Triage
from ghcommunity.config.view import CommunityFacts, ConfigView
from ghcommunity.core.errors import InputError
from ghcommunity.core.yamlmarks import (
    MAX_BYTES,
    Loc,
    MarkedDocument,
    YamlError,
    decode,
    load_marked,
)

__all__ = [
    "DEFAULT_PATHS",
    "Config",
    "ConfigError",
    "ConfigView",
    "Group",
    "LabelSpec",
    "Schedule",
    "find_config",
    "load_config",
    "parse_config",
]

DEFAULT_PATHS = (Path(".github/ghcommunity.yml"), Path("config/community.yml"))


class Config(Section, CommunityFacts):
    """The whole of `.github/ghcommunity.yml`."""

    community: Community
    groups: list[Group] = Field(default_factory=list)
    labels: Labels = Field(default_factory=Labels)
    triage: Triage = Field(default_factory=Triage)
    ddat: Ddat = Field(default_factory=Ddat)
    meetings: Meetings = Field(default_factory=Meetings)
    digest: Digest = Field(default_factory=Digest)
    objectives: list[Objective] = Field(default_factory=list)
    registry: Registry = Field(default_factory=Registry)
    dashboard: Dashboard = Field(default_factory=Dashboard)

    @model_validator(mode="after")
    def _unique_slugs(self) -> Config:
        seen: set[str] = set()
        for group in self.groups:
            if group.slug in seen:
                raise ValueError(f"two groups have the slug {group.slug!r}")
            seen.add(group.slug)
        for group in self.groups:
            for other in group.related:
                if other not in seen:
                    raise ValueError(f"group {group.slug!r} is related to unknown group {other!r}")
        return self


class ConfigError(InputError):
    """One or more problems in a config file; each line is `file:line:column: reason`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _describe(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _reason(error: ErrorDetails) -> str:
    kind = error["type"]
    msg = error["msg"]
    if kind == "extra_forbidden":
        return "unknown key (check the spelling; see `ghcommunity config schema`)"
    if kind == "missing":
        return "required key is missing"
    # pydantic prefixes our own ValueErrors with "Value error, "
    return msg.removeprefix("Value error, ")


def _clean_loc(error: ErrorDetails) -> Loc:
    # Drop pydantic's internal step names (e.g. a model validator's "function-after[...]").
    return tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))


def format_errors(exc: ValidationError, doc: MarkedDocument, source: str) -> list[str]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error)
        kind = error["type"]
        mark = doc.locate(loc, prefer_key=kind == "extra_forbidden")
        if kind == "missing":
            mark = doc.locate(loc[:-1])
        where = _describe(loc)
        prefix = f"{where}: " if where else ""
        problems.append(f"{source}:{mark.line}:{mark.column}: {prefix}{_reason(error)}")
    return problems


def parse_config(text: str, source: str = "<config>", *, root: Path | None = None) -> Config:
    """Validate config text; raise ConfigError with file:line:column lines.

    With `root` (a checkout of the repository), every path the config reads that exists there
    must stay inside it: a symlink may not lead out (e.g. to /proc/self/environ).
    """
    try:
        doc = load_marked(text, source)
    except YamlError as exc:
        raise ConfigError([str(exc)]) from None
    if not isinstance(doc.data, dict):
        raise ConfigError([f"{source}:1:1: expected a mapping with a 'community' section"])
    try:
        config = Config.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(format_errors(exc, doc, source)) from None
    # Clock-change checks need the community's zone, known only once the whole file is read.
    clock = [
        f"{source}:{doc.locate(loc).line}:{doc.locate(loc).column}: {_describe(loc)}: {message}"
        for loc, message in schedule_problems(config)
    ]
    if clock:
        raise ConfigError(clock)
    if root is not None:
        escapes = [
            f"{source}:{doc.locate(loc).line}:{doc.locate(loc).column}: {_describe(loc)}: {message}"
            for loc, message in _checkout_problems(config, root)
        ]
        if escapes:
            raise ConfigError(escapes)
    return config


def read_paths(config: Config) -> list[tuple[Loc, str]]:
    """Every path the config reads from the repository, with where it is in the config."""
    found: list[tuple[Loc, str]] = [
        (("meetings", "template"), config.meetings.template or ""),
        (("digest", "templates", "md"), config.digest.templates.md or ""),
        (("digest", "templates", "html"), config.digest.templates.html or ""),
        (("digest", "templates", "slack"), config.digest.templates.slack or ""),
        (("digest", "figures"), config.digest.figures or ""),
        (("ddat", "taxonomy"), config.ddat.taxonomy or ""),
    ]
    for index, group in enumerate(config.groups):
        found.append((("groups", index, "template"), group.template or ""))
        schedule = group.schedule
        agenda = getattr(schedule, "agenda_issue", None) if schedule else None
        if agenda is not None and getattr(agenda, "template", None):
            found.append(
                (("groups", index, "schedule", "agenda_issue", "template"), agenda.template)
            )
    return [(loc, path) for loc, path in found if path]


def missing_files(
    text: str, source: str, config: Config, exists: Callable[[str], bool]
) -> list[str]:
    """`file:line:column: key: path is not in the repository` for each file the config names
    that `exists` does not find (the default DDaT taxonomy may be absent: a copy ships)."""
    doc = load_marked(text, source)
    off = {
        "ddat": not config.ddat.enabled,
        "digest": not config.digest.enabled,
        "meetings": not config.meetings.enabled,
        "groups": not config.meetings.enabled,  # a group's notes template
    }
    found = []
    for loc, path in read_paths(config):
        if off.get(str(loc[0])) or (loc == ("ddat", "taxonomy") and path == Ddat().taxonomy):
            continue  # a job that is off reads nothing; the default taxonomy ships as well
        if not exists(path):
            mark = doc.locate(loc)
            found.append(
                (
                    mark.line,
                    mark.column,
                    f"{source}:{mark.line}:{mark.column}: {_describe(loc)}: {path} is not in "
                    "the repository",
                )
            )
    return [line for _, _, line in sorted(found)]


def _checkout_problems(config: Config, root: Path) -> list[tuple[Loc, str]]:
    from ghcommunity.config.paths import inside_checkout

    problems = []
    for loc, path in read_paths(config):
        if not (root / path).exists() and not (root / path).is_symlink():
            continue
        try:
            inside_checkout(root, path)
        except ValueError as exc:
            problems.append((loc, str(exc)))
    return problems


def find_config(explicit: str | Path | None = None, root: Path | None = None) -> Path:
    """The config path: the one given, else .github/ghcommunity.yml, else config/community.yml."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise InputError(f"{path}: no such config file")
        return path
    base = root or Path.cwd()
    for candidate in DEFAULT_PATHS:
        if (base / candidate).is_file():
            return base / candidate
    tried = ", ".join(str(p) for p in DEFAULT_PATHS)
    raise InputError(
        f"no config found (tried {tried}); pass --config PATH or run `ghcommunity init`"
    )


def checkout_of(config_path: Path) -> Path:
    """The checkout a config file belongs to: the nearest folder above it holding `.git`, else
    the folder above `.github/` or `config/` for the usual places, else the working directory
    (paths in the config are relative to the repository's root, not to where a command runs)."""
    here = config_path.resolve().parent
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    if here.name in (".github", "config"):
        return here.parent
    return Path.cwd()


def load_config(path: str | Path | None = None) -> Config:
    found = find_config(path)
    try:
        with found.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # never read a huge file whole
    except OSError as exc:
        raise InputError(f"{found}: cannot read config: {exc.strerror or exc}") from None
    try:
        text = decode(raw, str(found))
    except YamlError as exc:
        raise ConfigError([str(exc)]) from None
    return parse_config(text, str(found), root=checkout_of(found))


def json_schema() -> str:
    schema: dict[str, Any] = Config.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ghcommunity configuration (.github/ghcommunity.yml)"
    return json.dumps(schema, indent=2, sort_keys=False)


def iter_labels(config: DeclaresLabels) -> Iterable[LabelSpec]:
    """Every label the config declares: the explicit definitions, then each group's labels."""
    declared = {spec.name.lower() for spec in config.labels.definitions}
    yield from config.labels.definitions
    for group in config.groups:
        for name, description in (
            (group.group_label, f"About the {group.name} group"),
            (group.agenda, f"Agenda item for the next {group.name} meeting"),
        ):
            if name.lower() not in declared:
                declared.add(name.lower())
                yield LabelSpec(name=name, color="c5def5", description=description[:100])


class DeclaresLabels(Protocol):
    """The whole config or a job's view of it: the labels section and the groups."""

    @property
    def labels(self) -> Labels: ...
    @property
    def groups(self) -> Sequence[Group]: ...
