"""What the digest reads: the store (`compile_digest`: a month's figures, kept once the month is
over), the community's own templates and the maintainer-supplied figures, from the local checkout
when there is one (the CLI, the Action) or from the repository (the App)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Literal

from ghcommunity.core.errors import GhcError, InputError
from ghcommunity.github.context import Context
from ghcommunity.jobs.digest.figures import Figures
from ghcommunity.jobs.digest.metrics import DigestSettings, Supplied, compute, window
from ghcommunity.jobs.digest.publish import parse_supplied
from ghcommunity.jobs.digest.render import render_title
from ghcommunity.jobs.digest.settings import DigestConfig

Format = Literal["md", "html", "slack", "json"]


MAX_FILE_BYTES = 1_000_000  # a template or the supplied figures: small files


def _repo_file(ctx: Context, what: str, path: str) -> str:
    """A file the config names, from the checkout (never out of it through a symlink) or, with
    none, the repository; a clear error when it is not there."""
    try:
        found = ctx.repo_file(path, max_bytes=MAX_FILE_BYTES)
    except GhcError as exc:
        raise InputError(f"{what}: {exc}") from None
    if found is None:
        where = ctx.checkout if ctx.checkout is not None else ctx.view(DigestConfig).repo
        raise InputError(f"{what}: {path} is not in {where}")
    return found.text


def read_template(ctx: Context, fmt: Format) -> tuple[str | None, str | None]:
    """(template text, its path) for a format, or (None, None) for the built-in one."""
    if fmt == "json":
        return None, None
    path: str | None = getattr(ctx.view(DigestConfig).digest.templates, fmt)
    if not path:
        return None, None
    return _repo_file(ctx, f"digest.templates.{fmt}", path), path


def read_supplied(ctx: Context, path: str | None) -> str | None:
    """The maintainer-supplied figures: `path` (the CLI's `--figures`, a file of the person
    running it: relative to the checkout, or absolute), else the config's `digest.figures`
    (a file of the repository, read like any other); None when neither is set."""
    if path:
        if ctx.checkout is None:
            raise InputError("--figures needs a checkout to read the file from")
        local = ctx.checkout / path
        try:
            return local.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"--figures: {path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"--figures: cannot read {path}: {exc}") from None
    chosen = ctx.view(DigestConfig).digest.figures
    return _repo_file(ctx, "digest.figures", chosen) if chosen else None


def load_supplied(path: str | Path | None) -> tuple[Supplied, ...]:
    """Maintainer-supplied figures from a small YAML file (`figures: [...]`); errors name the
    file, line and column. No file given: none."""
    if path is None:
        return ()

    found = Path(path)
    try:
        text = found.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{found}: no such figures file (digest.figures)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{found}: cannot read the figures: {exc}") from None
    return parse_supplied(text, str(found))


def compile_digest(
    store_url: str,
    repo: str,
    month: str,
    config: DigestConfig,
    *,
    figures_path: str | Path | None = None,
    figures_text: str | None = None,
    recompute: bool = False,
    ddat_role_names: Mapping[str, str] | None = None,
) -> tuple[Figures, str]:
    """The figures and the title of a month's digest, from the store.

    A month compiled once it was over (the store synced after its end) is kept as it was: a
    later compile gives the same figures byte for byte, whatever was synced or supplied since
    (`recompute` computes it afresh, from what was known in that month). Maintainer-supplied
    figures come from `figures_path` (default `digest.figures`).
    """
    from ghcommunity.jobs.digest.store import Store

    settings = DigestSettings.from_config(config, ddat_role_names)
    start, end = window(month, settings)
    store = Store(store_url)
    try:
        kept = None if recompute else store.kept_month(repo, month)
        if kept is not None:
            figures = kept
        else:
            baselines: dict[str, float] = {}
            for objective in settings.objectives:
                if objective.metric == "department_share" and objective.baseline_month:
                    if objective.baseline_month == month:
                        continue
                    earlier = store.kept_month(repo, objective.baseline_month)
                    share = earlier.departments.share_12_months if earlier else None
                    if share is not None:
                        baselines[objective.id] = float(share)
            settings = replace(
                settings,
                supplied=parse_supplied(figures_text, config.digest.figures or "figures")
                if figures_text is not None
                else load_supplied(figures_path or config.digest.figures),
                baselines=baselines,
            )
            activity = store.activity(repo, start, end)
            figures = compute(activity, settings, month)
            if activity.synced_at is not None and activity.synced_at >= end:
                store.keep_month(repo, month, figures, activity.synced_at)
    finally:
        store.close()
    return figures, render_title(config.digest.title, figures)
