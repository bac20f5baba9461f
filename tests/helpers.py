"""Small helpers for the toolkit's tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

from ciogen.errors import TaxonomyError
from ciogen.load import load_text

REPO = Path(__file__).resolve().parent.parent

# The lint rules generated code must pass: the project's own, minus line
# length (long literals cannot be wrapped) and the ambiguous-unicode rules
# (user text is allowed to contain any letter).
GENERATED_RUFF = [
    "--isolated",
    "--line-length",
    "100",
    "--target-version",
    "py311",
    "--select",
    "E,F,W,I,B,UP,SIM,RUF",
    "--ignore",
    "E501,RUF001,RUF002,RUF003",
]


def ruff_generated(packages: list[Path], scratch: Path) -> subprocess.CompletedProcess[str]:
    """`ruff check` over generated packages, with their file-level suppressions removed.

    Generated files tell a user's linters to skip them (`# ruff: noqa`, render.SUPPRESSIONS);
    ciogen's own tests must still hold the code to the rules, so they lint a copy
    without those lines (line-level `# noqa: CODE` comments stay in force).
    """
    from ciogen.render import SUPPRESSIONS

    drop = {f"# {s}" for s in SUPPRESSIONS}
    for number, package in enumerate(packages):
        for source in package.rglob("*.py"):
            target = scratch / str(number) / package.name / source.relative_to(package)
            target.parent.mkdir(parents=True, exist_ok=True)
            lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
            target.write_text("".join(x for x in lines if x.rstrip() not in drop), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", *GENERATED_RUFF, "--no-cache", str(scratch)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _package_of(cls: type) -> Any:
    """The generated package a model class comes from (`pkg.models`, `pkg._events.x`, ...)."""
    module = cls.__module__.split("._events.")[0]
    for tail in (".models", "._app_models"):
        module = module.removesuffix(tail)
    return sys.modules[module]


def to_payload(model: Any) -> Any:
    """`to_payload(model)` of the generated package the model comes from (its public API)."""
    return _package_of(type(model)).to_payload(model)


def from_payload(cls: type, payload: Any) -> Any:
    """`from_payload(cls, payload)` of the generated package `cls` comes from."""
    return _package_of(cls).from_payload(cls, payload)


MINIMAL = """\
version: 1
name: test
events:
  signed_up:
    description: A person signed up.
    properties:
      method: {type: string, enum: [email, google]}
    required: [method]
"""


def errors_of(text: str, file: str = "taxonomy.yaml") -> list[str]:
    """The formatted problems for a taxonomy that must be rejected."""
    try:
        load_text(textwrap.dedent(text), file)
    except TaxonomyError as exc:
        return [p.format() for p in exc.problems]
    raise AssertionError("taxonomy was accepted")


def ciogen(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ciogen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )


def run_doc_example(text: str, marker: str, tmp_path: Path) -> str:
    """Run the ```python block after `<!-- marker -->` in a doc, as a user would; its stdout.

    A fresh interpreter with only the repository on the path, so the example can
    rely on nothing the test process imported.
    """
    match = re.search(rf"<!-- {marker} -->\n```python\n(.*?)```", text, re.S)
    assert match is not None, f"no <!-- {marker} --> python block"
    script = tmp_path / "example.py"
    script.write_text(match.group(1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def fork_in_test() -> int:
    """`os.fork()` from inside the pytest process, without Python 3.12+'s warning that
    the process is multi-threaded (other tests' clients keep sender threads alive).

    Only for a child that takes no lock: it does one small thing and leaves with
    `os._exit()`. Tests of real fork lifecycles run in subprocesses of their own.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        return os.fork()
