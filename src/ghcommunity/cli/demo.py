"""`ghcommunity demo`: every job against the sandbox's sample community; no token, no network.

The demo starts the sandbox in-process with the sample community (`seed="sample"`), then runs
its steps in order and prints what each did and which files it wrote (under `./demo-output/`,
or `--out`). A step is a function `(Demo) -> StepResult`; add one by writing it and listing it
in `STEPS`. Each step runs a real job the way its users do: through the command line, or, for
triage, by delivering events to the one dispatcher. A step that fails is reported as failed.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ghcommunity.core.errors import GhcError, InputError, OperationalError

if TYPE_CHECKING:
    from ghcommunity.config import Config
    from ghcommunity_sandbox import Sandbox


@dataclass
class StepResult:
    """What one step did: a title, lines for people, and the files it wrote."""

    title: str
    lines: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    status: str = "ok"  # ok | failed


DEMO_TOKEN = "sandbox-demo"  # noqa: S105 - the sandbox accepts any token; this is no secret


@dataclass
class Demo:
    """What every step works with."""

    sb: Sandbox
    config: Config
    config_file: Path
    out: Path

    @property
    def config_args(self) -> list[str]:
        return ["--config", str(self.config_file)]

    @property
    def now(self) -> str:
        """The sample community's frozen clock, so the demo gives the same result every day."""
        return self.sb.state.now.strftime("%Y-%m-%dT%H:%M:%SZ")

    def cli(self, args: list[str]) -> tuple[int, str]:
        return run_cli(self.sb, [*args, *self.config_args])

    def cli_json(self, args: list[str], title: str) -> dict[str, Any]:
        code, output = self.cli(args)
        if code != 0:
            raise StepFailed(title, output.strip().splitlines()[-1:] or [f"exit {code}"])
        try:
            data = json.loads(output)
        except json.JSONDecodeError:
            raise StepFailed(title, ["the command did not print JSON"]) from None
        return data if isinstance(data, dict) else {"items": data}

    def cli_file(self, args: list[str], title: str) -> None:
        code, output = self.cli(args)
        if code != 0:
            raise StepFailed(title, output.strip().splitlines()[-1:] or [f"exit {code}"])


class StepFailed(GhcError):
    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__(f"{title}: " + "; ".join(lines))
        self.title = title
        self.lines = lines


Step = Callable[[Demo], StepResult]


# -- steps -------------------------------------------------------------------------------------


def community_step(demo: Demo) -> StepResult:
    """The sample community the other steps work on."""
    from ghcommunity_sandbox.seed import COMMUNITY_REPO

    sb, config, out = demo.sb, demo.config, demo.out
    state = sb.state
    with state.lock:
        repo = state.repo(COMMUNITY_REPO)
        if repo is None:
            return StepResult(
                "The sample community", ["the sample repository is missing"], status="failed"
            )
        issues = [i for i in repo.issues.values() if i.pull is None]
        pulls = [i for i in repo.issues.values() if i.pull is not None]
        org = state.org(repo.owner.login)
        members = len(org.members) if org else 0
        head = repo.git.refs.get(f"refs/heads/{repo.default_branch}")
        files = sorted(repo.git.files(repo.git.commits[head].tree)) if head else []
        notes = [f for f in files if f.endswith(".md") and "/" in f]
        companies = Counter(
            u.company for u in state.users.values() if u.company and u.type == "User"
        )
        labels = Counter(lab.name for i in issues for lab in i.labels)
        discussions = len(repo.discussions)
        rows = {
            "repository": repo.full_name,
            "issues": len(issues),
            "open_issues": sum(1 for i in issues if i.state == "open"),
            "pull_requests": len(pulls),
            "discussions": discussions,
            "comments": len(repo.comments),
            "org_members": members,
            "notes_files": len(notes),
            "people_with_a_company": sum(companies.values()),
        }
    groups = [f"{g.name} ({g.slug})" for g in config.groups]
    lines = [
        f"{rows['repository']}: {rows['issues']} issues ({rows['open_issues']} open), "
        f"{rows['pull_requests']} pull requests, {rows['discussions']} discussions, "
        f"{rows['comments']} comments",
        f"{rows['org_members']} org members; {rows['notes_files']} meeting-notes files on "
        f"{repo.default_branch}",
        "groups: " + (", ".join(groups) if groups else "(no config loaded)"),
        "most used labels: " + ", ".join(f"{n} ({c})" for n, c in labels.most_common(5)),
        f"sandbox: {sb.url} (GraphQL {sb.graphql_url})",
    ]
    path = out / "community.json"
    path.write_text(
        json.dumps({**rows, "groups": groups, "labels": dict(labels)}, indent=2) + "\n",
        encoding="utf-8",
    )
    return StepResult("The sample community", lines, [path])


def inside_out(out: Path, relative: str) -> Path:
    """Where the demo writes a file the config names: always inside --out (the config's paths
    are validated; this also refuses a symlink in --out that leads elsewhere)."""
    from ghcommunity.config.paths import inside_checkout

    out.mkdir(parents=True, exist_ok=True)
    try:
        return inside_checkout(out, relative)
    except ValueError as exc:
        raise StepFailed("writing the demo's files", [f"--out {out}: {exc}"]) from None


def run_cli(sb: Sandbox, args: list[str]) -> tuple[int, str]:
    """Run a `ghcommunity` subcommand in-process against the sandbox: (exit code, output);
    the output is standard output on success, everything printed on failure.

    For wiring a job into the demo through its command line, e.g.
    `run_cli(sb, ["labels", "sync", "--json"])`.
    """
    from click.testing import CliRunner

    from ghcommunity.cli import cli

    result = CliRunner().invoke(
        cli,
        args,
        env={"GITHUB_API_URL": sb.url, "GITHUB_TOKEN": DEMO_TOKEN},
        catch_exceptions=True,
    )
    if result.exit_code == 0:
        return 0, result.stdout  # what the command printed for us (JSON, a report)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\n{type(result.exception).__name__}: {result.exception}"
    return result.exit_code, output


def _since(sb: Sandbox, before: dict[str, Any]) -> dict[str, int]:
    """Requests and writes since `before` (an earlier `sb.stats()`)."""
    now = sb.stats()
    return {key: int(now[key]) - int(before[key]) for key in ("total", "writes")}


def _outcome_counts(outcomes: list[dict[str, Any]]) -> str:
    counts = Counter(o.get("status", "?") for o in outcomes)
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to do"


def labels_step(demo: Demo) -> StepResult:
    """Labels as code: create and update every label the config (and DDaT taxonomy) declares."""
    title = "Labels as code"
    data = demo.cli_json(["labels", "sync", "--json"], title)
    report = data.get("labels", {})
    path = demo.out / "labels.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return StepResult(
        title,
        [
            f"{len(report.get('create', []))} labels created, "
            f"{len(report.get('update', []))} updated, {report.get('unchanged', 0)} already "
            f"right, {report.get('not_owned', 0)} not ours (left alone)",
        ],
        [path],
    )


def triage_step(demo: Demo) -> StepResult:
    """Every open seeded issue delivered as `issues.opened` through the one dispatcher."""
    from ghcommunity.core.events import Event
    from ghcommunity.core.resources import reference_dir
    from ghcommunity.github.client import Connection, GitHubClient
    from ghcommunity.github.context import Context
    from ghcommunity.github.forms import DirectoryFormSource
    from ghcommunity.jobs.runner import dispatch

    title = "Triage and DDaT labelling of the seeded issues"
    sb, config = demo.sb, demo.config
    client = GitHubClient(Connection(api_url=sb.url, token=DEMO_TOKEN))
    repo = client.rest("GET", f"/repos/{config.repo}")
    issues = sorted(
        (
            issue
            for issue in client.paginate(f"/repos/{config.repo}/issues", {"state": "open"})
            if "pull_request" not in issue
        ),
        key=lambda issue: int(issue["number"]),
    )
    # As the Action does from a checkout of the community's repo: forms from a folder, other
    # files (the DDaT taxonomy) from the working directory, as every command reads them.
    forms = DirectoryFormSource(reference_dir() / "issue-forms")

    def deliver(issue: dict[str, Any]) -> Any:
        event = Event(
            "issues",
            {"action": "opened", "issue": issue, "repository": repo, "sender": issue["user"]},
        )
        ctx = Context(config=config, client=client, form_source=forms, checkout=Path.cwd())
        return dispatch(event, ctx)

    before = sb.stats()
    results = [deliver(issue) for issue in issues]
    first = _since(sb, before)
    rows = ["| Issue | Labels added | Comment |", "|---|---|---|"]
    labelled = commented = 0
    for issue, result in zip(issues, results, strict=True):
        added = [
            label
            for outcome in result.outcomes
            if outcome.op.op == "add_labels" and outcome.status == "applied"
            for label in outcome.op.labels
        ]
        comment = any(o.op.op == "comment" and o.status == "applied" for o in result.outcomes)
        labelled += bool(added)
        commented += comment
        name = issue["title"].replace("|", "\\|")
        rows.append(
            f"| #{issue['number']} {name} | {', '.join(added) or '-'} | "
            f"{'yes' if comment else '-'} |"
        )
    before = sb.stats()  # a redelivery of every event must change nothing
    for issue in issues:
        deliver(issue)
    again = _since(sb, before)
    # What the bot said, whole: each comment it posted (or edited), under its issue.
    said = ["", "## What the bot said", ""]
    for issue, result in zip(issues, results, strict=True):
        for outcome in result.outcomes:
            if outcome.op.op != "comment" or outcome.status != "applied":
                continue
            name = issue["title"].replace("\n", " ")
            said += [f"### #{issue['number']} {name}", "", outcome.op.body.rstrip(), ""]
    if len(said) == 3:
        said.append("The bot posted no comments.")
    path = demo.out / "triage.md"
    path.write_text(
        "# Triage of the sample community's open issues\n\n"
        + "\n".join(rows)
        + "\n"
        + "\n".join(said).rstrip()
        + "\n",
        encoding="utf-8",
    )
    per_issue = first["total"] / max(len(issues), 1)
    return StepResult(
        title,
        [
            f"{len(issues)} open issues delivered as issues.opened: {labelled} labelled, "
            f"{commented} given the one triage comment (welcome, routing, missing answers, "
            "possible duplicates, as needed)",
            f"{first['total']} requests ({per_issue:.1f} per issue), {first['writes']} writes",
            f"every event delivered again: {again['total']} requests, {again['writes']} writes",
        ],
        [path],
    )


def ddat_step(demo: Demo) -> StepResult:
    """The DDaT representatives' report, as Markdown and CSV."""
    title = "DDaT framework feedback report"
    md, csv_path = demo.out / "ddat-report.md", demo.out / "ddat-report.csv"
    data = demo.cli_json(["ddat", "report", "--format", "json"], title)
    for fmt, path in (("md", md), ("csv", csv_path)):
        demo.cli_file(["ddat", "report", "--format", fmt, "--out", str(path)], title)
    totals = data.get("totals") or {}
    lines = [
        f"{totals.get('issues', 0)} feedback issues ({totals.get('open', 0)} open), "
        f"{totals.get('thumbs_up', 0)} 👍 in support",
        "by role: "
        + ", ".join(
            f"{r.get('name') or 'no role given'} {r.get('issues')}" for r in data.get("roles") or []
        ),
    ]
    return StepResult(title, lines, [md, csv_path])


def meetings_step(demo: Demo) -> StepResult:
    """Next month's meeting notes (and calendars), as one pull request; then a second run."""
    title = "Next month's meeting notes"
    today = demo.sb.state.now.date()
    first_of_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    end_of_next = (first_of_next + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    args = [
        "meetings",
        "generate",
        "--json",
        "--now",
        demo.now,
        "--lead-time",
        f"{(end_of_next - today).days}d",
    ]
    data = demo.cli_json(args, title)
    files: list[Path] = []
    for op in data.get("operations", []):
        for change in op.get("files", []):
            target = inside_out(demo.out, "meetings/" + str(change["path"]))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(change["content"], encoding="utf-8")
            files.append(target)
    urls = [
        o["url"]
        for o in data.get("outcomes", [])
        if o.get("op") == "open_pull_request" and o.get("url")
    ]
    before = demo.sb.stats()
    demo.cli_json(args, title)
    second = _since(demo.sb, before)
    notes = sum(1 for path in files if path.suffix == ".md")
    return StepResult(
        title,
        [
            f"meetings up to {end_of_next:%d %B %Y}: {notes} notes files and "
            f"{len(files) - notes} calendar files in one pull request"
            + (f" ({urls[0]})" if urls else ""),
            f"run again: {second['writes']} writes (it never overwrites notes people started)",
        ],
        files,
    )


def lifecycle_step(demo: Demo) -> StepResult:
    """Reminders for needs-info issues with no reply from their author."""
    title = "Lifecycle (needs-info reminders)"
    data = demo.cli_json(["lifecycle", "--json", "--now", demo.now], title)
    path = demo.out / "lifecycle.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    lines = list(data.get("notes", [])) + [
        f"#{d['issue']}: {d['action']} ({d['reason']})" for d in data.get("decisions", [])
    ]
    return StepResult(title, lines, [path])


def registry_step(demo: Demo) -> StepResult:
    """The community registry: what each group is missing and when it last met; the directory."""
    title = "Community registry audit and directory"
    audit = demo.cli_json(["audit", "--format", "json", "--now", demo.now], title)
    md, directory = demo.out / "audit.md", demo.out / "directory.md"
    md.write_text(demo.cli(["audit", "--format", "md", "--now", demo.now])[1], encoding="utf-8")
    demo.cli_file(["directory", "--out", str(directory), "--now", demo.now], title)
    lines = [
        f"{g['name']}: last met {g.get('last_met') or '(no notes found)'}; missing "
        f"{', '.join(g.get('missing', [])) or 'nothing'}"
        for g in audit.get("groups", [])
    ]
    return StepResult(title, lines, [md, directory])


def digest_step(demo: Demo) -> StepResult:
    """Last month's digest: synced into a store, rendered, published as a discussion."""
    title = "Last month's digest"
    month = f"{demo.sb.state.now.date().replace(day=1) - timedelta(days=1):%Y-%m}"
    store = f"sqlite:///{(demo.out / 'store.sqlite').resolve()}"
    md, html = demo.out / f"digest-{month}.md", demo.out / f"digest-{month}.html"
    data = demo.cli_json(
        [
            "digest",
            "--month",
            month,
            "--store",
            store,
            "--format",
            "md",
            "--out",
            str(md),
            "--publish",
            "discussion",
            "--json",
        ],
        title,
    )
    demo.cli_file(
        [
            "digest",
            "--month",
            month,
            "--store",
            store,
            "--no-sync",
            "--format",
            "html",
            "--out",
            str(html),
            "--dry-run",
        ],
        title,
    )
    urls = [o["url"] for o in data.get("outcomes", []) if o.get("url")]
    return StepResult(
        title,
        [
            f"{month}: {_outcome_counts(data.get('outcomes', []))}"
            + (f" ({urls[0]})" if urls else "")
        ],
        [md, html],
    )


STEPS: list[Step] = [
    community_step,
    labels_step,
    triage_step,
    ddat_step,
    meetings_step,
    lifecycle_step,
    registry_step,
    digest_step,
]


def run_steps(
    demo: Demo, steps: list[Step] | None = None
) -> list[tuple[StepResult, dict[str, Any]]]:
    """Run each step; a step that fails is reported as failed and the demo carries on."""
    results = []
    for step in steps if steps is not None else STEPS:
        demo.sb.reset_stats()
        started = time.perf_counter()
        try:
            result = step(demo)
        except StepFailed as exc:
            result = StepResult(exc.title, exc.lines, status="failed")
        except GhcError as exc:
            title = (step.__doc__ or step.__name__).splitlines()[0]
            result = StepResult(title, [str(exc)], status="failed")
        stats = demo.sb.stats()
        results.append(
            (
                result,
                {
                    "requests": stats["total"],
                    "writes": stats["writes"],
                    "seconds": round(time.perf_counter() - started, 2),
                },
            )
        )
    return results


@click.command(name="demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="demo-output",
    show_default=True,
    help="Where the demo writes its files.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Config file (default: .github/ghcommunity.yml, then config/community.yml, "
    "then the reference config that ships with ghcommunity).",
)
def demo(out_dir: str, config_path: str | None) -> None:
    """Run every job against the sandbox's sample community and show what each did.

    No token and no network: the sandbox is a local GitHub seeded with a sample of the UK
    cross-government software engineering community's repo. Exits 1 if any job failed.
    """
    from ghcommunity.config import find_config, load_config
    from ghcommunity.core.resources import reference_config
    from ghcommunity_sandbox import Sandbox

    try:
        config_file = find_config(config_path)
    except InputError:
        if config_path:
            raise
        config_file = reference_config()
    config = load_config(config_file)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out_dir}: cannot create it: {exc.strerror or exc}") from None
    click.echo(f"Starting the sandbox with the sample community (config: {config_file})...")
    with Sandbox.start(seed="sample") as sb:
        results = run_steps(Demo(sb, config, config_file, out))
    summary = []
    for result, counters in results:
        mark = {"ok": "done", "failed": "FAILED"}.get(result.status, result.status)
        click.echo(f"\n== {result.title}: {mark}")
        for line in result.lines:
            click.echo(f"   {line}")
        if result.status == "ok":
            click.echo(
                f"   ({counters['requests']} requests, {counters['writes']} writes, "
                f"{counters['seconds']} s)"
            )
        for path in result.files:
            click.echo(f"   wrote {path}")
        summary.append(
            {
                "title": result.title,
                "status": result.status,
                "lines": result.lines,
                "files": [str(p) for p in result.files],
                **counters,
            }
        )
    summary_path = out / "summary.json"
    summary_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    click.echo(f"\nSummary: {summary_path}")
    failed = [s["title"] for s in summary if s["status"] != "ok"]
    if failed:
        raise OperationalError("the demo did not complete: " + "; ".join(failed))
