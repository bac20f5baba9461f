"""The dotted name a generated package is imported by, from `--out` and `--package`.

Both the build (headers, relative imports) and the key of a stored build
(build_cache.py) need it, so it is computed without printing: the caller
reports why a name is refused.
"""

from __future__ import annotations

from pathlib import Path


def package_or_why(out: Path, package: str | None) -> tuple[str | None, str]:
    """The dotted package name, or None and why it is not one."""
    name = out.resolve().name
    if not name.isidentifier() or not name.isascii():
        return None, f"--out folder name {name!r} is not a valid Python package name"
    if package is None:
        return import_path(out, name), ""
    parts = package.split(".")
    if not all(p.isidentifier() and p.isascii() for p in parts):
        return None, f"package {package!r} is not a dotted Python name"
    if parts[-1] != name:
        return None, (
            f"package {package!r} must end with the --out folder's name {name!r}: "
            "the folder name is the name Python imports"
        )
    return package, ""


def import_path(out: Path, name: str) -> str:
    """How users import the package: `app.analytics` when `--out` sits inside package `app`."""
    parts = [name]
    parent = out.resolve().parent
    while (parent / "__init__.py").is_file() and parent.name.isidentifier():
        parts.insert(0, parent.name)
        parent = parent.parent
    return ".".join(parts)
