"""Structured JSON logs with the delivery id, and a filter that keeps secrets out of them.

Every record a worker or the webhook endpoint writes carries the delivery id, event and
repository from context variables, so one delivery can be followed across threads. Nothing logs
payload bodies or tokens at info level; as a second line of defence a filter replaces any known
secret value (the webhook secret, the private key, tokens) that slips into a message.
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Any

delivery_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("delivery", default=None)
event_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("event", default=None)
repo_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("repo", default=None)

REDACTED = "[redacted]"
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


@contextmanager
def delivery_context(
    delivery: str | None, event: str | None = None, repo: str | None = None
) -> Iterator[None]:
    tokens = [delivery_var.set(delivery), event_var.set(event), repo_var.set(repo)]
    try:
        yield
    finally:
        for var, token in zip((delivery_var, event_var, repo_var), tokens, strict=True):
            var.reset(token)


class Redactor(logging.Filter):
    """Replaces registered secret values in every record's message and arguments."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: set[str] = set()

    def add(self, *values: str | None) -> None:
        with self._lock:
            for value in values:
                if value and len(value) >= 8:
                    self._secrets.add(value)
                    # A PEM key may be logged line by line; guard its body lines too.
                    for line in value.splitlines():
                        if len(line) >= 32 and not line.startswith("-----"):
                            self._secrets.add(line)

    def scrub(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        clean = self.scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = self.scrub(text)
        return True


REDACTOR = Redactor()


class RateLimit(logging.Filter):
    """At most `burst` warnings or errors with the same message template per `window` seconds;
    the next one let through says how many were dropped. A flood of hostile connections (or a
    failing accept loop) costs a few lines a minute, not megabytes. Info and debug pass."""

    def __init__(
        self, burst: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.burst = burst
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, int, str], list[float]] = {}  # [window start, count, dropped]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.levelno, str(record.msg)[:200])
        now = self.clock()
        with self._lock:
            entry = self._seen.get(key)
            if entry is None or now - entry[0] >= self.window:
                dropped = int(entry[2]) if entry else 0
                if len(self._seen) > 10_000:
                    self._seen.clear()
                self._seen[key] = [now, 1, 0]
                if dropped:
                    record.suppressed = dropped
                return True
            entry[1] += 1
            if entry[1] > self.burst:
                entry[2] += 1
                return False
            return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, and delivery/event/repo when known."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name, var in (("delivery", delivery_var), ("event", event_var), ("repo", repo_var)):
            value = var.get()
            if value:
                out[name] = value
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in out:
                out[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            out["error"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure(
    level: int = logging.INFO, *, secrets: list[str] | None = None, stream: IO[str] | None = None
) -> logging.Handler:
    """JSON logs on stderr (or `stream`) for the whole process (our loggers and uvicorn's)."""
    REDACTOR.add(*(secrets or []))
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RateLimit())
    handler.addFilter(REDACTOR)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    # httpx logs every request URL at info; keep that at debug.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    return handler
