"""The labels job's GraphQL document is valid against GitHub's published schema."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from ghcommunity.jobs.labels.read import label_usage_query
from ghcommunity_sandbox.graphql_api import schema


@pytest.mark.parametrize("count", [1, 3, 50])
def test_label_usage_query_is_valid(count: int) -> None:
    assert validate(schema(), parse(label_usage_query(count))) == []
