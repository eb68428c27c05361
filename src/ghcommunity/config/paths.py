"""Paths in the config: inside the repository, and nothing a reader could misread.

Every path the config names (templates, the taxonomy, forms) is read from the repository, and
every path the bot writes (notes, feeds, digests, exports) is written to it. Either way it is a
relative path inside the repository: no absolute path, no `..`, no backslash, no NUL, control,
bidi or invisible characters, no look-alikes of `/` or `.`; and the bot never writes under
`.github/` (workflows: code with the repository's secrets) or `.git/`.

A symlink in a checkout can still point outside it: `inside_checkout` checks that where a file
is read from a working tree.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator

# Characters that look like a path separator or a dot but are not one.
_LOOK_ALIKES = frozenset(
    "\u2044\u2215\u2571\u29f8\u29f9\u2cc6\u3033\u30ce\u31d3\u4e3f\u2f03\uff0f\ufe68\uff3c"
    "\u2024\u2025\u2026\uff0e\u3002\uff61\u0701\u0702\ua60e\ua4f8\u06d4\u2e31\u00b7\u2027"
)


def check_path(value: str, *, what: str = "the path", write: bool = False) -> str:
    """A relative path inside the repository (see the module); raise ValueError if not."""
    if not value:
        raise ValueError(f"{what} is empty")
    for ch in value:
        category = unicodedata.category(ch)
        if ch == "\0" or category in ("Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"):
            raise ValueError(
                f"{what} {value!r} has a control, invisible or bidi character "
                f"(U+{ord(ch):04X}); use plain text"
            )
        if ch in _LOOK_ALIKES or (ch != " " and category == "Zs"):
            raise ValueError(
                f"{what} {value!r} has {unicodedata.name(ch, 'a character')} (U+{ord(ch):04X}), "
                "which looks like '/', '.' or a space but is not one"
            )
        if not ch.isascii() and unicodedata.normalize("NFKC", ch) != ch:
            raise ValueError(
                f"{what} {value!r} has {unicodedata.name(ch, 'a character')} (U+{ord(ch):04X}), "
                f"a look-alike of {unicodedata.normalize('NFKC', ch)!r}"
            )
    if "\\" in value:
        raise ValueError(f"{what} {value!r}: use '/' between folders, not '\\'")
    if value.startswith(("/", "~")) or (len(value) > 1 and value[1] == ":"):
        raise ValueError(f"{what} {value!r} must be relative to the repository's root")
    parts = [p for p in value.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ValueError(
            f"{what} {value!r} must be relative to the repository's root and stay inside it (no '..')"
        )
    if not parts:
        raise ValueError(f"{what} {value!r} is not a path in the repository")
    top = parts[0].lower()
    if top == ".git":
        raise ValueError(f"{what} {value!r} is inside .git/")
    if write and top == ".github":
        raise ValueError(
            f"{what} {value!r} is under .github/, where the bot never writes (workflows there "
            "run with the repository's secrets)"
        )
    # One spelling per file ("./data/x.yml", "data//x.yml" → "data/x.yml"): it is compared with
    # the paths a push lists and used as a cache key.
    return "/".join(parts) + ("/" if value.endswith("/") else "")


def _read(value: str) -> str:
    return check_path(value, what="the path")


def _write(value: str) -> str:
    return check_path(value, what="the path", write=True)


# A file or folder the bot reads from the repository (a template, a form, the taxonomy).
RepoPath = Annotated[str, AfterValidator(_read)]
# A file or folder the bot writes in the repository (notes, feeds, digests, exports).
WritePath = Annotated[str, AfterValidator(_write)]


def inside_checkout(root: Path, relative: str) -> Path:
    """`root / relative`, resolved, if it stays inside `root` (a symlink may not lead out)."""
    check_path(relative)
    base = root.resolve()
    target = (base / relative).resolve()
    if target != base and base not in target.parents:
        raise ValueError(f"{relative!r} leads outside the repository (through a symlink)")
    return target
