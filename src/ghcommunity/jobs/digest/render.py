"""Render the digest's figures: Markdown (with a Mermaid trend chart), HTML for the newsletter,
Slack mrkdwn, and JSON. Pure: figures and template text in, text out.

Each text format is a Jinja2 template. A community can replace one with its own (config
`digest.templates`); every template, built-in or not, renders in the sandboxed environment of
`ghcommunity.core.templating`, with autoescaping for HTML. A template sees every figure of the JSON
output by name (`items`, `participants`, `trend`, ...) plus `title`, `chart` and a few helpers.

The Python here reads the typed `Figures`; a template gets the figures as the JSON output has them
(plain dicts and lists, `model_dump(mode="json")`), as templates always have: a community's own
template may use what dicts offer (`.get`, `|dictsort`, `|tojson`, `in`, `|length`, `.items()`)
and a model offers none of those.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from ghcommunity.core.templating import builtin_template, render_user_template
from ghcommunity.jobs.digest.figures import Figures, Objective, TrendRow

Format = Literal["md", "html", "slack", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "slack", "json")
TEMPLATE_FILES: dict[str, str] = {
    "md": "digest.md.j2",
    "html": "digest.html.j2",
    "slack": "digest.slack.j2",
}
KIND_NAMES = {"issue": "issue", "pull": "pull request", "discussion": "discussion"}
SPARKS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 240  # pixels for the longest bar in the HTML chart


def hours(value: float | None) -> str:
    """A duration in hours, in words: '45 minutes', '5.5 hours', '3.2 days'."""
    if value is None:
        return "no figure yet"
    if value < 1:
        minutes = round(value * 60)
        return f"{minutes} minute" + ("" if minutes == 1 else "s")
    if value < 48:
        return f"{value:.1f} hours".replace(".0 hours", " hours")
    return f"{value / 24:.1f} days".replace(".0 days", " days")


def number(value: float | int | None) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{number(count)} {singular if count == 1 else (many or singular + 's')}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def md(text: object) -> str:
    """Text safe inside Markdown (and a table cell): no accidental links, emphasis or columns."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def slack(text: object) -> str:
    """Text safe in Slack mrkdwn: &, < and > escaped as Slack asks."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sparkline(values: Sequence[int | None]) -> str:
    known = [v for v in values if v is not None]
    top = max(known, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, round(v / top * (len(SPARKS) - 1)))]
        for v in values
    )


def _mermaid_text(text: str) -> str:
    return text.replace('"', "'")


def mermaid_chart(trend: Sequence[TrendRow], title: str) -> str:
    """A Mermaid `xychart-beta` of active people (bars) and new people (a line)."""
    labels = ", ".join(f'"{_mermaid_text(row.label)}"' for row in trend)
    active = [row.active_participants for row in trend]
    new = [row.new_participants for row in trend]
    top = max([*active, *new, 1])
    return "\n".join(
        [
            "```mermaid",
            "xychart-beta",
            f'    title "{_mermaid_text(title)}"',
            f"    x-axis [{labels}]",
            f'    y-axis "People" 0 --> {top}',
            f"    bar [{', '.join(map(str, active))}]",
            f"    line [{', '.join(map(str, new))}]",
            "```",
        ]
    )


def chart_rows(trend: Sequence[TrendRow]) -> list[dict[str, Any]]:
    """The trend with bar widths in pixels, for the HTML chart (rows as templates see them)."""
    top = max([r.active_participants for r in trend] + [1])
    return [
        {
            **row.model_dump(mode="json"),
            "active_width": max(1, round(BAR_WIDTH * row.active_participants / top))
            if row.active_participants
            else 0,
            "new_width": max(1, round(BAR_WIDTH * row.new_participants / top))
            if row.new_participants
            else 0,
        }
        for row in trend
    ]


def _objective_fields(objective: Objective | Mapping[str, Any]) -> tuple[Any, Any, Any]:
    # Templates call the helpers below with an objective as they see it (a dict).
    if isinstance(objective, Objective):
        return objective.value, objective.target, objective.unit
    return objective.get("value"), objective.get("target"), objective.get("unit")


def objective_figure(objective: Objective | Mapping[str, Any]) -> str:
    """An objective's figure as people read it: "+3.2 percentage points", "1,450", or "–"."""
    value, _, unit = _objective_fields(objective)
    if value is None:
        return "–"
    if unit == "percentage points":
        return f"{value:+g} percentage points"
    return number(value)


def objective_target(objective: Objective | Mapping[str, Any]) -> str:
    _, target, unit = _objective_fields(objective)
    if target is None:
        return "–"
    if unit == "percentage points":
        return f"+{target:g} percentage points"
    return number(target)


def context(figures: Figures, title: str) -> dict[str, Any]:
    """What a template sees: the figures as the JSON has them, by name, and the helpers."""
    trend = figures.trend
    first, last = (trend[0].label, trend[-1].label) if trend else ("", "")
    chart_title = f"Active people (bars) and new people (line), {first} to {last}"
    data = figures.model_dump(mode="json")
    return {
        **data,
        "title": title,
        "chart_title": chart_title,
        "chart": mermaid_chart(trend, chart_title),
        "chart_rows": chart_rows(trend),
        "spark_active": sparkline([r.active_participants for r in trend]),
        "spark_new": sparkline([r.new_participants for r in trend]),
        "kind_names": KIND_NAMES,
        "hours": hours,
        "number": number,
        "plural": plural,
        "md": md,
        "slack": slack,
        "objective_figure": objective_figure,
        "objective_target": objective_target,
        "unanswered_shown": data["unanswered"]["entries"][:20],
    }


def render_title(template: str, figures: Figures) -> str:
    text = render_user_template(
        template,
        {
            "community": figures.community,
            "month": figures.month,
            "month_name": figures.month_name,
            "repo": figures.repo,
        },
        name="digest.title",
    )
    return " ".join(text.split())


def render(
    figures: Figures,
    fmt: Format,
    *,
    title: str,
    template: str | None = None,
    template_name: str | None = None,
) -> str:
    """The digest in one format. `template` replaces the built-in template for that format."""
    if fmt == "json":
        data = {"title": title, **figures.model_dump(mode="json")}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    source = template if template is not None else builtin_template(TEMPLATE_FILES[fmt])
    name = template_name or (TEMPLATE_FILES[fmt] if template is None else f"digest {fmt} template")
    text = render_user_template(
        source, context(figures, title), name=name, autoescape=fmt == "html"
    )
    # Templates loop a lot; keep the output tidy whatever their whitespace.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
