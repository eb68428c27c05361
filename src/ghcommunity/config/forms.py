"""Form dropdowns whose options come from config (`ghcommunity form render` keeps them in step)."""

from __future__ import annotations

from ghcommunity.config import Config


def group_option_names(config: Config) -> list[str]:
    """The groups a form offers: every group not closed or merely proposed, in config order."""
    return [g.name for g in config.groups if g.status not in ("closed", "proposed")]


def generated_options(config: Config) -> dict[str, dict[str, list[str]]]:
    """Form file name → field id → the options config says that dropdown has."""
    out: dict[str, dict[str, list[str]]] = {}
    for rule in config.triage.forms:
        for field_id, field_rule in rule.fields.items():
            if field_rule.options == "groups":
                names = group_option_names(config)
                extra = [o for o in field_rule.extra_options if o not in names]
                out.setdefault(rule.template, {})[field_id] = names + extra
    return out
