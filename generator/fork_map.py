"""A map over a big plan's events on two cores: part of it in a forked child.

Rendering one event's module is independent of every other event's, and it is
most of a big plan's build (0.58 of 0.88 s for 1,000 events on a 2-core
machine). So where a fork is safe, `fork_map` hands the tail of the items to a
child process, which computes them and sends the results back through a pipe
(pickled), while this process runs the work that needs none of the list and
then the head. The result is `[fn(x) for x in items]`, in the same order:
output never depends on whether a run forked. bench/footprint.py times the
whole `generate` of 1,000 events with and without it (1.40 against 1.85 s in
its 2026-12-06 run); timed by hand inside one process, the build alone took 0.69
instead of 0.88 s. Each process runs slower than alone (the pages both touch
are copied), so two cores give 1.3x, not 2x.

It does not fork, and maps in this process instead, when:

- the platform has no `os.fork`, or is macOS (system libraries there are not
  fork-safe), or the process may use only one core;
- other threads are running (a fork copies only the calling thread; a lock
  another thread holds would stay held in the child forever). `ciogen`'s own
  threads (output.py's fsyncs, the stored build's write) start after the
  rendering and have ended before the run does;
- there are fewer than `MIN_ITEMS` items (a fork costs more than it saves);
- a tracer or profiler is on (a debugger, coverage, cProfile would not see the
  child's part), or `CIOGEN_JOBS=1` is set (for whatever else wants one process).

A child that fails (an exception, a signal, a short pipe) costs nothing but
time: its part is computed again here, so a bug raises its usual error, from
this process, with its traceback. The child is the only process this module
starts; it is waited for by its PID on every path, and killed by it if this
process fails or is interrupted before the child is done. If this process is
killed outright, the child ends by itself when it sends its results: the pipe
has no reader, the write fails, and it exits.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar

T = TypeVar("T")
R = TypeVar("R")
A = TypeVar("A")

MIN_ITEMS = 200
"""Below this many items the child saves too little for a second process: timed by hand
with the threshold lowered, the whole `generate` went 0.23 -> 0.22 s at 50 events,
0.30 -> 0.28 s at 100 and 0.46 -> 0.43 s at 200."""


def _cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return len(affinity(0))
    return os.cpu_count() or 1


def _one_thread() -> bool:
    """Whether this process runs one thread: counted by the OS where it says (threads a C
    library started count too, as they do for Python 3.12's fork warning)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return threading.active_count() == 1


def can_fork(count: int) -> bool:
    """Whether `fork_map` over `count` items would use a child process."""
    return (
        count >= MIN_ITEMS
        and sys.gettrace() is None  # a tracer or profiler would not see the child's part
        and sys.getprofile() is None
        and hasattr(os, "fork")
        and sys.platform != "darwin"
        and os.environ.get("CIOGEN_JOBS", "") != "1"
        and _one_thread()
        and _cores() >= 2
    )


def _child(write_fd: int, fn: Callable[[T], R], items: Sequence[T]) -> NoReturn:
    """The child's whole life: compute, send, exit without running the parent's cleanups."""
    code = 1
    try:
        data = pickle.dumps([fn(item) for item in items], pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view) :]
        code = 0
    except BaseException:
        pass
    finally:
        os._exit(code)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _reap(pid: int) -> bool:
    """Wait for the child; whether it exited with 0. A child the system reaped itself
    (SIGCHLD ignored by whoever started ciogen, inherited) counts as failed."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.waitstatus_to_exitcode(status) == 0


def _kill(pid: int) -> None:
    """Stop the child and reap it (it may have exited, or been reaped, already)."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)


def fork_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    alongside: Callable[[], A],
    *,
    child_share: float = 0.5,
) -> tuple[list[R], A]:
    """`[fn(item) for item in items]` and `alongside()`, the list's tail computed in a child.

    Where a fork is safe, a child computes the last `child_share` of the items
    while this process runs `alongside` (work that needs none of the list) and
    then the rest of the list; unsafe, both run here. `fn`'s results must pickle;
    `fn` must not write files or print (a child's side effects are lost, or happen
    twice when it fails and its part is redone here).
    """
    if not can_fork(len(items)):
        return [fn(item) for item in items], alongside()
    cut = len(items) - round(len(items) * child_share)
    head, tail = items[:cut], items[cut:]
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()  # nothing buffered is written twice, by both processes
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return [fn(item) for item in items], alongside()
    if pid == 0:
        os.close(read_fd)
        _child(write_fd, fn, tail)
    try:
        os.close(write_fd)
        extra = alongside()
        results = [fn(item) for item in head]
        data = _read_all(read_fd)
        succeeded = _reap(pid)
    except BaseException:  # this process failed or was interrupted: the child goes too
        _kill(pid)
        raise
    finally:
        os.close(read_fd)
    rest: list[R] | None = None
    if succeeded:
        with contextlib.suppress(Exception):
            rest = pickle.loads(data)
    if rest is None or len(rest) != len(tail):
        rest = [fn(item) for item in tail]
    return results + rest, extra
