"""The agenda seam: `read_agenda` hands the planner typed `AgendaItem`s, and templates (ours and
a community's own) still see the plain dicts they always saw, so the rendered notes and agenda
issues are byte-for-byte what they were when the agenda was a list of dicts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers_meetings import make_config

from ghcommunity.core.plan import CommitFiles, CreateIssue
from ghcommunity.github.client import GitHubClient
from ghcommunity.jobs.meetings.notes import AgendaItem, Rendering, RepoView, plan_generate
from ghcommunity.jobs.meetings.read import read_agenda

ROOT = Path(__file__).resolve().parents[2]
# Rendered by the code before `AgendaItem` existed (the agenda was a list of dicts), with the
# same config, agenda and templates as below.
GOLDEN = ROOT / "tests" / "fixtures" / "meetings" / "agenda-rendered.json"
REPO = "uk-x-gov-software-community/community-space"

# A community's own template may index, `.get`, `|tojson`, sort and count an item.
CUSTOM = (
    "# {{ group.name }} {{ date }}\n"
    "{% for item in agenda %}"
    "{{ item['number'] }}|{{ item['title'] }}|{{ item.title }}|{{ item.url }}|"
    "{{ item.get('author') }}|{{ item.get('missing', 'none') }}|{{ item|tojson }}|"
    "{{ item|dictsort }}|{{ item.keys()|list }}|{{ item is mapping }}|{{ item|length }}\n"
    "{% endfor %}"
    "{{ agenda|tojson }}\n{{ agenda|map(attribute='title')|join(', ') }}\n"
)

ITEMS = [
    AgendaItem(7, "Agenda: AI <pair> programming", "https://github.com/o/r/issues/7", "ada"),
    AgendaItem(12, "Café “quotes” & 'apostrophes'", "https://github.com/o/r/issues/12", ""),
]


def test_templates_render_the_typed_agenda_exactly_as_they_rendered_dicts() -> None:
    config = make_config(
        """
        - slug: lean-coffee
          name: Lean Coffee
          notes_path: lean-coffees/
          template: .github/lean-coffee.md.j2
          schedule:
            rule: fourth Thursday monthly
            start: "11:00"
            agenda_issue: {days_before: 7, template: .github/agenda.md.j2}
        - slug: green
          name: Green software
          notes_path: green/
          schedule:
            rule: fourth Thursday monthly
            start: "14:00"
            agenda_issue: {days_before: 7}
        """
    )
    result = plan_generate(
        config,
        datetime(2026, 4, 17, 8, tzinfo=UTC),
        RepoView("main"),
        rendering=Rendering(repo="o/r", agenda={"lean-coffee": ITEMS, "green": ITEMS[1:]}),
        templates={".github/lean-coffee.md.j2": CUSTOM, ".github/agenda.md.j2": CUSTOM},
    )
    rendered: dict[str, str] = {}
    for op in result.plan.operations:
        if isinstance(op, CommitFiles):
            rendered.update({f.path: f.content for f in op.files if not f.path.endswith(".ics")})
        if isinstance(op, CreateIssue):
            rendered[op.key] = op.title + "\n" + op.body
    assert rendered == json.loads(GOLDEN.read_text(encoding="utf-8"))


class _Issues:
    """A client whose one page of issues is `issues` (REST-shaped, as GitHub sends them)."""

    def __init__(self, issues: list[dict[str, Any]]) -> None:
        self.issues = issues

    def paginate(self, path: str, params: Any = None, **kwargs: Any) -> list[dict[str, Any]]:
        assert path == "/repos/o/r/issues"
        assert params["labels"] == "agenda: lean-coffee"
        return self.issues


def test_read_agenda_hands_the_planner_agenda_items() -> None:
    issues = [
        {
            "number": 3,
            "title": "Flaky tests",
            "html_url": "https://github.com/o/r/issues/3",
            "url": "https://api.github.com/repos/o/r/issues/3",
            "user": {"login": "ada", "type": "User"},
            "labels": [{"name": "agenda: lean-coffee"}],
        },
        {"number": 4, "title": "A pull request", "pull_request": {"url": "x"}, "user": None},
        {"number": 5, "title": None, "html_url": None, "user": None},  # a deleted account
    ]
    client: Any = _Issues(issues)
    assert read_agenda(client, "o/r", "agenda: lean-coffee") == [
        AgendaItem(3, "Flaky tests", "https://github.com/o/r/issues/3", "ada"),
        AgendaItem(5),
    ]


def test_the_agenda_read_from_the_sandbox_is_agenda_items(
    sandbox: Any, github: GitHubClient
) -> None:
    sandbox.state.add_issue(
        REPO, title="Agenda: flaky tests", author="ada", labels=["agenda: lean-coffee"]
    )
    (item,) = read_agenda(github, REPO, "agenda: lean-coffee")
    assert isinstance(item, AgendaItem)
    assert (item.title, item.author) == ("Agenda: flaky tests", "ada")
    assert item.url.endswith(f"/{REPO}/issues/{item.number}")
