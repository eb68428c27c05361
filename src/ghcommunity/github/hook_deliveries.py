"""The App's own webhook deliveries (`/app/hook/deliveries`, with the App's JWT): list the
recent ones and ask GitHub to deliver one again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ghcommunity.core.timestamps import timestamp
from ghcommunity.github.client import GitHubClient


@dataclass(frozen=True)
class HookDelivery:
    """One delivery attempt, as GitHub lists it (`hook-delivery-item`)."""

    id: int  # this attempt's number (what a redelivery is asked for by)
    guid: str  # the X-GitHub-Delivery header, shared by every attempt of one event
    delivered_at: datetime | None
    redelivery: bool
    status_code: int
    status: str
    event: str
    action: str | None
    installation_id: int | None

    @classmethod
    def of(cls, item: dict[str, Any]) -> HookDelivery | None:
        try:
            number = int(item["id"])
            guid = str(item["guid"])
        except (KeyError, TypeError, ValueError):
            return None
        code = item.get("status_code")
        installation = item.get("installation_id")
        return cls(
            id=number,
            guid=guid,
            delivered_at=timestamp(item.get("delivered_at")),
            redelivery=item.get("redelivery") is True,
            status_code=code if isinstance(code, int) else 0,
            status=str(item.get("status") or ""),
            event=str(item.get("event") or ""),
            action=item.get("action") if isinstance(item.get("action"), str) else None,
            installation_id=installation if isinstance(installation, int) else None,
        )


def recent_hook_deliveries(client: GitHubClient, since: datetime) -> Iterator[HookDelivery]:
    """The App's delivery attempts made since `since`, newest first (GitHub lists them newest
    first, following the `Link` header's cursor; the listing stops at the first older one)."""
    for item in client.paginate(
        "/app/hook/deliveries", what="listing the App's webhook deliveries"
    ):
        delivery = HookDelivery.of(item) if isinstance(item, dict) else None
        if delivery is None:
            continue
        if delivery.delivered_at is not None and delivery.delivered_at < since:
            return
        yield delivery


def redeliver_hook_delivery(client: GitHubClient, delivery_id: int) -> None:
    """Ask GitHub to deliver attempt `delivery_id`'s event again (202; it arrives shortly)."""
    client.rest(
        "POST",
        f"/app/hook/deliveries/{delivery_id}/attempts",
        what=f"asking GitHub to redeliver webhook delivery {delivery_id}",
    )
