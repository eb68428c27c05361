"""Departments as people write them, read as one name. Pure. Used by the digest and the DDaT
report, so a department is spelt the same in both.

`digest.departments` in the config maps each department to the ways people write it (profile
company, form answers): "HMRC": ["HM Revenue and Customs", "@hmrc"].
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal

Status = Literal["known", "unrecognised", "unknown"]

_NORMAL = re.compile(r"[^a-z0-9]+")


def normalise_name(text: str) -> str:
    """'@HMRC', 'H.M. Revenue & Customs ' and 'hm revenue and customs' compare alike."""
    text = text.strip().lstrip("@").lower().replace("&", " and ").replace(".", "")
    text = _NORMAL.sub(" ", text).strip()
    return text.removeprefix("the ").strip()


def alias_table(departments: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Normalised spelling → department, from `digest.departments`."""
    table: dict[str, str] = {}
    for name, aliases in departments.items():
        for alias in (name, *aliases):
            key = normalise_name(alias)
            if key:
                table.setdefault(key, name)
    return table


def department(text: str | None, aliases: Mapping[str, str]) -> tuple[str | None, Status]:
    """(department, status) for what someone wrote: "known" (an alias matched, or there are no
    aliases and it is kept as written), "unrecognised" (no alias matches: returned as written,
    tidied) or "unknown" (nothing written)."""
    if not text or not normalise_name(text):
        return None, "unknown"
    written = " ".join(text.strip().lstrip("@").split())
    if not aliases:
        return written, "known"
    found = aliases.get(normalise_name(text))
    if found:
        return found, "known"
    return written, "unrecognised"
