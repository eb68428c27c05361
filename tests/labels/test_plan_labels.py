"""The pure labels-as-code planner, with crafted label sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest

from ghcommunity.config import Config, LabelSpec, load_config, parse_config
from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import CreateLabel, DeleteLabel, UpdateLabel
from ghcommunity.core.providers import labels_from_jobs
from ghcommunity.github.client import Connection, GitHubClient
from ghcommunity.github.context import Context
from ghcommunity.github.snapshot import RepoLabel
from ghcommunity.jobs.labels.plan import config_changed, declared_labels, plan_label_sync
from ghcommunity.jobs.labels.read import label_usage_query, read_repo_labels

ROOT = Path(__file__).resolve().parents[2]
REPO = "o/r"


def owns(name: str) -> bool:
    return name.lower().startswith(("group: ", "type: ")) or name.lower() == "needs-info"


def spec(name: str, color: str = "ededed", description: str = "", **kw: Any) -> LabelSpec:
    return LabelSpec(name=name, color=color, description=description, **kw)


def label(name: str, color: str = "ededed", description: str = "") -> RepoLabel:
    return RepoLabel(name, color, description)


def test_missing_labels_are_created_with_colour_and_description() -> None:
    plan, report = plan_label_sync(
        REPO, [spec("type: bug", "d73a4a", "Something is broken")], [], owns=owns
    )
    assert plan.operations == [
        CreateLabel(repo=REPO, name="type: bug", color="d73a4a", description="Something is broken")
    ]
    assert report.create == ["type: bug"]


def test_labels_that_match_make_no_operation() -> None:
    plan, report = plan_label_sync(
        REPO,
        [spec("needs-info", "D93F0B", "Waiting")],
        [label("needs-info", "d93f0b", "Waiting")],
        owns=owns,
    )
    assert not plan
    assert report.unchanged == 1


class _Labels:
    """A client whose one page of labels is `labels` (REST-shaped, as GitHub sends them)."""

    def __init__(self, labels: list[dict[str, Any]]) -> None:
        self.labels = labels

    def paginate(self, path: str, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        assert path == f"/repos/{REPO}/labels"
        return self.labels


def test_the_planner_gets_typed_labels_and_a_null_description_equals_an_empty_one() -> None:
    rest = [
        {"id": 1, "name": "needs-info", "color": "ededed", "description": None},
        {"id": 2, "name": "Bug", "color": "D73A4A", "description": "Broken", "default": True},
    ]
    existing = read_repo_labels(cast(GitHubClient, _Labels(rest)), REPO)
    assert existing == [RepoLabel("needs-info", "ededed", ""), RepoLabel("Bug", "D73A4A", "Broken")]
    # The executor still learns them as the REST API spells them.
    assert [lab.as_rest() for lab in existing][1] == {
        "name": "Bug",
        "color": "D73A4A",
        "description": "Broken",
    }
    plan, _ = plan_label_sync(
        REPO, [spec("needs-info"), spec("bug", "d73a4a", "Broken")], existing, owns=owns
    )
    # a null description equals an empty one; the colour matches without regard to case
    assert plan.operations == [UpdateLabel(repo=REPO, name="Bug", new_name="bug")]


def test_colour_and_description_changes_are_updates_of_only_what_differs() -> None:
    plan, report = plan_label_sync(
        REPO,
        [spec("needs-info", "d93f0b", "Waiting for the author")],
        [label("needs-info", "ededed", "Waiting for the author")],
        owns=owns,
    )
    assert plan.operations == [UpdateLabel(repo=REPO, name="needs-info", color="d93f0b")]
    assert report.update == ["needs-info"]


def test_names_match_without_regard_to_case_and_the_declared_case_wins() -> None:
    plan, _ = plan_label_sync(REPO, [spec("bug")], [label("Bug")], owns=owns)
    assert plan.operations == [UpdateLabel(repo=REPO, name="Bug", new_name="bug")]


def test_a_previous_name_is_renamed_so_issues_keep_the_label() -> None:
    plan, report = plan_label_sync(
        REPO,
        [spec("type: group proposal", "1d76db", "A proposal", previously=["sig-proposal"])],
        [label("SIG-proposal", "ffffff")],
        owns=owns,
    )
    assert plan.operations == [
        UpdateLabel(
            repo=REPO,
            name="SIG-proposal",
            new_name="type: group proposal",
            color="1d76db",
            description="A proposal",
        )
    ]
    assert report.rename == [("SIG-proposal", "type: group proposal")]
    assert not report.create


def test_when_old_and_new_names_both_exist_both_are_left_and_reported() -> None:
    plan, report = plan_label_sync(
        REPO,
        [spec("type: group proposal", previously=["sig-proposal"])],
        [label("type: group proposal"), label("sig-proposal")],
        owns=lambda _: True,
        prune=True,
        usage={"sig-proposal": 0},
    )
    assert not plan  # in particular, the old label is not pruned
    assert report.conflicts
    assert "left both" in report.conflicts[0]
    assert any("'sig-proposal'" in note and "left both" in note for note in plan.notes)


def test_two_previous_names_existing_renames_one_and_reports_the_other() -> None:
    plan, report = plan_label_sync(
        REPO,
        [spec("type: idea", previously=["idea", "suggestion"])],
        [label("idea"), label("suggestion")],
        owns=owns,
    )
    assert [type(op) for op in plan] == [UpdateLabel]
    assert plan.operations[0].name == "idea"  # type: ignore[union-attr]
    assert "'suggestion'" in report.conflicts[0]


def test_labels_not_owned_are_never_touched_even_with_prune() -> None:
    existing = [label("wontfix"), label("good first issue"), label("Hacktoberfest 🎃")]
    plan, report = plan_label_sync(REPO, [], existing, owns=owns, prune=True, usage={})
    assert not plan
    assert report.not_owned == 3


def test_without_prune_owned_undeclared_labels_are_only_reported() -> None:
    plan, report = plan_label_sync(REPO, [], [label("group: old-sig")], owns=owns, usage={})
    assert not plan
    assert report.undeclared == ["group: old-sig"]
    assert any("--prune" in note for note in plan.notes)


def test_prune_deletes_only_owned_undeclared_labels_that_nothing_carries() -> None:
    existing = [label("group: unused"), label("group: in-use"), label("group: uncounted")]
    plan, report = plan_label_sync(
        REPO,
        [],
        existing,
        owns=owns,
        prune=True,
        usage={"group: unused": 0, "group: in-use": 12},
    )
    assert plan.operations == [DeleteLabel(repo=REPO, name="group: unused")]
    assert report.kept_in_use == {"group: in-use": 12, "group: uncounted": -1}
    assert any("12 issue(s)" in note for note in plan.notes)
    assert any("an unknown number of" in note for note in plan.notes)


@pytest.mark.parametrize(
    "name",
    [
        "type: question or idea",
        "group: a/b",
        "needs info (author)",
        "🎉 celebrate",
        "50-chars-" + "x" * 41,
    ],
)
def test_names_with_awkward_characters_are_kept_exactly(name: str) -> None:
    plan, _ = plan_label_sync(REPO, [spec(name)], [], owns=owns)
    assert plan.operations[0].name == name  # type: ignore[union-attr]


def test_the_reference_config_declares_labels_that_are_all_valid() -> None:
    config = load_config(ROOT / "config" / "community.yml")
    # with the DDaT job's labels, read from this checkout's taxonomy
    specs = declared_labels(
        config, labels_from_jobs(Context(config, GitHubClient(Connection()), checkout=ROOT), set())
    )
    names = [s.name for s in specs]
    assert len(names) == len({n.lower() for n in names})
    assert "group: lean-coffee" in names
    assert "agenda: heads-of-engineering" in names
    assert all(
        len(n) <= 50 and len(s.description) <= 100 for n, s in zip(names, specs, strict=True)
    )
    _plan, report = plan_label_sync(REPO, specs, [], owns=config.labels.owns)
    # 22 from the config, 72 from the DDaT taxonomy (roles, levels, skills, feedback types)
    assert len(report.create) == len(specs) == 94
    assert sum(1 for name in names if name.startswith("ddat-")) == 73  # with ddat-feedback


def _config(labels_yaml: str, groups: str = "") -> Config:
    return parse_config(f"community: {{name: C, org: o, repo: r}}\n{groups}labels:\n{labels_yaml}")


def test_a_label_declared_twice_is_a_clear_error() -> None:
    config = _config("  definitions:\n    - name: Bug\n    - name: bug\n")
    with pytest.raises(InputError, match="'bug' is declared twice"):
        declared_labels(config)


def test_a_previous_name_claimed_by_two_labels_is_a_clear_error() -> None:
    config = _config(
        "  definitions:\n"
        "    - {name: 'type: a', previously: [old]}\n"
        "    - {name: 'type: b', previously: [OLD]}\n"
    )
    with pytest.raises(InputError, match="'old' belongs to both 'type: a' and 'type: b'"):
        declared_labels(config)


def test_a_group_label_too_long_for_github_is_a_clear_error() -> None:
    # "agenda: " + 42 characters is 50: the longest slug config validation allows fits.
    config = _config("  definitions: []\n", f"groups:\n  - {{slug: {'a' * 42}, name: Long}}\n")
    assert max(len(spec.name) for spec in declared_labels(config)) == 50
    for slug, field in (("a" * 43, "slug"), ("ok", "agenda_label: " + "x" * 51)):
        extra = "" if field == "slug" else f", {field}"
        with pytest.raises(InputError, match=r"GitHub allows 50|2 to 42"):
            _config("  definitions: []\n", f"groups:\n  - {{slug: {slug}, name: Long{extra}}}\n")


def test_usage_query_has_one_alias_per_label() -> None:
    query = label_usage_query(2)
    assert "$l0: String!" in query
    assert "$l1: String!" in query
    assert "l1: label(name: $l1)" in query


PUSH = {
    "ref": "refs/heads/main",
    "repository": {"full_name": "o/r", "default_branch": "main"},
    "commits": [{"added": [], "modified": ["README.md"], "removed": []}],
    "head_commit": {"added": [], "modified": ["README.md"], "removed": []},
}


def test_a_push_that_changes_the_config_on_the_default_branch_triggers_a_sync() -> None:
    paths = [".github/ghcommunity.yml"]
    assert not config_changed(PUSH, paths)
    changed = {**PUSH, "commits": [{"modified": [".github/ghcommunity.yml"]}]}
    assert config_changed(changed, paths)
    assert not config_changed({**changed, "ref": "refs/heads/feature"}, paths)
    assert not config_changed({**changed, "deleted": True}, paths)
    assert config_changed({**PUSH, "commits": [{}] * 20}, paths)  # list may be truncated
    assert not config_changed({"ref": "refs/heads/main", "commits": "odd"}, paths)


def test_real_push_payloads_only_trigger_a_sync_when_the_config_changed() -> None:
    fixtures = ROOT / "tests" / "fixtures" / "webhooks"
    paths = [".github/ghcommunity.yml"]
    tag = json.loads((fixtures / "push.event.json").read_text(encoding="utf-8"))
    branch = json.loads((fixtures / "push.event.5.json").read_text(encoding="utf-8"))
    assert branch["ref"] == f"refs/heads/{branch['repository']['default_branch']}"
    assert not config_changed(tag, paths)  # a tag push
    assert not config_changed(branch, paths)  # README.md only
    branch["commits"][0]["modified"] = [".github/ghcommunity.yml"]
    assert config_changed(branch, paths)
