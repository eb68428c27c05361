"""Putting the App together: queue, clients, config cache, processor, workers, web app."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.applications import Starlette

from ghcommunity.app.auth import Clients
from ghcommunity.app.dashboard import install as install_dashboard
from ghcommunity.app.processor import Processed, Processor
from ghcommunity.app.queue import Queue
from ghcommunity.app.recovery import Recovery
from ghcommunity.app.repo_config import RepoConfigs
from ghcommunity.app.scheduler import Scheduler, Target, installation_targets
from ghcommunity.app.server import create_app
from ghcommunity.app.settings import Settings, check
from ghcommunity.app.worker import Workers
from ghcommunity.core.events import Event


@dataclass
class Service:
    settings: Settings
    queue: Queue
    clients: Clients
    configs: RepoConfigs
    processor: Processor
    workers: Workers
    scheduler: Scheduler | None
    asgi: Starlette
    recovery: Recovery | None = None

    def close(self) -> None:
        if self.recovery is not None:
            self.recovery.stop()
        if self.scheduler is not None:
            self.scheduler.stop()
        self.workers.stop(self.settings.shutdown_timeout)
        self.queue.close()


def build(
    settings: Settings,
    *,
    start_workers: bool = True,
    clock: Callable[[], float] = time.time,
    on_event: Callable[[Event, Processed], None] | None = None,
    poll: float = 1.0,
) -> Service:
    """Everything `ghcommunity serve` runs. Tests pass `start_workers=False` and drain the
    queue in their own thread with `service.workers.drain()`."""
    check(settings)
    queue = Queue.open(
        settings.queue_url,
        lease_seconds=settings.lease_seconds,
        max_attempts=settings.max_attempts,
        clock=clock,
    )
    clients = Clients(settings, clock=clock)
    configs = RepoConfigs(ttl=settings.config_ttl, clock=clock)
    processor = Processor(
        clients,
        configs,
        handler_modules=settings.handler_modules,
        on_event=on_event,
        store_url=settings.store_url,
    )
    workers = Workers(
        queue,
        processor,
        count=settings.workers,
        retry_base=settings.retry_base,
        retry_cap=settings.retry_cap,
        keep_done_days=settings.keep_done_days,
        poll=poll,
        job_timeout=settings.job_timeout,
    )
    scheduler = None
    if settings.schedule:
        if settings.app_mode:
            targets: Callable[[], list[Target]] = lambda: installation_targets(clients)  # noqa: E731
        else:
            fixed = [Target(repo, None) for repo in settings.schedule_repos]
            targets = lambda: fixed  # noqa: E731
        scheduler = Scheduler(queue, targets, wake=workers.wake)
    install_dashboard(queue)  # the dashboard's parked-deliveries section and its retry ticks
    recovery = None
    if settings.app_mode and settings.recover_interval > 0:
        recovery = Recovery(
            queue,
            clients.app_client,
            interval=settings.recover_interval,
            window=settings.recover_window,
            clock=clock,
        )
    asgi = create_app(
        settings,
        queue,
        workers,
        start_workers=start_workers,
        scheduler=scheduler,
        recovery=recovery,
    )
    return Service(settings, queue, clients, configs, processor, workers, scheduler, asgi, recovery)
