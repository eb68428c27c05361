"""The dashboard issue's body, and what a tick does to it. Pure: no network, no clock.

The body is Markdown the bot owns entirely: a marker, a heading per section, action lines with
a checkbox and a hidden tick id (`<!-- ghcommunity-tick:run:meetings -->`), the latest runs,
and hidden state at the end (`<!-- ghcommunity-dashboard-state: {...} -->`): the log of runs
and the ticks already handled, so a redelivered edit event never runs a job twice.

Rendering depends only on what was read (never on the time of the run), so a rerun over the
same facts produces the same body and writes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ghcommunity.core.commands import describe_rule
from ghcommunity.core.dashboard import DashboardSection, Tick
from ghcommunity.core.plan import CreateIssue, PinIssue, Plan, UpdateIssue, marker
from ghcommunity.jobs.dashboard.settings import DashboardConfig

DASHBOARD_KEY = "dashboard"
TICK_PREFIX = "ghcommunity-tick:"
STATE_PREFIX = "ghcommunity-dashboard-state:"
HANDLED_KEPT = 50

_TICK_LINE = re.compile(
    r"^(?P<lead>[ \t]*[-*+][ \t]+\[)(?P<mark>[ xX])(?P<rest>\][ \t]+(?P<label>.*?)[ \t]*"
    r"<!-- " + re.escape(TICK_PREFIX) + r"(?P<id>[^\s>]+) -->)[ \t]*$"
)
_STATE = re.compile(r"<!-- " + re.escape(STATE_PREFIX) + r" (?P<json>.*?) -->", re.DOTALL)


@dataclass
class DashboardState:
    """What the dashboard remembers between runs (hidden at the end of its body)."""

    log: list[str] = field(default_factory=list)  # Markdown lines, newest first
    handled: list[str] = field(default_factory=list)  # "<tick id>@<edit stamp>"

    def to_comment(self) -> str:
        data = json.dumps({"log": self.log, "handled": self.handled}, ensure_ascii=False)
        # An HTML comment ends at the first "--": keep the JSON free of it.
        safe = data.replace("--", "-\\u002d")
        return f"<!-- {STATE_PREFIX} {safe} -->"


def parse_state(body: str | None) -> DashboardState:
    match = _STATE.search(body or "")
    if not match:
        return DashboardState()
    try:
        data = json.loads(match.group("json"))
    except json.JSONDecodeError:
        return DashboardState()
    if not isinstance(data, dict):
        return DashboardState()

    def strings(value: Any) -> list[str]:
        return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []

    return DashboardState(log=strings(data.get("log")), handled=strings(data.get("handled")))


# -- ticks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TickLine:
    id: str
    label: str
    ticked: bool


def tick_lines(body: str | None) -> list[TickLine]:
    """Every action line of a dashboard body, in order."""
    found = []
    for line in (body or "").replace("\r\n", "\n").split("\n"):
        match = _TICK_LINE.match(line)
        if match:
            found.append(
                TickLine(match["id"], match["label"].strip(), match["mark"].lower() == "x")
            )
    return found


def newly_ticked(before: str | None, after: str | None) -> list[TickLine]:
    """Boxes ticked in `after` that were not ticked in `before` (an edit of the issue)."""
    was = {line.id for line in tick_lines(before) if line.ticked}
    return [line for line in tick_lines(after) if line.ticked and line.id not in was]


def untick(body: str, ids: Iterable[str]) -> str:
    wanted = set(ids)
    out = []
    for line in body.replace("\r\n", "\n").split("\n"):
        match = _TICK_LINE.match(line)
        if match and match["id"] in wanted:
            line = f"{match['lead']} {match['rest']}"
        out.append(line)
    return "\n".join(out)


@dataclass(frozen=True)
class TickOutcome:
    """What became of one tick: run (with its result), refused, or already handled."""

    id: str
    stamp: str  # identifies the edit: the issue's updated_at in the event
    line: str  # the log line (Markdown)


def record_ticks(body: str, outcomes: Sequence[TickOutcome], history: int) -> str:
    """The body with these boxes unticked, their lines logged and their ticks remembered."""
    state = parse_state(body)
    for outcome in outcomes:
        state.log.insert(0, outcome.line)
        state.handled.append(f"{outcome.id}@{outcome.stamp}")
    state.log = state.log[:history]
    state.handled = state.handled[-HANDLED_KEPT:]
    text = untick(body, [o.id for o in outcomes])
    text = _STATE.sub("", text).rstrip("\n")
    text = _replace_log(text, state.log)
    return f"{text}\n\n{state.to_comment()}\n"


# -- the body --------------------------------------------------------------------------------

_LOG_START = "<!-- ghcommunity-dashboard-log -->"
_LOG_END = "<!-- /ghcommunity-dashboard-log -->"


def _log_block(log: Sequence[str]) -> str:
    lines = [f"- {line}" for line in log] or ["Nothing run from here yet."]
    return "\n".join([_LOG_START, "### Latest runs from this dashboard", "", *lines, _LOG_END])


def _replace_log(body: str, log: Sequence[str]) -> str:
    start, end = body.find(_LOG_START), body.find(_LOG_END)
    if start < 0 or end < start:
        return f"{body.rstrip()}\n\n{_log_block(log)}"
    return body[:start] + _log_block(log) + body[end + len(_LOG_END) :]


def tick_text(tick: Tick) -> str:
    return f"- [ ] {tick.label} <!-- {TICK_PREFIX}{tick.id} -->"


def render_section(section: DashboardSection) -> str:
    lines = [f"### {section.title}", ""]
    if not section.lines:
        lines.append(f"_{section.empty}_")
    for line in section.lines:
        lines.append(tick_text(line.tick) if line.tick else f"- {line.text}")
    return "\n".join(lines)


def render_body(
    config: DashboardConfig, sections: Sequence[DashboardSection], state: DashboardState
) -> str:
    """The dashboard's body (without its marker, which the operation adds)."""
    rule = config.dashboard.permission
    intro = (
        f"What is waiting on the community, kept up to date by ghcommunity. Tick a box to run "
        f"that job now (for {_who(rule)}); the box is unticked and the result listed below. "
        "Edits other than ticks are overwritten on the next run."
    )
    parts = [f"## {config.dashboard.title}", "", intro]
    for section in sorted(sections, key=lambda s: (s.order, s.key)):
        parts += ["", render_section(section)]
    parts += ["", _log_block(state.log), "", state.to_comment()]
    return "\n".join(parts) + "\n"


def _who(rule: str) -> str:
    return describe_rule(rule) or rule


@dataclass(frozen=True)
class ExistingDashboard:
    number: int
    title: str
    body: str
    state: str = "open"


def full_body(body: str) -> str:
    return f"{marker(DASHBOARD_KEY)}\n{body}"


def plan_dashboard(
    repo: str,
    config: DashboardConfig,
    sections: Sequence[DashboardSection],
    existing: ExistingDashboard | None,
) -> Plan:
    """Open the dashboard issue, or edit it when what it says has changed; else nothing."""
    plan = Plan()
    state = parse_state(existing.body if existing else None)
    body = render_body(config, sections, state)
    title = config.dashboard.title
    pin = config.dashboard.pin
    if existing is None:
        plan.add(CreateIssue(repo=repo, title=title, body=body, key=DASHBOARD_KEY))
        return plan.add(PinIssue(repo=repo, key=DASHBOARD_KEY)) if pin else plan
    wanted = full_body(body)
    if existing.body.replace("\r\n", "\n").strip() == wanted.strip() and existing.title == title:
        plan.note(f"the dashboard (#{existing.number}) is up to date")
    else:
        plan.add(
            UpdateIssue(
                repo=repo,
                issue=existing.number,
                title=title if existing.title != title else None,
                body=wanted,
                state="open" if existing.state != "open" else None,
            )
        )
    return plan.add(PinIssue(repo=repo, issue=existing.number)) if pin else plan
