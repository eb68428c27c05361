"""The issue planner: labels, ownership on edit, one keyed comment. Plain data, no network."""

from __future__ import annotations

from typing import Any

from ddat_support import REPO, webhook

from ghcommunity.config import parse_config
from ghcommunity.core.events import Event
from ghcommunity.core.forms import render_body
from ghcommunity.core.plan import AddLabels, Comment, CreateLabel, RemoveLabels
from ghcommunity.github.snapshot import IssueSnapshot, RepoLabel, SnapshotIssue
from ghcommunity.github.state import BotComment, IssueState
from ghcommunity.jobs.ddat.messages import INVITE_KEY, VALUES_KEY
from ghcommunity.jobs.ddat.plan import plan_ddat_issue

ANSWERS: dict[str, Any] = {
    "role": ["Software developer"],
    "level": ["Developer"],
    "skills": ["Prototyping"],
    "type": ["Level expectations"],
    "details": "The Developer level asks for too little.",
}
EXISTING = ["ddat-feedback", "needs-triage", "ddat-role: Software developer"]


def snapshot(
    body: str,
    labels: list[str],
    *,
    title: str = "DDaT feedback",
    comments: dict[str, BotComment] | None = None,
    repo_labels: list[str] | None = EXISTING,
) -> IssueSnapshot:
    issue = {
        "number": 7,
        "title": title,
        "body": body,
        "state": "open",
        "author": "ada",
        "author_association": "MEMBER",
        "labels": tuple(labels),
        "assignees": (),
        "url": f"https://github.com/{REPO}/issues/7",
        "created_at": "2026-11-02T10:00:00Z",
        "is_pull_request": False,
    }
    state = IssueState(
        number=7,
        labels=list(labels),
        assignees=[],
        state="open",
        title=title,
        body=body,
        comments=comments if comments is not None else {},
    )
    known = None if repo_labels is None else [RepoLabel(n) for n in repo_labels]
    return IssueSnapshot(REPO, 7, SnapshotIssue(**issue), state, known)


def event(
    action: str, body: str, *, previous: str | None = None, title: str = "DDaT feedback"
) -> Event:
    payload = webhook(f"issues.{action}")
    payload["action"] = action
    payload["issue"]["number"] = 7
    payload["issue"]["body"] = body
    payload["issue"]["title"] = title
    payload["repository"]["full_name"] = REPO
    payload["repository"]["html_url"] = f"https://github.com/{REPO}"
    payload["changes"] = {} if previous is None else {"body": {"from": previous}}
    return Event("issues", payload)


def ops(plan, kind):  # type: ignore[no-untyped-def]
    return [op for op in plan.operations if isinstance(op, kind)]


def test_opened_form_submission_gets_exactly_its_labels(kit, config) -> None:  # type: ignore[no-untyped-def]
    body = render_body(kit.form, ANSWERS)
    plan = plan_ddat_issue(event("opened", body), snapshot(body, ["ddat-feedback"]), config, kit)
    (add,) = ops(plan, AddLabels)
    assert add.labels == [
        "ddat-role: Software developer",
        "ddat-level: Developer",
        "ddat-skill: Prototyping",
        "ddat-type: Level expectations",
    ]
    assert not ops(plan, RemoveLabels)
    assert not ops(plan, Comment)
    # Labels the repo does not have yet are created first, with colour and description.
    created = {op.name: op for op in ops(plan, CreateLabel)}
    assert set(created) == set(add.labels) - set(EXISTING)
    assert created["ddat-level: Developer"].description == (
        "DDaT role level: Developer (Software developer)"
    )
    assert created["ddat-level: Developer"].color == "5319e7"
    assert plan.operations.index(next(iter(created.values()))) < plan.operations.index(add)


def test_editing_the_level_replaces_its_label_and_keeps_what_people_added(kit, config) -> None:  # type: ignore[no-untyped-def]
    before = render_body(kit.form, ANSWERS)
    after = render_body(kit.form, {**ANSWERS, "level": ["Senior developer"]})
    on_issue = [
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Developer",
        "ddat-skill: Prototyping",
        "ddat-type: Level expectations",
        "good first issue",  # a person's label outside DDaT
        "ddat-skill: Systems design",  # a person's DDaT label: no answer ever called for it
    ]
    plan = plan_ddat_issue(
        event("edited", after, previous=before), snapshot(after, on_issue), config, kit
    )
    assert [op.labels for op in ops(plan, RemoveLabels)] == [["ddat-level: Developer"]]
    assert [op.labels for op in ops(plan, AddLabels)] == [["ddat-level: Senior developer"]]
    assert [op.name for op in ops(plan, CreateLabel)] == ["ddat-level: Senior developer"]


def test_an_edit_that_changes_nothing_plans_nothing(kit, config) -> None:  # type: ignore[no-untyped-def]
    body = render_body(kit.form, ANSWERS)
    labels = [
        "ddat-feedback",
        "ddat-role: Software developer",
        "ddat-level: Developer",
        "ddat-skill: Prototyping",
        "ddat-type: Level expectations",
    ]
    plan = plan_ddat_issue(
        event("edited", body, previous=body), snapshot(body, labels), config, kit
    )
    assert not plan.operations


def test_a_label_removed_by_hand_is_not_removed_again_or_fought_over(kit, config) -> None:  # type: ignore[no-untyped-def]
    # A title-only edit: nothing in the answers changed, so nothing is removed.
    body = render_body(kit.form, ANSWERS)
    e = event("edited", body)
    e.payload["changes"] = {"title": {"from": "Old title"}}
    plan = plan_ddat_issue(
        e, snapshot(body, ["ddat-feedback", "ddat-level: Lead developer"]), config, kit
    )
    assert not ops(plan, RemoveLabels)


ALONE = parse_config(
    # DDaT without triage checking the DDaT form: this job's comment names every problem.
    "community: {name: C, org: uk-x-gov-software-community, repo: community-space}\n"
)


def test_unknown_value_is_named_in_one_keyed_comment_then_cleared(kit) -> None:  # type: ignore[no-untyped-def]
    config = ALONE
    body = render_body(kit.form, {**ANSWERS, "skills": ["Prototyping", "Quantum computing"]})
    plan = plan_ddat_issue(event("opened", body), snapshot(body, ["ddat-feedback"]), config, kit)
    (comment,) = ops(plan, Comment)
    assert comment.key == VALUES_KEY
    assert "`Quantum computing` is not a name the framework uses" in comment.body
    assert "@ada" in comment.body

    # The author fixes it: the same comment (same key) says so; labels follow.
    fixed = render_body(kit.form, ANSWERS)
    existing = {VALUES_KEY: BotComment(99, comment.full_body)}
    plan = plan_ddat_issue(
        event("edited", fixed, previous=body),
        snapshot(fixed, ["ddat-feedback", "ddat-skill: Prototyping"], comments=existing),
        config,
        kit,
    )
    (again,) = ops(plan, Comment)
    assert again.key == VALUES_KEY
    assert "now one the framework knows" in again.body


def test_missing_answers_are_left_to_triage_unless_triage_does_not_check_the_form(
    kit, config
) -> None:  # type: ignore[no-untyped-def]
    empty = render_body(kit.form, {})
    plan = plan_ddat_issue(event("opened", empty), snapshot(empty, ["ddat-feedback"]), config, kit)
    assert not ops(plan, Comment)  # triage's needs-info comment lists them
    assert not ops(plan, AddLabels)  # ddat-feedback is already there

    alone = parse_config(
        "community: {name: C, org: uk-x-gov-software-community, repo: community-space}\n"
    )
    plan = plan_ddat_issue(event("opened", empty), snapshot(empty, ["ddat-feedback"]), alone, kit)
    (comment,) = ops(plan, Comment)
    assert "**Role**: this needs an answer" in comment.body


def test_unplaceable_answers_are_named_unless_triage_names_them(kit, config) -> None:  # type: ignore[no-untyped-def]
    # The reference config has triage check the DDaT form with check_options: false, so
    # triage does not name unknown answers: the DDaT comment must (nothing dropped silently).
    unknown = render_body(kit.form, {**ANSWERS, "skills": ["Quantum computing"]})
    plan = plan_ddat_issue(event("opened", unknown), snapshot(unknown, []), config, kit)
    (comment,) = ops(plan, Comment)
    assert "`Quantum computing`" in comment.body
    assert "ddat-skill: Prototyping" not in ops(plan, AddLabels)[0].labels
    # With triage naming them (check_options: true), the DDaT job does not repeat them...
    rules = [
        r.model_copy(update={"check_options": True}) if r.template == "ddat-feedback.yml" else r
        for r in config.triage.forms
    ]
    checking = config.model_copy(
        update={"triage": config.triage.model_copy(update={"forms": rules})}
    )
    plan = plan_ddat_issue(event("opened", unknown), snapshot(unknown, []), checking, kit)
    assert not ops(plan, Comment)
    mismatch = render_body(kit.form, {**ANSWERS, "level": ["Senior test engineer"]})
    plan = plan_ddat_issue(event("opened", mismatch), snapshot(mismatch, []), config, kit)
    (comment,) = ops(plan, Comment)
    assert "'Senior test engineer' is a level of 'Test engineer', not of" in comment.body


def test_free_text_about_the_framework_is_invited_once(kit, config) -> None:  # type: ignore[no-untyped-def]
    text = "I think the DDaT framework should cover platform engineering."
    plan = plan_ddat_issue(event("opened", text), snapshot(text, []), config, kit)
    (add,) = ops(plan, AddLabels)
    assert add.labels == ["ddat-feedback", "needs-triage"]
    (comment,) = ops(plan, Comment)
    assert comment.key == INVITE_KEY
    assert "Role: Software developer" in comment.body
    assert f"https://github.com/{REPO}/issues/new?template=ddat-feedback.yml" in comment.body

    # Rerun with the comment there: same key, same text, so the executor writes nothing.
    again = plan_ddat_issue(
        event("edited", text, previous=text),
        snapshot(
            text,
            ["ddat-feedback", "needs-triage"],
            comments={INVITE_KEY: BotComment(5, comment.full_body)},
        ),
        config,
        kit,
    )
    assert [c.body for c in ops(again, Comment)] == [comment.body]
    assert not ops(again, AddLabels)


def test_free_text_with_role_lines_gets_labels_and_an_updated_invitation(kit, config) -> None:  # type: ignore[no-untyped-def]
    before = "The DDaT framework should cover platform engineering."
    after = before + "\n\nRole: devops\nLevel: senior devops engineer\nSkills: Quantum computing\n"
    plan = plan_ddat_issue(
        event("edited", after, previous=before),
        snapshot(after, ["ddat-feedback", "needs-triage"]),
        config,
        kit,
    )
    (add,) = ops(plan, AddLabels)
    assert add.labels == [
        "ddat-role: DevOps engineer",
        "ddat-level: Senior DevOps engineer",
    ]
    (comment,) = ops(plan, Comment)
    # labelled, so listed as read (not under "Not recognised yet")
    assert "read `devops` as **Development operations (DevOps) engineer**" in comment.body
    recognised, _, not_yet = comment.body.partition("Not recognised yet:")
    assert "`devops`" in recognised
    assert "`devops`" not in not_yet
    assert "`Quantum computing` is not a name the framework uses" in comment.body


def test_other_issues_are_left_alone(kit, config) -> None:  # type: ignore[no-untyped-def]
    text = "Can we move the lean coffee to Thursdays?"
    title = "Lean coffee day"
    plan = plan_ddat_issue(
        event("opened", text, title=title), snapshot(text, [], title=title), config, kit
    )
    assert not plan.operations


def test_labels_are_created_when_the_repo_label_list_was_too_long_to_read(kit, config) -> None:  # type: ignore[no-untyped-def]
    body = render_body(kit.form, ANSWERS)
    plan = plan_ddat_issue(
        event("opened", body), snapshot(body, ["ddat-feedback"], repo_labels=None), config, kit
    )
    assert len(ops(plan, CreateLabel)) == 4  # the executor checks which exist


def test_the_config_definition_of_a_label_wins(kit, config) -> None:  # type: ignore[no-untyped-def]
    text = "I think the DDaT framework should cover platform engineering."
    plan = plan_ddat_issue(event("opened", text), snapshot(text, [], repo_labels=[]), config, kit)
    created = {op.name: op for op in ops(plan, CreateLabel)}
    assert created["ddat-feedback"].color == "b60205"
    assert created["ddat-feedback"].description == "Feedback on the DDaT capability framework"
    assert created["needs-triage"].description == "A maintainer should look at this"
