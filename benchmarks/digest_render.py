"""How long the digest of a large store takes: read the month's window, compute every figure,
render Markdown, HTML, Slack and JSON. Prints figures; not a timed test.

    .venv/bin/python benchmarks/digest_render.py              # 100,000 items
    .venv/bin/python benchmarks/digest_render.py --items 10000 --store sqlite:////tmp/s.sqlite
    .venv/bin/python benchmarks/digest_render.py --month 2026-04  # a past month: later events

The store is filled with generated rows (deterministic): items spread over 24 months ending with
the digest's month, about three comments or reviews each, 2,000 people in 40 departments, label
events (one issue or pull request in ten relabelled weeks after it was opened) and notes files
for the reference config's groups. With `--store` pointing at an existing store (for example
one `benchmarks/digest_sync.py --keep` left behind) nothing is generated.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from ghcommunity.cli import tune_collector
from ghcommunity.config import load_config
from ghcommunity.core.resources import reference_config
from ghcommunity.jobs.digest.activity import Contribution, Item, LabelEvent, NoteFile, Person
from ghcommunity.jobs.digest.metrics import DigestSettings, compute, window
from ghcommunity.jobs.digest.render import FORMATS, render, render_title
from ghcommunity.jobs.digest.settings import DigestConfig
from ghcommunity.jobs.digest.store import Page, Store, SyncState, to_text

REPO = "uk-x-gov-software-community/community-space"
MONTH = "2026-10"


def generate(store: Store, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    later = random.Random(seed + 1)
    config = load_config(reference_config())
    group_labels = [g.group_label for g in config.groups]
    end = datetime(2026, 11, 1, tzinfo=UTC)
    span = timedelta(days=730).total_seconds()
    people = [
        Person(f"person{i}", "User", f"Department {i % 40}" if i % 5 else None) for i in range(2000)
    ]
    people.append(Person("renovate[bot]", "Bot"))
    batch: list[tuple[Item, str]] = []
    contributions: list[Contribution] = []
    events: list[LabelEvent] = []
    kinds = ["issue"] * 6 + ["pull"] * 3 + ["discussion"]
    for number in range(1, count + 1):
        created = end - timedelta(seconds=rng.random() * span)
        kind = kinds[rng.randrange(len(kinds))]
        closed = created + timedelta(hours=rng.expovariate(1 / 200)) if rng.random() < 0.8 else None
        if closed and closed >= end:
            closed = None
        labels = tuple(rng.sample(group_labels, k=rng.randrange(0, 2)))
        if kind == "issue" and rng.random() < 0.05:
            labels += ("ddat-feedback",)
        # One item in ten gets a label some weeks after it was opened (its own generator, so
        # the rest of the data is as before): a past month's digest undoes these.
        relabelled = created + timedelta(days=later.expovariate(1 / 60))
        if (
            later.random() < 0.1
            and relabelled < end
            and kind != "discussion"  # GitHub keeps no label events for discussions
            and "needs-triage" not in labels
        ):
            labels += ("needs-triage",)
            events.append(
                LabelEvent(f"T{number}", kind, number, "needs-triage", "labeled", "bot", relabelled)  # type: ignore[arg-type]
            )
        author = people[rng.randrange(len(people))]
        item = Item(
            kind=kind,  # type: ignore[arg-type]
            number=number,
            title=f"Item {number}",
            url=f"https://github.com/{REPO}/issues/{number}",
            author=author.login,
            author_type=author.type,
            created_at=created,
            closed_at=closed,
            merged_at=closed if kind == "pull" and closed and rng.random() < 0.8 else None,
            labels=labels,
            role="Software developer" if "ddat-feedback" in labels else None,
            reactions=rng.randrange(0, 4),
        )
        at = created
        for index in range(rng.randrange(0, 7)):
            at = at + timedelta(hours=rng.expovariate(1 / 30))
            if at >= end:
                break
            who = people[rng.randrange(len(people))]
            contributions.append(
                Contribution(
                    id=f"C{number}-{index}",
                    kind="review" if kind == "pull" and index == 0 else "comment",
                    item_kind=item.kind,
                    item_number=number,
                    author=who.login,
                    author_type=who.type,
                    created_at=at,
                )
            )
        for label in labels:
            if label == "needs-triage":
                continue  # added later, above
            events.append(
                LabelEvent(
                    f"L{number}-{label}", item.kind, number, label, "labeled", "bot", created
                )
            )
        batch.append((item, to_text(closed or created) or ""))
        if len(batch) == 2000 or number == count:
            store.save_page(REPO, "issues", Page(batch, contributions, events, people), SyncState())
            batch, contributions, events = [], [], []
    for group in config.groups:
        folder = group.notes_folder.rstrip("/")
        files = [
            NoteFile(folder, f"{folder}/{day}.md", day)
            for day in (
                date(2026, 10, 1) - timedelta(days=28 * k) for k in range(rng.randrange(0, 12))
            )
        ]
        store.save_notes(REPO, folder, files, [])
    store.record_count("uk-x-gov-software-community", "org_members", end - timedelta(days=3), 950)


class Clock:
    """Wall and CPU time (a busy machine inflates wall time; CPU time says what we cost)."""

    def __init__(self) -> None:
        self.wall0 = self.wall = time.perf_counter()
        self.cpu0 = self.cpu = time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        out = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return out

    def total(self) -> tuple[float, float]:
        return (time.perf_counter() - self.wall0, time.process_time() - self.cpu0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--store", help="an existing store to read (nothing is generated)")
    parser.add_argument(
        "--month",
        default=MONTH,
        help=f"the digest's month (default {MONTH}, the data's last; an earlier one reads "
        "the label events since its end too, to undo them)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument(
        "--default-gc", action="store_true", help="keep Python's collector thresholds"
    )
    args = parser.parse_args()
    if not args.default_gc:
        tune_collector()  # as the CLI and the Action do in their processes
    config = load_config(reference_config())
    settings = DigestSettings.from_config(DigestConfig.of(config))
    with tempfile.TemporaryDirectory() as folder:
        url = args.store or f"sqlite:///{folder}/bench.sqlite"
        store = Store(url)
        if not args.store:
            started = time.perf_counter()
            generate(store, args.items)
            print(f"generated {args.items:,} items in {time.perf_counter() - started:.1f} s")
        counts = store.item_count(REPO)
        month = args.month
        start, end = window(month, settings)
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.repeat):
            timings: dict[str, tuple[float, float]] = {}
            clock = Clock()
            activity = store.activity(REPO, start, end)
            timings["read the window"] = clock.lap()
            figures = compute(activity, settings, month)
            timings["compute figures"] = clock.lap()
            title = render_title(config.digest.title, figures)
            for fmt in FORMATS:
                render(figures, fmt, title=title)
                timings[f"render {fmt}"] = clock.lap()
            timings["total"] = clock.total()
            if "total" not in best or timings["total"][0] < best["total"][0]:
                best = timings
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nDigest of {month} from a store of {sum(counts.values()):,} items "
        f"({', '.join(f'{v:,} {k}s' for k, v in sorted(counts.items()))}); "
        f"{len(activity.items):,} items and {len(activity.contributions):,} comments in the "
        f"13-month window, {len(activity.later_label_events):,} label events after it on "
        f"them; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}; "
        f"best of {args.repeat}"
    )
    print(f"| {'step':<18} | {'wall s':>8} | {'CPU s':>8} |")
    print(f"|{'-' * 20}|{'-' * 9}:|{'-' * 9}:|")
    for key, (wall, cpu) in best.items():
        print(f"| {key:<18} | {wall:8.2f} | {cpu:8.2f} |")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (wall time suffers when busy)")
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
