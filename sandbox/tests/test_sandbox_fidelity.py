"""Issue 17's smaller points, checked inside the sandbox (the clients' view is in
tests/conformance): the GraphQL answer check itself, synthetic people's timing,
mergeability computed after the first read, media types."""

from __future__ import annotations

import json

import httpx
import pytest

from ghcommunity_sandbox import Sandbox
from ghcommunity_sandbox import seed as seeds
from ghcommunity_sandbox.http import Exchange
from ghcommunity_sandbox.media import apply_body_param, body_param, render_html, render_text
from ghcommunity_sandbox.model import parse_iso
from ghcommunity_sandbox.state import State
from sandbox_graphql_check import graphql_problems

ORG = "uk-x-gov-software-community"
REPO = f"{ORG}/community-space"

QUERY = """
query Q($n: Int!) {
  repository(owner: "o", name: "r") {
    name
    isPrivate
    issue(number: $n) { number state title }
    issueOrPullRequest(number: $n) { __typename ... on Issue { number } ... on PullRequest { merged } }
  }
}
"""


def _exchange(data: object) -> Exchange:
    body = json.dumps({"data": data}).encode()
    request = json.dumps({"query": QUERY, "variables": {"n": 1}}).encode()
    return Exchange("POST", "/graphql", "/graphql", 200, {}, body, "", "token", request=request)


GOOD = {
    "repository": {
        "name": "r",
        "isPrivate": False,
        "issue": {"number": 1, "state": "OPEN", "title": "t"},
        "issueOrPullRequest": {"__typename": "Issue", "number": 1},
    }
}


def test_graphql_answers_of_the_right_types_pass() -> None:
    assert graphql_problems(_exchange(GOOD)) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: r.pop("name"), "/repository/name: missing"),
        (lambda r: r.update(isPrivate=None), "null for non-null Boolean!"),
        (lambda r: r.update(isPrivate="no"), "'no' is not a Boolean"),
        (lambda r: r["issue"].update(state="SHUT"), "'SHUT' is not a IssueState"),
        (lambda r: r["issue"].update(number="1"), "'1' is not a Int"),
        (lambda r: r["issue"].update(body="b"), "/repository/issue/body: not asked for"),
        (
            lambda r: r["issueOrPullRequest"].update(merged=True),
            "/repository/issueOrPullRequest/merged: not asked for",
        ),
        (lambda r: r["issueOrPullRequest"].pop("number"), "issueOrPullRequest/number: missing"),
    ],
)
def test_graphql_answers_that_break_the_schema_are_caught(change: object, problem: str) -> None:
    data = json.loads(json.dumps(GOOD))
    change(data["repository"])  # type: ignore[operator]
    found = graphql_problems(_exchange(data))
    assert any(problem in p for p in found), found


def test_synthetic_replies_and_answers_come_after_what_they_follow() -> None:
    state = State()
    seeds.load(state, "minimal", synthetic=2000, seed_random=3)
    repo = next(r for r in state.repos.values() if r.discussions)
    replies = answers = 0
    for d in repo.discussions.values():
        for top in d.comments:
            assert parse_iso(top.created_at) >= parse_iso(d.created_at)
            for reply in top.replies:
                replies += 1
                assert parse_iso(reply.created_at) > parse_iso(top.created_at)
        if d.answer is not None:
            answers += 1
            assert d.answer_chosen_at is not None
            assert parse_iso(d.answer_chosen_at) > parse_iso(d.answer.created_at)
            assert parse_iso(d.updated_at) >= parse_iso(d.answer_chosen_at)
    assert replies > 5
    assert answers > 5


def test_mergeable_is_unknown_until_asked_then_computed(sandbox: Sandbox) -> None:
    n = sandbox.state.add_pull(REPO, "A change", author="ada")
    api = httpx.Client(base_url=sandbox.url, headers={"Authorization": "token t"})
    query = {
        "query": f'query($n: Int!) {{ repository(owner: "{ORG}", name: "community-space") '
        "{ pullRequest(number: $n) { mergeable } } }",
        "variables": {"n": n},
    }
    states = [
        api.post("/graphql", json=query).json()["data"]["repository"]["pullRequest"]["mergeable"]
        for _ in range(2)
    ]
    assert states == ["UNKNOWN", "MERGEABLE"]
    sandbox.state.put_file(REPO, "more.md", "more\n", branch=f"ada/patch-{n}")
    again = api.get(f"/repos/{REPO}/pulls/{n}").json()
    assert (again["mergeable"], again["mergeable_state"]) == (None, "unknown")
    assert api.get(f"/repos/{REPO}/pulls/{n}").json()["mergeable"] is True
    api.close()


def test_media_types() -> None:
    assert body_param("application/vnd.github.v3.full+json") == "full"
    assert body_param("application/vnd.github.html") == "html"
    assert body_param("application/vnd.github+json") is None
    assert render_text("# Title\n\nSome **bold** and [a link](https://x).") == (
        "Title\n\nSome bold and a link."
    )
    assert render_html("Hi <b>\n\n- one") == "<p>Hi &lt;b&gt;</p>\n<ul>\n<li>one</li>\n</ul>"
    assert render_html("A **b**, *c*, `d` and [e](https://x.org).") == (
        "<p>A <strong>b</strong>, <em>c</em>, <code>d</code> and "
        '<a href="https://x.org" rel="nofollow">e</a>.</p>'
    )
    issue = {"body": "x", "author_association": "NONE", "user": None}
    assert set(apply_body_param([issue], "text")[0]) == {"body_text", "author_association", "user"}
    assert apply_body_param({"body": None, "author_association": "NONE"}, "full")["body_html"] == ""


def test_a_sandbox_a_test_starts_itself_is_checked_too(openapi_exchanges: list[Exchange]) -> None:
    """The root conftest's check sees every sandbox in the process, not only the shared one
    (the App's end-to-end tests start their own), GraphQL requests with their query."""
    with Sandbox.start(seed="minimal") as own:
        headers = {"Authorization": "token t"}
        assert httpx.get(f"{own.url}/repos/{REPO}", headers=headers).status_code == 200
        query = {"query": "{ viewer { login } }"}
        assert httpx.post(f"{own.url}/graphql", json=query, headers=headers).status_code == 200
    assert [(e.template, e.status) for e in openapi_exchanges] == [
        ("/repos/{owner}/{repo}", 200),
        ("/graphql", 200),
    ]
    assert json.loads(openapi_exchanges[1].request) == query
