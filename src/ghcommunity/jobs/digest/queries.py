"""GraphQL documents `sync` sends, checked in the tests against GitHub's published schema.

One page of 100 issues, pull requests or discussions carries its nested connections (comments,
reviews, label events, discussion replies) in the same request, so a month of activity costs
about one request per 100 items. Only a nested connection that has more pages is followed up,
and several such follow-ups share one request (`more_query`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PAGE = 100
# GitHub charges a query about one point per 100 connections it may have to fill. Every comment
# slot of a discussion brings its own `replies` connection, so a page of 100 discussions with 50
# comment slots would cost 52 points; with 10 slots, 12 (an issue page costs 3). Most
# discussions have fewer than ten comments; the rest are followed up, 50 comments at a time.
DISCUSSION_COMMENTS = 10
MORE_DISCUSSION_COMMENTS = 50
REPLIES = 10
MORE_BATCH = 25  # nested connections followed up per request

FRAGMENTS = {
    "Who": """
fragment Who on Actor { __typename login ... on User { company } }""",
    "CommentFields": """
fragment CommentFields on IssueComment {
  id createdAt author { ...Who } reactions { totalCount }
}""",
    "ReviewFields": """
fragment ReviewFields on PullRequestReview {
  id createdAt submittedAt state author { ...Who } reactions { totalCount }
}""",
    "LabelEventFields": """
fragment LabelEventFields on Node {
  __typename
  ... on LabeledEvent { id createdAt actor { ...Who } label { name } }
  ... on UnlabeledEvent { id createdAt actor { ...Who } label { name } }
}""",
    "ReplyFields": """
fragment ReplyFields on DiscussionComment {
  id createdAt author { ...Who } reactions { totalCount }
}""",
    "DiscussionCommentFields": f"""
fragment DiscussionCommentFields on DiscussionComment {{
  id createdAt isAnswer author {{ ...Who }} reactions {{ totalCount }}
  replies(first: {REPLIES}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ ...ReplyFields }} }}
}}""",
    "IssueFields": f"""
fragment IssueFields on Issue {{
  id number title url body createdAt updatedAt closedAt
  author {{ ...Who }}
  reactions {{ totalCount }}
  labels(first: 50) {{ nodes {{ name }} }}
  comments(first: {PAGE}) {{
    pageInfo {{ hasNextPage endCursor }} nodes {{ ...CommentFields }}
  }}
  timelineItems(first: {PAGE}, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {{
    pageInfo {{ hasNextPage endCursor }} nodes {{ ...LabelEventFields }}
  }}
}}""",
    "PullFields": f"""
fragment PullFields on PullRequest {{
  id number title url body createdAt updatedAt closedAt mergedAt
  author {{ ...Who }}
  reactions {{ totalCount }}
  labels(first: 50) {{ nodes {{ name }} }}
  comments(first: {PAGE}) {{
    pageInfo {{ hasNextPage endCursor }} nodes {{ ...CommentFields }}
  }}
  reviews(first: {PAGE}) {{
    pageInfo {{ hasNextPage endCursor }} nodes {{ ...ReviewFields }}
  }}
  timelineItems(first: {PAGE}, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {{
    pageInfo {{ hasNextPage endCursor }} nodes {{ ...LabelEventFields }}
  }}
}}""",
    "DiscussionFields": f"""
fragment DiscussionFields on Discussion {{
  id number title url body createdAt updatedAt closedAt answerChosenAt
  author {{ ...Who }}
  category {{ name }}
  reactions {{ totalCount }}
  labels(first: 50) {{ nodes {{ name }} }}
  comments(first: {DISCUSSION_COMMENTS}) {{
    pageInfo {{ hasNextPage endCursor }} nodes {{ ...DiscussionCommentFields }}
  }}
}}""",
}

_SPREAD = re.compile(r"\.\.\.([A-Za-z_][A-Za-z0-9_]*)")


def with_fragments(body: str) -> str:
    """A document with exactly the fragments it uses (GraphQL rejects unused ones)."""
    needed: list[str] = []
    pending = [body]
    while pending:
        text = pending.pop()
        for name in _SPREAD.findall(text):
            if name in FRAGMENTS and name not in needed:
                needed.append(name)
                pending.append(FRAGMENTS[name])
    return body + "".join(FRAGMENTS[name] for name in needed) + "\n"


def _list_query(name: str, connection: str, fragment: str, order: str, extra: str = "") -> str:
    return with_fragments(
        f"""
query {name}($owner: String!, $name: String!, $first: Int!, $cursor: String{extra and ", " + extra}) {{
  repository(owner: $owner, name: $name) {{
    {connection} {{
      totalCount
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ ...{fragment} }}
    }}
  }}
  rateLimit {{ cost remaining resetAt }}
}}"""
    ).replace("$ORDER", order)


ISSUES = _list_query(
    "SyncIssues",
    "issues(first: $first, after: $cursor, orderBy: $ORDER, filterBy: {since: $since})",
    "IssueFields",
    "{field: UPDATED_AT, direction: DESC}",
    "$since: DateTime",
)
PULLS = _list_query(
    "SyncPullRequests",
    "pullRequests(first: $first, after: $cursor, orderBy: $ORDER)",
    "PullFields",
    "{field: UPDATED_AT, direction: DESC}",
)
DISCUSSIONS = _list_query(
    "SyncDiscussions",
    "discussions(first: $first, after: $cursor, orderBy: $ORDER)",
    "DiscussionFields",
    "{field: UPDATED_AT, direction: DESC}",
)

LIST_QUERIES = {"issues": ISSUES, "pulls": PULLS, "discussions": DISCUSSIONS}
CONNECTION_NAMES = {"issues": "issues", "pulls": "pullRequests", "discussions": "discussions"}


# -- follow-ups for nested connections with more pages ---------------------------------------

# (node type, connection) → the selection, with `$AFTER` for the cursor variable.
NESTED = {
    ("Issue", "comments"): f"comments(first: {PAGE}, after: $AFTER) "
    "{ pageInfo { hasNextPage endCursor } nodes { ...CommentFields } }",
    ("Issue", "timelineItems"): f"timelineItems(first: {PAGE}, after: $AFTER, "
    "itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) "
    "{ pageInfo { hasNextPage endCursor } nodes { ...LabelEventFields } }",
    ("PullRequest", "comments"): f"comments(first: {PAGE}, after: $AFTER) "
    "{ pageInfo { hasNextPage endCursor } nodes { ...CommentFields } }",
    ("PullRequest", "reviews"): f"reviews(first: {PAGE}, after: $AFTER) "
    "{ pageInfo { hasNextPage endCursor } nodes { ...ReviewFields } }",
    ("PullRequest", "timelineItems"): f"timelineItems(first: {PAGE}, after: $AFTER, "
    "itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) "
    "{ pageInfo { hasNextPage endCursor } nodes { ...LabelEventFields } }",
    ("Discussion", "comments"): f"comments(first: {MORE_DISCUSSION_COMMENTS}, after: $AFTER) "
    "{ pageInfo { hasNextPage endCursor } nodes { ...DiscussionCommentFields } }",
    ("DiscussionComment", "replies"): f"replies(first: {PAGE}, after: $AFTER) "
    "{ pageInfo { hasNextPage endCursor } nodes { ...ReplyFields } }",
}


@dataclass(frozen=True)
class More:
    """One nested connection to continue: on node `node_id` (a `node_type`), after `cursor`."""

    node_id: str
    node_type: str
    connection: str
    cursor: str


def more_query(batch: list[More]) -> tuple[str, dict[str, str]]:
    """One request continuing several nested connections; aliases m0, m1, ... in order."""
    params: list[str] = []
    parts: list[str] = []
    variables: dict[str, str] = {}
    for index, more in enumerate(batch):
        selection = NESTED[(more.node_type, more.connection)].replace("$AFTER", f"$after{index}")
        params += [f"$id{index}: ID!", f"$after{index}: String"]
        parts.append(
            f"  m{index}: node(id: $id{index}) {{ ... on {more.node_type} {{ {selection} }} }}"
        )
        variables[f"id{index}"] = more.node_id
        variables[f"after{index}"] = more.cursor
    body = (
        "query SyncMore("
        + ", ".join(params)
        + ") {\n"
        + "\n".join(parts)
        + "\n  rateLimit { cost remaining resetAt }\n}"
    )
    return with_fragments(body), variables


# -- the organisation and the notes folders --------------------------------------------------


@dataclass(frozen=True)
class FolderRequest:
    path: str  # without a trailing slash
    since: str | None = None  # only commits after this (the folder's watermark)
    after: str | None = None  # continue the commit history from this cursor
    tree: bool = True  # list the folder's files too


PROBE = 20  # how many of each resource's newest update times the opening request reads


# Its own request: reading an organisation's members needs a permission (members: read) that
# an Actions GITHUB_TOKEN does not have, and GitHub then refuses the whole query.
MEMBERS = """
query SyncMembers($owner: String!) {
  repositoryOwner(login: $owner) {
    __typename login
    ... on Organization { membersWithRole { totalCount } }
  }
}
"""


def meta_query(
    folders: list[FolderRequest], *, probe: bool = True
) -> tuple[str, dict[str, str | None]]:
    """The opening request of a sync: the newest update times of issues, pull requests and
    discussions (timestamps only, to see what changed), and per notes folder its files and the
    commits that touched it since the last sync, on the default branch. Without `probe`, it
    only continues folders' histories."""
    params = ["$owner: String!", "$name: String!"]
    variables: dict[str, str | None] = {}
    history: list[str] = []
    trees: list[str] = []
    for index, folder in enumerate(folders):
        params += [f"$p{index}: String!", f"$s{index}: GitTimestamp", f"$a{index}: String"]
        variables[f"p{index}"] = folder.path
        variables[f"s{index}"] = folder.since
        variables[f"a{index}"] = folder.after
        history.append(
            f"          h{index}: history(first: {PAGE}, after: $a{index}, path: $p{index}, "
            f"since: $s{index}) {{ pageInfo {{ hasNextPage endCursor }} "
            "nodes { oid committedDate author { user { login } } } }"
        )
        if folder.tree:
            params.append(f"$e{index}: String!")
            variables[f"e{index}"] = f"HEAD:{folder.path}"
            trees.append(
                f"    t{index}: object(expression: $e{index}) {{ ... on Tree {{ entries {{ "
                "name path type object { ... on Blob { text } "
                "... on Tree { entries { name path type object { ... on Blob { text } } } } } } } }"
            )
    probes = ""
    if probe:
        order = "orderBy: {field: UPDATED_AT, direction: DESC}"
        probes = "".join(
            f"    {name}(first: {PROBE}, {order}) {{ totalCount nodes {{ updatedAt }} }}\n"
            for name in ("issues", "pullRequests", "discussions")
        )
    branch = ""
    if history:
        branch = (
            "    defaultBranchRef { name target { ... on Commit {\n"
            + "\n".join(history)
            + "\n    } } }\n"
        )
    body = (
        "query SyncMeta("
        + ", ".join(params)
        + ") {\n"
        + "  repository(owner: $owner, name: $name) {\n    id\n"
        + probes
        + branch
        + "\n".join(trees)
        + "\n  }\n  rateLimit { cost remaining resetAt }\n}\n"
    )
    return body, variables
