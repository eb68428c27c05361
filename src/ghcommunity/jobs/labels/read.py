"""What labels as code reads from GitHub: the repository's labels, and how many issues carry
the ones it might prune."""

from __future__ import annotations

from collections.abc import Sequence

from ghcommunity.core import payload as p
from ghcommunity.github.client import GitHubClient, repo_path, split_repo
from ghcommunity.github.snapshot import RepoLabel


def read_repo_labels(client: GitHubClient, repo: str) -> list[RepoLabel]:
    """Every label of the repo, following the Link headers (100 a page). A missing colour or
    a null description reads as "" (the planner takes "" as "differs from any declared
    colour" and "no description", as it took a null)."""
    return [
        RepoLabel(str(lab["name"]), str(lab.get("color") or ""), str(lab.get("description") or ""))
        for lab in client.paginate(
            f"{repo_path(repo)}/labels",
            what=f"listing the labels of {repo}",
        )
    ]


def label_usage_query(count: int) -> str:
    """One GraphQL document counting the issues and pull requests of `count` labels."""
    variables = ", ".join(f"$l{i}: String!" for i in range(count))
    fields = "\n".join(
        f"    l{i}: label(name: $l{i}) {{ name issues {{ totalCount }} "
        "pullRequests { totalCount } }"
        for i in range(count)
    )
    return (
        f"query LabelUsage($owner: String!, $name: String!, {variables}) {{\n"
        f"  repository(owner: $owner, name: $name) {{\n{fields}\n  }}\n}}\n"
    )


def read_label_usage(
    client: GitHubClient, repo: str, names: Sequence[str], *, batch: int = 50
) -> dict[str, int]:
    """Lower-cased name → issues + pull requests carrying it (open and closed)."""
    owner, name = split_repo(repo)
    usage: dict[str, int] = {}
    for start in range(0, len(names), batch):
        chunk = list(names[start : start + batch])
        data = client.graphql(
            label_usage_query(len(chunk)),
            {"owner": owner, "name": name, **{f"l{i}": n for i, n in enumerate(chunk)}},
            what=f"counting the issues of {len(chunk)} label(s) of {repo}",
        )
        repository = data.get("repository") or {}
        for i, label_name in enumerate(chunk):
            node = repository.get(f"l{i}")
            if isinstance(node, dict):
                usage[label_name.lower()] = int(p.integer(node, "issues", "totalCount") or 0) + int(
                    p.integer(node, "pullRequests", "totalCount") or 0
                )
            else:
                usage[label_name.lower()] = 0
    return usage
