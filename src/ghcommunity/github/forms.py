"""Where issue forms come from: a local directory (CLI, Action with a checkout, tests) or the
community's repo through the API (the App); read once per event and shared by every handler."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ghcommunity.config import Config
from ghcommunity.core.forms import IssueForm, forms_from_texts, load_forms
from ghcommunity.github.client import GitHubClient, split_repo

if TYPE_CHECKING:
    from ghcommunity.github.context import Context

log = logging.getLogger(__name__)
NO_FORMS = (
    "no such folder of issue forms, so every issue is read as free text "
    "(set triage.forms_path, or pass --forms)"
)


class FormSource(Protocol):
    """Somewhere issue forms can be read from. `load` is called once per event (then cached)."""

    def load(self) -> dict[str, IssueForm]: ...

    def describe(self) -> str: ...


@dataclass
class DirectoryFormSource:
    path: Path
    errors: list[str] = field(default_factory=list)

    def load(self) -> dict[str, IssueForm]:
        self.errors = []
        if not self.path.is_dir():
            self.errors.append(f"{self.path}: {NO_FORMS}")
            return {}
        return load_forms(self.path, errors=self.errors)

    def describe(self) -> str:
        return str(self.path)


FORM_TREE = """
query FormTree($owner: String!, $name: String!, $expression: String!) {
  repository(owner: $owner, name: $name) {
    object(expression: $expression) {
      ... on Tree {
        entries { name type object { ... on Blob { text isBinary } } }
      }
    }
  }
}
"""


@dataclass
class RepoFormSource:
    """The forms in the community's repo (`.github/ISSUE_TEMPLATE/`): one GraphQL request."""

    client: GitHubClient
    repo: str
    path: str = ".github/ISSUE_TEMPLATE/"
    ref: str = "HEAD"
    errors: list[str] = field(default_factory=list)

    def load(self) -> dict[str, IssueForm]:
        owner, name = split_repo(self.repo)
        data = self.client.graphql(
            FORM_TREE,
            {"owner": owner, "name": name, "expression": f"{self.ref}:{self.path.strip('/')}"},
            what=f"reading the issue forms in {self.repo}",
        )
        found = (data.get("repository") or {}).get("object")
        tree = found if isinstance(found, dict) else {}
        self.errors = []
        if not isinstance(found, dict) or "entries" not in found:
            self.errors.append(f"{self.repo}:{self.path}: {NO_FORMS}")
            return {}
        texts = {
            str(entry.get("name")): str((entry.get("object") or {}).get("text") or "")
            for entry in tree.get("entries") or []
            if entry.get("type") == "blob" and not (entry.get("object") or {}).get("isBinary")
        }
        return forms_from_texts(texts, errors=self.errors)

    def describe(self) -> str:
        return f"{self.repo}:{self.path}"


def default_form_source(
    config: Config, client: GitHubClient, root: Path | None = None
) -> FormSource:
    """The config's forms path in a local checkout when there is one (the Action, the CLI),
    else the same path in the community's repo through the API (the App)."""
    local = (root or Path.cwd()) / config.triage.forms_path
    if local.is_dir():
        return DirectoryFormSource(local)
    return RepoFormSource(client, config.repo, config.triage.forms_path)


def context_forms(ctx: Context) -> dict[str, IssueForm]:
    """The issue forms for this event, read once and shared by every handler (triage, DDaT)."""

    def load() -> dict[str, IssueForm]:
        source = ctx.form_source or default_form_source(ctx.config, ctx.client)
        forms = source.load()
        for problem in getattr(source, "errors", []):
            if problem.endswith(NO_FORMS):
                log.warning("issue forms: %s", problem)
            else:
                log.warning("issue form skipped: %s", problem)
        return forms

    forms: dict[str, IssueForm] = ctx.cached("issue-forms", load)
    return forms
