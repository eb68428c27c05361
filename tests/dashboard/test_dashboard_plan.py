"""The dashboard's pure parts: its body, its boxes, its hidden state."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ghcommunity.config import Config, ConfigError, parse_config
from ghcommunity.core.dashboard import DashboardLine, DashboardSection, Tick
from ghcommunity.core.plan import CreateIssue, PinIssue, UpdateIssue
from ghcommunity.jobs.dashboard.plan import (
    DashboardState,
    ExistingDashboard,
    TickOutcome,
    full_body,
    newly_ticked,
    parse_state,
    plan_dashboard,
    record_ticks,
    render_body,
    tick_lines,
)

REPO = "org/repo"
CONFIG = Config.model_validate({"community": {"name": "C", "org": "org", "repo": "repo"}})
SECTIONS = [
    DashboardSection(
        key="meetings",
        title="Meetings",
        lines=(
            DashboardLine("**Lean Coffee**: Thursday 26 November 2026"),
            DashboardLine("", Tick("run:meetings", "Generate the notes now", "meetings")),
        ),
        order=10,
    ),
    DashboardSection(key="audit", title="Audit", order=5),
]


def test_a_new_dashboard_is_opened_once_then_left_alone_until_it_changes() -> None:
    op, pin = plan_dashboard(REPO, CONFIG, SECTIONS, None).operations
    assert isinstance(pin, PinIssue)
    assert pin.key == "dashboard"
    assert isinstance(op, CreateIssue)
    assert op.key == "dashboard"
    body = full_body(op.body)
    same = ExistingDashboard(7, "Community dashboard", body)
    assert plan_dashboard(REPO, CONFIG, SECTIONS, same).operations == [
        PinIssue(repo=REPO, issue=7)  # kept pinned (the executor checks; no write if it is)
    ]
    changed = plan_dashboard(REPO, CONFIG, SECTIONS[:1], same).operations
    assert isinstance(changed[0], UpdateIssue)
    assert changed[0].issue == 7
    # Sections are in their order, an empty one says so.
    assert op.body.index("### Audit") < op.body.index("### Meetings")
    assert "_Nothing here._" in op.body


def test_ticks_are_found_by_their_hidden_id_and_only_new_ones_count() -> None:
    body = render_body(CONFIG, SECTIONS, DashboardState())
    (line,) = tick_lines(body)
    assert (line.id, line.label, line.ticked) == ("run:meetings", "Generate the notes now", False)
    ticked = body.replace("- [ ] Generate", "- [x] Generate")
    assert [t.id for t in newly_ticked(body, ticked)] == ["run:meetings"]
    assert newly_ticked(ticked, ticked) == []  # already ticked before this edit
    assert newly_ticked(body, body.replace("Generate the notes now", "x")) == []


def test_a_recorded_tick_is_unticked_logged_and_remembered() -> None:
    body = render_body(CONFIG, SECTIONS, DashboardState())
    ticked = body.replace("- [ ] Generate", "- [X] Generate")
    after = record_ticks(ticked, [TickOutcome("run:meetings", "ada/t1", "@ada ran it")], 10)
    assert not any(t.ticked for t in tick_lines(after))
    assert "- @ada ran it" in after
    state = parse_state(after)
    assert state.log == ["@ada ran it"]
    assert state.handled == ["run:meetings@ada/t1"]
    # The next run keeps the log.
    again = render_body(CONFIG, SECTIONS, parse_state(after))
    assert "- @ada ran it" in again
    assert again.count("ghcommunity-dashboard-state") == 1


@given(st.lists(st.text(max_size=40), max_size=5))
def test_the_hidden_state_survives_any_text(lines: list[str]) -> None:
    state = DashboardState(log=lines, handled=["run:x@a/b"])
    comment = state.to_comment()
    assert "--" not in comment[4:-3]  # the comment cannot be closed early
    assert parse_state(f"text\n{comment}\n") == state


def test_a_bad_permission_rule_is_a_config_error_with_its_line() -> None:
    text = (
        "community: {name: C, org: org, repo: repo}\n"
        "dashboard:\n"
        "  permissions:\n"
        "    meetings: wizard\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "ghcommunity.yml")
    assert caught.value.problems[0].startswith("ghcommunity.yml:4:")
    assert "unknown permission 'wizard'" in caught.value.problems[0]
    config = parse_config(text.replace("wizard", "maintain or team:facilitators"), "x.yml")
    assert config.dashboard.rule_for("meetings") == "maintain or team:facilitators"
    assert config.dashboard.rule_for("audit") == "write"
