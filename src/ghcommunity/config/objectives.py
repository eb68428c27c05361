"""`objectives:` what the community aims for, measured in the digest."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ghcommunity.config.base import Section

Metric = Literal[
    "org_members",
    "new_participants",
    "active_participants",
    "active_engagement",
    "departments",
    "department_share",
    "groups_active",
    "ddat_feedback",
    "supplied",
]
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Objective(Section):
    id: str
    title: str
    metric: Metric = Field(
        description="What is measured: org_members (the organisation's member count), "
        "new_participants, active_participants, active_engagement (distinct people active on "
        "GitHub or recorded attending a held meeting in the last 12 months), departments "
        "(represented among participants), department_share (the share of digest.departments "
        "represented over 12 months, as a change in percentage points from baseline_month), "
        "groups_active (groups that met within digest.dormant_months), ddat_feedback, "
        "supplied (a figure a maintainer supplies in digest.figures, with its date and source)."
    )
    target: float | None = Field(
        default=None,
        gt=0,
        description="The figure aimed for (department_share: percentage points of change); "
        "none: the figure is tracked.",
    )
    baseline_month: str | None = Field(
        default=None,
        description="department_share: the month (YYYY-MM) the change is counted from; its "
        "digest must have been compiled (its figures are kept).",
    )
    stated: str | None = Field(
        default=None,
        description="Where the community states this objective (shown beside it).",
    )
    by: date | None = None
    baseline: float | None = None
    baseline_date: date | None = None
    period: Literal["month", "12-months"] | None = Field(
        default=None,
        description="For counts of people, departments and feedback: the digest's month, or "
        "the twelve months ending with it (the default). Member and group counts are read at "
        "the month's end.",
    )

    @field_validator("baseline_month")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None and not _MONTH.match(value):
            raise ValueError(f"{value!r} is not a month: expected YYYY-MM")
        return value

    @model_validator(mode="after")
    def _baseline_pair(self) -> Objective:
        if (self.baseline is None) != (self.baseline_date is None):
            raise ValueError("give both baseline and baseline_date, or neither")
        if self.by and self.baseline_date and self.baseline_date >= self.by:
            raise ValueError("baseline_date must be before 'by'")
        return self


class SuppliedFigure(Section):
    """One figure a maintainer supplies for an objective that GitHub cannot measure (newsletter
    readers, Slack members, the representation of women): its date and source are shown beside
    it. Aggregates only: nothing about any person."""

    objective: str = Field(description="The objective's id.")
    date: dt.date = Field(
        description="When the figure was true (the digest uses the newest one "
        "dated on or before the month's end)."
    )
    value: float = Field(ge=0)
    source: str = Field(min_length=1, description="Where it comes from, e.g. 'Mailchimp'.")
    note: str | None = None


class SuppliedFigures(Section):
    figures: list[SuppliedFigure] = Field(default_factory=list)
