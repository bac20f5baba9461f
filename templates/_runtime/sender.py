"""Delivery of one batch: a request per batch (and per anonymous event), retried
as :mod:`.retry` decides, counted in the pipeline's stats."""

from __future__ import annotations

import json
import threading
import time
from typing import TYPE_CHECKING

from .credentials import credentials_rejected
from .errors import ClientClosedError, DeliveryError, TransportError
from .lazy import DEBUG, Logger
from .retry import Outcome, _retry_after_seconds, classify, delay
from .transport import Response
from .values import _BATCH_PATH, _EVENTS_PATH, FailedOperation
from .wire import _BATCH_CLOSE, _BATCH_OPEN, _AnonymousEvent, _path_of

if TYPE_CHECKING:
    from .pipeline import _Pipeline

_log = Logger(__name__.rpartition(".")[0])


class _Attempted:
    """Outcome of one request after retries: ``response`` on any final HTTP answer
    that counts as delivered (2xx), else ``status``/``reason`` of the failure."""

    __slots__ = ("credentials", "reason", "response", "status")

    def __init__(
        self,
        response: Response | None,
        status: int | None = None,
        reason: str = "",
        credentials: bool = False,  # 401/403: the reason is the pipeline's, sending stops
    ) -> None:
        self.response = response
        self.status = status
        self.reason = reason
        self.credentials = credentials


def deliver(
    pipeline: _Pipeline, items: list[bytes], abandon: threading.Event | None, deadline: float | None
) -> tuple[int, list[FailedOperation]]:
    ops = [i for i in items if type(i) is not _AnonymousEvent]
    delivered = 0
    failures: list[FailedOperation] = []
    of = FailedOperation._of
    if ops:
        body = _BATCH_OPEN + b",".join(ops) + _BATCH_CLOSE
        result = send_with_retry(pipeline, _BATCH_PATH, body, len(ops), abandon, deadline)
        if result.response is None:
            reason = _failure_reason(pipeline, result)
            failures.extend(of(op, reason, result.status, _BATCH_PATH) for op in ops)
        elif result.response.status == 207:
            rejected = _partial_failures(result.response, ops)
            delivered += len(ops) - len(rejected)
            failures.extend(rejected)
        else:
            delivered += len(ops)
    if len(ops) != len(items):
        for item in items:
            if type(item) is not _AnonymousEvent:
                continue
            refused = pipeline._rejected
            if refused is not None:  # no request can succeed any more
                failures.append(of(item, pipeline._rejected_reason, refused, _EVENTS_PATH))
                continue
            result = send_with_retry(pipeline, _EVENTS_PATH, bytes(item), 1, abandon, deadline)
            if result.response is None:
                reason = _failure_reason(pipeline, result)
                failures.append(of(item, reason, result.status, _EVENTS_PATH))
            else:
                delivered += 1
    return delivered, failures


def _failure_reason(pipeline: _Pipeline, result: _Attempted) -> str:
    if result.credentials and result.status is not None:
        return credentials_rejected(pipeline, result.status)
    return result.reason


def send_now(pipeline: _Pipeline, items: list[bytes]) -> None:
    """Synchronous mode: deliver ``items`` in the calling thread, or raise."""
    with pipeline._lock:
        if pipeline._closing:
            raise ClientClosedError("the Customer.io client is closed")
        pipeline._accepted += len(items)
        rejected = pipeline._rejected
    if rejected is None:
        delivered, failures = deliver(pipeline, items, None, None)
    else:  # credentials were rejected: fail at once, without a request
        delivered, reason = 0, pipeline._rejected_reason
        failures = [FailedOperation._of(i, reason, rejected, _path_of(i)) for i in items]
    if failures:
        pipeline._reporter.report(failures, _summary(failures))
    with pipeline._lock:
        pipeline._sent += delivered
        pipeline._failed += len(failures)
        pipeline._finished += len(items)
    if failures:
        first = failures[0]
        raise DeliveryError(
            f"{len(failures)} of {len(items)} operation(s) not delivered: {first.reason}",
            status=first.status,
            reason=first.reason,
            failed=failures,
        )


def send_with_retry(
    pipeline: _Pipeline,
    path: str,
    body: bytes,
    n_ops: int,
    abandon: threading.Event | None,
    deadline: float | None,
) -> _Attempted:
    """POST ``body`` until it is delivered, refused, or out of attempts or time."""
    cfg = pipeline._config
    budget_end = time.monotonic() + cfg.retry_budget
    if deadline is not None:
        budget_end = min(budget_end, deadline)
    immediate_used = False
    attempt = 0
    while True:
        attempt += 1
        if abandon is not None and abandon.is_set():
            return _Attempted(None, None, "client closed before the operation was sent")
        if _log.isEnabledFor(DEBUG):
            _log_attempt(path, attempt, n_ops, body)
        status: int | None = None
        retry_after: float | None = None
        try:
            response = pipeline._transport.send("POST", path, body)
        except TransportError as exc:
            reason = f"connection error: {exc}"
            # A reused keep-alive connection may simply have been closed by the
            # server: retry that once without waiting.
            immediate = exc.reused_connection and not immediate_used
            immediate_used = immediate_used or immediate
        else:
            with pipeline._lock:
                pipeline._requests += 1
            status = response.status
            final = _final(classify(status), response, n_ops)
            if final is not None:
                return final
            reason = f"HTTP {status}"
            immediate = False
            retry_after = _retry_after_seconds(response.header("retry-after"))
        if status is None:
            with pipeline._lock:
                pipeline._requests += 1
        if attempt >= cfg.max_attempts:
            return _give_up(status, f"{reason}; gave up after {attempt} attempt(s)", n_ops)
        wait = 0.0 if immediate else _pause(pipeline, attempt, retry_after)
        if time.monotonic() + wait > budget_end:
            return _give_up(
                status, f"{reason}; retry budget exhausted after {attempt} attempt(s)", n_ops
            )
        _log.info(
            "Customer.io request failed (%s), attempt %d/%d; retrying in %.2fs",
            reason,
            attempt,
            cfg.max_attempts,
            wait,
        )
        with pipeline._lock:
            pipeline._retried += n_ops
        if abandon is not None:
            if abandon.wait(wait):
                return _Attempted(None, status, f"{reason}; client closed while retrying")
        elif wait > 0:
            time.sleep(wait)


def _pause(pipeline: _Pipeline, attempt: int, retry_after: float | None) -> float:
    cfg = pipeline._config
    return delay(
        attempt,
        retry_after,
        base=cfg.backoff_base,
        cap=cfg.backoff_cap,
        retry_after_cap=cfg.retry_after_cap,
        uniform=pipeline._jitter.uniform,
    )


def _final(outcome: Outcome, response: Response, n_ops: int) -> _Attempted | None:
    """The result for an answer that ends the attempts, or None to retry."""
    status = response.status
    if outcome is Outcome.DELIVERED:
        return _Attempted(response, status)
    if outcome is Outcome.CREDENTIALS:  # logged once, by the pipeline
        return _Attempted(None, status, f"credentials rejected (HTTP {status})", True)
    if outcome is Outcome.REJECTED:
        reason = f"rejected by the Track API (HTTP {status}): {_brief(response)}"
        _log.warning("Customer.io rejected %d operation(s): HTTP %d", n_ops, status)
        return _Attempted(None, status, reason)
    return None


def _give_up(status: int | None, reason: str, n_ops: int) -> _Attempted:
    _log.warning("Customer.io delivery failed for %d operation(s): %s", n_ops, reason)
    return _Attempted(None, status, reason)


def _log_attempt(path: str, attempt: int, n_ops: int, body: bytes) -> None:
    _log.debug(
        "POST %s attempt %d (%d op(s), %d bytes): %.2000s",
        path,
        attempt,
        n_ops,
        len(body),
        body.decode("utf-8", "replace"),
    )


def _summary(failures: list[FailedOperation]) -> str:
    reasons = {f.reason for f in failures}
    if len(reasons) == 1:
        return f"{len(failures)} operation(s) failed: {failures[0].reason}"
    return f"{len(failures)} operation(s) failed ({len(reasons)} distinct reasons)"


def _brief(response: Response) -> str:
    text = response.body[:300].decode("utf-8", "replace").strip()
    return text or "(empty body)"


def _partial_failures(response: Response, ops: list[bytes]) -> list[FailedOperation]:
    """Map a 207 body's ``errors[].batch_index`` back to the operations it rejects."""
    try:
        errors = json.loads(response.body).get("errors")
        if not isinstance(errors, list):
            raise ValueError("no errors list")
    except (ValueError, AttributeError):
        reason = "HTTP 207 without a readable errors list; outcome unknown"
        _log.warning("Customer.io answered %s", reason)
        return [FailedOperation._of(op, reason, 207, _BATCH_PATH) for op in ops]
    by_index: dict[int, list[str]] = {}
    for error in errors:
        if not isinstance(error, dict):
            continue
        index = error.get("batch_index")
        if not isinstance(index, int) or not 0 <= index < len(ops):
            continue
        parts = [str(error.get(k)) for k in ("reason", "field", "message") if error.get(k)]
        by_index.setdefault(index, []).append(": ".join(parts) or "rejected")
    if by_index:
        _log.warning("Customer.io rejected %d operation(s) of a batch (HTTP 207)", len(by_index))
    return [
        FailedOperation._of(
            ops[i], "rejected by the Track API: " + "; ".join(msgs), 207, _BATCH_PATH
        )
        for i, msgs in sorted(by_index.items())
    ]
