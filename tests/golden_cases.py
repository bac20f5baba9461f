"""Golden cases: a taxonomy in, the whole expected output tree (or error report) out.

Layout: `tests/golden/<case>/taxonomy.yaml` and either
`tests/golden/<case>/expected/golden_<case>/...` (the generated package) or
`tests/golden/<case>/expected_errors.txt` (what `ciogen` reports).
Regenerate every golden with: python tests/regen_golden.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ciogen.errors import TaxonomyError
from ciogen.load import load_file
from ciogen.render import build_output

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN_COMMAND = "python tests/regen_golden.py"


def cases() -> list[str]:
    return sorted(p.name for p in GOLDEN.iterdir() if (p / "taxonomy.yaml").is_file())


def package_name(case: str) -> str:
    return f"golden_{case}"


def build_case(case: str) -> dict[str, str] | str:
    """The generated files of a valid case, or the error report of an invalid one."""
    taxonomy_path = GOLDEN / case / "taxonomy.yaml"
    # Report paths relative to the repo, as a user running ciogen there would see them.
    display = taxonomy_path.relative_to(GOLDEN.parent.parent).as_posix()
    try:
        taxonomy, _warnings = load_file(taxonomy_path)
    except TaxonomyError as exc:
        return "".join(p.format().replace(str(taxonomy_path), display) + "\n" for p in exc.problems)
    return build_output(taxonomy, package_name(case))


def expected_root(case: str) -> Path:
    return GOLDEN / case / "expected" / package_name(case)


def read_tree(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and ".hypothesis" not in path.parts:
            files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return files


def write_case(case: str) -> None:
    result = build_case(case)
    case_dir = GOLDEN / case
    shutil.rmtree(case_dir / "expected", ignore_errors=True)
    (case_dir / "expected_errors.txt").unlink(missing_ok=True)
    if isinstance(result, str):
        (case_dir / "expected_errors.txt").write_text(result, encoding="utf-8")
        return
    root = expected_root(case)
    for rel, text in result.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
