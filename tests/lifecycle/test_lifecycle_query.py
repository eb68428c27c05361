"""The lifecycle's GraphQL document is valid against GitHub's published schema."""

from __future__ import annotations

from graphql import parse, validate

from ghcommunity.jobs.lifecycle.read import NEEDS_INFO_ISSUES
from ghcommunity_sandbox.graphql_api import schema


def test_needs_info_query_is_valid() -> None:
    assert validate(schema(), parse(NEEDS_INFO_ISSUES)) == []


def test_an_invalid_document_would_be_caught() -> None:
    broken = NEEDS_INFO_ISSUES.replace("lastEditedAt", "lastEditedOn")
    assert validate(schema(), parse(broken))
