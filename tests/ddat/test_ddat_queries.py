"""The report's GraphQL documents are valid against GitHub's schema (the sandbox serves it)."""

from __future__ import annotations

import pytest

from ghcommunity.jobs.ddat.queries import ALL

REPO_VARS = {"owner": "uk-x-gov-software-community", "name": "community-space"}


@pytest.mark.parametrize("name", sorted(ALL))
def test_query_validates_against_githubs_schema(name, sandbox, github) -> None:  # type: ignore[no-untyped-def]
    variables = {**REPO_VARS, "labels": ["ddat-feedback"], "states": ["OPEN", "CLOSED"]}
    data = github.graphql(ALL[name], variables, what=name)  # raises on any schema error
    assert data["repository"]["issues"]["nodes"] == []
    assert data["repository"]["issues"]["pageInfo"]["hasNextPage"] is False


def test_a_misspelt_field_is_rejected(sandbox, github) -> None:  # type: ignore[no-untyped-def]
    # The check can fail: the sandbox rejects what GitHub would.
    from ghcommunity.core.errors import OperationalError

    broken = ALL["FEEDBACK_ISSUES"].replace("totalCount\n", "totalCuont\n", 1)
    with pytest.raises(OperationalError, match="totalCuont"):
        github.graphql(broken, {**REPO_VARS, "labels": ["x"], "states": ["OPEN"]})
