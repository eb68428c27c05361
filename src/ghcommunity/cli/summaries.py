"""Short summaries of what a job did, for jobs whose detail is long (one line per label): the
summary always, the detail with `ghcommunity -v`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ghcommunity.jobs.runner import JobRun


def _count(items: Any) -> int:
    return len(items) if isinstance(items, list | dict) else int(items or 0)


def labels_summary(run: JobRun) -> list[str]:
    report = run.result.details.get("labels") or {}
    created, updated = _count(report.get("create")), _count(report.get("update"))
    renamed, deleted = _count(report.get("rename")), _count(report.get("delete"))
    unchanged, not_owned = _count(report.get("unchanged")), _count(report.get("not_owned"))
    failed = [o for o in run.outcomes if o.status not in ("applied", "unchanged")]
    verb = "would be " if run.dry_run else ""
    parts = [
        f"{created} {verb}created",
        f"{updated} {verb}updated",
        f"{renamed} {verb}renamed",
    ]
    if deleted:
        parts.append(f"{deleted} {verb}deleted")
    parts.append(f"{unchanged} unchanged")
    line = f"labels in {run.repo}: " + ", ".join(parts)
    if not_owned:
        line += f" ({not_owned} not ours, left alone)"
    lines = [line]
    lines += [f"conflict: {text}" for text in report.get("conflicts") or []]
    if report.get("undeclared"):
        names = ", ".join(map(str, report["undeclared"]))
        lines.append(f"owned but no longer declared (kept; --prune deletes unused ones): {names}")
    kept = report.get("kept_in_use") or {}
    if kept:
        lines.append(
            "kept (still in use): " + ", ".join(f"{name} ({n})" for name, n in kept.items())
        )
    if failed:
        lines.append(f"{len(failed)} not done: " + "; ".join(o.detail for o in failed[:3]))
    return lines


# job → its summary. A job listed here prints the summary, and each operation under -v.
SUMMARIES: dict[str, Callable[[JobRun], list[str]]] = {"labels-sync": labels_summary}
