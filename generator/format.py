"""Format generated Python with the pinned ruff, in one process for all files.

Output is reproducible (a house rule, docs/architecture.md): the formatter is
pinned exactly (a new ruff may format differently and `check` would report
drift), run with `--isolated` so the user's own ruff configuration cannot change
our output, and fed through a scratch directory so one ruff process formats
every file.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

RUFF_ARGS = ("--isolated", "--line-length", "100", "--target-version", "py311")


class FormatError(RuntimeError):
    """ruff could not format what the templates produced: a bug in ciogen, not in the taxonomy."""


def ruff_binary() -> str:
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    return str(find_ruff_bin())


def format_python(files: dict[str, str]) -> dict[str, str]:
    if not files:
        return {}
    with tempfile.TemporaryDirectory(prefix="ciogen-fmt-") as scratch:
        root = Path(scratch)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [ruff_binary(), "format", *RUFF_ARGS, "--no-cache", "."],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise FormatError(f"ruff format failed (this is a ciogen bug):\n{result.stderr}")
        # Sorting imports and __all__ is ruff's job too, so templates need not get it right.
        sort = subprocess.run(
            [
                ruff_binary(),
                "check",
                *RUFF_ARGS,
                "--no-cache",
                "--fix",
                "--select",
                "I,RUF022",
                "--quiet",
                ".",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if sort.returncode != 0:
            raise FormatError(
                f"ruff check --fix failed (this is a ciogen bug):\n{sort.stdout}{sort.stderr}"
            )
        return {rel: (root / rel).read_text(encoding="utf-8") for rel in files}
