"""The config model and its errors: file:line:column and a one-line reason, exit 2."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from ghcommunity.cli import cli, main
from ghcommunity.config import ConfigError, find_config, iter_labels, load_config, parse_config

REFERENCE = Path(__file__).resolve().parents[2] / "config" / "community.yml"

MINIMAL = """\
community:
  name: Test community
  org: test-org
  repo: test-repo
"""


def problems_for(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(textwrap.dedent(text), "ghc.yml")
    return caught.value.problems


def test_reference_config_is_valid() -> None:
    config = load_config(REFERENCE)
    assert config.repo == "uk-x-gov-software-community/community-space"
    assert config.community.timezone == "Europe/London"
    slugs = [g.slug for g in config.groups]
    assert slugs == [
        "lean-coffee",
        "community-facilitators",
        "sustainable-software",
        "inclusive-recruitment",
        "open-source",
        "heads-of-engineering",
    ]
    notes = {g.slug: g.notes_folder for g in config.groups}
    assert notes["lean-coffee"] == "lean-coffees/"
    assert notes["community-facilitators"] == "community-facilitators-meetings/"
    assert notes["open-source"] == "special-interest-meetings/open-source/"


def test_reference_config_has_no_personal_email_addresses() -> None:
    import re

    text = REFERENCE.read_text()
    # No personal email address anywhere in the reference config (GitHub handles such as
    # @hmrc are fine): only the role mailboxes the community publishes.
    role_mailboxes = {
        "cross-government-software-engineering-heads-of-engineering@digital.cabinet-office.gov.uk"
    }
    assert set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", text)) <= role_mailboxes


def test_validate_command_exits_0_on_the_reference_config() -> None:
    result = CliRunner().invoke(cli, ["config", "validate", str(REFERENCE)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_misspelt_key_names_file_line_column() -> None:
    problems = problems_for(
        MINIMAL
        + """\
groups:
  - slug: lean-coffee
    name: Lean Coffee
    schedul:
      rule: fourth Thursday monthly
"""
    )
    assert problems == [
        "ghc.yml:8:5: groups[0].schedul: unknown key (check the spelling; "
        "see `ghcommunity config schema`)"
    ]


def test_unknown_timezone() -> None:
    problems = problems_for(MINIMAL + "  timezone: Europe/Londn\n")
    assert len(problems) == 1
    assert problems[0].startswith("ghc.yml:5:13: community.timezone: unknown time zone")
    assert "'Europe/Londn'" in problems[0]


def test_group_without_slug_points_at_the_group() -> None:
    problems = problems_for(MINIMAL + "groups:\n  - name: Nameless\n")
    assert problems == ["ghc.yml:6:5: groups[0].slug: required key is missing"]


def test_schedule_that_cannot_be_parsed() -> None:
    problems = problems_for(
        MINIMAL
        + """\
groups:
  - slug: lean-coffee
    name: Lean Coffee
    schedule:
      rule: every blue moon
"""
    )
    assert len(problems) == 1
    assert problems[0].startswith(
        "ghc.yml:9:13: groups[0].schedule.rule: cannot read schedule rule 'every blue moon'"
    )
    assert "\n" not in problems[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("community: [\n", "ghc.yml:2:1: invalid YAML"),
        (MINIMAL + "community:\n  name: again\n", "ghc.yml:5:1: duplicate key 'community'"),
        ("- just\n- a list\n", "ghc.yml:1:1: expected a mapping"),
        (MINIMAL + "groups:\n  - slug: Not A Slug\n    name: x\n", "ghc.yml:6:11: groups[0].slug"),
        (
            MINIMAL + "groups:\n  - slug: a1\n    name: x\n  - slug: a1\n    name: y\n",
            "ghc.yml:1:1: two groups have the slug 'a1'",
        ),
    ],
)
def test_other_errors_are_located(text: str, expected: str) -> None:
    problems = problems_for(text)
    assert problems[0].startswith(expected), problems


def test_every_error_is_one_line_and_all_are_reported() -> None:
    problems = problems_for(
        MINIMAL
        + """\
  timezone: Mars/Olympus
groups:
  - name: no slug
  - slug: ok
    name: ok
    colour: red
"""
    )
    assert len(problems) == 3
    assert all("\n" not in p and p.startswith("ghc.yml:") for p in problems)


@pytest.mark.parametrize(
    "bad",
    [
        "community:\n  name: x\n  org: o\n  repo: r\n  timezone: Nowhere/Place\n",
        "community:\n  name: x\n  org: o\n  repo: r\nfoo: 1\n",
        "community:\n  name: x\n  org: o\n  repo: r\ngroups:\n  - name: y\n",
        "community:\n  name: x\n  org: o\n  repo: r\ngroups:\n  - slug: y\n    name: y\n"
        "    schedule:\n      rule: sometimes\n",
    ],
)
def test_validate_command_exits_2_with_location(
    bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ghcommunity.yml"
    path.write_text(bad)
    with pytest.raises(SystemExit) as exited:
        main(["config", "validate", str(path)])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}:")
    assert "Traceback" not in err


def test_schema_command_prints_json_schema() -> None:
    result = CliRunner().invoke(cli, ["config", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["type"] == "object"
    assert "community" in schema["required"]
    assert schema["additionalProperties"] is False


def test_find_config_prefers_github_folder(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / "config").mkdir()
    (tmp_path / ".github" / "ghcommunity.yml").write_text(MINIMAL)
    (tmp_path / "config" / "community.yml").write_text(MINIMAL)
    assert find_config(root=tmp_path) == tmp_path / ".github" / "ghcommunity.yml"
    (tmp_path / ".github" / "ghcommunity.yml").unlink()
    assert find_config(root=tmp_path) == tmp_path / "config" / "community.yml"


def test_iter_labels_adds_group_labels_once() -> None:
    config = load_config(REFERENCE)
    names = [spec.name for spec in iter_labels(config)]
    assert len(names) == len({n.lower() for n in names})
    assert "group: lean-coffee" in names
    assert "agenda: open-source" in names
    assert all(len(n) <= 50 for n in names)


def test_a_start_time_lost_at_the_clock_change_is_a_config_error() -> None:
    problems = problems_for(
        MINIMAL
        + """\
groups:
  - slug: night-owls
    name: Night owls
    schedule:
      rule: last Sunday monthly
      start: "01:30"
"""
    )
    assert problems[0].startswith("ghc.yml:10:14: groups[0].schedule.start: 01:30 on Sunday")
    assert "does not exist in Europe/London" in problems[0]
