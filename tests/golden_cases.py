"""Golden cases, one folder per feature: a taxonomy in, the expected output or errors out.

Layout of `tests/golden/<case>/`:

* `taxonomy.yaml`: a small plan exercising one feature (`enums`, `refs`, ...);
  a case named `<feature>_errors` holds mistakes of that feature instead;
* `expected/golden_<case>/...`: the files of the generated package that the
  taxonomy decides (models, client, strategies, tests, schemas). The modules
  copied verbatim from `templates/` are left out: they do not depend on the
  taxonomy, and tests/test_copies.py checks every copy against its template;
* `expected_errors.txt`: what ciogen reports for an invalid taxonomy, exactly as
  a user running `ciogen validate` sees it;
* `expected_warnings.txt`: the warnings of a valid taxonomy, when it has any.

Regenerate every golden with: python tests/regen_golden.py
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from ciogen.errors import Problem, TaxonomyError
from ciogen.load import load_file
from ciogen.render import STATIC_MODULES, STATIC_PACKAGES, build_output

GOLDEN = Path(__file__).resolve().parent / "golden"
REPO = GOLDEN.parent.parent
REGEN_COMMAND = "python tests/regen_golden.py"
ERRORS = "expected_errors.txt"
WARNINGS = "expected_warnings.txt"


def cases() -> list[str]:
    return sorted(p.name for p in GOLDEN.iterdir() if (p / "taxonomy.yaml").is_file())


def valid_cases() -> list[str]:
    return [c for c in cases() if not (GOLDEN / c / ERRORS).exists()]


def package_name(case: str) -> str:
    return f"golden_{case}"


def is_copied(rel: str) -> bool:
    """Whether a generated file is a template copied verbatim (left out of golden trees)."""
    return rel in STATIC_MODULES or rel.split("/", 1)[0] in STATIC_PACKAGES


def _report(problems: list[Problem], taxonomy_path: Path) -> str:
    # Paths relative to the repo, as a user running ciogen there would see them.
    display = taxonomy_path.relative_to(REPO).as_posix()
    return "".join(p.format().replace(str(taxonomy_path), display) + "\n" for p in problems)


def build_full(case: str) -> tuple[dict[str, str] | None, str, str]:
    """(every generated file or None, error report, warning report) of a case."""
    taxonomy_path = GOLDEN / case / "taxonomy.yaml"
    try:
        taxonomy, warnings = load_file(taxonomy_path)
    except TaxonomyError as exc:
        return None, _report(exc.problems, taxonomy_path), ""
    return build_output(taxonomy, package_name(case)), "", _report(warnings, taxonomy_path)


def build_case(case: str) -> dict[str, str]:
    """What the case folder should hold, as {path under the case folder: text}."""
    files, errors, warnings = build_full(case)
    if files is None:
        return {ERRORS: errors}
    prefix = f"expected/{package_name(case)}/"
    out = {prefix + rel: text for rel, text in files.items() if not is_copied(rel)}
    if warnings:
        out[WARNINGS] = warnings
    return out


def read_case(case: str) -> dict[str, str]:
    """What the case folder holds (its taxonomy aside)."""
    root = GOLDEN / case
    found = read_tree(root)
    found.pop("taxonomy.yaml", None)
    return found


def expected_root(case: str) -> Path:
    return GOLDEN / case / "expected" / package_name(case)


def read_tree(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and ".hypothesis" not in path.parts:
            files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return files


def write_case(case: str) -> None:
    wanted = build_case(case)
    case_dir = GOLDEN / case
    shutil.rmtree(case_dir / "expected", ignore_errors=True)
    for name in (ERRORS, WARNINGS):
        (case_dir / name).unlink(missing_ok=True)
    for rel, text in wanted.items():
        target = case_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@functools.cache
def _scratch() -> Path:
    path = Path(tempfile.mkdtemp(prefix="ciogen-golden-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@functools.cache
def package_root(case: str) -> Path:
    """A folder holding the case's complete package (golden tree plus the copied
    templates), to import, type-check and lint. Built once per test process."""
    files, errors, _ = build_full(case)
    assert files is not None, errors
    root = _scratch() / case
    for rel, text in files.items():
        target = root / package_name(case) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
