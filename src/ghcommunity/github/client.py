"""The one door to GitHub: githubkit with our auth, base URLs, retries and error messages.

Everything outside `ghcommunity.github` receives plain data (dicts and lists) from here.
The same code serves github.com, GitHub Enterprise Server (`.../api/v3`) and the sandbox.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
from githubkit import (
    AppAuthStrategy,
    AppInstallationAuthStrategy,
    GitHub,
    TokenAuthStrategy,
    UnauthAuthStrategy,
)
from githubkit.exception import (
    GitHubException,
    GraphQLFailed,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
    RequestTimeout,
)
from githubkit.typing import RetryOption

from ghcommunity import __version__
from ghcommunity.core.errors import InputError, OperationalError

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.github.com"
USER_AGENT = f"ghcommunity/{__version__}"

# Routes → the fine-grained permission a token needs for them, for 403 messages.
_PERMISSION_HINTS = (
    (re.compile(r"/(labels|issues|assignees)\b"), "issues: write"),
    (re.compile(r"/(contents|git)/"), "contents: write"),
    (re.compile(r"/pulls\b"), "pull-requests: write"),
    (re.compile(r"/collaborators/"), "metadata: read"),
    (re.compile(r"/(members|teams)\b"), "members: read (organisation)"),
    (re.compile(r"/graphql$"), "the permissions of the GraphQL query's objects"),
)


def quote_segment(value: str) -> str:
    """Percent-encode one path segment (label names have spaces, slashes, colons)."""
    return quote(value, safe="")


def repo_path(repo: str) -> str:
    """`/repos/OWNER/NAME` for "OWNER/NAME", each part percent-encoded."""
    owner, name = split_repo(repo)
    return f"/repos/{quote_segment(owner)}/{quote_segment(name)}"


def graphql_url_for(api_url: str) -> str:
    """GraphQL endpoint for a REST base: api.github.com → /graphql; GHES /api/v3 → /api/graphql."""
    parts = urlsplit(api_url.rstrip("/"))
    path = parts.path
    if path.endswith("/api/v3"):
        path = path[: -len("/api/v3")] + "/api/graphql"
    else:
        path = path + "/graphql"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def web_url_for(api_url: str | None) -> str:
    """The web address matching a REST base: github.com, a GHES host, or the sandbox."""
    if not api_url:
        return "https://github.com"
    parts = urlsplit(api_url.rstrip("/"))
    if parts.netloc == "api.github.com":
        return "https://github.com"
    path = parts.path.removesuffix("/api/v3")
    return f"{parts.scheme}://{parts.netloc}{path}"


@dataclass(frozen=True)
class Connection:
    """How to reach GitHub. Build it with `Connection.from_env()` or explicitly."""

    api_url: str = DEFAULT_API_URL
    graphql_url: str | None = None
    token: str | None = field(default=None, repr=False)
    app_id: str | None = None
    private_key: str | None = field(default=None, repr=False)
    installation_id: int | None = None
    max_wait: timedelta = timedelta(minutes=15)  # longest rate-limit wait before giving up
    timeout: float = 30.0

    @classmethod
    def from_env(
        cls,
        *,
        api_url: str | None = None,
        token: str | None = None,
        env: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> Connection:
        env = os.environ if env is None else env
        # A secret pasted with a trailing newline is still the token; a token with a space or
        # control character inside cannot be sent, and httpx's error (and debug log) would
        # quote it, so it is refused here without being shown.
        secret = (token or env.get("GITHUB_TOKEN") or env.get("GH_TOKEN") or "").strip()
        if any(c.isspace() or not c.isprintable() for c in secret):
            raise InputError(
                "the GitHub token is not valid: it has a space or a stray character in it "
                "(check --token, GITHUB_TOKEN or GH_TOKEN)"
            )
        base = (api_url or env.get("GITHUB_API_URL") or DEFAULT_API_URL).strip()
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            where = "--api-url" if api_url else "GITHUB_API_URL"
            raise InputError(
                f"{where} {base[:80]!r}: expected a full URL with its scheme, such as "
                "https://api.github.com, https://HOST/api/v3 or http://127.0.0.1:8000"
            )
        return cls(
            api_url=base.rstrip("/"),
            graphql_url=env.get("GITHUB_GRAPHQL_URL") or None,
            token=secret or None,
            **extra,
        )

    @property
    def graphql(self) -> str:
        return self.graphql_url or graphql_url_for(self.api_url)


class RetryPolicy:
    """When to try a request again, and after how long.

    Rate limits: honour `retry-after` / `x-ratelimit-reset` when the wait is at most
    `max_wait`. Server errors (5xx): three times with backoff. A dropped connection: again
    only when the request cannot have changed anything (a read, or never sent), so a retry
    never posts a second comment.
    """

    def __init__(
        self,
        max_wait: timedelta = timedelta(minutes=15),
        attempts: int = 3,
        backoff: float = 0.5,
        sleep_scale: float = 1.0,
    ) -> None:
        self.max_wait = max_wait
        self.attempts = attempts
        self.backoff = backoff
        self.sleep_scale = sleep_scale

    def _delay(self, retry_count: int) -> timedelta:
        return self._at_least(timedelta(seconds=self.backoff * (2**retry_count)))

    def _at_least(self, wait: timedelta) -> timedelta:
        # githubkit sleeps 60 s for a zero delay, so a scaled-down wait is never quite zero.
        return max(wait * self.sleep_scale, timedelta(milliseconds=1))

    def __call__(self, exc: GitHubException, retry_count: int) -> RetryOption:
        if retry_count >= self.attempts:
            return RetryOption(False)
        if isinstance(exc, RateLimitExceeded):
            if exc.retry_after <= self.max_wait:
                log.warning("rate limited; waiting %ss", int(exc.retry_after.total_seconds()))
                return RetryOption(True, self._at_least(exc.retry_after))
            return RetryOption(False)
        if isinstance(exc, RequestFailed):
            status = exc.response.status_code
            # A 5xx to a write leaves its outcome unknown (GitHub may have applied it): only
            # reads are asked again here; the executor re-reads before repeating a write.
            if status >= 500 and status not in (501, 505) and _is_read(exc.request):
                return RetryOption(True, self._delay(retry_count))
            return RetryOption(False)
        if isinstance(exc, RequestError):
            request = getattr(exc.exc, "request", None)
            never_sent = isinstance(exc.exc, httpx.ConnectError | httpx.ConnectTimeout)
            safe = request is not None and _is_read(request)
            if never_sent or safe:
                return RetryOption(True, self._delay(retry_count))
        return RetryOption(False)


def _is_read(request: httpx.Request) -> bool:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return True
    # GraphQL queries (not mutations) are reads even though they are POSTs.
    if request.method == "POST" and request.url.path.endswith("graphql"):
        try:
            body = json.loads(request.content)
        except (ValueError, httpx.RequestNotRead):
            return False
        document = body.get("query") if isinstance(body, dict) else None
        return isinstance(document, str) and graphql_operations(document) == {"query"}
    return False


def graphql_operations(document: str) -> set[str]:
    """The kinds of operation a GraphQL document defines ("query", "mutation", ...).

    A small lexer over GraphQL's top level: ignored tokens (whitespace, commas, a BOM,
    `#` comments) are skipped, strings and block strings are stepped over, and the body of each
    definition is skipped by matching braces. A shorthand `{ ... }` is a query; a fragment is
    not an operation. Anything unreadable gives `{"unknown"}`, which is never taken for a read.
    """
    kinds: set[str] = set()
    i, n = 0, len(document)
    depth = 0
    expect_definition = True
    while i < n:
        ch = document[i]
        if ch in " \t\r\n,\ufeff":
            i += 1
        elif ch == "#":
            end = document.find("\n", i)
            i = n if end < 0 else end + 1
        elif document.startswith('"""', i):
            end = document.find('"""', i + 3)
            while end > 0 and document[end - 1] == "\\":
                end = document.find('"""', end + 3)
            if end < 0:
                return {"unknown"}
            i = end + 3
        elif ch == '"':
            i += 1
            while i < n and document[i] not in '"\n':
                i += 2 if document[i] == "\\" else 1
            if i >= n or document[i] != '"':
                return {"unknown"}
            i += 1
        elif ch == "{":
            if depth == 0 and expect_definition:
                kinds.add("query")
            expect_definition = False
            depth += 1
            i += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return {"unknown"}
            if depth == 0:
                expect_definition = True
            i += 1
        elif ch.isalpha() or ch == "_":
            start = i
            while i < n and (document[i].isalnum() or document[i] == "_"):
                i += 1
            if depth == 0 and expect_definition:
                word = document[start:i]
                if word in ("query", "mutation", "subscription"):
                    kinds.add(word)
                elif word != "fragment":
                    return {"unknown"}
                expect_definition = False
        else:
            i += 1
    if depth != 0 or not kinds:
        return {"unknown"} | kinds
    return kinds


class UnknownOutcome(OperationalError):
    """A write was sent but its answer was lost (a 5xx, a dropped connection, a timeout):
    GitHub may or may not have applied it. Re-read before deciding to write again."""


def _unknown_outcome(exc: GitHubException) -> bool:
    if isinstance(exc, RateLimitExceeded):
        return False
    if isinstance(exc, RequestFailed):
        status = exc.response.status_code
        return status >= 500 and not _is_read(exc.request)
    if isinstance(exc, RequestError):
        if isinstance(exc.exc, httpx.ConnectError | httpx.ConnectTimeout):
            return False  # never sent
        try:
            request = getattr(exc.exc, "request", None)
        except RuntimeError:  # an httpx error without its request attached
            return False
        return request is not None and not _is_read(request)
    return False


def _describe_failure(exc: GitHubException, what: str) -> OperationalError | InputError:
    """One line that says what failed and what to do about it; never a traceback."""
    if isinstance(exc, RateLimitExceeded):
        wait = int(exc.retry_after.total_seconds())
        return OperationalError(
            f"{what}: GitHub rate limit exceeded; it resets in about {max(wait, 1)} seconds"
        )
    if isinstance(exc, RequestFailed):
        response = exc.response
        status = response.status_code
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        message = payload.get("message", "") if isinstance(payload, dict) else ""
        route = f"{exc.request.method} {exc.request.url.path}"
        if status == 401:
            return OperationalError(
                f"{what}: GitHub rejected the credentials (401 {message or 'Bad credentials'}); "
                "check --token, GITHUB_TOKEN or the App's key"
            )
        if status == 403:
            needed = response.headers.get("x-accepted-github-permissions") or next(
                (hint for rx, hint in _PERMISSION_HINTS if rx.search(exc.request.url.path)),
                "more permissions",
            )
            return OperationalError(
                f"{what}: GitHub refused {route} (403 {message}); the token needs {needed}"
            )
        if status == 404:
            repo = re.match(r"(?:/api/v3)?/repos/([^/]+/[^/]+)(/.*)?$", exc.request.url.path)
            if repo and repo.group(2):  # something in the repository: it, or the repository
                return OperationalError(
                    f"{what}: {repo.group(2).lstrip('/')} in {repo.group(1)} was not found "
                    "(404): it may have been deleted, or the token cannot see the repository"
                )
            subject = f"repository {repo.group(1)}" if repo else exc.request.url.path
            return OperationalError(
                f"{what}: {subject} was not found, or the token cannot see it (404); "
                "for a private repository the token needs access to it"
            )
        if status == 422:
            details = "; ".join(
                str(e.get("message") or f"{e.get('field')} {e.get('code')}")
                for e in (payload.get("errors") or [] if isinstance(payload, dict) else [])
                if isinstance(e, dict)
            )
            return InputError(
                f"{what}: GitHub refused {route} as invalid (422 {message})"
                + (f": {details}" if details else "")
            )
        return OperationalError(f"{what}: GitHub answered {status} to {route} {message}".rstrip())
    if isinstance(exc, GraphQLFailed):
        errors = "; ".join(e.message for e in exc.response.errors or [])
        return OperationalError(f"{what}: GitHub's GraphQL API refused the query: {errors}")
    if isinstance(exc, RequestTimeout):
        return OperationalError(f"{what}: GitHub did not answer in time")
    if isinstance(exc, RequestError):
        if "header" in str(exc.exc).lower():
            # httpx quotes the offending header value: that may be a credential.
            return InputError(f"{what}: a request header is not valid (check the token)")
        return OperationalError(
            f"{what}: cannot reach GitHub ({type(exc.exc).__name__}: {exc.exc})"
        )
    return OperationalError(f"{what}: {type(exc).__name__}")


def _failure(exc: GitHubException, what: str) -> OperationalError | InputError:
    error = _describe_failure(exc, what)
    if _unknown_outcome(exc):
        return UnknownOutcome(f"{error} (the change may have been made)")
    return error


class _SharedTransport(httpx.BaseTransport):
    """One connection pool for the life of a GitHubClient.

    githubkit builds (and closes) an httpx client per request unless it is used as a context
    manager, which it tracks per thread; a transport it does not own keeps connections alive
    across requests and threads (the App's workers share one client per installation).
    """

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.inner.handle_request(request)

    def close(self) -> None:  # githubkit closes its per-request client; keep the pool open
        pass

    def shutdown(self) -> None:
        self.inner.close()


class GitHubClient:
    """A thin layer over githubkit: plain-data REST and GraphQL with one-line errors."""

    def __init__(
        self,
        connection: Connection,
        *,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.connection = connection
        self._transport = _SharedTransport(transport or httpx.HTTPTransport(retries=0))
        auth: Any
        if connection.app_id and connection.private_key and connection.installation_id:
            auth = AppInstallationAuthStrategy(
                connection.app_id, connection.private_key, connection.installation_id
            )
        elif connection.token:
            auth = TokenAuthStrategy(connection.token)
        elif connection.app_id and connection.private_key:
            # As the App itself (a JWT): for /app/... routes such as installation tokens.
            auth = AppAuthStrategy(connection.app_id, connection.private_key)
        else:
            auth = UnauthAuthStrategy()
        # Without credentials GitHub answers 404 for a private repository, which reads as
        # "not found": say what is missing instead, before sending anything.
        self.anonymous = isinstance(auth, UnauthAuthStrategy)
        self.gh: GitHub[Any] = GitHub(
            auth,
            base_url=connection.api_url.rstrip("/") + "/",
            user_agent=USER_AGENT,
            timeout=connection.timeout,
            # We make our own conditional requests; a shared HTTP cache could serve a read
            # that is stale after our own write.
            http_cache=False,
            auto_retry=retry or RetryPolicy(max_wait=connection.max_wait),
            transport=self._transport,
            event_hooks={"request": [self._count]},
        )
        self.requests = 0  # HTTP requests actually sent, retries included

    def _count(self, request: httpx.Request) -> None:
        self.requests += 1

    # -- low level -------------------------------------------------------------------------

    def _need_credentials(self) -> None:
        if self.anonymous:
            raise InputError(
                "no GitHub token: pass --token, or set GITHUB_TOKEN or GH_TOKEN (in a workflow, "
                "give the step the workflow's token or a GitHub App's installation token)"
            )

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.connection.api_url.rstrip("/") + "/" + path.lstrip("/")

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        what: str | None = None,
        ok: tuple[int, ...] = (),
    ) -> httpx.Response:
        """One REST request. Statuses in `ok` (e.g. 404 when probing) are returned, not raised."""
        self._need_credentials()
        try:
            response = self.gh.request(
                method,
                self._url(path),
                # httpx drops a URL's own query string when given params, even empty ones,
                # and GitHub's Link URLs carry their page in the query string.
                params=dict(params) if params else None,
                json=json,
                headers=dict(headers or {}),
            )
        except RequestFailed as exc:
            if exc.response.status_code in ok:
                return exc.response.raw_response
            raise _failure(exc, what or f"{method} {path}") from None
        except GitHubException as exc:
            raise _failure(exc, what or f"{method} {path}") from None
        return response.raw_response

    def rest(self, method: str, path: str, **kwargs: Any) -> Any:
        """A REST call returning the decoded JSON body (None for 204)."""
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def get_or_none(self, path: str, **kwargs: Any) -> Any:
        """GET that returns None for a 404 (for existence checks)."""
        response = self.request("GET", path, ok=(404,), **kwargs)
        return None if response.status_code == 404 else response.json()

    def paginate(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        per_page: int = 100,
        items: Callable[[Any], list[Any]] | None = None,
        what: str | None = None,
    ) -> Iterator[Any]:
        """Every item of a list endpoint, following GitHub's `Link: rel="next"` headers."""
        query: dict[str, Any] = {**(params or {}), "per_page": per_page}
        url: str | None = path
        while url:
            response = self.request("GET", url, params=query, what=what)
            data = response.json()
            yield from (items(data) if items else data)
            next_link = response.links.get("next", {}).get("url")
            url, query = (next_link, {}) if next_link else (None, {})

    def graphql(
        self, query: str, variables: Mapping[str, Any] | None = None, *, what: str = "GraphQL"
    ) -> dict[str, Any]:
        """One GraphQL request; returns `data`. Errors become one-line OperationalErrors."""
        self._need_credentials()
        body: dict[str, Any] = {"query": query}
        if variables:
            body["variables"] = dict(variables)
        try:
            response = self.gh.request("POST", self.connection.graphql, json=body)
        except GitHubException as exc:
            raise _failure(exc, what) from None
        payload = response.raw_response.json()
        errors = payload.get("errors") if isinstance(payload, dict) else None
        if errors:
            kinds = {e.get("type") for e in errors if isinstance(e, dict)}
            text = "; ".join(str(e.get("message")) for e in errors if isinstance(e, dict))
            if kinds & {"RATE_LIMIT", "RATE_LIMITED"}:
                raise OperationalError(f"{what}: GitHub GraphQL rate limit exceeded: {text}")
            raise OperationalError(f"{what}: GitHub's GraphQL API refused the query: {text}")
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            raise OperationalError(f"{what}: GitHub's GraphQL API returned no data")
        return data

    def graphql_nodes(
        self,
        query: str,
        variables: Mapping[str, Any],
        connection_path: tuple[str, ...],
        *,
        what: str = "GraphQL",
    ) -> Iterator[dict[str, Any]]:
        """Every node of one connection, page by page. The query takes `$cursor: String`."""
        cursor: str | None = None
        while True:
            data = self.graphql(query, {**variables, "cursor": cursor}, what=what)
            conn: Any = data
            for key in connection_path:
                conn = conn.get(key) if isinstance(conn, dict) else None
            if not isinstance(conn, dict):
                return
            yield from conn.get("nodes") or []
            info = conn.get("pageInfo") or {}
            cursor = info.get("endCursor")
            if not info.get("hasNextPage") or not cursor:
                return  # (without a cursor, asking again would start over: never loop)

    def close(self) -> None:
        """Close the connection pool."""
        self._transport.shutdown()


def split_repo(full_name: str) -> tuple[str, str]:
    owner, sep, name = full_name.partition("/")
    if not sep or not owner or not name or "/" in name:
        raise InputError(f"{full_name!r} is not a repository: expected OWNER/NAME")
    return owner, name


def connect(connection: Connection | None = None, **kwargs: Any) -> GitHubClient:
    return GitHubClient(connection or Connection.from_env(**kwargs))
