"""Every writing job, run as its users run it, under lost answers (the write applied, the
answer lost): it converges with no duplicates, and a clean rerun writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from safety_harness import duplicates, handle_runs, issue_events, run_jobs, scheduled_jobs

from ghcommunity_sandbox.http import LOST_ANSWER_KINDS, Faults


@pytest.mark.slow
@pytest.mark.no_openapi_check  # the lost answers are not GitHub's responses
def test_every_writing_job_converges_under_lost_answers(
    sample_sandbox: Any, tmp_path: Path
) -> None:
    events = issue_events(sample_sandbox, tmp_path)[:3]
    jobs = [*handle_runs(events), *scheduled_jobs(sample_sandbox, tmp_path).values()]
    sample_sandbox.app.faults = Faults(0.4, 7, LOST_ANSWER_KINDS)
    try:
        pending = jobs
        for _ in range(5):  # a run whose answers are lost too often is run again
            codes, _outputs = run_jobs(sample_sandbox, pending)
            pending = [argv for argv, code in zip(pending, codes, strict=True) if code]
            if not pending:
                break
        injected = sum(sample_sandbox.app.faults.injected.values())
    finally:
        sample_sandbox.app.faults = Faults()
    assert pending == []
    assert injected > 0
    assert duplicates(sample_sandbox) == []
    sample_sandbox.reset_stats()
    codes, _outputs = run_jobs(sample_sandbox, jobs)
    assert codes == [0] * len(jobs)
    assert sample_sandbox.stats()["writes"] == 0
