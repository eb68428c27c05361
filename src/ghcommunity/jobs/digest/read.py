"""What the digest reads besides the store: the community's own templates, from the local
checkout when there is one (the CLI, the Action) or from the repository (the App)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ghcommunity.core.errors import InputError
from ghcommunity.github.contents import read_text
from ghcommunity.github.context import Context

Format = Literal["md", "html", "slack", "json"]


def read_template(ctx: Context, repo: str, fmt: Format) -> tuple[str | None, str | None]:
    """(template text, its path) for a format, or (None, None) for the built-in one."""
    if fmt == "json":
        return None, None
    path: str | None = getattr(ctx.config.digest.templates, fmt)
    if not path:
        return None, None
    if ctx.checkout is not None:
        try:
            return (ctx.checkout / path).read_text(encoding="utf-8"), path
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"digest.templates.{fmt}: cannot read {path}: {exc}") from None
    text = read_text(ctx.client, repo, path, ctx.config.community.default_branch)
    if text is None:
        raise InputError(f"digest.templates.{fmt}: {path} is not in {repo}")
    return text, path


def read_supplied(ctx: Context, repo: str, path: str | None) -> str | None:
    """The maintainer-supplied figures file (`path`, else `digest.figures`): from the checkout
    when there is one, else from the repository; None when there is none to read."""
    chosen = path or ctx.config.digest.figures
    if not chosen:
        return None
    if ctx.checkout is not None or path:
        local = (ctx.checkout or Path.cwd()) / chosen
        try:
            return local.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"digest.figures: {chosen}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"digest.figures: cannot read {chosen}: {exc}") from None
    text = read_text(ctx.client, repo, chosen, ctx.config.community.default_branch)
    if text is None:
        raise InputError(f"digest.figures: {chosen} is not in {repo}")
    return text
