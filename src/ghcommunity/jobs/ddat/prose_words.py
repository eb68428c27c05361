"""The words people use for the framework's names in prose: a curated vocabulary. Pure data.

Keyed by the framework's own names; an entry whose name is not in the loaded taxonomy is
ignored. Everything here is a general way of saying the name (a short form, a plural, a common
paraphrase), never a sentence from a particular piece of feedback: the classifier must cope
with wording nobody anticipated, and a vocabulary fitted to known sentences would not.

Confidence: STRONG words say the name (a reader would not hesitate), WEAK words suggest it
(a reader would ask). WEAK skill words only count for skills of the role the text is about (or
any skill when it names no role).
"""

from __future__ import annotations

# Ways of writing each role (the level names add seniority words in front of these).
ROLE_FORMS: dict[str, tuple[str, ...]] = {
    "Software developer": (
        "software developer",
        "software engineer",
        "software dev",
        "software eng",
        "backend developer",
        "back end developer",
        "backend dev",
        "back end dev",
        "full stack developer",
        "full stack dev",
    ),
    "Development operations (DevOps) engineer": (
        "devops engineer",
        "dev ops engineer",
        "devops eng",
        "devops",
        "development operations engineer",
    ),
    "Frontend developer": (
        "frontend developer",
        "front end developer",
        "frontend dev",
        "front end dev",
        "fe developer",
        "fe dev",
        "frontend engineer",
        "front end engineer",
        "ui developer",
    ),
    "Quality assurance test analyst": (
        "quality assurance test analyst",
        "quality assurance analyst",
        "qa test analyst",
        "qat test analyst",
        "qat analyst",
        "qa analyst",
        "test analyst",
    ),
    "Test engineer": (
        "test engineer",
        "qa engineer",
        "qat engineer",
        "test automation engineer",
        "automation tester",
        "automation test engineer",
        "sdet",
    ),
    "Test manager": ("test manager", "qa manager", "qat manager", "testing manager"),
}

# One general word for a role: read, but only proposed (a reader would ask "which developer?").
ROLE_GENERIC: dict[str, tuple[str, ...]] = {
    "Software developer": ("developer", "dev", "programmer", "coder"),
    "Frontend developer": ("frontend", "front end"),
}
# General words for more than one role: they make a text's role uncertain, never decide it.
ROLE_VAGUE: tuple[str, ...] = ("tester", "testers", "qa", "qat", "engineer")

# Seniority words as people write them, by the first word of the framework's level names.
SENIORITY: dict[str, tuple[str, ...]] = {
    "apprentice": ("apprentice", "trainee"),
    "junior": ("junior", "jr", "jnr"),
    "associate": ("associate",),
    "senior": ("senior", "snr", "sr"),
    "lead": ("lead",),
    "principal": ("principal", "princ"),
    "head of": ("head of",),
}
# The middle of a role's ladder is the level named by the role alone ("DevOps engineer",
# "Developer"): people call it "mid-level".
MID: tuple[str, ...] = ("mid", "mid level", "intermediate")

# Skill paraphrases. Exact names and the taxonomy's aliases need no entry.
SKILL_STRONG: dict[str, tuple[str, ...]] = {
    "Accessibility": ("a11y", "wcag", "accessible design", "assistive technology"),
    "Availability and capacity management": ("capacity management", "capacity planning"),
    "Communicating between the technical and non-technical": (
        "technical and non technical",
        "non technical audience",
        "non technical people",
        "non technical stakeholder",
    ),
    "Communicating information": ("communicating information",),
    "Community collaboration": ("community collaboration", "communities of practice"),
    "Designing and executing tests": (
        "test design",
        "designing tests",
        "design tests",
        "executing tests",
        "execute tests",
        "test execution",
        "design and execute tests",
    ),
    "Development process optimisation": (
        "process optimisation",
        "process optimization",
        "development process",
    ),
    "Information security": (
        "infosec",
        "cyber security",
        "cybersecurity",
        "secure coding",
        "application security",
        "threat modelling",
    ),
    "Managing, reporting and resolving defects": (
        "defect management",
        "managing defects",
        "reporting defects",
        "resolving defects",
        "bug tracking",
    ),
    "Modern development standards": (
        "modern standards",
        "development standards",
        "coding standards",
        "engineering standards",
    ),
    "Programming and build (software engineering)": (
        "programming",
        "coding",
        "writing code",
        "programming and build",
    ),
    "Prototyping": ("prototype",),
    "Service support": (
        "production support",
        "live support",
        "support rota",
        "on call",
        "incident management",
    ),
    "Strategic thinking": ("strategic thinking",),
    "Systems design": ("system design", "software design", "architecture", "solution design"),
    "Systems integration": ("system integration", "integration"),
    "Test analysis": ("test analysis",),
    "Test and quality planning": ("test planning", "quality planning", "test strategy"),
    "Test engineering": ("test automation", "automated testing", "automation testing"),
    "User focus": ("user needs", "user centred", "user centered", "user focused"),
    "Web performance optimisation": (
        "web performance",
        "page speed",
        "core web vitals",
        "performance optimisation",
        "page load",
    ),
    "Leadership and guidance (frontend developer)": ("leadership and guidance",),
}
SKILL_WEAK: dict[str, tuple[str, ...]] = {
    "Accessibility": ("accessible",),
    "Availability and capacity management": ("availability", "capacity", "scalability", "uptime"),
    "Communicating information": ("documentation",),
    "Community collaboration": ("open source", "collaboration"),
    "Development process optimisation": ("ways of working", "continuous improvement"),
    "Information security": ("security",),
    "Managing, reporting and resolving defects": ("defect", "bug"),
    "Service support": ("incident", "incidents"),
    "Strategic thinking": ("strategic", "strategy"),
    "Systems design": ("architectural", "architect"),
    "User focus": ("user research",),
    "Leadership and guidance (frontend developer)": ("leadership", "guidance"),
}

# Skills with a frontend variant: read as the variant when the text is about that role.
ROLE_VARIANTS: dict[tuple[str, str], str] = {
    ("Programming and build (software engineering)", "Frontend developer"): (
        "Programming and build (frontend developer)"
    ),
    ("Systems design", "Frontend developer"): "Systems design (frontend developer)",
    ("Systems integration", "Frontend developer"): "Systems integration (frontend developer)",
    ("User focus", "Frontend developer"): "User focus (frontend developer)",
}

# Words that show a text is feedback about a framework of roles and skills (with a name).
# Besides these, a name followed by "role", "skill" or "level" ("the DevOps engineer role",
# "the user focus skill") is a cue, and so is "senior level", "practitioner level".
FRAMEWORK_CUES: tuple[str, ...] = (
    r"\bframeworks?\b",
    r"\b(?:skill|role) levels?\b",
    r"\brole descriptions?\b",
    r"\brole profiles?\b",
    r"\bskill (?:list|set|description)s?\b",
    r"\bexpected to\b",
    r"\bexpectations?\b",
    r"\bassessed\b",
    r"\bgraded\b",
    r"\bpromotion\b",
    r"\bproficiency\b",
    r"\bcareer paths?\b",
    r"\bcompetenc(?:y|ies|e|es)\b",
    r"\bjob descriptions?\b",
    r"\b(?:awareness|working|practitioner|expert|junior|senior|lead|principal|associate|"
    r"apprentice|mid)[ -]level\b",
)
# Everyday words that are cues only when the text also names a framework skill.
WEAK_CUES: tuple[str, ...] = (r"\bskills?\b", r"\broles?\b", r"\blevels?\b")
# Skill proficiency names: "at practitioner level" is a skill's level, not a role level.
PROFICIENCY: tuple[str, ...] = ("awareness", "working", "practitioner", "expert")
