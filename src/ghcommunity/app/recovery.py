"""Deliveries GitHub could not make while the App was down, recovered.

GitHub does not retry a failed webhook delivery by itself. So at start (a few seconds after the
server listens) and then every `interval` seconds, the App lists its recent deliveries
(`GET /app/hook/deliveries`, with its JWT), back to the previous scan (with some overlap) but
never more than `window` (GitHub redelivers only the last three days), and asks GitHub to
deliver again (`POST /app/hook/deliveries/{id}/attempts`) every event that:

- never succeeded (no attempt answered 2xx/3xx),
- whose last attempt failed in a way the App did not choose (no connection, a timeout, 5xx,
  408 or 429; a 4xx the App answered on purpose, such as a bad signature, is not repeated),
- and that the App's queue does not know (each delivery id is kept there for
  `keep_done_days`, so an event is never run twice however often it is redelivered).

The time of the last complete scan is kept in the queue database, so a restart looks back to it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from ghcommunity.app.queue import Queue
from ghcommunity.core.errors import GhcError
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.hook_deliveries import (
    HookDelivery,
    recent_hook_deliveries,
    redeliver_hook_delivery,
)

log = logging.getLogger(__name__)

MARK = "recovery.scanned_at"
OVERLAP = 900.0  # look this far behind the previous scan: attempts in flight then
MAX_PER_SCAN = 500  # redeliveries asked for in one scan (the rest wait for the next)


def _retryable(status_code: int) -> bool:
    return status_code == 0 or status_code >= 500 or status_code in (408, 429)


def missed(deliveries: Iterable[HookDelivery], known: Callable[[str], bool]) -> list[HookDelivery]:
    """The latest attempt of each event that should be delivered again, oldest first. Pure."""
    attempts: dict[str, list[HookDelivery]] = {}
    for delivery in deliveries:
        attempts.setdefault(delivery.guid, []).append(delivery)
    out = []
    for guid, tries in attempts.items():
        if any(200 <= t.status_code < 400 for t in tries):
            continue
        latest = max(tries, key=lambda t: t.id)
        if _retryable(latest.status_code) and not known(guid):
            out.append(latest)
    return sorted(out, key=lambda t: t.id)


class Recovery:
    def __init__(
        self,
        queue: Queue,
        app_client: Callable[[], GitHubClient],
        *,
        interval: float = 600.0,
        window: float = 3 * 86400.0,
        first_delay: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.queue = queue
        self.app_client = app_client
        self.interval = interval
        self.window = window
        self.first_delay = first_delay
        self.clock = clock
        self._asked: dict[str, float] = {}  # guid → when we asked for it
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.redelivered = 0

    def _known(self, guid: str) -> bool:
        asked = self._asked.get(guid)
        if asked is not None and self.clock() - asked < max(self.interval, 60.0):
            return True  # asked recently; GitHub may not have made the attempt yet
        return self.queue.get(guid) is not None

    def scan(self) -> int:
        """One scan; returns how many redeliveries it asked for."""
        now = self.clock()
        last = self.queue.get_mark(MARK)
        since = now - self.window if last is None else max(now - self.window, last - OVERLAP)
        client = self.app_client()
        listed = list(recent_hook_deliveries(client, datetime.fromtimestamp(since, UTC)))
        todo = missed(listed, self._known)
        for delivery in todo[:MAX_PER_SCAN]:
            if self._stop.is_set():
                return 0
            redeliver_hook_delivery(client, delivery.id)
            self._asked[delivery.guid] = now
            self.redelivered += 1
            log.info(
                "asked GitHub to redeliver %s (%s%s, last attempt: %s)",
                delivery.guid,
                delivery.event,
                f".{delivery.action}" if delivery.action else "",
                delivery.status or delivery.status_code,
            )
        if len(todo) <= MAX_PER_SCAN:
            self.queue.set_mark(MARK, now)
        for guid in [g for g, at in self._asked.items() if now - at > self.window]:
            del self._asked[guid]
        log.info(
            "recovery: %d deliveries since %s, %d redelivered",
            len(listed),
            datetime.fromtimestamp(since, UTC).isoformat(timespec="seconds"),
            min(len(todo), MAX_PER_SCAN),
        )
        return min(len(todo), MAX_PER_SCAN)

    def _run(self) -> None:
        if self._stop.wait(self.first_delay):
            return
        while not self._stop.is_set():
            try:
                self.scan()
            except GhcError as exc:
                log.warning("recovery: %s", exc)
            except Exception:
                log.exception("recovery failed")
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="recovery", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
