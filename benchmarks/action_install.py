"""Run action.yml's own shell steps the way the runner would, and print how long they take.

    python benchmarks/action_install.py [--python /path/to/python3.13] [--api-url URL]

It copies the repo (as `uses:` would fetch it), then runs the composite action's `run:` steps
with bash, with the environment action.yml gives them: the `uses:` steps are stood in for
(setup-python by the given interpreter, actions/cache by keeping or deleting the virtual
environment). Cold: nothing cached (pip downloads every pinned, hashed wheel). Warm: the cached
environment restored (only ghcommunity itself is installed). Then `labels-sync` with dry-run
against a sandbox, as the last step runs it. Needs network access to PyPI for the cold install.
Exits non-zero when a step fails, so CI can run it as a check of action.yml and its lock file.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", ".git", ".mypy_cache", ".ruff_cache", ".pytest_cache", "__pycache__"}


def copy_repo(target: Path) -> None:
    shutil.copytree(ROOT, target, ignore=lambda _d, names: [n for n in names if n in SKIP])


def expand(value: str, context: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        if expression not in context:
            raise KeyError(f"no value for ${{{{ {expression} }}}} in this harness")
        return context[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


def read_outputs(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            out[name] = "\n".join(lines[index + 1 : end])
            index = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
            index += 1
        else:
            index += 1
    return out


def run_action(
    action_path: Path,
    temp: Path,
    python: str,
    inputs: dict[str, str],
    *,
    cached: bool,
    extra_env: dict[str, str],
) -> dict[str, float]:
    spec: dict[str, Any] = yaml.safe_load((action_path / "action.yml").read_text())
    context = {
        "github.action_path": str(action_path),
        "runner.temp": str(temp),
        "runner.os": "Linux",
        "runner.arch": "X64",
        "steps.python.outputs.python-path": python,
        "steps.python.outputs.python-version": "3.13",
        "steps.cache.outputs.cache-hit": "true" if cached else "",
    }
    for name, meta in spec["inputs"].items():
        default = str(meta.get("default", ""))
        context[f"inputs.{name}"] = inputs.get(name, "" if "${{" in default else default)
    timings: dict[str, float] = {}
    for step in spec["runs"]["steps"]:
        if "uses" in step:
            continue
        output = temp / f"output-{step['id']}"
        output.write_text("")
        env = {k: expand(str(v), context) for k, v in step.get("env", {}).items()}
        env = {
            **os.environ,
            **extra_env,
            **env,
            "GITHUB_OUTPUT": str(output),
            "RUNNER_OS": "Linux",
            "RUNNER_TEMP": str(temp),
        }
        started = time.perf_counter()
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        timings[step["name"]] = time.perf_counter() - started
        if done.returncode != 0 and step["id"] != "run":
            sys.exit(f"step {step['name']!r} failed:\n{done.stdout}\n{done.stderr}")
        for key, value in read_outputs(output).items():
            context[f"steps.{step['id']}.outputs.{key}"] = value
        if step["id"] == "run":
            print(done.stdout)
            if done.returncode != 0:
                sys.exit(f"`python -m ghcommunity.action` exited with {done.returncode}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=shutil.which("python3.13") or sys.executable)
    args = parser.parse_args()

    from ghcommunity_sandbox import Sandbox

    with tempfile.TemporaryDirectory() as folder, Sandbox.start(seed="minimal") as sandbox:
        root = Path(folder)
        action_path = root / "action"
        copy_repo(action_path)
        workspace = root / "workspace"
        (workspace / ".github").mkdir(parents=True)
        shutil.copy(ROOT / "config" / "community.yml", workspace / ".github" / "ghcommunity.yml")
        extra = {
            "GITHUB_API_URL": sandbox.url,
            "GITHUB_REPOSITORY": "uk-x-gov-software-community/community-space",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_STEP_SUMMARY": str(root / "summary.md"),
            "PIP_CACHE_DIR": str(root / "pip-cache"),
        }
        inputs = {"command": "labels-sync", "dry-run": "true", "token": "sandbox-token"}
        os.chdir(workspace)
        for label, cached in (("cold", False), ("warm", True)):
            temp = root / f"runner-temp-{label}"
            if cached:
                shutil.copytree(
                    root / "runner-temp-cold" / "ghcommunity-venv",
                    temp / "ghcommunity-venv",
                    symlinks=True,
                )
            else:
                temp.mkdir()
            timings = run_action(
                action_path, temp, args.python, inputs, cached=cached, extra_env=extra
            )
            total = sum(timings.values())
            print(
                f"{label}: "
                + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
                + f"; total {total:.1f}s"
            )


if __name__ == "__main__":
    main()
