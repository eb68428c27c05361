"""The two distributions: the product's wheel carries neither the sandbox nor graphql-core (so
the Action installs neither), and the sandbox's wheel builds on its own."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wheels")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"),
            *("-w", str(out), str(ROOT), str(ROOT / "sandbox")),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = {path.name.split("-")[0]: path for path in out.glob("*.whl")}
    assert set(found) == {"ghcommunity", "ghcommunity_sandbox"}, found
    return found


def _metadata(wheel: Path) -> tuple[list[str], list[str]]:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(meta).decode())
    return names, message.get_all("Requires-Dist") or []


def test_the_product_wheel_holds_no_sandbox_and_needs_no_graphql_core(
    wheels: dict[str, Path],
) -> None:
    names, requires = _metadata(wheels["ghcommunity"])
    assert any(n.startswith("ghcommunity/jobs/digest/") for n in names)
    assert any(n.startswith("ghcommunity/reference/") for n in names)  # config ships with it
    assert not [n for n in names if "sandbox" in n.split("/")[0] or n.endswith(".graphql")]
    runtime = [r for r in requires if "extra ==" not in r]
    assert runtime
    assert not [r for r in runtime if r.lower().startswith(("graphql-core", "ghcommunity-sandbox"))]


def test_the_sandbox_wheel_stands_alone(wheels: dict[str, Path]) -> None:
    names, requires = _metadata(wheels["ghcommunity_sandbox"])
    assert "ghcommunity_sandbox/server.py" in names
    assert "ghcommunity_sandbox/data/schema.graphql" in names
    assert not [n for n in names if n.startswith("ghcommunity/")]
    assert any(r.lower().startswith("graphql-core") for r in requires)
    assert not [r for r in requires if r.lower().startswith("ghcommunity")]
