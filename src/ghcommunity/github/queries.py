"""GraphQL documents ghcommunity sends, checked in tests against GitHub's published schema."""

from __future__ import annotations

# The state of one issue the executor needs before writing: labels, assignees, the bot's
# comments (found by their hidden markers), and the Projects it is in.
ISSUE_STATE_FIELDS = """
  id number title body state
  author { __typename login }
  authorAssociation
  labels(first: 100) { nodes { name } pageInfo { hasNextPage } }
  assignees(first: 20) { nodes { login } }
  comments(last: 100) {
    nodes { databaseId body author { __typename login } }
    pageInfo { hasPreviousPage }
  }
"""

ISSUE_STATE = (
    """
query IssueState($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    issue(number: $number) {"""
    + ISSUE_STATE_FIELDS
    + """}
  }
}
"""
)

REPO_LABELS = """
query RepoLabels($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    labels(first: 100, after: $cursor) {
      nodes { name color description }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

PROJECT_AND_ITEM = """
query ProjectAndItem($owner: String!, $name: String!, $number: Int!,
                     $projectOwner: String!, $projectNumber: Int!) {
  repositoryOwner(login: $projectOwner) {
    ... on Organization { projectV2(number: $projectNumber) { id } }
    ... on User { projectV2(number: $projectNumber) { id } }
  }
  repository(owner: $owner, name: $name) {
    issue(number: $number) {
      id
      projectItems(first: 50) { nodes { project { id } } }
    }
  }
}
"""

ADD_PROJECT_ITEM = """
mutation AddProjectItem($project: ID!, $content: ID!) {
  addProjectV2ItemById(input: {projectId: $project, contentId: $content}) { item { id } }
}
"""

DISCUSSION_TARGET = """
query DiscussionTarget($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    id
    discussionCategories(first: 50) { nodes { id name slug } }
    discussions(first: 100, orderBy: {field: CREATED_AT, direction: DESC}) {
      nodes { id number url title body author { __typename login } }
    }
  }
}
"""

CREATE_DISCUSSION = """
mutation CreateDiscussion($repo: ID!, $category: ID!, $title: String!, $body: String!) {
  createDiscussion(input: {repositoryId: $repo, categoryId: $category, title: $title, body: $body}) {
    discussion { id number url }
  }
}
"""

UPDATE_DISCUSSION = """
mutation UpdateDiscussion($id: ID!, $title: String!, $body: String!) {
  updateDiscussion(input: {discussionId: $id, title: $title, body: $body}) {
    discussion { id number url }
  }
}
"""

ISSUE_PIN = """
query IssuePin($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    issue(number: $number) { id isPinned }
  }
}
"""

PIN_ISSUE = """
mutation PinIssue($id: ID!) {
  pinIssue(input: {issueId: $id}) { issue { id isPinned } }
}
"""

DELETE_DISCUSSION = """
mutation DeleteDiscussion($id: ID!) {
  deleteDiscussion(input: {id: $id}) { discussion { id } }
}
"""

VIEWER = """
query Viewer { viewer { login } }
"""

ALL = {
    "ISSUE_STATE": ISSUE_STATE,
    "REPO_LABELS": REPO_LABELS,
    "PROJECT_AND_ITEM": PROJECT_AND_ITEM,
    "ADD_PROJECT_ITEM": ADD_PROJECT_ITEM,
    "DISCUSSION_TARGET": DISCUSSION_TARGET,
    "CREATE_DISCUSSION": CREATE_DISCUSSION,
    "UPDATE_DISCUSSION": UPDATE_DISCUSSION,
    "ISSUE_PIN": ISSUE_PIN,
    "PIN_ISSUE": PIN_ISSUE,
    "DELETE_DISCUSSION": DELETE_DISCUSSION,
    "VIEWER": VIEWER,
}
