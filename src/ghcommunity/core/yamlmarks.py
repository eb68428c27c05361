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


def load_marked(text: str, source: str) -> MarkedDocument:
    """Parse one YAML document safely; raise YamlError with file:line:column on bad YAML."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlError(source, where, f"invalid YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise YamlError(source, Mark(1, 1), f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    doc = MarkedDocument(data=None)
    if node is None:
        doc.data = {}
        return doc
    doc.data = _build(node, (), doc, loader, source)
    return doc


def _build(
    node: yaml.Node, loc: Loc, doc: MarkedDocument, loader: yaml.SafeLoader, source: str
) -> Any:
    doc.values[loc] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolve "<<" merge keys the way PyYAML does
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | bool | float) or key is None:
                raise YamlError(source, _mark(key_node), "mapping keys must be plain scalars")
            # YAML 1.1 reads `on:`/`yes:` as booleans; a config key is always text.
            key_text = key if isinstance(key, str) else str(key).lower()
            if key_text in result:
                raise YamlError(source, _mark(key_node), f"duplicate key {key_text!r}")
            child = (*loc, key_text)
            doc.keys[child] = _mark(key_node)
            result[key_text] = _build(value_node, child, doc, loader, source)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), doc, loader, source) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # e.g. a date such as 2026-13-01 that YAML reads as a timestamp
        raise YamlError(
            source, _mark(node), f"{node.value!r} is not a valid value: {exc}"
        ) from None
