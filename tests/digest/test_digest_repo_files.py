"""The files the digest's config names (its templates, the supplied figures) are files of the
community's repository: read from the checkout, never out of it through a symlink."""

from __future__ import annotations

from pathlib import Path

import pytest

from ghcommunity.config import ConfigError, parse_config
from ghcommunity.core.errors import InputError
from ghcommunity.github.client import Connection, GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.jobs.digest.read import read_supplied, read_template

CONFIG = """\
community: {name: C, org: o, repo: r}
digest:
  figures: data/figures.yml
  templates: {md: data/digest.md.j2}
"""


def checkout(tmp_path: Path, *, outside: bool) -> Path:
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    secret = tmp_path / "secret.yml"
    secret.write_text("figures: []  # SECRET-OUTSIDE-REPO\n")
    if outside:
        (root / "data" / "figures.yml").symlink_to(secret)
        (root / "data" / "digest.md.j2").symlink_to(secret)
    else:
        (root / "data" / "figures.yml").write_text("figures: []\n")
        (root / "data" / "digest.md.j2").write_text("# {{ title }}\n")
    return root


def context(root: Path) -> Context:
    return Context(parse_config(CONFIG), GitHubClient(Connection()), checkout=root)


def test_files_inside_the_checkout_are_read(tmp_path: Path) -> None:
    ctx = context(checkout(tmp_path, outside=False))
    assert read_supplied(ctx, None) == "figures: []\n"
    assert read_template(ctx, "md") == ("# {{ title }}\n", "data/digest.md.j2")


def test_a_symlink_out_of_the_checkout_is_refused(tmp_path: Path) -> None:
    ctx = context(checkout(tmp_path, outside=True))
    with pytest.raises(InputError, match=r"^digest\.figures: .*outside") as found:
        read_supplied(ctx, None)
    assert "SECRET" not in str(found.value)
    with pytest.raises(InputError, match=r"^digest\.templates\.md: .*outside"):
        read_template(ctx, "md")


def test_config_validation_names_the_escaping_figures_path(tmp_path: Path) -> None:
    root = checkout(tmp_path, outside=True)
    with pytest.raises(ConfigError) as found:
        parse_config(CONFIG, "ghcommunity.yml", root=root)
    problems = found.value.problems
    assert any(p.startswith("ghcommunity.yml:3:12: digest.figures: ") for p in problems), problems
