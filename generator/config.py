"""`[tool.ciogen]` in the project's `pyproject.toml`: the defaults of every verb.

A project runs ciogen from several places (a terminal, pre-commit, CI); with
the taxonomy path, output folder, package name and strictness written once in
`pyproject.toml`, every one of them is a bare `ciogen generate` / `ciogen
check` and they cannot disagree. Flags on the command line still win.

The file is the first `pyproject.toml` found from the working directory
upwards; paths in it are relative to the folder that holds it. Mistakes in the
table are reported like taxonomy problems, located at the offending key.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import Problem, TaxonomyError
from .suggest import close_match

TABLE = "tool.ciogen"
# key -> (type, what the value must be): one table drives checks and messages.
KEYS: dict[str, tuple[type, str]] = {
    "taxonomy": (str, 'a path to the tracking plan, e.g. "taxonomy.yaml"'),
    "out": (str, 'the folder to generate into, e.g. "src/myapp/analytics"'),
    "package": (str, 'the dotted import name of the package, e.g. "myapp.analytics"'),
    "strict": (bool, "true or false"),
    # [tool.ciogen.diff]: read and checked by `ciogen diff` (diff_cli.py), which alone uses it.
    "diff": (dict, "a table ([tool.ciogen.diff]: fail, ignore)"),
}
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclasses.dataclass(frozen=True)
class Config:
    """What `[tool.ciogen]` sets; None where it says nothing (the built-in default applies)."""

    file: Path | None = None
    taxonomy: Path | None = None
    out: Path | None = None
    package: str | None = None
    strict: bool | None = None


def find_pyproject(start: Path) -> Path | None:
    """The nearest `pyproject.toml` in `start` or a folder above it.

    Something else of that name (a folder, a broken link) is an error, not a file
    to skip: skipping it would quietly apply a configuration further up, or none.
    """
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
        if candidate.exists() or candidate.is_symlink():
            what = "a folder" if candidate.is_dir() else "not a readable file"
            raise TaxonomyError(
                [
                    Problem(
                        os.path.relpath(candidate, start),
                        1,
                        1,
                        "",
                        f"is {what}; ciogen reads its configuration from a pyproject.toml file",
                        "rename or remove it",
                    )
                ]
            )
    return None


def _key_position(text: str, key: str) -> tuple[int, int]:
    """Line and column of `key = ...` inside the `[tool.ciogen]` table (1, 1 if not found)."""
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped.replace(" ", "") == f"[{TABLE}]"
            continue
        if in_table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number, line.index(key) + 1
    return 1, 1


def _problem(path: Path, text: str, key: str, message: str, hint: str = "") -> Problem:
    line, column = _key_position(text, key)
    return Problem(str(path), line, column, f"{TABLE}.{key}", message, hint)


def _table(path: Path, text: str) -> dict[str, Any]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        message = _TOML_POSITION.sub("", str(exc)).strip()
        raise TaxonomyError(
            [Problem(str(path), line, column, "", f"invalid TOML: {message}")]
        ) from None
    table = document.get("tool", {}).get("ciogen", {})
    if not isinstance(table, dict):
        raise TaxonomyError([Problem(str(path), 1, 1, TABLE, "must be a table")])
    return table


def read(path: Path) -> Config:
    """`[tool.ciogen]` of `path`; raises `TaxonomyError` listing every mistake in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise TaxonomyError([Problem(str(path), 1, 1, "", f"cannot read: {reason}")]) from None
    table = _table(path, text)
    problems: list[Problem] = []
    for key, value in table.items():
        if key not in KEYS:
            problems.append(
                _problem(path, text, key, f"unknown key {key!r}", close_match(key, KEYS))
            )
            continue
        kind, expected = KEYS[key]
        blank = isinstance(value, str) and not value.strip()
        if not isinstance(value, kind) or blank:
            problems.append(_problem(path, text, key, f"{value!r} is not {expected}"))
    package = table.get("package")
    if (
        isinstance(package, str)
        and package
        and not all(part.isidentifier() and part.isascii() for part in package.split("."))
    ):
        problems.append(_problem(path, text, "package", f"{package!r} is not a dotted Python name"))
    out = table.get("out")
    folder = Path(out).name if isinstance(out, str) else ""
    if folder not in ("", "..") and not (folder.isidentifier() and folder.isascii()):
        why = f"{out!r}: folder name {folder!r} is not a valid Python package name"
        problems.append(_problem(path, text, "out", why, "the folder name is the import name"))
    if problems:
        raise TaxonomyError(problems)
    root = path.parent

    def where(key: str) -> Path | None:
        value = table.get(key)
        if not isinstance(value, str):
            return None
        return Path(value) if root == Path() else root / value

    strict = table.get("strict")
    return Config(
        file=path,
        taxonomy=where("taxonomy"),
        out=where("out"),
        package=package if isinstance(package, str) else None,
        strict=strict if isinstance(strict, bool) else None,
    )


def discover(cwd: Path) -> Config:
    """The configuration that applies in `cwd` (an empty one when there is none)."""
    path = find_pyproject(cwd)
    if path is None:
        return Config()
    relative = Path("pyproject.toml") if path.parent == cwd else path
    return read(relative)
