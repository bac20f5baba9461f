"""Process hooks: reset after fork, flush at exit and at worker exit, SIGTERM (opt-in).

Interpreter exit runs ``atexit``; worker processes often end without it. A
``multiprocessing`` child of the fork or forkserver start method ends with
``os._exit()`` after running the finalizers of ``multiprocessing.util``, so the
runtime registers one there (a spawn child ends with ``sys.exit()``: atexit and the
finalizer both run, and whichever runs second finds nothing left to flush). Celery's
prefork pool (billiard) ends its children with ``os._exit()`` without either, but
sends its ``worker_process_shutdown`` signal first, so the runtime connects to that.
Neither module is ever imported here: each hook is armed only when the application
has already imported it, when a client is created or a process is forked.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
import time
import weakref
from types import FrameType
from typing import TYPE_CHECKING, Any

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.
from .ids import _rng
from .lazy import Logger, module

if TYPE_CHECKING:
    from .pipeline import _Pipeline

_log = Logger(__name__.rpartition(".")[0])


_registry_lock = threading.Lock()
_pipelines: weakref.WeakSet[_Pipeline] = weakref.WeakSet()
_fork_resettable: weakref.WeakSet[Any] = weakref.WeakSet()


def _register_pipeline(pipeline: _Pipeline) -> None:
    """Flush ``pipeline`` at exit and reset it in a forked child, without keeping it alive."""
    with _registry_lock:
        _pipelines.add(pipeline)
    _arm_worker_exit_hooks()


def _register_fork_reset(obj: Any) -> None:
    with _registry_lock:
        _fork_resettable.add(obj)


def _after_fork_in_child() -> None:
    """Give the child a clean slate: fresh locks (a parent thread may have held one at
    fork time), empty queues, zero counters, no connections, no sender thread. What the
    parent queued stays the parent's to send, so nothing is sent twice."""
    global _registry_lock, _exiting
    _registry_lock = threading.Lock()
    _exiting = False
    _rng.seed()
    for pipeline in list(_pipelines):
        pipeline._reset_after_fork()
    for obj in list(_fork_resettable):
        obj._reset_after_fork()
    _arm_worker_exit_hooks()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


_exiting = False
"""Set while an exit flush runs: a SIGTERM then must not interrupt it (see below)."""


def _flush_all_at_exit() -> None:
    """atexit hook: flush every live client at once, each bounded by its
    ``atexit_timeout`` (they drain in parallel, so the total is the largest one).

    Also the worker-exit hook. It may run twice in one process (a multiprocessing
    child's finalizer, then atexit); the second run finds every client closed."""
    global _exiting
    _exiting = True
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


# -- worker processes that end with os._exit() ------------------------------------------

_mp_armed = False  # inherited by fork: the after-fork registration is inherited too
_mp_finalizer_pid = 0  # the process whose multiprocessing finalizer registry holds ours
_celery_armed = False
_EXIT_PRIORITY = 100
"""Before multiprocessing's own finalizers (queues, managers: priority 10 and below)."""


class _ArmToken:
    """``multiprocessing.util.register_after_fork`` keys its callbacks on a live,
    weak-referenceable object; this module keeps one for the life of the process."""

    __slots__ = ("__weakref__",)


_ARM_TOKEN = _ArmToken()


def _arm_worker_exit_hooks() -> None:
    """Arm the hooks for every worker model the application has imported. Cheap when
    already armed: two ``sys.modules`` look-ups and a few flag tests."""
    if "multiprocessing.util" in sys.modules:
        _arm_multiprocessing()
    if not _celery_armed and "celery" in sys.modules:
        _arm_celery()


def _arm_multiprocessing() -> None:
    """A multiprocessing child clears the finalizer registry it inherited, then runs
    the after-fork callbacks (fork and spawn alike): register there, and register
    the finalizer at once when already running inside a child."""
    global _mp_armed
    mp_process = module("multiprocessing.process")  # already imported by the application
    mp_util = module("multiprocessing.util")

    if not _mp_armed:
        _mp_armed = True
        mp_util.register_after_fork(_ARM_TOKEN, _on_multiprocessing_child)
    if _mp_finalizer_pid != os.getpid() and mp_process.parent_process() is not None:
        _register_mp_finalizer()


def _on_multiprocessing_child(_token: object) -> None:
    _register_mp_finalizer()


def _register_mp_finalizer() -> None:
    global _mp_finalizer_pid
    mp_util = module("multiprocessing.util")
    _mp_finalizer_pid = os.getpid()
    mp_util.Finalize(None, _flush_all_at_exit, exitpriority=_EXIT_PRIORITY)


def _arm_celery() -> None:
    """Connect to Celery's ``worker_process_shutdown``, which a prefork child sends
    just before billiard ends it with ``os._exit()`` (recycled by
    ``max_tasks_per_child``, or at worker shutdown). Connected once per process;
    forked children inherit the connection."""
    global _celery_armed
    _celery_armed = True
    try:
        # By name, not a static import: celery is the application's, not a dependency.
        signals = module("celery.signals")
        signals.worker_process_shutdown.connect(_on_celery_worker_exit, weak=False)
    except Exception:  # an unrelated or broken "celery" module: nothing to arm
        _log.debug("celery is imported but its worker_process_shutdown signal is not usable")


def _on_celery_worker_exit(*args: object, **kwargs: object) -> None:
    _flush_all_at_exit()


def _exit_under_way() -> bool:
    """Whether this process is already running its exit flush, including the moment
    between multiprocessing starting its exit finalizers and reaching ours."""
    if _exiting:
        return True
    mp_util = sys.modules.get("multiprocessing.util")
    return mp_util is not None and getattr(mp_util, "_exiting", False) is True


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

    A SIGTERM that arrives while the exit flush already runs (``Pool.terminate()``
    signals workers that are exiting anyway) is not turned into ``SystemExit``, which
    would abort the flush halfway: that flush is bounded by ``atexit_timeout``
    already. A second SIGTERM still kills at once.

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
            if _exit_under_way():
                return
            if callable(previous):
                previous(signum, frame)
                return
            raise SystemExit(exit_code)

        signal.signal(signal.SIGTERM, _on_sigterm)
        _sigterm_installed = True
        return True
