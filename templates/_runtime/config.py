"""`ClientConfig`: every delivery setting, validated once at construction."""

from __future__ import annotations

import os
from typing import Literal

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.
from .errors import ConfigurationError
from .limits import MAX_EVENT_DATA_BYTES, MAX_OPERATION_BYTES, MAX_REQUEST_BYTES
from .record import Record
from .wire import _BATCH_OVERHEAD


class ClientConfig(Record):
    """Every tunable of delivery, with production defaults (see docs/delivery.md).

    Frozen so one config can be shared by many clients without surprises.
    ``dataclasses.replace(config, timeout=5.0)`` makes a changed copy.
    """

    _FIELDS = (
        "batch_size",
        "max_batch_bytes",
        "flush_interval",
        "max_queue_events",
        "max_queue_bytes",
        "overflow",
        "block_timeout",
        "max_attempts",
        "backoff_base",
        "backoff_cap",
        "retry_budget",
        "retry_after_cap",
        "timeout",
        "atexit_timeout",
        "verify",
        "ca_bundle",
        "proxy",
    )
    __slots__ = _FIELDS
    batch_size: int
    """Operations per ``/api/v2/batch`` request; a full batch is sent at once."""
    max_batch_bytes: int
    """Body size that triggers a send; kept well under the API's 500 KB limit."""
    flush_interval: float
    """Longest an operation waits in the queue for its batch to fill, in seconds."""
    max_queue_events: int
    max_queue_bytes: int
    overflow: Literal["block", "drop", "raise"]
    """What a call does when the queue is full: ``"drop"`` the new operation (counted
    and reported, the call returns), ``"raise"`` :class:`QueueFullError`, or
    ``"block"`` up to ``block_timeout`` seconds for room, then raise."""
    block_timeout: float
    max_attempts: int
    """Requests per batch, first attempt included."""
    backoff_base: float
    backoff_cap: float
    retry_budget: float
    """Total seconds one batch may spend being retried before it is failed."""
    retry_after_cap: float
    """Upper bound for a server's ``Retry-After``, so a bad header cannot stall us."""
    timeout: float
    """Socket timeout for connect and for each read, in seconds."""
    atexit_timeout: float
    """How long interpreter exit waits for queued operations to be delivered."""
    verify: bool
    """Verify the server's TLS certificate. Turn off only for local experiments."""
    ca_bundle: str | os.PathLike[str] | None
    """PEM file of CAs to trust instead of the system store (tests, corporate CAs)."""
    proxy: str | None
    """``http://[user:pass@]host:port`` of an HTTP CONNECT proxy. Environment variables
    such as ``HTTPS_PROXY`` are deliberately not read implicitly."""

    def __init__(
        self,
        *,
        batch_size: int = 100,
        max_batch_bytes: int = 450_000,
        flush_interval: float = 1.0,
        max_queue_events: int = 10_000,
        max_queue_bytes: int = 32 * 1024 * 1024,
        overflow: Literal["block", "drop", "raise"] = "drop",
        block_timeout: float = 1.0,
        max_attempts: int = 6,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        retry_budget: float = 60.0,
        retry_after_cap: float = 60.0,
        timeout: float = 10.0,
        atexit_timeout: float = 5.0,
        verify: bool = True,
        ca_bundle: str | os.PathLike[str] | None = None,
        proxy: str | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "batch_size", batch_size)
        _set(self, "max_batch_bytes", max_batch_bytes)
        _set(self, "flush_interval", flush_interval)
        _set(self, "max_queue_events", max_queue_events)
        _set(self, "max_queue_bytes", max_queue_bytes)
        _set(self, "overflow", overflow)
        _set(self, "block_timeout", block_timeout)
        _set(self, "max_attempts", max_attempts)
        _set(self, "backoff_base", backoff_base)
        _set(self, "backoff_cap", backoff_cap)
        _set(self, "retry_budget", retry_budget)
        _set(self, "retry_after_cap", retry_after_cap)
        _set(self, "timeout", timeout)
        _set(self, "atexit_timeout", atexit_timeout)
        _set(self, "verify", verify)
        _set(self, "ca_bundle", ca_bundle)
        _set(self, "proxy", proxy)
        self._check()

    def _check(self) -> None:
        def need(ok: bool, name: str, rule: str) -> None:
            if not ok:
                value = getattr(self, name)
                raise ConfigurationError(f"ClientConfig.{name} {rule}, got {value!r}")

        need(self.batch_size >= 1, "batch_size", "must be >= 1")
        need(
            MAX_OPERATION_BYTES + _BATCH_OVERHEAD <= self.max_batch_bytes < MAX_REQUEST_BYTES,
            "max_batch_bytes",
            f"must be between {MAX_OPERATION_BYTES + _BATCH_OVERHEAD} and "
            f"{MAX_REQUEST_BYTES - 1} (the API rejects requests of 500 KB or more)",
        )
        need(self.flush_interval > 0, "flush_interval", "must be > 0")
        need(self.max_queue_events >= 1, "max_queue_events", "must be >= 1")
        need(
            self.max_queue_bytes >= 2 * MAX_EVENT_DATA_BYTES + 2 * MAX_OPERATION_BYTES,
            "max_queue_bytes",
            f"must be >= {2 * MAX_EVENT_DATA_BYTES + 2 * MAX_OPERATION_BYTES} "
            "so the largest valid operation always fits",
        )
        need(self.overflow in ("block", "drop", "raise"), "overflow", "must be block|drop|raise")
        need(self.block_timeout >= 0, "block_timeout", "must be >= 0")
        need(self.max_attempts >= 1, "max_attempts", "must be >= 1")
        need(self.backoff_base > 0, "backoff_base", "must be > 0")
        need(self.backoff_cap >= self.backoff_base, "backoff_cap", "must be >= backoff_base")
        need(self.retry_budget > 0, "retry_budget", "must be > 0")
        need(self.retry_after_cap >= 0, "retry_after_cap", "must be >= 0")
        need(self.timeout > 0, "timeout", "must be > 0")
        need(self.atexit_timeout >= 0, "atexit_timeout", "must be >= 0")
