"""The design, checked where import contracts cannot see: the planners named in pyproject's
"Planners are pure" contract make no clock, environment, file or garbage-collector calls; and
`lint-imports` itself passes (so a broken contract fails the suite, not only CI's lint step)."""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _contract(name: str) -> dict[str, object]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for contract in data["tool"]["importlinter"]["contracts"]:
        if contract["name"] == name:
            return contract
    raise AssertionError(f"no contract named {name!r}")


PLANNERS = list(_contract("Planners are pure")["source_modules"])  # type: ignore[arg-type]

# Calls a planner must not make: `now` is passed in, the environment and files are read at the
# edges, and the process's garbage collector belongs to whoever owns the process.
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("os", "getenv"),
    ("gc", "disable"),
    ("gc", "enable"),
    ("gc", "collect"),
}
FORBIDDEN_METHODS = {"read_text", "write_text", "read_bytes", "write_bytes", "open"}


def problems_in(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "open":
                found.append(f"line {node.lineno}: open()")
            if isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else None
                if (owner, func.attr) in FORBIDDEN_CALLS:
                    found.append(f"line {node.lineno}: {owner}.{func.attr}()")
                elif func.attr in FORBIDDEN_METHODS:
                    found.append(f"line {node.lineno}: .{func.attr}()")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "environ"
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ):
            found.append(f"line {node.lineno}: os.environ")
    return found


@pytest.mark.parametrize("module", PLANNERS)
def test_a_planner_reads_no_clock_environment_or_files(module: str) -> None:
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    found = problems_in(Path(spec.origin).read_text(encoding="utf-8"))
    assert found == [], f"{module}: " + "; ".join(found)


def test_the_check_finds_what_it_looks_for() -> None:
    source = (
        "import os, gc\nfrom datetime import datetime\n"
        "def f(p):\n"
        "    gc.disable()\n"
        "    return datetime.now(), os.environ['X'], open('f'), p.read_text()\n"
    )
    assert sorted(problems_in(source)) == [
        "line 4: gc.disable()",
        "line 5: .read_text()",
        "line 5: datetime.now()",
        "line 5: open()",
        "line 5: os.environ",
    ]


def working_directory_reads(source: str) -> list[str]:
    """Calls that read the process's working directory (`Path.cwd()`, `os.getcwd()`)."""
    return [
        f"line {node.lineno}: {node.func.attr}()"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("cwd", "getcwd")
    ]


# Jobs read the community's files through the Context (`ctx.checkout`, `ctx.repo_file`), never
# from whatever directory the process runs in (the App's is not a checkout).
JOB_MODULES = sorted(
    "ghcommunity." + ".".join(path.relative_to(ROOT / "src" / "ghcommunity").with_suffix("").parts)
    for path in (ROOT / "src" / "ghcommunity" / "jobs").rglob("*.py")
)


@pytest.mark.parametrize("module", JOB_MODULES)
def test_a_job_reads_nothing_from_the_working_directory(module: str) -> None:
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    found = working_directory_reads(Path(spec.origin).read_text(encoding="utf-8"))
    assert found == [], f"{module}: " + "; ".join(found)


def test_the_working_directory_check_finds_what_it_looks_for() -> None:
    source = "import os\nfrom pathlib import Path\nroot = Path.cwd()\nhere = os.getcwd()\n"
    assert working_directory_reads(source) == ["line 3: cwd()", "line 4: getcwd()"]
    assert any(m.startswith("ghcommunity.jobs.ddat.") for m in JOB_MODULES)


def test_the_import_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    done = subprocess.run(
        [lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "BROKEN" not in done.stdout


# -- every job reads the config through its own view ------------------------------------------

JOBS = ROOT / "src" / "ghcommunity" / "jobs"


def whole_config_uses(source: str) -> list[str]:
    """Where a module takes the whole config: imports `Config`, or reads `.config` (the
    Context's or a command call's) instead of its own view (`ctx.view(...)`, `call.view(...)`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "ghcommunity.config":
            found += [
                f"line {node.lineno}: imports Config" for a in node.names if a.name == "Config"
            ]
        if isinstance(node, ast.Attribute) and node.attr in {"config", "_config"}:
            found.append(f"line {node.lineno}: reads .{node.attr}")
    return found


def _job_modules() -> list[Path]:
    return sorted(path for path in JOBS.glob("*/*.py") if path.name != "settings.py")


@pytest.mark.parametrize("path", _job_modules(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_job_reads_only_its_own_view_of_the_config(path: Path) -> None:
    found = whole_config_uses(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.parent.name}/{path.name}: " + "; ".join(found)


def test_every_job_declares_its_view() -> None:
    jobs = sorted(p.name for p in JOBS.iterdir() if (p / "__init__.py").is_file())
    assert len(jobs) >= 8
    assert [j for j in jobs if not (JOBS / j / "settings.py").is_file()] == []


def test_the_view_check_finds_what_it_looks_for() -> None:
    source = (
        "from ghcommunity.config import Config, Group\n"
        "def f(ctx, call):\n"
        "    return ctx.config.triage, call._config, ctx.view(X)\n"
    )
    assert sorted(whole_config_uses(source)) == [
        "line 1: imports Config",
        "line 3: reads ._config",
        "line 3: reads .config",
    ]


# -- REST paths and GraphQL documents live at the edges, never in a planner --------------------

GITHUB_TEXT = re.compile(
    r"""repo_path\(|["']/repos/|\b(?:query|mutation)\s+[A-Z]\w*\s*[({]|\.(?:rest|graphql|paginate)\("""
)


def github_text_in(source: str) -> list[str]:
    return [
        f"line {number}: {line.strip()[:60]}"
        for number, line in enumerate(source.splitlines(), start=1)
        if GITHUB_TEXT.search(line)
    ]


@pytest.mark.parametrize("module", PLANNERS)
def test_a_planner_holds_no_rest_path_or_graphql_document(module: str) -> None:
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    found = github_text_in(Path(spec.origin).read_text(encoding="utf-8"))
    assert found == [], f"{module}: " + "; ".join(found)


def test_the_github_text_check_finds_what_it_looks_for() -> None:
    source = (
        'Q = """query Digest($owner: String!) { x }"""\n'
        'path = f"{repo_path(repo)}/issues"\n'
        'client.rest("GET", "/repos/o/r")\n'
        "plan = Plan()  # a query about the plan\n"
    )
    assert [line.split(":")[0] for line in github_text_in(source)] == ["line 1", "line 2", "line 3"]


def test_every_handler_module_registers_something() -> None:
    """A module listed in HANDLER_MODULES is there to register a handler, a command, a
    provider or a dashboard section; a pure planner listed there misleads."""
    from ghcommunity.jobs import runner

    marks = ("@on(", "@slash_command(", "@label_source", "@role_", "@dashboard_section(", "@tick_")
    for module in runner.HANDLER_MODULES:
        spec = importlib.util.find_spec(module)
        assert spec is not None
        assert spec.origin is not None
        text = Path(spec.origin).read_text(encoding="utf-8")
        assert any(mark in text for mark in marks), module
