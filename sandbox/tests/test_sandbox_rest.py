"""REST behaviour of the sandbox, as GitHub behaves."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ghcommunity_sandbox import Sandbox

REPO = "uk-x-gov-software-community/community-space"
R = f"/repos/{REPO}"


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sandbox.url, headers={"Authorization": "token test-token"}, timeout=10
    ) as client:
        yield client


def links(response: httpx.Response) -> dict[str, str]:
    return {rel: link["url"] for rel, link in response.links.items()}


# -- issues ------------------------------------------------------------------------------------


def test_create_get_update_issue(api: httpx.Client, sandbox: Sandbox) -> None:
    r = api.post(f"{R}/issues", json={"title": "Hello", "body": "World", "labels": ["bug"]})
    assert r.status_code == 201
    issue = r.json()
    assert r.headers["location"] == issue["url"]
    assert issue["url"] == f"{sandbox.url}{R}/issues/{issue['number']}"
    assert issue["html_url"].startswith(sandbox.url)
    assert issue["user"]["login"] == "ghcommunity[bot]"
    assert issue["user"]["type"] == "Bot"
    assert [lab["name"] for lab in issue["labels"]] == ["bug"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", issue["created_at"])
    got = api.get(f"{R}/issues/{issue['number']}").json()
    assert got["title"] == "Hello"
    assert got["body"] == "World"
    r = api.patch(
        f"{R}/issues/{issue['number']}", json={"state": "closed", "state_reason": "not_planned"}
    )
    assert r.status_code == 200
    assert r.json()["state"] == "closed"
    assert r.json()["state_reason"] == "not_planned"
    assert r.json()["closed_by"]["login"] == "ghcommunity[bot]"
    events = [e["event"] for e in api.get(f"{R}/issues/{issue['number']}/events").json()]
    assert events == ["labeled", "closed"]


def test_unknown_repo_and_issue_are_404_with_github_body(api: httpx.Client) -> None:
    r = api.get("/repos/nobody/nothing/issues")
    assert r.status_code == 404
    body = r.json()
    assert body["message"] == "Not Found"
    assert body["status"] == "404"
    assert body["documentation_url"].startswith("https://docs.github.com/rest")
    assert api.get(f"{R}/issues/999").status_code == 404


def test_private_repo_is_invisible_to_other_users(sandbox: Sandbox) -> None:
    sandbox.state.add_repo("someone/secret", private=True)
    sandbox.state.add_token("ada-token", "ada")
    with httpx.Client(base_url=sandbox.url, headers={"Authorization": "token ada-token"}) as c:
        assert c.get("/repos/someone/secret").status_code == 404
        sandbox.state.set_permission("someone/secret", "ada", "read")
        assert c.get("/repos/someone/secret").status_code == 200


def test_restricted_tokens_get_401(sandbox: Sandbox) -> None:
    sandbox.state.restrict_tokens = True
    sandbox.state.add_token("good", "ada")
    r = httpx.get(f"{sandbox.url}{R}", headers={"Authorization": "token bad"})
    assert r.status_code == 401
    assert r.json()["message"] == "Bad credentials"
    ok = httpx.get(f"{sandbox.url}{R}", headers={"Authorization": "Bearer good"})
    assert ok.status_code == 200


def test_anonymous_writes_need_authentication(sandbox: Sandbox) -> None:
    r = httpx.post(f"{sandbox.url}{R}/issues", json={"title": "x"})
    assert r.status_code == 401
    assert r.json()["message"] == "Requires authentication"


def test_list_filters_and_sorting(api: httpx.Client, sandbox: Sandbox) -> None:
    st = sandbox.state
    a = st.add_issue(
        REPO, title="A", author="ada", labels=["x", "y"], created_at="2026-10-01T10:00:00Z"
    )
    b = st.add_issue(
        REPO,
        title="B",
        author="bob",
        labels=["x"],
        created_at="2026-10-02T10:00:00Z",
        comments=["one", "two"],
    )
    c = st.add_issue(
        REPO,
        title="C",
        author="ada",
        state="closed",
        created_at="2026-10-03T10:00:00Z",
        closed_at="2026-10-04T10:00:00Z",
    )
    pull = st.add_pull(REPO, title="P", author="bob", created_at="2026-10-05T10:00:00Z")

    def numbers(**params: Any) -> list[int]:
        r = api.get(f"{R}/issues", params=params)
        assert r.status_code == 200, r.text
        return [i["number"] for i in r.json()]

    assert numbers() == [pull, b, a]
    assert numbers(state="all") == [pull, c, b, a]
    assert numbers(state="closed") == [c]
    assert numbers(labels="x,Y") == [a]
    assert numbers(labels="x") == [b, a]
    assert numbers(creator="ADA", state="all") == [c, a]
    assert numbers(direction="asc") == [a, b, pull]
    assert numbers(sort="comments") == [b, pull, a]
    assert numbers(since="2026-10-04T00:00:00Z", state="all") == [pull, c]
    listed = {i["number"]: i for i in api.get(f"{R}/issues").json()}
    assert "pull_request" in listed[pull]
    assert listed[pull]["pull_request"]["url"].endswith(f"/pulls/{pull}")
    assert "pull_request" not in listed[a]


def test_pagination_link_headers_as_github_writes_them(api: httpx.Client, sandbox: Sandbox) -> None:
    for i in range(7):
        sandbox.state.add_issue(REPO, title=f"Issue {i}")
    first = api.get(f"{R}/issues", params={"per_page": 3})
    assert first.headers["link"] == (
        f'<{sandbox.url}{R}/issues?per_page=3&page=2>; rel="next", '
        f'<{sandbox.url}{R}/issues?per_page=3&page=3>; rel="last"'
    )
    second = api.get(f"{R}/issues", params={"per_page": 3, "page": 2})
    assert second.headers["link"] == (
        f'<{sandbox.url}{R}/issues?per_page=3&page=1>; rel="prev", '
        f'<{sandbox.url}{R}/issues?per_page=3&page=3>; rel="next", '
        f'<{sandbox.url}{R}/issues?per_page=3&page=3>; rel="last", '
        f'<{sandbox.url}{R}/issues?per_page=3&page=1>; rel="first"'
    )
    last = api.get(links(second)["last"])
    assert len(last.json()) == 1
    assert set(links(last)) == {"prev", "first"}
    one_page = api.get(f"{R}/issues")
    assert "link" not in one_page.headers


def test_per_page_is_capped_at_100_and_defaults_to_30(api: httpx.Client, sandbox: Sandbox) -> None:
    with sandbox.state.quiet():
        for i in range(130):
            sandbox.state.add_issue(REPO, title=f"Issue {i}")
    assert len(api.get(f"{R}/issues").json()) == 30
    r = api.get(f"{R}/issues", params={"per_page": 500})
    assert len(r.json()) == 100
    assert "per_page=500&page=2" in r.headers["link"]


def test_etag_and_conditional_requests_do_not_cost(api: httpx.Client) -> None:
    first = api.get(R)
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    used = int(first.headers["x-ratelimit-used"])
    again = api.get(R, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert int(again.headers["x-ratelimit-used"]) == used
    api.post(f"{R}/issues", json={"title": "a change"})
    assert api.get(f"{R}/issues", headers={"If-None-Match": etag}).status_code == 200


def test_rate_limit_headers(api: httpx.Client, sandbox: Sandbox) -> None:
    r = api.get(R)
    assert r.headers["x-ratelimit-limit"] == "5000"
    assert r.headers["x-ratelimit-resource"] == "core"
    remaining = int(r.headers["x-ratelimit-remaining"])
    assert int(api.get(R).headers["x-ratelimit-remaining"]) == remaining - 1
    limits = api.get("/rate_limit").json()
    assert limits["resources"]["core"]["limit"] == 5000
    sandbox.app.rate.limits["core"] = int(r.headers["x-ratelimit-used"]) + 2
    try:
        api.get(R)
        blocked = api.get(R)
        assert blocked.status_code == 403
        assert blocked.headers["x-ratelimit-remaining"] == "0"
        assert "rate limit exceeded" in blocked.json()["message"]
    finally:
        sandbox.app.rate.limits["core"] = 5000


# -- labels ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["good first issue", "type: agenda item", "area (docs)", "a/b", "needs-info 🙋", "50% done"],
)
def test_label_names_round_trip_percent_encoded(api: httpx.Client, name: str) -> None:
    created = api.post(f"{R}/labels", json={"name": name, "color": "aabbcc"})
    assert created.status_code == 201, created.text
    assert created.json()["color"] == "aabbcc"
    url = created.json()["url"]
    got = api.get(url)
    assert got.status_code == 200
    assert got.json()["name"] == name
    upper = api.get(f"{R}/labels/" + httpx.URL(url).raw_path.decode().rsplit("/", 1)[1].upper())
    assert upper.status_code == 200  # case-insensitive, as GitHub
    issue = api.post(f"{R}/issues", json={"title": "t"}).json()
    added = api.post(f"{R}/issues/{issue['number']}/labels", json={"labels": [name]})
    assert [lab["name"] for lab in added.json()] == [name]
    removed = api.delete(f"{R}/issues/{issue['number']}/labels/" + url.rsplit("/", 1)[1])
    assert removed.status_code == 200
    assert removed.json() == []
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_label_validation_errors(api: httpx.Client) -> None:
    too_long = api.post(f"{R}/labels", json={"name": "x" * 51, "color": "ffffff"})
    assert too_long.status_code == 422
    assert too_long.json()["errors"] == [{"resource": "Label", "code": "invalid", "field": "name"}]
    assert api.post(f"{R}/labels", json={"name": "ok", "color": "fff"}).status_code == 422
    assert api.post(f"{R}/labels", json={"name": "ok", "color": "ffffff"}).status_code == 201
    dup = api.post(f"{R}/labels", json={"name": "OK", "color": "ffffff"})
    assert dup.status_code == 422
    assert dup.json()["errors"][0]["code"] == "already_exists"


def test_adding_unknown_labels_creates_them_with_default_colour(api: httpx.Client) -> None:
    issue = api.post(f"{R}/issues", json={"title": "t"}).json()
    r = api.post(f"{R}/issues/{issue['number']}/labels", json={"labels": ["Foo", "bAr"]})
    assert r.status_code == 200
    assert [(lab["name"], lab["color"]) for lab in r.json()] == [
        ("Foo", "ededed"),
        ("bAr", "ededed"),
    ]
    again = api.post(f"{R}/issues/{issue['number']}/labels", json={"labels": ["foo"]})
    assert [lab["name"] for lab in again.json()] == ["Foo", "bAr"]
    put = api.put(f"{R}/issues/{issue['number']}/labels", json={"labels": ["bar", "new"]})
    assert [lab["name"] for lab in put.json()] == ["bAr", "new"]
    assert api.delete(f"{R}/issues/{issue['number']}/labels/Foo").status_code == 404
    events = api.get(f"{R}/issues/{issue['number']}/events").json()
    assert [(e["event"], e["label"]["name"]) for e in events] == [
        ("labeled", "Foo"),
        ("labeled", "bAr"),
        ("unlabeled", "Foo"),
        ("labeled", "new"),
    ]


def test_rename_label_keeps_issues_labelled(api: httpx.Client, sandbox: Sandbox) -> None:
    n = sandbox.state.add_issue(REPO, title="t", labels=["sig-proposal"])
    r = api.patch(
        f"{R}/labels/sig-proposal", json={"new_name": "type: group proposal", "color": "1d76db"}
    )
    assert r.status_code == 200
    issue = api.get(f"{R}/issues/{n}").json()
    assert [lab["name"] for lab in issue["labels"]] == ["type: group proposal"]


# -- comments, reactions, assignees ------------------------------------------------------------


def test_comments_crud_and_repo_wide_since(api: httpx.Client, sandbox: Sandbox) -> None:
    n = sandbox.state.add_issue(REPO, title="t", author="ada", created_at="2026-10-01")
    sandbox.state.add_comment(REPO, n, body="old", author="bob", created_at="2026-10-02")
    created = api.post(f"{R}/issues/{n}/comments", json={"body": "new"})
    assert created.status_code == 201
    cid = created.json()["id"]
    assert api.get(f"{R}/issues/comments/{cid}").json()["body"] == "new"
    edited = api.patch(f"{R}/issues/comments/{cid}", json={"body": "edited"})
    assert edited.json()["body"] == "edited"
    listed = api.get(f"{R}/issues/{n}/comments").json()
    assert [c["body"] for c in listed] == ["old", "edited"]
    recent = api.get(f"{R}/issues/comments", params={"since": "2026-10-10T00:00:00Z"}).json()
    assert [c["body"] for c in recent] == ["edited"]
    assert api.get(f"{R}/issues/{n}").json()["comments"] == 2
    assert api.delete(f"{R}/issues/comments/{cid}").status_code == 204
    assert api.get(f"{R}/issues/comments/{cid}").status_code == 404
    assert api.post(f"{R}/issues/{n}/comments", json={}).status_code == 422


def test_reactions_201_then_200_and_filter(api: httpx.Client, sandbox: Sandbox) -> None:
    n = sandbox.state.add_issue(REPO, title="t")
    first = api.post(f"{R}/issues/{n}/reactions", json={"content": "eyes"})
    assert first.status_code == 201
    again = api.post(f"{R}/issues/{n}/reactions", json={"content": "eyes"})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    api.post(f"{R}/issues/{n}/reactions", json={"content": "+1"})
    assert len(api.get(f"{R}/issues/{n}/reactions").json()) == 2
    assert [
        r["content"] for r in api.get(f"{R}/issues/{n}/reactions", params={"content": "+1"}).json()
    ] == ["+1"]
    rollup = api.get(f"{R}/issues/{n}").json()["reactions"]
    assert rollup["total_count"] == 2
    assert rollup["eyes"] == 1
    assert api.post(f"{R}/issues/{n}/reactions", json={"content": "nope"}).status_code == 422
    cid = sandbox.state.add_comment(REPO, n, body="c")
    r = api.post(f"{R}/issues/comments/{cid}/reactions", json={"content": "heart"})
    assert r.status_code == 201
    assert api.delete(f"{R}/issues/comments/{cid}/reactions/{r.json()['id']}").status_code == 204


def test_assignees(api: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.state.add_user("ada")
    n = sandbox.state.add_issue(REPO, title="t")
    r = api.post(f"{R}/issues/{n}/assignees", json={"assignees": ["ada", "nobody-known"]})
    assert r.status_code == 201
    assert [a["login"] for a in r.json()["assignees"]] == ["ada"]
    r = api.request("DELETE", f"{R}/issues/{n}/assignees", json={"assignees": ["ada"]})
    assert r.json()["assignees"] == []
    events = [e["event"] for e in api.get(f"{R}/issues/{n}/events").json()]
    assert events == ["assigned", "unassigned"]


def test_timeline_has_events_and_comments(api: httpx.Client, sandbox: Sandbox) -> None:
    n = sandbox.state.add_issue(
        REPO,
        title="t",
        labels=["x"],
        created_at="2026-10-01",
        comments=[{"body": "hi", "created_at": "2026-10-02"}],
    )
    api.patch(f"{R}/issues/{n}", json={"title": "renamed"})
    items = api.get(f"{R}/issues/{n}/timeline").json()
    assert [i["event"] for i in items] == ["labeled", "commented", "renamed"]
    assert items[2]["rename"] == {"from": "t", "to": "renamed"}


def test_lock_and_unlock(api: httpx.Client, sandbox: Sandbox) -> None:
    n = sandbox.state.add_issue(REPO, title="t")
    assert api.put(f"{R}/issues/{n}/lock", json={"lock_reason": "resolved"}).status_code == 204
    assert api.get(f"{R}/issues/{n}").json()["locked"] is True
    assert api.delete(f"{R}/issues/{n}/lock").status_code == 204


# -- search ------------------------------------------------------------------------------------


def test_search_issues_qualifiers(api: httpx.Client, sandbox: Sandbox) -> None:
    st = sandbox.state
    a = st.add_issue(
        REPO,
        title="Lean coffee topics",
        body="about sustainability",
        author="ada",
        labels=["type: agenda item"],
        created_at="2026-10-01T09:00:00Z",
    )
    b = st.add_issue(
        REPO,
        title="Open source",
        author="bob",
        labels=["good first issue"],
        created_at="2026-10-15T09:00:00Z",
        comments=["x", "y", "z"],
    )
    c = st.add_issue(
        REPO,
        title="Old",
        author="ada",
        state="closed",
        created_at="2026-09-01T09:00:00Z",
        closed_at="2026-09-02T09:00:00Z",
    )
    p = st.add_pull(REPO, title="Notes", author="bob", created_at="2026-10-20T09:00:00Z")

    def search(q: str, **params: Any) -> list[int]:
        r = api.get("/search/issues", params={"q": q, **params})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["incomplete_results"] is False
        assert body["total_count"] == len(body["items"])
        return [i["number"] for i in body["items"]]

    assert search(f"repo:{REPO} is:issue", sort="created", order="asc") == [c, a, b]
    assert search(f"repo:{REPO} is:pr") == [p]
    assert search(f"repo:{REPO} is:issue is:open", sort="created", order="asc") == [a, b]
    assert search(f'repo:{REPO} label:"type: agenda item"') == [a]
    assert search(f"repo:{REPO} author:ada is:issue", sort="created", order="asc") == [c, a]
    assert search(f"repo:{REPO} created:>=2026-10-01 is:issue", sort="created", order="asc") == [
        a,
        b,
    ]
    assert search(f"repo:{REPO} created:2026-10-01..2026-10-14") == [a]
    assert search(f"repo:{REPO} created:<2026-10-01") == [c]
    assert search(f"repo:{REPO} comments:>2") == [b]
    assert search(f"repo:{REPO} sustainability in:body") == [a]
    assert search(f"repo:{REPO} coffee in:title") == [a]
    assert search(f"repo:{REPO} state:closed") == [c]
    r = api.get("/search/issues", params={"q": f"repo:{REPO}"})
    assert r.headers["x-ratelimit-resource"] == "search"
    assert r.headers["x-ratelimit-limit"] == "30"


# -- contents and git --------------------------------------------------------------------------


def test_contents_put_get_update_delete(api: httpx.Client, sandbox: Sandbox) -> None:
    path = "lean-coffees/2026-10-22.md"
    text = "# Lean coffee\n\n- [ ] an action\n"
    created = api.put(
        f"{R}/contents/{path}",
        json={
            "message": "Add notes",
            "content": base64.b64encode(text.encode()).decode(),
        },
    )
    assert created.status_code == 201, created.text
    sha = created.json()["content"]["sha"]
    got = api.get(f"{R}/contents/{path}").json()
    assert base64.b64decode(got["content"]).decode() == text
    assert got["sha"] == sha
    raw = api.get(f"{R}/contents/{path}", headers={"Accept": "application/vnd.github.raw"})
    assert raw.text == text
    missing_sha = api.put(
        f"{R}/contents/{path}",
        json={"message": "Update", "content": base64.b64encode(b"new").decode()},
    )
    assert missing_sha.status_code == 422
    wrong_sha = api.put(
        f"{R}/contents/{path}",
        json={"message": "Update", "content": base64.b64encode(b"new").decode(), "sha": "0" * 40},
    )
    assert wrong_sha.status_code == 409
    updated = api.put(
        f"{R}/contents/{path}",
        json={"message": "Update", "content": base64.b64encode(b"new").decode(), "sha": sha},
    )
    assert updated.status_code == 200
    listing = api.get(f"{R}/contents/lean-coffees").json()
    assert [e["name"] for e in listing] == ["2026-10-22.md"]
    commits = api.get(f"{R}/commits", params={"path": "lean-coffees"}).json()
    assert [c["commit"]["message"] for c in commits] == ["Update", "Add notes"]
    deleted = api.request(
        "DELETE",
        f"{R}/contents/{path}",
        json={"message": "Remove", "sha": updated.json()["content"]["sha"]},
    )
    assert deleted.status_code == 200
    assert api.get(f"{R}/contents/{path}").status_code == 404


def test_a_file_over_1_mb_comes_without_its_content(api: httpx.Client, sandbox: Sandbox) -> None:
    data = b"x" * (1024 * 1024 + 1)
    sandbox.state.put_file(REPO, "big.txt", data)
    got = api.get(f"{R}/contents/big.txt").json()
    assert (got["content"], got["encoding"], got["size"]) == ("", "none", len(data))
    blob = api.get(f"{R}/git/blobs/{got['sha']}").json()
    assert base64.b64decode(blob["content"]) == data
    raw = api.get(f"{R}/contents/big.txt", headers={"Accept": "application/vnd.github.raw"})
    assert raw.content == data
    small = b"y" * (1024 * 1024)
    sandbox.state.put_file(REPO, "small.txt", small)
    got = api.get(f"{R}/contents/small.txt").json()
    assert base64.b64decode(got["content"]) == small


def test_blob_sha_is_gits(api: httpx.Client) -> None:
    r = api.post(f"{R}/git/blobs", json={"content": "Test content", "encoding": "utf-8"})
    # `printf 'Test content' | git hash-object --stdin`
    assert r.json()["sha"] == "3f3f005b29247e51a4f4d6b8ce07b67646cd6074"


def test_branch_tree_commit_ref_and_pull_request(api: httpx.Client, sandbox: Sandbox) -> None:
    main = api.get(f"{R}/git/ref/heads/main").json()["object"]["sha"]
    base_tree = api.get(f"{R}/git/commits/{main}").json()["tree"]["sha"]
    tree = api.post(
        f"{R}/git/trees",
        json={
            "base_tree": base_tree,
            "tree": [
                {"path": "notes/a.md", "mode": "100644", "type": "blob", "content": "A\n"},
            ],
        },
    )
    assert tree.status_code == 201
    commit = api.post(
        f"{R}/git/commits", json={"message": "Add a", "tree": tree.json()["sha"], "parents": [main]}
    )
    assert commit.status_code == 201
    sha = commit.json()["sha"]
    ref = api.post(f"{R}/git/refs", json={"ref": "refs/heads/notes", "sha": sha})
    assert ref.status_code == 201
    assert (
        api.post(f"{R}/git/refs", json={"ref": "refs/heads/notes", "sha": sha}).status_code == 422
    )
    recursive = api.get(f"{R}/git/trees/{tree.json()['sha']}", params={"recursive": 1}).json()
    assert {e["path"] for e in recursive["tree"]} == {"README.md", "notes", "notes/a.md"}
    matching = api.get(f"{R}/git/matching-refs/heads/").json()
    assert [r["ref"] for r in matching] == ["refs/heads/main", "refs/heads/notes"]
    # not a fast-forward: main back onto a commit that does not contain notes' head
    assert api.patch(f"{R}/git/refs/heads/notes", json={"sha": main}).status_code == 422
    pr = api.post(f"{R}/pulls", json={"title": "Notes", "head": "notes", "base": "main"})
    assert pr.status_code == 201, pr.text
    number = pr.json()["number"]
    assert pr.json()["changed_files"] == 1
    assert pr.json()["additions"] == 1
    dup = api.post(f"{R}/pulls", json={"title": "Again", "head": "notes", "base": "main"})
    assert dup.status_code == 422
    assert dup.json()["errors"][0]["message"] == (
        "A pull request already exists for uk-x-gov-software-community:notes."
    )
    listed = api.get(f"{R}/pulls", params={"head": "uk-x-gov-software-community:notes"}).json()
    assert [p["number"] for p in listed] == [number]
    assert api.get(f"{R}/pulls", params={"head": "uk-x-gov-software-community:x"}).json() == []
    review = api.post(f"{R}/pulls/{number}/reviews", json={"event": "COMMENT", "body": "ok"})
    assert review.status_code == 200
    assert [r["state"] for r in api.get(f"{R}/pulls/{number}/reviews").json()] == ["COMMENTED"]
    merged = api.put(f"{R}/pulls/{number}/merge", json={})
    assert merged.status_code == 200
    assert merged.json()["merged"] is True
    assert api.get(f"{R}/pulls/{number}").json()["merged"] is True
    assert api.get(f"{R}/contents/notes/a.md").status_code == 200
    api.post(
        f"{R}/git/refs",
        json={
            "ref": "refs/heads/empty",
            "sha": api.get(f"{R}/git/ref/heads/main").json()["object"]["sha"],
        },
    )
    none = api.post(f"{R}/pulls", json={"title": "Nothing", "head": "empty", "base": "main"})
    assert none.status_code == 422
    assert none.json()["errors"][0]["message"] == "No commits between main and empty"
    assert api.delete(f"{R}/git/refs/heads/empty").status_code == 204


def test_state_put_file_is_a_real_commit(sandbox: Sandbox, api: httpx.Client) -> None:
    sha = sandbox.state.put_file(
        REPO, "docs/x.md", "hello\n", message="Add x", author="ada", date="2026-10-01T12:00:00Z"
    )
    commit = api.get(f"{R}/commits/{sha}").json()
    assert commit["commit"]["message"] == "Add x"
    assert commit["author"]["login"] == "ada"
    assert commit["files"][0]["filename"] == "docs/x.md"
    since = api.get(
        f"{R}/commits", params={"since": "2026-09-30T00:00:00Z", "until": "2026-10-02T00:00:00Z"}
    ).json()
    assert [c["sha"] for c in since] == [sha]


# -- people ------------------------------------------------------------------------------------


def test_collaborator_permission_and_org_and_teams(api: httpx.Client, sandbox: Sandbox) -> None:
    st = sandbox.state
    st.add_user("ada", name="Ada", company="HMRC")
    st.set_permission(REPO, "ada", "triage")
    st.add_team(
        "uk-x-gov-software-community", "facilitators", members=["ada"], maintainers=["grace"]
    )
    perm = api.get(f"{R}/collaborators/ada/permission").json()
    assert (perm["permission"], perm["role_name"]) == ("read", "triage")
    assert perm["user"]["login"] == "ada"
    grace = api.get(f"{R}/collaborators/grace/permission").json()
    assert grace["role_name"] == "read"  # an org member on a public repo
    assert api.get(f"{R}/collaborators/nobody/permission").status_code == 404
    members = api.get("/orgs/uk-x-gov-software-community/members").json()
    assert {m["login"] for m in members} == {"ada", "grace"}
    assert api.get("/orgs/uk-x-gov-software-community/members/ada").status_code == 204
    assert api.get("/orgs/uk-x-gov-software-community/members/bob").status_code == 404
    team = api.get("/orgs/uk-x-gov-software-community/teams/facilitators/members").json()
    assert {m["login"] for m in team} == {"ada", "grace"}
    membership = api.get(
        "/orgs/uk-x-gov-software-community/teams/facilitators/memberships/grace"
    ).json()
    assert membership["role"] == "maintainer"
    assert membership["state"] == "active"
    user = api.get("/users/ada").json()
    assert user["company"] == "HMRC"
    assert user["name"] == "Ada"
    org = api.get("/orgs/uk-x-gov-software-community").json()
    assert org["login"] == "uk-x-gov-software-community"


def test_user_endpoint(sandbox: Sandbox) -> None:
    sandbox.state.add_token("ada-token", "ada")
    me = httpx.get(f"{sandbox.url}/user", headers={"Authorization": "token ada-token"})
    assert me.json()["login"] == "ada"
    # an installation token (the default) is not a user, as on GitHub
    bot = httpx.get(f"{sandbox.url}/user", headers={"Authorization": "token anything"})
    assert bot.status_code == 403


def test_ghes_prefix_serves_the_same_api(sandbox: Sandbox) -> None:
    base = sandbox.url + "/api/v3"
    with httpx.Client(base_url=base, headers={"Authorization": "token t"}) as api:
        created = api.post(f"{R}/issues", json={"title": "via GHES"}).json()
        assert created["url"].startswith(f"{base}{R}/issues/")
        for _ in range(3):
            api.post(f"{R}/issues", json={"title": "more"})
        page = api.get(f"{R}/issues", params={"per_page": 2})
        assert page.headers["link"].startswith(f"<{base}{R}/issues?per_page=2&page=2>")
        graphql = httpx.post(
            sandbox.url + "/api/graphql",
            json={"query": "{ viewer { login } }"},
            headers={"Authorization": "token t"},
        )
        assert graphql.json()["data"]["viewer"]["login"] == "ghcommunity[bot]"


# -- stats -------------------------------------------------------------------------------------


def test_stats_count_routes_and_writes(api: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.reset_stats()
    api.get(f"{R}/issues")
    api.post(f"{R}/issues", json={"title": "x"})
    api.post("/graphql", json={"query": "{ viewer { login } }"})
    stats = sandbox.stats()
    assert stats["total"] == 3
    assert stats["writes"] == 1
    assert stats["by_route"] == {
        "GET /repos/{owner}/{repo}/issues": 1,
        "POST /repos/{owner}/{repo}/issues": 1,
        "POST /graphql": 1,
    }
    assert stats["by_method"] == {"GET": 1, "POST": 2}
    assert stats["by_status"] == {"200": 2, "201": 1}
    assert stats["repos"] == [REPO]
    over_http = httpx.get(f"{sandbox.url}/_sandbox/stats").json()
    assert over_http["total"] == 3  # /_sandbox/ routes are not counted
    httpx.post(f"{sandbox.url}/_sandbox/reset-stats")
    assert sandbox.stats()["total"] == 0


def test_reset_over_http(sandbox: Sandbox) -> None:
    sandbox.state.add_issue(REPO, title="gone after reset")
    r = httpx.post(f"{sandbox.url}/_sandbox/reset", json={"seed": "minimal"})
    assert r.status_code == 200
    assert sandbox.state.repo(REPO) is not None
    assert not sandbox.state.repo(REPO).issues


def test_bad_times_are_422_not_a_crash(api: httpx.Client, sandbox: Sandbox) -> None:
    n = sandbox.state.add_issue(REPO, title="t")
    for url in (f"{R}/issues", f"{R}/issues/comments", f"{R}/issues/{n}/comments", f"{R}/commits"):
        r = api.get(url, params={"since": "last tuesday"})
        assert r.status_code == 422, (url, r.text)


def test_remaining_writes(api: httpx.Client, sandbox: Sandbox) -> None:
    n = sandbox.state.add_issue(REPO, title="t", labels=["a", "b"])
    assert api.delete(f"{R}/issues/{n}/labels").status_code == 204
    assert sandbox.state.issue(REPO, n).labels == []
    made = api.post(f"{R}/milestones", json={"title": "Winter", "due_on": "2026-12-31"})
    assert made.status_code == 201
    assert made.json()["number"] == 1
    assert api.post(f"{R}/milestones", json={"title": "Winter"}).status_code == 422
    reaction = api.post(f"{R}/issues/{n}/reactions", json={"content": "rocket"}).json()
    assert api.delete(f"{R}/issues/{n}/reactions/{reaction['id']}").status_code == 204
    assert api.delete(f"{R}/issues/{n}/reactions/{reaction['id']}").status_code == 404
    p = sandbox.state.add_pull(REPO, title="P", author="ada")
    assert api.get(f"{R}/pulls/{p}/merge").status_code == 404
    edited = api.patch(f"{R}/pulls/{p}", json={"title": "Renamed", "state": "closed"})
    assert edited.json()["title"] == "Renamed"
    assert edited.json()["state"] == "closed"
    assert api.put(f"{R}/pulls/{p}/merge", json={}).status_code == 405


def test_app_installation_routes(sandbox: Sandbox) -> None:
    import jwt as pyjwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    token = pyjwt.encode({"iss": "1", "iat": 0, "exp": 2**31}, pem, algorithm="RS256")
    headers = {"Authorization": f"Bearer {token}"}
    one = httpx.get(f"{sandbox.url}/app/installations/1", headers=headers)
    assert one.status_code == 200
    assert one.json()["app_slug"] == "ghcommunity"
    org = httpx.get(f"{sandbox.url}/orgs/uk-x-gov-software-community/installation", headers=headers)
    assert org.json()["id"] == 1
    assert httpx.get(f"{sandbox.url}/app/installations/9", headers=headers).status_code == 404
