"""The audit's GraphQL document is valid against GitHub's published schema."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from ghcommunity.jobs.registry.read import _folder_from, notes_query
from ghcommunity_sandbox.graphql_api import schema


@pytest.mark.parametrize("count", [1, 6, 40])
def test_notes_query_is_valid(count: int) -> None:
    assert validate(schema(), parse(notes_query(count))) == []


def test_a_folder_is_read_two_levels_deep() -> None:
    tree = {
        "entries": [
            {"name": "2025-01-23.md", "type": "blob"},
            {
                "name": "2024",
                "type": "tree",
                "object": {
                    "entries": [
                        {"name": "2024-12-12.md", "type": "blob"},
                        {"name": "deeper", "type": "tree"},
                    ]
                },
            },
            {"name": "sub", "type": "commit"},  # a submodule: not a file
        ]
    }
    history = {"nodes": [{"committedDate": "2025-01-24T10:00:00Z"}]}
    folder = _folder_from("lean-coffees", tree, history)
    assert folder.exists
    assert folder.files == ("2024/2024-12-12.md", "2025-01-23.md")
    assert folder.last_commit is not None
    assert folder.last_commit.isoformat() == "2025-01-24T10:00:00+00:00"


def test_a_missing_folder() -> None:
    folder = _folder_from("nowhere", None, {"nodes": []})
    assert not folder.exists
    assert folder.files == ()
    assert folder.last_commit is None
