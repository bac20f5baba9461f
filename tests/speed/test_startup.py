"""What a fresh `ciogen` process imports before it works (`lazy_modules.py`).

A pre-commit hook starts `ciogen diff` on every commit that touches the plan,
so start-up is part of its cost: jsonschema is executed only for a plan the fast
meta-schema check rejects, and Jinja only when something is rendered. Each
test runs a real process and reads its `-X importtime` log.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
