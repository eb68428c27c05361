"""The Action's tests import their helpers from action_support.py next to this file; pytest runs
with --import-mode=importlib, which does not put test folders on sys.path, so this one does."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
