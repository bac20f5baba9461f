"""Smoke test of bench/footprint.py: the whole benchmark runs at a tiny size.

The quick run builds every contestant it can without network (this checkout's
generator, the generator before issue #10 from git history, the plain-class floor;
datamodel-code-generator only in full runs), measures each figure once and
renders the BENCHMARKS.md block; the numbers themselves mean nothing at this size.
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import (  # noqa: E402
    footprint,
    footprint_peers,
    footprint_tables,
    footprint_tables_source,
    report_footprint,
)


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
    tests = results["generated_tests"]
    assert tests["rc"] == 0 and tests["tests"] > 0
    assert tests["checked"] == tests["rules"] > 0, "a rule no generated test checks"
    assert tests["cpu_s"] > 0 and tests["collect_wall_s"] > 0
    plan = results["imports"]["plan"]
    assert {"ciogen", "ciogen_before", "floor"} <= set(plan)
    tables = results["tables"]
    assert tables["problems"] == [] and tables["written"]["bytes"] > tables["tables"]["bytes"] > 0
    assert 0 < tables["declarations_bytes"] < tables["tables"]["bytes"]
    assert tables["client_method_code_bytes"] > 0
    parts = results["generation"]["plan"]["parts"]
    # Every part is found where the generator writes it (a moved or renamed one reads 0).
    assert all(parts[name] > 0 for name in (*footprint_peers.PARTS, "other")), parts

    md = tmp_path / "BENCHMARKS.md"
    block = "\n".join(report_footprint.render(results))
    assert "Bytes per event, by part of the package" in block and "Table-driven classes" in block
    md.write_text("# Benchmarks\n\nprose\n", encoding="utf-8")
    report_footprint.update(str(md), results)
    once = md.read_text(encoding="utf-8")
    report_footprint.update(str(md), results)
    again = md.read_text(encoding="utf-8")
    assert once.count(report_footprint.START) == again.count(report_footprint.START) == 1
    assert again.startswith("# Benchmarks\n\nprose\n") and "| target | measured | status |" in again

    # `--only tests` re-measures that figure alone and keeps every other one.
    again_seen: list[dict[str, Any]] = []
    assert (
        footprint.main(
            ["--quick", "--only", "tests", "--results", str(results_path)], write=again_seen.append
        )
        == 0
    )
    [updated] = again_seen
    assert updated["generated_tests"]["measured_at"] and updated["generated_tests"]["rc"] == 0
    assert {k: v for k, v in updated.items() if k != "generated_tests"} == {
        k: v for k, v in results.items() if k != "generated_tests"
    }
    assert json.loads(results_path.read_text(encoding="utf-8")) == updated


def test_table_driven_design_is_compared_rule_by_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table-driven module is evidence only while it checks what the generated one
    checks: `agree` finds a bound that differs by one, and a rule that is left out."""
    taxonomy, _ = footprint_peers.write_plan(str(tmp_path), 1)
    built = footprint_peers.build_ciogen(str(tmp_path), taxonomy, "t")
    monkeypatch.syspath_prepend(built.path)
    try:
        _compare_with_changed_designs(built)
    finally:  # the generated package's modules leave with the test
        for name in [m for m in sys.modules if m.split(".")[0].startswith(built.module)]:
            del sys.modules[name]


def _compare_with_changed_designs(built: footprint_peers.Contestant) -> None:
    written = importlib.import_module(f"{built.module}._events.event_00000_viewed")
    error = importlib.import_module(f"{built.module}._checks").ValidationError
    source = footprint_tables._write_design(built.path, built.module, "")
    tables = importlib.import_module(f"{built.module}_tables.event")
    assert footprint_tables.agree(written, tables, error) == []
    # Its declarations: every class and typed signature kept, every rule dropped.
    kept = footprint_tables_source.table_module(built.module, "", rules=False)
    compile(kept, "declarations", "exec")
    for line in source.splitlines():
        if line.startswith("class ") or line.lstrip().startswith(("def __init__", "sku: str")):
            assert line in kept.splitlines()
    assert "_FIELDS" not in kept and "_PATTERN_0" not in kept and "load_object" not in kept
    for old, new in (('"maximum": 100}', '"maximum": 101}'), ('"max_length": 16, ', "")):
        assert old in source
        folder = Path(built.path, f"{built.module}_tables")
        (folder / f"changed{len(new)}.py").write_text(source.replace(old, new), encoding="utf-8")
        changed = importlib.import_module(f"{built.module}_tables.changed{len(new)}")
        problems = footprint_tables.agree(written, changed, error)
        assert problems and all("error" in p for p in problems), (old, problems)


def test_client_method_code_leaves_out_only_the_docstring() -> None:
    source = 'class C:\n    def m(self) -> int:\n        """Doc."""\n        return 1\n'
    whole = len('def m(self) -> int:\n        """Doc."""\n        return 1')
    assert footprint_tables.client_method_code(source, "m") == whole - len('"""Doc."""')
    with pytest.raises(LookupError):
        footprint_tables.client_method_code(source, "n")
