"""October 2026 in the sandbox's sample community, against a count made by hand from
sandbox/src/ghcommunity_sandbox/data/sample.yml (the working is in the comments).

The month runs from 2026-09-30T23:00Z (1 October, 00:00 BST) to 2026-11-01T00:00Z. Issue
numbers below are the order of the seed's `issues:` list (the sandbox numbers them the same way).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ghcommunity.config import load_config
from ghcommunity.core.providers import role_label_names, role_resolver
from ghcommunity.core.resources import reference_config
from ghcommunity.github.context import Context
from ghcommunity.jobs.digest.figures import Figures
from ghcommunity.jobs.digest.metrics import DigestSettings, compute, window
from ghcommunity.jobs.digest.render import render
from ghcommunity.jobs.digest.store import Store
from ghcommunity.jobs.digest.sync import settings_from_config, sync_repo

REPO = "uk-x-gov-software-community/community-space"

# What a community would write under digest.departments (the reference config has none yet).
DEPARTMENTS = {
    "Cabinet Office": ["CO", "@cabinetoffice"],
    "Government Digital Service": ["GDS", "@alphagov"],
    "HM Revenue and Customs": ["HMRC", "HM Revenue & Customs", "@hmrc"],
    "Department for Work and Pensions": ["DWP", "@DWPDigital"],
    "Home Office": [
        "@UKHomeOffice",
        "Home Office DDaT",
        "Home Office Digital, Data and Technology",
    ],
    "Ministry of Justice": ["MoJ", "@ministryofjustice"],
    "Driver and Vehicle Licensing Agency": ["DVLA"],
    "Met Office": [],
    "Office for National Statistics": ["ONS"],
    "HM Land Registry": ["HMLR"],
    "Companies House": [],
    "Department for Education": ["DfE"],
    "Department for Environment, Food and Rural Affairs": ["Defra"],
    "Environment Agency": [],
    "UK Health Security Agency": ["UKHSA"],
    "Ordnance Survey": [],
    "Department for Science, Innovation and Technology": ["DSIT"],
    "Ministry of Defence": ["MoD"],
    "Crown Commercial Service": ["CCS"],
    "Welsh Government": [],
    "Scottish Government": [],
}


@pytest.fixture(scope="module")
def october_figures(sandbox_server: Any) -> Figures:
    sandbox_server.reset(seed="sample")
    from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy

    config = load_config(reference_config())
    assert config.digest.departments == DEPARTMENTS  # the reference config's own aliases
    github = GitHubClient(
        Connection(api_url=sandbox_server.url, token="t"), retry=RetryPolicy(sleep_scale=0)
    )
    store = Store("sqlite://")
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # the seed's frozen clock
    ctx = Context(config, github, checkout=Path(__file__).resolve().parents[2])
    settings = settings_from_config(config, role_resolver(ctx))
    sync_repo(github, store, REPO, settings, now=lambda: now)
    digest_settings = DigestSettings.from_config(config, role_label_names(ctx))
    activity = store.activity(REPO, *window("2026-10", digest_settings))
    return compute(activity, digest_settings, "2026-10")


@pytest.fixture(scope="module")
def october(october_figures: Figures) -> dict[str, Any]:
    """The figures as the JSON output has them."""
    return october_figures.model_dump(mode="json")


def test_items(october):
    items = october["items"]
    # Opened: issues 4, 5, 9, 12, 14, 17, 20, 21, 26, 27, 37, 38, 39, 40, 41, 42, 45, 50;
    # no pull request (25 September and 3 November); discussions of 1, 16 and 20 October.
    # (Issue 49 was opened at 13:00 BST on 30 September: September's.)
    assert items["opened"] == {"issue": 18, "pull": 0, "discussion": 3, "total": 21}
    # Closed: issue 16 (22 October). The September pull request was merged on 25 September.
    assert items["closed"] == {"issue": 1, "pull": 0, "discussion": 0, "total": 1}
    assert items["merged"] == 0
    # Open on 31 October: 49 issues opened before November, less 6, 11, 16, 46, 52, 53, 55
    # and 58; no pull request; the five discussions (none closed).
    assert items["still_open"] == {"issue": 41, "pull": 0, "discussion": 5, "total": 46}
    # Active: the 21 opened, issue 16 (closed), issue 49 (Priya's comment on 1 October).
    assert items["active"] == {"issue": 20, "pull": 0, "discussion": 3, "total": 23}


def test_first_responses(october):
    # Answered by the end of October, in hours: #4 2h25m, #9 15h55m, #12 49m, #21 1h15m,
    # #39 2h30m, #40 55m, #45 14h40m, #50 1h30m, and the discussions of 1 and 20 October 1h
    # each. Waiting: #5, #14, #17, #20, #26, #27, #37, #38, #41, #42 and the 16 October one.
    # Median of ten: (1.25 + 1.5) / 2 = 1.375; 90th percentile: 14.667 + 0.1 × 1.25 = 14.79.
    assert october["response"] == {
        "measured": 21,
        "responded": 10,
        "awaiting": 11,
        "median_hours": 1.4,
        "p90_hours": 14.8,
    }


def test_waiting_for_a_reply(october):
    # Open at the end of October, opened on or before 25 October, never answered by anyone but
    # their author or a bot. Issue 3's only human reply is from a deleted account: still a
    # reply. The 18 September discussion is an announcement: no reply expected.
    titles = [e["title"] for e in october["unanswered"]["entries"]]
    assert october["unanswered"]["count"] == 18
    assert len(titles) == 18
    assert titles[0] == "DDaT feedback: Platform engineering is missing"  # 8 July: the oldest
    assert titles[1] == "Resource: The Technology Code of Practice"  # 15 July
    assert "Mentoring pairs across departments" in titles  # a discussion, 16 October
    assert "September meetup: thank you" not in titles
    assert "Group proposal: Green software" not in titles


def test_participants(october):
    # 22 people: the authors of October's items and everyone who commented, reviewed or
    # replied in October (no bots; the deleted account did nothing in October).
    # New: daniel-murphy, ellie-turner, james-wilson, chloe-davies, jordan-smith, and
    # helen-macleod (her first comment, on 15 October).
    assert october["participants"] == {
        "active": 22,
        "new": 6,
        "returning": 16,
        "deleted_account_contributions": 0,
        "active_12_months": 36,
        # Active engagement: the 36, and the people held meetings' notes record as attending
        # (32 in 17 meetings from November 2025 to October 2026; all but one are among the 36).
        "engaged_12_months": 37,
        "attendees_12_months": 32,
        "held_meetings_with_attendance": 17,
    }
    assert october["engagement"] == {"comments": 15, "reactions": 2}


def test_departments(october):
    counts = {row["department"]: row["participants"] for row in october["departments"]["counts"]}
    assert counts == {
        "Department for Work and Pensions": 3,  # lucy-chen (form), owen-price, sam-rahman
        "Cabinet Office": 2,
        "HM Revenue and Customs": 2,  # kwame-mensah (@hmrc), helen-macleod
        "Ministry of Justice": 2,  # ellie-turner (@ministryofjustice), james-wilson (MoJ)
        "Office for National Statistics": 2,
        "Companies House": 1,
        "Department for Education": 1,
        "Department for Environment, Food and Rural Affairs": 1,
        "Environment Agency": 1,
        "HM Land Registry": 1,
        "Met Office": 1,
        "Ordnance Survey": 1,
        "UK Health Security Agency": 1,
        "Welsh Government": 1,
    }
    assert october["departments"]["represented"] == 14
    assert october["departments"]["unknown"] == 2  # megan-hughes, jordan-smith
    # July to October: 18 departments; noah-williams ("Freelance") is no department.
    assert october["departments"]["represented_12_months"] == 18


def test_groups_and_meetings(october):
    groups = {g["slug"]: g for g in october["groups"]}
    assert {
        slug: (g["meetings"], g["last_meeting"], g["dormant"]) for slug, g in groups.items()
    } == {
        "lean-coffee": (1, "2026-10-22", False),
        "community-facilitators": (1, "2026-10-14", False),
        "sustainable-software": (1, "2026-10-21", False),
        "inclusive-recruitment": (0, "2026-04-15", True),  # six months and more
        "open-source": (1, "2026-10-09", False),
        "heads-of-engineering": (0, None, False),  # no notes at all: unknown, not defunct
    }
    assert october["dormant_groups"] == ["inclusive-recruitment"]
    assert groups["heads-of-engineering"]["health"] == "unknown"
    assert groups["inclusive-recruitment"]["months_since_meeting"] == 6
    assert {slug: g["notes_commits"] for slug, g in groups.items()} == {
        "lean-coffee": 1,
        "community-facilitators": 1,
        "sustainable-software": 1,
        "inclusive-recruitment": 0,
        "open-source": 1,
        "heads-of-engineering": 0,
    }
    # No seeded issue carries a group label.
    assert all(g["items_active"] == 0 for g in october["groups"])


def test_ddat_feedback(october):
    # Issues 37 to 42 carry ddat-feedback; 38 says "Sofware developer", read as Software
    # developer; 40 is an empty form. Issue 45 never used the form and has no label.
    assert october["ddat"] == {
        "total": 6,
        "by_role": [
            {"role": "Software developer", "count": 2},
            {"role": "Development operations (DevOps) engineer", "count": 1},
            {"role": "Frontend developer", "count": 1},
            {"role": "Quality assurance test analyst", "count": 1},
        ],
        "no_role": 1,
        "total_12_months": 14,  # issues 29 to 42; 43 and 44 came in November
    }


def test_objectives(october):
    objectives = {o["id"]: o for o in october["objectives"]}
    # Every objective on the community's page, each with its figure (or none) and its source.
    assert list(objectives) == [
        "members",
        "departmental-representation",
        "active-engagement",
        "passive-engagement",
        "comms",
        "women-representation",
        "ddat-representation",
    ]
    assert all(o["source"] for o in objectives.values())
    # 37 members in the org, but the only reading was taken in November: not known in October.
    assert (objectives["members"]["value"], objectives["members"]["status"]) == (None, "unknown")
    assert "none was read by this month's end" in objectives["members"]["note"]  # 16 Nov
    # 18 of the 21 departments over the year; no baseline month compiled: no change yet.
    assert objectives["departmental-representation"]["value"] is None
    assert "85.7% of the 21 departments" in objectives["departmental-representation"]["note"]
    assert objectives["active-engagement"]["value"] == 37
    for supplied in ("passive-engagement", "comms", "women-representation"):
        assert objectives[supplied]["value"] is None
        assert objectives[supplied]["source"] == "supplied by a maintainer: none yet"
    assert objectives["ddat-representation"]["value"] == 14


def test_trend(october):
    row = october["trend"][-1]
    assert row == {
        "month": "2026-10",
        "label": "Oct 26",
        "opened": 21,
        "closed": 1,
        "merged": 0,
        "comments": 15,
        "active_participants": 22,
        "new_participants": 6,
        "members": None,
    }


def test_the_sample_month_renders(october_figures):
    md = render(october_figures, "md", title="October")
    assert "**22 people** took part: **6** for the first time and 16 returning." in md
    assert "which the terms of reference call defunct: Inclusive Recruitment." in md
    assert "| Heads of Engineering | 0 | 0 | 0 | 0 | unknown | Unknown: no notes |" in md
