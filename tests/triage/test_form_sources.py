"""Where forms come from: a local directory, or the repo through one GraphQL request; and the
`ghcommunity handle --forms` door end to end."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema, build_ast_schema, parse, validate
from triage_helpers import (
    CONFIG_PATH,
    FORMS_DIR,
    REPO,
    arrange,
    form_body,
    reference_config,
    sandbox_issue_event,
)

from ghcommunity.cli import main
from ghcommunity.github.context import Context
from ghcommunity.github.forms import (
    FORM_TREE,
    DirectoryFormSource,
    RepoFormSource,
    context_forms,
    default_form_source,
)


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    sdl = (resources.files("ghcommunity_sandbox") / "data" / "schema.graphql").read_text("utf-8")
    built = build_ast_schema(parse(sdl), assume_valid_sdl=True)
    built._validation_errors = []  # GitHub's own SDL has known quirks; see ../shared/README.md
    return built


def test_form_tree_query_is_valid_against_githubs_schema(schema: GraphQLSchema) -> None:
    assert [e.message for e in validate(schema, parse(FORM_TREE))] == []
    assert validate(schema, parse(FORM_TREE.replace("isBinary", "isBinaryFile")))


def test_directory_source_skips_the_chooser_and_reports_a_broken_form(tmp_path: Path) -> None:
    for path in FORMS_DIR.iterdir():
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "broken.yml").write_text("name: [\n")
    (tmp_path / "README.md").write_text("not a form")
    source = DirectoryFormSource(tmp_path)
    forms = source.load()
    assert "config.yml" not in forms
    assert "README.md" not in forms
    assert "agenda-item.yml" in forms
    assert len(source.errors) == 1
    assert source.errors[0].startswith(f"{tmp_path / 'broken.yml'}:")
    assert DirectoryFormSource(tmp_path / "nope").load() == {}


def test_repo_source_reads_every_form_in_one_request(sandbox: Any, github: Any) -> None:
    files = {f".github/ISSUE_TEMPLATE/{p.name}": p.read_text() for p in FORMS_DIR.iterdir()}
    sandbox.state.commit_files(REPO, files, message="Add issue forms")
    sandbox.reset_stats()
    source = RepoFormSource(github, REPO)
    forms = source.load()
    assert sandbox.stats()["total"] == 1
    assert set(forms) == {p.name for p in FORMS_DIR.iterdir() if p.name != "config.yml"}
    assert forms["agenda-item.yml"] == DirectoryFormSource(FORMS_DIR).load()["agenda-item.yml"]


def test_context_reads_forms_once_per_event(sandbox: Any, github: Any, tmp_path: Path) -> None:
    ctx = Context(config=reference_config(), client=github)
    sandbox.reset_stats()
    # No local checkout of the forms here: the App's case, read through the API (and cached).
    source = default_form_source(ctx.config, github, root=tmp_path)
    assert isinstance(source, RepoFormSource)
    ctx.form_source = source
    assert context_forms(ctx) == {}  # the minimal repo has no forms
    assert context_forms(ctx) == {}
    assert sandbox.stats()["total"] == 1
    (tmp_path / ".github/ISSUE_TEMPLATE").mkdir(parents=True)
    assert isinstance(default_form_source(ctx.config, github, root=tmp_path), DirectoryFormSource)


def test_handle_command_end_to_end(
    sandbox: Any, github: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arrange(sandbox.state)
    body = form_body("agenda-item.yml", group=["Lean Coffee"], item="Testing")
    number = sandbox.state.add_issue(
        REPO, title="Agenda: testing", body=body, author="ada", labels=["type: agenda item"]
    )
    event = sandbox_issue_event(github, "opened", number)
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event.payload))
    args = [
        "handle",
        "--event-name",
        "issues",
        "--event",
        str(path),
        "--config",
        str(CONFIG_PATH),
        "--forms",
        str(FORMS_DIR),
        "--api-url",
        sandbox.url,
        "--token",
        "test-token",
        "--json",
    ]
    capsys.readouterr()
    sandbox.reset_stats()
    main(["handle", *args[1:], "--dry-run"])
    dry = json.loads(capsys.readouterr().out)
    assert sandbox.stats()["writes"] == 0
    assert [op["op"] for op in dry["operations"]] == ["add_labels", "comment"]
    main(args)
    done = json.loads(capsys.readouterr().out)
    assert [o["status"] for o in done["outcomes"]] == ["applied", "applied"]
    issue = github.rest("GET", f"/repos/{REPO}/issues/{number}")
    assert {lab["name"] for lab in issue["labels"]} == {
        "type: agenda item",
        "group: lean-coffee",
        "agenda: lean-coffee",
    }
    sandbox.reset_stats()
    main(args)
    assert sandbox.stats()["writes"] == 0
