"""Built packages kept by their inputs, so `check` need not rebuild an unchanged plan.

A pre-commit `check` of a plan that has not changed since the last `generate`
rebuilds every file (two seconds for 1,000 events) only to find them equal. So
each successful build is stored under a key of everything the build reads:
the taxonomy's text and the name it is shown by, the package name, the
regenerate command written into the headers, the bytes of every ciogen module
and template, and the versions of Python, Jinja and PyYAML. `check` with a
stored build for its key compares that with the disk, through the same
`output.plan` as a fresh build, prints the same warnings, and builds nothing; a
missing, unreadable or damaged entry means a fresh build. The entries live in
the diff cache's folder (`diff_cache.cache_dir`, private to the user, because
a pickle is only as trustworthy as whoever can write it), zlib-compressed;
`CIOGEN_CACHE_DIR=off` turns both caches off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import pickle
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from . import __version__
from .diff_cache import cache_dir
from .errors import Problem
from .lazy_modules import lazy
from .runtime_facts import templates_dir

if TYPE_CHECKING:
    import jinja2
else:
    jinja2 = lazy("jinja2")  # its version only, when a check reads the cache

KEEP = 4
"""Stored builds kept (the newest); a 1,000-event plan's is about 2 MB."""
PREFIX = "build-"


@dataclasses.dataclass(frozen=True)
class Build:
    """What `check` needs of a build: the files, the warnings, the counts it reports."""

    files: dict[str, str]
    warnings: list[Problem]
    events: int
    attributes: int


def _tree(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def digest_of(folders: tuple[Path, ...]) -> bytes:
    """One digest of every file's name and bytes in `folders` (caches left out)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in _tree(folder):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


@functools.cache
def _fingerprint() -> bytes:
    """The generator's own inputs: its modules, templates and the libraries that shape text."""
    digest = hashlib.sha256(digest_of((Path(__file__).resolve().parent, templates_dir())))
    for part in (__version__, sys.version, jinja2.__version__, yaml.__version__):
        digest.update(part.encode() + b"\0")
    return digest.digest()


def fingerprint() -> bytes:
    """What every stored build's key starts from (also the template cache's checksums)."""
    return _fingerprint()


def key(text: str, label: str, package: str, command: str) -> str:
    digest = hashlib.sha256(_fingerprint())
    for part in (label, package, command, text):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _path(entry: str) -> Path | None:
    try:
        folder = cache_dir()
    except RuntimeError:  # no home folder to put it in (a user without one): no cache
        return None
    return None if folder is None else folder / f"{PREFIX}{entry}.pickle.z"


def lookup(entry: str) -> Build | None:
    """The build stored under `entry` (a `key`), or None."""
    path = _path(entry)
    if path is None:
        return None
    try:
        value = pickle.loads(zlib.decompress(path.read_bytes()))
    except (OSError, zlib.error, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    except (TypeError, ValueError, IndexError):
        return None  # a damaged entry: rebuilt as if it were missing
    return value if isinstance(value, Build) else None


class _Store(threading.Thread):
    """`store` in a thread, its failure kept for `wait_for_stores` to raise."""

    def __init__(self, entry: str, build: Build) -> None:
        super().__init__(name="ciogen-build-cache")
        self.entry, self.build = entry, build
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            store(self.entry, self.build)
        except BaseException as exc:  # raised in the main thread by wait_for_stores
            self.failure = exc


_pending: list[_Store] = []


def store_in_background(entry: str, build: Build) -> None:
    """`store`, while the run goes on: compressing and writing 1,000 events' build
    (~14 MB, 0.05-0.1 s) release the interpreter lock, so the output's write overlaps them.
    `wait_for_stores` must run before the process ends."""
    thread = _Store(entry, build)
    _pending.append(thread)
    thread.start()


def wait_for_stores(*, quiet: bool = False) -> None:
    """Every background store finished; the first that failed raises here (unless
    `quiet`: the caller is already failing, and its own error is the one to report).
    A thread leaves the list only once joined, so an interrupted wait can be resumed."""
    failure: BaseException | None = None
    while _pending:
        _pending[0].join()
        thread = _pending.pop(0)
        failure = failure or thread.failure
    if failure is not None and not quiet:
        raise failure


ABANDONED_AFTER = 3600
"""Seconds after which a temporary file in the cache folder is a killed run's leftover."""


def _remove_abandoned(folder: Path) -> None:
    """Delete what runs killed while storing left (`.tmp-*`, up to a build's size each).
    An hour old at least: a run storing right now is never disturbed."""
    now = time.time()
    for leftover in folder.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if now - leftover.lstat().st_mtime > ABANDONED_AFTER:
                leftover.unlink()


@contextlib.contextmanager
def stores_awaited() -> Iterator[None]:
    """The block, then every background store finished. A store's bug is raised like
    any failure of the block's; when the block itself fails, its own error is the one
    raised (a Ctrl-C stays an interruption)."""
    try:
        yield
    except BaseException:
        wait_for_stores(quiet=True)
        raise
    wait_for_stores()


def store(entry: str, build: Build) -> None:
    """Keep `build` under `entry`; a cache that cannot be written is ignored."""
    path = _path(entry)
    if path is None:
        return
    tmp = ""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(zlib.compress(pickle.dumps(build, pickle.HIGHEST_PROTOCOL), 1))
        # `rename`, not `replace`: in a run, `os.replace` is the output journal's alone
        # (tests/hostile/test_writes.py kills a generate at its Nth call).
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # where rename will not overwrite (Windows)
        os.rename(tmp, path)
        tmp = ""
        entries = sorted(
            path.parent.glob(f"{PREFIX}*.pickle.z"), key=lambda p: p.stat().st_mtime_ns
        )
        for old in entries[:-KEEP]:
            old.unlink()
        _remove_abandoned(path.parent)
    except OSError:
        pass
    if tmp:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
