"""Talking to a running sandbox's control routes (`/_sandbox/...`) from another process: what
`ghcommunity sandbox stats|reset` use, so that the product needs no HTTP client of its own."""

from __future__ import annotations

from typing import Any

import httpx


class ControlError(Exception):
    """The sandbox could not be reached, or refused the request: one line to print."""


def call(base: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """`method path` on the sandbox whose API root is `base` (either form: the root or
    `/api/v3`); the JSON answer."""
    root = base.removesuffix("/").removesuffix("/api/v3")
    try:
        response = httpx.request(method, root + path, json=body, timeout=30)
    except httpx.HTTPError as exc:
        raise ControlError(f"cannot reach the sandbox at {root}: {exc}") from None
    if response.status_code != 200:
        raise ControlError(
            f"the sandbox at {root} answered {response.status_code} to {method} {path}: "
            f"{response.text[:200]}"
        )
    return response.json()
