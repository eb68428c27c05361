"""`ghcommunity init`: write everything a community's repo needs, ready for one pull request.

- `.github/ghcommunity.yml`: the reference config, comments kept, with the org and repo filled in;
- `.github/ISSUE_TEMPLATE/`: the issue forms and the chooser (`config.yml`);
- `.github/workflows/ghcommunity-*.yml`: small caller workflows that `uses:` ghcommunity's
  reusable workflows, pinned to a full commit SHA (a tag given with --ref is resolved to one).

Existing files are never overwritten without --force; what was skipped is said.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import click

from ghcommunity import __version__
from ghcommunity.cli.common import github_options
from ghcommunity.config import parse_config
from ghcommunity.core.errors import GhcError, InputError, OperationalError
from ghcommunity.core.resources import reference_config, reference_dir

SOURCE = "ghcommunity/ghcommunity"  # where the reusable workflows live
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})$")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_REMOTE = re.compile(r"github\.com[:/]+(?P<org>[^/\s]+)/(?P<name>[^/\s]+?)(?:\.git)?/?$")

WORKFLOWS = (
    "ghcommunity-triage.yml",
    "ghcommunity-meeting-notes.yml",
    "ghcommunity-digest.yml",
    "ghcommunity-ddat-report.yml",
    "ghcommunity-labels-sync.yml",
    "ghcommunity-lifecycle.yml",
    "ghcommunity-dashboard.yml",
)


@dataclass(frozen=True)
class Pin:
    """How the callers reference ghcommunity: `SOURCE/.github/workflows/x.yml@sha # label`."""

    source: str
    sha: str
    label: str = ""

    def render(self) -> str:
        return f"{self.sha} # {self.label}" if self.label else self.sha


@dataclass(frozen=True)
class File:
    path: str  # relative to the repo root, with forward slashes
    content: str


# -- pure: what to write ------------------------------------------------------------------------


def fill_config(text: str, org: str, name: str) -> str:
    """The reference config with `community.org` and `community.repo` set; comments kept.

    Teams are named `org/slug`, so the reference org is replaced wherever it names the org.
    """
    reference = parse_config(text, "reference config").community
    lines = text.splitlines(keepends=True)
    in_community = False
    for index, line in enumerate(lines):
        if re.match(r"^community:\s*(#.*)?$", line):
            in_community = True
            continue
        if in_community and re.match(r"^\S", line):
            in_community = False
        if in_community:
            found = re.match(r"^(\s+)(org|repo):(\s*)\S+(.*)$", line.rstrip("\r\n"))
            if found:
                indent, key, space, rest = found.groups()
                value = org if key == "org" else name
                ending = line[len(line.rstrip("\r\n")) :]
                lines[index] = f"{indent}{key}:{space or ' '}{value}{rest}{ending}"
    out = "".join(lines)
    if org != reference.org:
        out = re.sub(rf"(?<![\w.-]){re.escape(reference.org)}/", f"{org}/", out)
    filled = parse_config(out, ".github/ghcommunity.yml").community
    if (filled.org, filled.repo) != (org, name):
        raise OperationalError("the reference config's community block could not be rewritten")
    return out


def fill_workflow(template: str, pin: Pin, branch: str) -> str:
    return (
        template.replace("__SOURCE__", pin.source)
        .replace("__REF__", pin.render())
        .replace("__BRANCH__", branch)
    )


def read_workflow_templates() -> dict[str, str]:
    folder = resources.files("ghcommunity.templates") / "init" / "workflows"
    return {name: (folder / name).read_text(encoding="utf-8") for name in WORKFLOWS}


def read_issue_forms() -> dict[str, str]:
    folder = reference_dir() / "issue-forms"
    if not folder.is_dir():
        return {}
    return {f.name: f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.yml"))}


def files_to_write(org: str, name: str, pin: Pin) -> list[File]:
    """Every file `init` writes, in order, with its content."""
    config_text = fill_config(reference_config().read_text(encoding="utf-8"), org, name)
    branch = parse_config(config_text, ".github/ghcommunity.yml").community.default_branch
    files = [File(".github/ghcommunity.yml", config_text)]
    files += [
        File(f".github/ISSUE_TEMPLATE/{form}", text) for form, text in read_issue_forms().items()
    ]
    files += [
        File(f".github/workflows/{workflow}", fill_workflow(text, pin, branch))
        for workflow, text in read_workflow_templates().items()
    ]
    return files


# -- edges: the target repo and GitHub ----------------------------------------------------------


def origin_of(repo: Path) -> tuple[str, str] | None:
    """(org, name) from the repo's `origin` remote when it is on github.com."""
    git_config = repo / ".git" / "config"
    if not git_config.is_file():
        return None
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(git_config, encoding="utf-8")
    except configparser.Error:
        return None
    url = parser.get('remote "origin"', "url", fallback="")
    found = _REMOTE.search(url.strip())
    return (found["org"], found["name"]) if found else None


def existing_community(repo: Path) -> tuple[str, str] | None:
    """(org, name) from a config the repo already has: rerunning init keeps its choice."""
    path = repo / ".github" / "ghcommunity.yml"
    try:
        community = parse_config(path.read_text(encoding="utf-8"), str(path)).community
    except (OSError, UnicodeDecodeError, GhcError):
        return None
    return community.org, community.repo


def resolve_pin(ref: str, source: str, api_url: str | None, token: str | None) -> Pin:
    """A full commit SHA as given, or a tag or branch of `source` resolved to its commit."""
    if _SHA.match(ref):
        return Pin(source, ref)
    from ghcommunity.github.client import Connection, GitHubClient, quote_segment, repo_path

    base = f"{repo_path(source)}/git"
    github = GitHubClient(Connection.from_env(api_url=api_url, token=token))
    problem = ""
    for kind in ("tags", "heads"):
        try:
            data = github.rest("GET", f"{base}/ref/{kind}/{quote_segment(ref)}")
        except GhcError as exc:
            problem = str(exc)
            continue
        target = data.get("object", {}) if isinstance(data, dict) else {}
        sha, what = str(target.get("sha", "")), target.get("type")
        if what == "tag":  # an annotated tag: the commit it points at
            tag = github.rest("GET", f"{base}/tags/{sha}")
            sha = str(tag.get("object", {}).get("sha", "")) if isinstance(tag, dict) else ""
        if _SHA.match(sha):
            return Pin(source, sha, ref)
    raise OperationalError(
        f"cannot resolve {source}@{ref} to a commit ({problem or 'no such tag or branch'}); "
        "pass --ref with the full 40-character commit SHA to pin"
    )


def _check_name(value: str, what: str) -> str:
    if not _NAME.match(value):
        raise InputError(f"{what} {value!r} is not a valid GitHub name")
    return value


@click.command()
@click.option(
    "--repo",
    "repo_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The community repo's folder (created if missing).",
)
@click.option("--org", default=None, help="GitHub org (default: from git remote origin).")
@click.option("--name", default=None, help="Repo name (default: from git remote origin).")
@click.option(
    "--ref",
    default=None,
    help="ghcommunity version for the workflows: a tag or branch (resolved to its commit) or a "
    "full commit SHA. Default: this version's tag.",
)
@click.option(
    "--source",
    default=SOURCE,
    show_default=True,
    help="Where ghcommunity's reusable workflows live (OWNER/REPO), e.g. your org's fork.",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--dry-run", is_flag=True, help="List what would be written; write nothing.")
@github_options
def init(
    repo_path: Path,
    org: str | None,
    name: str | None,
    ref: str | None,
    source: str,
    force: bool,
    dry_run: bool,
    api_url: str | None,
    token: str | None,
) -> None:
    """Set ghcommunity up in a community's repo: config, issue forms and workflows."""
    if "/" not in source:
        raise InputError(f"--source must be OWNER/REPO, not {source!r}")
    for part in source.split("/", 1):
        _check_name(part, "--source")
    reference = parse_config(reference_config().read_text(encoding="utf-8"), "reference").community
    whence, detected = "reference config", (reference.org, reference.repo)
    for source_name, found in (
        ("existing .github/ghcommunity.yml", existing_community(repo_path)),
        ("git remote origin", origin_of(repo_path)),
    ):
        if found:
            whence, detected = source_name, found
            break
    chosen_org = _check_name(org or detected[0], "--org")
    chosen_name = _check_name(name or detected[1], "--name")
    if org and name:
        whence = "given"
    pin = resolve_pin(ref or f"v{__version__}", source, api_url, token)

    files = files_to_write(chosen_org, chosen_name, pin)
    click.echo(f"ghcommunity init: {chosen_org}/{chosen_name} ({whence}) in {repo_path}")
    click.echo(f"workflows use {pin.source}@{pin.render()}")
    written, skipped = [], []
    for file in files:
        target = repo_path / file.path
        if target.exists() and not force:
            skipped.append(file.path)
            continue
        written.append(file.path)
        if dry_run:
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(file.content, encoding="utf-8", newline="\n")
        except OSError as exc:
            raise OperationalError(f"{target}: cannot write: {exc.strerror}") from None
    verb = "would write" if dry_run else "wrote"
    for path in written:
        click.echo(f"  {verb} {path}")
    for path in skipped:
        click.echo(f"  skipped {path} (exists; --force to overwrite)")
    if not dry_run and written:
        click.echo(
            "\nNext: review .github/ghcommunity.yml (groups, labels, schedules), run "
            "`ghcommunity config validate`,\ncommit these files in one pull request, and see "
            "docs/setup.md for permissions and the GitHub App."
        )
