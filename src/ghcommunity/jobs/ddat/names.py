"""Comparing framework names the way people write them.

The framework's own spelling is kept for display; comparisons use `normalise`, which ignores
case, surrounding and repeated spaces, punctuation and the kind of dash, so "Senior developer –
management", "senior developer - management" and "Senior developer (management)" are one name.
"""

from __future__ import annotations

import re
import unicodedata

FRAMEWORK_NAME = "Government Digital and Data Profession Capability Framework"
FRAMEWORK_SHORT = "DDaT framework"

# The feedback types the form offers, in the form's order.
FEEDBACK_TYPES = (
    "Missing skill",
    "Inaccurate description",
    "Level expectations",
    "Emerging need",
    "Other",
)
ALL_LEVELS = "All levels"

_PUNCTUATION = re.compile(r"[\s\-‐‑‒–—−_()\[\]{},.;:!?'\"‘’“”/\\]+")


def normalise(text: str) -> str:
    """The comparison key of a name: case-folded, punctuation and dashes as single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _PUNCTUATION.sub(" ", folded).strip()


def tidy(text: str) -> str:
    """A value as written, with surrounding spaces gone and inner runs of spaces collapsed."""
    return " ".join(text.split())
