"""Every writing job under lost answers: GitHub applies the write, then the answer is lost.

    python benchmarks/faults.py [--issues N] [--seed S]

For each fault rate (0.1, 0.3, 0.5) the sandbox starts again from the sample community with the
`lost-502`/`lost-drop` faults (a write is applied, then answered with a 502 or a dropped
connection). Every writing job then runs as its users run it (`ghcommunity ...` in its own
process): triage (`handle`) on N open issues, labels sync, the audit issue, lifecycle reminders,
the meetings pull request, the digest as a discussion, an issue and a file, and the DDaT export.
A run that fails (its answers lost too often) is run again, as a scheduler would, up to 5 times.
Then, with the faults off, every job runs once more.

Printed per rate: runs, failed runs, faults injected, duplicates found (must be 0), and the
writes the clean rerun made (must be 0: everything had converged).
`SAFETY_SRC=/path/to/other/src` runs another checkout's ghcommunity (e.g. main's) for a
before/after comparison.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "safety"))

from safety_harness import (  # noqa: E402
    duplicates,
    handle_runs,
    issue_events,
    run_jobs,
    scheduled_jobs,
)

from ghcommunity_sandbox.http import LOST_ANSWER_KINDS, Faults  # noqa: E402
from ghcommunity_sandbox.server import Sandbox  # noqa: E402

RATES = (0.1, 0.3, 0.5)
TRIES = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10, help="Open issues to triage.")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the faults.")
    args = parser.parse_args()
    sb = Sandbox.start(seed="sample")
    print(f"lost-answer faults ({', '.join(LOST_ANSWER_KINDS)}), seed {args.seed}")
    print(
        f"{'rate':>5} {'runs':>5} {'failed':>7} {'faults':>7} {'duplicates':>11} "
        f"{'clean-rerun writes':>19} {'seconds':>8}"
    )
    try:
        for rate in (*RATES, 0.0):
            sb.reset("sample")
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp)
                events = issue_events(sb, work)[: args.issues]
                jobs = {
                    f"triage #{p.stem}": argv
                    for p, argv in zip(events, handle_runs(events), strict=True)
                }
                jobs.update(scheduled_jobs(sb, work))
                sb.app.faults = Faults(rate, args.seed, LOST_ANSWER_KINDS)
                started = time.perf_counter()
                runs = failed = 0
                reasons: list[str] = []
                pending = dict(jobs)
                for _ in range(TRIES):
                    if not pending:
                        break
                    names = list(pending)
                    codes, outputs = run_jobs(sb, [pending[n] for n in names])
                    runs += len(codes)
                    for name, code, output in zip(names, codes, outputs, strict=False):
                        if code == 0:
                            pending.pop(name)
                        else:
                            failed += 1
                            errors = [ln for ln in output.splitlines() if ln.startswith("error:")]
                            reasons.append(f"{name}: {errors[-1] if errors else code}")
                    if len(codes) != len(names):
                        print(outputs[-1][-2000:])
                        raise SystemExit("the job runner stopped early")
                injected = sum(sb.app.faults.injected.values())
                sb.app.faults = Faults()
                dupes = duplicates(sb)
                sb.reset_stats()
                codes, outputs = run_jobs(sb, list(jobs.values()))
                clean_writes = sb.stats()["writes"]
                clean_failed = sum(1 for c in codes if c != 0)
                label = "clean" if rate == 0 else f"{rate:.1f}"
                print(
                    f"{label:>5} {runs:>5} {failed:>7} {injected:>7} {len(dupes):>11} "
                    f"{clean_writes:>19} {time.perf_counter() - started:>8.1f}"
                )
                for line in reasons:
                    print(f"      failed run: {line[:80]} ... {line[-160:]}")
                for line in dupes:
                    print(f"      duplicate: {line}")
                if pending:
                    print(f"      still failing after {TRIES} tries: {', '.join(pending)}")
                if clean_failed or clean_writes:
                    print(f"      clean rerun: {clean_failed} failed")
                    for name, code, output in zip(jobs, codes, outputs, strict=False):
                        if code:
                            print(f"      {name}: {output.strip().splitlines()[-1:]}")
    finally:
        sb.stop()


if __name__ == "__main__":
    main()
