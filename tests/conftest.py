"""Shared fixtures for ciogen's own tests."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent

# ciogen's caches (diff revisions, stored builds) live in a folder of this session's
# own: no test reads what another session or checkout stored, nor writes the user's.
os.environ["CIOGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="ciogen-test-cache-")
atexit.register(shutil.rmtree, os.environ["CIOGEN_CACHE_DIR"], ignore_errors=True)

# Golden trees hold generated packages (with their own generated tests);
# they are exercised explicitly by test_golden.py, not collected here.
collect_ignore_glob = ["golden/*"]

settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("deep", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
