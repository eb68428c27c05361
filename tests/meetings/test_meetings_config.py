"""Schedule config: mistakes are reported with file:line:column, before anything runs."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers_meetings import REFERENCE, config_text, make_config

from ghcommunity.cli import cli
from ghcommunity.config import ConfigError, load_config, parse_config


def problems(groups_yaml: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        make_config(groups_yaml)
    return caught.value.problems


def test_the_reference_config_is_valid_and_has_no_clock_problems() -> None:
    config = load_config(str(REFERENCE))
    assert config.group("lean-coffee").schedule is not None


def test_a_move_from_a_date_the_rule_does_not_give_points_at_it() -> None:
    found = problems(
        """
        - slug: lean-coffee
          name: Lean Coffee
          schedule:
            rule: fourth Thursday monthly
            moved:
              - from: 2025-10-23
                to: 2025-10-30
              - from: 2025-12-24
                to: 2025-12-18
        """
    )
    assert len(found) == 1
    # The value of moved[1].from: line 15 of the text, column 17.
    assert found[0].startswith("test.yml:15:17: groups[0].schedule.moved[1].from: ")
    assert "2025-12-24 is not a meeting date" in found[0]
    assert "nearest: 2025-12-25" in found[0]


def test_a_cancelled_date_with_a_typo_is_an_error_not_a_silent_meeting() -> None:
    found = problems(
        """
        - slug: lean-coffee
          name: Lean Coffee
          schedule:
            rule: fourth Thursday monthly
            cancelled: [2026-04-23, 2026-05-27]
        """
    )
    assert len(found) == 1
    assert "groups[0].schedule.cancelled[1]" in found[0]
    assert "2026-05-27 is not a meeting date" in found[0]
    assert "nearest: 2026-05-28" in found[0]


def test_cancelling_a_date_the_holiday_policy_moves_to_is_accepted() -> None:
    config = make_config(
        """
        - slug: open-source
          name: Open Source
          schedule:
            rule: every 4 weeks on Friday from 2023-10-13
            bank_holidays: {policy: move to previous Thursday}
            cancelled: [2024-03-28]
        """
    )
    assert config.groups[0].schedule.cancelled


def test_a_move_onto_another_meeting_is_an_error() -> None:
    found = problems(
        """
        - slug: lean-coffee
          name: Lean Coffee
          schedule:
            rule: weekly on Thursday
            moved:
              - {from: 2026-04-23, to: 2026-04-30}
        """
    )
    assert "moved[0].to" in found[0]
    assert "2026-04-30 already has a meeting" in found[0]


def test_an_interval_rule_needs_its_first_date() -> None:
    found = problems(
        """
        - slug: open-source
          name: Open Source
          schedule:
            rule: FREQ=WEEKLY;INTERVAL=4;BYDAY=FR
        """
    )
    assert "schedule.rule" in found[0]
    assert "first: YYYY-MM-DD" in found[0]


def test_unreadable_rules_policies_and_regions() -> None:
    found = problems(
        """
        - slug: a-group
          name: A
          schedule:
            rule: every blue moon
        - slug: b-group
          name: B
          schedule:
            rule: weekly on Monday
            bank_holidays: {region: wales, policy: postpone}
        - slug: c-group
          name: C
          schedule:
            rule: weekly on Monday
            bank_holidays: {region: atlantis}
        """
    )
    text = "\n".join(found)
    assert "groups[0].schedule.rule: cannot read schedule rule 'every blue moon'" in text
    assert "groups[1].schedule.bank_holidays.policy: unknown bank-holiday policy" in text
    assert "groups[2].schedule.bank_holidays.region" in text


def test_an_explicit_zone_is_checked_when_the_config_is_validated() -> None:
    found = problems(
        """
        - slug: night-owls
          name: Night owls
          schedule:
            rule: last Sunday monthly
            start: "01:30"
            timezone: Europe/London
        """
    )
    assert found[0].startswith("test.yml:12:14: groups[0].schedule.start: 01:30 on Sunday")
    assert "does not exist in Europe/London" in found[0]


def test_the_community_zone_is_checked_by_the_meetings_commands(tmp_path: Path) -> None:
    path = tmp_path / "community.yml"
    path.write_text(
        config_text(
            """
            - slug: night-owls
              name: Night owls
              schedule:
                rule: last Sunday monthly
                start: "01:30"
            """
        )
    )
    # `config validate` (parse_config) checks schedules in the community's zone too.
    with pytest.raises(ConfigError) as direct:
        parse_config(path.read_text(), str(path))
    assert direct.value.problems[0].startswith(f"{path}:12:14: groups[0].schedule.start")
    with pytest.raises(ConfigError) as caught:
        load_config(str(path))
    (line,) = caught.value.problems
    assert line.startswith(f"{path}:12:14: groups[0].schedule.start: 01:30 on Sunday")
    result = CliRunner().invoke(
        cli, ["meetings", "plan", "--config", str(path), "--offline"], standalone_mode=False
    )
    assert isinstance(result.exception, ConfigError)
    assert result.exception.exit_code == 2


def test_a_moved_start_time_the_clocks_skip_points_at_the_move(tmp_path: Path) -> None:
    path = tmp_path / "community.yml"
    path.write_text(
        config_text(
            """
            - slug: lean-coffee
              name: Lean Coffee
              schedule:
                rule: fourth Sunday monthly
                moved:
                  - {from: 2026-10-25, to: 2026-10-25, start: "01:15"}
            """
        )
    )
    with pytest.raises(ConfigError) as caught:
        load_config(str(path))
    assert (
        "groups[0].schedule.moved[0].start: 01:15 on Sunday 25 October 2026 happens twice"
        in (caught.value.problems[0])
    )


def test_unquoted_times_and_durations_are_read_as_people_mean_them() -> None:
    config = make_config(
        """
        - slug: a-group
          name: A
          schedule:
            rule: weekly on Monday
            start: 11:00
            duration: 1h30m
        """
    )
    sched = config.groups[0].schedule
    assert sched.start == time(11, 0)  # YAML 1.1 reads 11:00 as 660
    assert sched.duration == 90
    config = make_config(
        """
        - slug: a-group
          name: A
          schedule:
            rule: weekly on Monday
            start: "9:30"
            moved: [{from: 2026-04-06, to: 2026-04-07, start: "8:05"}]
        """
    )
    assert config.groups[0].schedule.start == time(9, 30)
    assert config.groups[0].schedule.moved[0].start == time(8, 5)
