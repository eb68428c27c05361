"""Fidelity (a), the other half: every route the sandbox serves exists in GitHub's OpenAPI
description with that method, and its errors point at the right documentation."""

from __future__ import annotations

import pytest

import sandbox_openapi
from ghcommunity_sandbox.server import build_router

ROUTES = build_router().routes


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.template}")
def test_route_exists_in_githubs_description(route: object) -> None:
    # a path GitHub serves without describing it is checked as the route it answers as
    method, template = route.method, route.documented  # type: ignore[attr-defined]
    if template == "/graphql":
        pytest.skip("GraphQL is described by the GraphQL schema, not the REST description")
    op = sandbox_openapi.operation(method, template)
    assert op is not None, f"{method} {template} is not in GitHub's OpenAPI description"
    docs = op.get("externalDocs", {}).get("url", "")
    assert route.doc == docs, (  # type: ignore[attr-defined]
        f"{method} {template}: documentation_url {route.doc} != {docs}"  # type: ignore[attr-defined]
    )


def test_the_routes_ghcommunity_needs_are_served() -> None:
    served = {f"{r.method} {r.template}" for r in ROUTES}
    needed = {
        "GET /repos/{owner}/{repo}/issues",
        "POST /repos/{owner}/{repo}/issues",
        "GET /repos/{owner}/{repo}/issues/{issue_number}",
        "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        "GET /repos/{owner}/{repo}/issues/comments",
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
        "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
        "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
        "GET /repos/{owner}/{repo}/issues/{issue_number}/events",
        "GET /repos/{owner}/{repo}/issues/{issue_number}/timeline",
        "GET /repos/{owner}/{repo}/labels",
        "POST /repos/{owner}/{repo}/labels",
        "PATCH /repos/{owner}/{repo}/labels/{name}",
        "DELETE /repos/{owner}/{repo}/labels/{name}",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
        "PUT /repos/{owner}/{repo}/issues/{issue_number}/labels",
        "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/assignees",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions",
        "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
        "GET /search/issues",
        "GET /repos/{owner}/{repo}/contents/{path}",
        "PUT /repos/{owner}/{repo}/contents/{path}",
        "GET /repos/{owner}/{repo}/git/ref/{ref}",
        "POST /repos/{owner}/{repo}/git/refs",
        "PATCH /repos/{owner}/{repo}/git/refs/{ref}",
        "POST /repos/{owner}/{repo}/git/trees",
        "POST /repos/{owner}/{repo}/git/commits",
        "GET /repos/{owner}/{repo}/commits",
        "POST /repos/{owner}/{repo}/pulls",
        "GET /repos/{owner}/{repo}/pulls",
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
        "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
        "GET /orgs/{org}/members",
        "GET /orgs/{org}/teams/{team_slug}/members",
        "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
        "GET /users/{username}",
        "GET /user",
        "GET /repos/{owner}/{repo}",
        "GET /rate_limit",
        "GET /orgs/{org}",
        "GET /app",
        "POST /app/installations/{installation_id}/access_tokens",
        "GET /installation/repositories",
        "GET /repos/{owner}/{repo}/installation",
    }
    assert needed <= served, sorted(needed - served)


def test_every_read_route_answers_in_githubs_shape(sample_sandbox: object) -> None:
    """A GET on each read route of the sample; the autouse fixture validates every answer
    against GitHub's OpenAPI description."""
    import httpx

    sb = sample_sandbox
    st = sb.state  # type: ignore[attr-defined]
    repo = "uk-x-gov-software-community/community-space"
    r = f"/repos/{repo}"
    the_repo = st.repo(repo)
    st.add_milestone(repo, "Winter")
    issue = next(i for i in the_repo.issues.values() if i.comments and i.pull is None)
    pull = next(i for i in the_repo.issues.values() if i.pull is not None)
    comment = issue.comments[0]
    event = the_repo.events[0]
    head = the_repo.git.refs["refs/heads/main"]
    commit = the_repo.git.commits[head]
    blob = next(iter(the_repo.git.blobs))
    urls = [
        "/rate_limit",
        "/users/priya-shah",
        "/users/uk-x-gov-software-community",
        "/orgs/uk-x-gov-software-community",
        "/orgs/uk-x-gov-software-community/members",
        "/orgs/uk-x-gov-software-community/repos",
        "/orgs/uk-x-gov-software-community/teams",
        "/orgs/uk-x-gov-software-community/teams/facilitators",
        "/orgs/uk-x-gov-software-community/teams/facilitators/members",
        "/orgs/uk-x-gov-software-community/teams/facilitators/memberships/tom-okafor",
        r,
        f"{r}/collaborators",
        f"{r}/collaborators/tom-okafor",
        f"{r}/collaborators/tom-okafor/permission",
        f"{r}/assignees",
        f"{r}/assignees/tom-okafor",
        f"{r}/issues?state=all&per_page=100",
        f"{r}/issues/{issue.number}",
        f"{r}/issues/{issue.number}/comments",
        f"{r}/issues/comments?per_page=100",
        f"{r}/issues/comments/{comment.id}",
        f"{r}/issues/{issue.number}/events",
        f"{r}/issues/events?per_page=100",
        f"{r}/issues/events/{event.id}",
        f"{r}/issues/{issue.number}/timeline",
        f"{r}/issues/{issue.number}/labels",
        f"{r}/issues/{issue.number}/reactions",
        f"{r}/issues/comments/{comment.id}/reactions",
        f"{r}/labels?per_page=100",
        f"{r}/labels/ddat-feedback",
        f"{r}/milestones",
        f"{r}/milestones/1",
        f"{r}/contents/",
        f"{r}/contents/README.md",
        f"{r}/contents/lean-coffees",
        f"{r}/git/ref/heads/main",
        f"{r}/git/matching-refs/heads",
        f"{r}/git/commits/{head}",
        f"{r}/git/trees/{commit.tree}?recursive=1",
        f"{r}/git/blobs/{blob}",
        f"{r}/commits?per_page=100",
        f"{r}/commits/{head}",
        f"{r}/branches",
        f"{r}/branches/main",
        f"{r}/pulls?state=all",
        f"{r}/pulls/{pull.number}",
        f"{r}/pulls/{pull.number}/files",
        f"{r}/pulls/{pull.number}/reviews",
        f"/search/issues?q=repo:{repo}+is:issue+label:ddat-feedback&per_page=100",
    ]
    with httpx.Client(base_url=sb.url, headers={"Authorization": "token t"}) as client:  # type: ignore[attr-defined]
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 204), (url, response.text[:300])
