"""ISO 8601 times, as GitHub writes them and as people type them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_instant(text: str) -> datetime:
    """An ISO date or date-time such as 2026-11-01 or 2026-11-01T09:00:00Z, in UTC when it
    gives no offset. ValueError when it is neither (callers word the error for their input)."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def timestamp(value: Any) -> datetime | None:
    """A time field of an API response (`createdAt`, `expires_at`); None when it is missing or
    not a time, so an odd value never crashes a reader."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        return None
