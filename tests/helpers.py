"""Small helpers for the toolkit's tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

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
