"""Labels as code: read, plan (`sync_labels`), and the push handler that syncs the labels when
the config changes on the default branch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ghcommunity.config import DEFAULT_PATHS, LabelSpec
from ghcommunity.core.events import Event, on
from ghcommunity.core.plan import Plan
from ghcommunity.core.providers import label_input_files, labels_from_jobs
from ghcommunity.github.client import GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.github.snapshot import RepoLabel
from ghcommunity.jobs.labels.plan import (
    SyncReport,
    config_changed,
    declared_labels,
    plan_label_sync,
)
from ghcommunity.jobs.labels.read import read_label_usage, read_repo_labels
from ghcommunity.jobs.labels.settings import LabelsConfig


@dataclass
class SyncResult:
    plan: Plan
    report: SyncReport
    existing: list[RepoLabel]  # the repo's labels as read, before the plan

    def existing_as_rest(self) -> list[dict[str, Any]]:
        """The labels as the REST API spells them (what `Executor.know_labels` takes)."""
        return [lab.as_rest() for lab in self.existing]


def sync_labels(
    client: GitHubClient,
    config: LabelsConfig,
    repo: str,
    *,
    job_labels: Sequence[LabelSpec],
    prune: bool | None = None,
) -> SyncResult:
    """Read the repo's labels (and, for prune candidates, their use) and plan the sync;
    `job_labels` are other jobs' labels (`labels_from_jobs(ctx, set())`, read at the edge)."""
    declared = declared_labels(config, job_labels)
    pruning = config.labels.prune if prune is None else prune
    existing = read_repo_labels(client, repo)
    usage: dict[str, int] | None = None
    if pruning:
        _, dry = plan_label_sync(repo, declared, existing, owns=config.labels.owns, prune=True)
        candidates = list(dry.kept_in_use)
        usage = read_label_usage(client, repo, candidates) if candidates else {}
    plan, report = plan_label_sync(
        repo, declared, existing, owns=config.labels.owns, prune=pruning, usage=usage
    )
    return SyncResult(plan, report, existing)


@on("push")
def sync_on_push(event: Event, ctx: Context) -> Plan | None:
    """A push that changes the config, or a file other jobs read their labels from (the DDaT
    taxonomy), on the default branch syncs the labels."""
    watched = [*(str(path) for path in DEFAULT_PATHS), *label_input_files(ctx)]
    if not config_changed(event.payload, watched):
        return None
    repo = event.repo or ctx.view(LabelsConfig).repo
    result = sync_labels(
        ctx.client, ctx.view(LabelsConfig), repo, job_labels=labels_from_jobs(ctx, set())
    )
    ctx.executor.know_labels(repo, result.existing_as_rest())
    return result.plan
