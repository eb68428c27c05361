"""History that stays put: a past month compiled again later says the same thing, byte for byte,
and each figure is what was known in that month (departments by the answer in force then)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from ghcommunity.config import Config, load_config
from ghcommunity.core.providers import role_label_names, role_resolver
from ghcommunity.core.resources import reference_config
from ghcommunity.github.client import Connection, GitHubClient, RetryPolicy
from ghcommunity.github.context import Context
from ghcommunity.jobs.digest.metrics import DigestSettings, Supplied, compute, window
from ghcommunity.jobs.digest.read import compile_digest, load_supplied
from ghcommunity.jobs.digest.render import render
from ghcommunity.jobs.digest.store import Store
from ghcommunity.jobs.digest.sync import settings_from_config, sync_repo

REPO = "uk-x-gov-software-community/community-space"
FORM = "### Department or organisation\n\n{}\n\n### What would you like to share?\n\nA link.\n"


def checkout_ctx(config: Config) -> Context:
    """A Context on this repository's checkout (the DDaT taxonomy is read from it)."""
    return Context(config, GitHubClient(Connection()), checkout=Path(__file__).resolve().parents[2])


def sync(sandbox: Any, url: str, config: Config, now: datetime) -> None:
    github = GitHubClient(
        Connection(api_url=sandbox.url, token="t"), retry=RetryPolicy(sleep_scale=0)
    )
    store = Store(url)
    try:
        sync_repo(
            github,
            store,
            REPO,
            settings_from_config(config, role_resolver(checkout_ctx(config))),
            now=lambda: now,
        )
    finally:
        store.close()


def october(url: str, config: Config, **kwargs: Any) -> str:
    figures, title = compile_digest(url, REPO, "2026-10", config, **kwargs)
    return render(figures, "md", title=title)


def test_compiling_october_again_after_november_gives_the_same_digest(
    sample_sandbox: Any, tmp_path: Path
) -> None:
    config = load_config(reference_config())
    url = f"sqlite:///{tmp_path / 'store.db'}"
    sync(sample_sandbox, url, config, datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    first = october(url, config)
    assert "| Department for Work and Pensions | 3 |" in first  # lucy-chen's form says DWP

    # November: lucy-chen now answers HM Revenue and Customs; james-wilson's profile changes;
    # more people take part.
    state = sample_sandbox.state
    state.add_issue(
        REPO,
        "Sharing a resource",
        body=FORM.format("HMRC"),
        author="lucy-chen",
        created_at="2026-11-20T10:00:00Z",
        comments=[
            {"body": "Thanks!", "author": "owen-price", "created_at": "2026-11-21T10:00:00Z"}
        ],
    )
    state.add_user("james-wilson", company="HMRC")
    sync(sample_sandbox, url, config, datetime(2026, 12, 2, 9, 0, tzinfo=UTC))

    assert october(url, config) == first  # kept as first compiled
    # Computed afresh from the store, October is still what was known in October.
    assert october(url, config, recompute=True) == first
    # November itself sees lucy-chen's new answer.
    settings = DigestSettings.from_config(config, role_label_names(checkout_ctx(config)))
    store = Store(url)
    try:
        november = compute(store.activity(REPO, *window("2026-11", settings)), settings, "2026-11")
    finally:
        store.close()
    counts = {row.department: row.participants for row in november.departments.counts}
    assert counts.get("HM Revenue and Customs", 0) >= 1


def test_a_departments_answer_applies_from_when_it_was_given(sample_sandbox: Any) -> None:
    config = load_config(reference_config())
    state = sample_sandbox.state
    state.add_issue(
        REPO,
        "Later",
        body=FORM.format("HMRC"),
        author="lucy-chen",
        created_at="2026-11-20T10:00:00Z",
    )
    github = GitHubClient(
        Connection(api_url=sample_sandbox.url, token="t"), retry=RetryPolicy(sleep_scale=0)
    )
    store = Store("sqlite://")
    sync_repo(
        github,
        store,
        REPO,
        settings_from_config(config, role_resolver(checkout_ctx(config))),
        now=lambda: datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
    )
    settings = DigestSettings.from_config(config, role_label_names(checkout_ctx(config)))
    figures = compute(store.activity(REPO, *window("2026-10", settings)), settings, "2026-10")
    counts = {row.department: row.participants for row in figures.departments.counts}
    assert counts["Department for Work and Pensions"] == 3  # not moved to HMRC in October
    assert figures.departments.represented == 14


def test_supplied_figures_show_their_source_and_date(tmp_path: Path) -> None:
    path = tmp_path / "figures.yml"
    path.write_text(
        "figures:\n"
        "  - {objective: passive-engagement, date: 2026-09-30, value: 1200, source: Mailchimp}\n"
        "  - {objective: passive-engagement, date: 2026-11-30, value: 1500, source: Mailchimp}\n"
    )
    supplied = load_supplied(path)
    assert supplied[0] == Supplied("passive-engagement", date(2026, 9, 30), 1200, "Mailchimp")
    config = load_config(reference_config())
    settings = DigestSettings.from_config(config, role_label_names(checkout_ctx(config)))
    from dataclasses import replace

    from ghcommunity.jobs.digest.activity import Activity

    figures = compute(Activity(REPO), replace(settings, supplied=supplied), "2026-10")
    objectives = {o.id: o for o in figures.objectives}
    passive = objectives["passive-engagement"]
    # October uses the figure dated on or before its end, never a later one.
    assert (passive.value, passive.source) == (
        1200,
        "supplied by a maintainer: Mailchimp, 2026-09-30",
    )
    women = objectives["women-representation"]
    assert (women.value, women.source) == (None, "supplied by a maintainer: none yet")
    text = render(figures, "md", title="October")
    assert "| 1,200 |" in text
    assert "supplied by a maintainer: none yet" in text

    path.write_text("figures:\n  - {objective: x, date: 2026-13-01, value: 1, source: s}\n")
    from ghcommunity.config import ConfigError

    with pytest.raises(ConfigError, match=r"figures\.yml:2:"):
        load_supplied(path)


def test_departmental_representation_is_a_change_in_points_from_the_baseline_month(
    tmp_path: Path,
) -> None:
    from ghcommunity.jobs.digest.activity import Activity, Item, Person

    text = reference_config().read_text(encoding="utf-8")
    text = text.replace(
        "    # baseline_month: 2026-01  # set to the month",
        "    baseline_month: 2026-09  # the month",
    )
    from ghcommunity.config import parse_config

    config = parse_config(text, "ref.yml")
    settings = DigestSettings.from_config(config, role_label_names(checkout_ctx(config)))
    from dataclasses import replace

    activity = Activity(
        REPO,
        items=[
            Item("issue", n, f"t{n}", f"p{n}", "User", datetime(2026, 10, 2, tzinfo=UTC))
            for n in range(1, 15)
        ],
        people={
            f"p{n}": Person(f"p{n}", "User", name)
            for n, name in enumerate(sorted(settings.departments)[:14], 1)
        },
    )
    figures = compute(
        activity, replace(settings, baselines={"departmental-representation": 50.0}), "2026-10"
    )
    share = next(o for o in figures.objectives if o.id == "departmental-representation")
    # 14 of the 21 departments: 66.7%, up 16.7 points from 50% in September.
    assert share.value == 16.7
    assert share.status == "met"
    md = render(figures, "md", title="October")
    assert "+16.7 percentage points" in md


def test_members_are_the_reading_at_the_months_end_or_just_after_never_later() -> None:
    from ghcommunity.jobs.digest.activity import Activity, CountSample

    config = load_config(reference_config())
    settings = DigestSettings.from_config(config, role_label_names(checkout_ctx(config)))

    def members(*readings: tuple[str, int]) -> tuple[Any, Any]:
        activity = Activity(
            REPO,
            counts=[
                CountSample("org_members", datetime.fromisoformat(at), value)
                for at, value in readings
            ],
        )
        figures = compute(activity, settings, "2026-10")
        found = next(o for o in figures.objectives if o.id == "members")
        return found.value, figures.trend[-1].members

    # The digest's own sync on 1 November reads the count: October's figure.
    assert members(("2026-11-01T06:00:00+00:00", 640)) == (640, 640)
    # A later reading never rewrites October; the first one in the week after it stands.
    assert members(("2026-11-01T06:00:00+00:00", 640), ("2026-11-05T06:00:00+00:00", 700)) == (
        640,
        640,
    )
    # Read only a fortnight later: not known for October.
    assert members(("2026-11-16T09:00:00+00:00", 37)) == (None, None)
