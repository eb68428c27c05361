"""Whether a failed job can be fixed by waiting (rate limits, 5xx, dropped connections) and how
long GitHub asked us to wait: what the App's workers use to retry or park a delivery."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
from githubkit.exception import RateLimitExceeded, RequestError, RequestFailed


@dataclass(frozen=True)
class Failure:
    message: str
    retryable: bool
    retry_after: float | None = None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _header_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value:
        try:
            return max(float(value), 0.0)
        except ValueError:
            return None
    return None


def classify(exc: BaseException) -> Failure:
    """Whether waiting can fix this failure, and how long GitHub asked us to wait."""
    message = f"{type(exc).__name__}: {exc}".strip()
    for cause in _chain(exc):
        if isinstance(cause, RateLimitExceeded):  # primary and secondary limits
            return Failure(message, True, max(cause.retry_after.total_seconds(), 1.0))
        if isinstance(cause, RequestFailed):
            status = cause.response.status_code
            if status == 429 or (status >= 500 and status not in (501, 505)):
                return Failure(message, True, _header_seconds(cause.response.raw_response))
            return Failure(message, False)
        if isinstance(cause, RequestError | httpx.TransportError | ConnectionError | TimeoutError):
            return Failure(message, True)
    return Failure(message, False)
