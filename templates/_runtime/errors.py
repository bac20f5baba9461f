"""The exceptions a caller of the generated client can catch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.

if TYPE_CHECKING:
    from .values import FailedOperation


class CustomerIOError(Exception):
    """Base class of every error raised by this runtime (distinct from the customerio
    package's ``CustomerIOException``, which this runtime never raises)."""


class ConfigurationError(CustomerIOError, ValueError):
    """The client cannot be built: a missing setting, a bad value, a bad region."""


class IdentifierError(CustomerIOError, ValueError):
    """A person identifier or anonymous id the API would reject (empty, too long)."""


class PayloadTooLargeError(CustomerIOError, ValueError):
    """An operation or its event data exceeds a Track API size limit.

    Raised at the call, because the API would reject it anyway and a background
    rejection is far harder to trace back to the code that built the payload.
    """

    def __init__(self, message: str, *, size: int, limit: int) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


class QueueFullError(CustomerIOError):
    """The send queue is full (overflow policy ``"raise"``, or ``"block"`` timed out).

    The operation was not queued; it is counted in ``Stats.dropped`` and reported to
    ``on_error`` like every other drop.
    """


class ClientClosedError(CustomerIOError, RuntimeError):
    """The client was closed; it accepts no more operations."""


class TransportError(CustomerIOError):
    """No HTTP response was received (connect, TLS, timeout, reset, early close).

    Transports raise it; the runtime treats it as retryable. ``reused_connection`` is
    true when the failure happened on a kept-alive connection, which is the usual
    sign of a connection the server had already closed: the first retry then goes out
    at once instead of after a backoff.
    """

    def __init__(self, message: str, *, reused_connection: bool = False) -> None:
        super().__init__(message)
        self.reused_connection = reused_connection


class DeliveryError(CustomerIOError):
    """Synchronous mode: an operation was not delivered.

    ``status`` is the last HTTP status (``None`` when no response came back),
    ``reason`` the human-readable cause, ``failed`` the operations that failed.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        reason: str,
        failed: Sequence[FailedOperation],
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.failed = list(failed)
