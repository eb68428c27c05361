"""Other names people use for framework names, and names the framework used to use.

Only aliases whose target is in the generated taxonomy are written to it. Each one here is a
name the framework itself used, or one the community uses every day; nothing guessed.
"""

from __future__ import annotations

SKILL_ALIASES: dict[str, tuple[str, ...]] = {
    # The pre-2024 name of the skill.
    "Modern development standards": ("Modern standards approach",),
}

ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    # Job adverts and the community's own name say "software engineer".
    "Software developer": ("Software engineer",),
    # The framework's own level names say "DevOps engineer".
    "Development operations (DevOps) engineer": (
        "DevOps engineer",
        "Development operations engineer",
    ),
    "Frontend developer": ("Front-end developer",),
}
