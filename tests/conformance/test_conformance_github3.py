"""github3.py against the sandbox (the client of a widely used reporting Action). github3.py
asks for `application/vnd.github.v3.full+json` on every request and reads `body`,
`body_html` and `body_text` unconditionally: without them it raises KeyError."""

from __future__ import annotations

from collections.abc import Iterator

import github3
import pytest
from helpers_conformance import ADA_TOKEN, NAME, ORG, REPO, TEAM, TOKEN, arrange

from ghcommunity_sandbox import Sandbox


@pytest.fixture
def gh(sandbox: Sandbox) -> Iterator[github3.GitHubEnterprise]:
    arrange(sandbox)
    client = github3.GitHubEnterprise(sandbox.url, token=TOKEN)
    yield client
    client.session.close()


def _pull(sandbox: Sandbox) -> tuple[int, list[str]]:
    st = sandbox.state
    st.create_branch(REPO, "feature")
    one = st.put_file(REPO, "docs/a.md", "# A\n", branch="feature", message="Add a", author="ada")
    number = st.add_pull(REPO, "A change", head="feature", author="ada", body="Adds **a**.")
    two = st.put_file(REPO, "docs/b.md", "b\n", branch="feature", message="Add b", author="ada")
    return number, [one, two]


def test_github3_searches_issues_without_a_key_error(
    sandbox: Sandbox, gh: github3.GitHubEnterprise
) -> None:
    sandbox.state.add_issue(REPO, title="No body here", author="ada")
    sandbox.state.add_issue(REPO, title="Some body", body="Text with `code`.", author="ada")
    found = list(gh.search_issues(f"repo:{REPO} is:issue"))
    assert sorted(r.issue.title for r in found) == ["No body here", "Some body"]
    bare = next(r.issue for r in found if r.issue.title == "No body here")
    assert bare.body is None
    rich = next(r.issue for r in found if r.issue.title == "Some body")
    assert rich.body_text == "Text with code."
    assert rich.body_html == "<p>Text with <code>code</code>.</p>"


def test_github3_lists_issues_comments_and_pull_requests_with_full_json(
    sandbox: Sandbox, gh: github3.GitHubEnterprise
) -> None:
    n = sandbox.state.add_issue(
        REPO, title="Listed", body="# Heading\n\nA *point*.", author="ada", comments=["Thanks!"]
    )
    number, _ = _pull(sandbox)
    repo = gh.repository(ORG, NAME)
    issues = {i.number: i for i in repo.issues(state="all")}
    assert issues[n].body_html.startswith("<h1>Heading</h1>")
    assert issues[n].body_text == "Heading\n\nA point."
    comments = list(gh.issue(ORG, NAME, n).comments())
    assert [c.body for c in comments] == ["Thanks!"]
    assert comments[0].body_html == "<p>Thanks!</p>"
    assert comments[0].body_text == "Thanks!"
    pulls = list(repo.pull_requests(state="all"))
    assert [p.number for p in pulls] == [number]
    pull = repo.pull_request(number)
    assert pull.body_text == "Adds a."


def test_github3_reads_a_pull_requests_commits_files_diff_and_patch(
    sandbox: Sandbox, gh: github3.GitHubEnterprise
) -> None:
    number, shas = _pull(sandbox)
    pull = gh.pull_request(ORG, NAME, number)
    assert pull.commits_count == 2
    assert [c.sha for c in pull.commits()] == shas
    files = {f.filename: f.patch for f in pull.files()}
    assert files == {"docs/a.md": "@@ -0,0 +1 @@\n+# A", "docs/b.md": "@@ -0,0 +1 @@\n+b"}
    diff = pull.diff().decode()
    assert diff.startswith("diff --git a/docs/a.md b/docs/a.md\nnew file mode 100644\n")
    assert pull.patch().decode().startswith(f"From {shas[0]} Mon Sep 17 00:00:00 2001\n")
    repo = gh.repository(ORG, NAME)
    comparison = repo.compare_commits("main", "feature")
    assert comparison.status == "ahead"
    assert comparison.ahead_by == 2
    assert [c.sha for c in comparison.commits()] == shas
    assert comparison.diff().decode() == diff
    commit = repo.commit(shas[1])
    assert [(f["filename"], f["patch"]) for f in commit.files] == [
        ("docs/b.md", "@@ -0,0 +1 @@\n+b")
    ]


def test_github3_reads_org_and_team_memberships(
    sandbox: Sandbox, gh: github3.GitHubEnterprise
) -> None:
    org = gh.organization(ORG)
    membership = org.membership_for("ada")
    assert (membership.role, membership.state) == ("member", "active")
    team = next(t for t in org.teams() if t.slug == TEAM)
    # github3.py follows the team's own URL, /organizations/{org_id}/team/{team_id}
    assert team._api == f"{sandbox.ghes_url}/organizations/{org.id}/team/{team.id}"
    assert [u.login for u in team.members()] == ["ada"]
    assert org.is_member("bob")
    assert team.membership_for("ada")["state"] == "active"
    ada = github3.GitHubEnterprise(sandbox.url, token=ADA_TOKEN)
    try:
        assert ada.me().login == "ada"
    finally:
        ada.session.close()
