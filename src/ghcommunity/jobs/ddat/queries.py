"""GraphQL documents the DDaT report sends (checked against GitHub's schema in the tests)."""

from __future__ import annotations

# Every issue carrying the feedback label, newest first, 100 a page: everything the report
# needs (the body to classify, who gave 👍 and who commented, the bot's comment with any /ddat
# correction, state, links) comes in the same page.
FEEDBACK_ISSUES = """
query DdatFeedback($owner: String!, $name: String!, $labels: [String!], $states: [IssueState!],
                   $cursor: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $cursor, labels: $labels, states: $states,
           orderBy: {field: CREATED_AT, direction: DESC}) {
      totalCount
      nodes {
        number title body url state createdAt closedAt
        author { login }
        labels(first: 50) { nodes { name } }
        reactions(content: THUMBS_UP, first: 100) { totalCount nodes { user { login } } }
        comments(last: 100) { totalCount nodes { author { __typename login } body } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

ALL = {"FEEDBACK_ISSUES": FEEDBACK_ISSUES}
