"""What a deadline leaves over: ``close(timeout)`` and the exit flush report every
operation still queued or in flight when their time runs out, and still return within
the timeout plus a small constant, whatever the queue length.

So the work that grows with the queue is done inside the timeout. Its last stretch,
a reserve sized from what is pending (at most half the timeout), is spent on the
report: first the closing thread, idle until then, builds the report objects of
everything pending (only if ``on_error`` or the DEBUG log will see them) while the
sender keeps sending; then, a dead-letter file's write time before the deadline, it
gives up on what is left. Operations only leave the queue from its front, so what is
left is a tail of the snapshot the objects were built from: a slice. The dead-letter
lines are the queued bytes joined a few hundred at a time and written with one
``writev``, nothing decoded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import Logger
from .reporting import failures_of
from .values import FailedOperation

if TYPE_CHECKING:
    from .pipeline import _Pipeline

_log = Logger(__name__.rpartition(".")[0])

RESERVE_PER_OPERATION = 2.5e-6
"""Seconds reserved per pending operation to build its report object (about 1 µs on
an idle core; the rest is for a busy machine)."""
RESERVE_PER_BYTE = 5e-9
"""Seconds reserved per byte of dead-letter lines to write them, fsync included
(about 4 ns measured: 33 MB of leftovers cost 0.13 s)."""
_LINE_HEAD = 140
"""Bytes a dead-letter line adds to its operation (time, status, reason, path)."""
RESERVE_PER_LEFTOVER = 0.4e-6
"""Seconds reserved per pending operation for what follows giving up on it: taking
it off the queue, the report, freeing its report object (about 0.2 µs)."""
RESERVE_BASE = 0.005
RESERVE_SHARE = 0.5
"""The reserve is at most this share of the timeout: delivery keeps the larger part."""

_Prepared = tuple[list[bytes], list[FailedOperation]]


def close_by(pipeline: _Pipeline, target: int, deadline: float | None, timeout: float) -> None:
    """Wait until ``target`` operations have settled, at the latest until the
    reporting reserve before ``deadline``, and report whatever is still pending then."""
    if deadline is None:
        pipeline._wait_finished(target, None)
        return
    reporter = pipeline._reporter
    with pipeline._lock:
        pending = max(target - pipeline._finished, 0)
        size = pipeline._queue_bytes
    build = RESERVE_PER_OPERATION * pending if reporter.needs_objects() else 0.0
    write = RESERVE_PER_BYTE * (size + _LINE_HEAD * pending) if reporter.writes_file() else 0.0
    last = RESERVE_BASE + RESERVE_PER_LEFTOVER * pending + write  # after giving up
    scale = min(1.0, RESERVE_SHARE * timeout / (last + build))  # shrunk to fit a short timeout
    if pipeline._wait_finished(target, deadline - (last + build) * scale):
        return
    reason = f"not delivered before close() timed out after {timeout:g}s"
    prepared = _prepare(pipeline, reason)
    if pipeline._wait_finished(target, deadline - last * scale):
        return
    abandon(pipeline, reason, prepared)


def _pending_locked(pipeline: _Pipeline) -> list[bytes]:
    """Everything not settled yet, oldest first: the batch in flight, then the queue."""
    inflight = pipeline._inflight
    items = list(pipeline._queue)
    if inflight is not None and not inflight.claimed:
        items = inflight.items + items
    return items


def _prepare(pipeline: _Pipeline, reason: str) -> _Prepared | None:
    if not pipeline._reporter.needs_objects():
        return None
    with pipeline._lock:
        items = _pending_locked(pipeline)
    return items, failures_of(items, reason, None)


def abandon(pipeline: _Pipeline, reason: str, prepared: _Prepared | None) -> None:
    """Give up on everything pending: take it off the queue (and the batch in flight
    from the sender) and report it with ``reason``."""
    pipeline._abandon.set()
    with pipeline._lock:
        items = list(pipeline._queue)
        pipeline._queue.clear()
        pipeline._queue_bytes = 0
        pipeline._popped += len(items)
        inflight = pipeline._inflight
        if inflight is not None and not inflight.claimed:
            inflight.claimed = True
            items = inflight.items + items
            pipeline._inflight = None
    if items:
        _log.warning("Customer.io client closed with %d operation(s) undelivered", len(items))
        # The note goes in the summary only: the reason is repeated on every line.
        summary = (
            f"{len(items)} operation(s) {reason}"
            " (in-flight operations may have arrived; replay is idempotent for events)"
        )
        failures = _slice(prepared, items)
        pipeline._reporter.report_items(items, reason, None, summary, True, failures)
    with pipeline._lock:
        pipeline._failed += len(items)
        pipeline._finished += len(items)
        pipeline._done.notify_all()


def _slice(prepared: _Prepared | None, items: list[bytes]) -> list[FailedOperation] | None:
    """The prepared reports of ``items``, a tail of the snapshot they were built from;
    None (build them now) if the pending operations are somehow not that tail."""
    if prepared is None:
        return None
    snapshot, failures = prepared
    skip = len(snapshot) - len(items)
    if skip < 0 or snapshot[skip] is not items[0] or snapshot[-1] is not items[-1]:
        return None
    return failures[skip:] if skip else failures
