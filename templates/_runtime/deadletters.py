"""The dead-letter file: one JSON line per operation that will not be delivered."""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime

from .values import FailedOperation

_log = logging.getLogger(__name__.rpartition(".")[0])


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
                chunks.append(head + (b"}\n" + head).join(run) + b"}\n")
                run = []
            status, reason, path = failed._status, failed._reason, failed._path
            fields = {"time": stamp, "status": status, "reason": reason, "path": path}
            text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
            head = text[:-1].encode("utf-8", "replace") + b',"operation":'
        raw = failed._raw
        if not raw:  # built by hand from a dict
            text = json.dumps(failed.operation, ensure_ascii=False, separators=(",", ":"))
            raw = text.encode("utf-8", "replace")
        run.append(raw)
    if run:
        chunks.append(head + (b"}\n" + head).join(run) + b"}\n")
    return b"".join(chunks)


def write_dead_letters(
    path: str, lock: threading.Lock, failures: list[FailedOperation], durable: bool
) -> None:
    """Append one JSON line per failure. ``durable`` adds an fsync; drops skip it
    because they are written in the caller's thread, which must stay fast."""
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    lines = _lines(failures, stamp)
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
