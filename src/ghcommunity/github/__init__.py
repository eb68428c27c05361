"""The one door to GitHub: client (githubkit), executor, GraphQL queries, snapshots."""
