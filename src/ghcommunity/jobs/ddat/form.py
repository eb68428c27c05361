"""The DDaT feedback issue form, generated from the taxonomy so it never drifts from it.

`render_form` gives the YAML of `config/issue-forms/ddat-feedback.yml`; `feedback_form` gives the
same form parsed (`ghcommunity.core.forms.IssueForm`), which is what the classifier reads bodies
with, so the handler never needs the file and can never read bodies with a stale copy.
"""

from __future__ import annotations

from typing import Any

from ghcommunity.core.forms import IssueForm, parse_form
from ghcommunity.jobs.ddat.names import ALL_LEVELS, FRAMEWORK_NAME
from ghcommunity.jobs.ddat.taxonomy import Taxonomy
from ghcommunity.jobs.ddat.yamltext import dump_yaml

FORM_FILE = "ddat-feedback.yml"

# Field ids (stable: the report and the classifier read answers by these) and their headings.
ROLE, LEVEL, SKILLS, TYPE, PROPOSED, DEPARTMENT, DETAILS, EVIDENCE = (
    "role",
    "level",
    "skills",
    "type",
    "proposed_skill",
    "department",
    "details",
    "evidence",
)
LABELS = {
    ROLE: "Role",
    LEVEL: "Level",
    SKILLS: "Skills",
    TYPE: "Type of feedback",
    PROPOSED: "Proposed skill",
    DEPARTMENT: "Department or organisation",
    DETAILS: "Details",
    EVIDENCE: "Evidence or examples",
}

_INTRO = (
    "Thank you for helping to improve the {framework} — the DDaT framework. The community's "
    "DDaT representatives collect this feedback, grouped by role, level and skill, and take it "
    "to the framework's owners.\n\n"
    "Please do not include anything personal or sensitive: everyone in this repository can "
    "read it. The roles, levels and skills below are the framework's own (downloaded "
    "{downloaded})."
)


def form_data(taxonomy: Taxonomy, feedback_label: str) -> dict[str, Any]:
    """The form as plain data, in the order GitHub shows it."""
    levels = [ALL_LEVELS] + [lv for role in taxonomy.roles for lv in role.levels]
    body: list[dict[str, Any]] = [
        {
            "type": "markdown",
            "attributes": {
                "value": _INTRO.format(
                    framework=FRAMEWORK_NAME, downloaded=taxonomy.source.downloaded
                )
            },
        },
        _dropdown(
            ROLE,
            "The framework role your feedback is about.",
            [r.name for r in taxonomy.roles],
            required=True,
        ),
        _dropdown(
            LEVEL,
            f'The role level, if your feedback is about one; "{ALL_LEVELS}" if it is about '
            "every level.",
            levels,
        ),
        _dropdown(
            SKILLS,
            "The skills your feedback is about, if any (choose as many as apply).",
            [s.name for s in taxonomy.skills],
            multiple=True,
        ),
        _dropdown(TYPE, "What kind of feedback is it?", taxonomy.feedback_types, required=True),
        {
            "type": "input",
            "id": PROPOSED,
            "attributes": {
                "label": LABELS[PROPOSED],
                "description": 'For "Missing skill" or "Emerging need": the skill you propose, '
                "in your words (e.g. Observability).",
            },
            "validations": {"required": False},
        },
        {
            "type": "input",
            "id": DEPARTMENT,
            "attributes": {
                "label": LABELS[DEPARTMENT],
                "description": "Optional: where you work, so representatives can see which "
                "organisations the feedback comes from.",
            },
            "validations": {"required": False},
        },
        {
            "type": "textarea",
            "id": DETAILS,
            "attributes": {
                "label": LABELS[DETAILS],
                "description": "What is missing, inaccurate or changing, and what you would "
                "suggest instead.",
            },
            "validations": {"required": True},
        },
        {
            "type": "textarea",
            "id": EVIDENCE,
            "attributes": {
                "label": LABELS[EVIDENCE],
                "description": "Optional: examples, job adverts, links or experience that show it.",
            },
            "validations": {"required": False},
        },
    ]
    return {
        "name": "DDaT framework feedback",
        "description": "Feedback on the DDaT framework (the Government Digital and Data "
        "Profession Capability Framework): a missing skill, a level that no longer fits, an "
        "emerging need.",
        "title": "DDaT feedback: ",
        "labels": [feedback_label],
        "body": body,
    }


def _dropdown(
    field_id: str,
    description: str,
    options: list[str],
    *,
    required: bool = False,
    multiple: bool = False,
) -> dict[str, Any]:
    attributes: dict[str, Any] = {"label": LABELS[field_id], "description": description}
    if multiple:
        attributes["multiple"] = True
    attributes["options"] = list(options)
    return {
        "type": "dropdown",
        "id": field_id,
        "attributes": attributes,
        "validations": {"required": required},
    }


HEADER = """\
# The DDaT framework feedback form.
#
# GENERATED from the DDaT taxonomy ({taxonomy}) by `ghcommunity ddat form`: do not edit by hand;
# regenerate it when the taxonomy changes. Roles, levels and skills: {attribution}
"""


def render_form(taxonomy: Taxonomy, feedback_label: str, taxonomy_source: str) -> str:
    """The form's YAML (deterministic)."""
    text = dump_yaml(form_data(taxonomy, feedback_label))
    header = HEADER.format(taxonomy=taxonomy_source, attribution=taxonomy.source.attribution)
    return header + "\n" + text


def feedback_form(taxonomy: Taxonomy, feedback_label: str) -> IssueForm:
    """The form as the parser sees it (no file read)."""
    return parse_form(render_form(taxonomy, feedback_label, "<taxonomy>"), FORM_FILE)
