"""The registry audit's section of the community dashboard: its open findings, one line per
group (missing basics such as a senior sponsor, groups that have gone quiet) and per likely
duplicate pair, and a box to run the audit (which updates its tracking issue). One GraphQL
request: the notes folders, as the audit reads them."""

from __future__ import annotations

from ghcommunity.core.dashboard import DashboardInputs, DashboardLine, DashboardSection, Tick
from ghcommunity.core.providers import dashboard_section
from ghcommunity.github.context import Context
from ghcommunity.jobs.registry.audit import audit_registry
from ghcommunity.jobs.registry.read import read_notes
from ghcommunity.jobs.registry.settings import RegistryConfig


@dashboard_section("audit")
def audit_section(ctx: Context, inputs: DashboardInputs) -> DashboardSection | None:
    config = ctx.view(RegistryConfig)
    if not config.groups:
        return None
    notes = read_notes(ctx.client, config, inputs.repo)
    report = audit_registry(config, notes, inputs.now.date(), repo=inputs.repo)
    names = {g.slug: g.name for g in config.groups}
    lines = []
    for group in report.groups:
        if group.ok:
            continue
        parts = []
        if group.missing:
            parts.append("missing " + ", ".join(m.replace("_", " ") for m in group.missing))
        parts += group.problems
        lines.append(DashboardLine(f"**{group.name}**: " + "; ".join(parts)))
    for overlap in report.overlaps:
        lines.append(
            DashboardLine(
                f"**{names.get(overlap.a, overlap.a)}** and **{names.get(overlap.b, overlap.b)}**"
                " look alike: merge them, or relate them in the registry"
            )
        )
    lines.append(DashboardLine("", Tick(id="run:audit", label="Run the audit", job="audit")))
    return DashboardSection(
        key="audit",
        title="Registry audit",
        lines=tuple(lines),
        order=40,
    )
