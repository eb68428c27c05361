"""A dispatch whose `now` is nonsense (year 1 or 9999: the jobs' own date arithmetic would
overflow) is refused in one line and the delivery completes; it is not parked as a crash."""

from __future__ import annotations

import pytest
from app_harness import Served, config_text
from test_app_scheduled import REPO, commit_config, dispatch, idle, install, repo_writes, settle

from ghcommunity.app.service import Service
from ghcommunity_sandbox.server import Sandbox


@pytest.mark.parametrize("job", ["ghcommunity-lifecycle", "ghcommunity-meetings"])
@pytest.mark.parametrize("now", ["9999-12-31T23:59:59Z", "0001-01-01"])
def test_a_dispatch_with_a_nonsense_now_is_refused_not_parked(
    app_and_sandbox: tuple[Service, Served, Sandbox], job: str, now: str
) -> None:
    service, _served, sandbox = app_and_sandbox
    install(sandbox)
    commit_config(sandbox, config_text(REPO))
    settle(sandbox)
    dispatch(sandbox, job, {"now": now})
    idle(service, sandbox)
    parked = service.queue.list("parked")
    assert parked == [], [p["last_error"] for p in parked]
    (ran,) = [d for d in service.queue.list("done") if d["event"] == "repository_dispatch"]
    assert "0 operation(s)" in ran["result"]
    assert repo_writes(sandbox) == 0
