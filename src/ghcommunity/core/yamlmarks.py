"""Load YAML with PyYAML's safe loader and remember where every key and value came from.

pydantic reports errors by location (``("groups", 2, "slug")``); people need ``file:line:column``.
We compose the document into nodes (which carry marks), build plain Python values from them
with the safe constructor, and keep a map from location to mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ghcommunity.core.errors import InputError

Loc = tuple[str | int, ...]

# Limits checked before anything is built, so a hostile file costs little (a "billion laughs"
# alias bomb, a recursive alias, nesting deep enough to exhaust the stack, a huge file).
MAX_BYTES = 1_000_000
MAX_DEPTH = 64
MAX_ALIASES = 1_000
MAX_VALUES = 100_000  # scalars, mappings and sequences once aliases are expanded


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class MarkedDocument:
    data: Any
    # Where each value starts, and where each mapping key starts (for "unknown key" errors).
    values: dict[Loc, Mark] = field(default_factory=dict)
    keys: dict[Loc, Mark] = field(default_factory=dict)

    def locate(self, loc: Loc, *, prefer_key: bool = False) -> Mark:
        """The best mark for a pydantic location: the exact node, else its nearest ancestor."""
        probe = tuple(loc)
        while True:
            if prefer_key and probe in self.keys:
                return self.keys[probe]
            if probe in self.values:
                return self.values[probe]
            if probe in self.keys:
                return self.keys[probe]
            if not probe:
                return Mark(1, 1)
            probe = probe[:-1]


class YamlError(InputError):
    def __init__(self, source: str, mark: Mark, reason: str) -> None:
        super().__init__(f"{source}:{mark.line}:{mark.column}: {reason}")
        self.source = source
        self.mark = mark
        self.reason = reason


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def position(text: str, offset: int) -> Mark:
    """The line and column of a character offset in text."""
    line = text.count("\n", 0, offset) + 1
    return Mark(line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def decode(raw: bytes, source: str) -> str:
    """Config bytes as text: UTF-8 only (a BOM is allowed), else an error with line:column."""
    if len(raw) > MAX_BYTES:
        raise YamlError(
            source,
            Mark(1, 1),
            f"the file is {len(raw):,} bytes; ghcommunity reads at most {MAX_BYTES:,} in a YAML file",
        )
    for bom, name in (
        (b"\xff\xfe\x00\x00", "UTF-32"),
        (b"\x00\x00\xfe\xff", "UTF-32"),
        (b"\xff\xfe", "UTF-16"),
        (b"\xfe\xff", "UTF-16"),
    ):
        if raw.startswith(bom):
            raise YamlError(source, Mark(1, 1), f"the file is {name}; save it as UTF-8")
    if len(raw) >= 2 and (raw[0] == 0) != (raw[1] == 0):
        raise YamlError(source, Mark(1, 1), "the file looks like UTF-16; save it as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise YamlError(
            source,
            Mark(line, column),
            f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
        ) from None


def _check_text(text: str, source: str) -> None:
    if len(text) > MAX_BYTES:
        raise YamlError(
            source,
            Mark(1, 1),
            f"the file is {len(text):,} characters; ghcommunity reads at most {MAX_BYTES:,} "
            "in a YAML file",
        )
    for offset, ch in enumerate(text):
        if (
            (ch < " " and ch not in "\t\n\r")
            or ch in "\x7f\ufffe\uffff"
            or ("\x80" <= ch <= "\x9f")
        ):
            raise YamlError(
                source,
                position(text, offset),
                f"a control character (U+{ord(ch):04X}) is not allowed in a config file",
            )


def _check_events(loader: yaml.SafeLoader, source: str) -> None:
    """Walk the event stream (no building): depth and alias limits, with their marks."""
    depth = 0
    aliases = 0
    while loader.check_event():
        event = loader.get_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(
                    source,
                    _event_mark(event),
                    f"nested more than {MAX_DEPTH} levels deep; a config is never this deep",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise YamlError(
                    source, _event_mark(event), f"more than {MAX_ALIASES} aliases (*name)"
                )


def _event_mark(event: yaml.Event) -> Mark:
    mark = event.start_mark
    return Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)


def _yaml_error(exc: yaml.YAMLError, source: str, text: str) -> YamlError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        return YamlError(source, where, f"invalid YAML: {reason}")
    if isinstance(exc, yaml.reader.ReaderError):
        where = position(text, exc.position) if 0 <= exc.position <= len(text) else Mark(1, 1)
        return YamlError(
            source,
            where,
            f"invalid YAML: character U+{exc.character:04X} is not allowed"
            if isinstance(exc.character, int)
            else "invalid YAML",
        )
    return YamlError(source, Mark(1, 1), f"invalid YAML: {exc}")


def load_marked(text: str, source: str) -> MarkedDocument:
    """Parse one YAML document safely; raise YamlError with file:line:column on bad YAML.

    Hostile input fails fast with a location: size, control characters, nesting depth and
    alias count are checked on the event stream before any node is composed, and expansion
    (aliases used over and over) and recursive aliases while building.
    """
    _check_text(text, source)
    try:
        checker = yaml.SafeLoader(text)
        try:
            _check_events(checker, source)
        finally:
            checker.dispose()
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source, text) from None
    except RecursionError:
        raise YamlError(source, Mark(1, 1), "nested too deeply") from None
    doc = MarkedDocument(data=None)
    if node is None:
        doc.data = {}
        return doc
    builder = _Builder(loader, source, doc)
    try:
        doc.data = builder.build(node, ())
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source, text) from None
    return doc


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, source: str, doc: MarkedDocument) -> None:
        self.loader = loader
        self.source = source
        self.doc = doc
        self.values = 0
        self.open: set[int] = set()  # nodes being built: meeting one again is a recursive alias

    def construct(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, TypeError) as exc:  # e.g. the date 2025-02-30
            raise YamlError(
                self.source, _mark(node), f"{node.value!r} is not a valid value: {exc}"
            ) from None

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise YamlError(
                self.source,
                _mark(node),
                f"more than {MAX_VALUES:,} values once aliases are expanded (an alias bomb?)",
            )
        if id(node) in self.open:
            raise YamlError(self.source, _mark(node), "a recursive alias (it contains itself)")
        self.open.add(id(node))
        try:
            return self._build(node, loc)
        finally:
            self.open.discard(id(node))

    def _build(self, node: yaml.Node, loc: Loc) -> Any:
        doc, loader, source = self.doc, self.loader, self.source
        doc.values[loc] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            _check_merges(node, source)
            loader.flatten_mapping(node)  # resolve "<<" merge keys the way PyYAML does
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlError(source, _mark(key_node), "mapping keys must be plain scalars")
                key = self.construct(key_node)
                if not isinstance(key, str | int | bool | float) or key is None:
                    raise YamlError(source, _mark(key_node), "mapping keys must be plain scalars")
                # YAML 1.1 reads `on:`/`yes:` as booleans; a config key is always text.
                key_text = key if isinstance(key, str) else str(key).lower()
                if key_text in result:
                    raise YamlError(source, _mark(key_node), f"duplicate key {key_text!r}")
                child = (*loc, key_text)
                doc.keys[child] = _mark(key_node)
                result[key_text] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self.construct(node)


def _check_merges(node: yaml.MappingNode, source: str) -> None:
    """`<<` takes a mapping or a list of mappings; say where it does not."""
    for key_node, value_node in node.value:
        if key_node.tag != "tag:yaml.org,2002:merge":
            continue
        values = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for value in values:
            if not isinstance(value, yaml.MappingNode):
                raise YamlError(
                    source,
                    _mark(value),
                    "'<<' (merge) takes a mapping (&anchor) or a list of them",
                )
