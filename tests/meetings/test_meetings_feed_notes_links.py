"""Calendar feeds link a meeting's notes only where the notes file exists, or is added in the
same commit (the lead window): most past meetings have no notes file and never will."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from helpers_meetings import reference
from icalendar import Calendar

from ghcommunity.github.client import web_url_for
from ghcommunity.github.contents import read_text
from ghcommunity.github.executor import Executor
from ghcommunity.jobs.meetings.notes import Rendering, feed_files
from ghcommunity.jobs.meetings.read import generate

REPO = "uk-x-gov-software-community/community-space"
BRANCH = "ghcommunity/meeting-notes"


def linked(ics: str) -> dict[str, str | None]:
    """Event start date → the notes it links (the URL property), or None."""
    out: dict[str, str | None] = {}
    for event in Calendar.from_ical(ics).walk("VEVENT"):
        day = event.decoded("dtstart").date().isoformat()
        url = event.get("url")
        description = str(event.get("description", ""))
        assert ("Notes: " in description) == (url is not None), description
        out[day] = str(url) if url is not None else None
    return out


def test_without_knowing_which_notes_exist_no_event_links_notes() -> None:
    config = reference()
    feeds = feed_files(config, datetime(2026, 3, 1, 9, 0, tzinfo=UTC), Rendering(repo=REPO))
    events = linked(feeds["calendars/lean-coffee.ics"])
    assert events
    assert not any(events.values())


def test_only_notes_that_exist_are_linked() -> None:
    config = reference()
    exists = {"lean-coffees/2025-01-23.md"}
    feeds = feed_files(
        config,
        datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        Rendering(repo=REPO),
        has_notes=exists.__contains__,
    )
    events = linked(feeds["calendars/lean-coffee.ics"])
    assert {day for day, url in events.items() if url} == {"2025-01-23"}
    assert events["2025-01-23"] == (
        f"https://github.com/{REPO}/blob/main/lean-coffees/2025-01-23.md"
    )


def test_the_sample_community_feeds_link_only_files_in_the_pull_request(
    sample_sandbox: Any, github: Any
) -> None:
    config = reference()
    now = sample_sandbox.state.now
    web = web_url_for(github.connection.api_url)
    result = generate(github, config, now, web_url=web)
    Executor(github, actor="ghcommunity[bot]").apply(result.plan)
    added = {m.path for m in result.meetings}
    assert added  # the lead window's notes are in this pull request
    repo = sample_sandbox.state.repo(REPO)
    tree = repo.git.files(repo.git.commits[repo.git.refs[f"refs/heads/{BRANCH}"]].tree)
    base = f"{web}/{REPO}/blob/main/"
    checked = 0
    for feed in ("calendars/lean-coffee.ics", "calendars/all-groups.ics"):
        text = read_text(github, REPO, feed, ref=BRANCH)
        assert text is not None
        events = linked(text)
        assert None in events.values()  # past meetings without notes files
        for url in filter(None, events.values()):
            assert url.startswith(base), url
            assert url.removeprefix(base) in tree, url
            checked += 1
    assert checked
    linked_paths = {
        url.removeprefix(base)
        for url in linked(
            read_text(github, REPO, "calendars/all-groups.ics", ref=BRANCH) or ""
        ).values()
        if url
    }
    assert added <= linked_paths
    # A second run: nothing to write (the feeds are the same).
    again = generate(github, config, now, web_url=web)
    assert not again.plan.operations, again.plan.to_text()


def test_with_no_checkout_a_template_comes_from_the_repository_not_the_working_directory(
    sample_sandbox: Any, github: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    """The App has no checkout: whatever directory it runs in is not the community's repo."""
    config = reference()
    config = config.model_copy(
        update={"meetings": config.meetings.model_copy(update={"template": "templates/notes.md"})}
    )
    repo = sample_sandbox.state.repo(REPO)
    sample_sandbox.state.put_file(repo, "templates/notes.md", "Notes from the repository\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "notes.md").write_text("Notes from the working directory\n")
    monkeypatch.chdir(tmp_path)
    plan = generate(github, config, sample_sandbox.state.now).plan.to_json()
    assert "Notes from the repository" in plan
    assert "working directory" not in plan


def test_a_template_symlinked_out_of_the_checkout_is_refused(
    sample_sandbox: Any, github: Any, tmp_path: Any
) -> None:
    import pytest

    from ghcommunity.core.errors import InputError

    config = reference()
    config = config.model_copy(
        update={"meetings": config.meetings.model_copy(update={"template": "templates/notes.md"})}
    )
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-OUTSIDE-REPO\n")
    (tmp_path / "repo" / "templates").mkdir(parents=True)
    (tmp_path / "repo" / "templates" / "notes.md").symlink_to(secret)
    with pytest.raises(InputError, match="outside") as found:
        generate(github, config, sample_sandbox.state.now, local_root=tmp_path / "repo")
    assert "SECRET" not in str(found.value)
