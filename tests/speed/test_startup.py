"""What a fresh `ciogen` process imports before it works (`lazy_modules.py`), and how it ends.

A pre-commit hook starts `ciogen diff` on every commit that touches the plan,
so start-up is part of its cost: jsonschema is executed only for a plan the fast
meta-schema check rejects, and Jinja only when something is rendered. Each
test runs a real process and reads its `-X importtime` log. The command skips
the interpreter's teardown (`ciogen/__main__.py`), but not its output, its exit
code or the `atexit` hooks a tool measuring it registered.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import MINIMAL

DEFERRED = ("jsonschema.validators", "jinja2.environment")


def _run(args: list[str], cwd: Path) -> tuple[int, str, set[str]]:
    env = {**os.environ, "CIOGEN_CACHE_DIR": "off"}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ciogen", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    lines = done.stderr.splitlines()
    messages = "\n".join(line for line in lines if not line.startswith("import time:"))
    return done.returncode, done.stdout + messages, imported


def test_diff_of_a_valid_plan_executes_neither_jsonschema_nor_jinja(tmp_path: Path) -> None:
    (tmp_path / "taxonomy.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "base.yaml").write_text(MINIMAL.replace("A person", "Someone"), encoding="utf-8")
    code, out, imported = _run(["diff", "--against", "base.yaml"], tmp_path)
    assert code == 0, out
    assert "safe/DOCS_CHANGED: event signed_up: description changed" in out
    assert "ciogen.load" in imported and "ciogen.render" in imported
    assert not imported & set(DEFERRED)


def test_an_invalid_plan_still_gets_jsonschemas_located_message(tmp_path: Path) -> None:
    (tmp_path / "taxonomy.yaml").write_text(MINIMAL + "colour: red\n", encoding="utf-8")
    code, out, imported = _run(["validate"], tmp_path)
    assert code == 2
    assert "taxonomy.yaml:9:1: colour: unknown field 'colour'" in out
    assert "jsonschema.validators" in imported


def test_generate_still_renders_through_jinja(tmp_path: Path) -> None:
    (tmp_path / "taxonomy.yaml").write_text(MINIMAL, encoding="utf-8")
    code, out, imported = _run(["generate", "--out", "pkg", "--package", "pkg"], tmp_path)
    assert code == 0, out
    assert (tmp_path / "pkg" / "models.py").is_file()
    assert "jinja2.environment" in imported


# Loaded at start-up from PYTHONPATH: an atexit hook, unflushed output, and an object
# whose finalizer runs only in the interpreter's teardown.
_SITECUSTOMIZE = """
import atexit, pathlib, sys
atexit.register(pathlib.Path("hook-ran").write_text, "yes")
sys.stdout.write("buffered, unflushed ")
class _Teardown:
    def __del__(self):
        pathlib.Path("torn-down").write_text("yes")
KEPT = _Teardown()
"""


def _program(tmp_path: Path, *command: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
    (tmp_path / "taxonomy.yaml").write_text(MINIMAL + "colour: red\n", encoding="utf-8")
    return subprocess.run(
        list(command),
        input=stdin,
        cwd=tmp_path,
        env={
            **os.environ,
            "CIOGEN_CACHE_DIR": "off",
            "PYTHONPATH": os.pathsep.join(
                [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_skips_teardown_yet_runs_atexit_hooks_and_flushes(tmp_path: Path) -> None:
    done = _program(tmp_path, sys.executable, "-m", "ciogen", "validate")
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith("buffered, unflushed "), done.stdout
    assert "taxonomy.yaml:9:1: colour: unknown field 'colour'" in done.stdout + done.stderr
    assert (tmp_path / "hook-ran").read_text(encoding="utf-8") == "yes"
    assert not (tmp_path / "torn-down").exists()  # the teardown was skipped


def test_the_console_script_skips_teardown_too(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "ciogen"
    if not script.is_file():
        pytest.skip("no `ciogen` entry point beside this interpreter (not pip-installed)")
    done = _program(tmp_path, str(script), "validate")
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith("buffered, unflushed "), done.stdout
    assert (tmp_path / "hook-ran").read_text(encoding="utf-8") == "yes"
    assert not (tmp_path / "torn-down").exists()


def test_python_i_still_gets_its_prompt_after_the_command(tmp_path: Path) -> None:
    done = _program(
        tmp_path,
        sys.executable,
        "-i",
        "-m",
        "ciogen",
        "validate",
        stdin="print('the prompt ran')\n",
    )
    assert "the prompt ran" in done.stdout, done.stdout + done.stderr
    assert "colour: unknown field 'colour'" in done.stderr


def test_under_a_profiler_the_command_exits_as_usual(tmp_path: Path) -> None:
    done = _program(
        tmp_path, sys.executable, "-m", "cProfile", "-o", "run.prof", "-m", "ciogen", "validate"
    )
    # (cProfile swallows the SystemExit that carries exit code 2: its exit code is 0.)
    assert "colour: unknown field 'colour'" in done.stderr, done.stderr
    assert (tmp_path / "run.prof").stat().st_size > 0  # cProfile wrote it after ciogen returned
    assert (tmp_path / "hook-ran").read_text(encoding="utf-8") == "yes"
    assert (tmp_path / "torn-down").exists()
