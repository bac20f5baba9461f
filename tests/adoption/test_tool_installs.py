"""The README's tool lines, run as written: `pipx install ciogen`, `uv tool install
ciogen`, `uv add --dev ...`.

uv builds a wheel of this checkout (from a copy of its sources: a build writes
`build/` and `*.egg-info` beside them) into a folder that `UV_FIND_LINKS` (and,
for pipx, which installs with pip, `PIP_FIND_LINKS`) names, so the README's
commands run word for word; ciogen's dependencies come from the
ordinary index. Each installed `ciogen` must name this checkout's version and
generate, from a sample plan, exactly the files this checkout's `ciogen` writes.
uv and pipx are in the test extra (pinned PyPI packages; uv ships its binary);
without them they are pip-installed into a scratch folder, and only when that
fails too do these tests skip, saying so. uv never downloads a Python here: it uses the
interpreter running the tests.
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
from helpers import REPO

from ciogen import __version__

from .checkout import SHOP_PLAN, copy_checkout

README = (REPO / "README.md").read_text(encoding="utf-8")
PLAN = SHOP_PLAN
CONFIG = '\n[tool.ciogen]\nout = "analytics"\n'
# The project's own pin, not the one ciogen's tests use: `uv add` must keep it.
PROJECT = (
    '[project]\nname = "shop"\nversion = "1.0"\nrequires-python = ">=3.11"\n'
    'dependencies = ["jinja2==3.1.5"]\n'
)


def readme_line(prefix: str) -> str:
    """The README's install line (own-install block) that starts with `prefix`."""
    found = re.search(r"<!-- own-install -->\n```sh\n(.*?)```", README, re.S)
    assert found is not None
    lines = [line.split("  #", 1)[0].strip() for line in found.group(1).splitlines()]
    [line] = [line for line in lines if line.startswith(prefix)]
    return line


def run(
    command: str | list[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    args = ["bash", "-c", command] if isinstance(command, str) else command
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def uv_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """uv from the test extra (beside this Python), else on the PATH, else pip-installed
    (the extra's pin) into a scratch folder; skipped only when none of that works."""
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found:
        return Path(found)
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    [pin] = re.findall(r'"(uv==[^"]+)"', pyproject)
    target = tmp_path_factory.mktemp("uv-bin")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--target", str(target), pin],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0 or not (target / "bin" / "uv").exists():
        pytest.skip(f"uv could not be obtained ({pin}): {done.stderr[-300:]}")
    return target / "bin" / "uv"


@pytest.fixture(scope="module")
def world(uv_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A wheel of this checkout built by uv, and the environment uv runs in."""
    base = tmp_path_factory.mktemp("uv")
    source = copy_checkout(base / "source")
    (base / "home").mkdir()
    (base / "wheels").mkdir()
    world = {"base": base, "uv": uv_bin, "wheels": base / "wheels"}
    built = run(
        [str(uv_bin), "build", "--wheel", "--out-dir", str(world["wheels"]), str(source)],
        base,
        environment(world),
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert [p.name for p in world["wheels"].glob("*.whl")] == [
        f"ciogen-{__version__}-py3-none-any.whl"
    ]
    return world


def environment(world: dict[str, Path]) -> dict[str, str]:
    """A user's shell with uv on the PATH; uv's cache, tools and home in the scratch folder."""
    base = world["base"]
    keep = {k: v for k, v in os.environ.items() if k.startswith(("LANG", "LC_", "SSL_CERT"))}
    return {
        **keep,
        "PATH": f"{base / 'bin'}:{world['uv'].parent}:/usr/bin:/bin",
        "HOME": str(base / "home"),
        "UV_CACHE_DIR": str(base / "cache"),
        "UV_TOOL_DIR": str(base / "tools"),
        "UV_TOOL_BIN_DIR": str(base / "bin"),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_CONFIG": "1",
        "UV_FIND_LINKS": str(world["wheels"]),
    }


def _project(root: Path, pyproject: str) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text(pyproject + CONFIG, encoding="utf-8")
    (root / "taxonomy.yaml").write_text(PLAN, encoding="utf-8")
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _expected(tmp_path: Path, pyproject: str) -> dict[str, bytes]:
    """What this checkout's ciogen writes for the same project."""
    twin = _project(tmp_path / "twin", pyproject)
    done = subprocess.run(
        [sys.executable, "-m", "ciogen", "generate", "-q"],
        cwd=twin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return _files(twin / "analytics")


@pytest.mark.slow
def test_uv_tool_install_as_in_the_readme(world: dict[str, Path], tmp_path: Path) -> None:
    env = environment(world)
    line = readme_line("uv tool install")
    assert line == "uv tool install ciogen"
    done = run(line, tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (world["base"] / "bin" / "ciogen").exists()
    version = run("ciogen --version", tmp_path, env)
    assert version.stdout.strip() == f"ciogen {__version__}", version.stdout + version.stderr
    project = _project(tmp_path / "shop", "")
    done = run("ciogen generate", project, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _files(project / "analytics") == _expected(tmp_path, "")


@pytest.mark.slow
def test_uv_add_dev_as_in_the_readme(world: dict[str, Path], tmp_path: Path) -> None:
    env = environment(world)
    line = readme_line("uv add --dev")
    project = _project(tmp_path / "shop", PROJECT)
    done = run(line, project, env)
    assert done.returncode == 0, done.stdout + done.stderr
    lock = (project / "uv.lock").read_text(encoding="utf-8")
    assert 'name = "jinja2"\nversion = "3.1.5"' in lock  # the project's own pin kept
    assert 'name = "ciogen"\nversion = "' + __version__ + '"' in lock
    version = run("uv run ciogen --version", project, env)
    assert version.stdout.strip() == f"ciogen {__version__}", version.stdout + version.stderr
    done = run("uv run ciogen generate", project, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _files(project / "analytics") == _expected(tmp_path, PROJECT)


@pytest.fixture(scope="module")
def pipx_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pipx from the test extra, else on the PATH, else the extra's pin in a scratch venv."""
    found = shutil.which("pipx", path=str(Path(sys.executable).parent)) or shutil.which("pipx")
    if found:
        return Path(found)
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    [pin] = re.findall(r'"(pipx==[^"]+)"', pyproject)
    root = tmp_path_factory.mktemp("pipx-venv")
    venv.create(root, with_pip=True)
    done = subprocess.run(
        [str(root / "bin" / "python"), "-m", "pip", "install", "-q", pin],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"pipx could not be obtained ({pin}): {done.stderr[-300:]}")
    return root / "bin" / "pipx"


@pytest.mark.slow
def test_pipx_install_as_in_the_readme(
    world: dict[str, Path], pipx_bin: Path, tmp_path: Path
) -> None:
    base = world["base"]
    pips = {k: v for k, v in os.environ.items() if k.startswith("PIP_")}
    env = {
        **environment(world),
        **pips,
        "PATH": f"{base / 'pipx-bin'}:{pipx_bin.parent}:/usr/bin:/bin",
        "PIPX_HOME": str(base / "pipx"),
        "PIPX_BIN_DIR": str(base / "pipx-bin"),
        "PIPX_MAN_DIR": str(base / "pipx-man"),
        "PIPX_DEFAULT_PYTHON": sys.executable,
        "PIP_FIND_LINKS": f"{world['wheels']} {pips.get('PIP_FIND_LINKS', '')}".strip(),
    }
    line = readme_line("pipx install")
    assert line == "pipx install ciogen"
    done = run(line, tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (base / "pipx-bin" / "ciogen").exists()
    version = run("ciogen --version", tmp_path, env)
    assert version.stdout.strip() == f"ciogen {__version__}", version.stdout + version.stderr
    project = _project(tmp_path / "shop", "")
    done = run("ciogen generate", project, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _files(project / "analytics") == _expected(tmp_path, "")
