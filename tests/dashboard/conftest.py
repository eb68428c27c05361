"""The dashboard's tests run at the sample community's frozen time (2026-11-16 09:00 UTC):
the Context's clock is pinned, as the CLI's --now pins it."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "app"))

from app_harness import app_and_sandbox
from dashboard_support import NOW

__all__ = ["app_and_sandbox"]


class _Pinned(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> _Pinned:  # type: ignore[override]
        moment = NOW if tz is None or tz is UTC else NOW.astimezone(tz)
        return cls.fromtimestamp(moment.timestamp(), moment.tzinfo)


@pytest.fixture
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    import ghcommunity.github.context as context

    monkeypatch.setattr(context, "datetime", _Pinned)
