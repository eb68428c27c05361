"""`sync` against a stand-in GitHub: budgets, incremental runs, resuming after a failure, nested
pages, and how GraphQL nodes become rows."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from fake_github import FakeGitHub

from ghcommunity.core.errors import OperationalError
from ghcommunity.jobs.digest.metrics import window
from ghcommunity.jobs.digest.store import Store
from ghcommunity.jobs.digest.sync import SyncSettings, meeting_date, note_files, person, sync_repo

REPO = "o/r"
SETTINGS = SyncSettings(
    folders=["lean-coffees", "special-interest-meetings/open-source/"],
    department_questions=["Department or organisation"],
    role_questions=["Role"],
)
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def ts(day: int, hour: int = 0, month: int = 10) -> str:
    return f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00Z"


@pytest.fixture
def gh() -> FakeGitHub:
    fake = FakeGitHub()
    fake.members = 812
    for n in range(1, 251):
        fake.node("issue", n, f"user{n % 40}", ts(1 + n % 28, n % 24), company="HMRC")
    for n in range(251, 371):
        pr = fake.node(
            "pull", n, f"user{n % 30}", ts(1 + n % 28), merged=ts(1 + n % 28, 5), company="HMRC"
        )
        fake.review(pr, "reviewer", ts(1 + n % 28, 2))
    for n in range(1, 31):
        fake.node("discussion", n, f"member{n}", ts(n % 28 + 1))
    busy = fake.issues[0]
    for i in range(250):  # three pages of comments: two follow-ups
        fake.comment(busy, f"talker{i % 7}", ts(2, i % 24))
    fake.label_event(busy, "group: open-source", "maint", ts(2, 1))
    talk = fake.comment(fake.discussions[0], "d1", ts(3))
    for i in range(45):  # 20 nested, then one follow-up of 25
        fake.reply(talk, f"r{i}", ts(3, i % 24))
    big = fake.pulls[0]
    for i in range(130):
        fake.review(big, f"rev{i}", ts(4, i % 24))
    fake.folders = {
        "lean-coffees": ["2026-09-24.md", "2026-10-22.md", "README.md"],
        "special-interest-meetings/open-source": ["2026-10-09.md"],
    }
    fake.commits = {
        "lean-coffees": [
            {"oid": "c2", "committedDate": ts(22), "author": {"user": {"login": "alice"}}},
            {"oid": "c1", "committedDate": ts(24, month=9), "author": {"user": None}},
        ]
    }
    return fake


@pytest.fixture
def store() -> Store:
    return Store("sqlite://")


def run(gh: FakeGitHub, store: Store, **kw):
    return sync_repo(gh, store, REPO, SETTINGS, now=clock, **kw)  # type: ignore[arg-type]


def test_a_cold_sync_costs_about_one_request_per_hundred_items(gh, store):
    report = run(gh, store)
    pages = math.ceil(250 / 100) + math.ceil(120 / 100) + math.ceil(30 / 100)
    # follow-ups: the busy issue's comments (2 more pages), the big pull's reviews (1), the
    # discussion comment's replies (1): all in one request each round: 2 rounds for issues,
    # 1 for pulls, 1 for discussions.
    assert report.follow_ups == 4
    # the opening request, the member count, the pages, the follow-ups
    assert report.requests == 2 + pages + 4
    assert gh.requests == report.requests
    assert report.items == {"issues": 250, "pulls": 120, "discussions": 30}
    assert store.item_count(REPO) == {"issue": 250, "pull": 120, "discussion": 30}
    assert all(count == 1 for count in gh.served.values()), "something was fetched twice"
    n = 250 + 120 + 30
    assert report.requests <= 1.1 * math.ceil(n / 100) + 20


def test_every_nested_row_is_stored(gh, store):
    run(gh, store)
    start, end = window("2026-10", _settings())
    activity = store.activity(REPO, start, end)
    by_kind: dict[str, int] = {}
    for c in activity.contributions:
        by_kind[c.kind] = by_kind.get(c.kind, 0) + 1
    assert by_kind == {
        "comment": 250,
        "review": 120 + 130,
        "discussion_comment": 1,
        "reply": 45,
    }
    assert [(e.label, e.actor) for e in activity.label_events] == [("group: open-source", "maint")]
    assert activity.people["user1"].company == "HMRC"


def test_a_warm_rerun_costs_two_requests_and_fetches_nothing_again(gh, store):
    run(gh, store)
    served = dict(gh.served)
    before = gh.requests
    report = run(gh, store)
    assert gh.requests - before == 2 == report.requests  # what changed, and the member count
    assert report.items == {"issues": 0, "pulls": 0, "discussions": 0}
    assert report.notes_commits == 0
    assert gh.served == served


def test_a_changed_item_is_fetched_again_with_its_new_comment(gh, store):
    run(gh, store)
    changed = gh.issues[10]
    gh.comment(changed, "newcomer", ts(30, 9))
    changed["updatedAt"] = ts(30, 9)
    served = dict(gh.served)
    report = run(gh, store)
    assert report.items["issues"] == 1
    assert report.requests == 3  # the opening request, the member count, the changed issue
    resent = {k for k, v in gh.served.items() if v != served.get(k, 0)}
    assert resent == {changed["id"], *(c["id"] for c in changed["_comments"])}
    start, end = window("2026-10", _settings())
    people = {c.author for c in store.activity(REPO, start, end).contributions}
    assert "newcomer" in people


def test_a_failed_sync_resumes_where_it_stopped(gh, store):
    gh.fail_on = 4  # the opening request, the members, the first page of issues: then a failure
    with pytest.raises(OperationalError, match=r"injected.*sync again to continue"):
        run(gh, store)
    assert store.state(REPO, "issues").cursor is not None
    gh.fail_on = None
    report = run(gh, store)
    assert "issues" in report.resumed
    assert store.item_count(REPO) == {"issue": 250, "pull": 120, "discussion": 30}
    twice = {k: v for k, v in gh.served.items() if v > 1}
    # Only the page that was being fetched when the failure came can be fetched again.
    assert len(twice) <= 100 + 250
    # and a further run has nothing to do
    assert run(gh, store).items == {"issues": 0, "pulls": 0, "discussions": 0}


def test_since_skips_older_activity(gh, store):
    report = run(gh, store, since=datetime(2026, 10, 20, tzinfo=UTC))
    # issues updated on or after 20 October: days 20..28 of the 28-day cycle
    assert 0 < report.items["issues"] < 250
    assert report.items["discussions"] == sum(1 for d in gh.discussions if d["updatedAt"] >= ts(20))


def test_full_forgets_the_watermarks(gh, store):
    run(gh, store)
    report = run(gh, store, full=True)
    assert report.items == {"issues": 250, "pulls": 120, "discussions": 30}


def test_notes_folders_and_member_count(gh, store):
    report = run(gh, store)
    assert report.members == 812
    notes = sorted((n.path, n.meeting_date) for n in store.notes(REPO))
    assert notes == [
        ("lean-coffees/2026-09-24.md", date(2026, 9, 24)),
        ("lean-coffees/2026-10-22.md", date(2026, 10, 22)),
        ("special-interest-meetings/open-source/2026-10-09.md", date(2026, 10, 9)),
    ]
    start, end = window("2026-10", _settings())
    activity = store.activity(REPO, start, end)
    assert sorted(c.oid for c in activity.note_commits) == ["c1", "c2"]
    assert [(c.metric, c.value) for c in activity.counts] == [("org_members", 812)]


def test_a_token_that_cannot_read_the_members_gets_no_figure(gh, store):
    gh.members = None
    report = run(gh, store)
    assert report.members is None
    assert "Resource not accessible" in (report.members_note or "")
    assert report.items["issues"] == 250
    assert store.activity(REPO, *window("2026-10", _settings())).counts == []


def test_a_missing_notes_folder_is_an_empty_folder(gh, store):
    gh.folders = {}
    run(gh, store)
    assert store.notes(REPO) == []


def test_bots_ghosts_and_companies_become_people():
    assert person(None).login == "ghost"
    assert person(None).type == "Ghost"
    assert person({"__typename": "Bot", "login": "dependabot"}).login == "dependabot[bot]"
    assert person({"__typename": "User", "login": "ghost"}).type == "Ghost"
    assert person({"__typename": "User", "login": "amy", "company": " @HMRC "}).company == "@HMRC"
    assert person({"__typename": "User", "login": "amy", "company": ""}).company is None


def test_deleted_authors_and_pending_reviews(store):
    fake = FakeGitHub()
    issue = fake.node("issue", 1, None, ts(5), body="### Department or organisation\n\nDWP\n")
    fake.comment(issue, None, ts(6))
    pr = fake.node("pull", 2, "amy", ts(5))
    fake.review(pr, "bob", ts(6), state="PENDING")
    sync_repo(fake, store, REPO, SETTINGS, now=clock)  # type: ignore[arg-type]
    start, end = window("2026-10", _settings())
    activity = store.activity(REPO, start, end)
    assert {(i.number, i.author, i.department) for i in activity.items} == {(1, "ghost", "DWP"), (2, "amy", None)}  # fmt: skip
    assert [(c.author, c.author_type) for c in activity.contributions] == [("ghost", "Ghost")]
    assert activity.form_departments == {"ghost": "DWP"}


def test_note_file_names():
    assert meeting_date("2026-10-22.md") == date(2026, 10, 22)
    assert meeting_date("lean-coffee-2026-02-30.md") is None
    assert meeting_date("agenda.md") is None
    tree = {
        "entries": [
            {"name": "2025", "type": "tree", "object": {"entries": [
                {"name": "2025-12-18.md", "path": "f/2025/2025-12-18.md", "type": "blob"}]}},
            {"name": ".gitkeep", "path": "f/.gitkeep", "type": "blob"},
            {"name": "README.md", "path": "f/README.md", "type": "blob"},
            {"name": "notes.md", "path": "f/notes.md", "type": "blob"},
        ]
    }  # fmt: skip
    assert [(n.path, n.meeting_date) for n in note_files("f", tree)] == [
        ("f/2025/2025-12-18.md", date(2025, 12, 18)),
        ("f/notes.md", None),
    ]
    assert note_files("f", None) == []


def _settings():
    from ghcommunity.jobs.digest.metrics import DigestSettings

    return DigestSettings()


def test_a_long_discussion_is_followed_up(store):
    fake = FakeGitHub()
    long = fake.node("discussion", 1, "amy", ts(1))
    for i in range(23):  # 10 in the page, then 13 in one follow-up
        talk = fake.comment(long, f"p{i}", ts(2, i))
        if i == 15:
            for j in range(12):  # 10 nested with the comment, then the other 2
                fake.reply(talk, f"r{j}", ts(3, j))
    report = sync_repo(fake, store, REPO, SETTINGS, now=clock)  # type: ignore[arg-type]
    assert report.follow_ups == 2  # the comments, then the long reply thread found in them
    activity = store.activity(REPO, *window("2026-10", _settings()))
    kinds = [c.kind for c in activity.contributions]
    assert kinds.count("discussion_comment") == 23
    assert kinds.count("reply") == 12
    assert all(count == 1 for count in fake.served.values())
