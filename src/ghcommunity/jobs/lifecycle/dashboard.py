"""The lifecycle job's section of the community dashboard: `needs-info` issues due a reminder
or closing, and when the others are next due. One GraphQL page per 100 waiting issues (the
same read the job makes); nothing is listed when nothing is waiting on its author."""

from __future__ import annotations

from ghcommunity.core.dashboard import DashboardInputs, DashboardLine, DashboardSection
from ghcommunity.core.providers import dashboard_section
from ghcommunity.github.context import Context
from ghcommunity.jobs.lifecycle.plan import decide
from ghcommunity.jobs.lifecycle.read import read_needs_info_issues
from ghcommunity.jobs.lifecycle.settings import LifecycleConfig


def _title(text: str) -> str:
    cleaned = " ".join(text.split())[:100]
    for char in "\\`*_[]<>#|":
        cleaned = cleaned.replace(char, f"\\{char}")
    return cleaned.replace("@", "@\u200b")


@dashboard_section("needs-info")
def needs_info_section(ctx: Context, inputs: DashboardInputs) -> DashboardSection | None:
    config = ctx.view(LifecycleConfig)
    if not config.triage.lifecycle.enabled:
        return None
    label = config.triage.needs_info_label
    if not any(label.lower() in {n.lower() for n in i.labels} for i in inputs.open_issues):
        issues = []  # the open issues list shows none waiting: no need to read more
    else:
        issues = read_needs_info_issues(ctx.client, inputs.repo, label)
    lines = []
    for issue in sorted(issues, key=lambda i: i.number):
        decision = decide(issue, config, inputs.now)
        head = f"#{issue.number} {_title(issue.title)}"
        if decision.action == "remind":
            since = (
                f" (waiting since {decision.clock_started:%-d %B %Y})"
                if decision.clock_started
                else ""
            )
            lines.append(DashboardLine(f"{head}: a reminder is due{since}"))
        elif decision.action == "close":
            lines.append(DashboardLine(f"{head}: due to be closed (no reply to the reminder)"))
        elif decision.action == "wait" and decision.due:
            step = "closing" if "reminded" in decision.reason else "a reminder"
            lines.append(DashboardLine(f"{head}: {step} due on {decision.due:%-d %B %Y}"))
    return DashboardSection(
        key="needs-info",
        title=f"Waiting for their authors (`{label}`)",
        lines=tuple(lines),
        order=25,
        empty=f"No open issue is labelled `{label}`.",
    )
