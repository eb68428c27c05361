"""`ghcommunity init`: what it writes passes GitHub's schemas, zizmor and our config check; it
never overwrites without --force; callers grant what the reusable workflows ask for."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from action_support import REUSABLE, SHA, WORKFLOWS, check_schema, run_tool, tool, zizmor
from click.testing import CliRunner

from ghcommunity.cli import cli, main
from ghcommunity.cli.init import WORKFLOWS as CALLERS
from ghcommunity.cli.init import fill_config, origin_of
from ghcommunity.config import load_config, parse_config
from ghcommunity.core.resources import reference_config


def init(*args: str) -> Any:
    return CliRunner().invoke(cli, ["init", *args], catch_exceptions=False)


def exit_code(argv: list[str]) -> int:
    """Run the real entry point, which maps errors to exit codes and one-line messages."""
    try:
        main(argv)
    except SystemExit as stopped:
        return int(stopped.code or 0)
    return 0


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("empty") / "community"
    result = init("--repo", str(repo), "--org", "example-org", "--name", "our-space", "--ref", SHA)
    assert result.exit_code == 0, result.output
    return repo


def test_init_writes_config_forms_and_workflows(initialised: Path) -> None:
    written = sorted(p.relative_to(initialised).as_posix() for p in initialised.rglob("*.yml"))
    assert ".github/ghcommunity.yml" in written
    assert ".github/ISSUE_TEMPLATE/config.yml" in written
    assert ".github/ISSUE_TEMPLATE/ddat-feedback.yml" in written
    assert [w for w in written if w.startswith(".github/workflows/")] == sorted(
        f".github/workflows/{name}" for name in CALLERS
    )


def test_init_config_is_valid_with_org_and_repo_filled_in(initialised: Path) -> None:
    config = load_config(initialised / ".github" / "ghcommunity.yml")
    assert config.repo == "example-org/our-space"
    teams = [g.team for g in config.groups if g.team]
    assert teams
    assert all(t.startswith("example-org/") for t in teams)


def test_init_keeps_every_comment_of_the_reference_config(initialised: Path) -> None:
    reference = reference_config().read_text(encoding="utf-8")
    written = (initialised / ".github" / "ghcommunity.yml").read_text(encoding="utf-8")
    comments = [line.strip() for line in reference.splitlines() if line.strip().startswith("#")]
    assert comments
    assert [line.strip() for line in written.splitlines() if line.strip().startswith("#")] == (
        comments
    )
    changed = [
        (a, b) for a, b in zip(reference.splitlines(), written.splitlines(), strict=True) if a != b
    ]
    assert all("example-org" in b or "our-space" in b for _, b in changed)


def test_init_output_passes_githubs_schemas(initialised: Path) -> None:
    github = initialised / ".github"
    result = check_schema("vendor.github-workflows", *sorted((github / "workflows").glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr
    forms = sorted(p for p in (github / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
    result = check_schema("vendor.github-issue-forms", *forms)
    assert result.returncode == 0, result.stdout + result.stderr
    result = check_schema("vendor.github-issue-config", github / "ISSUE_TEMPLATE" / "config.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_init_output_passes_zizmor(initialised: Path) -> None:
    result = zizmor(initialised)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr
    # The one suppression is explained where it is made.
    findings = run_tool(
        tool("zizmor"), "--offline", "--no-ignores", "--format", "json", initialised
    )
    audits = {f["ident"] for f in json.loads(findings.stdout)}
    assert audits == {"dangerous-triggers"}
    triage = (initialised / ".github/workflows/ghcommunity-triage.yml").read_text()
    assert "never does: it reads only the config" in triage


def test_callers_pin_ghcommunity_to_the_commit(initialised: Path) -> None:
    for name in CALLERS:
        text = (initialised / ".github" / "workflows" / name).read_text()
        (uses,) = re.findall(r"uses: (\S+)", text)
        assert re.fullmatch(rf"ghcommunity/ghcommunity/\.github/workflows/[\w-]+\.yml@{SHA}", uses)
        assert "__" not in text


@pytest.mark.parametrize("name", REUSABLE)
def test_callers_grant_exactly_what_the_reusable_workflow_asks(
    initialised: Path, name: str
) -> None:
    """GitHub refuses to start a called job that asks for more than its caller granted; the
    caller grants no more than the most any of the called jobs asks for."""
    called = load(WORKFLOWS / f"{name}.yml")
    rank = {"none": 0, "read": 1, "write": 2}
    most: dict[str, str] = {}
    for job in called["jobs"].values():
        for scope, level in job["permissions"].items():
            if rank[level] > rank[most.get(scope, "none")]:
                most[scope] = level
    caller = load(initialised / ".github" / "workflows" / f"ghcommunity-{name}.yml")
    (calling,) = caller["jobs"].values()
    assert calling["uses"].split("@")[0].endswith(f"/.github/workflows/{name}.yml")
    assert calling["permissions"] == most
    assert caller["permissions"] == {}
    inputs = called.get("on", called.get(True))["workflow_call"]["inputs"]
    assert set(calling.get("with", {})) <= set(inputs)
    secrets = called.get("on", called.get(True))["workflow_call"]["secrets"]
    assert set(calling.get("secrets", {})) <= set(secrets)


def test_labels_sync_runs_when_the_config_changes_on_the_default_branch(initialised: Path) -> None:
    caller = load(initialised / ".github" / "workflows" / "ghcommunity-labels-sync.yml")
    push = caller[True]["push"]
    assert push == {"branches": ["main"], "paths": [".github/ghcommunity.yml", "config/ddat.yml"]}


def test_scheduled_callers_can_be_run_by_hand(initialised: Path) -> None:
    for name in CALLERS:
        on = load(initialised / ".github" / "workflows" / name)[True]
        if "schedule" in on:
            assert "workflow_dispatch" in on, name
    digest = load(initialised / ".github/workflows/ghcommunity-digest.yml")[True]
    assert "month" in digest["workflow_dispatch"]["inputs"]


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    config = tmp_path / ".github" / "ghcommunity.yml"
    config.parent.mkdir(parents=True)
    config.write_text("# ours\n", encoding="utf-8")
    result = init("--repo", str(tmp_path), "--ref", SHA)
    assert result.exit_code == 0
    assert config.read_text() == "# ours\n"
    assert "skipped .github/ghcommunity.yml (exists; --force to overwrite)" in result.output
    assert (tmp_path / ".github/workflows/ghcommunity-triage.yml").is_file()

    result = init("--repo", str(tmp_path), "--ref", SHA, "--force")
    assert result.exit_code == 0
    assert config.read_text() != "# ours\n"
    assert "skipped" not in result.output


def test_init_dry_run_writes_nothing(tmp_path: Path) -> None:
    result = init("--repo", str(tmp_path / "repo"), "--ref", SHA, "--dry-run")
    assert result.exit_code == 0
    assert "would write .github/ghcommunity.yml" in result.output
    assert not (tmp_path / "repo").exists()


def test_init_takes_org_and_repo_from_the_git_remote(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(
        '[core]\n\tbare = false\n[remote "origin"]\n'
        "\turl = git@github.com:dept-digital/eng-community.git\n",
        encoding="utf-8",
    )
    assert origin_of(tmp_path) == ("dept-digital", "eng-community")
    result = init("--repo", str(tmp_path), "--ref", SHA)
    assert result.exit_code == 0
    assert "dept-digital/eng-community (git remote origin)" in result.output
    assert load_config(tmp_path / ".github/ghcommunity.yml").repo == "dept-digital/eng-community"


def test_init_keeps_the_org_and_repo_of_an_existing_config(tmp_path: Path) -> None:
    assert (
        init("--repo", str(tmp_path), "--ref", SHA, "--org", "a-org", "--name", "b").exit_code == 0
    )
    result = init("--repo", str(tmp_path), "--ref", SHA, "--force")
    assert "a-org/b (existing .github/ghcommunity.yml)" in result.output


def test_init_into_an_empty_folder_defaults_to_the_reference_community(tmp_path: Path) -> None:
    result = init("--repo", str(tmp_path), "--ref", SHA)
    assert "uk-x-gov-software-community/community-space (reference config)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "bad org"], "--org 'bad org' is not a valid GitHub name"),
        (["--source", "nobody"], "--source must be OWNER/REPO, not 'nobody'"),
    ],
)
def test_init_refuses_bad_names(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exit_code(["init", "--repo", str(tmp_path), "--ref", SHA, *args]) == 2
    assert capsys.readouterr().err == f"error: {message}\n"
    assert not (tmp_path / ".github").exists()


def test_fill_config_only_changes_the_community_block() -> None:
    text = (
        "# about\ncommunity:\n  name: X\n  org: old-org # the org\n  repo: old\n"
        "groups:\n  - slug: alpha\n    name: A\n    team: old-org/a-team\n"
    )
    out = fill_config(text, "new-org", "new")
    assert out == (
        "# about\ncommunity:\n  name: X\n  org: new-org # the org\n  repo: new\n"
        "groups:\n  - slug: alpha\n    name: A\n    team: new-org/a-team\n"
    )
    assert parse_config(out).repo == "new-org/new"


def test_init_resolves_a_tag_to_its_commit(sandbox: Any, tmp_path: Path) -> None:
    state = sandbox.state
    state.add_org("ghcommunity")
    repo = state.add_repo("ghcommunity/ghcommunity")
    sha = state.put_file(repo, "action.yml", "name: ghcommunity\n")
    maintainer = state.add_user("a-maintainer")
    state.set_ref(repo, maintainer, "refs/tags/v9.9.9", sha, create=True)
    result = init(
        "--repo", str(tmp_path), "--ref", "v9.9.9", "--api-url", sandbox.url, "--token", "t"
    )
    assert result.exit_code == 0, result.output
    assert f"ghcommunity/ghcommunity@{sha} # v9.9.9" in result.output
    triage = (tmp_path / ".github/workflows/ghcommunity-triage.yml").read_text()
    assert f"/.github/workflows/triage.yml@{sha} # v9.9.9\n" in triage


def test_init_says_how_to_pin_when_a_tag_cannot_be_resolved(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["init", "--repo", str(tmp_path), "--ref", "v0.0.0-nope", "--api-url", sandbox.url]
    assert exit_code(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot resolve ghcommunity/ghcommunity@v0.0.0-nope")
    assert "pass --ref with the full 40-character commit SHA" in err
    assert not (tmp_path / ".github").exists()
