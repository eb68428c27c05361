"""Hostile or broken config: always exit 2, one line per problem, file:line:column; quickly,
in bounded memory; and no path that leads outside the repository (or under .github/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ghcommunity.cli import main
from ghcommunity.config import ConfigError, load_config, parse_config

BASE = "community:\n  name: X\n  org: o\n  repo: r\n"


def group(schedule: str) -> str:
    return BASE + "groups:\n  - slug: aa\n    name: A\n    schedule:\n" + schedule


def bomb() -> str:
    lines = [BASE.rstrip("\n"), "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


CASES = {
    "byday-9th": (group("      rule: FREQ=MONTHLY;BYDAY=9TH\n"), ":9:13:", "weeks 1 to 5"),
    "byday-10th": (group("      rule: FREQ=MONTHLY;BYDAY=10TH\n"), ":9:13:", "weeks 1 to 5"),
    "no-dates": (
        group("      rule: FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\n"),
        ":9:13:",
        "gives no dates",
    ),
    "feb-30": (group("      dates: [2025-02-30]\n"), ":9:15:", "out of range"),
    "year-1": (group("      dates: [0001-01-01]\n"), ":9:15:", "years 1970 to 2200"),
    "year-9999": (
        group("      rule: weekly on Tuesday\n      until: 9999-12-31\n"),
        ":10:14:",
        "years 1970 to 2200",
    ),
    "nul": (BASE.replace("name: X", 'name: "X\0"'), ":2:11:", "U+0000"),
    "control": (BASE.replace("name: X", "name: X\x07"), ":2:10:", "U+0007"),
    "recursive-alias": (BASE + "groups: &a\n  - *a\n", ":5:9:", "recursive alias"),
    "merge-misuse": (BASE + "labels:\n  <<: 5\n", ":6:7:", "merge"),
    "deep": (BASE + "x: " + "[" * 5000 + "]" * 5000 + "\n", ":5:", "levels deep"),
    "bomb": (bomb(), ":", "alias"),
    "absolute-template": (
        BASE + "meetings:\n  template: /proc/self/environ\n",
        ":6:13:",
        "relative to the repository",
    ),
    "dotdot-template": (
        BASE + "digest:\n  templates:\n    md: ../../etc/passwd\n",
        ":7:9:",
        "'..'",
    ),
    "group-template": (
        BASE + "groups:\n  - slug: aa\n    name: A\n    template: /etc/passwd\n",
        ":8:15:",
        "relative",
    ),
    "notes-under-github": (
        BASE + "groups:\n  - slug: aa\n    name: A\n    notes_path: .github/workflows/\n",
        ":8:17:",
        ".github/",
    ),
    "notes-dotdot": (
        BASE + "groups:\n  - slug: aa\n    name: A\n    notes_path: ../x/\n",
        ":8:17:",
        "'..'",
    ),
    "feeds-under-github": (BASE + "meetings:\n  feeds_path: .github/x\n", ":6:15:", ".github/"),
    "digest-path-bidi": (
        BASE + 'digest:\n  path: "digests/\\u202e{month}.md"\n',
        ":6:9:",
        "U+202E",
    ),
    "export-look-alike": (
        BASE + 'ddat:\n  export_path: "ddat\\u2215{month}.md"\n',
        ":6:16:",
        "looks like",
    ),
    "fullwidth-dot": (
        BASE + 'digest:\n  path: "\\uff0e\\uff0e/{month}.md"\n',
        ":6:9:",
        "FULLWIDTH FULL STOP",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_config_is_exit_2_with_file_line_column(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text, where, why = CASES[name]
    path = tmp_path / "ghcommunity.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["config", "validate", str(path)])
    output = capsys.readouterr().err
    assert exited.value.code == 2, output
    first = output.strip().splitlines()[0]
    assert first.startswith(f"error: {path}{where}"), output
    assert why in output
    assert "Traceback" not in output
    assert "unexpected" not in output


@pytest.mark.parametrize(
    ("raw", "where", "why"),
    [
        (BASE.encode("utf-16"), ":1:1:", "UTF-16"),
        (BASE.encode("utf-16-le"), ":1:1:", "UTF-16"),
        (BASE.replace("name: X", "name: \xe9X").encode("latin-1"), ":2:9:", "not UTF-8"),
        (b"x" * 2_000_000, ":1:1:", "at most"),
    ],
)
def test_undecodable_or_huge_files_are_exit_2_with_a_location(
    tmp_path: Path, raw: bytes, where: str, why: str
) -> None:
    path = tmp_path / "ghcommunity.yml"
    path.write_bytes(raw)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"{path}{where}" in str(caught.value)
    assert why in str(caught.value)


def test_a_template_symlinked_out_of_the_checkout_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.j2").symlink_to("/proc/self/environ")
    config = tmp_path / "ghcommunity.yml"
    config.write_text(BASE + "meetings:\n  template: notes.j2\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INPUT_TOKEN", "ghs_secret_token_value")
    with pytest.raises(ConfigError, match=r"ghcommunity.yml:6:13: .*outside the repository"):
        load_config(config)
    # A template inside the checkout (even through a symlink that stays inside) is fine.
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "real.j2").write_text("# {{ group.name }}\n", encoding="utf-8")
    os.symlink("templates/real.j2", tmp_path / "inside.j2")
    config.write_text(BASE + "meetings:\n  template: inside.j2\n", encoding="utf-8")
    assert load_config(config).meetings.template == "inside.j2"


def test_good_paths_still_pass() -> None:
    config = parse_config(
        BASE
        + "groups:\n  - slug: aa\n    name: A\n    notes_path: réunions/aa/\n"
        + "    template: templates/notes.md.j2\n"
        + "triage:\n  forms_path: .github/ISSUE_TEMPLATE/\n"
        + "digest:\n  path: ./digests/{month}.md\n",
        "c.yml",
    )
    assert config.groups[0].notes_folder == "réunions/aa/"


def test_a_path_has_one_spelling() -> None:
    """`./data/ddat.yml` is `data/ddat.yml`: compared with the files a push lists (to sync the
    labels, to drop the App's cached copy) and used as a cache key, it must match."""
    config = parse_config(
        BASE + "ddat:\n  taxonomy: ./data//ddat.yml\ndigest:\n  path: ./digests/{month}.md\n",
        "c.yml",
    )
    assert config.ddat.taxonomy == "data/ddat.yml"
    assert config.digest.path == "digests/{month}.md"
