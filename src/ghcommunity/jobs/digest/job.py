"""The digest job as every door runs it: sync the store, compile the month, render it, and
publish it (a discussion, an issue, or a file through a pull request) when asked."""

from __future__ import annotations

import tempfile
from typing import Annotated, Any, ClassVar, Literal

from ghcommunity.core.jobs import Job, JobOptions, JobResult, MonthText, StrictBool, choice
from ghcommunity.core.plan import Plan
from ghcommunity.core.providers import role_label_names, role_resolver
from ghcommunity.github.context import Context
from ghcommunity.jobs.digest.figures import Figures
from ghcommunity.jobs.digest.metrics import DigestSettings, previous_month
from ghcommunity.jobs.digest.publish import plan_digest
from ghcommunity.jobs.digest.read import Format, compile_digest, read_supplied, read_template
from ghcommunity.jobs.digest.render import render
from ghcommunity.jobs.digest.settings import DigestConfig
from ghcommunity.jobs.digest.sync import sync_store

Publish = Literal["config", "discussion", "issue", "file", "none"]


class DigestOptions(JobOptions):
    from_dispatch: ClassVar[frozenset[str]] = frozenset({"dry_run", "month", "publish"})

    # Default: last month, in the community's time zone.
    month: MonthText | None = None
    # Where to publish: the config's `digest.publish`, one of the targets, or nowhere.
    publish: Annotated[Publish, choice("config", "discussion", "issue", "file", "none")] = "config"
    # The document's format besides the Markdown that is published (the CLI's --format).
    format: Annotated[Format, choice("md", "html", "slack", "json")] = "md"
    # Fetch what changed before compiling (false: use the store as it is).
    sync: StrictBool = True
    # Maintainer-supplied figures (a YAML file in the checkout); default: digest.figures.
    figures: str | None = None
    # Compute a past month afresh instead of the figures kept when it was first compiled.
    recompute: StrictBool = False


def run(ctx: Context, options: DigestOptions, repo: str) -> JobResult:
    config = ctx.view(DigestConfig)
    if options.publish != "none" and not config.digest.enabled:
        return JobResult(Plan().note("the digest is turned off (digest.enabled: false)"))
    month = options.month or previous_month(ctx.now, DigestSettings.from_config(config).zone)
    with tempfile.TemporaryDirectory(prefix="ghcommunity-store-") as scratch:
        # Without a store (the App, an Action run without a cache) sync from nothing, in a
        # scratch file.
        url = ctx.store_url or f"sqlite:///{scratch}/store.sqlite"
        if options.sync:
            resolve_role = role_resolver(ctx)
            sync_store(
                ctx.client, url, repo, config, progress=ctx.progress, resolve_role=resolve_role
            )
        figures, title = compile_digest(
            url,
            repo,
            month,
            config,
            figures_text=read_supplied(ctx, options.figures),
            recompute=options.recompute,
            ddat_role_names=role_label_names(ctx),
        )
    text = _render(ctx, repo, figures, options.format, title)
    # The details are plain data (`--json`, the Action's outputs): the figures as the JSON has them.
    details: dict[str, Any] = {
        "month": month,
        "title": title,
        "figures": figures.model_dump(mode="json"),
    }
    if options.publish == "none":
        return JobResult(Plan(), details=details, text=text)
    markdown = text if options.format == "md" else _render(ctx, repo, figures, "md", title)
    plan = plan_digest(
        repo=repo,
        month=month,
        title=title,
        markdown=markdown,
        figures=figures,
        config=config,
        target=config.digest.publish if options.publish == "config" else options.publish,
    )
    return JobResult(plan, details=details, text=text)


def _render(ctx: Context, repo: str, figures: Figures, fmt: Format, title: str) -> str:
    template, name = read_template(ctx, fmt)
    return render(figures, fmt, title=title, template=template, template_name=name)


JOB = Job(
    name="digest",
    summary="The monthly digest: sync, compile, render and publish",
    options=DigestOptions,
    run=run,
)
