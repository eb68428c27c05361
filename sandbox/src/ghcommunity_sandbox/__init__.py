"""`ghcommunity sandbox`: a local GitHub for tests, the demo, benchmarks and rehearsal.

It speaks the part of GitHub's REST and GraphQL APIs ghcommunity uses, faithfully enough that
clients written by others (githubkit, PyGithub) work against it unchanged:

    from ghcommunity_sandbox import Sandbox

    sb = Sandbox.start(seed="sample")   # None (empty) | "minimal" | "sample" | a seed file
    sb.url, sb.graphql_url              # REST root as api.github.com; GHES under /api/v3
    sb.state.add_issue("uk-x-gov-software-community/community-space", title="Hi", author="ada")
    sb.stats()["by_route"]              # {"GET /repos/{owner}/{repo}/issues": 3, ...}
    sb.stop()

Modules: `state` (the data and every change, with test helpers), `model` (the dataclasses),
`git` (real git objects), `http` (the request pipeline), `rest` (REST routes), `graphql_api`
(GraphQL against GitHub's published schema), `query` (filters and search), `webhooks`,
`seed` (seed files, the sample community), `synthetic` (generated data), `server` (`Sandbox`),
`pytest_plugin` (fixtures). See docs/sandbox.md.
"""

from __future__ import annotations

from ghcommunity_sandbox.errors import ApiError
from ghcommunity_sandbox.server import Sandbox
from ghcommunity_sandbox.state import State

__all__ = ["ApiError", "Sandbox", "State"]
