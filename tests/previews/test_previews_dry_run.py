"""Previews that show everything: `--dry-run` prints every comment, issue and file body whole
(not a first line cut at 80 characters), so a maintainer reads what the bot would say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from ghcommunity.cli import cli
from ghcommunity.core.plan import Comment, CommitFiles, FileChange, Plan

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "community.yml"
FORMS = ROOT / "config" / "issue-forms"
REPO = "uk-x-gov-software-community/community-space"
FORM_BODY = """### Is it a question or an idea?

A question

### Tell us more

How do other departments keep Renovate from opening forty pull requests on a Monday morning, \
when every team has its own schedule and nobody owns the shared configuration?

### Is it for a particular group?

Open Source
"""


def test_every_body_is_printed_whole() -> None:
    long_line = "word " * 40
    plan = Plan().add(
        Comment(repo=REPO, issue=3, key="k", body=f"Hello\n\n{long_line}\nlast line"),
        CommitFiles(
            repo=REPO,
            branch="b",
            message="m",
            files=[FileChange(path="notes/2026-11-26.md", content="# Notes\n\n- [ ] action")],
        ),
    )
    text = plan.to_text()
    assert long_line.rstrip() in text
    assert "│ last line" in text
    assert "┌─ notes/2026-11-26.md" in text
    assert "│ - [ ] action" in text
    assert Plan().add(*plan.operations).to_text(bodies=False).count("\n") == 1


def test_handle_dry_run_on_a_form_issue_prints_the_whole_welcome_comment(
    sample_sandbox: Any, tmp_path: Path
) -> None:
    sample_sandbox.state.add_user("new-person")
    sample_sandbox.state.add_token("new-token", "new-person")
    created = httpx.post(
        f"{sample_sandbox.url}/repos/{REPO}/issues",
        json={"title": "Taming Renovate", "body": FORM_BODY},
        headers={"Authorization": "token new-token"},
    )
    assert created.status_code == 201
    issue = created.json()
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "action": "opened",
                "issue": issue,
                "repository": {"full_name": REPO, "name": "community-space"},
                "sender": {"login": "new-person", "type": "User"},
            }
        )
    )
    result = CliRunner().invoke(
        cli,
        [
            "handle",
            "--event-name",
            "issues",
            "--event",
            str(event),
            "--config",
            str(CONFIG),
            "--forms",
            str(FORMS),
            "--api-url",
            sample_sandbox.url,
            "--token",
            "test-token",
            "--dry-run",
        ],
    )
    assert result.exit_code == 0, result.output
    welcome = (
        "Welcome to the UK cross-government software engineering community, @new-person, and "
        "thank you for opening your first issue."
    )
    assert len(welcome) > 80
    assert f"│ {welcome}" in result.output
    assert (
        "│ The community facilitators read every issue; someone will reply soon." in result.output
    )
    assert sample_sandbox.stats()["writes"] == 1  # only the issue this test opened
