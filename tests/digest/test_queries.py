"""Every GraphQL document `sync` sends is valid against GitHub's published schema."""

from __future__ import annotations

from importlib import resources

import pytest
from graphql import GraphQLSchema, build_ast_schema, parse, validate

from ghcommunity.jobs.digest import queries as q


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    # The project's copy of GitHub's schema (see sandbox/src/ghcommunity_sandbox/data/SOURCE.md).
    sdl = (resources.files("ghcommunity_sandbox") / "data" / "schema.graphql").read_text("utf-8")
    built = build_ast_schema(parse(sdl), assume_valid_sdl=True)
    built._validation_errors = []  # GitHub's own SDL has known quirks; see ../shared/README.md
    return built


def documents() -> dict[str, str]:
    docs = {f"list {name}": text for name, text in q.LIST_QUERIES.items()}
    for node_type, connection in q.NESTED:
        docs[f"more {node_type}.{connection}"] = q.more_query(
            [q.More("id", node_type, connection, "cursor")]
        )[0]
    docs["more, all at once"] = q.more_query([q.More("id", t, c, "cursor") for (t, c) in q.NESTED])[
        0
    ]
    docs["meta"] = q.meta_query([q.FolderRequest("a"), q.FolderRequest("b/c", tree=False)])[0]
    docs["meta, no folders"] = q.meta_query([])[0]
    docs["meta, history only"] = q.meta_query(
        [q.FolderRequest("a", after="x", tree=False)], probe=False
    )[0]
    docs["members"] = q.MEMBERS
    return docs


@pytest.mark.parametrize(("name", "document"), sorted(documents().items()))
def test_document_is_valid_against_githubs_schema(schema, name, document):
    assert [e.message for e in validate(schema, parse(document))] == []


def test_an_unknown_field_would_be_caught(schema):
    broken = q.LIST_QUERIES["issues"].replace("closedAt", "closedWhen", 1)
    assert validate(schema, parse(broken))


def test_nested_connections_stay_under_githubs_node_limit():
    # GitHub refuses a query that could return more than 500,000 nodes.
    discussions = q.PAGE * (1 + q.DISCUSSION_COMMENTS * (1 + q.REPLIES) + 50)
    issues = q.PAGE * (1 + 50 + q.PAGE + q.PAGE)
    assert discussions < 500_000
    assert issues < 500_000
    more = q.MORE_BATCH * q.MORE_DISCUSSION_COMMENTS * (1 + q.REPLIES)
    assert more < 500_000


def points(document: str, variables: dict | None = None) -> int:
    """GitHub's published estimate: connections to fill (by `first`), / 100, rounded."""
    from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, OperationDefinitionNode

    parsed = parse(document)
    fragments = {d.name.value: d for d in parsed.definitions if hasattr(d, "type_condition")}
    operation = next(d for d in parsed.definitions if isinstance(d, OperationDefinitionNode))
    total = 0

    def walk(selections, multiplier):
        nonlocal total
        for sel in selections.selections if selections else ():
            if isinstance(sel, FieldNode):
                first = next(
                    (a.value for a in sel.arguments or () if a.name.value in ("first", "last")),
                    None,
                )
                if first is not None:
                    n = int(getattr(first, "value", None) or (variables or {}).get("first", 100))
                    total += multiplier
                    walk(sel.selection_set, multiplier * n)
                else:
                    walk(sel.selection_set, multiplier)
            elif isinstance(sel, InlineFragmentNode):
                walk(sel.selection_set, multiplier)
            elif isinstance(sel, FragmentSpreadNode):
                walk(fragments[sel.name.value].selection_set, multiplier)

    walk(operation.selection_set, 1)
    return max(1, round(total / 100))


def test_pages_cost_few_rate_limit_points():
    # A GITHUB_TOKEN has 1,000 points an hour per repository; a personal token 5,000.
    assert points(q.LIST_QUERIES["issues"]) == 3
    assert points(q.LIST_QUERIES["pulls"]) == 4
    assert points(q.LIST_QUERIES["discussions"]) == 12
    assert points(q.meta_query([q.FolderRequest(f"f{i}") for i in range(6)])[0]) == 1


def test_fragments_are_included_only_when_used():
    document = q.with_fragments("query X { viewer { login } }")
    assert "fragment" not in document
    assert q.LIST_QUERIES["pulls"].count("fragment Who on Actor") == 1
