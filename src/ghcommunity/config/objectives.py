"""`objectives:` what the community aims for, measured in the digest."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from ghcommunity.config.base import Section

Metric = Literal[
    "org_members",
    "new_participants",
    "active_participants",
    "departments",
    "groups_active",
    "ddat_feedback",
]


class Objective(Section):
    id: str
    title: str
    metric: Metric = Field(
        description="What is measured: org_members (the organisation's member count), "
        "new_participants, active_participants, departments (represented among participants), "
        "groups_active (groups that met within digest.dormant_months), ddat_feedback."
    )
    target: float = Field(gt=0)
    by: date | None = None
    baseline: float | None = None
    baseline_date: date | None = None
    period: Literal["month", "12-months"] | None = Field(
        default=None,
        description="For counts of people, departments and feedback: the digest's month, or "
        "the twelve months ending with it (the default). Member and group counts are read at "
        "the month's end.",
    )

    @model_validator(mode="after")
    def _baseline_pair(self) -> Objective:
        if (self.baseline is None) != (self.baseline_date is None):
            raise ValueError("give both baseline and baseline_date, or neither")
        if self.by and self.baseline_date and self.baseline_date >= self.by:
            raise ValueError("baseline_date must be before 'by'")
        return self
