"""Every figure of the digest on crafted data (tests/digest/digest_data.py explains each number)."""

from __future__ import annotations

import dataclasses
from datetime import date

import digest_data as crafted
import pytest
from digest_data import I1, I5, at, comment, computed, item

from ghcommunity.core.errors import InputError
from ghcommunity.jobs.digest.activity import Person
from ghcommunity.jobs.digest.metrics import (
    DigestSettings,
    first_response,
    form_answer,
    is_bot,
    normalise_name,
    parse_month,
    previous_month,
    role_from_labels,
    window,
)


@pytest.fixture(scope="module")
def figures() -> dict:
    return computed(crafted.activity(), crafted.SETTINGS, "2026-10")


def test_period_follows_the_community_time_zone(figures):
    assert figures["period"] == {
        "start": "2026-09-30T23:00:00Z",  # 1 October 00:00 BST
        "end": "2026-11-01T00:00:00Z",  # 1 November 00:00 GMT
        "timezone": "Europe/London",
    }


def test_opened_closed_merged_and_still_open(figures):
    items = figures["items"]
    assert items["opened"] == {"issue": 5, "pull": 1, "discussion": 1, "total": 7}
    # #2 was opened in September and closed in October; #1 opened in October, closed in November
    assert items["closed"] == {"issue": 1, "pull": 0, "discussion": 0, "total": 1}
    assert items["merged"] == 1
    assert items["still_open"] == {"issue": 6, "pull": 0, "discussion": 1, "total": 7}


def test_active_items_include_comments_and_label_events(figures):
    # issues 1, 2, 5, 6 (labelled in October), 7, 8, 10; the pull request; the discussion
    assert figures["items"]["active"] == {"issue": 7, "pull": 1, "discussion": 1, "total": 9}


def test_time_to_first_response_ignores_authors_bots_and_ghosts(figures):
    # responses: #1 3 h (not alice's own reply, not the bot), #3 2 h, #4 24 h, #10 1 h;
    # #5 (ghost replying to ghost) and #7 wait; #8 is a bot's and not measured.
    assert figures["response"] == {
        "measured": 6,
        "responded": 4,
        "awaiting": 2,
        "median_hours": 2.5,
        "p90_hours": 17.7,  # inclusive quantiles of 1, 2, 3, 24: 3 + 0.7 × 21
    }


def test_a_deleted_account_replying_to_someone_else_is_a_response():
    target = item("issue", 50, "alice", "2026-10-01T00:00")
    reply = comment(target, "ghost", "2026-10-01T05:00")
    assert first_response(target, [reply], frozenset(), at("2026-11-01T00:00")) == at(
        "2026-10-01T05:00"
    )
    assert first_response(I5, [comment(I5, "ghost", "2026-10-15T02:00")], frozenset(), at("2026-11-01T00:00")) is None  # fmt: skip


def test_responses_after_the_month_do_not_count():
    late = comment(I1, "bob", "2026-11-02T00:00")
    assert first_response(I1, [late], frozenset(), at("2026-11-01T00:00")) is None


def test_unanswered_items_are_listed_oldest_first(figures):
    unanswered = figures["unanswered"]
    assert unanswered["days"] == 7
    # #6 (erin, 1 June: 153 days) and #5 (ghost, 15 October: 17 days); #7 is only 3 days old,
    # #8 is a bot's, #1 and #10 were answered.
    assert [(e["number"], e["age_days"]) for e in unanswered["entries"]] == [(6, 153), (5, 17)]
    assert unanswered["count"] == 2
    assert unanswered["entries"][0]["title"] == "Old | unanswered"


def test_participants_new_and_returning(figures):
    # active in October: alice, bob, carol, dave, frank, gina (not the bot, not ghost)
    # new: dave (discussion), frank (issue), gina (her first contribution was a comment)
    assert figures["participants"] == {
        "active": 6,
        "new": 3,
        "returning": 3,
        "deleted_account_contributions": 2,
        "active_12_months": 7,  # and erin, in June
        "engaged_12_months": 7,  # no notes record attendance
        "attendees_12_months": 0,
        "held_meetings_with_attendance": 0,
    }


def test_a_new_participant_whose_first_contribution_is_a_comment():
    only = [item("issue", 1, "alice", "2026-09-01T00:00")]
    talk = [comment(only[0], "zed", "2026-10-03T00:00")]
    data = crafted.activity(items=only, contributions=talk)
    result = computed(data, crafted.SETTINGS, "2026-10")
    assert result["participants"]["active"] == 1
    assert result["participants"]["new"] == 1
    earlier = computed(data, crafted.SETTINGS, "2026-09")
    assert earlier["participants"]["new"] == 1  # alice, in September
    assert result["trend"][-2]["new_participants"] == 1


def test_bots_are_never_participants():
    settings = dataclasses.replace(crafted.SETTINGS, bots=frozenset({"gina"}))
    result = computed(crafted.activity(), settings, "2026-10")
    assert result["participants"]["active"] == 5
    assert result["participants"]["new"] == 2
    assert is_bot("renovate", "Bot", frozenset())
    assert is_bot("some-app[bot]", "User", frozenset())
    assert not is_bot("robotics-fan", "User", frozenset())


def test_departments_counts_only(figures):
    departments = figures["departments"]
    # alice HMRC, bob "H.M. Revenue & Customs", carol DWP by company, dave DWP by form answer,
    # frank Cabinet Office by the config's mapping, gina unknown
    assert departments["counts"] == [
        {"department": "Department for Work and Pensions", "participants": 2},
        {"department": "HM Revenue and Customs", "participants": 2},
        {"department": "Cabinet Office", "participants": 1},
    ]
    assert departments["represented"] == 3
    assert departments["unknown"] == 1
    assert departments["unrecognised"] == 0
    assert departments["represented_12_months"] == 3  # erin's "Acme Ltd" matches no alias
    assert "alice" not in str(departments)


def test_departments_without_aliases_take_organisations_as_written():
    settings = dataclasses.replace(crafted.SETTINGS, departments={}, members={})
    result = computed(crafted.activity(), settings, "2026-10")
    names = {row["department"]: row["participants"] for row in result["departments"]["counts"]}
    # "HMRC" and "H.M. Revenue & Customs" are two spellings nobody has said are one
    assert names == {
        "HMRC": 1,
        "H.M. Revenue & Customs": 1,
        "Department for Work and Pensions": 1,
        "DWP": 1,
    }
    assert result["departments"]["unknown"] == 2  # frank and gina


def test_unrecognised_organisations_are_counted_apart():
    data = crafted.activity()
    data.people["gina"] = Person("gina", "User", "@acme-consulting")
    result = computed(data, crafted.SETTINGS, "2026-10")
    assert result["departments"]["unrecognised"] == 1
    assert result["departments"]["unknown"] == 0


def test_groups_activity_meetings_and_dormancy(figures):
    groups = {g["slug"]: g for g in figures["groups"]}
    assert groups["open-source"] == {
        "slug": "open-source",
        "name": "Open Source",
        "label": "group: open-source",
        "status": "active",
        "items_active": 1,
        "items_opened": 1,
        "comments": 3,
        "meetings": 1,
        "meeting_dates": ["2026-10-09"],
        "notes_commits": 1,
        "last_meeting": "2026-10-09",  # the November file is next meeting's, not a meeting
        "months_since_meeting": 0,
        "dormant": False,
        "planned_not_held": [],
        "health": "active",
        "health_reason": "last met on 2026-10-09",
        "status_text": "Active",
    }
    # Lean Coffee last met on 26 March: more than six months before 31 October
    assert groups["lean-coffee"]["dormant"] is True
    assert groups["lean-coffee"]["last_meeting"] == "2026-03-26"
    assert groups["lean-coffee"]["months_since_meeting"] == 7
    # No notes at all is no evidence either way: unknown, never defunct.
    assert groups["sustainable-software"]["dormant"] is False
    assert groups["sustainable-software"]["health"] == "unknown"
    assert groups["sustainable-software"]["last_meeting"] is None
    assert groups["proposed-one"]["dormant"] is False  # not meeting yet, not defunct
    assert figures["dormant_groups"] == ["lean-coffee"]


def test_six_months_exactly_is_not_yet_dormant():
    data = crafted.activity()
    data.notes = [crafted.NoteFile("lean-coffees", "lean-coffees/2026-04-30.md", date(2026, 4, 30))]
    result = computed(data, crafted.SETTINGS, "2026-10")
    lean = next(g for g in result["groups"] if g["slug"] == "lean-coffee")
    assert lean["dormant"] is False
    data.notes = [crafted.NoteFile("lean-coffees", "lean-coffees/2026-04-29.md", date(2026, 4, 29))]
    result = computed(data, crafted.SETTINGS, "2026-10")
    lean = next(g for g in result["groups"] if g["slug"] == "lean-coffee")
    assert lean["dormant"] is True


def test_ddat_feedback_by_role(figures):
    assert figures["ddat"] == {
        "total": 2,
        "by_role": [
            {"role": "Frontend developer", "count": 1},  # from its label
            {"role": "Software developer", "count": 1},  # from the form's answer
        ],
        "no_role": 0,
        "total_12_months": 2,
    }


def test_objectives(figures):
    objectives = {o["id"]: o for o in figures["objectives"]}
    members = objectives["members"]
    assert (members["value"], members["as_of"], members["status"]) == (
        850,
        "2026-10-20T00:00:00Z",
        "missed",  # 850 of 1,000 when October ended
    )
    assert members["percent"] == 85.0
    # 3 departments; on a straight line from 1 (1 January) to 30 (31 March 2027) we would
    # expect about 20 by 31 October
    assert objectives["departments"]["value"] == 3
    assert objectives["departments"]["status"] == "behind"
    assert objectives["new"]["value"] == 3
    assert objectives["new"]["status"] == "met"
    assert objectives["groups"]["value"] == 1
    assert objectives["groups"]["status"] == "in progress"


def test_trend_has_the_twelve_months_before(figures):
    trend = figures["trend"]
    # The trend starts with the repository's first activity (December 2025), not with months
    # of zeros before it.
    assert [row["month"] for row in trend][:2] == ["2025-12", "2026-01"]
    assert len(trend) == 11
    october, september = trend[-1], trend[-2]
    assert october == {
        "month": "2026-10",
        "label": "Oct 26",
        "opened": 7,
        "closed": 1,
        "merged": 1,
        "comments": 8,
        "active_participants": 6,
        "new_participants": 3,
        "members": 850,
    }
    assert (september["opened"], september["active_participants"], september["new_participants"]) == (1, 2, 2)  # fmt: skip
    assert september["members"] == 800
    by_month = {row["month"]: row for row in trend}
    assert by_month["2025-12"]["opened"] == 1
    assert by_month["2026-01"]["closed"] == 1
    assert by_month["2026-06"]["new_participants"] == 1


def test_engagement(figures):
    assert figures["engagement"] == {"comments": 8, "reactions": 3}


def test_an_item_just_after_midnight_in_summer_time_belongs_to_the_new_month():
    late = item("issue", 77, "zoe", "2026-09-30T23:30")  # 00:30 on 1 October in London
    data = crafted.activity(items=[late], contributions=[])
    assert computed(data, crafted.SETTINGS, "2026-10")["items"]["opened"]["total"] == 1
    assert computed(data, crafted.SETTINGS, "2026-09")["items"]["opened"]["total"] == 0


def test_the_same_month_computed_again_is_the_same(figures):
    assert computed(crafted.activity(), crafted.SETTINGS, "2026-10") == figures


def test_an_empty_store_gives_zeros_not_errors():
    data = crafted.activity(items=[], contributions=[])
    data.notes, data.counts, data.label_events = [], [], []
    result = computed(data, DigestSettings(), "2026-10")
    assert result["participants"]["active"] == 0
    assert result["response"]["median_hours"] is None
    assert result["unanswered"]["entries"] == []


def test_month_parsing():
    assert parse_month("2026-10") == (2026, 10)
    for bad in ("2026-13", "October", "2026/10", ""):
        with pytest.raises(InputError, match="YYYY-MM"):
            parse_month(bad)
    assert previous_month(at("2026-11-01T00:30"), crafted.SETTINGS.zone) == "2026-10"
    assert previous_month(at("2026-01-15T00:00"), crafted.SETTINGS.zone) == "2025-12"
    start, end = window("2026-10", crafted.SETTINGS)
    assert (start, end) == (at("2025-09-30T23:00"), at("2026-11-01T00:00"))


def test_form_answers_are_read_tolerantly():
    body = (
        "### Role\r\n\r\nSoftware developer\r\n\r\n"
        "### Department or organisation\r\n\r\nHM Revenue & Customs\r\n\r\n"
        "### Details\r\n\r\nText"
    )
    assert form_answer(body, ["Department or organisation"]) == "HM Revenue & Customs"
    assert form_answer(body, ["role"]) == "Software developer"
    assert form_answer("### Department\n\n_No response_\n", ["Department"]) is None
    assert form_answer(None, ["Department"]) is None
    assert form_answer("no headings here", ["Department"]) is None


def test_names_compare_loosely():
    assert normalise_name("H.M. Revenue & Customs") == normalise_name("hm revenue and customs")
    assert normalise_name("@alphagov") == "alphagov"
    assert normalise_name("The Cabinet Office") == "cabinet office"


def test_role_labels():
    assert role_from_labels(["ddat: role: Software developer"], "ddat") == "Software developer"
    assert role_from_labels(["ddat-role/DevOps engineer"], "ddat") == "DevOps engineer"
    assert role_from_labels(["ddat: level: Senior"], "ddat") is None


def test_announcements_expect_no_reply():
    news = item("discussion", 60, "alice", "2026-10-02T09:00", category="Announcements")
    idea = item("discussion", 61, "bob", "2026-10-02T09:00", category="Ideas")
    data = crafted.activity(items=[news, idea], contributions=[])
    result = computed(data, crafted.SETTINGS, "2026-10")
    assert [e["number"] for e in result["unanswered"]["entries"]] == [61]
    assert result["response"]["measured"] == 1


def test_the_spelling_shown_does_not_depend_on_the_run():
    """Two people answer "HMRC" and "hmrc" (the same, loosely): which spelling the digest shows
    must not depend on the order Python happens to iterate a set in (PYTHONHASHSEED)."""
    import os
    import subprocess
    import sys

    script = (
        "import dataclasses\nimport digest_data as crafted\n"
        "from digest_data import computed\n"
        "from ghcommunity.jobs.digest.activity import Person\n"
        "s = dataclasses.replace(crafted.SETTINGS, departments={}, members={})\n"
        "a = crafted.activity()\n"
        "a.people['alice'] = Person('alice', 'User', 'hmrc')\n"
        "a.people['bob'] = Person('bob', 'User', 'HMRC')\n"
        "r = computed(a, s, '2026-10')\n"
        "print(sorted(x['department'] for x in r['departments']['counts']))\n"
    )
    here = os.path.dirname(__file__)
    shown = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=here,
            env={
                **os.environ,
                "PYTHONHASHSEED": str(seed),
                "PYTHONPATH": os.pathsep.join([here, *sys.path]),
            },
        ).stdout
        for seed in range(1, 7)
    }
    assert len(shown) == 1, shown
