"""The DDaT feedback form: generated from the taxonomy, valid for GitHub, read back by the parser."""

from __future__ import annotations

import subprocess
import sys

from ddat_support import FORM_FILE

from ghcommunity.core.forms import load_form, parse_body, render_body
from ghcommunity.jobs.ddat.form import feedback_form, render_form


def test_committed_form_is_up_to_date_with_the_taxonomy(taxonomy, config) -> None:  # type: ignore[no-untyped-def]
    expected = render_form(taxonomy, config.ddat.feedback_label, config.ddat.taxonomy)
    assert FORM_FILE.read_text(encoding="utf-8") == expected, (
        "config/issue-forms/ddat-feedback.yml is stale: run `ghcommunity ddat form`"
    )


def test_form_is_valid_for_github() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-issue-forms",
            str(FORM_FILE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_fields_options_and_order(taxonomy) -> None:  # type: ignore[no-untyped-def]
    form = load_form(FORM_FILE, strict=True)
    assert [f.id for f in form.answerable] == [
        "role",
        "level",
        "skills",
        "type",
        "proposed_skill",
        "department",
        "details",
        "evidence",
    ]
    assert form.labels == ("ddat-feedback",)
    role, level, skills, kind = (form.field(i) for i in ("role", "level", "skills", "type"))
    assert role is not None
    assert role.required
    assert not role.multiple
    assert role.options == tuple(r.name for r in taxonomy.roles)
    assert level is not None
    assert not level.required
    assert level.options[0] == "All levels"
    # levels in the official order, role by role
    software = list(level.options).index("Apprentice developer")
    assert (
        list(level.options[software : software + 9]) == taxonomy.role("Software developer").levels
    )
    assert skills is not None
    assert skills.multiple
    assert not skills.required
    assert "Managing, reporting and resolving defects" in skills.options
    assert kind is not None
    assert kind.required
    assert kind.options == (
        "Missing skill",
        "Inaccurate description",
        "Level expectations",
        "Emerging need",
        "Other",
    )
    assert form.field("department").type == "input"
    assert form.field("details").required
    assert not form.field("evidence").required


def test_a_rendered_submission_reads_back(taxonomy) -> None:  # type: ignore[no-untyped-def]
    form = feedback_form(taxonomy, "ddat-feedback")
    answers = {
        "role": ["Test engineer"],
        "level": ["Senior test engineer"],
        "skills": ["Managing, reporting and resolving defects", "Test analysis"],
        "type": ["Inaccurate description"],
        "department": "DWP",
        "details": "The level description is out of date.",
    }
    parsed = parse_body(render_body(form, answers), form)
    assert parsed.from_form
    assert parsed.values["skills"] == answers["skills"]  # the comma inside a name survives
    assert parsed.values["level"] == ["Senior test engineer"]
