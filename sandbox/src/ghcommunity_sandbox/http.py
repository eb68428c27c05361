"""The sandbox's HTTP layer: a small ASGI app with GitHub's manners.

One pipeline serves every REST and GraphQL request, at the root (as api.github.com) and under
`/api/v3` / `/api/graphql` (as GitHub Enterprise Server):

    latency → fault injection → auth (token, App JWT) → rate limit → handler → ETag/304 → stats

Routing matches the *raw* (still percent-encoded) path, so a label called `a/b` reaches
`/labels/{name}` as `a%2Fb`. Route templates use the parameter names of GitHub's OpenAPI
description, and `stats()["by_route"]` counts requests by them
(`"GET /repos/{owner}/{repo}/issues"`). `/_sandbox/...` routes (stats, reset) are never faulted,
rate limited or counted.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import random
import re
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote, urlencode

from ghcommunity_sandbox.errors import DOCS, ApiError, not_found
from ghcommunity_sandbox.media import apply_body_param, body_param, media_type_header
from ghcommunity_sandbox.model import PERMISSION_RANK, App, Installation, Repo, User, iso
from ghcommunity_sandbox.shapes import Shapes
from ghcommunity_sandbox.state import State

log = logging.getLogger(__name__)

DOCS_ROOT = "https://docs.github.com/rest"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 30

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


# -- routes ------------------------------------------------------------------------------------


@dataclass
class Reply:
    """What a handler answers: JSON `data` (or `raw` bytes), a status and extra headers."""

    data: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json; charset=utf-8"


Handler = Callable[["Ctx"], Reply]


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    doc: str
    regex: re.Pattern[str]
    resource: str = "core"
    auth: str = "any"  # any | jwt | installation
    write: bool = False
    # For a path GitHub serves but does not describe (the URLs it gives teams by id,
    # /organizations/{org_id}/team/{team_id}...), the described route it answers as.
    documented_as: str | None = None

    @property
    def documented(self) -> str:
        """The template this route has in GitHub's OpenAPI description."""
        return self.documented_as or self.template


def _specificity(route: Route) -> tuple[int, int]:
    segments = route.template.split("/")
    literal = sum(1 for seg in segments if seg and not seg.startswith("{"))
    return literal, -len(segments)


def compile_template(template: str, greedy: Iterable[str] = ()) -> re.Pattern[str]:
    wide = set(greedy)
    out = ""
    for part in re.split(r"(\{[a-z_]+\})", template):
        if part.startswith("{"):
            name = part[1:-1]
            out += f"(?P<{name}>.*)" if name in wide else f"(?P<{name}>[^/]+)"
        else:
            out += re.escape(part)
    return re.compile(out + "$")


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._by_first: dict[str, list[Route]] = {}

    def add(
        self,
        method: str,
        template: str,
        handler: Handler,
        doc: str,
        *,
        greedy: Iterable[str] = (),
        resource: str = "core",
        auth: str = "any",
        documented_as: str | None = None,
    ) -> None:
        route = Route(
            method,
            template,
            handler,
            doc if doc.startswith("http") else f"{DOCS_ROOT}/{doc}",
            compile_template(template, greedy),
            resource,
            auth,
            write=method not in ("GET", "HEAD"),
            documented_as=documented_as,
        )
        self.routes.append(route)
        first = template.split("/")[1]
        bucket = self._by_first.setdefault(first, [])
        bucket.append(route)
        # literal segments beat parameters: /issues/comments before /issues/{issue_number}
        bucket.sort(key=_specificity, reverse=True)

    def route(
        self,
        method: str,
        template: str,
        doc: str,
        *,
        greedy: Iterable[str] = (),
        resource: str = "core",
        auth: str = "any",
        documented_as: str | None = None,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.add(
                method,
                template,
                handler,
                doc,
                greedy=greedy,
                resource=resource,
                auth=auth,
                documented_as=documented_as,
            )
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, raw params, path exists with another method)."""
        first = path.split("/")[1] if path.count("/") >= 1 else ""
        other_method = False
        for route in self._by_first.get(first, ()):
            m = route.regex.match(path)
            if m is None:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return route, m.groupdict(), False
            other_method = True
        return None, {}, other_method


# -- who is asking -----------------------------------------------------------------------------


@dataclass
class Identity:
    kind: str  # anonymous | user | installation | app
    user: User | None = None
    installation: Installation | None = None
    app: App | None = None
    token: str | None = None

    @property
    def bucket(self) -> str:
        if self.kind == "installation" and self.installation is not None:
            return f"installation:{self.installation.id}"
        if self.user is not None:
            return f"user:{self.user.id}"
        if self.app is not None:
            return f"app:{self.app.id}"
        return "anonymous"


def _b64json(part: str) -> Any:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode()))


def decode_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(header, claims) of a well-formed JWT, without checking its signature."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header, claims = _b64json(parts[0]), _b64json(parts[1])
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return header, claims


def identify(state: State, authorization: str | None) -> Identity:
    """The identity behind an Authorization header (ApiError 401 when GitHub would refuse)."""
    if not authorization:
        return Identity("anonymous")
    scheme, _, credential = authorization.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credential).decode()
        except ValueError:
            raise ApiError(401, "Bad credentials") from None
        _, _, credential = decoded.partition(":")
    elif scheme.lower() not in ("token", "bearer"):
        raise ApiError(401, "Bad credentials")
    if not credential:
        raise ApiError(401, "Bad credentials")
    jwt = decode_jwt(credential)
    if jwt is not None:
        header, claims = jwt
        if header.get("alg") != "RS256":
            raise ApiError(401, "A JSON web token could not be decoded")
        exp = claims.get("exp")
        if isinstance(exp, int | float) and exp < time.time() - 60:
            raise ApiError(
                401,
                "'Expiration time' claim ('exp') must be a numeric value "
                "representing the future time at which the assertion expires",
            )
        issuer = str(claims.get("iss", ""))
        app = next(
            (a for a in state.apps.values() if str(a.id) == issuer or a.client_id == issuer), None
        )
        if app is None:
            if state.apps_configured:
                raise ApiError(401, "A JSON web token could not be decoded")
            app = next(iter(state.apps.values()))
        return Identity("app", app=app, token=credential)
    issued = state.issued_tokens.get(credential)
    if issued is not None and issued.installation_id is not None:
        inst = state.installations.get(issued.installation_id)
        if inst is None or (issued.expires_at and issued.expires_at < state.now_iso()):
            raise ApiError(401, "Bad credentials")
        return Identity(
            "installation", user=state.app_bot(inst), installation=inst, token=credential
        )
    mapped = state.tokens.get(credential)
    if mapped is not None and mapped.login:
        return Identity("user", user=state.get_user(mapped.login), token=credential)
    if state.restrict_tokens:
        raise ApiError(401, "Bad credentials")
    user = state.get_user(state.default_actor)
    default_inst = state.installations.get(1) if not state.apps_configured else None
    if default_inst is not None and user.login == state.default_actor == "ghcommunity[bot]":
        return Identity("installation", user=user, installation=default_inst, token=credential)
    return Identity("user", user=user, token=credential)


# -- rate limits -------------------------------------------------------------------------------


class RateLimiter:
    """GitHub's primary rate limits, per token owner and resource, in hourly (search: per
    minute) windows. `limits` may be changed by tests (e.g. `limits["core"] = 10`)."""

    def __init__(self) -> None:
        self.limits = {"core": 5000, "search": 30, "graphql": 5000}
        self.anonymous = {"core": 60, "search": 10, "graphql": 0}
        self.windows = {"core": 3600, "search": 60, "graphql": 3600}
        self._buckets: dict[tuple[str, str], list[int]] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def _bucket(self, key: str, resource: str, now: int) -> list[int]:
        bucket = self._buckets.get((key, resource))
        if bucket is None or bucket[1] <= now:
            bucket = [0, now + self.windows.get(resource, 3600)]
            self._buckets[(key, resource)] = bucket
        return bucket

    def limit_for(self, key: str, resource: str) -> int:
        table = self.anonymous if key == "anonymous" else self.limits
        return table.get(resource, self.limits.get(resource, 5000))

    def peek(self, key: str, resource: str) -> tuple[int, int, int, int]:
        """(limit, remaining, used, reset epoch)."""
        now = int(time.time())
        with self._lock:
            used, reset = self._bucket(key, resource, now)
        limit = self.limit_for(key, resource)
        return limit, max(limit - used, 0), used, reset

    def charge(self, key: str, resource: str, cost: int = 1) -> tuple[int, int, int, int]:
        now = int(time.time())
        with self._lock:
            bucket = self._bucket(key, resource, now)
            limit = self.limit_for(key, resource)
            if bucket[0] + cost > limit:
                raise RateLimited(resource, limit, bucket[0], bucket[1])
            bucket[0] += cost
            used, reset = bucket
        return limit, limit - used, used, reset


class RateLimited(Exception):
    def __init__(self, resource: str, limit: int, used: int, reset: int) -> None:
        super().__init__(resource)
        self.resource, self.limit, self.used, self.reset = resource, limit, used, reset


# -- counters ----------------------------------------------------------------------------------


class Stats:
    """Request counters and a bounded log, for `GET /_sandbox/stats` and `sb.stats()`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.total = 0
            self.writes = 0
            self.by_method: Counter[str] = Counter()
            self.by_route: Counter[str] = Counter()
            self.by_status: Counter[str] = Counter()
            self.graphql: Counter[str] = Counter()
            self.log: deque[dict[str, Any]] = deque(maxlen=1000)

    def record(
        self,
        method: str,
        route: str,
        path: str,
        status: int,
        *,
        write: bool,
        seconds: float,
        graphql: str | None = None,
    ) -> None:
        with self._lock:
            self.total += 1
            self.by_method[method] += 1
            self.by_route[f"{method} {route}"] += 1
            self.by_status[str(status)] += 1
            if write:
                self.writes += 1
            if graphql:
                self.graphql[graphql] += 1
            entry: dict[str, Any] = {
                "method": method,
                "route": route,
                "path": path,
                "status": status,
                "ms": round(seconds * 1000, 2),
            }
            if graphql:
                entry["graphql"] = graphql
            self.log.append(entry)

    def to_dict(self, repos: list[str]) -> dict[str, Any]:
        with self._lock:
            return {
                "total": self.total,
                "by_method": dict(self.by_method),
                "by_route": dict(self.by_route),
                "by_status": dict(self.by_status),
                "writes": self.writes,
                "graphql": {
                    "queries": self.graphql.get("query", 0),
                    "mutations": self.graphql.get("mutation", 0),
                },
                "repos": repos,
                "log": list(self.log),
            }


# -- faults ------------------------------------------------------------------------------------

FAULT_KINDS = ("500", "502", "secondary-rate-limit", "drop")
# Lost answers: the write is applied, then its answer is lost (a 502, or the connection
# dropped), as when GitHub's front end times out after the change. Only writes (REST writes
# and GraphQL mutations) are affected; reads that draw one are answered normally. Opt in with
# `fault_kinds=LOST_ANSWER_KINDS`.
LOST_ANSWER_KINDS = ("lost-502", "lost-drop")
FAULT_STATUS = {
    "500": 500,
    "502": 502,
    "secondary-rate-limit": 403,
    "drop": 0,
    "lost-502": 502,
    "lost-drop": 0,
}
# GitHub refuses an issue, pull request, comment or discussion body over this many characters.
BODY_LIMIT = 65536
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
    "again. If you reach out to GitHub Support for help, please include the request ID {rid}."
)


class Faults:
    """Seeded fault injection: each request draws once from its own random sequence."""

    def __init__(
        self, rate: float = 0.0, seed: int | str | None = None, kinds: Sequence[str] = FAULT_KINDS
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        self.rate = rate
        self.kinds = tuple(kinds)
        self.seed = seed
        self._rng = random.Random(seed)  # noqa: S311 - reproducible faults, not secrets
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()

    def draw(self) -> str | None:
        if self.rate <= 0:
            return None
        with self._lock:
            hit = self._rng.random() < self.rate
            kind = self._rng.choice(self.kinds) if hit else None
            if kind:
                self.injected[kind] += 1
            return kind

    def spared(self, kind: str) -> None:
        """A lost-answer fault drawn by a read (or a refused write) did not happen."""
        with self._lock:
            self.injected[kind] -= 1


# -- the request context -----------------------------------------------------------------------


class Ctx:
    """One request, as handlers see it."""

    def __init__(
        self,
        server: SandboxApp,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: dict[str, str],
        body: bytes,
        prefix: str,
        host: str,
        route: Route,
        params: dict[str, str],
    ) -> None:
        self.server = server
        self.state = server.state
        self.method = method
        self.path = path
        self.query_list = query
        self.query = dict(query)
        self.headers = headers
        self.body = body
        self.route = route
        self.params = {k: unquote(v) for k, v in params.items()}
        self.web = f"http://{host}"
        self.api = self.web + prefix
        self.identity: Identity = Identity("anonymous")
        self.shapes = Shapes(server.state, self.api, self.web)
        self._json: Any = None
        self.cost = 1
        self.operation: str | None = None  # "query" / "mutation" for GraphQL
        self.rate: tuple[int, int, int, int] | None = None
        self.resource = route.resource

    # -- input ------------------------------------------------------------------------------

    def json(self) -> dict[str, Any]:
        if self._json is None:
            if not self.body.strip():
                self._json = {}
            else:
                try:
                    self._json = json.loads(self.body)
                except ValueError:
                    raise ApiError(400, "Problems parsing JSON") from None
            if not isinstance(self._json, dict):
                raise ApiError(400, "Problems parsing JSON")
        result: dict[str, Any] = self._json
        return result

    def time_param(self, name: str) -> str | None:
        """An ISO 8601 query parameter (`since`, `until`) as `YYYY-MM-DDTHH:MM:SSZ`; 422 when
        it is not a time."""
        value = self.query.get(name)
        if not value:
            return None
        try:
            return iso(value)
        except ValueError:
            raise ApiError(
                422,
                "Validation Failed",
                errors=[
                    {
                        "resource": "Search" if name == "q" else "Issue",
                        "field": name,
                        "code": "invalid",
                    }
                ],
            ) from None

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except (KeyError, ValueError):
            raise not_found() from None

    # -- who and what -----------------------------------------------------------------------

    @property
    def actor(self) -> User:
        """The acting user (the App's bot for installation tokens)."""
        if self.identity.user is None:
            raise ApiError(401, "Requires authentication")
        return self.identity.user

    def permission(self, repo: Repo) -> str | None:
        ident = self.identity
        if ident.kind == "installation" and ident.installation is not None:
            if ident.installation.repositories is None and not ident.installation.account:
                return "admin"
            if repo in self.state.installation_repos(ident.installation):
                return "admin"
            return None
        if ident.user is None:
            return None
        return self.state.permission(repo, ident.user.login)

    def repo(self, need: str | None = None) -> Repo:
        """The route's {owner}/{repo}: 404 when unknown or invisible to the actor; 403 when
        the actor lacks `need` (read/triage/write/maintain/admin)."""
        full = f"{self.params.get('owner', '')}/{self.params.get('repo', '')}"
        repo = self.state.repo(full)
        if repo is None:
            raise not_found()
        perm = self.permission(repo)
        if repo.private and perm is None:
            raise not_found()
        if need is not None:
            if self.identity.user is None:
                raise ApiError(401, "Requires authentication")
            if need != "read" and (perm is None or PERMISSION_RANK[perm] < PERMISSION_RANK[need]):
                kind = (
                    "integration"
                    if self.identity.kind == "installation"
                    else "personal access token"
                )
                raise ApiError(
                    403,
                    f"Resource not accessible by {kind}",
                    headers={"x-accepted-github-permissions": _accepted(self.route.template)},
                )
        return repo

    def can(self, repo: Repo, need: str) -> bool:
        perm = self.permission(repo)
        return perm is not None and PERMISSION_RANK[perm] >= PERMISSION_RANK[need]

    # -- output -----------------------------------------------------------------------------

    def page_args(self) -> tuple[int, int]:
        try:
            per_page = int(self.query.get("per_page") or DEFAULT_PER_PAGE)
        except ValueError:
            per_page = DEFAULT_PER_PAGE
        per_page = DEFAULT_PER_PAGE if per_page < 1 else min(per_page, MAX_PER_PAGE)
        try:
            page = int(self.query.get("page") or 1)
        except ValueError:
            page = 1
        return max(page, 1), per_page

    def link(self, page: int) -> str:
        query = [(k, v) for k, v in self.query_list if k != "page"]
        query.append(("page", str(page)))
        return f"{self.api}{self.path}?{urlencode(query)}"

    def links(self, page: int, last: int) -> str | None:
        parts = []
        if page > 1:
            parts.append(f'<{self.link(min(page - 1, max(last, 1)))}>; rel="prev"')
        if page < last:
            parts.append(f'<{self.link(page + 1)}>; rel="next"')
            parts.append(f'<{self.link(last)}>; rel="last"')
        if page > 1:
            parts.append(f'<{self.link(1)}>; rel="first"')
        return ", ".join(parts) or None

    def paginate(
        self,
        items: Sequence[Any],
        render: Callable[[Any], Any],
        *,
        wrap: Callable[[list[Any]], Any] | None = None,
        cap: int | None = None,
    ) -> Reply:
        """One page of `items` with GitHub's Link header."""
        page, per_page = self.page_args()
        total = len(items) if cap is None else min(len(items), cap)
        last = max((total + per_page - 1) // per_page, 1)
        start = (page - 1) * per_page
        chunk = [render(item) for item in items[start : min(start + per_page, total)]]
        reply = Reply(wrap(chunk) if wrap else chunk)
        link = self.links(page, last if total else 1)
        if link:
            reply.headers["link"] = link
        return reply


def _accepted(template: str) -> str:
    if "/labels" in template or "/issues" in template or "/assignees" in template:
        return "issues=write; pull_requests=write"
    if "/contents" in template or "/git/" in template:
        return "contents=write"
    if "/pulls" in template:
        return "pull_requests=write"
    if "/check-runs" in template:
        return "checks=write"
    if template.endswith("/dispatches"):
        return "contents=write"
    return "metadata=read"


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class Exchange:
    """One served request and its response, for observers."""

    method: str
    template: str
    path: str
    status: int
    headers: dict[str, str]
    body: bytes
    prefix: str
    identity: str
    request: bytes = b""  # the request's body (a GraphQL query and its variables)


# -- the ASGI app ------------------------------------------------------------------------------

Internal = Callable[["SandboxApp", dict[str, Any]], Reply]


class SandboxApp:
    """The ASGI application (uvicorn serves it; tests may call it in-process)."""

    # Called with every exchange of every sandbox in this process (the test suite checks
    # them all against GitHub's descriptions, whichever sandbox served them).
    every_observers: ClassVar[list[Callable[[Exchange], None]]] = []

    def __init__(
        self,
        state: State,
        router: Router,
        *,
        latency_ms: float = 0.0,
        faults: Faults | None = None,
        internal: Mapping[tuple[str, str], Internal] | None = None,
    ) -> None:
        self.state = state
        self.router = router
        self.latency_ms = latency_ms
        self.faults = faults or Faults()
        self.stats = Stats()
        self.rate = RateLimiter()
        self.internal = dict(internal or {})
        self.request_seq = 0
        # Called with every served REST/GraphQL exchange (tests check them against GitHub's
        # OpenAPI description); keep them cheap.
        self.observers: list[Callable[[Exchange], None]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        method = scope["method"].upper()
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        path = raw_path.decode("latin-1").split("?", 1)[0]
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host") or "127.0.0.1"
        body = await _read_body(receive)

        prefix = ""
        if path == "/api/graphql":
            prefix, path = "/api", "/graphql"
        elif path.startswith("/api/v3/") or path == "/api/v3":
            prefix, path = "/api/v3", path[len("/api/v3") :] or "/"
        if len(path) > 1:
            path = path.rstrip("/") if not path.endswith("/contents/") else path

        if path.startswith("/_sandbox/"):
            handler = self.internal.get((method, path))
            if handler is None:
                reply = Reply({"message": "Not Found"}, 404)
            else:
                try:
                    payload = json.loads(body) if body.strip() else {}
                except ValueError:
                    payload = {}
                reply = handler(self, payload if isinstance(payload, dict) else {})
            await _send(send, reply.status, _json_headers(reply), json_bytes(reply.data))
            return

        if self.latency_ms > 0:
            await asyncio.sleep(self.latency_ms / 1000)

        self.request_seq += 1
        request_id = f"{uuid.UUID(int=self.request_seq).hex[:4].upper()}:{self.request_seq:06X}"
        route, params, _other = self.router.match(method, path)
        template = route.template if route else path
        is_write = method not in ("GET", "HEAD")
        fault = self.faults.draw()
        lost = fault if fault in LOST_ANSWER_KINDS else None
        if fault is not None and lost is None:
            graphql_route = route is not None and route.resource == "graphql"
            self.stats.record(
                method,
                template,
                path,
                FAULT_STATUS[fault],
                write=is_write and not graphql_route,
                seconds=time.perf_counter() - started,
            )
            await self._fault(fault, send, request_id)
            return
        if route is None:
            status = 404
            out = {"message": "Not Found", "documentation_url": DOCS, "status": "404"}
            self.stats.record(
                method, path, path, status, write=is_write, seconds=time.perf_counter() - started
            )
            await _send(
                send,
                status,
                [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"x-github-request-id", request_id.encode()),
                ],
                json_bytes(out),
            )
            return
        ctx = Ctx(self, method, path, query, headers, body, prefix, host, route, params)
        reply, status = self._dispatch(ctx, route)
        param = body_param(headers.get("accept"))
        if param and reply.raw is None and reply.data is not None and status < 300:
            reply.data = apply_body_param(reply.data, param)
        response_headers = self._headers(ctx, reply, request_id)
        payload = b""
        if reply.raw is not None:
            payload = reply.raw
        elif reply.data is not None or reply.status not in (204, 304):
            payload = json_bytes(reply.data) if reply.status != 204 else b""
        if method in ("GET", "HEAD") and status == 200:
            etag = 'W/"' + hashlib.md5(payload, usedforsecurity=False).hexdigest() + '"'
            response_headers.append((b"etag", etag.encode()))
            if _etag_matches(headers.get("if-none-match"), etag):
                status, payload = 304, b""
                self._refund(ctx)
                response_headers = [h for h in response_headers if h[0] not in (b"content-type",)]
                self._rate_headers(ctx, response_headers, replace=True)
        if method == "HEAD":
            payload = b""
        # Count before answering, so a client that reads the stats next sees this request.
        write = route.write and route.resource != "graphql"
        if route.resource == "graphql" and ctx.operation == "mutation":
            write = True
        self.stats.record(
            method,
            template,
            path,
            status,
            write=write,
            seconds=time.perf_counter() - started,
            graphql=ctx.operation,
        )
        if self.observers or SandboxApp.every_observers:
            exchange = Exchange(
                method,
                route.documented,
                path,
                status,
                {k.decode(): v.decode() for k, v in response_headers},
                payload,
                prefix,
                ctx.identity.kind,
                request=body,
            )
            for observer in [*self.observers, *SandboxApp.every_observers]:
                observer(exchange)
        if lost is not None:
            if (
                write
                and status < 400
                and not (route.resource == "graphql" and b'"errors"' in payload)
            ):
                await self._fault("drop" if lost == "lost-drop" else "502", send, request_id)
                return
            self.faults.spared(lost)
        await _send(send, status, response_headers, payload)

    def _dispatch(self, ctx: Ctx, route: Route) -> tuple[Reply, int]:
        try:
            ctx.identity = identify(self.state, ctx.headers.get("authorization"))
            if route.auth == "jwt" and ctx.identity.kind != "app":
                raise ApiError(
                    401, "A JSON web token could not be decoded", documentation_url=route.doc
                )
            if route.auth != "jwt" and ctx.identity.kind == "app":
                raise ApiError(
                    401,
                    "A JSON web token could not be decoded"
                    if route.resource == "graphql"
                    else "Resource not accessible by integration",
                )
            if route.write and ctx.identity.kind == "anonymous" and route.resource != "graphql":
                raise ApiError(401, "Requires authentication")
            if route.resource == "graphql" and ctx.identity.kind == "anonymous":
                raise ApiError(
                    401,
                    "This endpoint requires you to be authenticated.",
                    documentation_url="https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
                )
            if route.resource != "graphql" and route.template != "/rate_limit":
                ctx.rate = self.rate.charge(ctx.identity.bucket, route.resource)
            too_long = _body_too_long(ctx, route)
            if too_long is not None:
                return too_long, too_long.status
            with self.state.lock:
                reply = route.handler(ctx)
            return reply, reply.status
        except RateLimited as exc:
            who = ctx.identity.user.id if ctx.identity.user else 0
            ctx.rate = (exc.limit, 0, exc.used, exc.reset)
            ctx.resource = exc.resource
            body: dict[str, Any] = {
                "message": f"API rate limit exceeded for user ID {who}.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                "status": "403",
            }
            if exc.resource == "graphql":
                body = {"errors": [{"type": "RATE_LIMITED", "message": body["message"]}]}
            return Reply(body, 403), 403
        except ApiError as exc:
            reply = Reply(exc.body(route.doc), exc.status, dict(exc.headers))
            return reply, exc.status
        except Exception:  # a sandbox bug: answer as GitHub does, and say where in the log
            log.exception("sandbox: %s %s failed", ctx.method, ctx.path)
            return Reply({"message": "Server Error"}, 500), 500

    def _refund(self, ctx: Ctx) -> None:
        # A 304 does not count against the rate limit, as on GitHub.
        with self.rate._lock:
            bucket = self.rate._buckets.get((ctx.identity.bucket, ctx.resource))
            if bucket is not None and bucket[0] > 0:
                bucket[0] -= 1

    def _rate_headers(
        self, ctx: Ctx, headers: list[tuple[bytes, bytes]], *, replace: bool = False
    ) -> None:
        limit, remaining, used, reset = self.rate.peek(ctx.identity.bucket, ctx.resource)
        if ctx.rate is not None and not replace:
            limit, remaining, used, reset = ctx.rate
        if replace:
            headers[:] = [h for h in headers if not h[0].startswith(b"x-ratelimit-")]
        headers.extend(
            [
                (b"x-ratelimit-limit", str(limit).encode()),
                (b"x-ratelimit-remaining", str(remaining).encode()),
                (b"x-ratelimit-reset", str(reset).encode()),
                (b"x-ratelimit-used", str(used).encode()),
                (b"x-ratelimit-resource", ctx.resource.encode()),
            ]
        )

    def _headers(self, ctx: Ctx, reply: Reply, request_id: str) -> list[tuple[bytes, bytes]]:
        out: list[tuple[bytes, bytes]] = []
        if reply.status != 204:
            out.append((b"content-type", reply.content_type.encode()))
        out.append((b"x-github-media-type", media_type_header(ctx.headers.get("accept")).encode()))
        version = ctx.headers.get("x-github-api-version", "")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", version):
            version = "2022-11-28"
        out.append((b"x-github-api-version-selected", version.encode()))
        out.append((b"x-github-request-id", request_id.encode()))
        out.append(
            (
                b"access-control-expose-headers",
                b"ETag, Link, Location, Retry-After, "
                b"X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, "
                b"X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, "
                b"X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, "
                b"X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset",
            )
        )
        out.append((b"access-control-allow-origin", b"*"))
        self._rate_headers(ctx, out)
        for key, value in reply.headers.items():
            out.append((key.lower().encode(), value.encode()))
        return out

    async def _fault(self, kind: str, send: Send, request_id: str) -> int:
        if kind == "drop":
            transport = getattr(getattr(send, "__self__", None), "transport", None)
            if transport is not None:
                transport.close()
                await asyncio.sleep(0)
                await asyncio.sleep(0)
                return 0
            # No transport to close: cut the response short instead.
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"100")],
                }
            )
            raise ConnectionAbortedError("sandbox fault: dropped connection")
        if kind == "secondary-rate-limit":
            body = {
                "message": SECONDARY_MESSAGE.format(rid=request_id),
                "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
                "status": "403",
            }
            await _send(
                send,
                403,
                [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"retry-after", b"1"),
                    (b"x-github-request-id", request_id.encode()),
                ],
                json_bytes(body),
            )
            return 403
        status = int(kind)
        body = {"message": "Server Error" if status == 500 else "Bad Gateway"}
        await _send(
            send,
            status,
            [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"x-github-request-id", request_id.encode()),
            ],
            json_bytes(body),
        )
        return status


def _body_too_long(ctx: Ctx, route: Route) -> Reply | None:
    """GitHub's limit on bodies: 422 for REST, a GraphQL error for a mutation's `body`."""
    if ctx.method not in ("POST", "PATCH") or len(ctx.body) <= BODY_LIMIT:
        return None
    try:
        data = json.loads(ctx.body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    message = f"Body is too long (maximum is {BODY_LIMIT} characters)"
    if route.resource == "graphql":
        variables = data.get("variables")
        text = variables.get("body") if isinstance(variables, dict) else None
        if isinstance(text, str) and len(text) > BODY_LIMIT:
            return Reply({"data": None, "errors": [{"type": "UNPROCESSABLE", "message": message}]})
        return None
    text = data.get("body")
    if isinstance(text, str) and len(text) > BODY_LIMIT and route.resource == "core":
        error = {"resource": "Issue", "code": "custom", "field": "body", "message": message}
        if "/comments" in route.template:
            error["resource"] = "IssueComment"
        elif "/pulls" in route.template:
            error["resource"] = "PullRequest"
        body = {
            "message": "Validation Failed",
            "errors": [error],
            "documentation_url": route.doc or DOCS,
            "status": "422",
        }
        return Reply(body, 422)
    return None


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    bare = etag.removeprefix("W/")
    for candidate in header.split(","):
        value = candidate.strip()
        if value == "*" or value == etag or value.removeprefix("W/") == bare:
            return True
    return False


def _json_headers(reply: Reply) -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"application/json; charset=utf-8")] + [
        (k.lower().encode(), v.encode()) for k, v in reply.headers.items()
    ]


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [h for h in headers if h[0] != b"content-length"]
    if status not in (204, 304):
        headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body if status not in (204, 304) else b""})
