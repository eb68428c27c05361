"""Fidelity (c): clients written by others work unchanged against the sandbox.

githubkit's typed models (generated from GitHub's own schemas) parse the sandbox's responses,
and PyGithub lists 1,000 issues page by page, at the api.github.com form and the GHES form.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from githubkit import GitHub, TokenAuthStrategy

from ghcommunity_sandbox import Sandbox

ORG = "uk-x-gov-software-community"
NAME = "community-space"
REPO = f"{ORG}/{NAME}"


@pytest.fixture
def gh(sandbox: Sandbox) -> Iterator[GitHub[TokenAuthStrategy]]:
    with GitHub(
        TokenAuthStrategy("test-token"), base_url=sandbox.url + "/", http_cache=False
    ) as client:
        yield client


def arrange(sandbox: Sandbox) -> int:
    st = sandbox.state
    st.add_user("ada", name="Ada", company="HMRC")
    st.add_org(ORG, ["ada"])
    st.set_permission(REPO, "ada", "triage")
    st.add_label(REPO, "good first issue", "7057ff", "Good for newcomers")
    n = st.add_issue(
        REPO,
        title="Typed",
        body="b",
        author="ada",
        labels=["good first issue"],
        comments=["one"],
        reactions={"+1": ["bob"]},
        assignees=["ada"],
        milestone="Autumn",
    )
    st.add_issue(REPO, title="Closed", author="bob", state="closed")
    st.add_pull(
        REPO, title="A change", author="ada", reviews=[{"author": "bob", "state": "APPROVED"}]
    )
    st.put_file(REPO, "docs/a.md", "# A\n", message="Add a", author="ada")
    return n


def test_githubkit_typed_models_parse_the_responses(
    sandbox: Sandbox, gh: GitHub[TokenAuthStrategy]
) -> None:
    n = arrange(sandbox)
    rest = gh.rest
    repo = rest.repos.get(ORG, NAME).parsed_data
    assert repo.full_name == REPO
    assert repo.default_branch == "main"
    issues = rest.issues.list_for_repo(ORG, NAME, state="all", per_page=100).parsed_data
    assert {i.number for i in issues} == {1, 2, 3}
    issue = rest.issues.get(ORG, NAME, n).parsed_data
    assert issue.labels[0].name == "good first issue"  # type: ignore[union-attr]
    assert issue.milestone is not None
    assert issue.milestone.title == "Autumn"
    labels = rest.issues.list_labels_for_repo(ORG, NAME).parsed_data
    assert [lab.name for lab in labels] == ["good first issue"]
    comment = rest.issues.create_comment(ORG, NAME, n, body="typed comment").parsed_data
    assert comment.body == "typed comment"
    assert rest.issues.update_comment(ORG, NAME, comment.id, body="edited").parsed_data.body == (
        "edited"
    )
    comments = rest.issues.list_comments_for_repo(ORG, NAME, since="2000-01-01T00:00:00Z")
    assert len(comments.parsed_data) == 2
    assert rest.issues.list_events(ORG, NAME, n).parsed_data
    assert rest.issues.list_events_for_timeline(ORG, NAME, n).parsed_data
    assert rest.issues.list_events_for_repo(ORG, NAME).parsed_data
    added = rest.issues.add_labels(ORG, NAME, n, data={"labels": ["new label"]}).parsed_data
    assert {lab.name for lab in added} == {"good first issue", "new label"}
    created = rest.issues.create(ORG, NAME, title="From githubkit", labels=["x"]).parsed_data
    assert created.number == 4
    updated = rest.issues.update(
        ORG, NAME, created.number, state="closed", state_reason="completed"
    ).parsed_data
    assert updated.state == "closed"
    reaction = rest.reactions.create_for_issue(ORG, NAME, n, content="heart").parsed_data
    assert reaction.content == "heart"
    assert rest.reactions.list_for_issue(ORG, NAME, n).parsed_data
    found = rest.search.issues_and_pull_requests(q=f"repo:{REPO} is:issue is:open").parsed_data
    assert found.total_count == 1
    pulls = rest.pulls.list(ORG, NAME, state="all").parsed_data
    assert [p.title for p in pulls] == ["A change"]
    pull = rest.pulls.get(ORG, NAME, pulls[0].number).parsed_data
    assert pull.head.ref
    assert pull.mergeable_state
    assert rest.pulls.list_reviews(ORG, NAME, pull.number).parsed_data[0].state == "APPROVED"
    content = rest.repos.get_content(ORG, NAME, "docs/a.md").parsed_data
    assert base64.b64decode(content.content).decode() == "# A\n"  # type: ignore[union-attr]
    put = rest.repos.create_or_update_file_contents(
        ORG, NAME, "docs/b.md", message="Add b", content=base64.b64encode(b"b").decode()
    ).parsed_data
    assert put.content is not None
    assert put.content.path == "docs/b.md"
    ref = rest.git.get_ref(ORG, NAME, "heads/main").parsed_data
    commit = rest.git.get_commit(ORG, NAME, ref.object_.sha).parsed_data
    assert commit.message == "Add b"
    tree = rest.git.get_tree(ORG, NAME, commit.tree.sha, recursive="1").parsed_data
    assert any(e.path == "docs/b.md" for e in tree.tree)
    commits = rest.repos.list_commits(ORG, NAME, path="docs").parsed_data
    assert [c.commit.message for c in commits][:2] == ["Add b", "Add a"]
    perm = rest.repos.get_collaborator_permission_level(ORG, NAME, "ada").parsed_data
    assert perm.role_name == "triage"
    assert rest.orgs.list_members(ORG).parsed_data
    assert rest.orgs.get(ORG).parsed_data.login == ORG
    assert rest.users.get_by_username("ada").parsed_data.company == "HMRC"  # type: ignore[union-attr]
    assert rest.rate_limit.get().parsed_data.resources.core.limit == 5000


def test_githubkit_paginates_by_link_headers(
    sandbox: Sandbox, gh: GitHub[TokenAuthStrategy]
) -> None:
    with sandbox.state.quiet():
        for i in range(45):
            sandbox.state.add_issue(REPO, title=f"Issue {i}")
    numbers = [
        i.number
        for i in gh.rest.paginate(gh.rest.issues.list_for_repo, owner=ORG, repo=NAME, per_page=20)
    ]
    assert sorted(numbers) == list(range(1, 46))


@pytest.mark.parametrize("prefix", ["", "/api/v3"])
def test_pygithub_lists_1000_issues_page_by_page(sandbox: Sandbox, prefix: str) -> None:
    from github import Auth, Github

    with sandbox.state.quiet():
        for i in range(1000):
            sandbox.state.add_issue(
                REPO,
                title=f"Issue {i}",
                author=f"user-{i % 17}",
                labels=["bulk"] if i % 3 == 0 else [],
            )
    sandbox.reset_stats()
    g = Github(
        base_url=sandbox.url + prefix,
        auth=Auth.Token("x"),
        per_page=30,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    try:
        repo = g.get_repo(REPO)
        issues = list(repo.get_issues(state="all"))
        assert len(issues) == 1000
        assert sorted(i.number for i in issues) == list(range(1, 1001))
        assert issues[0].user.login.startswith("user-")
        labelled = repo.get_issues(state="all", labels=[repo.get_label("bulk")])
        assert labelled.totalCount == 334
    finally:
        g.close()
    stats = sandbox.stats()
    assert stats["by_route"]["GET /repos/{owner}/{repo}/issues"] >= 34  # 1000 / 30 pages


def test_pygithub_writes(sandbox: Sandbox) -> None:
    from github import Auth, Github

    g = Github(
        base_url=sandbox.url,
        auth=Auth.Token("x"),
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    try:
        repo = g.get_repo(REPO)
        issue = repo.create_issue(title="From PyGithub", body="hi", labels=["pygithub"])
        issue.create_comment("a comment")
        issue.add_to_labels("second")
        issue.edit(state="closed")
        again = repo.get_issue(issue.number)
        assert again.state == "closed"
        assert [lab.name for lab in again.labels] == ["pygithub", "second"]
        assert [c.body for c in again.get_comments()] == ["a comment"]
        repo.create_file("notes/x.md", "Add x", "content")
        assert repo.get_contents("notes/x.md").decoded_content == b"content"  # type: ignore[union-attr]
    finally:
        g.close()
