"""The shipped `ciogen-diff` hook, run by the real `pre-commit` in a user's git project.

pre-commit installs ciogen from a clone of this checkout into an environment of
its own (once per module: the clone is committed, so every run has the same
rev). The project works on a branch off `main`, as a pull request would; the
hook must fail on a staged breaking change, pass on a safe one, stay out of
commits that touch no plan, and follow a plan at another path once
`.pre-commit-config.yaml` sets `files:` for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from .conftest import git

PLAN = """\
version: 1
name: shop
events:
  order_placed:
    description: A customer placed an order.
    properties:
      total: {type: number, minimum: 0}
      coupon: {type: string}
    required: [total]
"""
BREAKING = PLAN.replace("      coupon: {type: string}\n", "")
SAFE = PLAN.replace("    required:", "      note: {type: string}\n    required:")


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """A committed clone of this checkout (its files as they are now), its rev, and an env."""
    work = tmp_path_factory.mktemp("hooks")
    clone = work / "ciogen"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, timeout=120)
    tracked = git(REPO, "ls-files", "--", "pyproject.toml", ".pre-commit-hooks.yaml", "generator")
    for path in tracked.splitlines():
        if (REPO / path).is_file():
            (clone / path).write_bytes((REPO / path).read_bytes())
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "--allow-empty", "-m", "as checked out")
    rev = git(clone, "rev-parse", "HEAD").strip()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "PRE_COMMIT_HOME": str(work / "pre-commit-home"),
        "CIOGEN_CACHE_DIR": str(work / "ciogen-cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    env.pop("GITHUB_BASE_REF", None)
    return clone, rev, env


def project(root: Path, plan_path: str = "taxonomy.yaml", config: str = "") -> Path:
    """A user's project on `main` with the plan committed, then a feature branch."""
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / plan_path).parent.mkdir(parents=True, exist_ok=True)
    (root / plan_path).write_text(PLAN, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "shop"\nversion = "1"\n' + config, encoding="utf-8"
    )
    (root / "README.md").write_text("shop\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "plan")
    git(root, "checkout", "-q", "-b", "feature")
    return root


def stage(root: Path, path: str, text: str) -> None:
    (root / path).write_text(text, encoding="utf-8")
    git(root, "add", path)


def pre_commit(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_shipped_hook_fails_on_a_break_and_passes_a_safe_change(
    hooks_repo: tuple[Path, str, dict[str, str]], tmp_path: Path
) -> None:
    clone, _, env = hooks_repo
    root = project(tmp_path / "shop")
    stage(root, "taxonomy.yaml", BREAKING)
    done = pre_commit(root, env, "try-repo", str(clone), "ciogen-diff")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "BREAKING workspace/PROPERTY_REMOVED: order_placed.coupon" in done.stdout
    assert "taxonomy.yaml:8, head -]" in done.stdout  # the base line; gone in the head

    stage(root, "taxonomy.yaml", SAFE)
    done = pre_commit(root, env, "try-repo", str(clone), "ciogen-diff")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout

    stage(root, "taxonomy.yaml", PLAN)
    stage(root, "README.md", "shop, renamed\n")
    done = pre_commit(root, env, "try-repo", str(clone), "ciogen-diff")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no files to check" in done.stdout.lower()


@pytest.mark.slow
def test_plan_at_another_path_with_files_set_in_the_config(
    hooks_repo: tuple[Path, str, dict[str, str]], tmp_path: Path
) -> None:
    clone, rev, env = hooks_repo
    root = project(
        tmp_path / "app",
        "plan/tracking.yaml",
        '\n[tool.ciogen]\ntaxonomy = "plan/tracking.yaml"\n',
    )
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n"
        "      - id: ciogen-diff\n        files: ^plan/tracking\\.yaml$\n",
        encoding="utf-8",
    )
    git(root, "add", ".pre-commit-config.yaml")
    stage(root, "plan/tracking.yaml", BREAKING)
    done = pre_commit(root, env, "run", "ciogen-diff")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "PROPERTY_REMOVED: order_placed.coupon" in done.stdout
    assert ":plan/tracking.yaml:8" in done.stdout
    stage(root, "plan/tracking.yaml", SAFE)
    done = pre_commit(root, env, "run", "ciogen-diff")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_first_commit_of_a_fresh_repository_passes(
    hooks_repo: tuple[Path, str, dict[str, str]], tmp_path: Path
) -> None:
    """`pre-commit install` before any commit: the hook compares with an empty plan, the commit lands."""
    clone, rev, env = hooks_repo
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n      - id: ciogen-diff\n",
        encoding="utf-8",
    )
    stage(root, "taxonomy.yaml", PLAN)
    git(root, "add", ".pre-commit-config.yaml")
    done = pre_commit(root, env, "install")
    assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run(
        ["git", "commit", "-m", "first"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout + done.stderr
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"
