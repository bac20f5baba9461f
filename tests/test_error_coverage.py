"""Every problem the compiler can report is reported by a golden case or a validation case.

The test collects every place in `generator/` that reports a problem (a
`report.error(...)` / `report.warn(...)`, a `Problem(...)`, a `src.problem(...)`),
then loads every golden taxonomy, every case of tests/test_validation.py and the
few unreadable files no taxonomy can stand for, under coverage. A reporting site
that none of them reaches is named in the failure: add a golden case for it
(`tests/golden/<feature>_errors/`, then `python tests/regen_golden.py`).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import textwrap
from collections.abc import Callable
from pathlib import Path

import coverage
import test_validation
from golden_cases import GOLDEN, cases
from helpers import REPO
from hostile import cases as hostile_cases

from ciogen import config, init
from ciogen.errors import TaxonomyError
from ciogen.load import load_file, load_text

PACKAGE = REPO / "generator"
REPORTERS = {"error", "warn", "problem"}


def reporting_sites() -> dict[str, set[int]]:
    """{module path: lines of every call that reports a problem}."""
    sites: dict[str, set[int]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr in REPORTERS) or (
                isinstance(func, ast.Name) and func.id == "Problem"
            ):
                sites.setdefault(str(path.resolve()), set()).add(node.lineno)
    return sites


def _load(run: Callable[[], object]) -> None:
    with contextlib.suppress(TaxonomyError):
        run()


def _corpus(scratch: Path) -> None:
    for case in cases():
        _load(lambda case=case: load_file(GOLDEN / case / "taxonomy.yaml"))
    for text, _expected in test_validation.CASES.values():
        _load(lambda text=text: load_text(textwrap.dedent(text), "taxonomy.yaml"))
    for text, _expected in hostile_cases.CASES.values():
        _load(lambda text=text: load_text(text, "taxonomy.yaml"))
    # What no committed taxonomy can stand for: a missing file, a folder, bytes
    # that are not UTF-8, an empty file, a control character YAML refuses.
    (scratch / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    (scratch / "empty.yaml").write_text("", encoding="utf-8")
    (scratch / "control.yaml").write_text("name: a\x01b\n", encoding="utf-8")
    for name in ("missing.yaml", ".", "latin1.yaml", "empty.yaml", "control.yaml"):
        _load(lambda name=name: load_file(scratch / name))
    # [tool.ciogen] mistakes (config.py), each in a pyproject.toml of its own.
    for number, text in enumerate(CONFIG_MISTAKES):
        path = scratch / f"pyproject{number}.toml"
        path.write_text(text, encoding="utf-8")
        _load(lambda path=path: config.read(path))
    _load(lambda: config.read(scratch / "missing.toml"))
    # A folder named pyproject.toml (config discovery) and init's refusals: init plans
    # relative to the working folder, so it runs inside a scratch project of its own.
    project = scratch / "project"
    (project / "pyproject.toml").mkdir(parents=True)
    _load(lambda: config.discover(project))
    with contextlib.chdir(project):
        args = argparse.Namespace(
            taxonomy="taxonomy.yaml", out="analytics", hooks_repo=None, hooks_rev=None, force=False
        )
        _writes, problems, _notes = init.plan(args)
    assert problems, "init must refuse a folder named pyproject.toml"


CONFIG_MISTAKES = [
    "[tool.ciogen\n",
    "[tool]\nciogen = 3\n",
    '[tool.ciogen]\ntaxonmy = "x"\nstrict = "yes"\npackage = "a-b"\n',
]


def test_every_reporting_site_is_reached(tmp_path: Path) -> None:
    sites = reporting_sites()
    assert sum(len(lines) for lines in sites.values()) >= 50
    cov = coverage.Coverage(data_file=None, include=[str(PACKAGE.resolve() / "*.py")])
    cov.start()
    try:
        _corpus(tmp_path)
    finally:
        cov.stop()
    data = cov.get_data()
    missed = sorted(
        f"{Path(path).relative_to(REPO.resolve()).as_posix()}:{line}"
        for path, lines in sites.items()
        for line in lines - set(data.lines(path) or ())
    )
    assert missed == [], f"reporting sites no golden or validation case reaches: {missed}"
