"""Fidelity (b): octokit's recorded exchanges with api.github.com replay against the sandbox
with the same status codes and the same response keys (tests/fixtures/octokit).

Every key GitHub answered with must be there. A key GitHub has added since the recording is
accepted only when GitHub's current OpenAPI description documents it for that response, or it
is one of `NEWER_KEYS` (newer API versions: `status` in error bodies, labels' archive fields,
which githubkit's current models require).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import sandbox_openapi
from ghcommunity_sandbox import Sandbox

FIXTURES = Path(__file__).parent / "fixtures" / "octokit"
ORG = "octokit-fixture-org"
NEWER_KEYS = {"status", "archived_at", "archived_by"}


def _seed_labels(sb: Sandbox) -> None:
    st = sb.state
    st.add_repo(f"{ORG}/labels")
    defaults = [
        ("bug", "d73a4a", "Something isn't working"),
        ("documentation", "0075ca", "Improvements or additions to documentation"),
        ("duplicate", "cfd3d7", "This issue or pull request already exists"),
        ("enhancement", "a2eeef", "New feature or request"),
        ("good first issue", "7057ff", "Good for newcomers"),
        ("help wanted", "008672", "Extra attention is needed"),
        ("invalid", "e4e669", "This doesn't seem right"),
        ("question", "d876e3", "Further information is requested"),
        ("wontfix", "ffffff", "This will not be worked on"),
    ]
    for name, color, description in defaults:
        st.add_label(f"{ORG}/labels", name, color, description, default=True)


def _seed_hello_world(sb: Sandbox) -> None:
    sb.state.add_org(ORG)
    sb.state.add_repo(f"{ORG}/hello-world", default_branch="master", auto_init=False)
    sb.state.commit_files(
        f"{ORG}/hello-world",
        {"README.md": "# hello-world"},
        message="Initial commit",
        create_branch=True,
    )


def _seed_issues(count: int, name: str) -> Callable[[Sandbox], None]:
    def seed(sb: Sandbox) -> None:
        sb.state.add_repo(f"{ORG}/{name}")
        for i in range(count):
            sb.state.add_issue(f"{ORG}/{name}", title=f"Test issue {i + 1}")

    return seed


SCENARIOS: dict[str, Callable[[Sandbox], None]] = {
    "add-labels-to-issue": lambda sb: sb.state.add_repo(f"{ORG}/add-labels-to-issue"),
    "create-file": lambda sb: sb.state.add_repo(f"{ORG}/create-file", auto_init=False),
    "errors": lambda sb: sb.state.add_repo(f"{ORG}/errors"),
    "get-content": _seed_hello_world,
    "get-repository": _seed_hello_world,
    "labels": _seed_labels,
    "lock-issue": _seed_issues(1, "lock-issue"),
    "paginate-issues": _seed_issues(13, "paginate-issues"),
}


def keys(value: Any) -> Any:
    if isinstance(value, dict):
        return set(value)
    if isinstance(value, list):
        return ("list", len(value), keys(value[0]) if value else None)
    return type(value).__name__


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_octokit_fixture_replays(sandbox: Sandbox, scenario: str) -> None:
    with sandbox.state.quiet():
        SCENARIOS[scenario](sandbox)
    exchanges = json.loads((FIXTURES / scenario / "normalized-fixture.json").read_text())
    assert exchanges, scenario
    next_url: str | None = None
    with httpx.Client(base_url=sandbox.url, timeout=10) as client:
        for exchange in exchanges:
            path = exchange["path"]
            if path.startswith("/repositories/") and next_url:
                # GitHub's Link headers here name the repository by id; the sandbox's name it by
                # owner/name (a path GitHub's OpenAPI description has), so follow them instead.
                path = next_url
            headers = {
                k: str(v)
                for k, v in exchange["reqheaders"].items()
                if k in ("accept", "content-type", "authorization")
            }
            body = exchange["body"]
            response = client.request(
                exchange["method"].upper(),
                path,
                headers=headers,
                content=json.dumps(body).encode() if body not in ("", None) else None,
            )
            where = f"{scenario}: {exchange['method'].upper()} {exchange['path']}"
            assert response.status_code == exchange["status"], (where, response.text)
            next_url = response.links.get("next", {}).get("url")
            expected = exchange["response"]
            if isinstance(expected, str):
                assert response.text == expected, where
                continue
            got = response.json()
            have, want = keys(got), keys(expected)
            if isinstance(want, tuple):
                assert have[:2] == want[:2], where
                have, want = have[2], want[2]
            assert isinstance(have, set), where
            assert isinstance(want, set), where
            assert not want - have, (where, f"missing {sorted(want - have)}")
            documented = _documented(exchange["method"], path, exchange["status"])
            assert not (have - want) - documented - NEWER_KEYS, (
                where,
                f"undocumented extra keys {sorted((have - want) - documented)}",
            )
            if exchange["status"] == 422:
                assert got["errors"] == expected["errors"], where
            if "link" in exchange["headers"]:
                rels = set(response.links)
                assert rels == _rels(exchange["headers"]["link"]), where


def _documented(method: str, path: str, status: int) -> set[str]:
    """The property names GitHub's OpenAPI description documents for this response."""
    template = next(
        (
            r.template
            for r in sandbox_openapi_routes()
            if r.method == method.upper() and r.regex.match(path.split("?", 1)[0])
        ),
        None,
    )
    if template is None:
        return set()
    op = sandbox_openapi.operation(method, template) or {}
    response = op.get("responses", {}).get(str(status))
    if response is None:
        return set()
    response, _ = sandbox_openapi._resolve_response(response)
    schema = next(iter(response.get("content", {}).values()), {}).get("schema", {})
    return _properties(schema)


def _properties(schema: dict[str, Any]) -> set[str]:
    spec = sandbox_openapi.spec()
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _properties(spec["components"]["schemas"][name])
    if schema.get("type") == "array":
        return _properties(schema.get("items", {}))
    out = set(schema.get("properties", {}))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, []):
            out |= _properties(sub)
    return out


def sandbox_openapi_routes() -> list[Any]:
    from ghcommunity_sandbox.server import build_router

    return build_router().routes


def _rels(link: str) -> set[str]:
    return {part.split('rel="', 1)[1].rstrip('"') for part in link.split(", ")}
