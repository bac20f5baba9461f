"""The batcher: a bounded queue drained by one sender thread per client."""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections import deque

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.
from .config import ClientConfig
from .credentials import fail_queued
from .errors import ClientClosedError, QueueFullError
from .hooks import _register_pipeline
from .lazy import Logger
from .leftovers import close_by
from .report_thread import hand_off_locked
from .reporting import Reporter
from .sender import _summary, deliver, send_now
from .transport import Transport
from .values import DROPPED as _DROPPED
from .values import ErrorCallback, FailedOperation, Stats
from .wire import _BATCH_OVERHEAD, _AnonymousEvent, _path_of

_log = Logger(__name__.rpartition(".")[0])


class _Inflight:
    """A batch taken off the queue. ``claimed`` settles the race between the sender
    finishing it and ``close()`` giving up on it: whoever claims it reports it."""

    __slots__ = ("claimed", "items")

    def __init__(self, items: list[bytes]) -> None:
        self.items = items
        self.claimed = False


class _Pipeline:
    """Queue + delivery of one client. Kept apart from the client object so the sender
    thread (which references the pipeline) does not keep the client alive: when the
    client is garbage collected, the pipeline drains what is queued and stops."""

    def __init__(
        self,
        transport: Transport,
        config: ClientConfig,
        on_error: ErrorCallback | None,
        dead_letter_path: str | None,
        sync: bool,
        site_id: str = "",
    ) -> None:
        self._transport = transport
        self._config = config
        self._reporter = Reporter(on_error, dead_letter_path)
        self._defer_drop = self._reporter.defer_drop  # bound once: the drop path's one call
        self._site_id = site_id
        self._sync = sync
        self._drop_policy = config.overflow == "drop"
        self._batch_size = config.batch_size
        self._batch_bytes = config.max_batch_bytes
        self._max_events = config.max_queue_events
        self._max_bytes = config.max_queue_bytes
        self.atexit_timeout = config.atexit_timeout
        self._jitter = random.Random()
        self._init_state()
        _register_pipeline(self)

    def _init_state(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # the sender waits here
        self._space = threading.Condition(self._lock)  # "block" producers wait here
        self._done = threading.Condition(self._lock)  # flush()/close() wait here
        self._reports = threading.Condition(self._lock)  # the reporting thread waits here
        self._report_lock = threading.RLock()  # held by whoever reports deferred groups
        self._report_due = False
        self._report_thread: threading.Thread | None = None
        self._reporter.reset()
        self._queue: deque[bytes] = deque()
        self._queue_bytes = 0
        self._accepted = 0  # cumulative; also the sequence number of the last accepted
        self._popped = 0
        self._finished = 0  # settled (sent or failed); batches settle in FIFO order
        self._sent = 0
        self._failed = 0
        self._retried = 0
        self._dropped = 0
        self._requests = 0
        self._flush_target = 0
        self._blocked = 0
        self._window_start: float | None = None
        self._thread: threading.Thread | None = None
        self._inline = False
        self._inflight: _Inflight | None = None
        self._closing = False
        self._closed = False
        # 401/403: the status, and the reason every later operation is reported with.
        self._rejected: int | None = None
        self._rejected_reason = ""
        self._refusing = False  # closing or rejected: the one flag the hot path tests
        self._abandon = threading.Event()

    def _reset_after_fork(self) -> None:
        closing, closed = self._closing, self._closed
        self._init_state()
        self._closing, self._closed = closing, closed
        self._refusing = closing
        self._jitter.seed()

    # -- producer side ------------------------------------------------------------------

    def put(self, item: bytes) -> None:
        """Queue one serialized operation. The hot path: one lock, no allocation
        beyond the deque slot, and the sender is only signalled when it has something
        new to do (first item of a window, a full batch)."""
        size = len(item)
        with self._lock:
            count = len(self._queue)
            if (
                not self._refusing
                and count < self._max_events
                and self._queue_bytes + size <= self._max_bytes
            ):
                self._queue.append(item)
                self._queue_bytes += size
                self._accepted += 1
                if (
                    count == 0
                    or count + 1 == self._batch_size
                    or self._queue_bytes >= self._batch_bytes > self._queue_bytes - size
                ):
                    if self._thread is None:
                        self._start_sender_locked()
                    self._wake.notify()
                return
            if not self._drop_policy or self._refusing:
                due = None
            else:  # the queue is full: drop, under the same lock, as cheaply as queueing
                self._dropped += 1
                due = self._defer_drop(item) and not hand_off_locked(self)
        if due is None:
            self._not_queued(item, size)
        elif due:
            self._report_deferred()

    def _not_queued(self, item: bytes, size: int) -> None:
        """The queue is full, or the client refuses: closed, or credentials rejected."""
        with self._lock:
            if self._closing:
                raise ClientClosedError("the Customer.io client is closed")
            if self._rejected is None:
                due = None
            else:  # accepted and failed at once: no request can succeed
                self._accepted += 1
                self._failed += 1
                self._finished += 1
                due = self._reporter.defer(item, self._rejected_reason, self._rejected)
        if due is None:
            self._overflow(item, size)
        elif due:
            self._report_deferred()

    def put_blocking(self, item: bytes, timeout: float | None) -> None:
        """Queue one operation, waiting for room whatever the overflow policy (replay)."""
        size = len(item)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while True:
                if self._closing:
                    raise ClientClosedError("the Customer.io client is closed")
                if self._fits_locked(size):
                    self._append_locked(item, size)
                    return
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise QueueFullError("queue still full after waiting; nothing replayed")
                self._ensure_sender_locked()
                self._blocked += 1
                try:
                    self._space.wait(remaining)
                finally:
                    self._blocked -= 1

    def _fits_locked(self, size: int) -> bool:
        return len(self._queue) < self._max_events and self._queue_bytes + size <= self._max_bytes

    def _append_locked(self, item: bytes, size: int) -> None:
        self._queue.append(item)
        self._queue_bytes += size
        self._accepted += 1
        self._ensure_sender_locked()
        self._wake.notify()

    def _overflow(self, item: bytes, size: int) -> None:
        policy = self._config.overflow
        if policy == "block":
            deadline = time.monotonic() + self._config.block_timeout
            reason = f"queue full: no room after blocking {self._config.block_timeout:g}s"
            with self._lock:
                while True:
                    if self._closing:
                        raise ClientClosedError("the Customer.io client is closed")
                    if self._fits_locked(size):
                        self._append_locked(item, size)
                        return
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._ensure_sender_locked()
                    self._blocked += 1
                    try:
                        self._space.wait(remaining)
                    finally:
                        self._blocked -= 1
                self._dropped += 1
                due = self._reporter.defer(item, reason, None)
        else:
            reason = _DROPPED
            with self._lock:
                if self._fits_locked(size):  # the sender made room meanwhile
                    self._append_locked(item, size)
                    return
                self._dropped += 1
                due = self._defer_drop(item) and not hand_off_locked(self)
        if policy == "drop":
            if due:
                self._report_deferred()
            return
        # "raise" and "block" report at once: the call fails, its report must be there.
        self._report_deferred()
        raise QueueFullError(
            f"{reason} (max_queue_events={self._max_events}, "
            f"max_queue_bytes={self._max_bytes}); the operation was not queued"
        )

    def _report_deferred(self) -> None:
        with self._report_lock:  # one group at a time, in order (see report_thread)
            with self._lock:
                if not self._reporter.has_deferred():
                    return
                taken = self._reporter.take()
            self._reporter.report_taken(taken)

    # -- sender thread --------------------------------------------------------------------

    def _start_sender_locked(self) -> None:
        if self._inline or self._sync:
            return
        thread = threading.Thread(
            target=_sender_main, args=(self,), name="ciogen-sender", daemon=True
        )
        try:
            thread.start()
        except RuntimeError:
            # "can't create new thread at interpreter shutdown": flush()/close() (and
            # thus the atexit hook) drain the queue in the calling thread instead.
            _log.debug("cannot start the sender thread; will drain inline")
            return
        self._thread = thread

    def _ensure_sender_locked(self) -> bool:
        thread = self._thread
        if thread is not None and not thread.is_alive():
            self._thread = thread = None
        if thread is None:
            self._start_sender_locked()
        return self._thread is not None

    def run(self) -> None:
        """Sender loop: wait for a batch worth sending, send it, repeat until closed."""
        while True:
            with self._lock:
                batch = self._next_batch_locked()
                if batch is None:
                    if self._thread is threading.current_thread():
                        self._thread = None
                    break
            self._process(batch, None)
            if self._reporter.has_deferred():  # read without the lock: a hint
                self._report_deferred()
        # Closing and drained (close(), or the client was garbage collected).
        with contextlib.suppress(Exception):
            self._transport.close()

    def _next_batch_locked(self) -> _Inflight | None:
        flush_interval = self._config.flush_interval
        while True:
            count = len(self._queue)
            if count == 0:
                self._window_start = None
                if self._closing:
                    return None
                self._wake.wait()
                continue
            if (
                count >= self._batch_size
                or self._queue_bytes >= self._batch_bytes
                or self._flush_target > self._popped
                or self._closing
            ):
                break
            now = time.monotonic()
            if self._window_start is None:
                self._window_start = now
            remaining = self._window_start + flush_interval - now
            if remaining <= 0:
                break
            self._wake.wait(remaining)
        return self._pop_batch_locked()

    def _pop_batch_locked(self) -> _Inflight:
        queue = self._queue
        items: list[bytes] = []
        body = _BATCH_OVERHEAD
        taken_bytes = 0
        limit = self._batch_bytes
        while queue and len(items) < self._batch_size:
            item = queue[0]
            size = len(item)
            if type(item) is not _AnonymousEvent:
                if items and body + size + 1 > limit:
                    break
                body += size + 1
            queue.popleft()
            taken_bytes += size
            items.append(item)
        self._queue_bytes -= taken_bytes
        self._popped += len(items)
        if not queue:
            self._window_start = None
        if self._blocked:
            self._space.notify_all()
        inflight = self._inflight = _Inflight(items)
        return inflight

    def _process(self, inflight: _Inflight, deadline: float | None) -> None:
        try:
            delivered, failures = deliver(self, inflight.items, self._abandon, deadline)
        except Exception as exc:  # a bug must not wedge flush() forever
            _log.exception("unexpected error while sending to Customer.io")
            reason = f"internal error: {type(exc).__name__}"
            delivered = 0
            failures = [FailedOperation._of(i, reason, None, _path_of(i)) for i in inflight.items]
        with self._lock:
            if inflight.claimed:
                return  # close() gave up on it and already reported it
            inflight.claimed = True
        if failures:
            self._reporter.report(failures, _summary(failures))
        with self._lock:
            self._sent += delivered
            self._failed += len(failures)
            self._finished += len(inflight.items)
            if self._inflight is inflight:
                self._inflight = None
            self._done.notify_all()
        if self._rejected is not None:
            fail_queued(self)

    # -- flush / close ------------------------------------------------------------------

    def _not_from_sender(self, what: str) -> None:
        if threading.current_thread() in (self._thread, self._report_thread):
            raise RuntimeError(
                f"{what}() called from the sender or reporting thread (inside on_error?) "
                "would wait for itself"
            )

    def flush(self, timeout: float | None) -> bool:
        self._not_from_sender("flush")
        deadline = None if timeout is None else time.monotonic() + timeout
        self._report_deferred()
        with self._lock:
            target = self._accepted
            if self._finished >= target:
                return True
            self._flush_target = max(self._flush_target, target)
            live = self._ensure_sender_locked()
            self._wake.notify()
        if not live:
            self._drain_inline(target, deadline)
        return self._wait_finished(target, deadline)

    def _drain_inline(self, target: int, deadline: float | None) -> None:
        """Send in the calling thread: used when no sender thread can run (e.g. a client
        first used inside an atexit hook, when threads can no longer be started)."""
        with self._lock:
            if self._inline or (self._thread is not None and self._thread.is_alive()):
                return
            self._inline = True
        try:
            while deadline is None or time.monotonic() < deadline:
                with self._lock:
                    if self._finished >= target or not self._queue:
                        return
                    batch = self._pop_batch_locked()
                self._process(batch, deadline)
        finally:
            with self._lock:
                self._inline = False

    def _wait_finished(self, target: int, deadline: float | None) -> bool:
        with self._lock:
            while self._finished < target:
                if deadline is None:
                    self._done.wait()
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._done.wait(remaining)
            return True

    def begin_close(self) -> None:
        """Stop accepting operations and start sending everything queued."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            self._refusing = True
            self._flush_target = max(self._flush_target, self._accepted)
            if self._queue:
                self._ensure_sender_locked()
            self._wake.notify_all()
            self._space.notify_all()
            self._reports.notify_all()

    def close(self, timeout: float | None) -> None:
        self._not_from_sender("close")
        with self._lock:
            if self._closed:
                return
        self.begin_close()
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            target = self._accepted
            live = self._thread is not None and self._thread.is_alive()
        if not live:
            self._drain_inline(target, deadline)
        close_by(self, target, deadline, timeout if timeout is not None else 0.0)
        self._report_deferred()
        with self._lock:
            self._closed = True
            self._wake.notify_all()
        try:
            self._transport.close()
        except Exception:  # pragma: no cover - user transports
            _log.exception("error while closing the Customer.io transport")

    def release(self) -> None:
        """Finalizer of the owning client: stop accepting, let the sender drain and exit.
        Never blocks (it may run inside garbage collection)."""
        with contextlib.suppress(Exception):
            self.begin_close()

    # -- synchronous mode ---------------------------------------------------------------

    def send_now(self, items: list[bytes]) -> None:
        send_now(self, items)

    def stats(self) -> Stats:
        with self._lock:
            return Stats(
                queued=self._accepted,
                sent=self._sent,
                retried=self._retried,
                failed=self._failed,
                dropped=self._dropped,
                pending=self._accepted - self._sent - self._failed,
                requests=self._requests,
            )


def _sender_main(pipeline: _Pipeline) -> None:
    try:
        pipeline.run()
    finally:
        # However the loop ended, let the next put() start a fresh sender.
        with pipeline._lock:
            if pipeline._thread is threading.current_thread():
                pipeline._thread = None
