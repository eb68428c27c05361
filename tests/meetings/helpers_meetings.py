"""Helpers shared by the meetings tests: configs built from YAML text, as people write them."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from ghcommunity.config import Config, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "config" / "community.yml"

BASE = """\
community:
  name: Test community
  org: uk-x-gov-software-community
  repo: community-space
  timezone: Europe/London
  bot_login: ghcommunity[bot]
"""


def config_text(groups_yaml: str, extra: str = "") -> str:
    body = textwrap.indent(textwrap.dedent(groups_yaml).strip("\n"), "  ")
    return BASE + "groups:\n" + body + "\n" + textwrap.dedent(extra)


def make_config(groups_yaml: str, extra: str = "") -> Config:
    """A config with the given `groups:` entries (YAML as written under `groups:`)."""
    return parse_config(config_text(groups_yaml, extra), "test.yml")


def schedule(**fields: Any) -> Any:
    from ghcommunity.config.groups import Schedule

    return Schedule.model_validate(fields)


def reference() -> Config:
    return load_config(REFERENCE)
