"""The base every config model shares (unknown keys are errors, names are stripped), and the
checks several sections make."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        populate_by_name=True,
        validate_default=True,
    )


def monthly_path(value: str, *, what: str, example: str) -> str:
    """A path or branch with `{month}` (YYYY-MM) in it, inside the repository: one per month."""
    if "{month}" not in value:
        raise ValueError(f"{what} must contain {{month}} (YYYY-MM), e.g. {example}")
    from ghcommunity.config.paths import check_path

    return check_path(value, what=what, write=True)
