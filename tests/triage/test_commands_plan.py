"""Slash commands with plain data: finding them, permissions, and what each one plans."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from triage_helpers import comment_event, snapshot

from ghcommunity.config import Config, parse_config
from ghcommunity.core.commands import (
    COMMANDS,
    Actor,
    CommandCall,
    CommandError,
    allowed,
    find_commands,
    new_commands,
    plan_commands,
    slash_command,
)
from ghcommunity.core.plan import (
    AddLabels,
    Assign,
    CloseIssue,
    Comment,
    Plan,
    React,
    RemoveLabels,
    ReopenIssue,
)
from ghcommunity.jobs.triage import commands as cmd
from ghcommunity.jobs.triage.plan import TRIAGE_KEY, parse_sections

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TRIAGER = Actor("grace", role="triage")
STRANGER = Actor("mallory", role="read")


def run(config: Config, body: str, actor: Actor = TRIAGER, **kw: object) -> Plan:
    snap_kw = {k: kw.pop(k) for k in ("labels", "bot_comments", "repo_labels") if k in kw}
    event = comment_event(
        str(kw.pop("action", "created")),
        body,
        commenter=actor.login,
        **kw,  # type: ignore[arg-type]
    )
    snap = snapshot(author=str(kw.get("author", "ada")), **snap_kw)  # type: ignore[arg-type]
    return plan_commands(event, config, snap, actor, NOW)


def of(plan: Plan, kind: type) -> list:
    return [op for op in plan if isinstance(op, kind)]


def reply(plan: Plan) -> str:
    found = [op for op in of(plan, Comment) if op.key and op.key.startswith("command-reply-")]
    assert len(found) == 1
    return found[0].body


# -- finding commands --------------------------------------------------------------------------


def test_commands_are_lines_starting_with_a_registered_name() -> None:
    body = (
        "Thanks!\r\n/label needs-info\r\n  /CLOSE\r\n/usr/bin/env is a path\r\n"
        "I said /close in a sentence\r\n/assign @grace @ada"
    )
    assert [(c.name, c.args) for c in find_commands(body)] == [
        ("label", "needs-info"),
        ("close", ""),
        ("assign", "@grace @ada"),
    ]


def test_commands_in_code_quotes_and_html_comments_are_ignored() -> None:
    body = "\n".join(
        [
            "```",
            "/close",
            "```",
            "~~~md",
            "/label x",
            "~~~",
            "> /reopen",
            ">> /close",
            "",
            "    /close",
            "\t/close",
            "<!-- /close -->",
            "<!--",
            "/close",
            "-->",
            "/help",
        ]
    )
    assert [c.name for c in find_commands(body)] == ["help"]


def test_only_new_commands_run_on_an_edited_comment() -> None:
    before = "/label a\n/close"
    after = "/label a\n/close\n/label b\n/close"
    assert [(c.name, c.args) for c in new_commands(after, before)] == [
        ("label", "b"),
        ("close", ""),
    ]
    assert new_commands(before, before) == []


# -- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "actor", "ok"),
    [
        ("anyone", Actor("x"), True),
        ("author", Actor("ada"), True),
        ("author", Actor("x", role="read"), False),
        ("author", Actor("x", role="triage"), True),
        ("triage", Actor("x", role="read"), False),
        ("triage", Actor("x", role="triage"), True),
        ("triage", Actor("x", role="admin"), True),
        ("write", Actor("x", role="triage"), False),
        ("maintain", Actor("x", role="write"), False),
        ("maintain", Actor("x", role="maintain"), True),
        ("admin", Actor("x", role="maintain"), False),
        (
            "team:facilitators",
            Actor("x", teams={"uk-x-gov-software-community/facilitators": True}),
            True,
        ),
        (
            "team:facilitators",
            Actor("x", teams={"uk-x-gov-software-community/facilitators": False}),
            False,
        ),
        ("logins:Grace, @ada", Actor("grace"), True),
        ("logins:grace,ada", Actor("bob"), False),
        ("write or logins:bob", Actor("bob", role="read"), True),
        ("triage", Actor("x", role="none"), False),
    ],
)
def test_permission_tiers(config: Config, rule: str, actor: Actor, ok: bool) -> None:
    assert allowed(rule, actor, "ada", config) is ok


def test_bad_permission_in_config_is_a_config_error(config: Config) -> None:
    from triage_helpers import CONFIG_PATH

    from ghcommunity.config import ConfigError

    text = CONFIG_PATH.read_text().replace("      label: triage\n", "      label: wizards\n")
    with pytest.raises(ConfigError) as info:
        parse_config(text, "c.yml")
    assert "unknown permission 'wizards'" in str(info.value)
    assert str(info.value).startswith("c.yml:")


def test_refused_command_gets_a_short_reply_and_no_reactions(config: Config) -> None:
    plan = run(config, "/label needs-info", actor=STRANGER)
    assert of(plan, AddLabels) == []
    assert of(plan, React) == []
    assert (
        reply(plan)
        == "@mallory: `/label needs-info` was not run: it is for people with triage access."
    )


def test_author_may_close_their_own_issue_but_not_someone_elses(config: Config) -> None:
    own = run(config, "/close", actor=Actor("ada"))
    assert of(own, CloseIssue) == [CloseIssue(repo=own.operations[1].repo, issue=7)]
    other = run(config, "/close", actor=Actor("bob", role="read"))
    assert of(other, CloseIssue) == []
    assert "the issue's author or people with triage access" in reply(other)


# -- what accepted commands do -----------------------------------------------------------------


def test_accepted_command_gets_eyes_then_thumbs_up(config: Config) -> None:
    plan = run(config, "/label needs-info")
    assert [op.content for op in of(plan, React)] == ["eyes", "+1"]
    assert all(op.comment_id == 9001 for op in of(plan, React))
    assert isinstance(plan.operations[0], React)
    assert isinstance(plan.operations[-1], React)
    assert of(plan, AddLabels)[0].labels == ["needs-info"]


def test_label_and_unlabel_names(config: Config) -> None:
    plan = run(config, '/label "group: open-source", Needs-Info\n/unlabel type: agenda item')
    assert of(plan, AddLabels)[0].labels == ["group: open-source", "needs-info"]
    assert of(plan, RemoveLabels)[0].labels == ["type: agenda item"]
    spaced = run(config, "/label needs-info possible-duplicate")
    assert of(spaced, AddLabels)[0].labels == ["needs-info", "possible-duplicate"]


def test_unknown_label_is_refused_with_the_reason(config: Config) -> None:
    plan = run(config, "/label wontfix\n/label needs-info")
    assert of(plan, AddLabels)[0].labels == ["needs-info"]  # the good one still runs
    text = reply(plan)
    assert "`/label wontfix` was not run: this repository has no label `wontfix`" in text


def test_sig_sets_the_group_label_and_routes(config: Config) -> None:
    plan = run(config, "/sig lean-coffee", labels=["group: open-source", "needs-info"])
    assert of(plan, RemoveLabels)[0].labels == ["group: open-source"]
    assert of(plan, AddLabels)[0].labels == ["group: lean-coffee"]
    routed = [op for op in of(plan, Comment) if op.key == TRIAGE_KEY]
    assert parse_sections(routed[0].body)["routing"].data == "lean-coffee"
    assert "@uk-x-gov-software-community/lean-coffee-facilitators" in routed[0].body


def test_sig_keeps_the_rest_of_the_triage_comment(config: Config) -> None:
    existing = "Welcome!\n<!-- triage:welcome -->"
    plan = run(config, "/sig Lean Coffee", bot_comments={TRIAGE_KEY: existing})
    body = next(op.body for op in of(plan, Comment) if op.key == TRIAGE_KEY)
    assert body.startswith("Welcome!\n<!-- triage:welcome -->\n\nThis looks like one for")


def test_unknown_group_lists_the_groups(config: Config) -> None:
    plan = run(config, "/agenda knitting")
    assert "there is no group `knitting` (groups: `lean-coffee`" in reply(plan)


def test_agenda_adds_the_groups_agenda_label(config: Config) -> None:
    plan = run(config, "/agenda open-source", actor=Actor("ada"))
    assert of(plan, AddLabels)[0].labels == ["agenda: open-source"]


def test_assign(config: Config) -> None:
    assert of(run(config, "/assign @ada, @bob"), Assign)[0].assignees == ["ada", "bob"]
    assert of(run(config, "/assign"), Assign)[0].assignees == ["grace"]
    assert "`@@x` is not a GitHub username" in reply(run(config, "/assign @@x"))


def test_close_reasons_and_reopen(config: Config) -> None:
    assert of(run(config, "/close not planned"), CloseIssue)[0].reason == "not_planned"
    assert "the reason can be" in reply(run(config, "/close because"))
    assert of(run(config, "/reopen"), ReopenIssue)


def test_duplicate(config: Config) -> None:
    plan = run(config, "/duplicate #3")
    note = next(op for op in of(plan, Comment) if op.key == "duplicate")
    assert note.body.startswith("Duplicate of #3")
    assert of(plan, CloseIssue)[0].reason == "duplicate"
    assert "cannot be a duplicate of itself" in reply(run(config, "/duplicate 7"))
    assert "say which issue" in reply(run(config, "/duplicate soon"))


def test_help_lists_every_command_with_who_may_run_it(config: Config) -> None:
    plan = run(config, "/help", actor=STRANGER)
    text = next(op.body for op in of(plan, Comment) if op.key == "command-help-9001")
    for name in (
        "label",
        "unlabel",
        "sig",
        "assign",
        "close",
        "reopen",
        "duplicate",
        "agenda",
        "help",
    ):
        assert f"`/{name}" in text
    assert "(anyone)" in text


def test_edited_comment_runs_only_new_commands(config: Config) -> None:
    plan = run(config, "/label needs-info\n/close", action="edited", before="/label needs-info")
    assert of(plan, AddLabels) == []
    assert of(plan, CloseIssue)
    unchanged = run(config, "/label needs-info", action="edited", before=None)
    assert not unchanged


@pytest.mark.parametrize(
    ("kw", "why"),
    [
        ({"pull_request": True}, "pull request"),
        ({"commenter_type": "Bot"}, "bot"),
    ],
)
def test_ignored_comments(config: Config, kw: dict, why: str) -> None:
    plan = run(config, "/close", **kw)
    assert not plan
    assert why in plan.notes[0]


def test_the_bots_own_comment_is_ignored(config: Config) -> None:
    plan = run(config, "<!-- ghcommunity:help -->\n/close")
    assert not plan
    assert "the bot's own comment" in plan.notes[0]


# -- other jobs' commands ----------------------------------------------------------------------


def test_a_job_can_register_a_command(config: Config) -> None:
    seen: list[CommandCall] = []

    @slash_command("testcmd", permission="author", usage="/testcmd X=Y", help="A test.")
    def handler(call: CommandCall) -> Plan:
        seen.append(call)
        if call.argv == ["fail"]:
            raise CommandError("it failed, as asked")
        return Plan().add(AddLabels(repo=call.repo, issue=call.number, labels=["ddat"]))

    try:
        plan = run(config, '/testcmd role="Software developer" level=x', actor=Actor("ada"))
        assert seen[0].argv == ["role=Software developer", "level=x"]
        assert seen[0].author == "ada"
        assert of(plan, AddLabels)[0].labels == ["ddat"]
        assert "it failed, as asked" in reply(run(config, "/testcmd fail", actor=Actor("ada")))
        assert "/testcmd X=Y" in cmd.help_text(config)
    finally:
        COMMANDS.pop("testcmd")


def test_commands_see_labels_changed_by_earlier_commands(config: Config) -> None:
    plan = run(config, "/label group: open-source\n/sig lean-coffee")
    assert of(plan, RemoveLabels)[0].labels == ["group: open-source"]


def test_disabled_commands(config: Config) -> None:
    from triage_helpers import CONFIG_PATH

    text = CONFIG_PATH.read_text().replace("  commands:\n", "  commands:\n    enabled: false\n")
    plan = run(parse_config(text, "c.yml"), "/close", actor=Actor("ada"))
    assert not plan


def test_fixing_a_refused_command_by_editing_removes_the_old_reply(config: Config) -> None:
    from ghcommunity.core.plan import DeleteComment

    plan = run(
        config,
        "/label wontfix\n/label needs-info",
        action="edited",
        before="/label wontfix",
        bot_comments={"command-reply-9001": "@grace: `/label wontfix` was not run"},
    )
    assert of(plan, AddLabels)[0].labels == ["needs-info"]
    assert of(plan, DeleteComment) == []  # wontfix is not new, so it did not run again
    fixed = run(
        config,
        "/label needs-info",
        action="edited",
        before="/label wontfix",
        bot_comments={"command-reply-9001": "@grace: `/label wontfix` was not run"},
    )
    assert [op.key for op in of(fixed, DeleteComment)] == ["command-reply-9001"]


def test_a_comment_with_no_author_is_ignored_not_answered(config: Config) -> None:
    """No login in the payload: nobody to check permissions for, nobody to reply to ("@:")."""
    event = comment_event("created", "/label needs-info", commenter=TRIAGER.login)
    del event.payload["comment"]["user"]
    plan = plan_commands(event, config, snapshot(author="ada"), TRIAGER, NOW)
    assert not plan
    assert "no author" in plan.notes[0]
