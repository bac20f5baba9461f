"""What is in an output folder, found without following links or opening special files.

`check` runs in CI on a checkout that a pull request controls, so the output
folder may hold anything a commit can hold: links (to `/dev/zero`, to a folder
outside the repository), FIFOs, a package that shadows `models.py`, a
`conftest.py` pytest would run, bytecode Python would import instead of the
clean source. The scan uses `lstat` only, never follows a link, opens only
regular files (non-blocking, no-follow), reads a file it does not expect
only as far as its header, compares a file it writes with what it would write
(never reading past that length, so a generated file of any size compares
exactly), and sorts every entry it does not expect into `Entry.kind`:

- ``generated``: a regular file at a path ciogen writes;
- ``stale``: a file with ciogen's header that the taxonomy no longer produces;
- ``leftover``: the journal or a temporary file of an interrupted run;
- ``foreign``: a regular file without the header that nothing executes;
- ``hazard``: something Python, pytest or the dynamic loader would execute and
  ciogen did not write, or something that is not a regular file.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Iterator, Set
from pathlib import Path

from .limits import MAX_FILE_BYTES, MAX_OUTPUT_ENTRIES
from .render import is_generated

CACHE_DIRS = frozenset({".mypy_cache", ".pytest_cache", ".hypothesis", ".ruff_cache"})
"""Tool caches: never executed by Python, never read, never touched."""
JOURNAL = ".ciogen-journal.json"
TEMP_MARK = ".ciogen-tmp-"

_PYTHON_SUFFIXES = (".py", ".pyw", ".pyi", ".pth")
_NATIVE_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")
HEAD_BYTES = 4096
"""What is read of a file ciogen does not write: enough for its header."""
_CHUNK = 1 << 20


class OutputTooLarge(Exception):
    """The output folder holds more entries than any generated package could."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        super().__init__(f"{root} holds over {MAX_OUTPUT_ENTRIES} entries")


@dataclasses.dataclass(frozen=True)
class Entry:
    """One thing found in the output folder, relative to it (POSIX separators)."""

    rel: str
    kind: str
    reason: str = ""


def _open_regular(path: Path) -> int | None:
    """A read descriptor on `path` if it is a regular file (not a link, FIFO or device)."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between lstat and open
        os.close(fd)
        return None
    return fd


def _chunks(fd: int, limit: int) -> Iterator[bytes]:
    remaining = limit
    while remaining > 0:
        chunk = os.read(fd, min(remaining, _CHUNK))
        if not chunk:
            return
        yield chunk
        remaining -= len(chunk)


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> bytes | None:
    """The bytes of `path` if it is a regular file (not a link, FIFO or device), else None.

    At most `limit + 1` bytes are read, so a caller can tell "too big" from "fits".
    """
    fd = _open_regular(path)
    if fd is None:
        return None
    try:
        return b"".join(_chunks(fd, limit + 1))
    finally:
        os.close(fd)


def differs_at(path: Path, expected: bytes) -> int | None:
    """Where the regular file `path` first differs from `expected` (a byte offset), or None
    when it holds exactly `expected`; a file that is not regular differs at 0.

    Streams the file and reads at most `len(expected) + 1` bytes: a generated file is
    compared in full whatever its size (a cap here once made a 39 MB file drift forever).
    """
    fd = _open_regular(path)
    if fd is None:
        return 0
    offset = 0
    try:
        for chunk in _chunks(fd, len(expected) + 1):
            if chunk != expected[offset : offset + len(chunk)]:
                return offset + _common_prefix(chunk, expected[offset : offset + len(chunk)])
            offset += len(chunk)
    finally:
        os.close(fd)
    return None if offset == len(expected) else offset


def _common_prefix(left: bytes, right: bytes) -> int:
    """The length of the common prefix of two byte strings (halving, not byte by byte)."""
    low, high = 0, min(len(left), len(right))
    while low < high:
        middle = (low + high + 1) // 2
        if left[low:middle] == right[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def walk(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(relative path, lstat) of every entry under `root`, sorted, links not followed."""
    stack = [("", root)]
    seen = 0
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            seen += 1
            if seen > MAX_OUTPUT_ENTRIES:
                raise OutputTooLarge(root)
            rel = f"{prefix}{entry.name}"
            info = entry.stat(follow_symlinks=False)
            yield rel, info
            if stat.S_ISDIR(info.st_mode) and entry.name not in CACHE_DIRS:
                stack.append((f"{rel}/", Path(entry.path)))


def _lstat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _pyc_hazard(root: Path, rel: str, info: os.stat_result) -> str:
    """Why Python would run this bytecode file instead of its source ('' if it would not)."""
    parts = rel.split("/")
    if len(parts) < 2 or parts[-2] != "__pycache__":
        return "bytecode outside __pycache__: Python imports it without any source"
    stem = parts[-1].split(".", 1)[0]
    source = root.joinpath(*parts[:-2], f"{stem}.py")
    head = read_regular(root / rel, 16)
    if head is None or len(head) < 16 or head[2:4] != b"\r\n":
        return ""  # not bytecode at all: never loaded
    flags = int.from_bytes(head[4:8], "little")
    if _lstat_or_none(source) is None:
        return ""  # Python 3 ignores __pycache__ entries without a source file
    if flags & 0b1:
        # Any Python version's cache counts (CI may test on another Python than
        # it checks with). Python writes hash-based caches only when asked to,
        # and then runs them instead of the source: unchecked ones whatever the
        # source says, checked ones whenever the hash matches.
        kind = "checked" if flags & 0b10 else "unchecked"
        return f"{kind}-hash bytecode: Python may run it instead of the source"
    # A timestamp cache is what Python itself writes. When its recorded mtime
    # and size match the source Python loads it, as it would any cache; a
    # checkout gives the source an mtime no commit can predict, so a committed
    # cache never matches. Trusted as Python trusts it (docs/security.md).
    return ""


def classify(root: Path, rel: str, info: os.stat_result, expected: Set[str]) -> Entry | None:
    """Sort one walked entry; None for folders ciogen writes into and the caches."""
    name = rel.rsplit("/", 1)[-1]
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return Entry(rel, "hazard", "a symbolic link (never followed)")
    if stat.S_ISDIR(mode):
        if name in CACHE_DIRS or name == "__pycache__":
            return None
        if any(path.startswith(f"{rel}/") for path in expected):
            return None
        if f"{rel}.py" in expected:
            return Entry(rel, "hazard", f"a folder that shadows {name}.py on import")
        return None  # its contents are classified one by one
    if not stat.S_ISREG(mode):
        return Entry(rel, "hazard", "not a regular file (FIFO, socket or device): never opened")
    if name == JOURNAL or TEMP_MARK in name:
        return Entry(rel, "leftover", "left by an interrupted ciogen run")
    if rel in expected:
        return Entry(rel, "generated")
    if name.endswith(".pyc") or name.endswith(".pyo"):
        reason = _pyc_hazard(root, rel, info)
        return Entry(rel, "hazard", reason) if reason else None
    if name.endswith(_NATIVE_SUFFIXES):
        return Entry(rel, "hazard", "a native extension module: Python imports it before .py")
    head = read_regular(root / rel, HEAD_BYTES) or b""
    if is_generated(head.decode("utf-8", "replace")):
        return Entry(rel, "stale", "generated, no longer produced")
    if name.endswith(_PYTHON_SUFFIXES):
        what = "conftest.py: pytest runs it" if name == "conftest.py" else "Python code"
        return Entry(rel, "hazard", f"{what} without ciogen's header")
    return Entry(rel, "foreign")
