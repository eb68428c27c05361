"""Rendering templates people can supply: Jinja2's sandbox, undefined names are errors.

A community's templates come from its repo, so they are untrusted: they run in Jinja2's
`SandboxedEnvironment` (no access to Python internals) with `StrictUndefined` (a typo in a
variable name is an error that names it, not a silent blank).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from ghcommunity.core.errors import InputError


@lru_cache(maxsize=4)
def environment(autoescape: bool = False) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_user_template(
    source: str, context: Mapping[str, Any], *, name: str = "<template>", autoescape: bool = False
) -> str:
    """Render untrusted template text; errors become InputError naming the template."""
    try:
        template = environment(autoescape).from_string(source)
        return template.render(**context)
    except UndefinedError as exc:
        raise InputError(
            f"{name}: {exc.message} (available: {', '.join(sorted(context))})"
        ) from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"{name}:{line}" if line else name
        raise InputError(f"{where}: template error: {exc}") from None


def builtin_template(filename: str) -> str:
    """The text of a default template shipped in `ghcommunity/templates/`."""
    return resources.files("ghcommunity.templates").joinpath(filename).read_text(encoding="utf-8")
