"""Short names for labels, for the framework's names too long to fit one. Curated, not computed.

A GitHub label name is at most 50 characters, and `ddat-skill: ` takes 12 of them, so a few of
the framework's names need a shorter form. Each is chosen by hand to read well on an issue; the
label's description keeps the full name. `ghcommunity ddat taxonomy` writes these into the
taxonomy (`short_names:`), keeps any already there, and stops with a clear error when a new
name from the CSVs is too long and has none, asking for one.
"""

from __future__ import annotations

SHORT_NAMES: dict[str, dict[str, str]] = {
    "role": {
        "Development operations (DevOps) engineer": "DevOps engineer",
    },
    "level": {
        "Associate quality assurance test analyst": "Associate QA test analyst",
        # Other role families (`--families`):
        "Associate application operations engineer": "Associate app operations engineer",
        "Principal application operations engineer": "Principal app operations engineer",
        "Associate infrastructure operations engineer": "Associate infrastructure ops engineer",
        "Senior infrastructure operations engineer": "Senior infrastructure ops engineer",
        "Lead infrastructure operations engineer": "Lead infrastructure ops engineer",
        "Principal infrastructure operations engineer": "Principal infrastructure ops engineer",
    },
    "skill": {
        "Communicating between the technical and non-technical": (
            "Communicating with non-technical"
        ),
        "Leadership and guidance (frontend developer)": "Leadership and guidance (frontend)",
        "Managing, reporting and resolving defects": "Managing, reporting, resolving defects",
        "Programming and build (frontend developer)": "Programming and build (frontend)",
        "Programming and build (software engineering)": "Programming and build",
        "Systems integration (frontend developer)": "Systems integration (frontend)",
        # Other role families (`--families`):
        "Applied maths, statistics and scientific practices": "Applied maths, stats and science",
        "Applying statistical and analytical tools and techniques": (
            "Statistical and analytical tools"
        ),
        "Data modelling, cleansing and enrichment": "Data modelling, cleansing, enrichment",
        "Delivering business impact through data": "Business impact through data",
        "Enabling and informing risk-based decisions": "Informing risk-based decisions",
        "Enterprise and business architecture (business analyst)": (
            "Enterprise/business architecture (BA)"
        ),
        "Governance and assurance (accessibility)": "Governance and assurance (a11y)",
        "Monitoring and evaluation across the product life cycle": (
            "Monitoring and evaluation (life cycle)"
        ),
        "Programming and build (data engineering)": "Programming and build (data)",
        "Research management, leadership and assurance": "Research management and leadership",
        "Stakeholder relationship management (content design)": (
            "Stakeholder relationships (content)"
        ),
        "Stakeholder relationship management (IT operations)": (
            "Stakeholder relationships (IT ops)"
        ),
        "Technical design throughout the life cycle": "Technical design (life cycle)",
        "Technical understanding (accessibility)": "Technical understanding (a11y)",
        "Technical understanding (performance analyst)": "Technical understanding (perf analyst)",
        "Technical understanding (user-centred design)": "Technical understanding (UCD)",
        "Turning business problems into data design": "Business problems into data design",
        "Understanding analysis across the product life cycle": "Analysis across the life cycle",
        "Understanding security implications of transformation": (
            "Security implications of change"
        ),
        "Working within constraints (performance analyst)": "Working within constraints (perf)",
    },
}

# The prefix the lengths are checked against (the default `ddat.label_prefix`).
DEFAULT_PREFIX = "ddat"
