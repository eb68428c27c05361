"""Every issue of the sandbox's sample community, triaged end to end.

The expectations are derived here from the seed itself (its issue bodies, the forms' YAML and
the config's groups) by a deliberately simple reading of the rules, not from ghcommunity's
parser or planner: which form a body answers, which group it names, which required answers are
empty. The one judgement made by hand is which issues are planted duplicates of each other.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from triage_helpers import (
    FORMS_DIR,
    REPO,
    context,
    listed_issue_event,
    reference_config,
)

from ghcommunity.config import iter_labels
from ghcommunity.core.plan import marker_key
from ghcommunity.jobs.triage.handlers import triage_issue

NO_ANSWER = {"_No response_", "None", ""}
# Read by a person from the seed: the same idea raised twice (a free-text issue and a group
# proposal). The proposal also overlaps Sustainable Software, but the aim that group publishes
# ("…drive change across the Civil Service in the field of Green Software Engineering") shares
# too few words with the proposal's ("the carbon footprint of the software we build") for the
# similarity measure (53 of the 60 needed): the reference config carries the published aim.
PLANTED_DUPLICATES = {
    "Green software community": {"Group proposal: Green software"},
    "Group proposal: Green software": {"Green software community"},
}
TEAM_OF = {
    "lean-coffee": "@uk-x-gov-software-community/lean-coffee-facilitators",
    "community-facilitators": "@uk-x-gov-software-community/facilitators",
}


def _forms_yaml() -> dict[str, dict[str, Any]]:
    out = {}
    for path in FORMS_DIR.glob("*.yml"):
        if path.name != "config.yml":
            out[path.name] = yaml.safe_load(path.read_text())
    return out


def _sections(body: str) -> dict[str, str]:
    text = body.replace("\r\n", "\n")
    parts = re.split(r"^### (.+)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def expected(issue: dict[str, Any]) -> dict[str, Any]:
    """Labels after triage, whether a triage comment is expected, and what it must say."""
    config = reference_config()
    groups_by_name = {g.name: g for g in config.groups}
    labels = {label["name"] for label in issue["labels"]}
    body = issue["body"] or ""
    answers = _sections(body)
    routed: list[str] = []
    missing = False
    form_name = None
    for name, form in _forms_yaml().items():
        questions = {f["attributes"]["label"] for f in form["body"] if f["type"] != "markdown"}
        if answers and set(answers) <= questions:
            form_name = name
            break
    if form_name is None:
        labels.add("needs-triage")
        text = f"{issue['title']}\n{body}".lower()
        for group in config.groups:
            if any(re.search(rf"\b{re.escape(k)}\b", text) for k in group.keywords):
                labels.add(f"group: {group.slug}")
                routed.append(group.slug)
    else:
        form = _forms_yaml()[form_name]
        rule = config.triage.form_rule(form_name)
        assert rule is not None
        labels.update(rule.labels)
        labels.update(form.get("labels") or [])
        for field in form["body"]:
            if field["type"] == "markdown":
                continue
            value = answers.get(field["attributes"]["label"], "")
            required = (field.get("validations") or {}).get("required", False)
            if required and value in NO_ANSWER:
                missing = True
            for option in field["attributes"].get("options", []):
                if not (isinstance(option, dict) and option.get("required")):
                    continue
                ticked = {f"- [X] {option['label']}", f"- [x] {option['label']}"}
                if not ticked & set(value.splitlines()):
                    missing = True
            field_rule = rule.fields.get(field.get("id", ""))
            if field_rule and field_rule.options == "groups" and value not in NO_ANSWER:
                for name in value.split(", "):
                    group = groups_by_name.get(name)
                    if group is None:
                        continue
                    labels.add(f"group: {group.slug}")
                    if "agenda" in field_rule.group_labels:
                        labels.add(f"agenda: {group.slug}")
                    if field_rule.route:
                        routed.append(group.slug)
            if (
                rule.check_options
                and field["type"] == "dropdown"
                and value not in NO_ANSWER
                and value.split(", ")[0] not in field["attributes"]["options"]
            ):
                missing = True
        if missing:
            labels.add("needs-info")
    duplicates = PLANTED_DUPLICATES.get(issue["title"], set())
    if duplicates:
        labels.add("possible-duplicate")
    welcome = issue["author_association"] in ("FIRST_TIMER", "FIRST_TIME_CONTRIBUTOR") and (
        issue["user"]["login"] != "ghost"
    )
    mentions = [TEAM_OF[slug] for slug in routed if slug in TEAM_OF]
    return {
        "labels": labels,
        "comment": bool(welcome or mentions or missing or duplicates),
        "welcome": welcome,
        "mentions": mentions,
        "missing": missing,
        "duplicates": duplicates,
    }


@pytest.fixture
def community(sample_sandbox: Any, github: Any) -> list[dict[str, Any]]:
    """The sample, with the config's labels made as `labels sync` would make them."""
    existing = {lab["name"].lower() for lab in github.paginate(f"/repos/{REPO}/labels")}
    for spec in iter_labels(reference_config()):
        if spec.name.lower() not in existing:
            sample_sandbox.state.add_label(REPO, spec.name, spec.color, spec.description)
    issues = [
        issue
        for issue in github.paginate(f"/repos/{REPO}/issues", {"state": "all"})
        if "pull_request" not in issue
    ]
    assert len(issues) >= 50
    return sorted(issues, key=lambda issue: issue["number"])


def bot_comments(github: Any, number: int) -> list[dict[str, Any]]:
    return [
        c
        for c in github.paginate(f"/repos/{REPO}/issues/{number}/comments")
        if c["user"]["login"] == "ghcommunity[bot]"
    ]


def triage(sandbox: Any, github: Any, event: Any) -> dict[str, Any]:
    ctx = context(github)
    sandbox.reset_stats()
    plan = triage_issue(event, ctx)
    if plan:
        ctx.executor.apply(plan.coalesced())
    return dict(sandbox.stats())


def test_every_sample_issue_gets_exactly_the_expected_triage_and_a_rerun_writes_nothing(
    sample_sandbox: Any, github: Any, community: list[dict[str, Any]]
) -> None:
    repository = github.rest("GET", f"/repos/{REPO}")
    events = {i["number"]: listed_issue_event("opened", i, repository) for i in community}
    wanted = {i["number"]: expected(i) for i in community if i["state"] == "open"}
    before = {i["number"]: i for i in community}

    for number, event in events.items():
        stats = triage(sample_sandbox, github, event)
        assert stats["total"] <= 4, (number, stats["by_route"])

    checked_comments = 0
    for number, issue in before.items():
        now = github.rest("GET", f"/repos/{REPO}/issues/{number}")
        labels = {label["name"] for label in now["labels"]}
        mine = bot_comments(github, number)
        assert [a["login"] for a in now["assignees"]] == [a["login"] for a in issue["assignees"]]
        if issue["state"] == "closed":
            assert labels == {label["name"] for label in issue["labels"]}, number
            assert mine == [], number
            continue
        want = wanted[number]
        assert labels == want["labels"], (number, issue["title"])
        if not want["comment"]:
            assert mine == [], (number, issue["title"])
            continue
        (comment,) = mine
        assert marker_key(comment["body"]) == "triage"
        body = comment["body"]
        assert ("Welcome to the UK cross-government" in body) == want["welcome"], number
        for mention in want["mentions"]:
            assert body.count(mention) == 1, number
        assert ("Some answers are missing" in body) == want["missing"], number
        for title in want["duplicates"]:
            assert title in body, (number, title)
        checked_comments += 1
    assert checked_comments >= 10

    # The same deliveries again (a redelivery, a rerun): nothing is written, nothing reposted.
    comments = {number: len(bot_comments(github, number)) for number in before}
    for number, event in events.items():
        stats = triage(sample_sandbox, github, event)
        assert stats["writes"] == 0, (number, stats["by_route"])
    assert comments == {number: len(bot_comments(github, number)) for number in before}


def test_a_proposal_using_a_groups_keyword_is_pointed_at_that_group(
    sample_sandbox: Any, github: Any, community: list[dict[str, Any]]
) -> None:
    """A "Group proposal: Green software" scores below the likeness threshold against Sustainable
    Software's published aim, but the group lists "green software" among its keywords: the bot
    says so, and why. A talk about a group's topic is routed to the group, not called a
    duplicate of it."""
    repository = github.rest("GET", f"/repos/{REPO}")
    by_title = {i["title"]: i for i in community}
    proposal = by_title["Group proposal: Green software"]
    talk = by_title["Talk or event: Panel on open source licensing in government"]
    for issue in (proposal, talk):
        triage(sample_sandbox, github, listed_issue_event("opened", issue, repository))
    (comment,) = bot_comments(github, proposal["number"])
    assert (
        "the registered group **Sustainable Software** (its keywords include “green software”)"
        in comment["body"]
    )
    talk_now = github.rest("GET", f"/repos/{REPO}/issues/{talk['number']}")
    assert "possible-duplicate" not in {label["name"] for label in talk_now["labels"]}
    for mine in bot_comments(github, talk["number"]):
        assert "registered group" not in mine["body"]
