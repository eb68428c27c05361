"""The digest's publishing plan: keyed posts, one file through a pull request."""

from __future__ import annotations

import digest_data as crafted
import pytest

from ghcommunity.config import load_config
from ghcommunity.core.plan import CommitFiles, CreateDiscussion, CreateIssue, OpenPullRequest
from ghcommunity.core.resources import reference_config
from ghcommunity.jobs.digest.metrics import compute
from ghcommunity.jobs.digest.publish import digest_path, plan_digest

REPO = crafted.REPO


@pytest.fixture(scope="module")
def config():
    return load_config(reference_config())


@pytest.fixture(scope="module")
def figures():
    return compute(crafted.activity(), crafted.SETTINGS, "2026-10")


def plan(config, figures, target):
    return plan_digest(
        repo=REPO, month="2026-10", title="Digest: October 2026", markdown="body\n",
        figures=figures, config=config, target=target,
    )  # fmt: skip


def test_a_discussion_keyed_by_month(config, figures):
    result = plan(config, figures, "discussion")
    assert result.operations == [
        CreateDiscussion(
            repo=REPO,
            category="Announcements",
            title="Digest: October 2026",
            body="body\n",
            key="digest:2026-10",
        )
    ]
    assert "6 people took part (3 new), 7 items opened" in result.notes[0]


def test_an_issue_keyed_by_month(config, figures):
    (op,) = plan(config, figures, "issue").operations
    assert isinstance(op, CreateIssue)
    assert op.key == "digest:2026-10"


def test_a_file_through_a_pull_request_that_a_rerun_updates(config, figures):
    commit, pull = plan(config, figures, "file").operations
    assert isinstance(commit, CommitFiles)
    assert isinstance(pull, OpenPullRequest)
    assert commit.if_exists == "update"
    assert [(f.path, f.content) for f in commit.files] == [
        ("digests/2026-10.md", "# Digest: October 2026\n\nbody\n")
    ]
    assert commit.branch == pull.head == "ghcommunity/digest-2026-10"
    assert digest_path(config, "2026-10") == "digests/2026-10.md"


def test_an_empty_store_is_pointed_out(config, figures):
    result = plan(config, figures.model_copy(update={"synced_at": None}), "issue")
    assert any("never been synced" in n for n in result.notes)


def test_the_same_inputs_give_the_same_plan(config, figures):
    assert plan(config, figures, "file") == plan(config, figures, "file")
