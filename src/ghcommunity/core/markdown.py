"""Writing text people gave us back into Markdown the bot posts, so that it stays their text: it
cannot close the bot's formatting, mention people or teams, or become a link."""

from __future__ import annotations

import re

_BACKTICKS = re.compile(r"`+")


def code_span(text: str) -> str:
    """`text` as one inline code span, whatever it holds (CommonMark: a delimiter one backtick
    longer than any run inside; padded when it starts or ends with a backtick). Inside a code
    span, @mentions do not notify and links are not links. Line breaks become spaces."""
    flat = " ".join(text.splitlines())
    longest = max((len(run) for run in _BACKTICKS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    if not flat:
        return ""
    # CommonMark strips one space from each end when both ends are spaces (and not all is
    # space); pad to keep them, and to keep a backtick at either end apart from the fence.
    edges = flat[0] + flat[-1]
    pad = " " if "`" in edges or (edges == "  " and flat.strip()) else ""
    return f"{fence}{pad}{flat}{pad}{fence}"
