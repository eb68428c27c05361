"""Connection limits for `ghcommunity serve`, so slow or idle clients cannot hold the server.

uvicorn's HTTP/1.1 protocol (h11) with three limits added, each per connection:

- the request headers must arrive within `header_timeout` seconds of the connection opening (or
  of its first byte after a keep-alive pause), else the connection is closed;
- the body must then arrive within `body_timeout` seconds, else the connection is closed (the
  webhook endpoint sees a disconnect and logs one line);
- at most `max_connections` connections are open: when one more arrives, the connection that
  has waited longest without a complete request is closed to make room, so a crowd of slow
  clients cannot lock GitHub out (a connection whose request is complete is never dropped).

Closing is silent: a slow client costs one rate-limited log line, not a traceback. In
production, a reverse proxy in front (see docs/app.md) does this work too, but the App is safe
without one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)


class LimitedH11Protocol(H11Protocol):
    header_timeout: float = 10.0
    body_timeout: float = 60.0
    max_connections: int = 2000
    # Connections waiting for their client's request, longest-waiting first (one per server:
    # `protocol_class` gives each its own), so making room costs O(1), not a scan.
    _waiting_order: ClassVar[OrderedDict[LimitedH11Protocol, None]] = OrderedDict()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._phase = ""  # "headers" or "body" while a deadline runs

    # -- uvicorn's hooks -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self._make_room()
        self._waiting_order[self] = None
        self._arm("headers", self.header_timeout)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._track()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._track()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._waiting_order.pop(self, None)
        super().connection_lost(exc)

    # -- deadlines -------------------------------------------------------------------------

    def _incomplete(self) -> bool:
        """Whether the connection is waiting on the client (no complete request in hand)."""
        return self.conn.their_state in (h11.IDLE, h11.SEND_BODY)

    def _track(self) -> None:
        """Move the deadline along with the request: headers, then body, then none."""
        if self.transport is None or self.transport.is_closing():
            return
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            if self._phase != "body":
                self._arm("body", self.body_timeout)
        elif state is h11.IDLE:
            if self._phase != "headers" and self.conn.trailing_data[0]:
                self._arm("headers", self.header_timeout)  # a new request has begun
                self._waiting_order[self] = None
                self._waiting_order.move_to_end(self)
            elif self._phase == "body":
                self._disarm()
        else:
            self._disarm()  # the request is complete: the app has it
            self._waiting_order.pop(self, None)

    def _arm(self, phase: str, seconds: float) -> None:
        self._disarm()
        self._phase = phase
        self._deadline = self.loop.call_later(seconds, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._phase = ""

    def _expire(self) -> None:
        phase = self._phase
        self._deadline = None
        self._phase = ""
        if self.transport.is_closing():
            return
        if not self._incomplete():
            return
        log.warning("closed a connection that did not send its request %s in time", phase)
        self.transport.close()

    def _make_room(self) -> None:
        """Close the connection that has waited longest for its client's request."""
        order = self._waiting_order
        while order:
            oldest, _ = order.popitem(last=False)
            if oldest is not self and oldest._waiting():
                log.warning(
                    "at %d connections: closed the longest-waiting one", self.max_connections
                )
                oldest.transport.close()
                return
        log.warning("%d connections are busy; refusing one more", len(self.connections))
        self.transport.close()

    def _waiting(self) -> bool:
        return not self.transport.is_closing() and self._incomplete()


def protocol_class(
    *, header_timeout: float, body_timeout: float, max_connections: int
) -> type[LimitedH11Protocol]:
    """The protocol class uvicorn should use (`uvicorn.Config(http=...)`) with these limits."""
    return type(
        "LimitedH11Protocol",
        (LimitedH11Protocol,),
        {
            "header_timeout": header_timeout,
            "body_timeout": body_timeout,
            "max_connections": max_connections,
            "_waiting_order": OrderedDict(),
        },
    )
