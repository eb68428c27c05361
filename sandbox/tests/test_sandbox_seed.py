"""Seeds: the sample community, seed files, synthetic data, reset speed and the CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from ghcommunity_sandbox import Sandbox
from ghcommunity_sandbox.seed import SeedError, apply
from ghcommunity_sandbox.state import State

REPO = "uk-x-gov-software-community/community-space"
R = f"/repos/{REPO}"
ROOT = Path(__file__).parents[2]


def test_sample_community_has_what_the_jobs_need(sample_sandbox: Sandbox) -> None:
    st = sample_sandbox.state
    repo = st.repo(REPO)
    assert repo is not None
    issues = [i for i in repo.issues.values() if i.pull is None]
    assert 55 <= len(issues) <= 65
    assert any(i.pull for i in repo.issues.values())
    assert {c.name for c in repo.categories} >= {"Announcements", "Ideas"}
    assert repo.discussions
    assert st.project("uk-x-gov-software-community", 1).title == "Community backlog"
    # times: Jul-Nov 2026, the clock frozen after them
    assert all("2026-07-01" <= i.created_at < "2026-11-16" for i in issues)
    assert st.frozen_now == "2026-11-16T09:00:00Z"
    # people: ~40 with departments, written in different ways
    companies = Counter(u.company for u in st.users.values() if u.company)
    assert len([u for u in st.users.values() if u.type == "User"]) >= 40
    assert {"HMRC", "HM Revenue & Customs", "@hmrc"} <= set(companies)
    org = st.org("uk-x-gov-software-community")
    assert org is not None
    assert len(org.members) >= 30
    assert set(org.teams) == {"facilitators", "lean-coffee-facilitators"}
    assert {repo.collaborators[u] for u in ("priya-shah", "tom-okafor", "helen-macleod")} == {
        "maintain",
        "write",
        "triage",
    }
    # bodies as GitHub renders issue forms, with the awkward cases
    bodies = [i.body or "" for i in issues]
    assert sum(b.startswith("### ") for b in bodies) >= 45
    everything = "\n".join(bodies)
    for text in (
        "_No response_",
        "\n\nNone",
        "- [X] ",
        "- [ ] ",
        "Modern standards approach",
        "Sofware developer",
        "Observability",
        "\r\n",
    ):
        assert text in everything, text
    empty = next(i for i in issues if i.title == "DDaT feedback:")
    assert empty.body is not None
    assert empty.body.count("_No response_") == 3
    assert any(not (i.body or "").startswith("### ") for i in issues)  # free-text issues
    for group in (
        "Lean Coffee",
        "Community facilitators",
        "Sustainable Software",
        "Inclusive Recruitment",
        "Open Source",
        "Heads of Engineering",
    ):
        assert f"### Which group's meeting?\n\n{group}\n" in everything, group
    # comments: facilitators, authors replying to themselves, ghost, a bot
    comments = list(repo.comments.values())
    logins = {c.user.login for c in comments}
    assert {"ghost", "github-actions[bot]", "priya-shah"} <= logins
    assert any(c.user is c.issue.user for c in comments)
    assert any(i.state == "closed" for i in issues)
    assert any("good first issue" in {lab.name for lab in i.labels} for i in issues)
    # meeting notes as real commits, with open and done actions
    head = repo.git.refs["refs/heads/main"]
    files = repo.git.files(repo.git.commits[head].tree)
    notes = [
        p
        for p in files
        if p.startswith(
            ("lean-coffees/", "special-interest-meetings/", "community-facilitators-meetings/")
        )
    ]
    assert len(notes) >= 15
    lean = repo.git.blobs[files["lean-coffees/2026-10-22.md"]].data.decode()
    assert "- [ ] " in lean
    assert "- [x] " in lean
    assert len(repo.git.history(head)) >= 20


def test_sample_through_the_rest_api(sample_sandbox: Sandbox) -> None:
    """Everything in the sample serialises, and validates against GitHub's description."""
    with httpx.Client(base_url=sample_sandbox.url, headers={"Authorization": "token t"}) as api:
        issues = api.get(f"{R}/issues", params={"state": "all", "per_page": 100}).json()
        assert len(issues) == 60
        for issue in issues[:20]:
            n = issue["number"]
            assert api.get(f"{R}/issues/{n}").status_code == 200
            assert api.get(f"{R}/issues/{n}/timeline").status_code == 200
        assert api.get(f"{R}/issues/comments", params={"per_page": 100}).status_code == 200
        assert api.get(f"{R}/issues/events", params={"per_page": 100}).status_code == 200
        assert api.get(f"{R}/pulls", params={"state": "all"}).status_code == 200
        listing = api.get(f"{R}/contents/lean-coffees").json()
        assert "2026-10-22.md" in {e["name"] for e in listing}
        commits = api.get(
            f"{R}/commits", params={"path": "lean-coffees", "since": "2026-10-01T00:00:00Z"}
        ).json()
        assert [c["commit"]["message"] for c in commits] == [
            "Add notes: lean-coffees/2026-10-22.md"
        ]
        members = api.get(
            "/orgs/uk-x-gov-software-community/members", params={"per_page": 100}
        ).json()
        assert len(members) >= 30


def test_reset_is_fast_and_isolated(sandbox_server: Sandbox) -> None:
    sandbox_server.reset(seed="sample")
    sandbox_server.state.add_issue(REPO, title="scribble")
    started = time.perf_counter()
    for _ in range(10):
        sandbox_server.reset(seed="sample")
    per_reset = (time.perf_counter() - started) / 10
    assert not any(i.title == "scribble" for i in sandbox_server.state.repo(REPO).issues.values())
    assert per_reset < 1.0  # generous: it is a pickle load (~10 ms)


def test_seed_file_round_trip(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yml"
    seed.write_text(
        "now: 2026-10-01T09:00:00Z\n"
        "restrict_tokens: true\n"
        "tokens: {secret: ada}\n"
        "users: [{login: ada, company: DWP}]\n"
        "orgs: [{login: acme, members: [ada], teams: [{slug: core, members: [ada]}]}]\n"
        "repos:\n"
        "  - name: acme/widgets\n"
        "    private: true\n"
        "    collaborators: {ada: write}\n"
        "    labels: [bug, {name: 'type: x', color: '123456'}]\n"
        "    commits: [{message: notes, author: ada, files: {'a/b.md': 'hello'}}]\n"
        "    issues: [{title: One, author: ada, labels: [bug], comments: [hi]}]\n",
        encoding="utf-8",
    )
    sb = Sandbox.start(seed=str(seed))
    try:
        anon = httpx.get(f"{sb.url}/repos/acme/widgets")
        assert anon.status_code == 404  # private, and no token
        bad = httpx.get(f"{sb.url}/repos/acme/widgets", headers={"Authorization": "token x"})
        assert bad.status_code == 401
        ok = httpx.get(
            f"{sb.url}/repos/acme/widgets/issues/1", headers={"Authorization": "token secret"}
        )
        assert ok.json()["labels"][0]["name"] == "bug"
        assert ok.json()["created_at"] == "2026-10-01T09:00:00Z"
    finally:
        sb.stop()


def test_bad_seed_files_say_why(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="unknown key"):
        apply(State(), {"repoz": []})
    broken = tmp_path / "broken.yml"
    broken.write_text("repos: [\n", encoding="utf-8")
    with pytest.raises(SeedError, match="not valid YAML"):
        Sandbox.start(seed=str(broken))
    with pytest.raises(SeedError, match="cannot read seed"):
        Sandbox.start(seed=str(tmp_path / "missing.yml"))


def test_synthetic_is_deterministic_per_seed() -> None:
    def fingerprint(seed: int) -> list[tuple[int, str, str, str, int]]:
        st = State()
        from ghcommunity_sandbox.seed import load

        load(st, "minimal", synthetic=300, seed_random=seed)
        repo = st.repo(REPO)
        assert repo is not None
        return [
            (i.number, i.title, i.user.login, i.created_at, len(i.comments))
            for i in repo.issues.values()
        ]

    first, again, other = fingerprint(5), fingerprint(5), fingerprint(6)
    assert first == again
    assert first != other
    st = State()
    from ghcommunity_sandbox.seed import load

    load(st, "minimal", synthetic=300, seed_random=5, repo="acme/bench")
    bench = st.repo("acme/bench")
    assert bench is not None
    assert len(bench.issues) == 300
    assert len(bench.discussions) == 30
    assert sum(1 for i in bench.issues.values() if i.pull) > 20
    assert sum(1 for i in bench.issues.values() if i.pull and i.pull.reviews) > 5
    companies = {i.user.company for i in bench.issues.values()}
    assert len(companies) > 10
    months = {i.created_at[:7] for i in bench.issues.values()}
    assert len(months) >= 20


def test_synthetic_responses_are_githubs_shape(sandbox_server: Sandbox) -> None:
    sandbox_server.reset(seed="minimal", synthetic=200, seed_random=1)
    try:
        with httpx.Client(base_url=sandbox_server.url, headers={"Authorization": "token t"}) as c:
            page = c.get(f"{R}/issues", params={"state": "all", "per_page": 100})
            assert len(page.json()) == 100
            pulls = c.get(f"{R}/pulls", params={"state": "all", "per_page": 100}).json()
            assert pulls
            assert c.get(f"{R}/pulls/{pulls[0]['number']}/reviews").status_code == 200
    finally:
        sandbox_server.reset(seed="minimal")


# -- the command line --------------------------------------------------------------------------


def test_cli_serve_prints_the_url_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ghcommunity", "sandbox", "serve", "--seed", "minimal"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", first)
        assert match, first
        url = match.group(1)
        assert httpx.get(f"{url}{R}").status_code == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "sandbox stopped" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "abc"], "--port"),
        (["--fault-rate", "2"], "--fault-rate"),
        (["--repo", "not a repo"], "--repo"),
        (["--webhook-secret", "s"], "--webhook-url"),
        (["--seed", "no-such-file.yml"], "--seed"),
    ],
)
def test_cli_bad_flags_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ghcommunity", "sandbox", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error:"), lines
    assert message in lines[0], lines


def test_cli_stats_and_reset(sandbox: Sandbox) -> None:
    from ghcommunity.cli import cli

    httpx.get(f"{sandbox.url}{R}")
    runner = CliRunner()
    result = runner.invoke(cli, ["sandbox", "stats", "--api-url", sandbox.url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] == 1
    result = runner.invoke(
        cli, ["sandbox", "reset", "--api-url", sandbox.url + "/api/v3", "--seed", "minimal"]
    )
    assert result.exit_code == 0, result.output
    assert sandbox.stats()["total"] == 0


def test_demo_runs_every_job_and_writes_a_summary(tmp_path: Path) -> None:
    from ghcommunity.cli import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["demo", "--out", str(out), "--config", str(ROOT / "config" / "community.yml")]
    )
    assert result.exit_code == 0, result.output
    assert "uk-x-gov-software-community/community-space" in result.output
    summary = {s["title"]: s for s in json.loads((out / "summary.json").read_text())}
    assert [s["status"] for s in summary.values()] == ["ok"] * 8, result.output
    community = json.loads((out / "community.json").read_text())
    assert community["issues"] == 58
    assert len(community["groups"]) == 6
    triage = summary["Triage and DDaT labelling of the seeded issues"]
    assert "50 open issues delivered" in triage["lines"][0]
    assert triage["lines"][2].endswith("0 writes")  # the redelivery changes nothing
    meetings = summary["Next month's meeting notes"]
    assert "in one pull request" in meetings["lines"][0]
    assert meetings["lines"][1].startswith("run again: 0 writes")
    # Each group's next meeting only: 24 December's notes wait until 26 November has been held.
    assert (
        (out / "meetings" / "lean-coffees" / "2026-11-26.md")
        .read_text()
        .startswith("# Lean Coffee: Thursday 26 November 2026")
    )
    assert not (out / "meetings" / "lean-coffees" / "2026-12-24.md").exists()
    assert (out / "ddat-report.csv").read_text().splitlines()[0].startswith("issue")
    html = (out / "digest-2026-10.html").read_text()
    assert '<html lang="en-GB"' in html
    assert "2026-10: 1 applied" in summary["Last month's digest"]["lines"][0]
