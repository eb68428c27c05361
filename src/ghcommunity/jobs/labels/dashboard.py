"""The labels job's section of the community dashboard: how many declared labels are missing
or differ, and a box to sync them. One request (the repository's labels), as `labels sync`."""

from __future__ import annotations

from ghcommunity.core.dashboard import DashboardInputs, DashboardLine, DashboardSection, Tick
from ghcommunity.core.providers import dashboard_section, labels_from_jobs
from ghcommunity.github.context import Context
from ghcommunity.jobs.labels.handlers import sync_labels
from ghcommunity.jobs.labels.settings import LabelsConfig


@dashboard_section("labels")
def labels_section(ctx: Context, inputs: DashboardInputs) -> DashboardSection | None:
    jobs = labels_from_jobs(ctx, set())
    result = sync_labels(
        ctx.client, ctx.view(LabelsConfig), inputs.repo, job_labels=jobs, prune=False
    )
    pending = len(result.plan)
    text = (
        f"{pending} label change(s) waiting (labels as code: missing, renamed or changed labels)"
        if pending
        else "The labels match the config."
    )
    tick = Tick(id="run:labels-sync", label="Sync labels", job="labels-sync")
    return DashboardSection(
        key="labels",
        title="Labels",
        lines=(DashboardLine(text), DashboardLine("", tick)),
        order=60,
    )
