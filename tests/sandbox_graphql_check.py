"""Check the sandbox's GraphQL answers against GitHub's schema: every field the query asked
for is there, with a value of the field's type (non-null fields are not null, enums hold one
of their values, scalars have the JSON type GitHub sends), and nothing else is.

graphql-core only validates queries; answers are walked here beside the query's selections.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from ghcommunity_sandbox.graphql_api import schema as github_schema
from ghcommunity_sandbox.http import Exchange

# The JSON types GitHub sends for its scalars (the rest of its custom scalars are strings).
_SCALARS: dict[str, tuple[type, ...]] = {
    "Int": (int,),
    "Float": (int, float),
    "Boolean": (bool,),
}


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.out: list[str] = []

    def problem(self, path: str, message: str) -> None:
        if len(self.out) < 20:
            self.out.append(f"at {path or '/'}: {message}")

    def value(self, value: Any, kind: Any, selections: SelectionSetNode | None, path: str) -> None:
        if isinstance(kind, GraphQLNonNull):
            if value is None:
                self.problem(path, f"null for non-null {kind}")
                return
            kind = kind.of_type
        if value is None:
            return
        if isinstance(kind, GraphQLList):
            if not isinstance(value, list):
                self.problem(path, f"{type(value).__name__} where {kind} wants a list")
                return
            for i, item in enumerate(value):
                self.value(item, kind.of_type, selections, f"{path}/{i}")
            return
        if isinstance(kind, GraphQLScalarType):
            wanted = _SCALARS.get(kind.name, (str,))
            if isinstance(value, bool) and bool not in wanted:
                self.problem(path, f"boolean for {kind.name}")
            elif not isinstance(value, wanted):
                self.problem(path, f"{value!r} is not a {kind.name}")
            return
        if isinstance(kind, GraphQLEnumType):
            if value not in kind.values:
                self.problem(path, f"{value!r} is not a {kind.name}")
            return
        if not isinstance(value, dict):
            self.problem(path, f"{type(value).__name__} where {kind} wants an object")
            return
        assert selections is not None
        self.object(value, kind, selections, path)

    def _runtime(self, value: dict[str, Any], kind: GraphQLNamedType) -> GraphQLObjectType | None:
        if isinstance(kind, GraphQLObjectType):
            return kind
        name = value.get("__typename")
        found = self.schema.get_type(name) if isinstance(name, str) else None
        return found if isinstance(found, GraphQLObjectType) else None

    def _applies(
        self, condition: str, runtime: GraphQLObjectType | None, value: dict[str, Any]
    ) -> bool | None:
        """Whether a fragment on `condition` applies (None: cannot tell without __typename)."""
        if runtime is None:
            return None
        if condition == runtime.name:
            return True
        target = self.schema.get_type(condition)
        if isinstance(target, GraphQLInterfaceType | GraphQLUnionType):
            return self.schema.is_sub_type(target, runtime)
        return False

    def fields(
        self,
        value: dict[str, Any],
        kind: GraphQLNamedType,
        selections: SelectionSetNode,
        runtime: GraphQLObjectType | None,
        sure: bool,
    ) -> list[tuple[str, FieldNode, GraphQLNamedType, bool]]:
        """(response key, field, the type it is read on, whether it must be present)."""
        out: list[tuple[str, FieldNode, GraphQLNamedType, bool]] = []
        for sel in selections.selections:
            conditional = bool(sel.directives)
            if isinstance(sel, FieldNode):
                key = sel.alias.value if sel.alias else sel.name.value
                out.append((key, sel, runtime or kind, sure and not conditional))
                continue
            if isinstance(sel, FragmentSpreadNode):
                fragment = self.fragments.get(sel.name.value)
                if fragment is None:
                    continue
                condition = fragment.type_condition.name.value
                inner = fragment.selection_set
            else:
                assert isinstance(sel, InlineFragmentNode)
                condition = sel.type_condition.name.value if sel.type_condition else kind.name
                inner = sel.selection_set
            applies = self._applies(condition, runtime, value)
            if applies is False:
                continue
            on = self.schema.get_type(condition)
            assert on is not None
            out += self.fields(
                value, runtime or on, inner, runtime, sure and applies is True and not conditional
            )
        return out

    def object(
        self, value: dict[str, Any], kind: GraphQLNamedType, selections: SelectionSetNode, path: str
    ) -> None:
        runtime = self._runtime(value, kind)
        asked = self.fields(value, kind, selections, runtime, True)
        keys = {key for key, _, _, _ in asked}
        for extra in sorted(set(value) - keys):
            self.problem(f"{path}/{extra}", "not asked for")
        seen: set[str] = set()
        for key, node, on, must in asked:
            if key not in value:
                if must and key not in seen:
                    self.problem(f"{path}/{key}", "missing")
                continue
            seen.add(key)
            name = node.name.value
            if name == "__typename":
                if not isinstance(value[key], str):
                    self.problem(f"{path}/{key}", "__typename is not a string")
                continue
            field = getattr(on, "fields", {}).get(name)
            if field is None:
                self.problem(f"{path}/{key}", f"{on.name} has no field {name}")
                continue
            self.value(value[key], field.type, node.selection_set, f"{path}/{key}")


def graphql_problems(exchange: Exchange) -> list[str]:
    """What is wrong with one GraphQL answer, as GitHub's schema sees it (empty: nothing)."""
    if exchange.template != "/graphql" or exchange.status != 200 or not exchange.body:
        return []
    try:
        request = json.loads(exchange.request or b"{}")
        answer = json.loads(exchange.body)
        document = parse(request.get("query") or "")
    except (ValueError, GraphQLError):
        return []
    if (
        not isinstance(answer, dict)
        or answer.get("errors")
        or not isinstance(answer.get("data"), dict)
    ):
        return []  # errors null out what failed; the errors' own shape is tested elsewhere
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    name = request.get("operationName")
    op = next((o for o in operations if name and o.name and o.name.value == name), None)
    op = op or (operations[0] if operations else None)
    if op is None:
        return []
    schema = github_schema()
    root = schema.mutation_type if op.operation.value == "mutation" else schema.query_type
    assert root is not None
    walk = _Walk(schema, document)
    walk.object(answer["data"], root, op.selection_set, "")
    where = f"GraphQL {op.operation.value} {op.name.value if op.name else ''}".rstrip()
    return [f"{where}: {p}" for p in walk.out]
