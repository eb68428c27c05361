"""The App's own section of the community dashboard: deliveries parked after failures, with
their event and error, each with a box to retry it. Only the App holds its queue, so the App
supplies this section (`install`, when the service is built); the CLI and the Action have no
queue and leave it out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ghcommunity.app.queue import Queue
from ghcommunity.core.dashboard import (
    DashboardInputs,
    DashboardLine,
    DashboardSection,
    Tick,
    TickRun,
)
from ghcommunity.core.markdown import code_span
from ghcommunity.core.providers import dashboard_section, tick_handler
from ghcommunity.github.context import Context

SHOWN = 20


def _one_line(text: Any, limit: int = 160) -> str:
    cleaned = " ".join(str(text or "").split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _parked(queue: Queue, repo: str) -> list[dict[str, Any]]:
    return [
        row
        for row in queue.list("parked", limit=200)
        if str(row.get("repo") or "").lower() == repo.lower()
    ]


def _closed(queue: Queue) -> bool:
    return bool(getattr(queue, "_closed", False))


def install(queue: Queue) -> None:
    """Offer the parked deliveries section and the `retry:<seq>` ticks, for this queue."""

    @dashboard_section("app-deliveries")
    def parked_section(ctx: Context, inputs: DashboardInputs) -> DashboardSection | None:
        if _closed(queue):
            return None  # the service that installed it has stopped
        rows = _parked(queue, inputs.repo)
        lines = []
        for row in rows[:SHOWN]:
            event = row["event"] + (f".{row['action']}" if row.get("action") else "")
            when = datetime.fromtimestamp(float(row["received_at"]), UTC)
            lines.append(
                DashboardLine(
                    f"{code_span(event)} received {when:%-d %B %Y %H:%M} UTC, parked after "
                    f"{row['attempts']} attempt(s): {code_span(_one_line(row.get('last_error')))}"
                )
            )
            lines.append(
                DashboardLine(
                    "",
                    Tick(id=f"retry:{row['seq']}", label=f"Retry this parked delivery ({event})"),
                )
            )
        if len(rows) > SHOWN:
            lines.append(DashboardLine(f"and {len(rows) - SHOWN} more"))
        return DashboardSection(
            key="app-deliveries",
            title="The App's parked deliveries",
            lines=tuple(lines),
            order=80,
            empty="No delivery is parked.",
        )

    @tick_handler("retry")
    def retry(ctx: Context, tick: Tick) -> TickRun:
        if _closed(queue):
            return TickRun(False, "the App's queue is closed")
        seq = tick.id.split(":", 1)[1]
        row = next((r for r in _parked(queue, ctx.config.repo) if str(r["seq"]) == seq), None)
        if row is None:
            return TickRun(False, "that delivery is no longer parked")
        previous = queue.retry(str(row["id"]))
        if previous is None:
            return TickRun(False, "that delivery is no longer in the queue")
        return TickRun(True, f"delivery {row['id']} queued again")
