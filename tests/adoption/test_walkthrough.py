"""A new user's whole path, for real: the README's "In your own project", step by step.

An existing project with pinned dependencies of its own (among them a jinja2 that
is not the one ciogen's tests use), in a git repository with no commit yet, gets
ciogen the way the README says: the `pip install` line runs as written, in the
project's own fresh virtualenv, finding ciogen in a folder holding a wheel built
from this checkout (`PIP_FIND_LINKS`; its dependencies come from the ordinary
index). Then every command of the README's steps runs as written, in order:
`ciogen init`, `ciogen generate`, the import, the generated tests, `pre-commit
install`, the repository's first commit (through the pre-commit hooks `ciogen
init` wrote, which install that same wheel into an environment of their own;
with no commit to compare with, `ciogen diff` compares with an empty plan, so no
commit is needed before the hooks). The workflow `ciogen init` wrote runs as a
script of its `run:` lines. Last, the plan is edited without regenerating: the
commit hook and the workflow script must both fail, naming the drift.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from helpers import REPO

from .checkout import copy_checkout

README = (REPO / "README.md").read_text(encoding="utf-8")
PROJECT_PINS = [
    "jinja2==3.1.5",
    "pyyaml==6.0.2",
    "customerio==3.2.0",
    "pytest==9.1.1",
    "hypothesis==6.168.3",
    # jsonschema's checkers for date-time and uri (what 'jsonschema[format-nongpl]' adds
    # for the plan's formats): without them the generated tests refuse to run no-op checks.
    "rfc3339-validator==0.1.4",
    "rfc3986-validator==0.1.1",
]
PYPROJECT = (
    '[project]\nname = "shop"\nversion = "1.0"\n'
    'dependencies = ["jinja2==3.1.5", "pyyaml==6.0.2", "customerio==3.2.0"]\n\n'
    '[project.optional-dependencies]\ndev = ["pytest==9.1.1", "hypothesis==6.168.3", '
    '"rfc3339-validator==0.1.4", "rfc3986-validator==0.1.1"]\n'
)
# A plan change that breaks nothing in Customer.io (so `ciogen diff` passes): only
# `ciogen check` has a reason to fail, because nobody regenerated.
NEW_PROPERTY = "      gift: {type: boolean}\n"
EDIT = (NEW_PROPERTY, NEW_PROPERTY + "      gift_note: {type: string, maxLength: 200}\n")


def block(marker: str) -> list[str]:
    """The commands of the ```sh block after `<!-- marker -->`, comments dropped."""
    found = re.search(rf"<!-- {marker} -->\n```sh\n(.*?)```", README, re.S)
    assert found is not None, f"README has no <!-- {marker} --> sh block"
    lines = [line.split("  #", 1)[0].strip() for line in found.group(1).splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def run(
    command: str | list[str], cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    args = ["bash", "-c", command] if isinstance(command, str) else command
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A wheel of this checkout, and a scratch home for everything the walk creates."""
    base = tmp_path_factory.mktemp("walk")
    source = copy_checkout(base / "source")
    wheels = base / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(wheels), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return {"base": base, "wheels": wheels}


def environment(world: dict[str, Path], venv_bin: Path) -> dict[str, str]:
    """What a developer's shell has: the project's venv active, pre-commit on the PATH."""
    base = world["base"]
    path = f"{venv_bin}:{Path(sys.executable).parent}:/usr/bin:/bin"
    env = {
        key: value
        for key, value in os.environ.items()
        if key.startswith(("PIP_", "LANG", "LC_", "TMPDIR")) or key in ("SSL_CERT_FILE",)
    }
    return {
        **env,
        "PATH": path,
        "HOME": str(base / "home"),
        "VIRTUAL_ENV": str(venv_bin.parent),
        "PIP_FIND_LINKS": f"{world['wheels']} {os.environ.get('PIP_FIND_LINKS', '')}".strip(),
        "PRE_COMMIT_HOME": str(base / "pre-commit-home"),
        "CIOGEN_CACHE_DIR": "off",
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
    }


@pytest.mark.slow
def test_a_new_user_goes_from_pip_install_to_hooks_and_ci_that_fail_on_drift(
    world: dict[str, Path],
) -> None:
    base = world["base"]
    (base / "home").mkdir()
    project = base / "shop"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (project / "shop.py").write_text('"""The shop."""\n', encoding="utf-8")
    venv.create(project / ".venv", with_pip=True)
    bin_dir = project / ".venv" / "bin"
    env = environment(world, bin_dir)
    for command in (
        "git init -q -b main",
        "printf '.venv/\\n' > .gitignore",
        f"python -m pip install -q {' '.join(PROJECT_PINS)}",
    ):
        done = run(command, project, env)
        assert done.returncode == 0, (command, done.stdout + done.stderr)

    [install] = [c for c in block("own-install") if c.startswith("pip install")]
    done = run(install, project, env)
    assert done.returncode == 0, done.stdout + done.stderr
    versions = run("python -m pip freeze", project, env).stdout
    for pin in PROJECT_PINS:  # the project's own pins survive ciogen's install
        assert pin in versions.lower(), versions
    assert (bin_dir / "ciogen").exists()

    steps = block("own-project")
    assert steps[0] == "ciogen init" and "pre-commit install" in steps
    assert steps.index("pre-commit install") < next(
        n for n, step in enumerate(steps) if "git commit" in step
    )
    for command in steps:
        done = run(command, project, env)
        assert done.returncode == 0, (command, done.stdout[-3000:] + done.stderr[-3000:])
        if "git commit" in command:  # the hooks ran on it, and passed
            for hook in ("ciogen validate", "ciogen check", "ciogen diff"):
                assert re.search(rf"{hook}\.+Passed", done.stdout + done.stderr), done.stdout
    hooks = project / ".git" / "hooks" / "pre-commit"
    assert hooks.is_file()
    log = run("git log --format=%s", project, env).stdout.splitlines()
    assert log == ["Add the tracking plan"], log
    assert run("git status --porcelain", project, env).stdout == ""

    workflow = yaml.safe_load((project / ".github/workflows/ciogen.yml").read_text())
    runs = [step["run"] for step in workflow["jobs"]["ciogen"]["steps"] if "run" in step]
    script = base / "ci.sh"
    script.write_text("set -e\n" + "\n".join(runs) + "\n", encoding="utf-8")
    clean = run(["bash", str(script)], project, {**env, "GITHUB_ACTIONS": "true"})
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-3000:]

    plan = project / "taxonomy.yaml"
    text = plan.read_text(encoding="utf-8")
    assert text.count(EDIT[0]) == 1
    plan.write_text(text.replace(*EDIT), encoding="utf-8")
    done = run("git commit -am 'a gift note, not regenerated'", project, env)
    assert done.returncode != 0, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert re.search(r"ciogen check\.+Failed", output), output
    assert re.search(r"ciogen diff\.+Passed", output), output
    assert "analytics is out of date with taxonomy.yaml; run: ciogen generate" in output
    assert len(run("git log --format=%s", project, env).stdout.splitlines()) == 1

    drift = run(["bash", str(script)], project, {**env, "GITHUB_ACTIONS": "true"})
    assert drift.returncode == 1, drift.stdout[-3000:] + drift.stderr[-3000:]
    assert "::error file=analytics/" in drift.stderr

    # The fix the failure names works: regenerate, and the same commit goes through.
    assert run("ciogen generate -q", project, env).returncode == 0
    done = run("git add -A && git commit -m 'a gift note'", project, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert run(["bash", str(script)], project, env).returncode == 0


@pytest.mark.slow
def test_hooks_taken_from_a_git_repository_of_ciogen(tmp_path: Path) -> None:
    """`ciogen init --hooks-repo URL --hooks-rev REV`: the shipped .pre-commit-hooks.yaml."""
    clone = tmp_path / "ciogen"
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "CIOGEN_CACHE_DIR": "off",
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        **{k: v for k, v in os.environ.items() if k.startswith("PIP_")},
    }
    # pre-commit clones the rev it is given: a commit holding this checkout's files as they are.
    assert run(["git", "clone", "-q", str(REPO), str(clone)], tmp_path, env).returncode == 0
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md"):
        shutil.copy(REPO / name, clone / name)
    for folder in ("generator", "templates"):
        shutil.rmtree(clone / folder)
        shutil.copytree(REPO / folder, clone / folder, ignore=shutil.ignore_patterns("__pycache__"))
    assert run("git add -A && git commit -qm wip --allow-empty", clone, env).returncode == 0
    rev = run("git rev-parse HEAD", clone, env).stdout.strip()
    project = tmp_path / "shop"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    for command in (
        "git init -q -b main && git add -A && git commit -qm 'the shop'",
        f"ciogen init --hooks-repo {clone} --hooks-rev {rev}",
        "ciogen generate -q",
        "git add -A && git commit -qm plan",
        "pre-commit run --all-files",
    ):
        done = run(command, project, env)
        assert done.returncode == 0, (command, done.stdout[-3000:] + done.stderr[-3000:])
    plan = project / "taxonomy.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")
    done = run("pre-commit run --all-files", project, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"ciogen check \(generated package up to date\)\.+Failed", done.stdout)
    assert "analytics is out of date with taxonomy.yaml" in done.stdout
