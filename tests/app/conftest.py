"""Fixtures for the App's tests. The helpers live in app_harness.py beside this file; pytest runs
with --import-mode=importlib, which does not put test folders on sys.path, so this one does."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from app_harness import app_and_sandbox, harness, make_harness

__all__ = ["app_and_sandbox", "harness", "make_harness"]
