"""Regenerate every golden tree under tests/golden/ (run from the repo root)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.chdir(Path(__file__).resolve().parent.parent)

from golden_cases import cases, write_case  # noqa: E402

if __name__ == "__main__":
    for case in cases():
        write_case(case)
        print(f"regenerated tests/golden/{case}")
