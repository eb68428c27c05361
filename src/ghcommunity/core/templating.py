"""Rendering templates people can supply: Jinja2's sandbox, undefined names are errors.

A community's templates come from its repo, so they are untrusted: they run in Jinja2's
`SandboxedEnvironment` (no access to Python internals) with `StrictUndefined` (a typo in a
variable name is an error that names it, not a silent blank), and within limits: at most
`MAX_OUTPUT` characters of output (checked as it is produced, and before a `*`, `+`, `center`
or `indent` builds a big string), `range()` of at most `MAX_RANGE` items, and `TIME_LIMIT`
seconds (checked at every step of a `range()` loop and every piece of output). A template
over a limit is an InputError naming it, never an App worker stuck for good.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import StrictUndefined, TemplateError, UndefinedError, pass_eval_context
from jinja2.filters import do_center, do_format, do_indent, do_replace
from jinja2.nodes import EvalContext
from jinja2.sandbox import SandboxedEnvironment

from ghcommunity.core.errors import InputError

MAX_OUTPUT = 2_000_000  # characters a template may produce (a notes file, a digest)
MAX_RANGE = 100_000  # items in one range()
TIME_LIMIT = 5.0  # seconds a template may take


class TemplateLimit(Exception):
    """A template went over a limit (size or time)."""


_deadline = threading.local()


def _tick() -> None:
    until = getattr(_deadline, "until", None)
    if until is not None and time.monotonic() > until:
        raise TemplateLimit(f"it took longer than {TIME_LIMIT:g} seconds")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


def _range(*args: int) -> Iterator[int]:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimit(f"range() of {len(numbers):,} items (at most {MAX_RANGE:,})")
    for number in numbers:
        _tick()
        yield number


# A width or precision in a format spec builds a string that long in one call: "%0500000000d".
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\d*)(?:\.(\d+))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*:[^{}\d]*(\d*)(?:[,_])?(?:\.(\d+))?[^{}]*\}")


def _check_spec(fmt: Any) -> None:
    if not isinstance(fmt, str):
        return
    for pattern in (_PERCENT_SPEC, _BRACE_SPEC):
        for match in pattern.finditer(fmt):
            for number in match.groups():
                if number and int(number) > MAX_OUTPUT:
                    raise TemplateLimit(f"a format width of {int(number):,} characters")


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    _check_spec(value)
    return do_format(value, *args, **kwargs)


@pass_eval_context
def _replace(
    eval_ctx: EvalContext, value: Any, old: str, new: str, count: int | None = None
) -> Any:
    text = str(value)
    times = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        times = min(times, count)
    if len(text) + times * max(len(str(new)) - len(old), 0) > MAX_OUTPUT:
        raise TemplateLimit(f"a replace() making over {MAX_OUTPUT:,} characters")
    return do_replace(eval_ctx, value, old, new, count)


def _center(value: str, width: int = 80) -> str:
    if width > MAX_OUTPUT:
        raise TemplateLimit(f"center() to {width:,} characters")
    return do_center(value, width)


def _indent(value: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    if isinstance(width, int) and width * max(1, str(value).count("\n") + 1) > MAX_OUTPUT:
        raise TemplateLimit(f"indent() by {width:,}")
    return do_indent(value, width, first, blank)


class _Limited(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def wrap_str_format(self, value: Any) -> Any:
        # "{:>500000000}".format(1): check the spec before the sandbox's own wrapper runs it.
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _check_spec(value.__self__)
        return wrapped

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "%":
            _check_spec(left)
        elif operator == "*":
            count = right if isinstance(right, int) else left if isinstance(left, int) else 0
            if max(_size(left), _size(right)) * max(count, 0) > MAX_OUTPUT:
                raise TemplateLimit(f"a repetition of over {MAX_OUTPUT:,} characters")
        elif operator == "**":
            if isinstance(right, int | float) and abs(right) > 1000:
                raise TemplateLimit("a power with an exponent over 1,000")
        elif _size(left) + _size(right) > MAX_OUTPUT:
            raise TemplateLimit(f"a value of over {MAX_OUTPUT:,} characters")
        return super().call_binop(context, operator, left, right)


@lru_cache(maxsize=4)
def environment(autoescape: bool = False) -> SandboxedEnvironment:
    env = _Limited(
        undefined=StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["range"] = _range
    # lipsum(n=400000) builds megabytes in one call and no community template needs it.
    env.globals.pop("lipsum", None)
    env.filters["center"] = _center
    env.filters["indent"] = _indent
    env.filters["format"] = _format
    env.filters["replace"] = _replace
    return env


def render_user_template(
    source: str, context: Mapping[str, Any], *, name: str = "<template>", autoescape: bool = False
) -> str:
    """Render untrusted template text; errors become InputError naming the template."""
    previous = getattr(_deadline, "until", None)
    _deadline.until = time.monotonic() + TIME_LIMIT
    try:
        template = environment(autoescape).from_string(source)
        pieces: list[str] = []
        size = 0
        for piece in template.generate(**context):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise TemplateLimit(f"its output is over {MAX_OUTPUT:,} characters")
            _tick()
            pieces.append(piece)
        return "".join(pieces)
    except TemplateLimit as exc:
        raise InputError(f"{name}: the template is over a limit: {exc}") from None
    except (RecursionError, MemoryError):
        raise InputError(f"{name}: the template is over a limit: it recurses too deeply") from None
    except UndefinedError as exc:
        raise InputError(
            f"{name}: {exc.message} (available: {', '.join(sorted(context))})"
        ) from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"{name}:{line}" if line else name
        raise InputError(f"{where}: template error: {exc}") from None
    finally:
        _deadline.until = previous


def builtin_template(filename: str) -> str:
    """The text of a default template shipped in `ghcommunity/templates/`."""
    return resources.files("ghcommunity.templates").joinpath(filename).read_text(encoding="utf-8")
