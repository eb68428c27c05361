"""What the digest reads: the store (`compile_digest`: a month's figures, kept once the month is
over), the community's own templates and the maintainer-supplied figures, from the local checkout
when there is one (the CLI, the Action) or from the repository (the App)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Literal

from ghcommunity.core.errors import InputError
from ghcommunity.github.contents import read_text
from ghcommunity.github.context import Context
from ghcommunity.jobs.digest.figures import Figures
from ghcommunity.jobs.digest.metrics import DigestSettings, Supplied, compute, window
from ghcommunity.jobs.digest.publish import parse_supplied
from ghcommunity.jobs.digest.render import render_title
from ghcommunity.jobs.digest.settings import DigestConfig

Format = Literal["md", "html", "slack", "json"]


def read_template(ctx: Context, repo: str, fmt: Format) -> tuple[str | None, str | None]:
    """(template text, its path) for a format, or (None, None) for the built-in one."""
    if fmt == "json":
        return None, None
    path: str | None = getattr(ctx.view(DigestConfig).digest.templates, fmt)
    if not path:
        return None, None
    if ctx.checkout is not None:
        try:
            return (ctx.checkout / path).read_text(encoding="utf-8"), path
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"digest.templates.{fmt}: cannot read {path}: {exc}") from None
    text = read_text(ctx.client, repo, path, ctx.view(DigestConfig).community.default_branch)
    if text is None:
        raise InputError(f"digest.templates.{fmt}: {path} is not in {repo}")
    return text, path


def read_supplied(ctx: Context, repo: str, path: str | None) -> str | None:
    """The maintainer-supplied figures file (`path`, else `digest.figures`): from the checkout
    when there is one, else from the repository; None when there is none to read."""
    chosen = path or ctx.view(DigestConfig).digest.figures
    if not chosen:
        return None
    if ctx.checkout is not None:  # the CLI and the Action (a --figures path may be absolute)
        local = ctx.checkout / chosen
        try:
            return local.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"digest.figures: {chosen}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"digest.figures: cannot read {chosen}: {exc}") from None
    text = read_text(ctx.client, repo, chosen, ctx.view(DigestConfig).community.default_branch)
    if text is None:
        raise InputError(f"digest.figures: {chosen} is not in {repo}")
    return text


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
