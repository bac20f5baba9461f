"""Loaded revisions for `ciogen diff`, cached by content so a revision is built once.

Building a 1,000-event plan's model (YAML, meta-schema, semantic checks) takes
seconds, while the base revision of a pull request rarely changes between
runs. So the built `Revision` is pickled under a key made of the text, its
label (which appears in locations), the ciogen version and the size and mtime
of every ciogen module (a changed ciogen never reads an old cache). The cache
folder is `$CIOGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/ciogen`, else
`~/.cache/ciogen`; it is created private to the user (0700), because a pickle
is only as trustworthy as whoever can write it. `CIOGEN_CACHE_DIR=off`
disables it. A cache that cannot be read or written is ignored, never fatal.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path

from . import __version__
from .diff_model import DiffInputError
from .diff_revision import Revision
from .load import load_located


def cache_dir() -> Path | None:
    configured = os.environ.get("CIOGEN_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "ciogen"


@functools.cache
def _fingerprint() -> bytes:
    """ciogen's version and its modules' sizes and mtimes: a new ciogen, a new key."""
    digest = hashlib.sha256(__version__.encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        stat = module.stat()
        digest.update(f"{module.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.digest()


def _key(text: str, label: str) -> str:
    digest = hashlib.sha256(_fingerprint())
    digest.update(label.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector (as it was before, after).

    Unpickling a big plan's revision creates a few hundred thousand objects, none
    of them garbage; each allocation burst triggers a collection that walks all
    of them again, which made a cached 1,000-event revision cost 3x its bare
    unpickling time (bench/diff.py). Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(path: Path) -> Revision | None:
    try:
        with path.open("rb") as handle, _without_cycle_collection():
            value = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return value if isinstance(value, Revision) else None


KEEP = 16
"""Cache entries kept (the newest); a big plan's entry is a few megabytes."""


def _write(folder: Path, path: Path, revision: Revision) -> None:
    tmp = ""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            # The source's keys are interned (source.py), so each is pickled once.
            pickle.dump(revision, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        entries = sorted(folder.glob("diff-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-KEEP]:
            old.unlink()
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)


def load_text(text: str, label: str) -> Revision:
    """The revision of `text` (named `label` in locations); raises `TaxonomyError`."""
    folder = cache_dir()
    path = folder / f"diff-{_key(text, label)}.pickle" if folder else None
    if path is not None:
        cached = _read(path)
        if cached is not None:
            return cached
    taxonomy, _, source = load_located(text, label)
    revision = Revision(taxonomy, source)
    if folder is not None and path is not None:
        _write(folder, path, revision)
    return revision


def load_file(path: Path) -> Revision:
    """`load_text` of a file; an unreadable one is a `DiffInputError` naming it."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise DiffInputError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise DiffInputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return load_text(text, str(path))
