"""The App's HTTP side (Starlette): the webhook endpoint, health checks and the admin endpoints.

`POST /webhook`, in this order, each step before the next reads more:
  413 if Content-Length (or the bytes actually streamed) exceed 25 MB;
  415 unless the content type is application/json (set the webhook to JSON; the
      form-encoded `payload=` variant is refused rather than parsed);
  401 if `X-Hub-Signature-256` is missing or wrong (HMAC-SHA256 of the raw body, checked in
      constant time, before anything in the body is parsed);
  400 if `X-GitHub-Event` or `X-GitHub-Delivery` is missing, or the body is not a JSON object,
      or is nested too deep, or holds what the queue cannot store (an installation id outside
      1..2^63-1, text that is not valid Unicode such as a lone surrogate): such a delivery is
      refused alone, never failing the commit of the deliveries queued with it;
  202 once the delivery is committed to the queue — including a duplicate delivery id, which is
      not queued again (the response's `note` says so) unless the earlier one was parked.

Before any of that, a request whose headers total more than 16 KB is refused (431), and the
connection-level limits of `app/http.py` (header and body time limits, a cap on connections)
keep slow or idle clients from holding the server.

`GET /healthz`: the process is up. `GET /readyz`: the queue database answers and the workers run.
`GET /admin/deliveries?state=parked` and `POST /admin/deliveries/{id}/retry` need
`Authorization: Bearer <GHCOMMUNITY_ADMIN_TOKEN>`; without an admin token they do not exist (404).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ghcommunity.app.logging import delivery_context
from ghcommunity.app.queue import STATES, Queue, lane_for
from ghcommunity.app.recovery import Recovery
from ghcommunity.app.scheduler import Scheduler
from ghcommunity.app.settings import Settings
from ghcommunity.app.signature import verify
from ghcommunity.app.worker import Workers
from ghcommunity.core import payload as p

log = logging.getLogger(__name__)

_EVENT_NAME = re.compile(r"^[a-z0-9_]{1,100}$")  # e.g. projects_v2_item
_DELIVERY_ID = re.compile(r"^[A-Za-z0-9._:/-]{1,200}$")


@dataclass(frozen=True)
class Accepted:
    status: str
    note: str
    lane: str


@dataclass
class Rejected(Exception):
    status: int
    message: str


def _problem(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing (413) anything over `limit` before reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise Rejected(413, f"the body is over {limit} bytes")
        except ValueError:
            raise Rejected(400, "Content-Length is not a number") from None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:  # a missing or lying Content-Length
            raise Rejected(413, f"the body is over {limit} bytes")
    return bytes(body)


MAX_HEADER_BYTES = 16 * 1024  # GitHub's own headers are well under 2 KB
_MAX_ID = 2**63 - 1  # the queue's BIGINT


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (RFC 8259); GitHub never sends them.
    raise ValueError(f"{name} is not JSON")


def _decode(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejected(400, f"the body is not valid JSON: {exc}") from None
    except RecursionError:  # json's decoder stops at Python's recursion limit
        raise Rejected(400, "the body nests JSON too deep") from None
    if not isinstance(data, dict):
        raise Rejected(400, "the body is not a JSON object")
    return data


def _storable(name: str, value: str | None, limit: int) -> str | None:
    """`value` as the queue can store it, or a 400 naming the field."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Rejected(400, f"{name} is not valid Unicode (a lone surrogate?)") from None
    if "\x00" in value:
        raise Rejected(400, f"{name} contains a NUL character")
    if len(value) > limit:
        raise Rejected(400, f"{name} is over {limit} characters")
    return value


def _fields(data: dict[str, Any]) -> tuple[str, str | None, int | None]:
    """(action, repository, installation id) of a delivery, each one the queue can store."""
    raw = p.get(data, "installation", "id")
    if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise Rejected(400, f"installation.id {str(raw)[:40]!r} is not a number GitHub sends")
    installation = p.integer(data, "installation", "id")
    if installation is not None and not 0 < installation <= _MAX_ID:
        raise Rejected(400, f"installation.id {installation} is out of range")
    action = (_storable("action", p.text(data, "action"), 10_000) or "")[:100]
    repo = _storable("repository.full_name", p.repo_full_name(data) or None, 300)
    return action, repo, installation


class HeaderLimit:
    """ASGI middleware: 431 for a request whose headers total over MAX_HEADER_BYTES, before the
    app reads its body (h11 caps headers that arrive slowly; this caps those sent at once)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            size += sum(len(k) + len(v) + 4 for k, v in scope.get("headers") or ())
            if size > self.limit:
                log.warning("rejected 431: %d bytes of request headers", size)
                response = _problem(431, f"the request headers are over {self.limit} bytes")
                response.headers["connection"] = "close"
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class WebhookApp:
    def __init__(
        self, settings: Settings, queue: Queue, workers: Workers | None, *, threads: bool = True
    ) -> None:
        self.settings = settings
        self.queue = queue
        self.workers = workers
        self.threads = threads  # whether worker threads should be running

    async def _accept(self, delivery: str, event: str, body: bytes) -> Accepted:
        # A large body is parsed off the event loop so other requests are not held up.
        if len(body) > 256 * 1024:
            data = await run_in_threadpool(_decode, body)
        else:
            data = _decode(body)
        action, repo, installation = _fields(data)
        committed = self.queue.submit(
            delivery, event, body, action=action, repo=repo, installation_id=installation
        )
        result = await asyncio.wrap_future(committed)
        return Accepted(result.status, result.note, lane_for(installation))

    async def webhook(self, request: Request) -> Response:
        headers = request.headers
        delivery = headers.get("x-github-delivery", "")
        event = headers.get("x-github-event", "")
        with delivery_context(delivery or None, event or None):
            try:
                content_type = headers.get("content-type", "").split(";")[0].strip().lower()
                declared = headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.settings.max_body:
                    raise Rejected(413, f"the body is over {self.settings.max_body} bytes")
                if content_type != "application/json":
                    raise Rejected(
                        415, "expected Content-Type application/json (set the webhook to JSON)"
                    )
                body = await read_body(request, self.settings.max_body)
                signature = headers.get("x-hub-signature-256")
                if not signature:
                    raise Rejected(401, "missing X-Hub-Signature-256")
                if not verify(self.settings.webhook_secret, body, signature):
                    raise Rejected(401, "X-Hub-Signature-256 does not match the body")
                if not event or not _EVENT_NAME.match(event):
                    raise Rejected(400, "missing or malformed X-GitHub-Event")
                if not delivery or not _DELIVERY_ID.match(delivery):
                    raise Rejected(400, "missing or malformed X-GitHub-Delivery")
                result = await self._accept(delivery, event, body)
            except Rejected as rejected:
                log.warning("rejected %s: %s", rejected.status, rejected.message)
                return _problem(rejected.status, rejected.message)
            except ClientDisconnect:
                # One line, not a traceback: the sender gave up (or was cut off) mid-body.
                log.warning("the client disconnected before sending the whole body")
                return _problem(400, "the client disconnected before sending the whole body")
            if self.workers is not None and result.status != "duplicate":
                self.workers.wake(result.lane)
            log.info("accepted: %s", result.note)
            return JSONResponse(
                {"delivery": delivery, "status": result.status, "note": result.note},
                status_code=202,
            )

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(self, request: Request) -> Response:
        problems = []
        try:
            await run_in_threadpool(self.queue.ping)
        except Exception as exc:
            problems.append(f"the queue database does not answer: {type(exc).__name__}")
        if self.workers is not None and self.threads and not self.workers.alive:
            problems.append("the workers are not running")
        if problems:
            return JSONResponse({"status": "not ready", "problems": problems}, status_code=503)
        if self.workers is not None and self.workers.stuck:
            # Jobs abandoned past their time limit whose threads never returned: still ready
            # (other work runs), but worth a look.
            return JSONResponse({"status": "ready", "stuck_jobs": self.workers.stuck})
        return JSONResponse({"status": "ready"})

    def _admin(self, request: Request) -> Response | None:
        """None when the caller may use the admin endpoints, else the response to send."""
        token = self.settings.admin_token
        if not token:
            return _problem(404, "not found")
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            value.strip().encode(), token.encode()
        ):
            return _problem(401, "admin token required", **{"WWW-Authenticate": "Bearer"})
        return None

    async def list_deliveries(self, request: Request) -> Response:
        denied = self._admin(request)
        if denied:
            return denied
        state = request.query_params.get("state") or None
        if state is not None and state not in STATES:
            return _problem(400, f"state must be one of {', '.join(STATES)}")
        try:
            limit = min(max(int(request.query_params.get("limit", "100")), 1), 1000)
        except ValueError:
            return _problem(400, "limit must be a number")
        rows = await run_in_threadpool(self.queue.list, state, limit)
        counts = await run_in_threadpool(self.queue.counts)
        return JSONResponse({"counts": counts, "deliveries": rows})

    async def retry_delivery(self, request: Request) -> Response:
        denied = self._admin(request)
        if denied:
            return denied
        delivery = request.path_params["delivery"]
        previous = await run_in_threadpool(self.queue.retry, delivery)
        if previous is None:
            return _problem(404, f"no delivery {delivery}")
        if previous not in ("parked", "done"):
            return _problem(409, f"delivery {delivery} is {previous}; nothing to retry")
        if self.workers is not None:
            self.workers.wake()
        log.info("delivery %s (%s) queued again by an admin", delivery, previous)
        return JSONResponse(
            {"delivery": delivery, "status": "queued", "was": previous}, status_code=202
        )


def create_app(
    settings: Settings,
    queue: Queue,
    workers: Workers | None,
    *,
    start_workers: bool = True,
    scheduler: Scheduler | None = None,
    recovery: Recovery | None = None,
) -> Starlette:
    """The ASGI app. With `start_workers`, worker threads (and the scheduler) run while the
    app is up."""
    web = WebhookApp(settings, queue, workers, threads=start_workers)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if workers is not None and start_workers:
            workers.start()
            log.info(
                "started %d worker(s) on %s", workers.count, queue.engine.url.render_as_string()
            )
        if scheduler is not None and start_workers:
            scheduler.start()
        if recovery is not None and start_workers:
            recovery.start()
        try:
            yield
        finally:
            if recovery is not None and start_workers:
                recovery.stop()
            if scheduler is not None and start_workers:
                scheduler.stop()
            if workers is not None and start_workers:
                workers.stop(settings.shutdown_timeout)
                log.info("stopped: workers finished their jobs")

    return Starlette(
        routes=[
            Route("/webhook", web.webhook, methods=["POST"]),
            Route("/healthz", web.healthz, methods=["GET"]),
            Route("/readyz", web.readyz, methods=["GET"]),
            Route("/admin/deliveries", web.list_deliveries, methods=["GET"]),
            Route("/admin/deliveries/{delivery:path}/retry", web.retry_delivery, methods=["POST"]),
        ],
        lifespan=lifespan,
        middleware=[Middleware(HeaderLimit)],
    )
