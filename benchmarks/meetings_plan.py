"""How long planning meetings takes: 20 groups over 10 years (target: well under a second).

Run: .venv/bin/python benchmarks/meetings_plan.py
Prints figures; asserts nothing (timings belong in benchmarks, not tests).
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime

RULES = [
    "fourth Thursday monthly",
    "last Wednesday monthly",
    "every 4 weeks on Friday from 2023-10-13",
    "weekly on Tuesday",
    "fortnightly on Monday from 2026-01-05",
    "first Monday monthly",
    "second Tuesday of each month",
    "every 2 months on the first Tuesday from 2026-01-06",
    "FREQ=MONTHLY;BYMONTHDAY=15",
    "FREQ=WEEKLY;BYDAY=MO,TH",
]


def config_text(groups: int = 20) -> str:
    lines = [
        "community:",
        "  name: Benchmark community",
        "  org: bench",
        "  repo: space",
        "  timezone: Europe/London",
        "groups:",
    ]
    for index in range(groups):
        rule = RULES[index % len(RULES)]
        lines += [
            f"  - slug: group-{index:02d}",
            f"    name: Group {index}",
            "    schedule:",
            f'      rule: "{rule}"',
            f'      start: "{9 + index % 8}:{(index * 15) % 60:02d}"',
            "      duration: 60",
        ]
        if index % 2 == 0:
            lines += [
                "      bank_holidays:",
                "        region: " + ("scotland" if index % 4 == 0 else "england-and-wales"),
                "        policy: " + ("skip" if index % 3 == 0 else "move to previous Thursday"),
            ]
        if index % 5 == 0:
            lines.append("      timezone: America/New_York")
    return "\n".join(lines) + "\n"


def timed(func, repeat: int = 1):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return result, times


def main() -> None:
    started = time.perf_counter()
    from ghcommunity.config import parse_config
    from ghcommunity.jobs.meetings.notes import (
        Rendering,
        RepoView,
        feed_files,
        plan_generate,
        plan_meetings,
    )

    imports = time.perf_counter() - started
    text = config_text(20)
    config, validate = timed(lambda: parse_config(text, "bench.yml"))
    start, end = date(2026, 1, 1), date(2035, 12, 31)

    found, cold = timed(lambda: plan_meetings(config, start, end))
    _, warm = timed(lambda: plan_meetings(config, start, end), repeat=20)
    held = sum(1 for m in found if m.occurrence.held)
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    rendering = Rendering(repo="bench/space")
    feeds, feed_cold = timed(lambda: feed_files(config, now, rendering))
    _, generate = timed(lambda: plan_generate(config, now, RepoView("main")), repeat=5)

    print("meetings plan benchmark: 20 groups, 2026-01-01 to 2035-12-31")
    print(f"  imports (config, schedules, jobs)        {imports * 1000:8.1f} ms")
    print(f"  config validation (20 schedules)         {validate[0] * 1000:8.1f} ms")
    print(
        f"  plan, first run (loads holiday data)      {cold[0] * 1000:8.1f} ms"
        f"   {len(found)} occurrences ({held} held)"
    )
    print(
        f"  plan, warm (median of 20)                 {statistics.median(warm) * 1000:8.1f} ms"
        f"   min {min(warm) * 1000:.1f} ms, max {max(warm) * 1000:.1f} ms"
    )
    print(
        f"  per occurrence (warm median)              "
        f"{statistics.median(warm) / len(found) * 1e6:8.1f} µs"
    )
    print(
        f"  calendar feeds, 3 years (first build)     {feed_cold[0] * 1000:8.1f} ms"
        f"   {len(feeds)} files, {sum(len(t) for t in feeds.values()) // 1024} KiB"
    )
    print(
        f"  generate plan (pure, median of 5)         {statistics.median(generate) * 1000:8.1f} ms"
    )


if __name__ == "__main__":
    main()
