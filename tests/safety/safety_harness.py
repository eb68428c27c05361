"""Every writing job, run the way its users run it (the `ghcommunity` command, in its own
process) against one sandbox: for the lost-answer fault benchmark, the concurrency benchmark
and their tests.

    jobs = writing_jobs(sb, workdir)        # name → argv (after `ghcommunity`)
    run_job(sb, argv) -> (exit code, output)
    duplicates(sb) -> list of what is there twice
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "community.yml"
FORMS = ROOT / "config" / "issue-forms"
REPO = "uk-x-gov-software-community/community-space"
TOKEN = "safety-harness"  # the sandbox takes any token

_DRIVER = """
import sys
from ghcommunity.cli import main
codes = []
for line in sys.stdin.read().split("\\n\\0\\n"):
    if not line.strip():
        continue
    try:
        main(line.split("\\n"))
        codes.append(0)
    except SystemExit as exc:
        codes.append(exc.code if isinstance(exc.code, int) else 1)
    sys.stderr.write("\\n--end-of-run--\\n")
    sys.stderr.flush()
print("CODES", " ".join(map(str, codes)))
"""


def _env(sb: Any) -> dict[str, str]:
    env = dict(os.environ)
    # SAFETY_SRC: run another checkout's ghcommunity (e.g. main's, for a before/after figure).
    paths = [os.environ.get("SAFETY_SRC") or str(ROOT / "src"), str(ROOT / "sandbox" / "src")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(GITHUB_API_URL=sb.url, GITHUB_TOKEN=TOKEN)
    for name in ("GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GH_TOKEN"):
        env.pop(name, None)
    return env


def start_runs(sb: Any, runs: list[list[str]]) -> subprocess.Popen[str]:
    """One process that runs these `ghcommunity` command lines one after another."""
    process = subprocess.Popen(  # our own interpreter, our own module
        [sys.executable, "-c", _DRIVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(sb),
        cwd=ROOT,
    )
    assert process.stdin is not None
    process.stdin.write("\n\0\n".join("\n".join(argv) for argv in runs))
    process.stdin.close()
    process.stdin = None  # written and closed: communicate() must not touch it again
    return process


def finish(process: subprocess.Popen[str]) -> tuple[list[int], list[str]]:
    """Wait for a process from `start_runs`: the exit code of each run, and what each printed
    on standard error."""
    out, err = process.communicate()
    codes = [
        int(c) for line in out.splitlines() if line.startswith("CODES") for c in line.split()[1:]
    ]
    return codes, err.split("\n--end-of-run--\n")


def run_jobs(sb: Any, runs: list[list[str]]) -> tuple[list[int], list[str]]:
    return finish(start_runs(sb, runs))


def now(sb: Any) -> str:
    return str(sb.state.now.strftime("%Y-%m-%dT%H:%M:%SZ"))


def last_month(sb: Any) -> str:
    return f"{sb.state.now.date().replace(day=1) - timedelta(days=1):%Y-%m}"


def issue_events(sb: Any, workdir: Path, numbers: list[int] | None = None) -> list[Path]:
    """An `issues.opened` payload file for each open issue (or these), as the Action gets."""
    from ghcommunity.github.client import Connection, GitHubClient

    client = GitHubClient(Connection(api_url=sb.url, token=TOKEN))
    try:
        repository = client.rest("GET", f"/repos/{REPO}")
        issues = [
            i
            for i in client.paginate(f"/repos/{REPO}/issues", {"state": "open"})
            if "pull_request" not in i and (numbers is None or i["number"] in numbers)
        ]
    finally:
        client.close()
    paths = []
    for issue in sorted(issues, key=lambda i: int(i["number"])):
        path = workdir / f"issue-{issue['number']}.json"
        payload = {
            "action": "opened",
            "issue": issue,
            "repository": repository,
            "sender": issue["user"],
        }
        path.write_text(json.dumps(payload), encoding="utf-8")
        paths.append(path)
    return paths


# The App's door: what a worker does with a delivery (app/processor.py): one Context per
# event, then the same dispatcher `handle` calls; one long-lived client, as a worker has.
_APP_DOOR = """
import json, os, sys
from pathlib import Path
from ghcommunity.config import load_config
from ghcommunity.core.events import Event
from ghcommunity.github.client import Connection, GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.github.forms import DirectoryFormSource
from ghcommunity.jobs.runner import dispatch
config = load_config(os.environ["SAFETY_CONFIG"])
client = GitHubClient(Connection.from_env())
codes = []
for path in sys.stdin.read().split():
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    ctx = Context(config=config, client=client)
    ctx.form_source = DirectoryFormSource(Path(os.environ["SAFETY_FORMS"]))
    try:
        dispatch(Event("issues", payload, delivery_id="app-" + Path(path).stem), ctx)
        codes.append(0)
    except Exception as exc:
        sys.stderr.write(f"error: {exc}\\n")
        codes.append(1)
    sys.stderr.write("\\n--end-of-run--\\n")
print("CODES", " ".join(map(str, codes)))
"""


def start_app_door(sb: Any, events: list[Path]) -> subprocess.Popen[str]:
    """A process that delivers these events as the App's worker does."""
    env = _env(sb)
    env.update(SAFETY_CONFIG=str(CONFIG), SAFETY_FORMS=str(FORMS))
    process = subprocess.Popen(
        [sys.executable, "-c", _APP_DOOR],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert process.stdin is not None
    process.stdin.write("\n".join(str(p) for p in events))
    process.stdin.close()
    process.stdin = None
    return process


def handle_runs(events: list[Path]) -> list[list[str]]:
    return [
        [
            "handle",
            "--event-name",
            "issues",
            "--event",
            str(path),
            "--forms",
            str(FORMS),
            "--config",
            str(CONFIG),
        ]
        for path in events
    ]


def scheduled_jobs(sb: Any, workdir: Path, tag: str = "") -> dict[str, list[str]]:
    """Every scheduled writing job: name → `ghcommunity` command line."""
    month = last_month(sb)
    store = f"sqlite:///{(workdir / f'store{tag}.sqlite').resolve()}"
    at = now(sb)
    config = ["--config", str(CONFIG)]
    digest = ["digest", "--month", month, "--store", store]
    return {
        "labels sync": ["labels", "sync", *config],
        "audit issue": ["audit", "--publish", "--now", at, *config],
        "lifecycle reminders": ["lifecycle", "--now", at, *config],
        "meetings pull request": [
            "meetings",
            "generate",
            "--now",
            at,
            "--lead-time",
            "40d",
            *config,
        ],
        "digest discussion": [*digest, "--publish", "discussion", *config],
        "digest issue": [*digest, "--no-sync", "--publish", "issue", *config],
        "digest file": [*digest, "--no-sync", "--publish", "file", *config],
        "ddat export": ["ddat", "export", "--month", month, *config],
    }


def duplicates(sb: Any) -> list[str]:
    """What the bot made twice: a keyed comment, issue or discussion, or a pull request."""
    from ghcommunity.core.plan import marker_key

    found: list[str] = []
    with sb.state.lock:
        repo = sb.state.repo(REPO)
        keyed: Counter[tuple[str, str]] = Counter()
        heads: Counter[str] = Counter()
        for issue in repo.issues.values():
            for comment in issue.comments:
                key = marker_key(comment.body)
                if key and comment.user.login.endswith("[bot]"):
                    keyed[(f"comment on #{issue.number}", key)] += 1
            key = marker_key(issue.body)
            if key and issue.state == "open":
                keyed[("issue", key)] += 1
            if issue.pull is not None and issue.state == "open":
                heads[str(getattr(issue.pull, "head_ref", None) or issue.pull)] += 1
        for discussion in repo.discussions.values():
            key = marker_key(discussion.body)
            if key:
                keyed[("discussion", key)] += 1
    found += [f"{where} {key!r} x{n}" for (where, key), n in keyed.items() if n > 1]
    found += [f"pull request from {head} x{n}" for head, n in heads.items() if n > 1]
    return found
