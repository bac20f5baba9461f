"""Smoke test of bench/footprint.py: the whole benchmark runs at a tiny size.

The quick run builds every contestant it can without network (this checkout's
generator, the generator before issue #10 from git history, the plain-class floor;
datamodel-code-generator only in full runs), measures each figure once and
renders the BENCHMARKS.md block; the numbers themselves mean nothing at this size.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import footprint, report_footprint  # noqa: E402


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git for the baseline generator")
def test_footprint_benchmark_runs_tiny(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    results_path = tmp_path / "footprint.json"
    assert footprint.main(["--quick", "--results", str(results_path)], write=seen.append) == 0
    [results] = seen
    assert json.loads(results_path.read_text(encoding="utf-8")) == results
    rows = report_footprint.targets(results)
    assert len(rows) == 10 and all(row["measured"] for row in rows)
    assert results["typed_call"]["ratio"]["median"] > 0
    assert results["generated_tests"]["rc"] == 0 and results["generated_tests"]["tests"] > 0
    plan = results["imports"]["plan"]
    assert {"ciogen", "ciogen_before", "floor"} <= set(plan)

    md = tmp_path / "BENCHMARKS.md"
    md.write_text("# Benchmarks\n\nprose\n", encoding="utf-8")
    report_footprint.update(str(md), results)
    once = md.read_text(encoding="utf-8")
    report_footprint.update(str(md), results)
    again = md.read_text(encoding="utf-8")
    assert once.count(report_footprint.START) == again.count(report_footprint.START) == 1
    assert again.startswith("# Benchmarks\n\nprose\n") and "| target | measured | status |" in again
