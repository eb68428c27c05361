"""The `digest:` and `objectives:` config sections: mistakes are one line with a location."""

from __future__ import annotations

import pytest

from ghcommunity.config import ConfigError, parse_config

BASE = "community: {name: X, org: o, repo: r}\n"


def test_defaults():
    config = parse_config(BASE)
    assert config.digest.path == "digests/{month}.md"
    assert config.digest.announcement_categories == ["Announcements"]
    assert config.digest.trend_months == 12
    assert config.objectives == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "digest:\n  path: digests/latest.md\n",
            "yml:3:9: digest.path: the path must contain {month}",
        ),
        ("digest:\n  path: ../{month}.md\n", "relative to the repository's root"),
        ("digest:\n  trend_months: 0\n", "digest.trend_months"),
        ("digest:\n  templates: {pdf: x.j2}\n", "unknown key"),
        (
            "objectives:\n  - {id: a, title: A, metric: memberz, target: 10}\n",
            "objectives[0].metric: Input should be 'org_members'",
        ),
        (
            "objectives:\n  - {id: a, title: A, metric: departments, target: 30, baseline: 3}\n",
            "give both baseline and baseline_date",
        ),
        (
            "objectives:\n  - {id: a, title: A, metric: departments, target: 30, period: week}\n",
            "objectives[0].period",
        ),
    ],
)
def test_mistakes_are_located(text, problem):
    with pytest.raises(ConfigError) as raised:
        parse_config(BASE + text, "ghcommunity.yml")
    assert problem in str(raised.value)
    assert str(raised.value).startswith("ghcommunity.yml:")


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "0000-01"])
def test_a_month_outside_real_dates_is_bad_input_not_a_crash(month: str) -> None:
    from click.testing import CliRunner

    from ghcommunity.cli import cli
    from ghcommunity.core.errors import InputError

    result = CliRunner().invoke(cli, ["digest", "--month", month, "--no-sync", "--token", "x"])
    # The CLI's main() prints an InputError as one line and exits 2.
    assert isinstance(result.exception, InputError), result.output
    assert result.exception.exit_code == 2
    assert "expected a month between 1970 and 2999" in str(result.exception)
