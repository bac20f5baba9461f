"""The policy for rejected credentials (401/403): report once, stop sending, and
report every queued and later operation as failed, without a request.

Retrying cannot fix a wrong site id or API key, and a client keeps its credentials
for life: so the first 401/403 logs one ERROR naming the site id (never the key),
and from then on nothing is sent. Everything queued goes to ``on_error`` and the
dead-letter file at once; every later call is accepted and failed the same way
(counted in ``stats().failed``, reported in groups like drops). A client built with
working credentials (``configure()``, or a new ``Client``) can replay the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import Logger

if TYPE_CHECKING:
    from .pipeline import _Pipeline

_log = Logger(__name__.rpartition(".")[0])


def credentials_rejected(pipeline: _Pipeline, status: int) -> str:
    """The sender got a 401/403: stop sending for good. Logs the one ERROR; returns
    the reason every failure is reported with."""
    with pipeline._lock:
        first = pipeline._rejected is None
        if first:
            pipeline._rejected = status
            pipeline._rejected_reason = (
                f"credentials rejected for site {pipeline._site_id!r} (HTTP {status}); not sent"
            )
            pipeline._refusing = True
        reason = pipeline._rejected_reason
    if first:
        _log.error(
            "Customer.io rejected the credentials for site %r (HTTP %d): check the site id "
            "and Track API key. Sending stopped: queued and later operations are reported "
            "as failed (on_error, dead-letter file) without a request. Create a client "
            "with working credentials, then replay the dead-letter file.",
            pipeline._site_id,
            status,
        )
    return reason


def fail_queued(pipeline: _Pipeline) -> None:
    """Report everything still queued once credentials were rejected."""
    with pipeline._lock:
        items = list(pipeline._queue)
        pipeline._queue.clear()
        pipeline._queue_bytes = 0
        pipeline._popped += len(items)
        reason, status = pipeline._rejected_reason, pipeline._rejected
        if pipeline._blocked:
            pipeline._space.notify_all()
    if items:
        summary = f"{len(items)} operation(s) failed: {reason}"
        pipeline._reporter.report_items(items, reason, status, summary, True)
    with pipeline._lock:
        pipeline._failed += len(items)
        pipeline._finished += len(items)
        pipeline._done.notify_all()
