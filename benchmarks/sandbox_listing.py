"""How big and how fast the sandbox is with 100,000 synthetic issues.

    python benchmarks/sandbox_listing.py [--issues 100000] [--seed-random 1] [--tracemalloc]
                                         [--graphql-pages 100]

It starts a sandbox seeded with N synthetic issues and pull requests (plus N/10 discussions)
and reports the seconds that took and the process's peak memory (resident set size; with
`--tracemalloc`, also the peak of Python's own allocations while seeding, which slows seeding
down). Then it lists every issue through a real HTTP client (httpx, keep-alive) with
`per_page=100`, following the `Link: rel="next"` headers, without injected latency, and reports
requests per second; then the same through GraphQL (`issues(first: 100, after: $cursor)`) for
the first pages. Prints a table; not a timed test.
"""

from __future__ import annotations

import argparse
import gc
import platform
import resource
import sys
import time
import tracemalloc

import httpx

from ghcommunity_sandbox import Sandbox
from ghcommunity_sandbox.seed import COMMUNITY_REPO

QUERY = """
query Page($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $cursor, orderBy: {field: CREATED_AT, direction: ASC}) {
      nodes { number title state createdAt author { login } labels(first: 10) { nodes { name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--seed-random", type=int, default=1)
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also measure Python's peak allocations while seeding (slower)",
    )
    parser.add_argument("--graphql-pages", type=int, default=100)
    args = parser.parse_args()

    rows: list[tuple[str, str]] = []
    baseline = rss_mb()
    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    sb = Sandbox.start(synthetic=args.issues, seed_random=args.seed_random)
    seed_seconds = time.perf_counter() - started
    if args.tracemalloc:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append(
            ("peak Python allocations while seeding (tracemalloc)", f"{peak / 1e6:,.0f} MB")
        )
    gc.collect()
    repo = sb.state.repo(COMMUNITY_REPO)
    assert repo is not None
    items = len(repo.issues)
    pulls = sum(1 for i in repo.issues.values() if i.pull is not None)
    rows.insert(
        0,
        (
            "issues and pull requests seeded",
            f"{items:,} ({pulls:,} pull requests, "
            f"{len(repo.discussions):,} discussions, "
            f"{len(repo.comments):,} comments)",
        ),
    )
    rows.insert(1, ("seconds to seed (and start the server)", f"{seed_seconds:.1f} s"))
    rows.append(
        (
            "peak resident memory (process)",
            f"{rss_mb():,.0f} MB (before seeding: {baseline:,.0f} MB)",
        )
    )

    try:
        with httpx.Client(headers={"Authorization": "token bench"}, timeout=60) as client:
            url: str | None = f"{sb.url}/repos/{COMMUNITY_REPO}/issues"
            params: dict[str, str | int] | None = {"state": "all", "per_page": 100}
            requests = listed = size = 0
            started = time.perf_counter()
            while url:
                response = client.get(url, params=params)
                response.raise_for_status()
                requests += 1
                size += len(response.content)
                listed += len(response.json())
                url = response.links.get("next", {}).get("url")
                params = None
            rest_seconds = time.perf_counter() - started
            assert listed == items, (listed, items)
            rows.append(
                (
                    "REST: issues listed (per_page=100)",
                    f"{listed:,} in {requests:,} requests, {rest_seconds:.1f} s",
                )
            )
            rows.append(
                (
                    "REST: requests per second",
                    f"{requests / rest_seconds:,.0f} "
                    f"({listed / rest_seconds:,.0f} issues/s, "
                    f"{size / rest_seconds / 1e6:,.1f} MB/s)",
                )
            )

            cursor = None
            pages = 0
            started = time.perf_counter()
            owner, name = COMMUNITY_REPO.split("/")
            while pages < args.graphql_pages:
                response = client.post(
                    f"{sb.url}/graphql",
                    json={
                        "query": QUERY,
                        "variables": {"owner": owner, "name": name, "cursor": cursor},
                    },
                )
                body = response.json()
                assert "errors" not in body, body["errors"]
                conn = body["data"]["repository"]["issues"]
                pages += 1
                if not conn["pageInfo"]["hasNextPage"]:
                    break
                cursor = conn["pageInfo"]["endCursor"]
            gql_seconds = time.perf_counter() - started
            rows.append(
                (
                    f"GraphQL: {pages} pages of 100 issues",
                    f"{gql_seconds:.1f} s, {pages / gql_seconds:,.0f} requests/s",
                )
            )
    finally:
        sb.stop()

    width = max(len(k) for k, _ in rows)
    print(
        f"sandbox benchmark: {args.issues:,} synthetic items, seed {args.seed_random}; "
        f"Python {platform.python_version()} on {platform.machine()}"
    )
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-|-{'-' * 50}")
    for key, value in rows:
        print(f"{key.ljust(width)} | {value}")


if __name__ == "__main__":
    main()
