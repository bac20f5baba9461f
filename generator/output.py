"""Write the generated tree atomically, or compare it with what is on disk.

`generate` and `check` share `build_output`; this module is the only place
that touches the output folder. Writing stages a complete copy of the new
folder next to the old one and swaps the two with renames, so a failure at any
point leaves the previous folder byte-for-byte as it was. Files that do not
carry ciogen's header are never removed: they are copied into the new folder
untouched and reported.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from .render import is_generated

_SKIP_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis", ".ruff_cache"}


def _existing_files(root: Path) -> Iterator[str]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            yield (Path(dirpath) / name).relative_to(root).as_posix()


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


@dataclasses.dataclass
class Plan:
    """What writing `files` into a folder would change."""

    changed: list[str] = dataclasses.field(default_factory=list)
    missing: list[str] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    stale: list[str] = dataclasses.field(default_factory=list)
    """Files with ciogen's header that the taxonomy no longer produces: removed by generate."""
    foreign: list[str] = dataclasses.field(default_factory=list)
    """Files without ciogen's header: never touched."""

    @property
    def drifted(self) -> bool:
        return bool(self.changed or self.missing or self.stale)


def plan(root: Path, files: Mapping[str, str]) -> Plan:
    result = Plan()
    for rel, text in files.items():
        current = _read(root / rel) if (root / rel).is_file() else None
        if current is None:
            result.missing.append(rel)
        elif current == text:
            result.unchanged.append(rel)
        else:
            result.changed.append(rel)
    for rel in _existing_files(root):
        if rel in files:
            continue
        content = _read(root / rel)
        (result.stale if content is not None and is_generated(content) else result.foreign).append(
            rel
        )
    return result


def unified_diff(root: Path, files: Mapping[str, str], result: Plan, display: str) -> str:
    chunks: list[str] = []
    for rel in result.changed:
        old = _read(root / rel) or ""
        chunks.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                files[rel].splitlines(keepends=True),
                fromfile=f"{display}/{rel} (on disk)",
                tofile=f"{display}/{rel} (from taxonomy)",
            )
        )
        if chunks and not chunks[-1].endswith("\n"):
            chunks.append("\n")
    return "".join(chunks)


def write(root: Path, files: Mapping[str, str]) -> Plan:
    """Make `root` hold exactly `files` plus any foreign files, all or nothing."""
    result = plan(root, files)
    if not result.drifted:
        return result
    root = root.resolve() if root.exists() else root.absolute()
    root.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{root.name}.ciogen-new-", dir=root.parent))
    backup: Path | None = None
    try:
        for rel in result.foreign:
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / rel, target)
        for rel, text in files.items():
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        if root.exists():
            backup = root.parent / f".{root.name}.ciogen-old-{os.getpid()}"
            if backup.exists():
                shutil.rmtree(backup)
            os.replace(root, backup)
        try:
            os.replace(stage, root)
        except BaseException:
            if backup is not None:
                os.replace(backup, root)
                backup = None
            raise
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
    return result
