"""The toolkit's own code meets the bar it sets for generated code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import REPO

# Real modules shipped inside every generated package.
STATIC_TEMPLATES = sorted(
    str(p) for pattern in ("*.py", "_runtime/*.py") for p in (REPO / "templates").glob(pattern)
)


def _run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_ruff_check_and_format() -> None:
    paths = ["generator", "tests", "templates", "bench"]
    lint = _run("ruff", "check", "--no-cache", *paths)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = _run(
        "ruff", "format", "--check", "--no-cache", "generator", "tests", "bench", *STATIC_TEMPLATES
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_strict_on_generator_and_static_templates(tmp_path: Path) -> None:
    # Modules with relative imports are checked inside the generated packages (test_golden).
    standalone = [
        p for p in STATIC_TEMPLATES if "\nfrom . " not in Path(p).read_text(encoding="utf-8")
    ]
    assert any(p.endswith("_runtime/client.py") for p in standalone)
    result = _run("mypy", "--strict", "--cache-dir", str(tmp_path), "generator", *standalone)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_benchmarks(tmp_path: Path) -> None:
    result = _run("mypy", "--strict", "--cache-dir", str(tmp_path), "bench")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues found" in result.stdout


def test_the_benchmarks_stay_proportionate() -> None:
    """bench/ is small modules with one job each: none over ~330 lines, no function whose
    cyclomatic complexity is over 10 (a new benchmark is a module of its own and a
    section in bench/report.py, not another branch of a big function)."""
    sizes = {
        p.name: len(p.read_text(encoding="utf-8").splitlines())
        for p in (REPO / "bench").glob("*.py")
    }
    assert {n: s for n, s in sizes.items() if s > 330} == {}
    result = _run("ruff", "check", "--no-cache", "--select", "C901", "bench")
    assert result.returncode == 0, result.stdout + result.stderr
