"""Helpers for the Action's tests: the repo's paths and the validators' commands."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
REUSABLE = (
    "triage",
    "meeting-notes",
    "digest",
    "ddat-report",
    "labels-sync",
    "lifecycle",
    "dashboard",
)
SHA = "3f0c2a1b4d5e6f708192a3b4c5d6e7f809102132"  # any full SHA pins the init output offline


def tool(name: str) -> str:
    """A validator installed with the test extras, next to this Python (or on PATH)."""
    candidate = Path(sys.executable).parent / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def run_tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=120, check=False
    )


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    return run_tool(tool("zizmor"), "--offline", "--no-progress", "--format", "plain", *paths)


def check_schema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    return run_tool(tool("check-jsonschema"), "--builtin-schema", schema, *paths)


def unescape(value: str) -> str:
    """What the runner does to a command's data or property (the spec's decoding)."""
    for encoded, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(encoded, raw)
    return value


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Split `::name k=v,k=v::message` the way the runner does."""
    found = re.fullmatch(r"::(?P<name>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<data>.*)", line)
    assert found, f"not a workflow command: {line!r}"
    props = {}
    for part in (found["props"] or "").split(","):
        if part:
            key, _, value = part.partition("=")
            props[key] = unescape(value)
    return found["name"], props, unescape(found["data"])


def read_outputs(text: str) -> dict[str, str]:
    """Parse $GITHUB_OUTPUT the way the runner does (heredoc form)."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line:
            index += 1
            continue
        name, delimiter = line.split("<<", 1)
        value_lines = []
        index += 1
        while lines[index] != delimiter:
            value_lines.append(lines[index])
            index += 1
        out[name] = "\n".join(value_lines)
        index += 1
    return out
