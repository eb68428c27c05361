"""`ghcommunity labels sync` end to end against the sandbox, with its request counters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ghcommunity.cli import cli
from ghcommunity.config import load_config, parse_config
from ghcommunity.core.events import Event
from ghcommunity.core.providers import labels_from_jobs
from ghcommunity.github.client import Connection, GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.github.snapshot import RepoLabel
from ghcommunity.jobs.labels.handlers import sync_labels
from ghcommunity.jobs.runner import dispatch

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "community.yml"
REPO = "uk-x-gov-software-community/community-space"


# The reference config declares 22 labels; its DDaT taxonomy (the Software development and
# QAT families) implies 72 more (roles, levels, skills, feedback types), made ahead of any
# feedback so triage never has to create one while answering an issue.
DECLARED = 22 + 72


def sync(sandbox: Any, *args: str, config: Path = CONFIG) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli,
        [
            "labels",
            "sync",
            "--json",
            "--config",
            str(config),
            "--api-url",
            sandbox.url,
            "--token",
            "test-token",
            *args,
        ],
    )
    assert result.exception is None, result.output
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def labels_of(sandbox: Any) -> dict[str, tuple[str, str]]:
    repo = sandbox.state.repo(REPO)
    return {lab.name: (lab.color, lab.description or "") for lab in repo.labels.values()}


def issue_labels(sandbox: Any, number: int) -> list[str]:
    return sorted(lab.name for lab in sandbox.state.issue(REPO, number).labels)


def test_first_sync_creates_every_declared_label_and_the_second_writes_nothing(
    sandbox: Any,
) -> None:
    sandbox.state.add_label(REPO, "good first issue", "7057ff", "Not ours")
    sandbox.reset_stats()
    first = sync(sandbox)
    config = load_config(CONFIG)
    assert len(first["labels"]["create"]) == DECLARED
    assert first["labels"]["not_owned"] == 1
    have = labels_of(sandbox)
    assert have["type: group proposal"] == ("1d76db", "A proposal for a new special interest group")
    assert have["group: lean-coffee"] == ("c5def5", "About the Lean Coffee group")
    assert have["good first issue"] == ("7057ff", "Not ours")  # never touched
    assert len(have) == DECLARED + 1
    stats = sandbox.stats()
    assert stats["writes"] == DECLARED
    assert stats["total"] == DECLARED + 1  # one page of labels, then one POST per label
    assert all(o["status"] == "applied" for o in first["outcomes"])
    assert config.labels.owns("group: lean-coffee")

    sandbox.reset_stats()
    second = sync(sandbox)
    assert second["operations"] == []
    assert second["labels"]["unchanged"] == DECLARED
    assert sandbox.stats()["writes"] == 0
    assert sandbox.stats()["total"] == 1


def test_dry_run_writes_nothing(sandbox: Any) -> None:
    sandbox.reset_stats()
    data = sync(sandbox, "--dry-run")
    assert data["dry_run"] is True
    assert len(data["operations"]) == DECLARED
    assert sandbox.stats()["writes"] == 0
    assert labels_of(sandbox) == {}


def test_a_rename_keeps_issues_labelled(sandbox: Any) -> None:
    state = sandbox.state
    state.add_label(REPO, "SIG-Proposal", "ffffff", "old")
    numbers = [state.add_issue(REPO, f"Proposal {i}", labels=["SIG-Proposal"]) for i in range(3)]
    sandbox.reset_stats()
    data = sync(sandbox)
    assert data["labels"]["rename"] == [{"from": "SIG-Proposal", "to": "type: group proposal"}]
    for number in numbers:
        assert issue_labels(sandbox, number) == ["type: group proposal"]
    assert "SIG-Proposal" not in labels_of(sandbox)
    assert labels_of(sandbox)["type: group proposal"][0] == "1d76db"
    assert sandbox.stats()["by_method"].get("DELETE", 0) == 0
    sandbox.reset_stats()
    assert sync(sandbox)["operations"] == []
    assert sandbox.stats()["writes"] == 0, sandbox.stats()


def test_both_old_and_new_names_existing_are_left_alone_and_reported(sandbox: Any) -> None:
    state = sandbox.state
    state.add_label(REPO, "sig-proposal", "ffffff", "old")
    state.add_label(
        REPO, "type: group proposal", "1d76db", "A proposal for a new special interest group"
    )
    old = state.add_issue(REPO, "Old proposal", labels=["sig-proposal"])
    data = sync(sandbox)
    assert any("left both" in note for note in data["notes"])
    assert "sig-proposal" in labels_of(sandbox)
    assert issue_labels(sandbox, old) == ["sig-proposal"]


def test_letter_case_is_matched_as_github_does(sandbox: Any) -> None:
    sandbox.state.add_label(
        REPO, "Needs-Info", "d93f0b", "Waiting for the author to add missing information"
    )
    number = sandbox.state.add_issue(REPO, "Waiting", labels=["Needs-Info"])
    data = sync(sandbox)
    assert {"op": "update_label", "repo": REPO, "name": "Needs-Info", "new_name": "needs-info"} in [
        {k: v for k, v in op.items() if k in ("op", "repo", "name", "new_name")}
        for op in data["operations"]
    ]
    assert issue_labels(sandbox, number) == ["needs-info"]


AWKWARD = [
    "type: question or idea",
    "area/ci: builds (nightly)",
    "needs info?",
    "🎉 celebrate & share",
    "100% done, #1",
]


def awkward_config(tmp_path: Path, colour: str) -> Path:
    lines = ["community: {name: C, org: uk-x-gov-software-community, repo: community-space}"]
    lines += [
        "labels:",
        "  owned: ['type: ', 'area/', 'needs info', '🎉', '100%']",
        "  definitions:",
    ]
    lines += [
        f"    - {{name: {json.dumps(n, ensure_ascii=False)}, color: {colour}, description: d}}"
        for n in AWKWARD
    ]
    path = tmp_path / "config.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_names_with_spaces_colons_slashes_parentheses_and_emoji(
    sandbox: Any, tmp_path: Path
) -> None:
    created = sync(sandbox, config=awkward_config(tmp_path, "aaaaaa"))
    assert sorted(created["labels"]["create"]) == sorted(AWKWARD)
    numbers = {name: sandbox.state.add_issue(REPO, name, labels=[name]) for name in AWKWARD}
    # Updating goes through PATCH /labels/{name}: every name must be percent-encoded right.
    updated = sync(sandbox, config=awkward_config(tmp_path, "bbbbbb"))
    assert sorted(updated["labels"]["update"]) == sorted(AWKWARD)
    assert all(o["status"] == "applied" for o in updated["outcomes"])
    assert {labels_of(sandbox)[n][0] for n in AWKWARD} == {"bbbbbb"}
    for name, number in numbers.items():
        assert issue_labels(sandbox, number) == [name]


def test_120_existing_labels_are_read_across_pages(sandbox: Any) -> None:
    state = sandbox.state
    config = load_config(CONFIG)
    from ghcommunity.jobs.labels.plan import declared_labels

    for spec in declared_labels(
        config, labels_from_jobs(Context(config, GitHubClient(Connection()), checkout=ROOT), set())
    ):
        state.add_label(REPO, spec.name, spec.color, spec.description)
    for i in range(26):
        state.add_label(REPO, f"topic {i:03d}", "ededed", "")  # not owned
    assert len(labels_of(sandbox)) == 120
    sandbox.reset_stats()
    data = sync(sandbox)
    assert data["operations"] == []
    assert data["labels"]["unchanged"] == DECLARED
    assert data["labels"]["not_owned"] == 26
    stats = sandbox.stats()
    assert stats["by_route"]["GET /repos/{owner}/{repo}/labels"] == 2  # 100 + 20, by Link
    assert stats["writes"] == 0


def test_a_declared_label_only_on_the_second_page_is_not_created_twice(sandbox: Any) -> None:
    state = sandbox.state
    for i in range(110):
        state.add_label(REPO, f"a-topic {i:03d}", "ededed", "")  # sorted before "type: ..."
    state.add_label(REPO, "type: resource", "0e8a16", "A learning resource or a standard to share")
    data = sync(sandbox)
    assert "type: resource" not in data["labels"]["create"]
    assert len(data["labels"]["create"]) == DECLARED - 1


def prune_config(tmp_path: Path) -> Path:
    path = tmp_path / "prune.yml"
    path.write_text(
        "community: {name: C, org: uk-x-gov-software-community, repo: community-space}\n"
        "labels:\n"
        "  owned: ['group: ']\n"
        "  definitions:\n"
        "    - {name: 'group: current', color: c5def5}\n",
        encoding="utf-8",
    )
    return path


def test_without_prune_nothing_is_deleted(sandbox: Any, tmp_path: Path) -> None:
    sandbox.state.add_label(REPO, "group: retired")
    data = sync(sandbox, config=prune_config(tmp_path))
    assert data["labels"]["undeclared"] == ["group: retired"]
    assert "group: retired" in labels_of(sandbox)


def test_prune_deletes_unused_owned_labels_and_keeps_those_in_use(
    sandbox: Any, tmp_path: Path
) -> None:
    state = sandbox.state
    state.add_label(REPO, "group: unused")
    state.add_label(REPO, "group: retired")
    state.add_label(REPO, "wontfix")  # not owned: never deleted
    state.add_issue(REPO, "Old", labels=["group: retired"], state="closed")
    state.add_issue(REPO, "Older", labels=["group: retired"])
    data = sync(sandbox, "--prune", config=prune_config(tmp_path))
    assert data["labels"]["delete"] == ["group: unused"]
    assert data["labels"]["kept_in_use"] == {"group: retired": 2}
    assert set(labels_of(sandbox)) == {"group: current", "group: retired", "wontfix"}


def push_to_main(modified: str) -> dict[str, Any]:
    """A real push payload, to the default branch, changing `modified`."""
    payload = json.loads(
        (ROOT / "tests" / "fixtures" / "webhooks" / "push.event.5.json").read_text()
    )
    payload["repository"]["full_name"] = REPO
    payload["ref"] = "refs/heads/main"
    payload["repository"]["default_branch"] = "main"
    payload["sender"] = {"login": "alice", "type": "User"}
    payload["commits"][0]["modified"] = [modified]
    return payload


def test_push_changing_the_config_syncs_labels_through_the_dispatcher(
    sandbox: Any, github: GitHubClient
) -> None:
    payload = push_to_main(".github/ghcommunity.yml")
    config = load_config(CONFIG)
    result = dispatch(Event("push", payload), Context(config=config, client=github))
    assert "ghcommunity.jobs.labels.handlers.sync_on_push" in result.handlers
    assert len(labels_of(sandbox)) == DECLARED
    untouched = dict(payload, commits=[{"modified": ["README.md"]}], head_commit={})
    sandbox.reset_stats()
    dispatch(Event("push", untouched), Context(config=config, client=github))
    assert sandbox.stats()["total"] == 0


def test_sync_labels_reads_with_one_request_per_page(sandbox: Any, github: GitHubClient) -> None:
    config = parse_config(
        "community: {name: C, org: uk-x-gov-software-community, repo: community-space}\n"
    )
    sandbox.reset_stats()
    result = sync_labels(github, config, REPO, job_labels=[])
    assert result.existing == []
    assert sandbox.stats()["total"] == 1


def test_sync_labels_hands_the_planner_typed_labels(sandbox: Any, github: GitHubClient) -> None:
    sync(sandbox)
    config = load_config(CONFIG)
    result = sync_labels(
        github,
        config,
        REPO,
        job_labels=labels_from_jobs(Context(config, github, checkout=ROOT), set()),
    )
    assert len(result.existing) == DECLARED
    assert all(isinstance(lab, RepoLabel) for lab in result.existing)
    assert not result.plan  # a rerun: nothing to do
    assert {
        lab["name"]: (lab["color"], lab["description"]) for lab in result.existing_as_rest()
    } == (labels_of(sandbox))


@pytest.mark.parametrize("bad", ["not-a-repo", "a/b/c"])
def test_a_bad_repo_is_a_clear_input_error(sandbox: Any, bad: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["labels", "sync", "--repo", bad, "--config", str(CONFIG), "--api-url", sandbox.url],
    )
    assert "is not a repository: expected OWNER/NAME" in str(result.exception)


def test_push_changing_the_ddat_taxonomy_syncs_labels_too(
    sandbox: Any, github: GitHubClient
) -> None:
    """A new short name or skill in the taxonomy: its label is made (coloured, described)
    when the file changes, not by GitHub, grey, when the next feedback is labelled."""
    payload = push_to_main("config/ddat.yml")
    config = load_config(CONFIG)
    result = dispatch(Event("push", payload), Context(config=config, client=github))
    assert "ghcommunity.jobs.labels.handlers.sync_on_push" in result.handlers
    assert len(labels_of(sandbox)) == DECLARED
