"""`ddat:` DDaT framework feedback: taxonomy, labels, report."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from ghcommunity.config.base import Section, monthly_path
from ghcommunity.config.paths import RepoPath

ExportFormat = Literal["md", "html", "csv", "csv-skills", "xlsx", "json"]
_PREFIX = re.compile(r"^[a-z0-9][a-z0-9._/-]{0,11}$")


class Ddat(Section):
    enabled: bool = True
    taxonomy: RepoPath = Field(
        default="config/ddat.yml",
        description=(
            "Path of the taxonomy generated from the framework's CSVs by `ghcommunity ddat "
            "taxonomy`. When the default path does not exist, the copy that ships with "
            "ghcommunity is used."
        ),
    )
    feedback_label: str = Field(
        default="ddat-feedback", description="The label every piece of DDaT feedback carries."
    )
    label_prefix: str = Field(
        default="ddat",
        description=(
            "Prefix of role, level, skill and feedback-type labels: '<prefix>-role: ...'. "
            "Must fall within labels.owned."
        ),
    )
    form: RepoPath = Field(
        default="ddat-feedback.yml", description="The feedback form's file name."
    )
    representatives: list[str] = Field(
        default_factory=list, description="GitHub logins of the DDaT representatives."
    )
    detect_mentions: bool = Field(
        default=True,
        description=(
            "Label issues that did not come through the form but are about the framework "
            "(they mention DDaT, the capability framework, or a distinctive role or skill "
            "name) with the feedback label and needs-triage, and invite the author to say "
            "which role, level and skills."
        ),
    )
    extra_terms: list[str] = Field(
        default_factory=list,
        description="More words or phrases that mark an issue as about the framework.",
    )
    export_path: str = Field(
        default="ddat-feedback/{month}.md",
        description="Where `ghcommunity ddat export` writes the report; {month} is YYYY-MM.",
    )
    export_formats: list[ExportFormat] = Field(
        default_factory=lambda: list[ExportFormat](["md"]),
        description=(
            "The report's formats `ghcommunity ddat export` puts in its pull request, next to "
            "export_path with their own extension (the Markdown is always there)."
        ),
    )
    export_anonymise: bool = Field(
        default=False,
        description="Export the report without logins (for the framework's owners).",
    )
    export_branch: str = Field(
        default="ghcommunity/ddat-feedback-{month}",
        description="The branch the export's pull request comes from; {month} is YYYY-MM.",
    )

    @field_validator("label_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not _PREFIX.match(value):
            raise ValueError(
                f"label_prefix {value!r}: expected up to 12 lower-case letters, digits, '-', "
                "'.', '_' or '/', such as 'ddat' (labels are '<prefix>-role: ...', at most 50 "
                "characters)"
            )
        return value

    @field_validator("export_path", "export_branch")
    @classmethod
    def _month(cls, value: str, info: ValidationInfo) -> str:
        example = cls.model_fields[str(info.field_name)].default
        if info.field_name == "export_branch":
            if "{month}" not in value:
                raise ValueError(f"{value!r} must contain {{month}} (YYYY-MM), e.g. {example}")
            return value
        return monthly_path(value, what=repr(value), example=str(example))
