"""requirements/action.txt, what the Action installs, matches pyproject.toml: every runtime
dependency pinned to one version that pyproject allows, every file hashed."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

import pytest
from action_support import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCK = ROOT / "requirements" / "action.txt"
REGENERATE = "regenerate it with requirements/update-action-lock"


@dataclass
class Pin:
    name: str
    version: str
    hashes: list[str] = field(default_factory=list)


def read_lock(text: str) -> dict[str, Pin]:
    """name → pin, from a pip requirements file written with --generate-hashes."""
    pins: dict[str, Pin] = {}
    logical = re.sub(r"\\\n", " ", text)
    for line in logical.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        found = re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line)
        assert found, f"not an exact pin: {line!r}"
        name = canonicalize_name(found[1])
        pins[name] = Pin(name, found[2], re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    return pins


@pytest.fixture(scope="module")
def pins() -> dict[str, Pin]:
    return read_lock(LOCK.read_text(encoding="utf-8"))


def runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(spec) for spec in project["dependencies"]]


def test_every_pin_is_exact_and_hashed(pins: dict[str, Pin]) -> None:
    assert pins
    assert [p.name for p in pins.values() if not p.hashes] == []


def test_every_runtime_dependency_is_pinned_to_an_allowed_version(pins: dict[str, Pin]) -> None:
    for requirement in runtime_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {LOCK.name}: {REGENERATE}"
        version = pins[name].version
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{LOCK.name} pins {name}=={version}, outside pyproject's {requirement.specifier}: "
            f"{REGENERATE}"
        )


def test_extras_are_pinned_too(pins: dict[str, Pin]) -> None:
    """githubkit[auth-app] needs PyJWT and cryptography for GitHub App auth."""
    assert {"pyjwt", "cryptography"} <= set(pins)


def test_the_build_backend_is_pinned_so_ghcommunity_builds_without_isolation(
    pins: dict[str, Pin],
) -> None:
    backend = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    for spec in backend:
        requirement = Requirement(spec)
        pin = pins.get(canonicalize_name(requirement.name))
        assert pin, f"{requirement.name} is not in {LOCK.name}: {REGENERATE}"
        assert requirement.specifier.contains(pin.version)


def test_a_drifted_lock_is_caught() -> None:
    drifted = read_lock("pydantic==1.10.0 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    (requirement,) = [r for r in runtime_requirements() if r.name == "pydantic"]
    assert not requirement.specifier.contains(drifted["pydantic"].version)
