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


def _item_vector(items: list[bytes], reason: str, status: int | None, stamp: str) -> list[bytes]:
    """The lines of queued operations that share a reason and a status (drops, a
    deadline's leftovers, rejected credentials) as a write vector: head, operation,
    end, for each line. The queued bytes are not copied in Python at all (one list
    assignment in C): at 100,000 leftovers a join alone would copy 40 MB."""
    vector: list[bytes] = [_head(stamp, status, reason, _BATCH_PATH), b"", b"}\n"] * len(items)
    vector[1::3] = items
    if _AnonymousEvent in map(type, items):  # a scan in C, not a loop in Python
        heads = {path: _head(stamp, status, reason, path) for path in (_BATCH_PATH, _EVENTS_PATH)}
        vector[0::3] = [heads[_path_of(item)] for item in items]
    return vector


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write_dead_letters(
    path: str, lock: threading.Lock, failures: list[FailedOperation], durable: bool
) -> None:
    """Append one JSON line per failure. ``durable`` adds an fsync; drops skip it
    (an overflow writes a group every few milliseconds)."""
    _append(path, lock, _lines(failures, _stamp()), len(failures), durable)


def write_items(
    path: str,
    lock: threading.Lock,
    items: list[bytes],
    reason: str,
    status: int | None,
    durable: bool,
) -> None:
    """Append one JSON line per queued operation, all failed with ``reason``/``status``:
    built from the bytes alone, no report object needed."""
    stamp = _stamp()
    if len(items) <= _JOIN_UP_TO and _AnonymousEvent not in map(type, items):
        lines: bytes | list[bytes] = _run(_head(stamp, status, reason, _BATCH_PATH), items)
    else:
        lines = _item_vector(items, reason, status, stamp)
    _append(path, lock, lines, len(items), durable)


_JOIN_UP_TO = 1000
"""Up to this many lines (a group of drops), one joined write is cheaper than a
vector; above it (a deadline's leftovers), the vector saves copying the bytes."""


_LINES_PER_WRITE = 340
"""Lines of a write vector written by one ``writev`` (3 buffers a line, within the
1,024 buffers POSIX systems take per call)."""


def _append(
    path: str, lock: threading.Lock, lines: bytes | list[bytes], count: int, durable: bool
) -> None:
    """Write ``lines`` (bytes, or a vector of whole lines) at the end of the file."""
    try:
        with lock:
            # O_APPEND, and every write holds whole lines: lines from threads and
            # forked children never interleave. 0o600: the file holds personal data.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                if isinstance(lines, bytes):
                    _write_all(fd, lines)
                else:
                    _write_vector(fd, lines)
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


def _write_vector(fd: int, vector: list[bytes]) -> None:
    step = 3 * _LINES_PER_WRITE
    writev = getattr(os, "writev", None)  # POSIX; elsewhere, one joined write per group
    for start in range(0, len(vector), step):
        group = vector[start : start + step]
        if writev is None:
            _write_all(fd, b"".join(group))
            continue
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
