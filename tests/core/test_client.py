"""The one door to GitHub: URLs, pagination by Link header, retries and one-line errors."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from ghcommunity.core.errors import InputError, OperationalError
from ghcommunity.github.client import (
    Connection,
    GitHubClient,
    RetryPolicy,
    graphql_url_for,
    quote_segment,
    split_repo,
)

Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, **connection: object) -> GitHubClient:
    conn = Connection(api_url="https://api.example.test", token="t0ken-value", **connection)  # type: ignore[arg-type]
    return GitHubClient(
        conn, retry=RetryPolicy(sleep_scale=0.0), transport=httpx.MockTransport(handler)
    )


@pytest.mark.parametrize(
    ("api", "graphql"),
    [
        ("https://api.github.com", "https://api.github.com/graphql"),
        ("https://ghe.example.gov.uk/api/v3", "https://ghe.example.gov.uk/api/graphql"),
        ("https://ghe.example.gov.uk/api/v3/", "https://ghe.example.gov.uk/api/graphql"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123/graphql"),
    ],
)
def test_graphql_url_is_derived_from_the_rest_base(api: str, graphql: str) -> None:
    assert graphql_url_for(api) == graphql


def test_connection_reads_the_environment() -> None:
    env = {
        "GITHUB_API_URL": "https://ghe.example/api/v3/",
        "GH_TOKEN": "abc",
        "GITHUB_GRAPHQL_URL": "https://ghe.example/api/graphql",
    }
    conn = Connection.from_env(env=env)
    assert conn.api_url == "https://ghe.example/api/v3"
    assert conn.token == "abc"
    assert conn.graphql == "https://ghe.example/api/graphql"
    assert "abc" not in repr(conn)  # tokens never end up in logs via repr
    assert Connection.from_env(env={}, token="x").api_url == "https://api.github.com"
    assert Connection.from_env(env=env, api_url="http://sandbox").api_url == "http://sandbox"


def test_label_names_are_percent_encoded_as_one_segment() -> None:
    assert quote_segment("group: open source (SIG)/x") == "group%3A%20open%20source%20%28SIG%29%2Fx"
    assert quote_segment("🐛 bug") == "%F0%9F%90%9B%20bug"


def test_split_repo_rejects_bad_names() -> None:
    assert split_repo("o/r") == ("o", "r")
    for bad in ("o", "o/", "/r", "o/r/x", ""):
        with pytest.raises(InputError):
            split_repo(bad)


def test_paginate_follows_link_headers_and_stops_without_an_extra_request() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        page = int(request.url.params.get("page", "1"))
        headers = {}
        if page < 3:
            nxt = f"https://api.example.test/repositories/1/issues?per_page=100&page={page + 1}"
            headers["link"] = (
                f'<{nxt}>; rel="next", <https://api.example.test/x?page=3>; rel="last"'
            )
        return httpx.Response(200, json=[{"n": page * 10 + i} for i in range(2)], headers=headers)

    client = make_client(handler)
    items = list(client.paginate("/repos/o/r/issues", {"state": "all"}))
    assert [i["n"] for i in items] == [10, 11, 20, 21, 30, 31]
    assert len(seen) == 3  # no trailing empty-page request
    assert "state=all" in seen[0]
    assert "per_page=100" in seen[0]
    assert client.requests == 3


def test_token_is_sent_as_bearer() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] in ("token t0ken-value", "Bearer t0ken-value")
        assert request.headers["user-agent"].startswith("ghcommunity/")
        return httpx.Response(200, json={"ok": True})

    assert make_client(handler).rest("GET", "/rate_limit") == {"ok": True}


@pytest.mark.parametrize(
    ("status", "body", "headers", "error", "fragment"),
    [
        (401, {"message": "Bad credentials"}, {}, OperationalError, "rejected the credentials"),
        (
            403,
            {"message": "Resource not accessible by integration"},
            {"x-accepted-github-permissions": "issues=write"},
            OperationalError,
            "the token needs issues=write",
        ),
        (403, {"message": "Forbidden"}, {}, OperationalError, "the token needs issues: write"),
        (
            404,
            {"message": "Not Found"},
            {},
            OperationalError,
            "issues/1/labels in o/r was not found (404): it may have been deleted",
        ),
        (
            422,
            {"message": "Validation Failed", "errors": [{"field": "name", "code": "invalid"}]},
            {},
            InputError,
            "name invalid",
        ),
    ],
)
def test_failures_become_one_line_errors(
    status: int, body: dict[str, object], headers: dict[str, str], error: type, fragment: str
) -> None:
    client = make_client(lambda r: httpx.Response(status, json=body, headers=headers))
    with pytest.raises(error) as caught:
        client.rest("POST", "/repos/o/r/issues/1/labels", json={"labels": ["x"]})
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message
    assert "t0ken-value" not in message


def test_server_errors_are_retried_then_succeed() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) < 3:
            return httpx.Response(502, json={"message": "Server Error"})
        return httpx.Response(200, json={"done": True})

    client = make_client(handler)
    assert client.rest("GET", "/repos/o/r") == {"done": True}
    assert len(calls) == 3
    assert client.requests == 3


def test_secondary_rate_limit_honours_retry_after() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(
                403,
                json={"message": "You have exceeded a secondary rate limit."},
                headers={"retry-after": "1"},
            )
        return httpx.Response(201, json={"id": 1})

    assert make_client(handler).rest("POST", "/repos/o/r/issues/1/comments", json={}) == {"id": 1}
    assert len(calls) == 2


def test_rate_limit_too_far_away_fails_with_when() -> None:
    handler = lambda r: httpx.Response(  # noqa: E731
        403,
        json={"message": "API rate limit exceeded"},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "9999999999"},
    )
    with pytest.raises(OperationalError, match="rate limit exceeded; it resets in about"):
        make_client(handler).rest("GET", "/repos/o/r")


def test_dropped_connection_on_a_write_is_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        raise httpx.RemoteProtocolError("Server disconnected without sending a response")

    client = make_client(handler)
    with pytest.raises(OperationalError, match="cannot reach GitHub"):
        client.rest("POST", "/repos/o/r/issues/1/comments", json={"body": "x"})
    assert calls == ["POST"]  # a retry could post a second comment
    calls.clear()
    with pytest.raises(OperationalError):
        client.rest("GET", "/repos/o/r")
    assert calls == ["GET"] * 4  # reads are retried


def test_graphql_errors_are_one_line() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/graphql"
        assert json.loads(request.content)["variables"] == {"n": 1}
        return httpx.Response(
            200, json={"data": None, "errors": [{"message": "Field 'nope' doesn't exist"}]}
        )

    with pytest.raises(OperationalError, match="refused the query: Field 'nope'"):
        make_client(handler).graphql("query($n: Int) { nope }", {"n": 1})


def test_graphql_nodes_pages_through_a_connection() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        cursor = json.loads(request.content)["variables"]["cursor"]
        page = 0 if cursor is None else int(cursor)
        return httpx.Response(
            200,
            json={
                "data": {
                    "repository": {
                        "issues": {
                            "nodes": [{"number": page * 2 + 1}, {"number": page * 2 + 2}],
                            "pageInfo": {"hasNextPage": page < 2, "endCursor": str(page + 1)},
                        }
                    }
                }
            },
        )

    client = make_client(handler)
    nodes = list(client.graphql_nodes("q", {"owner": "o"}, ("repository", "issues")))
    assert [n["number"] for n in nodes] == [1, 2, 3, 4, 5, 6]
    assert client.requests == 3


def test_get_or_none_treats_404_as_absent() -> None:
    client = make_client(lambda r: httpx.Response(404, json={"message": "Not Found"}))
    assert client.get_or_none("/repos/o/r/contents/x.md") is None


def test_a_missing_repository_is_named_as_such() -> None:
    client = make_client(lambda r: httpx.Response(404, json={"message": "Not Found"}))
    with pytest.raises(OperationalError, match="repository o/r was not found, or the token"):
        client.rest("GET", "/repos/o/r")
