"""The reporting thread: groups of drops are reported off the calling thread.

A call dropped under ``overflow="drop"`` only remembers its bytes
(:meth:`Reporter.defer_drop`). When a group is due, the caller wakes this thread and
returns: the report itself (the dead-letter write, the report objects, ``on_error``)
is the work a queued call leaves to the sender thread, and a dropped call leaves it
here, so that it costs the call no more than queueing does. The sender cannot take
it over: when the queue is full, the sender is the thread stuck in a request.

One thread per client, started with its first group, ended by ``close()`` (or by the
client's garbage collection). Every report of deferred operations, from here or from
``flush()``, ``close()``, the exit flush or the sender, holds the pipeline's report
lock: groups go out one at a time and in call order, and ``flush()`` returns only
after the group in progress is written and ``on_error`` has seen it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from .lazy import Logger
from .reporting import DEFER_AGE

if TYPE_CHECKING:
    from .pipeline import _Pipeline

_log = Logger(__name__.rpartition(".")[0])


def hand_off_locked(pipeline: _Pipeline) -> bool:
    """Have the reporting thread report the deferred group (called with the pipeline's
    lock held). False when no thread can run (synchronous mode, interpreter shutdown):
    the caller then reports the group itself."""
    reporter = pipeline._reporter
    if reporter.backlogged():
        return False  # the thread is far behind (a slow on_error): report, and wait
    if pipeline._report_due:
        return True  # woken already, not running yet
    if not (reporter.writes_file() or reporter.needs_objects()):
        return False  # only a rate-limited log line: cheaper than waking a thread
    thread = pipeline._report_thread
    if thread is None or not thread.is_alive():
        if pipeline._sync:
            return False
        thread = threading.Thread(
            target=_report_main, args=(pipeline,), name="ciogen-reporter", daemon=True
        )
        try:
            thread.start()
        except RuntimeError:  # "can't create new thread at interpreter shutdown"
            return False
        pipeline._report_thread = thread
    pipeline._report_due = True
    pipeline._reports.notify()
    return True


def _report_main(pipeline: _Pipeline) -> None:
    """Report each group handed off; between groups, what is still waiting goes out
    within ``DEFER_AGE`` even if no further drop comes. Ends once the client closes."""
    reporter = pipeline._reporter
    try:
        while True:
            with pipeline._lock:
                if not pipeline._report_due and not pipeline._closing:
                    pipeline._reports.wait(DEFER_AGE if reporter.has_deferred() else None)
                pipeline._report_due = False
                closing = pipeline._closing
            try:
                pipeline._report_deferred()
            except Exception:  # a bug must not stop later reports
                _log.exception("unexpected error while reporting dropped operations")
            if closing:
                return
    finally:
        with pipeline._lock:
            if pipeline._report_thread is threading.current_thread():
                pipeline._report_thread = None
