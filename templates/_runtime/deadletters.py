"""The dead-letter file: one JSON line per operation that will not be delivered."""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime

from .values import FailedOperation

_log = logging.getLogger(__name__.rpartition(".")[0])


def _line(failed: FailedOperation, stamp: str, heads: dict[tuple[object, ...], bytes]) -> bytes:
    """One line, the operation's queued bytes copied as they are: nothing is decoded
    or re-encoded, so reporting stays cheap at a deadline. The head (time, status,
    reason, path) is encoded once per distinct value."""
    key = (failed.status, failed.reason, failed.path)
    head = heads.get(key)
    if head is None:
        fields = {
            "time": stamp,
            "status": failed.status,
            "reason": failed.reason,
            "path": failed.path,
        }
        text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        head = heads[key] = text[:-1].encode("utf-8", "replace") + b',"operation":'
    raw = failed.raw or json.dumps(
        failed.operation, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8", "replace")
    return head + raw + b"}\n"


def write_dead_letters(
    path: str, lock: threading.Lock, failures: list[FailedOperation], durable: bool
) -> None:
    """Append one JSON line per failure. ``durable`` adds an fsync; drops skip it
    because they are written in the caller's thread, which must stay fast."""
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    heads: dict[tuple[object, ...], bytes] = {}
    lines = b"".join([_line(f, stamp, heads) for f in failures])
    try:
        with lock:
            # O_APPEND + one write per call: lines from threads and forked children
            # never interleave. 0o600: the file holds personal data.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                view = memoryview(lines)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
    except OSError as exc:
        _log.error(
            "cannot write %d failed operation(s) to the dead-letter file: %s",
            len(failures),
            exc,
        )
