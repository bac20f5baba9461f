"""ciogen installed the way a user installs it, beside other versions of its dependencies.

A fresh virtualenv gets ciogen from this checkout (a real wheel build) together
with the *lowest* versions its ranges allow, as a project pinning older
libraries would have; the `ciogen` it installs must produce exactly the
committed `generated/` (built with the test extra's pins) and nothing of ruff.
"""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LOWEST = ["jinja2==3.1.0", "pyyaml==6.0.1", "jsonschema==4.18.0"]


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False, timeout=600
    )


@pytest.fixture(scope="module")
def lowest_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lowest") / "venv"
    venv.create(root, with_pip=True)
    python = root / "bin" / "python"
    result = _run(python, "-m", "pip", "install", "-q", "--no-cache-dir", str(REPO), *LOWEST)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.mark.slow
def test_lowest_allowed_dependencies_give_byte_identical_output(lowest_venv: Path) -> None:
    python = lowest_venv / "bin" / "python"
    versions = _run(
        python,
        "-c",
        "import importlib.metadata as m;"
        "print(' '.join(f'{p}=={m.version(p)}' for p in ('jinja2', 'pyyaml', 'jsonschema')))",
    )
    assert versions.stdout.split() == LOWEST
    ruff = _run(python, "-c", "import ruff")
    assert ruff.returncode != 0, "ruff is a run-time dependency again"
    check = _run(lowest_venv / "bin" / "ciogen", "check", cwd=REPO)
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr
