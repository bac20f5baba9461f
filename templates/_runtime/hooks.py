"""Process hooks: reset after fork, flush at exit, deliver on SIGTERM (opt-in)."""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
import time
import weakref
from types import FrameType
from typing import TYPE_CHECKING, Any

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.
from .ids import _rng

if TYPE_CHECKING:
    from .pipeline import _Pipeline

_log = logging.getLogger(__name__.rpartition(".")[0])


_registry_lock = threading.Lock()
_pipelines: weakref.WeakSet[_Pipeline] = weakref.WeakSet()
_fork_resettable: weakref.WeakSet[Any] = weakref.WeakSet()


def _register_pipeline(pipeline: _Pipeline) -> None:
    """Flush ``pipeline`` at exit and reset it in a forked child, without keeping it alive."""
    with _registry_lock:
        _pipelines.add(pipeline)


def _register_fork_reset(obj: Any) -> None:
    with _registry_lock:
        _fork_resettable.add(obj)


def _after_fork_in_child() -> None:
    """Give the child a clean slate: fresh locks (a parent thread may have held one at
    fork time), empty queues, zero counters, no connections, no sender thread. What the
    parent queued stays the parent's to send, so nothing is sent twice."""
    global _registry_lock
    _registry_lock = threading.Lock()
    _rng.seed()
    for pipeline in list(_pipelines):
        pipeline._reset_after_fork()
    for obj in list(_fork_resettable):
        obj._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _flush_all_at_exit() -> None:
    """atexit hook: flush every live client at once, each bounded by its
    ``atexit_timeout`` (they drain in parallel, so the total is the largest one)."""
    with _registry_lock:
        pipelines = list(_pipelines)
    start = time.monotonic()
    for pipeline in pipelines:
        pipeline.begin_close()
    for pipeline in pipelines:
        remaining = pipeline.atexit_timeout - (time.monotonic() - start)
        try:
            pipeline.close(max(0.0, remaining))
        except Exception:  # pragma: no cover - never break interpreter exit
            _log.exception("error while flushing the Customer.io client at exit")


atexit.register(_flush_all_at_exit)

_sigterm_lock = threading.Lock()
_sigterm_installed = False


def install_sigterm_handler(*, exit_code: int = 128 + signal.SIGTERM) -> bool:
    """Make SIGTERM deliver queued operations before the process ends. Opt-in.

    Python's default SIGTERM kills the process without running ``atexit``, so queued
    operations would be lost. This handler raises ``SystemExit(exit_code)`` in the main
    thread instead: ``finally`` blocks run, the interpreter exits normally, and the
    runtime's atexit hook flushes every client (bounded by ``atexit_timeout``).

    It deliberately does not flush inside the handler: a signal handler runs between
    two bytecodes of the main thread, possibly while that thread holds the queue lock,
    so flushing there could deadlock. A second SIGTERM restores the default action and
    kills the process at once. If a Python handler was already installed it is called
    first and keeps control (no ``SystemExit``): that application owns its shutdown,
    and the atexit flush still runs when it exits. ``SIG_IGN`` is left alone.

    Call it from the main thread, once, at start-up. Returns whether it installed.
    """
    global _sigterm_installed
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("install_sigterm_handler() must be called from the main thread")
    with _sigterm_lock:
        if _sigterm_installed:
            return True
        previous = signal.getsignal(signal.SIGTERM)
        if previous == signal.SIG_IGN:
            return False
        fired = False

        def _on_sigterm(signum: int, frame: FrameType | None) -> None:
            nonlocal fired
            if fired:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGTERM)
                return
            fired = True
            if callable(previous):
                previous(signum, frame)
                return
            raise SystemExit(exit_code)

        signal.signal(signal.SIGTERM, _on_sigterm)
        _sigterm_installed = True
        return True
