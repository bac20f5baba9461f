"""Shared fixtures for ciogen's own tests."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent

# Golden trees hold generated packages (with their own generated tests);
# they are exercised explicitly by test_golden.py, not collected here.
collect_ignore_glob = ["golden/*"]

settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("deep", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
