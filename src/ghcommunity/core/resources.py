"""Files that ship with ghcommunity: the reference config, the DDaT taxonomy, the issue forms.

In a wheel they live in `ghcommunity/reference/` (see pyproject's force-include); in a source
checkout (editable install, tests) they are the repository's `config/` folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).parents[1] / "reference"
_SOURCE = Path(__file__).resolve().parents[3] / "config"


def reference_dir() -> Path:
    """The folder holding community.yml, ddat.yml and issue-forms/."""
    if (_PACKAGED / "community.yml").is_file():
        return _PACKAGED
    return _SOURCE


def reference_file(name: str) -> Path:
    return reference_dir() / name


def reference_config() -> Path:
    return reference_file("community.yml")
