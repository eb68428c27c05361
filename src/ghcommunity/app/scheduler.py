"""Scheduled jobs for the App (opt-in with `--schedule`): meetings and lifecycle daily, the
digest on the first of the month.

A scheduled run is queued as a `repository_dispatch` delivery, exactly what a maintainer (or a
workflow) sends to run a job now (`event_type: ghcommunity-meetings`), so both paths reach the
same handlers through the same dispatcher. Its delivery id names the job, repository and date,
so the queue's deduplication makes each run happen once per day however many instances run the
scheduler and however often they restart.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ghcommunity.app.auth import Clients
from ghcommunity.app.queue import Queue
from ghcommunity.core.errors import GhcError

log = logging.getLogger(__name__)

DISPATCH_PREFIX = "ghcommunity-"


@dataclass(frozen=True)
class ScheduledJob:
    name: str  # the repository_dispatch event_type is DISPATCH_PREFIX + name
    monthly: bool = False  # only on the first of the month

    def due(self, day: date) -> bool:
        return not self.monthly or day.day == 1


JOBS = (
    ScheduledJob("meetings"),
    ScheduledJob("lifecycle"),
    ScheduledJob("digest", monthly=True),
    ScheduledJob("dashboard"),
)


@dataclass(frozen=True)
class Target:
    repo: str
    installation_id: int | None


def due_deliveries(
    targets: Iterable[Target], day: date, jobs: Iterable[ScheduledJob] = JOBS
) -> list[tuple[str, bytes, Target, str]]:
    """(delivery id, body, target, event_type) for every job due on `day`. Pure."""
    out = []
    for target in targets:
        owner, _, name = target.repo.partition("/")
        for job in jobs:
            if not job.due(day):
                continue
            event_type = DISPATCH_PREFIX + job.name
            payload: dict[str, object] = {
                "action": event_type,
                "branch": None,
                "client_payload": {"scheduled": True, "date": day.isoformat()},
                "repository": {"full_name": target.repo, "name": name, "owner": {"login": owner}},
            }
            if target.installation_id:
                payload["installation"] = {"id": target.installation_id}
            delivery = f"schedule:{job.name}:{target.repo}:{day.isoformat()}"
            out.append((delivery, json.dumps(payload).encode(), target, event_type))
    return out


def installation_targets(clients: Clients) -> list[Target]:
    """Every repository of every installation of the App."""
    targets = []
    app = clients.app_client()
    for installation in app.paginate("/app/installations", what="listing installations"):
        installation_id = int(installation["id"])
        if installation.get("suspended_at"):
            continue
        client = clients.for_repos(installation_id, [])
        for repo in client.paginate(
            "/installation/repositories",
            items=lambda data: list(data.get("repositories") or []),
            what=f"listing installation {installation_id}'s repositories",
        ):
            targets.append(Target(str(repo["full_name"]), installation_id))
    return targets


class Scheduler:
    def __init__(
        self,
        queue: Queue,
        targets: Callable[[], list[Target]],
        *,
        wake: Callable[[], None] = lambda: None,
        interval: float = 300.0,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.queue = queue
        self.targets = targets
        self.wake = wake
        self.interval = interval
        self.today = today
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> int:
        """Queue whatever is due today and not queued yet; returns how many were new."""
        new = 0
        for delivery, body, target, event_type in due_deliveries(self.targets(), self.today()):
            result = self.queue.enqueue(
                delivery,
                "repository_dispatch",
                body,
                action=event_type,
                repo=target.repo,
                installation_id=target.installation_id,
            )
            if result.status == "queued":
                new += 1
                log.info("scheduled %s for %s", event_type, target.repo)
        if new:
            self.wake()
        return new

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except (GhcError, OSError) as exc:
                log.warning("scheduler: %s", exc)
            except Exception:
                log.exception("scheduler failed")
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
