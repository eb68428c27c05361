"""PyGithub against the sandbox: what it asks, answered as GitHub would (issue 17)."""

from __future__ import annotations

from collections.abc import Iterator

import github
import pytest
from helpers_conformance import ORG, REPO, TEAM, TOKEN, arrange

from ghcommunity_sandbox import Sandbox


@pytest.fixture
def gh(sandbox: Sandbox) -> Iterator[github.Github]:
    arrange(sandbox)
    client = github.Github(
        auth=github.Auth.Token(TOKEN),
        base_url=sandbox.url,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    yield client
    client.close()


def test_pygithub_team_has_in_members_follows_githubs_team_url(
    sandbox: Sandbox, gh: github.Github
) -> None:
    org = gh.get_organization(ORG)
    team = org.get_team_by_slug(TEAM)
    assert team.url == f"{sandbox.url}/organizations/{org.id}/team/{team.id}"
    assert team.has_in_members(gh.get_user("ada")) is True
    assert team.has_in_members(gh.get_user("bob")) is False
    assert [u.login for u in team.get_members()] == ["ada"]
    assert team.get_team_membership("ada").role == "member"


def test_pygithub_get_organization_membership(sandbox: Sandbox, gh: github.Github) -> None:
    membership = gh.get_user("ada").get_organization_membership(ORG)
    assert (membership.state, membership.role) == ("active", "member")
    assert membership.user.login == "ada"
    assert membership.organization.login == ORG
    with pytest.raises(github.UnknownObjectException):
        gh.get_user("ghost").get_organization_membership(ORG)


def test_pygithub_pull_request_commits_files_and_compare(
    sandbox: Sandbox, gh: github.Github
) -> None:
    st = sandbox.state
    st.create_branch(REPO, "feature")
    one = st.put_file(REPO, "docs/a.md", "# A\n", branch="feature", message="Add a", author="ada")
    repo = gh.get_repo(REPO)
    pr = repo.create_pull(base="main", head="feature", title="A change", body="")
    assert pr.mergeable is None  # GitHub computes it after answering
    two = st.put_file(REPO, "docs/b.md", "b\n", branch="feature", message="Add b", author="ada")
    pr = repo.get_pull(pr.number)
    assert pr.head.sha == two
    assert (pr.commits, pr.changed_files) == (2, 2)
    assert [c.sha for c in pr.get_commits()] == [one, two]
    assert [(f.filename, f.patch) for f in pr.get_files()] == [
        ("docs/a.md", "@@ -0,0 +1 @@\n+# A"),
        ("docs/b.md", "@@ -0,0 +1 @@\n+b"),
    ]
    assert repo.get_pull(pr.number).mergeable is True
    comparison = repo.compare("main", "feature")
    assert (comparison.status, comparison.ahead_by, comparison.behind_by) == ("ahead", 2, 0)
    assert [c.sha for c in comparison.commits] == [one, two]
    assert [f.filename for f in comparison.files] == ["docs/a.md", "docs/b.md"]
    assert repo.compare("feature", "main").status == "behind"
    assert repo.get_commit(two).files[0].patch == "@@ -0,0 +1 @@\n+b"


def test_pygithub_search_keeps_a_null_body_and_labels_refuse_a_hash(
    sandbox: Sandbox, gh: github.Github
) -> None:
    sandbox.state.add_issue(REPO, title="Bare", author="ada")
    found = list(gh.search_issues(f"repo:{REPO} Bare"))
    assert [(i.title, i.body) for i in found] == [("Bare", None)]
    repo = gh.get_repo(REPO)
    with pytest.raises(github.GithubException) as refused:
        repo.create_label("hash", "#ff0000")
    assert refused.value.status == 422
    assert refused.value.data["errors"] == [  # type: ignore[index]
        {"resource": "Label", "code": "invalid", "field": "color"}
    ]
    assert repo.create_label("plain", "ff0000").color == "ff0000"
