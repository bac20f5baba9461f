"""The dead-letter file: one JSON line per operation that will not be delivered."""

from __future__ import annotations

import functools
import json
import os
import threading
from datetime import UTC, datetime

from .lazy import Logger
from .values import _BATCH_PATH, _EVENTS_PATH, FailedOperation
from .wire import _AnonymousEvent, _path_of, _serialize

_log = Logger(__name__.rpartition(".")[0])


def _head(stamp: str, status: int | None, reason: str, path: str) -> bytes:
    """A line up to its operation: everything a run of lines shares."""
    return b'{"time":"' + stamp.encode("ascii") + b'",' + _fields(status, reason, path)


@functools.lru_cache(maxsize=64)
def _fields(status: int | None, reason: str, path: str) -> bytes:
    """The JSON of a line's status, reason and path: the same for every group of
    drops, so it is encoded once."""
    fields = {"status": status, "reason": reason, "path": path}
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return text[1:-1].encode("utf-8", "replace") + b',"operation":'


def _run(head: bytes, raws: list[bytes]) -> bytes:
    """One line per operation, all with ``head``: a single join, no loop in Python."""
    return head + (b"}\n" + head).join(raws) + b"}\n"


def _lines(failures: list[FailedOperation], stamp: str) -> bytes:
    """The lines, each operation's queued bytes copied as they are: nothing is decoded
    or re-encoded, so reporting stays cheap at a deadline and on the drop path. Runs of
    failures that share a head (time, status, reason, path) are joined in one go."""
    chunks: list[bytes] = []
    run: list[bytes] = []
    head = b""
    status: int | None = None
    reason = path = ""
    for failed in failures:
        # The slots, not the properties: this loop runs once per leftover operation.
        if failed._reason is not reason or failed._path is not path or failed._status != status:
            if run:
                chunks.append(_run(head, run))
                run = []
            status, reason, path = failed._status, failed._reason, failed._path
            head = _head(stamp, status, reason, path)
        raw = failed._raw
        if not raw:  # built by hand from a dict
            text = json.dumps(failed.operation, ensure_ascii=False, separators=(",", ":"))
            raw = text.encode("utf-8", "replace")
        run.append(raw)
    if run:
        chunks.append(_run(head, run))
    return b"".join(chunks)


def _chunks(
    items: list[bytes], reason: str, status: int | None, stamp: str, plain: bool
) -> list[bytes]:
    """The lines of queued operations that share a reason and a status (drops, a
    deadline's leftovers, rejected credentials), joined ``_LINES_PER_CHUNK`` at a time:
    each chunk is one join in C, no loop in Python, and small enough to be reused
    warm by the allocator (one join of 100,000 lines would map 40 MB of fresh pages;
    a buffer per line would cost more to hand to the kernel than to copy)."""
    step = _LINES_PER_CHUNK
    if plain or _AnonymousEvent not in map(type, items):  # a scan in C: the usual case
        head = _head(stamp, status, reason, _BATCH_PATH)
        return [_run(head, items[i : i + step]) for i in range(0, len(items), step)]
    chunks: list[bytes] = []
    run: list[bytes] = []
    path = ""
    for item in items:  # anonymous events have their own path: split runs at changes
        item_path = _path_of(item)
        if item_path is not path or len(run) == step:
            if run:
                chunks.append(_run(_head(stamp, status, reason, path), run))
            run, path = [], item_path
        run.append(item)
    if run:
        chunks.append(_run(_head(stamp, status, reason, path), run))
    return chunks


_LINES_PER_CHUNK = 200
"""Lines joined into one buffer (about 60 KB with a 150-byte operation: below the
size at which the C allocator maps fresh pages for every buffer)."""
_CHUNKS_PER_WRITE = 512
"""Buffers handed to one ``writev`` (POSIX systems take at least 1,024)."""


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write_dead_letters(
    path: str, lock: threading.Lock, failures: list[FailedOperation], durable: bool
) -> None:
    """Append one JSON line per failure. ``durable`` adds an fsync; drops skip it
    (an overflow writes a group every few milliseconds)."""
    _append(path, lock, [_lines(failures, _stamp())], len(failures), durable)


def write_items(
    path: str,
    lock: threading.Lock,
    items: list[bytes],
    reason: str,
    status: int | None,
    durable: bool,
    plain: bool = False,
) -> None:
    """Append one JSON line per queued operation, all failed with ``reason``/``status``:
    built from the bytes alone, no report object needed; one write for a group of
    drops (up to 100,000 lines). ``plain``: the caller knows none is anonymous."""
    _append(path, lock, _chunks(items, reason, status, _stamp(), plain), len(items), durable)


def _append(
    path: str, lock: threading.Lock, chunks: list[bytes], count: int, durable: bool
) -> None:
    """Write ``chunks`` (each whole lines) at the end of the file."""
    try:
        with lock:
            # O_APPEND, and every write holds whole lines: lines from threads and
            # forked children never interleave. 0o600: the file holds personal data.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                _write_chunks(fd, chunks)
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
    except OSError as exc:
        _log.error("cannot write %d failed operation(s) to the dead-letter file: %s", count, exc)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_chunks(fd: int, chunks: list[bytes]) -> None:
    writev = getattr(os, "writev", None)  # POSIX; elsewhere, one write per chunk
    if writev is None or len(chunks) == 1:
        for chunk in chunks:
            _write_all(fd, chunk)
        return
    for start in range(0, len(chunks), _CHUNKS_PER_WRITE):
        group = chunks[start : start + _CHUNKS_PER_WRITE]
        written = writev(fd, group)
        if written < sum(map(len, group)):  # a short write (a signal, a full disk)
            _write_all(fd, b"".join(group)[written:])


def read_dead_letters(path: str | os.PathLike[str]) -> list[bytes]:
    """The operations of a dead-letter file, ready to queue again; a line that is not
    one (truncated by a crash, edited by hand) is skipped with a warning, so one bad
    line cannot block the replay of the rest."""
    items: list[bytes] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                op = record["operation"]
                if not isinstance(op, dict):
                    raise TypeError("operation is not an object")
                item = _serialize(op, "dead-letter operation")
            except (ValueError, KeyError, TypeError) as exc:
                _log.warning("skipping dead-letter line %d: %s", number, exc)
                continue
            if record.get("path") == _EVENTS_PATH:
                item = _AnonymousEvent(item)
            items.append(item)
    return items
