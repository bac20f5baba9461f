"""Delivery runtime of a ciogen-generated Customer.io client.

The generated ``client.py`` subclasses :class:`BaseClient`; everything about getting
operations to Customer.io's Track API lives here so that it is written (and tested)
once instead of being templated per taxonomy.

Design in one paragraph (the long version is ``docs/delivery.md``): every call is
validated and serialized to compact JSON bytes *in the caller's thread*, so a bad
payload fails loudly at the call site and the background thread never has to touch
user objects. Events get a ULID ``id`` at call time, which makes the whole pipeline
safe to retry: the API drops a repeated id, so at-least-once delivery becomes
effectively-once. One daemon thread per client drains a bounded queue into
``POST /api/v2/batch`` requests and retries with capped, jittered backoff.

The generator copies this package verbatim into every generated package as
``_runtime/``: stdlib + ``customerio`` only, no imports from outside it. One module
per concern: ``limits``, ``errors``, ``values`` (public value types), ``config``,
``record`` (their ``Record`` base), ``lazy`` (what loads on first use), ``ids``
(ULIDs), ``wire`` (encoding), ``transport`` (HTTP settings) and ``connections``
(sockets and TLS, loaded by the first request), ``testing``
(``RecordingTransport``), ``retry`` (the retry policy), ``pipeline`` (the batcher),
``sender`` (delivery with retries), ``reporting`` (failure reports), ``credentials``
(the 401/403 policy), ``deadletters``, ``hooks`` (fork/atexit/worker exit/SIGTERM),
``client`` (``BaseClient``) and ``singleton``.
"""

from __future__ import annotations

import threading  # noqa: F401  (tests patch thread start-up through it)

from .client import BaseClient
from .config import ClientConfig
from .errors import (
    ClientClosedError,
    ConfigurationError,
    CustomerIOError,
    DeliveryError,
    IdentifierError,
    PayloadTooLargeError,
    QueueFullError,
    TransportError,
)
from .hooks import install_sigterm_handler
from .ids import _rng as _rng
from .ids import _ulid_at as _ulid_at
from .ids import new_ulid
from .limits import (
    MAX_EVENT_DATA_BYTES,
    MAX_EVENT_NAME_BYTES,
    MAX_IDENTIFIER_BYTES,
    MAX_IDENTIFY_ATTRIBUTES,
    MAX_OPERATION_BYTES,
    MAX_REQUEST_BYTES,
)
from .retry import _retry_after_seconds as _retry_after_seconds
from .singleton import Singleton
from .testing import RecordedRequest, RecordingTransport
from .transport import HTTPTransport, Response, Transport, region_base_url
from .values import ErrorCallback, FailedOperation, Person, Stats

__all__ = [
    "MAX_EVENT_DATA_BYTES",
    "MAX_EVENT_NAME_BYTES",
    "MAX_IDENTIFIER_BYTES",
    "MAX_IDENTIFY_ATTRIBUTES",
    "MAX_OPERATION_BYTES",
    "MAX_REQUEST_BYTES",
    "BaseClient",
    "ClientClosedError",
    "ClientConfig",
    "ConfigurationError",
    "CustomerIOError",
    "DeliveryError",
    "ErrorCallback",
    "FailedOperation",
    "HTTPTransport",
    "IdentifierError",
    "PayloadTooLargeError",
    "Person",
    "QueueFullError",
    "RecordedRequest",
    "RecordingTransport",
    "Response",
    "Singleton",
    "Stats",
    "Transport",
    "TransportError",
    "install_sigterm_handler",
    "new_ulid",
    "region_base_url",
]
