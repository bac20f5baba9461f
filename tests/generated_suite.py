"""Import a generated package from anywhere and run its generated property tests in-process.

The generated `tests/test_properties.py` is a pytest module: Hypothesis tests
parametrized over tables built from the taxonomy. ciogen's own tests run it for
packages pytest does not collect (the golden packages, the fuzzer's packages)
by calling each test once per table row, exactly as pytest would. The tests
take their settings from the Hypothesis profile active when the module is
imported.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import strategies as st

# hypothesis-jsonschema knows no `uuid` format and would generate arbitrary
# strings for it (which jsonschema then rejects); Hypothesis' own UUIDs, in
# both cases, stand in. Everything else it generates on its own.
CUSTOM_FORMATS = {
    "uuid": st.builds(lambda u, up: str(u).upper() if up else str(u), st.uuids(), st.booleans())
}


@contextmanager
def imported(root: Path, package: str) -> Iterator[ModuleType]:
    """`package` (a folder under `root`) imported, and forgotten again afterwards."""
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def _parametrization(test: Any) -> tuple[str, list[Any]] | None:
    for mark in getattr(test, "pytestmark", []):
        if mark.name == "parametrize":
            argname, rows = mark.args[0], mark.args[1]
            return str(argname), list(rows)
    return None


def generated_tests(module: ModuleType) -> list[tuple[str, Any]]:
    """The Hypothesis tests of a generated test module, by name."""
    found = []
    for name in sorted(vars(module)):
        test = getattr(module, name)
        if name.startswith("test_") and hasattr(test, "hypothesis"):
            found.append((name, test))
    return found


def run_generated_tests(module: ModuleType) -> int:
    """Run every generated test once per parametrization row; returns how many ran."""
    ran = 0
    for _name, test in generated_tests(module):
        params = _parametrization(test)
        if params is None:
            test()
            ran += 1
            continue
        argname, rows = params
        for row in rows:
            test(**{argname: row})
            ran += 1
    return ran
