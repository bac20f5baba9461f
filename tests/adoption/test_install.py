"""ciogen installed the way a user installs it, beside other versions of its dependencies.

A fresh virtualenv gets ciogen from this checkout (a real wheel build) together
with the *lowest* versions its ranges allow, as a project pinning older
libraries would have; the `ciogen` it installs must produce exactly the
committed `generated/` (built with the test extra's pins) and nothing of ruff.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .checkout import SHOP_PLAN

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


PLAN = SHOP_PLAN
CONFIG = '[project]\nname = "shop"\nversion = "1"\n\n[tool.ciogen]\nout = "analytics"\n'


def _git_project(root: Path, ciogen: Path) -> Path:
    """A user's project: plan, config and generated package, committed to git."""
    root.mkdir()
    (root / "taxonomy.yaml").write_text(PLAN, encoding="utf-8")
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    assert _run(ciogen, "generate", cwd=root).returncode == 0
    for args in (
        ("init", "-q"),
        ("add", "-A"),
        ("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "plan"),
    ):
        assert _run("git", *args, cwd=root).returncode == 0
    return root


def _workflow_commands() -> list[str]:
    """The `run:` steps of docs/ci.md's workflow, except the install (done by the fixture)."""
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    block = text.split("<!-- ci-workflow -->\n```yaml\n", 1)[1].split("```", 1)[0]
    runs = [line.split("- run:", 1)[1].strip() for line in block.splitlines() if "- run:" in line]
    assert runs[0].startswith("python -m pip install"), runs
    return runs[1:]


@pytest.mark.slow
def test_documented_workflow_passes_clean_and_fails_on_drift(
    lowest_venv: Path, tmp_path: Path
) -> None:
    bin_dir = lowest_venv / "bin"
    project = _git_project(tmp_path / "shop", bin_dir / "ciogen")
    script = tmp_path / "ci.sh"
    script.write_text("set -e\n" + "\n".join(_workflow_commands()) + "\n", encoding="utf-8")
    env_path = f"{bin_dir}:/usr/bin:/bin"
    clean = subprocess.run(
        ["bash", str(script)],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": env_path},
        timeout=120,
        check=False,
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (project / "taxonomy.yaml").write_text(PLAN.replace("minimum: 0", "minimum: 1"))
    drift = subprocess.run(
        ["bash", str(script)],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": env_path},
        timeout=120,
        check=False,
    )
    assert drift.returncode == 1, drift.stdout + drift.stderr
    assert "::error file=analytics" in drift.stderr


@pytest.mark.slow
def test_shipped_pre_commit_hooks_run_for_real(tmp_path: Path) -> None:
    """`pre-commit try-repo` installs ciogen from this checkout into its own environment."""
    clone = tmp_path / "ciogen"
    # try-repo needs a git repository; a clone of the checkout's files as they are now.
    assert _run("git", "clone", "-q", str(REPO), str(clone)).returncode == 0
    for path in ("pyproject.toml", ".pre-commit-hooks.yaml"):
        (clone / path).write_bytes((REPO / path).read_bytes())
    assert _run("git", "add", "-A", cwd=clone).returncode == 0
    _run(
        "git",
        "-c",
        "user.email=t@example.com",
        "-c",
        "user.name=t",
        "commit",
        "-qm",
        "wip",
        cwd=clone,
    )
    ciogen_bin = Path(sys.executable).parent / "ciogen"
    project = _git_project(tmp_path / "shop", ciogen_bin)
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "HOME": str(tmp_path),
    }

    def try_repo(hook: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(clone), hook, "--all-files"],
            cwd=project,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )

    for hook in ("ciogen-validate", "ciogen-check"):
        result = try_repo(hook)
        assert result.returncode == 0, result.stdout + result.stderr
    (project / "taxonomy.yaml").write_text(PLAN.replace("minimum: 0", "minimum: 1"))
    result = try_repo("ciogen-check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "out of date" in result.stdout
