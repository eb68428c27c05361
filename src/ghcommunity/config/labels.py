"""`labels:` labels as code, and which label namespaces ghcommunity owns."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from ghcommunity.config.base import Section

COLOUR = re.compile(r"^[0-9a-fA-F]{6}$")
MAX_NAME = 50  # GitHub rejects longer label names with a 422
MAX_DESCRIPTION = 100


def check_label_name(value: str) -> str:
    if not value.strip():
        raise ValueError("a label name cannot be empty")
    if len(value) > MAX_NAME:
        raise ValueError(f"label {value!r} is {len(value)} characters; GitHub allows {MAX_NAME}")
    return value


class LabelSpec(Section):
    name: str
    color: str = Field(default="ededed", description="Six hex digits, no '#'.")
    description: str = ""
    previously: list[str] = Field(
        default_factory=list, description="Earlier names, so a rename keeps issues labelled."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_label_name(value)

    @field_validator("color", mode="before")
    @classmethod
    def _colour(cls, value: object) -> object:
        if isinstance(value, int):  # YAML reads 008672 as a number
            value = f"{value:06d}"
        if isinstance(value, str):
            value = value.strip().lstrip("#")
            if not COLOUR.match(value):
                raise ValueError(f"colour {value!r}: expected six hex digits such as 'd73a4a'")
            return value.lower()
        return value

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        if len(value) > MAX_DESCRIPTION:
            raise ValueError(f"description is {len(value)} characters; GitHub allows 100")
        return value


class Labels(Section):
    owned: list[str] = Field(
        default_factory=lambda: [
            "group: ",
            "agenda: ",
            "type: ",
            "ddat",
            "needs-info",
            "needs-triage",
            "possible-duplicate",
        ],
        description=(
            "Label names or prefixes ghcommunity may add and remove. It never removes a label "
            "outside these, and never one a person added."
        ),
    )
    definitions: list[LabelSpec] = Field(default_factory=list)
    prune: bool = Field(
        default=False,
        description="Delete owned labels that are no longer defined (never labels it does not own).",
    )

    def owns(self, name: str) -> bool:
        lowered = name.lower()
        return any(lowered == p.lower() or lowered.startswith(p.lower()) for p in self.owned)
