"""Labels as code: make the repo's labels match the ones the config declares.

- A declared label that is missing is created; one whose colour, description or letter case
  differs is updated (GitHub matches label names without regard to case, as we do).
- A label listed under `previously` is renamed to the declared name (one PATCH), so every issue
  that carried it keeps it. If both the old and the new name exist, both are left alone and the
  plan says so: merging them would need a person to decide.
- A label ghcommunity does not own (`labels.owned`) is never deleted or changed unless declared.
- With `--prune` (or `labels.prune: true`), owned labels that are no longer declared are deleted
  only when no issue or pull request carries them: deleting a label strips it from every issue,
  losing the record of which issues belonged to, say, a closed group. Those still in use are
  listed with how many issues carry them, and kept.

`plan_label_sync` is pure; the reads are in `read.py`, the push handler in `handlers.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ghcommunity.config import LabelSpec, iter_labels
from ghcommunity.core import payload as p
from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import CreateLabel, DeleteLabel, Plan, UpdateLabel
from ghcommunity.jobs.labels.settings import LabelsConfig

if TYPE_CHECKING:
    from ghcommunity.github.snapshot import RepoLabel


@dataclass
class SyncReport:
    """What the sync found, for people (text) and tools (JSON)."""

    create: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    rename: list[tuple[str, str]] = field(default_factory=list)  # (old, new)
    conflicts: list[str] = field(default_factory=list)  # both an old and the new name exist
    delete: list[str] = field(default_factory=list)
    kept_in_use: dict[str, int] = field(default_factory=dict)  # owned, undeclared, in use
    undeclared: list[str] = field(default_factory=list)  # owned, undeclared (no --prune)
    unchanged: int = 0
    not_owned: int = 0  # left alone: neither declared nor owned

    def to_dict(self) -> dict[str, Any]:
        return {
            "create": self.create,
            "update": self.update,
            "rename": [{"from": old, "to": new} for old, new in self.rename],
            "conflicts": self.conflicts,
            "delete": self.delete,
            "kept_in_use": self.kept_in_use,
            "undeclared": self.undeclared,
            "unchanged": self.unchanged,
            "not_owned": self.not_owned,
        }


def declared_labels(config: LabelsConfig, job_labels: Sequence[LabelSpec] = ()) -> list[LabelSpec]:
    """The config's labels and `job_labels` (what other jobs need: `core.providers.
    labels_from_jobs`), checked for clashes; a group label that is too long is an error."""
    try:
        specs = list(iter_labels(config))
    except ValidationError as exc:
        reason = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        raise InputError(f"a label the config implies is invalid: {reason}") from None
    # Labels other jobs need before they first run (the DDaT taxonomy's), so triage never has
    # to create one while answering an issue.
    names = {spec.name.lower() for spec in specs}
    specs += [spec for spec in job_labels if spec.name.lower() not in names]
    claimed: dict[str, str] = {}  # lower-cased name or previous name → the declared name
    for spec in specs:
        own = {name.lower() for name in (spec.name, *spec.previously)}
        for lowered in sorted(own):
            other = claimed.get(lowered)
            if other is None:
                continue
            if other.lower() == spec.name.lower():
                raise InputError(f"labels: {spec.name!r} is declared twice")
            raise InputError(
                f"labels: {lowered!r} belongs to both {other!r} and {spec.name!r} "
                "(as a name or a previous name; names match without regard to case)"
            )
        claimed.update(dict.fromkeys(own, spec.name))
    return specs


def plan_label_sync(
    repo: str,
    declared: Sequence[LabelSpec],
    existing: Iterable[RepoLabel],
    *,
    owns: Callable[[str], bool],
    prune: bool = False,
    usage: Mapping[str, int] | None = None,
) -> tuple[Plan, SyncReport]:
    """The creates, updates, renames (and with `prune`, deletes) that make the repo match.

    `existing` are the repo's labels (`read.read_repo_labels`); `usage` maps a lower-cased
    label name to how many issues and pull requests carry it (needed only for prune candidates;
    a candidate with no count is treated as in use).
    """
    plan = Plan()
    report = SyncReport()
    have = {lab.name.lower(): lab for lab in existing}
    claimed: set[str] = set()  # lower-cased existing names the declared labels account for
    for spec in declared:
        current = have.get(spec.name.lower())
        olds = [
            have[n.lower()]
            for n in dict.fromkeys(n.lower() for n in spec.previously)
            if n in have and n != spec.name.lower()
        ]
        if current is not None:
            claimed.add(spec.name.lower())
            claimed.update(old.name.lower() for old in olds)
            for old in olds:
                report.conflicts.append(
                    f"both {old.name!r} (a previous name) and {current.name!r} exist; "
                    "left both: move its issues to the new label, then delete the old one"
                )
            changes = _changes(spec, current)
            if changes:
                plan.add(UpdateLabel(repo=repo, name=current.name, **changes))
                report.update.append(spec.name)
            else:
                report.unchanged += 1
            continue
        if olds:
            old, *others = olds
            claimed.update(o.name.lower() for o in olds)
            plan.add(
                UpdateLabel(
                    repo=repo,
                    name=old.name,
                    new_name=spec.name,
                    color=spec.color,
                    description=spec.description,
                )
            )
            report.rename.append((old.name, spec.name))
            for other in others:
                report.conflicts.append(
                    f"{other.name!r} is also a previous name of {spec.name!r}; renamed "
                    f"{old.name!r} and left {other.name!r} alone"
                )
            continue
        plan.add(
            CreateLabel(repo=repo, name=spec.name, color=spec.color, description=spec.description)
        )
        report.create.append(spec.name)
    for lowered, label in sorted(have.items()):
        if lowered in claimed:
            continue
        name = label.name
        if not owns(name):
            report.not_owned += 1
            continue
        if not prune:
            report.undeclared.append(name)
            continue
        count = None if usage is None else usage.get(lowered)
        if count == 0:
            plan.add(DeleteLabel(repo=repo, name=name))
            report.delete.append(name)
        else:
            report.kept_in_use[name] = -1 if count is None else count
    _notes(plan, report)
    return plan, report


def _changes(spec: LabelSpec, current: RepoLabel) -> dict[str, str]:
    changes: dict[str, str] = {}
    if spec.name != current.name:  # the same label in another letter case
        changes["new_name"] = spec.name
    if spec.color.lower() != current.color.lower():
        changes["color"] = spec.color
    if spec.description != current.description:
        changes["description"] = spec.description
    return changes


def _notes(plan: Plan, report: SyncReport) -> None:
    for conflict in report.conflicts:
        plan.note(conflict)
    for name, count in report.kept_in_use.items():
        carried = "an unknown number of" if count < 0 else str(count)
        plan.note(
            f"kept {name!r}: owned and no longer declared, but {carried} issue(s) or pull "
            "request(s) carry it; deleting it would strip it from them"
        )
    if report.undeclared:
        plan.note(
            f"{len(report.undeclared)} owned label(s) are no longer declared (kept; --prune "
            "deletes those no issue carries): "
            + ", ".join(repr(n) for n in report.undeclared[:10])
            + (f" and {len(report.undeclared) - 10} more" if len(report.undeclared) > 10 else "")
        )
    plan.note(
        f"{len(report.create)} to create, {len(report.update)} to update, "
        f"{len(report.rename)} to rename, {len(report.delete)} to delete, "
        f"{report.unchanged} up to date, {report.not_owned} not owned (left alone)"
    )


# -- reading (I/O edge) --------------------------------------------------------------------------


def config_changed(payload: Mapping[str, Any], paths: Iterable[str]) -> bool:
    """Whether a push to the default branch touched the config file."""
    default = p.text(payload, "repository", "default_branch") or "main"
    if p.text(payload, "ref") != f"refs/heads/{default}" or p.get(payload, "deleted"):
        return False
    commits = p.get(payload, "commits", default=[])
    if not isinstance(commits, list):
        return False
    wanted = {path.strip("/") for path in paths}
    if len(commits) >= 20:  # GitHub lists at most 20 commits: the rest may have touched it
        return True
    for commit in [*commits, p.get(payload, "head_commit", default={})]:
        for key in ("added", "modified", "removed"):
            files = p.get(commit, key, default=[])
            if isinstance(files, list) and wanted & {str(f).strip("/") for f in files}:
                return True
    return False
