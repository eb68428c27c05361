"""plan_triage with plain data: labels, ownership, routing, missing information, welcome,
duplicates, and what it leaves alone."""

from __future__ import annotations

from datetime import UTC, datetime

from triage_helpers import form_body, issue_event, snapshot

from ghcommunity.config import Config, parse_config
from ghcommunity.core.forms import IssueForm
from ghcommunity.core.plan import (
    AddLabels,
    AddToProject,
    Assign,
    Comment,
    CreateLabel,
    DeleteComment,
    Plan,
    RemoveLabels,
)
from ghcommunity.jobs.triage.plan import TRIAGE_KEY, parse_sections, plan_triage

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LEAN = "@uk-x-gov-software-community/lean-coffee-facilitators"


def ops(plan: Plan, kind: type) -> list:
    return [op for op in plan if isinstance(op, kind)]


def added(plan: Plan) -> list[str]:
    return [name for op in ops(plan, AddLabels) for name in op.labels]


def removed(plan: Plan) -> list[str]:
    return [name for op in ops(plan, RemoveLabels) for name in op.labels]


def comment(plan: Plan) -> str | None:
    found = [op for op in ops(plan, Comment) if op.key == TRIAGE_KEY]
    assert len(found) <= 1
    return found[0].body if found else None


def triage(config: Config, forms: dict[str, IssueForm], action: str, **kw: object) -> Plan:
    """Run the planner for an event and a snapshot describing the same issue."""
    snap_only = {"bot_comments", "open_issues", "repo_labels", "assignees", "is_pull_request"}
    event_only = {"changes", "label", "sender"}
    event = issue_event(action, **{k: v for k, v in kw.items() if k not in snap_only})  # type: ignore[arg-type]
    snap = snapshot(**{k: v for k, v in kw.items() if k not in event_only})  # type: ignore[arg-type]
    return plan_triage(event, config, snap, forms, NOW)


AGENDA = form_body("agenda-item.yml", group=["Lean Coffee"], item="Testing in government")


def test_form_issue_gets_type_group_and_agenda_labels_and_one_routing_mention(
    config, forms
) -> None:
    plan = triage(config, forms, "opened", title="Agenda: testing", body=AGENDA)
    # GitHub applies the form's own label on submission; here it did not, so triage adds it.
    assert added(plan) == ["type: agenda item", "group: lean-coffee", "agenda: lean-coffee"]
    assert removed(plan) == []
    text = comment(plan)
    assert text is not None
    assert text.count(LEAN) == 1
    assert text.startswith("This looks like one for the **Lean Coffee** group")
    assert ops(plan, Assign) == []  # the reference config mentions; it does not assign
    assert ops(plan, CreateLabel) == []


def test_labels_already_there_are_not_added_again(config, forms) -> None:
    plan = triage(
        config,
        forms,
        "opened",
        title="Agenda: testing",
        body=AGENDA,
        labels=["type: agenda item", "group: lean-coffee", "agenda: lean-coffee"],
    )
    assert ops(plan, AddLabels) == []


def test_group_without_leads_or_team_gets_labels_but_no_mention(config, forms) -> None:
    body = form_body("agenda-item.yml", group=["Open Source"], item="Licences")
    plan = triage(config, forms, "opened", title="Agenda: licences", body=body)
    assert "group: open-source" in added(plan)
    assert "agenda: open-source" in added(plan)
    assert comment(plan) is None


def test_missing_information_one_comment_and_needs_info(config, forms) -> None:
    body = form_body("agenda-item.yml", group=[], item=None)
    plan = triage(config, forms, "opened", title="Agenda: ?", body=body)
    assert "needs-info" in added(plan)
    text = comment(plan)
    assert text is not None
    assert "- **Which group's meeting?**: this question needs an answer" in text
    assert "- **Agenda item**: this question needs an answer" in text
    assert parse_sections(text)["missing"].data == "open"


def test_invalid_option_is_listed_as_needing_another_look(config, forms) -> None:
    body = form_body("agenda-item.yml", group=["Knitting circle"], item="Yarn")
    plan = triage(config, forms, "opened", title="Agenda: yarn", body=body)
    text = comment(plan)
    assert text is not None
    assert "'Knitting circle' is not one of the options" in text
    assert "needs-info" in added(plan)


def test_fixing_the_issue_clears_the_label_and_turns_the_list_into_thanks(config, forms) -> None:
    before = form_body("agenda-item.yml", group=[], item=None)
    first = triage(config, forms, "opened", title="Agenda", body=before)
    posted = comment(first)
    assert posted is not None
    plan = triage(
        config,
        forms,
        "edited",
        title="Agenda",
        body=AGENDA,
        labels=["type: agenda item", "needs-info"],
        changes={"body": {"from": before}},
        bot_comments={TRIAGE_KEY: posted},
    )
    assert removed(plan) == ["needs-info"]
    assert set(added(plan)) == {"group: lean-coffee", "agenda: lean-coffee"}
    text = comment(plan)
    assert text is not None
    assert "missing" not in text.split("<!--")[0]
    assert "Thank you: everything we need is there now." in text
    assert "this question needs an answer" not in text
    assert LEAN in text


def test_needs_info_added_by_a_person_is_kept_when_nothing_was_missing(config, forms) -> None:
    plan = triage(
        config,
        forms,
        "edited",
        title="Agenda",
        body=AGENDA,
        labels=["type: agenda item", "group: lean-coffee", "agenda: lean-coffee", "needs-info"],
        changes={"body": {"from": AGENDA.replace("Testing in government", "Testing")}},
    )
    assert removed(plan) == []


def test_editing_the_body_to_remove_a_required_answer(config, forms) -> None:
    emptied = form_body("agenda-item.yml", group=["Lean Coffee"], item=None)
    plan = triage(
        config,
        forms,
        "edited",
        title="Agenda",
        body=emptied,
        labels=["type: agenda item", "group: lean-coffee", "agenda: lean-coffee"],
        changes={"body": {"from": AGENDA}},
    )
    assert added(plan) == ["needs-info"]
    assert removed(plan) == []
    text = comment(plan)
    assert text is not None
    assert "**Agenda item**" in text


def test_changed_answer_replaces_its_label_and_keeps_a_persons_label(config, forms) -> None:
    moved = form_body("agenda-item.yml", group=["Open Source"], item="Testing in government")
    plan = triage(
        config,
        forms,
        "edited",
        title="Agenda",
        body=moved,
        labels=[
            "type: agenda item",
            "group: lean-coffee",
            "agenda: lean-coffee",
            "accepted",
            "group: sustainable-software",
        ],
        changes={"body": {"from": AGENDA}},
    )
    assert set(removed(plan)) == {"group: lean-coffee", "agenda: lean-coffee"}
    assert set(added(plan)) == {"group: open-source", "agenda: open-source"}
    # 'accepted' (not ours) and 'group: sustainable-software' (a person's) are untouched.
    assert "accepted" not in removed(plan)
    assert "group: sustainable-software" not in removed(plan)


def test_a_label_a_person_removed_is_not_put_back_by_an_unrelated_edit(config, forms) -> None:
    plan = triage(
        config,
        forms,
        "edited",
        title="Agenda",
        body=AGENDA.replace("Testing", "Testing well"),
        labels=["type: agenda item", "group: lean-coffee"],  # a person removed the agenda label
        changes={"body": {"from": AGENDA}},
    )
    assert ops(plan, AddLabels) == []


def test_free_text_issue_is_labelled_by_keywords_and_needs_triage(config, forms) -> None:
    plan = triage(
        config,
        forms,
        "opened",
        title="How do we measure the carbon cost of our services?",
        body="We run lots of services and want to report their energy use.",
    )
    assert set(added(plan)) == {"needs-triage", "group: sustainable-software"}
    assert any("did not come from an issue form" in n for n in plan.notes)


def test_keyword_rules_from_config(forms) -> None:
    config = _config_with(
        "  keyword_rules:\n"
        "    - labels: ['type: question or idea']\n"
        "      regex: '\\?\\s*$'\n"
        "      fields: [title]\n"
        "    - labels: ['bug']\n"
        "      keywords: [broken]\n"
    )
    plan = triage(config, forms, "opened", title="Where are the notes?", body="The link is broken")
    assert "type: question or idea" in added(plan)
    assert "bug" not in added(plan)  # outside the owned namespaces: never added
    assert any("'bug': outside the label namespaces" in n for n in plan.notes)


def test_welcome_for_a_first_time_participant_only_on_open(config, forms) -> None:
    plan = triage(
        config, forms, "opened", title="Agenda", body=AGENDA, association="FIRST_TIME_CONTRIBUTOR"
    )
    text = comment(plan)
    assert text is not None
    assert text.startswith(
        "Welcome to the UK cross-government software engineering community, @ada"
    )
    member = triage(config, forms, "opened", title="Agenda", body=AGENDA, association="MEMBER")
    assert "Welcome" not in (comment(member) or "")
    # On an edit the welcome already posted is kept, never added.
    edited = triage(
        config,
        forms,
        "edited",
        title="Agenda",
        body=AGENDA,
        association="FIRST_TIME_CONTRIBUTOR",
        changes={"body": {"from": AGENDA}},
        bot_comments={TRIAGE_KEY: text},
    )
    assert comment(edited) == text


def test_a_broken_welcome_template_is_a_note_not_a_crash(forms) -> None:
    config = _config_with("  welcome:\n    template: 'Hello {{ nobody }}'\n", replace_welcome=True)
    plan = triage(config, forms, "opened", title="Agenda", body=AGENDA, association="FIRST_TIMER")
    assert any("no welcome" in n and "nobody" in n for n in plan.notes)
    assert "Welcome" not in (comment(plan) or "")


def test_possible_duplicates_among_open_issues(config, forms) -> None:
    body = form_body("propose-a-talk-or-event.yml", format=["Talk"], summary="Rust in government")
    plan = triage(
        config,
        forms,
        "opened",
        title="Talk or event: Rust in government services",
        body=body,
        open_issues=[
            (3, "Talk or event: Rust for government services"),
            (4, "Talk or event: Kotlin on the server"),
            (5, "Rust in government services?"),
        ],
    )
    text = comment(plan)
    assert text is not None
    dup = parse_sections(text)["duplicates"]
    assert dup.data.split(",")[0] in ("#3", "#5")
    assert "#4" not in dup.data
    assert "possible-duplicate" in added(plan)
    assert "% similar" in dup.text
    assert "`/duplicate #" in dup.text


def test_group_proposal_is_compared_with_the_registry(config, forms) -> None:
    body = form_body(
        "propose-a-group.yml",
        name="Green software",
        aim="Coordinate work across the Civil Service to drive change in green software "
        "engineering.",
        leads="@ada",
        cadence=["Monthly"],
        checks=["I have looked through the existing groups and none of them covers this."],
    )
    plan = triage(config, forms, "opened", title="Group proposal: Green software", body=body)
    text = comment(plan)
    assert text is not None
    dup = parse_sections(text)["duplicates"]
    assert dup.data == "group:sustainable-software"
    assert "the registered group **Sustainable Software**" in dup.text


def test_duplicates_only_recomputed_when_the_title_changes(config, forms) -> None:
    kept = "This may overlap with:\n\n- #3 Something (90% similar)\n<!-- triage:duplicates #3 -->"
    body_only = triage(
        config,
        forms,
        "edited",
        title="Talk or event: Kotlin",
        body=AGENDA,
        changes={"body": {"from": AGENDA + "x"}},
        bot_comments={TRIAGE_KEY: kept},
        labels=["possible-duplicate"],
        open_issues=[(9, "Talk or event: Kotlin")],
    )
    assert parse_sections(comment(body_only))["duplicates"].data == "#3"
    retitled = triage(
        config,
        forms,
        "edited",
        title="Talk or event: Kotlin",
        body=AGENDA,
        changes={"title": {"from": "Something"}},
        bot_comments={TRIAGE_KEY: kept},
        labels=["possible-duplicate"],
        open_issues=[(9, "Talk or event: Kotlin on the JVM")],
    )
    assert parse_sections(comment(retitled))["duplicates"].data == "#9"
    unique = triage(
        config,
        forms,
        "edited",
        title="Something else entirely",
        body=AGENDA,
        changes={"title": {"from": "Something"}},
        bot_comments={TRIAGE_KEY: kept},
        labels=["possible-duplicate"],
    )
    assert "duplicates" not in parse_sections(comment(unique))
    assert "possible-duplicate" in removed(unique)


def test_comment_with_nothing_left_to_say_is_deleted(config, forms) -> None:
    kept = "This may overlap with:\n\n- #3 Something (90% similar)\n<!-- triage:duplicates #3 -->"
    plan = triage(
        config,
        forms,
        "edited",
        title="Completely unrelated",
        body="plain words",
        changes={"title": {"from": "Something"}},
        bot_comments={TRIAGE_KEY: kept},
    )
    assert ops(plan, DeleteComment) == [
        DeleteComment(repo=plan.operations[-1].repo, issue=7, key=TRIAGE_KEY)
    ]


def test_a_person_adding_a_group_label_routes_the_issue(config, forms) -> None:
    plan = triage(
        config,
        forms,
        "labeled",
        title="Coffee?",
        body="free text",
        labels=["group: lean-coffee"],
        label="group: lean-coffee",
        sender="grace",
    )
    assert ops(plan, AddLabels) == []
    assert ops(plan, RemoveLabels) == []
    assert LEAN in (comment(plan) or "")


def test_assignment_when_configured_and_project_backlog(forms) -> None:
    config = _config_with(
        "  assign_leads: true\n  project: {owner: uk-x-gov-software-community, number: 1}\n",
        leads=True,
    )
    plan = triage(config, forms, "opened", title="Agenda", body=AGENDA)
    assert ops(plan, Assign)[0].assignees == ["grace-lead"]
    assert ops(plan, AddToProject)[0].project_number == 1
    edited = triage(
        config,
        forms,
        "edited",
        title="Agenda",
        body=AGENDA,
        changes={"body": {"from": AGENDA + " "}},
    )
    assert ops(edited, Assign) == []  # not again for an unchanged answer
    assert ops(edited, AddToProject) == []


def test_labels_missing_from_the_repo_are_created_from_their_definitions(config, forms) -> None:
    plan = triage(
        config, forms, "opened", title="Agenda", body=AGENDA, repo_labels=["type: agenda item"]
    )
    created = {op.name: op for op in ops(plan, CreateLabel)}
    assert set(created) == {"group: lean-coffee", "agenda: lean-coffee"}
    assert created["group: lean-coffee"].description == "About the Lean Coffee group"
    assert plan.operations.index(next(iter(ops(plan, CreateLabel)))) < plan.operations.index(
        ops(plan, AddLabels)[0]
    )


def test_what_triage_leaves_alone(config, forms) -> None:
    for kwargs in (
        {"is_pull_request": True},
        {"state": "closed"},
        {"author": "ghcommunity[bot]"},
        # GraphQL spells an App's bot without "[bot]".
        {"author": "ghcommunity", "body": "<!-- ghcommunity:audit -->\nThe audit's issue"},
    ):
        plan = triage(
            config,
            forms,
            "edited",
            title="x",
            **{"body": AGENDA, **kwargs},
            changes={"body": {"from": ""}},
        )
        assert not plan, kwargs
        assert plan.notes[0].startswith("triage skipped")


def test_an_outsiders_issue_with_the_bots_marker_is_still_triaged(config, forms) -> None:
    body = "<!-- ghcommunity:audit -->\n" + AGENDA
    plan = triage(config, forms, "opened", title="Agenda", body=body, author="mallory")
    assert plan
    assert not plan.notes or not plan.notes[0].startswith("triage skipped")


def test_null_body(config, forms) -> None:
    plan = triage(config, forms, "opened", title="Just a title", body=None)
    assert added(plan) == ["needs-triage"]
    assert comment(plan) is None


def test_reopened_is_triaged_like_opened_without_a_welcome(config, forms) -> None:
    plan = triage(config, forms, "reopened", title="Agenda", body=AGENDA, association="FIRST_TIMER")
    assert "group: lean-coffee" in added(plan)
    assert "Welcome" not in (comment(plan) or "")


def _config_with(extra: str, *, replace_welcome: bool = False, leads: bool = False) -> Config:
    from triage_helpers import CONFIG_PATH

    text = CONFIG_PATH.read_text()
    if replace_welcome:
        start = text.index("  welcome:\n")
        end = text.index("  duplicates:\n")
        text = text[:start] + text[end:]
    if leads:
        text = text.replace(
            "    team: uk-x-gov-software-community/lean-coffee-facilitators\n",
            "    team: uk-x-gov-software-community/lean-coffee-facilitators\n"
            "    leads: [grace-lead]\n",
        )
    text = text.replace("  mention_leads: true\n", "  mention_leads: true\n" + extra)
    return parse_config(text, "test.yml")


def test_a_body_that_no_longer_answers_the_form_drops_the_list_without_thanks(
    config, forms
) -> None:
    before = form_body("agenda-item.yml", group=[], item=None)
    posted = comment(triage(config, forms, "opened", title="Agenda", body=before))
    assert posted is not None
    plan = triage(
        config,
        forms,
        "edited",
        title="Agenda",
        body="Never mind, I will raise it in Slack.",
        labels=["type: agenda item", "needs-info"],
        changes={"body": {"from": before}},
        bot_comments={TRIAGE_KEY: posted},
    )
    assert "needs-info" in removed(plan)
    assert "needs-triage" in added(plan)
    assert ops(plan, DeleteComment)
    assert comment(plan) is None
