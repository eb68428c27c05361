"""GraphQL against GitHub's real schema: validation as GitHub, generic resolvers, pagination."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import parse, validate

import ghcommunity
from ghcommunity.github import queries
from ghcommunity_sandbox import Sandbox
from ghcommunity_sandbox.graphql_api import schema

ORG = "uk-x-gov-software-community"
REPO = f"{ORG}/community-space"
OWNER = {"owner": ORG, "name": "community-space"}


@pytest.fixture
def gql(sandbox: Sandbox) -> Iterator[Any]:
    with httpx.Client(
        base_url=sandbox.url, headers={"Authorization": "bearer t"}, timeout=30
    ) as client:

        def run(
            query: str,
            variables: dict[str, Any] | None = None,
            *,
            url: str = "/graphql",
            ok: bool = True,
        ) -> dict[str, Any]:
            r = client.post(url, json={"query": query, "variables": variables or {}})
            assert r.status_code == 200, r.text
            body: dict[str, Any] = r.json()
            if ok:
                assert "errors" not in body, body["errors"]
            return body

        yield run


def arrange(sandbox: Sandbox) -> dict[str, Any]:
    st = sandbox.state
    st.add_user("ada", name="Ada Lovelace", company="HMRC")
    n = st.add_issue(
        REPO,
        title="First",
        body="Hello",
        author="ada",
        labels=["x", "y"],
        created_at="2026-10-01T09:00:00Z",
        comments=[
            {"body": "c1", "author": "bob", "created_at": "2026-10-02"},
            {
                "body": "<!-- ghcommunity:welcome -->\nhi",
                "author": "ghcommunity[bot]",
                "created_at": "2026-10-03",
            },
        ],
    )
    st.add_issue(
        REPO,
        title="Second",
        author="bob",
        created_at="2026-10-04T09:00:00Z",
        state="closed",
        closed_at="2026-10-05T09:00:00Z",
    )
    cat = st.add_discussion_category(REPO, "Announcements")
    d = st.add_discussion(
        REPO,
        title="News",
        body="b",
        category="Announcements",
        author="ada",
        created_at="2026-10-06",
        comments=[{"body": "q", "author": "bob", "replies": [{"body": "a", "author": "ada"}]}],
    )
    project = st.add_project(ORG, 1, "Community backlog")
    return {"issue": n, "category": cat, "discussion": d, "project": project}


# -- the documents ghcommunity sends -----------------------------------------------------------


def _documents() -> list[tuple[str, str]]:
    """Every GraphQL document (a module-level string starting with query/mutation/fragment)
    in ghcommunity's modules."""
    found: list[tuple[str, str]] = []
    for info in pkgutil.walk_packages(ghcommunity.__path__, "ghcommunity."):
        if ".sandbox" in info.name or info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:  # a module another team is still writing
            continue
        for attr, value in vars(module).items():
            if attr.isupper() and isinstance(value, str):
                head = value.lstrip()
                if head.startswith(("query ", "query{", "mutation ", "{")) and "}" in value:
                    found.append((f"{info.name}.{attr}", value))
    return found


@pytest.mark.parametrize(("name", "document"), _documents(), ids=lambda v: v if "." in v else "")
def test_every_graphql_document_in_ghcommunity_validates(name: str, document: str) -> None:
    errors = validate(schema(), parse(document))
    assert not errors, f"{name}: {[e.message for e in errors]}"


def _value_for(name: str, type_node: Any) -> Any:
    """A plausible value for a query variable, from its name and its type in GitHub's schema."""
    from graphql import GraphQLEnumType, GraphQLList, GraphQLNonNull, type_from_ast

    gql_type = type_from_ast(schema(), type_node)
    if gql_type is None:
        return None
    required = isinstance(gql_type, GraphQLNonNull)
    inner = gql_type.of_type if isinstance(gql_type, GraphQLNonNull) else gql_type
    as_list = isinstance(inner, GraphQLList)
    named = inner
    while isinstance(named, GraphQLList | GraphQLNonNull):
        named = named.of_type
    lower = name.lower()
    value: Any
    if isinstance(named, GraphQLEnumType):
        value = next(iter(named.values))
    elif named.name == "Int":
        value = 1 if "number" in lower else 10
    elif named.name == "DateTime" or "since" in lower:
        value = "2026-07-01T00:00:00Z"
    elif named.name == "Boolean":
        value = True
    elif lower in ("owner", "org", "login", "projectowner", "organization", "user"):
        value = ORG
    elif lower in ("name", "repo"):
        value = "community-space"
    elif lower in ("query", "q", "search"):
        value = f"repo:{REPO}"
    elif "label" in lower:
        value = "ddat-feedback"
    elif required:
        value = "x"
    else:
        return None
    return [value] if as_list else value


def _queries() -> list[tuple[str, str]]:
    from graphql import OperationDefinitionNode, OperationType

    out = []
    for name, document in _documents():
        ops = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
        if ops and ops[0].operation == OperationType.QUERY:
            out.append((name, document))
    return out


@pytest.mark.parametrize(("name", "document"), _queries(), ids=lambda v: v if "." in v else "")
def test_every_graphql_query_in_ghcommunity_executes_on_the_sample(
    sample_sandbox: Sandbox, name: str, document: str
) -> None:
    """Other jobs' queries run against the generic resolvers without errors (NOT_FOUND for
    made-up numbers and ids is fine)."""
    from graphql import OperationDefinitionNode

    op = next(d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode))
    variables = {
        v.variable.name.value: _value_for(v.variable.name.value, v.type)
        for v in op.variable_definitions or ()
    }
    r = httpx.post(
        f"{sample_sandbox.url}/graphql",
        json={"query": document, "variables": variables},
        headers={"Authorization": "token t"},
        timeout=30,
    )
    errors = [e for e in r.json().get("errors", []) if e.get("type") != "NOT_FOUND"]
    assert not errors, f"{name}: {errors}"


def test_queries_module_documents_execute(sandbox: Sandbox, gql: Any) -> None:
    ids = arrange(sandbox)
    got = gql(queries.ISSUE_STATE, {**OWNER, "number": ids["issue"]})
    issue = got["data"]["repository"]["issue"]
    assert issue["title"] == "First"
    assert issue["state"] == "OPEN"
    assert [lab["name"] for lab in issue["labels"]["nodes"]] == ["x", "y"]
    assert issue["comments"]["pageInfo"]["hasPreviousPage"] is False
    assert next(c["body"] for c in issue["comments"]["nodes"]) == "c1"
    assert issue["author"]["login"] == "ada"

    labels = gql(queries.REPO_LABELS, {**OWNER, "cursor": None})
    assert {lab["name"] for lab in labels["data"]["repository"]["labels"]["nodes"]} == {"x", "y"}

    target = gql(queries.DISCUSSION_TARGET, OWNER)["data"]["repository"]
    assert [c["name"] for c in target["discussionCategories"]["nodes"]] == ["Announcements"]
    category = target["discussionCategories"]["nodes"][0]["id"]
    created = gql(
        queries.CREATE_DISCUSSION,
        {"repo": target["id"], "category": category, "title": "Digest", "body": "October"},
    )
    discussion = created["data"]["createDiscussion"]["discussion"]
    assert discussion["url"].startswith(sandbox.url)
    updated = gql(
        queries.UPDATE_DISCUSSION, {"id": discussion["id"], "title": "Digest 2", "body": "Nov"}
    )
    assert updated["data"]["updateDiscussion"]["discussion"]["number"] == discussion["number"]
    assert sandbox.state.discussion(REPO, discussion["number"]).title == "Digest 2"

    both = gql(
        queries.PROJECT_AND_ITEM,
        {**OWNER, "number": ids["issue"], "projectOwner": ORG, "projectNumber": 1},
    )["data"]
    project_id = both["repositoryOwner"]["projectV2"]["id"]
    issue_id = both["repository"]["issue"]["id"]
    assert both["repository"]["issue"]["projectItems"]["nodes"] == []
    first = gql(queries.ADD_PROJECT_ITEM, {"project": project_id, "content": issue_id})
    again = gql(queries.ADD_PROJECT_ITEM, {"project": project_id, "content": issue_id})
    assert (
        first["data"]["addProjectV2ItemById"]["item"]["id"]
        == again["data"]["addProjectV2ItemById"]["item"]["id"]
    )  # idempotent, as GitHub
    assert len(ids["project"].items) == 1
    stats = sandbox.stats()
    assert stats["graphql"]["mutations"] == 4


def test_issue_snapshot_query_executes(sandbox: Sandbox, gql: Any) -> None:
    snapshot = pytest.importorskip("ghcommunity.github.snapshot")
    ids = arrange(sandbox)
    got = gql(snapshot.ISSUE_SNAPSHOT, {**OWNER, "number": ids["issue"]})
    node = got["data"]["repository"]["issueOrPullRequest"]
    assert node["__typename"] == "Issue"
    assert node["number"] == ids["issue"]
    open_issues = got["data"]["repository"]["openIssues"]["nodes"]
    assert [i["number"] for i in open_issues] == [ids["issue"]]


# -- GitHub's errors ---------------------------------------------------------------------------


def test_unknown_field_is_rejected_as_github_does(gql: Any) -> None:
    body = gql('query { repository(owner: "a", name: "b") { nope } }', ok=False)
    assert "data" not in body
    (error,) = body["errors"]
    assert error["message"] == "Field 'nope' doesn't exist on type 'Repository'"
    assert error["extensions"]["code"] == "undefinedField"
    assert error["path"] == ["query", "repository", "nope"]
    assert error["locations"] == [{"line": 1, "column": 45}]


def test_bad_arguments_and_missing_variables(gql: Any) -> None:
    body = gql('{ repository(owner: "a", name: "b", color: 1) { id } }', ok=False)
    assert body["errors"][0]["message"] == "Field 'repository' doesn't accept argument 'color'"
    body = gql("query Q($n: Int!) { viewer { login } }", ok=False)
    assert "declared by Q but not used" in body["errors"][0]["message"]
    body = gql(
        'query Q($n: Int!) { repository(owner: "a", name: "b") { issue(number: $n) { id } } }',
        ok=False,
    )
    assert body["errors"][0]["message"] == "Variable $n of type Int! was provided invalid value"
    body = gql("{ viewer { login ", ok=False)
    assert body["errors"][0]["message"].startswith("Parse error on")


def test_not_found_is_null_with_typed_error(gql: Any) -> None:
    body = gql('{ repository(owner: "nobody", name: "nothing") { id } }', ok=False)
    assert body["data"] == {"repository": None}
    assert body["errors"][0]["type"] == "NOT_FOUND"
    assert body["errors"][0]["path"] == ["repository"]
    body = gql(
        f'{{ repository(owner: "{ORG}", name: "community-space") {{ issue(number: 999) '
        "{ id } } }",
        ok=False,
    )
    assert body["errors"][0]["message"] == "Could not resolve to an Issue with the number of 999."


def test_pagination_limits_as_github(gql: Any) -> None:
    query = f'{{ repository(owner: "{ORG}", name: "community-space") {{ issues{{args}} {{ nodes {{ id }} }} }} }}'
    body = gql(query.replace("{args}", "(first: 101)"), ok=False)
    assert body["errors"][0]["type"] == "EXCESSIVE_PAGINATION"
    assert body["errors"][0]["message"] == (
        "Requesting 101 records on the `issues` connection exceeds the `first` limit of 100 records."
    )
    body = gql(query.replace("{args}", ""), ok=False)
    assert body["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    total = gql(
        f'{{ repository(owner: "{ORG}", name: "community-space") {{ issues {{ totalCount }} }} }}'
    )
    assert total["data"]["repository"]["issues"]["totalCount"] == 0


def test_connection_paging_forward_and_back(sandbox: Sandbox, gql: Any) -> None:
    with sandbox.state.quiet():
        for i in range(25):
            sandbox.state.add_issue(REPO, title=f"Issue {i}")
    query = """query($owner: String!, $name: String!, $after: String, $before: String,
                     $first: Int, $last: Int) {
      repository(owner: $owner, name: $name) {
        issues(first: $first, last: $last, after: $after, before: $before,
               orderBy: {field: CREATED_AT, direction: ASC}) {
          totalCount
          nodes { number }
          edges { cursor node { number } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
      }
    }"""
    seen: list[int] = []
    after = None
    while True:
        page = gql(query, {**OWNER, "first": 10, "after": after})["data"]["repository"]["issues"]
        assert page["totalCount"] == 25
        seen += [n["number"] for n in page["nodes"]]
        assert [e["node"]["number"] for e in page["edges"]] == [n["number"] for n in page["nodes"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(range(1, 26))
    last = gql(query, {**OWNER, "last": 5})["data"]["repository"]["issues"]
    assert [n["number"] for n in last["nodes"]] == [21, 22, 23, 24, 25]
    assert last["pageInfo"]["hasPreviousPage"] is True
    before = gql(query, {**OWNER, "last": 3, "before": last["pageInfo"]["startCursor"]})
    assert [n["number"] for n in before["data"]["repository"]["issues"]["nodes"]] == [18, 19, 20]


# -- fields and resolvers ----------------------------------------------------------------------


def test_issue_fields_authors_reactions_and_timeline(sandbox: Sandbox, gql: Any) -> None:
    ids = arrange(sandbox)
    st = sandbox.state
    issue = st.issue(REPO, ids["issue"])
    st.react(issue, st.get_user("bob"), "+1")
    st.remove_issue_label(issue, st.get_user("bob"), "y", when="2026-10-07")
    body = gql(
        """query($owner: String!, $name: String!, $number: Int!) {
      repository(owner: $owner, name: $name) {
        nameWithOwner url defaultBranchRef { name }
        issue(number: $number) {
          id number title state stateReason url createdAt closedAt
          author { login ... on User { company name } }
          authorAssociation
          reactions(first: 10, content: THUMBS_UP) { totalCount nodes { content user { login } } }
          reactionGroups { content users { totalCount } }
          timelineItems(first: 20, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {
            nodes { __typename ... on LabeledEvent { createdAt actor { login } label { name } }
                    ... on UnlabeledEvent { createdAt label { name } } }
          }
          participants(first: 10) { nodes { login } }
          comments(first: 10) { nodes { author { __typename login } } }
        }
      }
    }""",
        {**OWNER, "number": ids["issue"]},
    )
    repo = body["data"]["repository"]
    assert repo["nameWithOwner"] == REPO
    assert repo["defaultBranchRef"]["name"] == "main"
    node = repo["issue"]
    assert node["author"] == {"login": "ada", "company": "HMRC", "name": "Ada Lovelace"}
    assert node["reactions"]["totalCount"] == 1
    assert node["reactions"]["nodes"][0]["content"] == "THUMBS_UP"
    thumbs = next(g for g in node["reactionGroups"] if g["content"] == "THUMBS_UP")
    assert thumbs["users"]["totalCount"] == 1
    timeline = node["timelineItems"]["nodes"]
    assert [(t["__typename"], t["label"]["name"]) for t in timeline] == [
        ("LabeledEvent", "x"),
        ("LabeledEvent", "y"),
        ("UnlabeledEvent", "y"),
    ]
    assert {p["login"] for p in node["participants"]["nodes"]} == {"ada", "bob", "ghcommunity[bot]"}
    # an App's bot is a Bot without the [bot] suffix in GraphQL, as on GitHub
    assert node["comments"]["nodes"][1]["author"] == {"__typename": "Bot", "login": "ghcommunity"}


def test_discussions_with_replies_and_answers(sandbox: Sandbox, gql: Any) -> None:
    ids = arrange(sandbox)
    st = sandbox.state
    d = st.discussion(REPO, ids["discussion"])
    st.mark_answer(d.comments[0], st.get_user("ada"))
    body = gql(
        """query($owner: String!, $name: String!) {
      repository(owner: $owner, name: $name) {
        discussions(first: 10, orderBy: {field: CREATED_AT, direction: DESC}) {
          nodes { number title category { name } author { login } answerChosenAt upvoteCount
                  answer { body }
                  comments(first: 10) { totalCount nodes { body isAnswer
                    replies(first: 10) { nodes { body author { login } } } } } }
        }
      }
    }""",
        OWNER,
    )
    (node,) = body["data"]["repository"]["discussions"]["nodes"]
    assert node["category"]["name"] == "Announcements"
    assert node["answer"]["body"] == "q"
    assert node["comments"]["nodes"][0]["isAnswer"] is True
    assert node["comments"]["nodes"][0]["replies"]["nodes"] == [
        {"body": "a", "author": {"login": "ada"}}
    ]


def test_object_expression_reads_trees_and_blobs(sandbox: Sandbox, gql: Any) -> None:
    sandbox.state.put_file(REPO, "lean-coffees/2026-10-22.md", "# Notes\n- [ ] act\n")
    body = gql(
        """query($owner: String!, $name: String!) {
      repository(owner: $owner, name: $name) {
        dir: object(expression: "main:lean-coffees/") {
          ... on Tree { entries { name path type oid object { ... on Blob { text } } } }
        }
        file: object(expression: "main:lean-coffees/2026-10-22.md") { ... on Blob { text oid } }
        missing: object(expression: "main:nope") { id }
      }
    }""",
        OWNER,
    )
    repo = body["data"]["repository"]
    (entry,) = repo["dir"]["entries"]
    assert entry["path"] == "lean-coffees/2026-10-22.md"
    assert entry["type"] == "blob"
    assert entry["object"]["text"] == "# Notes\n- [ ] act\n"
    assert repo["file"]["oid"] == entry["oid"]
    assert repo["missing"] is None


def test_search_node_lookup_and_rate_limit(sandbox: Sandbox, gql: Any) -> None:
    ids = arrange(sandbox)
    body = gql(f"""{{
      search(query: "repo:{REPO} is:issue is:open", type: ISSUE, first: 10) {{
        issueCount nodes {{ ... on Issue {{ number id }} }}
      }}
      discussions: search(query: "repo:{REPO}", type: DISCUSSION, first: 10) {{
        discussionCount nodes {{ ... on Discussion {{ number }} }}
      }}
      rateLimit {{ limit cost remaining resetAt used }}
      viewer {{ login }}
      organization(login: "{ORG}") {{ membersWithRole {{ totalCount }} projectV2(number: 1) {{ title }} }}
    }}""")["data"]
    assert body["search"]["issueCount"] == 1
    assert body["discussions"]["discussionCount"] == 1
    assert body["rateLimit"]["limit"] == 5000
    assert body["rateLimit"]["cost"] == 1
    assert body["organization"]["projectV2"]["title"] == "Community backlog"
    node_id = body["search"]["nodes"][0]["id"]
    node = gql(
        "query($id: ID!) { node(id: $id) { __typename ... on Issue { number } } }", {"id": node_id}
    )["data"]["node"]
    assert node == {"__typename": "Issue", "number": ids["issue"]}
    rest = httpx.get(
        f"{sandbox.url}/repos/{REPO}/issues/{ids['issue']}", headers={"Authorization": "token t"}
    ).json()
    assert rest["node_id"] == node_id  # REST node ids work in GraphQL


def test_mutations_add_comment_and_labels(sandbox: Sandbox, gql: Any) -> None:
    ids = arrange(sandbox)
    issue = sandbox.state.issue(REPO, ids["issue"])
    sandbox.state.add_label(REPO, "accepted")
    label_id = sandbox.state.repo(REPO).label("accepted").node_id
    sandbox.reset_stats()
    gql(
        'mutation($s: ID!) { addComment(input: {subjectId: $s, body: "hi"}) '
        "{ commentEdge { node { id body } } } }",
        {"s": issue.node_id},
    )
    gql(
        "mutation($s: ID!, $l: [ID!]!) { addLabelsToLabelable(input: {labelableId: $s, "
        "labelIds: $l}) { labelable { ... on Issue { labels(first: 10) { nodes { name } } } } } }",
        {"s": issue.node_id, "l": [label_id]},
    )
    assert [lab.name for lab in issue.labels] == ["x", "y", "accepted"]
    assert issue.comments[-1].body == "hi"
    assert sandbox.stats()["writes"] == 2


def test_graphql_counts_as_reads_and_charges_points(sandbox: Sandbox, gql: Any) -> None:
    sandbox.reset_stats()
    gql("{ viewer { login } }")
    stats = sandbox.stats()
    assert stats["writes"] == 0
    assert stats["graphql"]["queries"] == 1
    r = httpx.post(
        f"{sandbox.url}/graphql",
        json={"query": "{ viewer { login } }"},
        headers={"Authorization": "token t"},
    )
    assert r.headers["x-ratelimit-resource"] == "graphql"


def test_body_edits_record_editor_and_time(sandbox: Sandbox, gql: Any) -> None:
    st = sandbox.state
    st.now = "2026-10-01T09:00:00Z"
    n = st.add_issue(REPO, title="t", body="old", author="ada")
    query = (
        "query($owner: String!, $name: String!, $n: Int!) { repository(owner: $owner, "
        "name: $name) { issue(number: $n) { lastEditedAt editor { login } } } }"
    )
    before = gql(query, {**OWNER, "n": n})["data"]["repository"]["issue"]
    assert before == {"lastEditedAt": None, "editor": None}
    st.now = "2026-10-05T10:00:00Z"
    st.edit_issue(st.issue(REPO, n), st.get_user("ada"), title="only the title")
    assert gql(query, {**OWNER, "n": n})["data"]["repository"]["issue"]["editor"] is None
    st.edit_issue(st.issue(REPO, n), st.get_user("ada"), body="new")
    after = gql(query, {**OWNER, "n": n})["data"]["repository"]["issue"]
    assert after == {"lastEditedAt": "2026-10-05T10:00:00Z", "editor": {"login": "ada"}}


def test_label_issues_and_pull_requests(sandbox: Sandbox, gql: Any) -> None:
    st = sandbox.state
    st.add_issue(REPO, title="a", labels=["group: retired"])
    st.add_issue(REPO, title="b", labels=["group: retired"], state="closed")
    st.add_issue(REPO, title="c", labels=["other"])
    st.add_pull(REPO, title="p", labels=["group: retired"])
    body = gql(
        "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {"
        ' label(name: "group: retired") { issues(first: 10) { totalCount nodes { title } }'
        " pullRequests(first: 10) { totalCount } open: issues(states: OPEN) { totalCount } } } }",
        OWNER,
    )
    label = body["data"]["repository"]["label"]
    assert label["issues"]["totalCount"] == 2
    assert {n["title"] for n in label["issues"]["nodes"]} == {"a", "b"}
    assert label["pullRequests"]["totalCount"] == 1
    assert label["open"]["totalCount"] == 1
