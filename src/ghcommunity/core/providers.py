"""What one job offers the others without their importing it (jobs never import each other).

The offering job registers a provider when it is loaded (`ghcommunity.jobs.runner` loads every
job before any runs), and the using job asks here:

- label sources: labels a job needs to exist before it first runs (the DDaT taxonomy's labels),
  so that `labels sync` creates them;
- role resolvers: read a free-text DDaT role answer as the framework's role name (the digest's
  feedback-by-role figures);
- role label names: a DDaT role label's (short) name → the framework's role name, so the digest
  shows "Development operations (DevOps) engineer", not the label's shortened form;
- dashboard sections: what each job shows on the community dashboard (each job's
  `dashboard.py`), and handlers for ticks that are not a job (the App's "retry this delivery");
- the job runner: run a job by name through the one registry (`jobs/runner.py` registers it), so
  the dashboard can run what a maintainer ticked without importing every job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ghcommunity.config.labels import LabelSpec
    from ghcommunity.core.dashboard import DashboardInputs, DashboardSection, Tick, TickRun
    from ghcommunity.github.context import Context

# Each reads what it needs through the Context (the DDaT taxonomy: the checkout's file, or the
# repository's through the API), at the edge; the planners get what they return.
LabelSource = Callable[["Context", "set[str]"], "list[LabelSpec]"]
LabelFiles = Callable[["Context"], "list[str]"]
ConfigCheck = Callable[["Context"], "list[str]"]
RoleResolver = Callable[[str], "str | None"]
RoleResolverFactory = Callable[["Context"], "RoleResolver | None"]

RoleLabelNames = Callable[["Context"], "dict[str, str]"]
SectionReader = Callable[["Context", "DashboardInputs"], "DashboardSection | None"]
TickHandler = Callable[["Context", "Tick"], "TickRun"]
JobRunner = Callable[["Context", str, "dict[str, Any]"], "TickRun"]

_LABEL_SOURCES: dict[str, LabelSource] = {}
_LABEL_FILES: dict[str, LabelFiles] = {}
_CONFIG_CHECKS: dict[str, ConfigCheck] = {}
_ROLE_LABEL_NAMES: dict[str, RoleLabelNames] = {}
_ROLE_RESOLVERS: dict[str, RoleResolverFactory] = {}
_DASHBOARD_SECTIONS: dict[str, SectionReader] = {}
_TICK_HANDLERS: dict[str, TickHandler] = {}
_JOB_RUNNERS: list[JobRunner] = []


def label_source(name: str) -> Callable[[LabelSource], LabelSource]:
    """Register `func(ctx, already_declared_lowercase) -> [LabelSpec]` under `name`."""

    def register(func: LabelSource) -> LabelSource:
        _LABEL_SOURCES[name] = func
        return func

    return register


def label_source_files(name: str) -> Callable[[LabelFiles], LabelFiles]:
    """Register `func(ctx) -> [path]`: the repository files `name`'s labels are read from, so a
    push that changes one syncs the labels (as a push to the config does)."""

    def register(func: LabelFiles) -> LabelFiles:
        _LABEL_FILES[name] = func
        return func

    return register


def config_check(name: str) -> Callable[[ConfigCheck], ConfigCheck]:
    """Register `func(ctx) -> [problem]`: what a job finds wrong in the files the config makes
    it read (the DDaT taxonomy), as `file:line:column: reason` lines where it can; `config
    validate` and the App's config check report them with the config's own problems."""

    def register(func: ConfigCheck) -> ConfigCheck:
        _CONFIG_CHECKS[name] = func
        return func

    return register


def config_check_problems(ctx: Context) -> list[str]:
    return [problem for check in _CONFIG_CHECKS.values() for problem in check(ctx)]


def label_input_files(ctx: Context) -> list[str]:
    """Every file a registered job reads its labels from."""
    return sorted({path for files in _LABEL_FILES.values() for path in files(ctx)})


def role_resolver_factory(name: str) -> Callable[[RoleResolverFactory], RoleResolverFactory]:
    def register(func: RoleResolverFactory) -> RoleResolverFactory:
        _ROLE_RESOLVERS[name] = func
        return func

    return register


def labels_from_jobs(ctx: Context, declared: set[str]) -> list[LabelSpec]:
    """Every registered job's labels that `declared` (lower-cased names) does not have yet."""
    out: list[LabelSpec] = []
    for source in _LABEL_SOURCES.values():
        extra = source(ctx, declared | {spec.name.lower() for spec in out})
        out += extra
    return out


def role_resolver(ctx: Context) -> RoleResolver | None:
    """The first registered resolver that can read roles for this config, or None."""
    for factory in _ROLE_RESOLVERS.values():
        resolve = factory(ctx)
        if resolve is not None:
            return resolve
    return None


def role_label_names_provider(name: str) -> Callable[[RoleLabelNames], RoleLabelNames]:
    def register(func: RoleLabelNames) -> RoleLabelNames:
        _ROLE_LABEL_NAMES[name] = func
        return func

    return register


def dashboard_section(name: str) -> Callable[[SectionReader], SectionReader]:
    """Register `func(ctx, inputs) -> DashboardSection | None` as the dashboard's `name` section.

    It may read more through `ctx` (keep it to a request or two); None leaves the section out."""

    def register(func: SectionReader) -> SectionReader:
        _DASHBOARD_SECTIONS[name] = func
        return func

    return register


def role_label_names(ctx: Context) -> dict[str, str]:
    """Lower-cased DDaT role label names (without the prefix) → the framework's names."""
    names: dict[str, str] = {}
    for provider in _ROLE_LABEL_NAMES.values():
        names.update(provider(ctx))
    return names


def dashboard_sections() -> dict[str, SectionReader]:
    return dict(_DASHBOARD_SECTIONS)


def tick_handler(kind: str) -> Callable[[TickHandler], TickHandler]:
    """Register what ticking a `<kind>:<id>` box runs when it is not a job (e.g. `retry`)."""

    def register(func: TickHandler) -> TickHandler:
        _TICK_HANDLERS[kind] = func
        return func

    return register


def tick_handler_for(kind: str) -> TickHandler | None:
    return _TICK_HANDLERS.get(kind)


def provide_job_runner(func: JobRunner) -> JobRunner:
    """Register `func(ctx, job_name, options) -> TickRun` (the job registry registers one)."""
    _JOB_RUNNERS[:] = [func]
    return func


def job_runner() -> JobRunner | None:
    return _JOB_RUNNERS[0] if _JOB_RUNNERS else None
