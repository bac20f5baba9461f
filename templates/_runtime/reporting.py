"""Where operations that will not be delivered go: ``on_error``, the dead-letter file
and the DEBUG log; and the reports deferred from the call path, sent in groups.

Reports are built from the queued bytes (:meth:`FailedOperation._of` decodes nothing),
so reporting what a deadline left over costs a small object per operation, never a
JSON decode. Calls that are not queued (a full queue under ``overflow="drop"``,
credentials the API rejected) are reported in groups rather than one by one: one
``on_error`` call and one dead-letter write per group. A group of drops is reported
by the client's reporting thread (``report_thread``), so a dropped call only keeps
its bytes, as cheap as queueing them.
"""

from __future__ import annotations

import gc
import threading
import time
from time import monotonic as _monotonic

from .deadletters import write_dead_letters, write_items
from .drop_reports import lazy_reports
from .lazy import DEBUG, Logger
from .values import _BATCH_PATH, _EVENTS_PATH, DROPPED, ErrorCallback, FailedOperation
from .wire import _AnonymousEvent

_log = Logger(__name__.rpartition(".")[0])

DEFER_BATCH = 100
"""Deferred reports go out once this many are waiting..."""
DEFER_AGE = 1.0
"""...or once the oldest has waited this long (seconds), at the next deferred call,
after the sender's next batch, or at ``flush()``/``close()``/exit, whichever is first."""
DEFER_BACKLOG = 10_000
"""...and past this many waiting (the reporting thread stuck in a slow ``on_error``),
the dropping call reports them itself: back-pressure, and a bound on the memory."""
_DROP_LOG_EVERY = 10.0
_GC_PAUSE_ABOVE = 10_000


def failures_of(items: list[bytes], reason: str, status: int | None) -> list[FailedOperation]:
    """One report object per queued operation, built from its bytes.

    Past ``_GC_PAUSE_ABOVE`` operations (a deadline with a long queue), the cyclic
    garbage collector is paused while they are built: the objects cannot form cycles,
    and the collections their allocation would trigger cost more than building them
    (about a tenth of a second at 100,000). It is re-enabled at once, only if it was on.
    """
    of = FailedOperation._of
    anonymous = _AnonymousEvent
    batch, events = _BATCH_PATH, _EVENTS_PATH
    if reason is DROPPED and status is None and anonymous not in map(type, items):
        return lazy_reports(items)
    paused = len(items) > _GC_PAUSE_ABOVE and gc.isenabled()
    if paused:
        gc.disable()
    try:
        return [of(i, reason, status, events if type(i) is anonymous else batch) for i in items]
    finally:
        if paused:
            gc.enable()


class Reporter:
    """The failure reporting of one client. ``defer`` and ``take`` are called with the
    pipeline's lock held; ``report`` and ``report_taken`` never are (they call user
    code and write files)."""

    def __init__(self, on_error: ErrorCallback | None, dead_letter_path: str | None) -> None:
        self._on_error = on_error
        self._dead_letter_path = dead_letter_path
        self.reset()

    def reset(self) -> None:
        """Fresh state (also in a forked child: a parent thread may hold a lock)."""
        self._dead_letter_lock = threading.Lock()
        self._deferred: list[bytes | tuple[bytes, str, int | None]] = []
        self._deferred_since = 0.0
        self._last_drop_log = 0.0
        self._drops_since_log = 0

    def report(self, failures: list[FailedOperation], reason: str, durable: bool = True) -> None:
        if self._dead_letter_path is not None:
            write_dead_letters(self._dead_letter_path, self._dead_letter_lock, failures, durable)
        self._notify(failures, reason)

    def report_items(
        self,
        items: list[bytes],
        reason: str,
        status: int | None,
        summary: str,
        durable: bool,
        failures: list[FailedOperation] | None = None,
        plain: bool = False,
    ) -> None:
        """Report queued operations that failed alike (drops, a deadline's leftovers,
        rejected credentials). The dead-letter file copies their bytes; the report
        objects are built only when ``on_error`` or the DEBUG log will see them, unless
        the caller built them already (``failures``, prepared before a deadline).
        ``plain``: the caller knows they are all drops of batch operations."""
        if self._dead_letter_path is not None:
            write_items(
                self._dead_letter_path,
                self._dead_letter_lock,
                items,
                reason,
                status,
                durable,
                plain,
            )
        if not self.needs_objects():
            return
        if failures is None:
            failures = lazy_reports(items) if plain else failures_of(items, reason, status)
        self._notify(failures, summary)

    def needs_objects(self) -> bool:
        """Whether a report will hand out :class:`FailedOperation` objects."""
        return self._on_error is not None or _log.isEnabledFor(DEBUG)

    def writes_file(self) -> bool:
        """Whether reports are also appended to a dead-letter file."""
        return self._dead_letter_path is not None

    def _notify(self, failures: list[FailedOperation], reason: str) -> None:
        if _log.isEnabledFor(DEBUG):
            for failure in failures:
                _log.debug("failed operation (%s): %r", failure.reason, failure.operation)
        if self._on_error is not None:
            try:
                self._on_error(failures, reason)
            except Exception:
                _log.exception("the Customer.io on_error callback raised")

    def defer(self, item: bytes, reason: str, status: int | None) -> bool:
        """Remember one operation that was not queued; True when the group is due."""
        deferred = self._deferred
        now = time.monotonic()
        if not deferred:
            self._deferred_since = now
        deferred.append(item if reason is DROPPED and status is None else (item, reason, status))
        return len(deferred) >= DEFER_BATCH or now - self._deferred_since >= DEFER_AGE

    def defer_drop(self, item: bytes) -> bool:
        """:meth:`defer` for the drop path of ``overflow="drop"``, which must cost no
        more than queueing: the bare bytes, one clock reading."""
        deferred = self._deferred
        deferred.append(item)
        count = len(deferred)
        if count == 1:
            self._deferred_since = _monotonic()
            return False
        return (
            count == DEFER_BATCH
            or count >= DEFER_BACKLOG
            or _monotonic() - self._deferred_since >= DEFER_AGE
        )

    def backlogged(self) -> bool:
        """Whether the reporting thread is so far behind that the caller must report."""
        return len(self._deferred) >= DEFER_BACKLOG

    def has_deferred(self) -> bool:
        return bool(self._deferred)

    def take(self) -> list[bytes | tuple[bytes, str, int | None]]:
        taken, self._deferred = self._deferred, []
        return taken

    def report_taken(self, taken: list[bytes | tuple[bytes, str, int | None]]) -> None:
        """Report what :meth:`take` returned: one report per reason, in call order."""
        groups: dict[tuple[str, int | None], list[bytes]] = {}
        kinds = set(map(type, taken))  # the one scan of the group (in C)
        if kinds == {bytes}:  # drops of batch operations, the usual case: nothing to sort
            self._log_drops(len(taken))
            summary = f"{len(taken)} operation(s) not queued: {DROPPED}"
            self.report_items(taken, DROPPED, None, summary, False, plain=True)  # type: ignore[arg-type]
            return
        if tuple not in kinds:  # drops only: no regrouping
            groups[DROPPED, None] = taken  # type: ignore[assignment]
        else:
            for entry in taken:
                if isinstance(entry, tuple):
                    item, reason, status = entry
                else:
                    item, reason, status = entry, DROPPED, None
                group = groups.get((reason, status))
                if group is None:
                    group = groups[reason, status] = []
                group.append(item)
        for (reason, status), group in groups.items():
            if status is None:
                self._log_drops(len(group))
            summary = f"{len(group)} operation(s) not queued: {reason}"
            self.report_items(group, reason, status, summary, False)

    def _log_drops(self, count: int) -> None:
        now = time.monotonic()
        self._drops_since_log += count
        if now - self._last_drop_log >= _DROP_LOG_EVERY:
            _log.warning(
                "Customer.io queue full: %d operation(s) dropped in the last %.0fs",
                self._drops_since_log,
                min(now - self._last_drop_log, _DROP_LOG_EVERY) if self._last_drop_log else 0.0,
            )
            self._last_drop_log = now
            self._drops_since_log = 0
