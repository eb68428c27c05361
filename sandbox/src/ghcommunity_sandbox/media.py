"""GitHub's media types: what the `Accept` header asks for, and what changes with it.

- Comment body properties (`application/vnd.github[.v3].{raw,text,html,full}+json`): issues,
  comments, pull requests and reviews carry `body` (raw, the default), `body_text` (text),
  `body_html` (html), or all three (full).
- Commits, comparisons and pull requests as `application/vnd.github[.v3].diff` or `.patch`:
  the change as text instead of JSON (handlers ask `wanted_format`).
"""

from __future__ import annotations

import html
import re
from typing import Any

# `+json` is optional: octokit.js asks for `application/vnd.github.v3.full`, and GitHub answers
_BODY = re.compile(r"application/vnd\.github(?:\.v3)?\.(raw|text|html|full)(?:\+json)?\b")
_FORMAT = re.compile(r"application/vnd\.github(?:\.v3)?\.(diff|patch|sha)\b(?!\+json)")


def body_param(accept: str | None) -> str | None:
    """`raw`, `text`, `html` or `full` when the Accept header names one."""
    found = _BODY.search(accept or "")
    return found.group(1) if found else None


def wanted_format(accept: str | None) -> str | None:
    """`diff`, `patch` or `sha` when the Accept header asks for one."""
    found = _FORMAT.search(accept or "")
    return found.group(1) if found else None


def media_type_header(accept: str | None) -> str:
    """The `X-GitHub-Media-Type` GitHub answers with."""
    param = body_param(accept)
    fmt = wanted_format(accept)
    if fmt:
        return f"github.v3; param={fmt}"
    if param:
        return f"github.v3; param={param}; format=json"
    return "github.v3; format=json"


_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")


def _inline_text(line: str) -> str:
    line = _LINK.sub(lambda m: m.group(1), line)
    return _EMPHASIS.sub(lambda m: m.group(2), line)


def render_text(markdown: str) -> str:
    """The text-only form of a Markdown body (markup dropped, as GitHub's `body_text`)."""
    out = []
    for raw in markdown.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if line.startswith(("```", "<!--")):
            continue
        line = re.sub(r"^(#{1,6}\s+|[-*+]\s+(\[[ xX]\]\s+)?|>\s?)", "", line)
        out.append(_inline_text(line))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


_HTML_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"<del>\1</del>"),
    (re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)"), r'<a href="\2" rel="nofollow">\1</a>'),
]


def _inline_html(line: str) -> str:
    out = html.escape(line, quote=False)
    for pattern, replacement in _HTML_INLINE:
        out = pattern.sub(replacement, out)
    return out


def render_html(markdown: str) -> str:
    """A small HTML rendering of a Markdown body (headings, lists, paragraphs, code), as
    GitHub's `body_html` carries; not GitHub's renderer, but the same kind of text."""
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []
    code: list[str] | None = None

    def flush() -> None:
        if para:
            blocks.append("<p>" + "<br>\n".join(para) + "</p>")
            para.clear()
        if items:
            blocks.append("<ul>\n" + "\n".join(f"<li>{i}</li>" for i in items) + "\n</ul>")
            items.clear()

    for raw in markdown.replace("\r\n", "\n").split("\n"):
        if code is not None:
            if raw.strip().startswith("```"):
                blocks.append("<pre><code>" + html.escape("\n".join(code)) + "\n</code></pre>")
                code = None
            else:
                code.append(raw)
            continue
        line = raw.strip()
        if line.startswith("```"):
            flush()
            code = []
            continue
        if not line:
            flush()
            continue
        heading = re.match(r"(#{1,6})\s+(.*)", line)
        if heading:
            flush()
            level = len(heading.group(1))
            blocks.append(f"<h{level}>{_inline_html(heading.group(2))}</h{level}>")
            continue
        bullet = re.match(r"[-*+]\s+(.*)", line)
        if bullet:
            if para:
                flush()
            items.append(_inline_html(bullet.group(1)))
            continue
        para.append(_inline_html(line))
    if code is not None:
        blocks.append("<pre><code>" + html.escape("\n".join(code)) + "\n</code></pre>")
    flush()
    return "\n".join(blocks)


def _has_body(value: dict[str, Any]) -> bool:
    # issues, pull requests, comments and reviews: a body written by someone
    return "body" in value and "author_association" in value


def apply_body_param(data: Any, param: str) -> Any:
    """`data` with the body properties the media type asks for (raw: unchanged)."""
    if param == "raw":
        return data
    if isinstance(data, list):
        return [apply_body_param(v, param) for v in data]
    if not isinstance(data, dict):
        return data
    out = {k: apply_body_param(v, param) for k, v in data.items()}
    if _has_body(data):
        body = data["body"] or ""  # GitHub's description: strings, even for no body
        if param in ("text", "full"):
            out["body_text"] = render_text(body)
        if param in ("html", "full"):
            out["body_html"] = render_html(body)
        if param != "full":
            del out["body"]
    return out
