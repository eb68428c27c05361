"""The App webhook's deliveries, as GitHub serves them to the App (with its JWT):

- `GET /app/hook/deliveries`: every attempt, newest first, `hook-delivery-item` objects;
  `per_page` (at most 100), `status=success|failure` (status codes 200-399 / 400-599; a
  receiver that was down counts as 502 "failed to connect"), and cursor pagination: the `Link`
  header's `rel="next"` URL carries `cursor=v1_<id>`, the first attempt of the next page.
- `POST /app/hook/deliveries/{delivery_id}/attempts`: deliver that attempt's payload again
  (same guid, headers and signature; `redelivery: true`); 202 with `{}`, 404 for an unknown id.

The sandbox has one webhook (the `webhook_url` it was started with); it plays the App's.
"""

from __future__ import annotations

from urllib.parse import urlencode

from ghcommunity_sandbox.errors import ApiError, not_found
from ghcommunity_sandbox.http import DEFAULT_PER_PAGE, MAX_PER_PAGE, Ctx, Reply
from ghcommunity_sandbox.rest import route
from ghcommunity_sandbox.webhooks import Delivery, WebhookDispatcher

_DOCS = "apps/webhooks"


def _dispatcher(ctx: Ctx) -> WebhookDispatcher:
    sandbox = getattr(ctx.server, "sandbox", None)
    webhooks = getattr(sandbox, "webhooks", None)
    if not isinstance(webhooks, WebhookDispatcher):
        raise not_found()
    return webhooks


def _status_class(delivery: Delivery) -> str:
    code = int(delivery.hook_item()["status_code"])
    return "success" if 200 <= code < 400 else "failure"


@route("GET", "/app/hook/deliveries", f"{_DOCS}#list-deliveries-for-an-app-webhook", auth="jwt")
def list_hook_deliveries(ctx: Ctx) -> Reply:
    attempts = _dispatcher(ctx).attempts()
    wanted = ctx.query.get("status")
    if wanted is not None:
        if wanted not in ("success", "failure"):
            raise ApiError(400, "Invalid status: use success or failure")
        attempts = [d for d in attempts if _status_class(d) == wanted]
    try:
        per_page = int(ctx.query.get("per_page") or DEFAULT_PER_PAGE)
    except ValueError:
        per_page = DEFAULT_PER_PAGE
    per_page = DEFAULT_PER_PAGE if per_page < 1 else min(per_page, MAX_PER_PAGE)
    cursor = ctx.query.get("cursor")
    if cursor:
        try:
            start = int(cursor.removeprefix("v1_"))
        except ValueError:
            raise ApiError(400, "Invalid cursor") from None
        attempts = [d for d in attempts if d.number <= start]
    page, rest = attempts[:per_page], attempts[per_page:]
    reply = Reply([d.hook_item() for d in page])
    if rest:
        query = [(k, v) for k, v in ctx.query_list if k != "cursor"]
        query.append(("cursor", f"v1_{rest[0].number}"))
        reply.headers["link"] = f'<{ctx.api}{ctx.path}?{urlencode(query)}>; rel="next"'
    return reply


@route(
    "POST",
    "/app/hook/deliveries/{delivery_id}/attempts",
    f"{_DOCS}#redeliver-a-delivery-for-an-app-webhook",
    auth="jwt",
)
def redeliver_hook_delivery(ctx: Ctx) -> Reply:
    again = _dispatcher(ctx).redeliver(ctx.int_param("delivery_id"))
    if again is None:
        raise not_found()
    return Reply({}, 202)
