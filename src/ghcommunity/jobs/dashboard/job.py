"""The dashboard job as every door runs it: read once, ask each job for its section (what
they registered in `core/providers.py`), and keep the one dashboard issue up to date."""

from __future__ import annotations

import logging

from ghcommunity.core.dashboard import DashboardInputs, DashboardLine, DashboardSection
from ghcommunity.core.errors import GhcError
from ghcommunity.core.jobs import Job, JobOptions, JobResult
from ghcommunity.core.plan import Plan
from ghcommunity.core.providers import dashboard_sections
from ghcommunity.github.context import Context
from ghcommunity.jobs.dashboard.plan import parse_state, plan_dashboard, render_body
from ghcommunity.jobs.dashboard.read import find_dashboard, read_inputs
from ghcommunity.jobs.dashboard.settings import DashboardConfig

log = logging.getLogger(__name__)


class DashboardOptions(JobOptions):
    pass


def gather_sections(ctx: Context, inputs: DashboardInputs) -> list[DashboardSection]:
    """Every registered section (a section that cannot be read says so, in one line)."""
    sections: list[DashboardSection] = []
    for name, reader in sorted(dashboard_sections().items()):
        try:
            section = reader(ctx, inputs)
        except GhcError as exc:
            log.warning("dashboard section %s: %s", name, exc)
            section = DashboardSection(
                key=name,
                title=name.replace("-", " ").capitalize(),
                lines=(DashboardLine(f"could not be read: {exc}"),),
                order=90,
            )
        if section is not None:
            sections.append(section)
    return sections


def run(ctx: Context, options: DashboardOptions, repo: str) -> JobResult:
    config = ctx.view(DashboardConfig)
    if not config.dashboard.enabled:
        return JobResult(Plan().note("the dashboard is turned off (dashboard.enabled: false)"))
    inputs = read_inputs(ctx, repo)
    sections = gather_sections(ctx, inputs)
    existing = find_dashboard(ctx, repo, inputs.open_items)
    plan = plan_dashboard(repo, config, sections, existing)
    text = render_body(config, sections, parse_state(existing.body if existing else None))
    details = {
        "issue": existing.number if existing else None,
        "sections": {s.key: len(s.lines) for s in sections},
    }
    return JobResult(plan, details=details, text=text)


JOB = Job(
    name="dashboard",
    summary="The community dashboard issue: what is waiting, and boxes to tick to act",
    options=DashboardOptions,
    run=run,
)
