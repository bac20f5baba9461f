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

This module must stay self-contained (stdlib + ``customerio`` only, no relative
imports) because the generator copies it verbatim into the generated package.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import http.client
import json
import logging
import os
import random
import signal
import socket
import ssl
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from json.encoder import encode_basestring as _json_str
from types import FrameType
from typing import Any, Final, Generic, Literal, Protocol, Self, TypeVar
from urllib.parse import unquote, urlsplit

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.
from customerio.constants import CIOID, EMAIL, ID  # type: ignore[import-untyped]
from customerio.regions import Regions  # type: ignore[import-untyped]

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

_log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# Limits of the Track API (see the OpenAPI description and Customer.io's docs). They
# are checked in the caller's thread: a request the API would reject should fail at
# the line that built it, not minutes later in a background thread.
# --------------------------------------------------------------------------------------

MAX_IDENTIFIER_BYTES: Final = 150
"""A person identifier (id, email, cio_id) or anonymous id, in UTF-8 bytes."""
MAX_EVENT_NAME_BYTES: Final = 100
MAX_EVENT_DATA_BYTES: Final = 100_000
"""Event ``data``/``attributes`` as serialized JSON, in bytes."""
MAX_OPERATION_BYTES: Final = 32 * 1024
"""One operation inside a v2 batch ("32kb or smaller")."""
MAX_REQUEST_BYTES: Final = 500_000
"""A v2 batch request must be *smaller* than this ("smaller than 500kb")."""
MAX_IDENTIFY_ATTRIBUTES: Final = 300

_BATCH_PATH: Final = "/api/v2/batch"
_EVENTS_PATH: Final = "/api/v1/events"
_BATCH_OPEN: Final = b'{"batch":['
_BATCH_CLOSE: Final = b"]}"
_BATCH_OVERHEAD: Final = len(_BATCH_OPEN) + len(_BATCH_CLOSE)
_IDLE_RECONNECT_SECONDS: Final = 30.0
"""Reconnect instead of reusing a keep-alive connection idle this long: load balancers
drop idle connections silently, and the first request on a dead one would fail."""

_KINDS: Final[dict[str, str]] = {ID: "id", EMAIL: "email", CIOID: "cio_id"}
_REGIONS: Final[dict[str, Any]] = {"us": Regions.US, "eu": Regions.EU}

# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FailedOperation:
    """One operation that will not be delivered, as given to ``on_error``.

    ``operation`` is the decoded JSON that was (or would have been) sent: a v2 batch
    operation, or for anonymous events the body of ``POST /api/v1/events``.
    """

    operation: dict[str, Any]
    reason: str
    status: int | None = None
    path: str = _BATCH_PATH

    @property
    def id(self) -> str | None:
        """The event's ULID, if the operation is an event (useful for replay/dedupe)."""
        value = self.operation.get("id")
        return value if isinstance(value, str) else None


ErrorCallback = Callable[[list[FailedOperation], str], None]
"""``on_error(failed, reason)``: called with the operations that failed for good and a
one-line summary. It runs in the sender thread (or the caller's thread for drops and
in synchronous mode); exceptions it raises are logged and swallowed."""


@dataclass(frozen=True, slots=True)
class Stats:
    """Counters since the client was created (or since fork, in a child process).

    All counts are operations, not requests (except ``requests``). ``retried`` counts
    an operation once per re-send. Invariant: ``queued == sent + failed + pending``;
    ``dropped`` operations were never queued.
    """

    queued: int
    sent: int
    retried: int
    failed: int
    dropped: int
    pending: int
    requests: int


@dataclass(frozen=True, slots=True)
class Person:
    """Who an operation is about: ``Person.id("42")``, ``Person.email(...)``,
    ``Person.cio_id(...)``. A plain ``str`` passed where a person is expected means
    ``Person.id(that)``.

    The value is checked on construction so an invalid identifier fails where it was
    written, not in the background thread.
    """

    kind: Literal["id", "email", "cio_id"]
    value: str

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise IdentifierError(f"Person kind must be one of {sorted(_KINDS)}, got {self.kind!r}")
        _check_identifier(self.value, f"Person.{self.kind}")

    @classmethod
    def id(cls, value: str) -> Person:
        return cls("id", value)

    @classmethod
    def email(cls, value: str) -> Person:
        return cls("email", value)

    @classmethod
    def cio_id(cls, value: str) -> Person:
        return cls("cio_id", value)

    def identifiers(self) -> dict[str, str]:
        """The wire form, e.g. ``{"email": "a@example.com"}``."""
        return {self.kind: self.value}


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientConfig:
    """Every tunable of delivery, with production defaults (see docs/delivery.md).

    Frozen so one config can be shared by many clients without surprises.
    """

    batch_size: int = 100
    """Operations per ``/api/v2/batch`` request; a full batch is sent at once."""
    max_batch_bytes: int = 450_000
    """Body size that triggers a send; kept well under the API's 500 KB limit."""
    flush_interval: float = 1.0
    """Longest an operation waits in the queue for its batch to fill, in seconds."""
    max_queue_events: int = 10_000
    max_queue_bytes: int = 32 * 1024 * 1024
    overflow: Literal["block", "drop", "raise"] = "drop"
    """What a call does when the queue is full: ``"drop"`` the new operation (counted
    and reported, the call returns), ``"raise"`` :class:`QueueFullError`, or
    ``"block"`` up to ``block_timeout`` seconds for room, then raise."""
    block_timeout: float = 1.0
    max_attempts: int = 6
    """Requests per batch, first attempt included."""
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    retry_budget: float = 60.0
    """Total seconds one batch may spend being retried before it is failed."""
    retry_after_cap: float = 60.0
    """Upper bound for a server's ``Retry-After``, so a bad header cannot stall us."""
    timeout: float = 10.0
    """Socket timeout for connect and for each read, in seconds."""
    atexit_timeout: float = 5.0
    """How long interpreter exit waits for queued operations to be delivered."""
    verify: bool = True
    """Verify the server's TLS certificate. Turn off only for local experiments."""
    ca_bundle: str | os.PathLike[str] | None = None
    """PEM file of CAs to trust instead of the system store (tests, corporate CAs)."""
    proxy: str | None = None
    """``http://[user:pass@]host:port`` of an HTTP CONNECT proxy. Environment variables
    such as ``HTTPS_PROXY`` are deliberately not read implicitly."""

    def __post_init__(self) -> None:
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


# --------------------------------------------------------------------------------------
# ULIDs
# --------------------------------------------------------------------------------------

_CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS: Final = tuple(a + b for a in _CROCKFORD for b in _CROCKFORD)
# A private generator rather than the module-level ``random`` functions: an
# application calling ``random.seed(0)`` must not make two processes emit the same
# ids. ``getrandbits`` holds the GIL for its whole (tiny) run, unlike ``os.urandom``
# and ``uuid4`` which release it and cost hundreds of microseconds under thread
# contention. It is reseeded from the OS in every forked child (``_after_fork_in_child``),
# so parent and child never share a random stream.
_rng = random.Random()
_randbits = _rng.getrandbits
_time_ns = time.time_ns
_ulid_prefix: tuple[int, str] = (-1, "")


def _ulid_at(ms: int) -> str:
    """ULID for Unix time ``ms``: 10 chars of time, 16 chars of randomness.

    The time half changes once per millisecond, so it is cached (a tuple assignment is
    atomic, so racing threads at worst both compute it); the random half is encoded
    10 bits at a time through a 1024-entry table, roughly 3x faster than base64 tricks.
    """
    global _ulid_prefix
    cached = _ulid_prefix
    if cached[0] != ms:
        c = _CROCKFORD
        prefix = "".join(c[(ms >> shift) & 31] for shift in range(45, -1, -5))
        cached = _ulid_prefix = (ms, prefix)
    r = _randbits(80)
    p = _PAIRS
    return (
        f"{cached[1]}{p[r >> 70]}{p[(r >> 60) & 1023]}{p[(r >> 50) & 1023]}"
        f"{p[(r >> 40) & 1023]}{p[(r >> 30) & 1023]}{p[(r >> 20) & 1023]}"
        f"{p[(r >> 10) & 1023]}{p[r & 1023]}"
    )


def new_ulid() -> str:
    """A new ULID (26 Crockford base32 chars: 48-bit ms timestamp + 80 random bits).

    Sortable by creation time at millisecond granularity; unique with overwhelming
    probability within a millisecond.
    """
    return _ulid_at(_time_ns() // 1_000_000)


# --------------------------------------------------------------------------------------
# Validation and serialization helpers (the enqueue hot path)
# --------------------------------------------------------------------------------------

# One prebuilt encoder: ``json.dumps`` with non-default options builds a new encoder
# on every call, which costs more than the encoding itself for small payloads.
# ``allow_nan=False`` because NaN is not JSON and would make the API reject the whole
# batch; ``ensure_ascii=False`` keeps non-ASCII text at its UTF-8 size.
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND: Final = timedelta(seconds=1)


def _check_identifier(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    n = len(value)
    # A str of <= 37 code points is at most 148 UTF-8 bytes: skip encoding it.
    size = n if n <= 37 else len(value.encode("utf-8", "surrogatepass"))
    if n == 0 or value.isspace():
        raise IdentifierError(f"{what} must not be empty or blank")
    if size > MAX_IDENTIFIER_BYTES:
        raise IdentifierError(
            f"{what} is {size} bytes in UTF-8; Customer.io accepts at most "
            f"{MAX_IDENTIFIER_BYTES} bytes"
        )
    return value


def _identifiers_json(person: object, what: str = "person") -> str:
    """JSON of the ``identifiers`` object: ``{"id":"42"}``."""
    if type(person) is str:  # the hot path: a plain person id
        return '{"id":' + _json_str(_check_identifier(person, what)) + "}"
    if isinstance(person, Person):
        return '{"' + person.kind + '":' + _json_str(person.value) + "}"
    if isinstance(person, str):  # str subclasses, e.g. a StrEnum or a NewType'd id
        return '{"id":' + _json_str(_check_identifier(str(person), what)) + "}"
    raise TypeError(f"{what} must be a str (a person id) or a Person, got {type(person).__name__}")


def _identifiers(person: object, what: str = "person") -> dict[str, str]:
    if isinstance(person, Person):
        return person.identifiers()
    if isinstance(person, str):
        return {"id": _check_identifier(str(person), what)}
    raise TypeError(f"{what} must be a str (a person id) or a Person, got {type(person).__name__}")


def _name_json(name: object, what: str, limit: int | None) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"{what} must be a non-empty str, got {name!r}")
    if limit is not None and len(name) > limit // 4:
        size = len(name.encode("utf-8", "surrogatepass"))
        if size > limit:
            raise ValueError(
                f"{what} {name[:40]!r}... is {size} bytes; Customer.io accepts at most {limit}"
            )
    return _json_str(name)


def _unix_seconds(value: object, param: str) -> int:
    """Aware datetime -> integer Unix seconds, floored exactly (no float rounding)."""
    if not isinstance(value, datetime):
        raise TypeError(f"{param} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{param} must be timezone-aware (got naive {value.isoformat()}); "
            "use e.g. datetime.now(timezone.utc)"
        )
    return (value - _EPOCH) // _SECOND


def _json_object(data: object, what: str) -> str:
    if type(data) is not dict:
        if not isinstance(data, Mapping):
            raise TypeError(f"{what} must be a dict, got {type(data).__name__}")
        data = dict(data)
    try:
        return _encode(data)
    except ValueError as exc:
        raise ValueError(f"{what} is not valid JSON (NaN/Infinity or circular): {exc}") from None
    except TypeError as exc:
        raise TypeError(f"{what} is not JSON-serializable: {exc}") from None


def _utf8(text: str, what: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{what} contains text that is not valid UTF-8 ({exc.reason})") from None


def _serialize(op: Mapping[str, Any], what: str) -> bytes:
    try:
        text = _encode(op)
    except ValueError as exc:
        raise ValueError(f"{what} is not valid JSON (NaN/Infinity or circular): {exc}") from None
    except TypeError as exc:
        raise TypeError(f"{what} is not JSON-serializable: {exc}") from None
    return _utf8(text, what)


class _AnonymousEvent(bytes):
    """Queue item marker: the body of one ``POST /api/v1/events`` request.

    Anonymous events cannot be expressed as v2 batch operations, so the sender must
    tell them apart; a ``bytes`` subclass keeps the queue homogeneous and compact.
    """

    __slots__ = ()


def _decode(item: bytes) -> dict[str, Any]:
    try:
        value = json.loads(item)
    except ValueError:
        return {"_undecodable": item.decode("utf-8", "replace")}
    return value if isinstance(value, dict) else {"_value": value}


def _path_of(item: bytes) -> str:
    return _EVENTS_PATH if type(item) is _AnonymousEvent else _BATCH_PATH


# --------------------------------------------------------------------------------------
# Transports
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Response:
    """An HTTP response as the runtime needs it. Header names should be lower-case."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        value = self.headers.get(name.lower())
        if value is not None:
            return value
        lowered = name.lower()
        for key, val in self.headers.items():
            if key.lower() == lowered:
                return val
        return None


class Transport(Protocol):
    """What the runtime needs from HTTP: one request in, one response out.

    ``path`` starts with ``/api/``. Raise :class:`TransportError` when no response was
    received; return every response (including 4xx/5xx) as a :class:`Response`. The
    runtime calls ``send`` from one sender thread (or from many caller threads in
    synchronous mode) and ``close`` once when the client closes.
    """

    def send(self, method: str, path: str, body: bytes) -> Response: ...

    def close(self) -> None: ...


def region_base_url(region: str) -> str:
    """``https://track.customer.io`` for ``"us"``, ``https://track-eu.customer.io`` for
    ``"eu"`` (hosts from ``customerio.regions.Regions``)."""
    key = region.lower() if isinstance(region, str) else region
    if key not in _REGIONS:
        raise ConfigurationError(f"region must be 'us' or 'eu', got {region!r}")
    return f"https://{_REGIONS[key].track_host}"


class _Conn:
    __slots__ = ("conn", "last_used", "pid", "uses")

    def __init__(self, conn: http.client.HTTPConnection, pid: int) -> None:
        self.conn = conn
        self.pid = pid
        self.uses = 0
        self.last_used = time.monotonic()


def _tune_socket(sock: Any) -> None:
    # Like urllib3: no Nagle delay for small requests, and keepalive probes so a
    # silently dropped connection is noticed instead of hanging until the timeout.
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)


class _HTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _tune_socket(self.sock)


class _HTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _tune_socket(self.sock)


class HTTPTransport:
    """Track API over stdlib ``http.client`` with one keep-alive connection per thread.

    Why not the customerio package's ``send_request``: its urllib3 ``Retry`` re-sends
    POSTs blindly (duplicates, since it sends no event ids), it folds every failure
    into one exception class that loses the status code, it treats ``207`` partial
    failures as success, and its URL builder is https-only (no local test servers).
    Owning the HTTP layer lets the runtime decide exactly what is retried.
    """

    def __init__(
        self,
        base_url: str,
        site_id: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        verify: bool = True,
        ca_bundle: str | os.PathLike[str] | None = None,
        proxy: str | None = None,
        user_agent: str = "ciogen-runtime (python http.client)",
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(
                f"base_url must be an http:// or https:// URL with a host, got {base_url!r}"
            )
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        try:
            port = parts.port
        except ValueError:
            raise ConfigurationError(f"base_url has an invalid port: {base_url!r}") from None
        self._port = port or (443 if self._https else 80)
        self._prefix = parts.path.rstrip("/")
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        token = base64.b64encode(f"{site_id}:{api_key}".encode()).decode("ascii")
        # The only place the key lives after construction; never formatted anywhere.
        self._headers = {
            "Authorization": f"Basic {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": user_agent,
        }
        self._context: ssl.SSLContext | None = None
        if self._https:
            self._context = _ssl_context(verify, ca_bundle)
        self._proxy: tuple[str, int, dict[str, str]] | None = None
        if proxy is not None:
            p = urlsplit(proxy)
            if p.scheme != "http" or not p.hostname:
                raise ConfigurationError("proxy must be an http://host:port URL")
            proxy_headers: dict[str, str] = {}
            if p.username is not None:
                cred = f"{unquote(p.username)}:{unquote(p.password or '')}".encode()
                proxy_headers["Proxy-Authorization"] = "Basic " + base64.b64encode(cred).decode()
            self._proxy = (p.hostname, p.port or 8080, proxy_headers)
        self._local = threading.local()
        self._all_lock = threading.Lock()
        self._all: weakref.WeakSet[http.client.HTTPConnection] = weakref.WeakSet()
        _register_fork_reset(self)

    def _reset_after_fork(self) -> None:
        # The parent's connections stay the parent's: the child opens its own (``send``
        # also compares pids, for connections cached in thread-locals).
        self._all_lock = threading.Lock()
        self._all = weakref.WeakSet()
        self._local = threading.local()

    @property
    def base_url(self) -> str:
        return self._base_url

    def __repr__(self) -> str:
        return f"HTTPTransport(base_url={self._base_url!r})"

    def _new_connection(self) -> http.client.HTTPConnection:
        host, port = self._host, self._port
        if self._proxy is not None:
            host, port = self._proxy[0], self._proxy[1]
        conn: http.client.HTTPConnection
        if self._https:
            conn = _HTTPSConnection(host, port, timeout=self._timeout, context=self._context)
        else:
            conn = _HTTPConnection(host, port, timeout=self._timeout)
        if self._proxy is not None:
            conn.set_tunnel(self._host, self._port, headers=self._proxy[2])
        with self._all_lock:
            self._all.add(conn)
        return conn

    def send(self, method: str, path: str, body: bytes) -> Response:
        state: _Conn | None = getattr(self._local, "state", None)
        now = time.monotonic()
        pid = os.getpid()
        if state is not None and (
            state.pid != pid or now - state.last_used > _IDLE_RECONNECT_SECONDS
        ):
            if state.pid == pid:  # never touch a socket inherited from the parent
                state.conn.close()
            state = None
        if state is None:
            state = self._local.state = _Conn(self._new_connection(), pid)
        reused = state.uses > 0
        conn = state.conn
        try:
            conn.request(method, self._prefix + path, body=body, headers=self._headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            self._local.state = None
            raise TransportError(_describe(exc), reused_connection=reused) from exc
        state.uses += 1
        state.last_used = time.monotonic()
        if resp.will_close:
            conn.close()
            self._local.state = None
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return Response(resp.status, headers, data)

    def close(self) -> None:
        """Close every connection this transport opened (a later send reconnects)."""
        with self._all_lock:
            conns = list(self._all)
        for conn in conns:
            with contextlib.suppress(Exception):
                conn.close()
        self._local = threading.local()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out waiting for the Track API"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _ssl_context(verify: bool, ca_bundle: str | os.PathLike[str] | None) -> ssl.SSLContext:
    if not verify:
        _log.warning("TLS certificate verification is disabled for the Customer.io client")
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if ca_bundle is not None:
        try:
            return ssl.create_default_context(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(
                f"cannot load ca_bundle {os.fspath(ca_bundle)!r}: {exc}"
            ) from None
    ctx = ssl.create_default_context()
    if ctx.cert_store_stats().get("x509_ca", 0) == 0:
        # Minimal containers and some macOS Pythons have no usable system store (or a
        # lazily loaded directory). certifi ships with customerio's dependencies;
        # adding it never removes trust the system already grants.
        try:
            import certifi

            ctx.load_verify_locations(certifi.where())
        except (ImportError, OSError):  # pragma: no cover - environment dependent
            pass
    return ctx


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request seen by :class:`RecordingTransport`; ``body`` is the decoded JSON."""

    method: str
    path: str
    body: Any
    raw: bytes

    @property
    def operations(self) -> list[dict[str, Any]]:
        """The operations carried: a batch's ops, or the single v1 body."""
        if self.path.endswith(_BATCH_PATH) and isinstance(self.body, dict):
            ops = self.body.get("batch")
            return list(ops) if isinstance(ops, list) else []
        return [self.body] if isinstance(self.body, dict) else []


class RecordingTransport:
    """An in-memory transport for your unit tests: nothing leaves the process.

    Every request is recorded (retries included, in order). Responses come from the
    script (``respond_with``; a :class:`TransportError` in the script is raised), then
    from ``responder`` if given, else ``200 {}``. Thread-safe.

    >>> transport = RecordingTransport()
    >>> client = MyClient("site", "key", transport=transport, mode="sync")
    >>> client.track_signed_up("42", ...)
    >>> transport.operations()[0]["name"]
    'signed_up'
    """

    def __init__(
        self,
        responses: Iterable[Response | TransportError] = (),
        *,
        responder: Callable[[RecordedRequest], Response] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._script: deque[Response | TransportError] = deque(responses)
        self._responder = responder
        self._requests: list[RecordedRequest] = []
        self.closed = False
        _register_fork_reset(self)

    def respond_with(self, *responses: Response | TransportError) -> None:
        with self._lock:
            self._script.extend(responses)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def operations(self) -> list[dict[str, Any]]:
        """Every operation sent, flattened in send order (a retried one appears again)."""
        return [op for request in self.requests for op in request.operations]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
            self._script.clear()

    def send(self, method: str, path: str, body: bytes) -> Response:
        try:
            decoded: Any = json.loads(body) if body else None
        except ValueError:
            decoded = None
        request = RecordedRequest(method, path, decoded, body)
        with self._lock:
            self._requests.append(request)
            scripted = self._script.popleft() if self._script else None
        if isinstance(scripted, TransportError):
            raise scripted
        if scripted is not None:
            return scripted
        if self._responder is not None:
            return self._responder(request)
        return Response(200, {"content-type": "application/json"}, b"{}")

    def close(self) -> None:
        self.closed = True

    def _reset_after_fork(self) -> None:
        self._lock = threading.Lock()


# --------------------------------------------------------------------------------------
# Process-wide registries (atexit, fork). Weak, so they never keep a client alive.
# --------------------------------------------------------------------------------------

_registry_lock = threading.Lock()
_pipelines: weakref.WeakSet[_Pipeline] = weakref.WeakSet()
_fork_resettable: weakref.WeakSet[Any] = weakref.WeakSet()


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


# --------------------------------------------------------------------------------------
# The pipeline: queue, sender thread, retries, accounting, failure reporting
# --------------------------------------------------------------------------------------


class _Inflight:
    """A batch taken off the queue. ``claimed`` settles the race between the sender
    finishing it and ``close()`` giving up on it: whoever claims it reports it."""

    __slots__ = ("claimed", "items")

    def __init__(self, items: list[bytes]) -> None:
        self.items = items
        self.claimed = False


@dataclass(slots=True)
class _Attempted:
    """Outcome of one request after retries: ``response`` on any final HTTP answer
    that counts as delivered (2xx), else ``status``/``reason`` of the failure."""

    response: Response | None
    status: int | None = None
    reason: str = ""


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
    ) -> None:
        self._transport = transport
        self._config = config
        self._on_error = on_error
        self._dead_letter_path = dead_letter_path
        self._sync = sync
        self._batch_size = config.batch_size
        self._batch_bytes = config.max_batch_bytes
        self._max_events = config.max_queue_events
        self._max_bytes = config.max_queue_bytes
        self.atexit_timeout = config.atexit_timeout
        self._jitter = random.Random()
        self._init_state()
        with _registry_lock:
            _pipelines.add(self)

    def _init_state(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # the sender waits here
        self._space = threading.Condition(self._lock)  # "block" producers wait here
        self._done = threading.Condition(self._lock)  # flush()/close() wait here
        self._dead_letter_lock = threading.Lock()
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
        self._abandon = threading.Event()
        self._last_drop_log = 0.0
        self._drops_since_log = 0

    def _reset_after_fork(self) -> None:
        closing, closed = self._closing, self._closed
        self._init_state()
        self._closing, self._closed = closing, closed
        self._jitter.seed()

    # -- producer side ------------------------------------------------------------------

    def put(self, item: bytes) -> None:
        """Queue one serialized operation. The hot path: one lock, no allocation
        beyond the deque slot, and the sender is only signalled when it has something
        new to do (first item of a window, a full batch)."""
        size = len(item)
        with self._lock:
            if self._closing:
                raise ClientClosedError("the Customer.io client is closed")
            count = len(self._queue)
            if count < self._max_events and self._queue_bytes + size <= self._max_bytes:
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
        self._overflow(item, size)

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
            reason = f"queue full: no room after blocking {self._config.block_timeout:g}s"
        else:
            with self._lock:
                if self._fits_locked(size):  # the sender made room meanwhile
                    self._append_locked(item, size)
                    return
                self._dropped += 1
            reason = "queue full: operation dropped"
        self._report_drop(item, reason)
        if policy != "drop":
            raise QueueFullError(
                f"{reason} (max_queue_events={self._max_events}, "
                f"max_queue_bytes={self._max_bytes}); the operation was not queued"
            )

    def _report_drop(self, item: bytes, reason: str) -> None:
        now = time.monotonic()
        self._drops_since_log += 1
        if now - self._last_drop_log >= 10.0:
            _log.warning(
                "Customer.io queue full: %d operation(s) dropped in the last %.0fs",
                self._drops_since_log,
                min(now - self._last_drop_log, 10.0) if self._last_drop_log else 0.0,
            )
            self._last_drop_log = now
            self._drops_since_log = 0
        failed = [FailedOperation(_decode(item), reason, None, _path_of(item))]
        self._report(failed, reason, durable=False)

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
            delivered, failures = self._deliver(inflight.items, self._abandon, deadline)
        except Exception as exc:  # a bug must not wedge flush() forever
            _log.exception("unexpected error while sending to Customer.io")
            reason = f"internal error: {type(exc).__name__}"
            delivered = 0
            failures = [
                FailedOperation(_decode(i), reason, None, _path_of(i)) for i in inflight.items
            ]
        with self._lock:
            if inflight.claimed:
                return  # close() gave up on it and already reported it
            inflight.claimed = True
        if failures:
            self._report(failures, _summary(failures))
        with self._lock:
            self._sent += delivered
            self._failed += len(failures)
            self._finished += len(inflight.items)
            if self._inflight is inflight:
                self._inflight = None
            self._done.notify_all()

    # -- delivery -------------------------------------------------------------------------

    def _deliver(
        self, items: list[bytes], abandon: threading.Event | None, deadline: float | None
    ) -> tuple[int, list[FailedOperation]]:
        ops = [i for i in items if type(i) is not _AnonymousEvent]
        delivered = 0
        failures: list[FailedOperation] = []
        if ops:
            body = _BATCH_OPEN + b",".join(ops) + _BATCH_CLOSE
            result = self._send_with_retry(_BATCH_PATH, body, len(ops), abandon, deadline)
            if result.response is None:
                failures.extend(
                    FailedOperation(_decode(op), result.reason, result.status, _BATCH_PATH)
                    for op in ops
                )
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
                result = self._send_with_retry(_EVENTS_PATH, bytes(item), 1, abandon, deadline)
                if result.response is None:
                    failures.append(
                        FailedOperation(_decode(item), result.reason, result.status, _EVENTS_PATH)
                    )
                else:
                    delivered += 1
        return delivered, failures

    def _send_with_retry(
        self,
        path: str,
        body: bytes,
        n_ops: int,
        abandon: threading.Event | None,
        deadline: float | None,
    ) -> _Attempted:
        cfg = self._config
        budget_end = time.monotonic() + cfg.retry_budget
        if deadline is not None:
            budget_end = min(budget_end, deadline)
        immediate_used = False
        attempt = 0
        while True:
            attempt += 1
            if abandon is not None and abandon.is_set():
                return _Attempted(None, None, "client closed before the operation was sent")
            retry_after: float | None = None
            immediate = False
            status: int | None = None
            if _log.isEnabledFor(logging.DEBUG):
                _log.debug(
                    "POST %s attempt %d (%d op(s), %d bytes): %.2000s",
                    path,
                    attempt,
                    n_ops,
                    len(body),
                    body.decode("utf-8", "replace"),
                )
            try:
                response = self._transport.send("POST", path, body)
            except TransportError as exc:
                reason = f"connection error: {exc}"
                immediate = exc.reused_connection and not immediate_used
                immediate_used = immediate_used or immediate
            else:
                status = response.status
                if 200 <= status < 300:
                    with self._lock:
                        self._requests += 1
                    return _Attempted(response, status)
                if status in (401, 403):
                    with self._lock:
                        self._requests += 1
                    reason = f"credentials rejected (HTTP {status}): check site id / track API key"
                    _log.error("Customer.io %s", reason)
                    return _Attempted(None, status, reason)
                if not (status in (408, 429) or 500 <= status <= 599):
                    with self._lock:
                        self._requests += 1
                    reason = f"rejected by the Track API (HTTP {status}): {_brief(response)}"
                    _log.warning("Customer.io rejected %d operation(s): HTTP %d", n_ops, status)
                    return _Attempted(None, status, reason)
                reason = f"HTTP {status}"
                retry_after = _retry_after_seconds(response.header("retry-after"))
            with self._lock:
                self._requests += 1
            if attempt >= cfg.max_attempts:
                reason = f"{reason}; gave up after {attempt} attempt(s)"
                _log.warning("Customer.io delivery failed for %d operation(s): %s", n_ops, reason)
                return _Attempted(None, status, reason)
            if immediate:
                delay = 0.0
            elif retry_after is not None:
                delay = min(retry_after, cfg.retry_after_cap)
            else:
                ceiling = min(cfg.backoff_cap, cfg.backoff_base * (2 ** (attempt - 1)))
                delay = self._jitter.uniform(0.0, ceiling)
            if time.monotonic() + delay > budget_end:
                reason = f"{reason}; retry budget exhausted after {attempt} attempt(s)"
                _log.warning("Customer.io delivery failed for %d operation(s): %s", n_ops, reason)
                return _Attempted(None, status, reason)
            _log.info(
                "Customer.io request failed (%s), attempt %d/%d; retrying in %.2fs",
                reason,
                attempt,
                cfg.max_attempts,
                delay,
            )
            with self._lock:
                self._retried += n_ops
            if abandon is not None:
                if abandon.wait(delay):
                    return _Attempted(None, status, f"{reason}; client closed while retrying")
            elif delay > 0:
                time.sleep(delay)

    # -- failure reporting --------------------------------------------------------------

    def _report(self, failures: list[FailedOperation], reason: str, durable: bool = True) -> None:
        if self._dead_letter_path is not None:
            self._write_dead_letters(failures, durable)
        if _log.isEnabledFor(logging.DEBUG):
            for failure in failures:
                _log.debug("failed operation (%s): %r", failure.reason, failure.operation)
        if self._on_error is not None:
            try:
                self._on_error(failures, reason)
            except Exception:
                _log.exception("the Customer.io on_error callback raised")

    def _write_dead_letters(self, failures: list[FailedOperation], durable: bool) -> None:
        """Append one JSON line per failure. ``durable`` adds an fsync; drops skip it
        because they are written in the caller's thread, which must stay fast."""
        assert self._dead_letter_path is not None
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        lines = "".join(
            json.dumps(
                {
                    "time": stamp,
                    "status": f.status,
                    "reason": f.reason,
                    "path": f.path,
                    "operation": f.operation,
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
            + "\n"
            for f in failures
        ).encode("utf-8", "replace")
        try:
            with self._dead_letter_lock:
                # O_APPEND + one write per call: lines from threads and forked children
                # never interleave. 0o600: the file holds personal data.
                fd = os.open(self._dead_letter_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    view = memoryview(lines)
                    while view:
                        written = os.write(fd, view)
                        view = view[written:]
                    if durable:
                        os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as exc:
            _log.error(
                "cannot write %d failed operation(s) to the dead-letter file: %s",
                len(failures),
                exc,
            )

    # -- flush / close ------------------------------------------------------------------

    def _not_from_sender(self, what: str) -> None:
        if self._thread is not None and threading.current_thread() is self._thread:
            raise RuntimeError(
                f"{what}() called from the sender thread (inside on_error?) would wait for itself"
            )

    def flush(self, timeout: float | None) -> bool:
        self._not_from_sender("flush")
        deadline = None if timeout is None else time.monotonic() + timeout
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
            self._flush_target = max(self._flush_target, self._accepted)
            if self._queue:
                self._ensure_sender_locked()
            self._wake.notify_all()
            self._space.notify_all()

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
        if not self._wait_finished(target, deadline):
            self._abandon_remaining(timeout)
        with self._lock:
            self._closed = True
            self._wake.notify_all()
        try:
            self._transport.close()
        except Exception:  # pragma: no cover - user transports
            _log.exception("error while closing the Customer.io transport")

    def _abandon_remaining(self, timeout: float | None) -> None:
        self._abandon.set()
        with self._lock:
            items = list(self._queue)
            self._queue.clear()
            self._queue_bytes = 0
            self._popped += len(items)
            inflight = self._inflight
            if inflight is not None and not inflight.claimed:
                inflight.claimed = True
                items = inflight.items + items
                self._inflight = None
        if items:
            reason = (
                f"not delivered before close() timed out after {timeout:g}s"
                " (in-flight operations may have arrived; replay is idempotent for events)"
            )
            _log.warning("Customer.io client closed with %d operation(s) undelivered", len(items))
            self._report(
                [FailedOperation(_decode(i), reason, None, _path_of(i)) for i in items], reason
            )
        with self._lock:
            self._failed += len(items)
            self._finished += len(items)
            self._done.notify_all()

    def release(self) -> None:
        """Finalizer of the owning client: stop accepting, let the sender drain and exit.
        Never blocks (it may run inside garbage collection)."""
        with contextlib.suppress(Exception):
            self.begin_close()

    # -- synchronous mode ---------------------------------------------------------------

    def send_now(self, items: list[bytes]) -> None:
        with self._lock:
            if self._closing:
                raise ClientClosedError("the Customer.io client is closed")
            self._accepted += len(items)
        delivered, failures = self._deliver(items, None, None)
        if failures:
            self._report(failures, _summary(failures))
        with self._lock:
            self._sent += delivered
            self._failed += len(failures)
            self._finished += len(items)
        if failures:
            first = failures[0]
            raise DeliveryError(
                f"{len(failures)} of {len(items)} operation(s) not delivered: {first.reason}",
                status=first.status,
                reason=first.reason,
                failed=failures,
            )

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


def _chunks(ops: list[bytes], max_ops: int, max_body: int) -> list[list[bytes]]:
    """Split batch operations into request-sized groups (count and body bytes)."""
    chunks: list[list[bytes]] = []
    current: list[bytes] = []
    body = _BATCH_OVERHEAD
    for op in ops:
        if current and (len(current) >= max_ops or body + len(op) + 1 > max_body):
            chunks.append(current)
            current, body = [], _BATCH_OVERHEAD
        current.append(op)
        body += len(op) + 1
    if current:
        chunks.append(current)
    return chunks


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
        return [FailedOperation(_decode(op), reason, 207, _BATCH_PATH) for op in ops]
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
        FailedOperation(
            _decode(ops[i]), "rejected by the Track API: " + "; ".join(msgs), 207, _BATCH_PATH
        )
        for i, msgs in sorted(by_index.items())
    ]


def _retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as delta-seconds or an HTTP-date; None when absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# --------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------


class BaseClient:
    """Base of the generated client: operations, queueing and lifecycle.

    ``mode="background"`` (default) queues operations and returns at once; a daemon
    thread sends them in batches. ``mode="sync"`` sends in the calling thread with the
    same retry policy and raises :class:`DeliveryError` on failure.

    Thread-safe. Fork-safe: a forked child gets an empty queue and its own sender.
    """

    def __init__(
        self,
        site_id: str,
        api_key: str,
        *,
        region: str = "us",
        base_url: str | None = None,
        mode: Literal["background", "sync"] = "background",
        transport: Transport | None = None,
        config: ClientConfig | None = None,
        on_error: ErrorCallback | None = None,
        dead_letter_path: str | os.PathLike[str] | None = None,
    ) -> None:
        if not isinstance(site_id, str) or not site_id.strip():
            raise ConfigurationError("site_id must be a non-empty str")
        if not isinstance(api_key, str) or not api_key.strip():
            raise ConfigurationError("api_key must be a non-empty str")
        if mode not in ("background", "sync"):
            raise ConfigurationError(f"mode must be 'background' or 'sync', got {mode!r}")
        self._region = region.lower() if isinstance(region, str) else region
        region_url = region_base_url(region)
        self._config = config if config is not None else ClientConfig()
        self._base_url = (base_url or region_url).rstrip("/")
        self._mode = mode
        if transport is None:
            transport = HTTPTransport(
                self._base_url,
                site_id,
                api_key,
                timeout=self._config.timeout,
                verify=self._config.verify,
                ca_bundle=self._config.ca_bundle,
                proxy=self._config.proxy,
            )
        self._transport = transport
        pipeline = _Pipeline(
            transport,
            self._config,
            on_error,
            os.fspath(dead_letter_path) if dead_letter_path is not None else None,
            mode == "sync",
        )
        self._pipeline = pipeline
        self._submit: Callable[[bytes], None] = (
            pipeline.put if mode == "background" else (lambda item: pipeline.send_now([item]))
        )
        finalizer = weakref.finalize(self, pipeline.release)
        finalizer.atexit = False  # the runtime's own atexit hook flushes with a timeout

    # -- introspection ------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Where requests go, e.g. ``https://track-eu.customer.io``."""
        return self._base_url

    @property
    def region(self) -> str:
        """``"us"`` or ``"eu"`` (what ``base_url`` defaults from)."""
        return str(self._region)

    @property
    def config(self) -> ClientConfig:
        return self._config

    def __repr__(self) -> str:
        # Never the API key (nor the site id, which identifies the workspace).
        return (
            f"{type(self).__name__}(region={self._region!r}, base_url={self._base_url!r}, "
            f"mode={self._mode!r})"
        )

    def stats(self) -> Stats:
        """A consistent snapshot of the delivery counters."""
        return self._pipeline.stats()

    # -- operations (the hot path is _track) --------------------------------------------

    def _check_size(self, item: bytes, data_json: str | None, what: str) -> None:
        if data_json is not None:
            data_size = len(data_json.encode("utf-8", "surrogatepass"))
            if data_size > MAX_EVENT_DATA_BYTES:
                raise PayloadTooLargeError(
                    f"{what}: event data is {data_size:,} bytes of JSON; Customer.io accepts "
                    f"at most {MAX_EVENT_DATA_BYTES:,} bytes",
                    size=data_size,
                    limit=MAX_EVENT_DATA_BYTES,
                )
        if type(item) is not _AnonymousEvent and len(item) > MAX_OPERATION_BYTES:
            raise PayloadTooLargeError(
                f"{what}: the operation is {len(item):,} bytes of JSON; the Track API accepts "
                f"at most {MAX_OPERATION_BYTES:,} bytes per batch operation",
                size=len(item),
                limit=MAX_OPERATION_BYTES,
            )

    def _track(
        self,
        person: str | Person,
        name: str,
        data: dict[str, Any],
        timestamp: datetime | None,
    ) -> str:
        """Queue a person event; returns its ULID (also sent as the event ``id``)."""
        ident = _identifiers_json(person)
        name_json = _name_json(name, "event name", MAX_EVENT_NAME_BYTES)
        now = _time_ns()
        ulid = _ulid_at(now // 1_000_000)
        ts = now // 1_000_000_000 if timestamp is None else _unix_seconds(timestamp, "timestamp")
        data_json = _json_object(data, "event data")
        item = _utf8(
            f'{{"type":"person","identifiers":{ident},"action":"event","name":{name_json},'
            f'"id":"{ulid}","timestamp":{ts},"attributes":{data_json}}}',
            "event",
        )
        if len(item) > MAX_OPERATION_BYTES:
            self._check_size(item, data_json, f"event {name!r}")
        self._submit(item)
        return ulid

    def _track_anonymous(
        self,
        anonymous_id: str,
        name: str,
        data: dict[str, Any],
        timestamp: datetime | None,
    ) -> str:
        """Queue an anonymous event (sent alone to ``POST /api/v1/events``, because the
        v2 batch cannot carry one); returns its ULID."""
        anon = _json_str(_check_identifier(anonymous_id, "anonymous_id"))
        name_json = _name_json(name, "event name", MAX_EVENT_NAME_BYTES)
        now = _time_ns()
        ulid = _ulid_at(now // 1_000_000)
        ts = now // 1_000_000_000 if timestamp is None else _unix_seconds(timestamp, "timestamp")
        data_json = _json_object(data, "event data")
        item = _AnonymousEvent(
            _utf8(
                f'{{"anonymous_id":{anon},"name":{name_json},"id":"{ulid}",'
                f'"timestamp":{ts},"data":{data_json}}}',
                "event",
            )
        )
        if len(item) > MAX_EVENT_DATA_BYTES:
            self._check_size(item, data_json, f"anonymous event {name!r}")
        self._submit(item)
        return ulid

    def _identify(
        self,
        person: str | Person,
        attributes: dict[str, Any],
        timestamp: datetime | None,
    ) -> None:
        """Queue an identify (create or update a person's attributes)."""
        ident = _identifiers_json(person)
        if len(attributes) > MAX_IDENTIFY_ATTRIBUTES:
            raise ValueError(
                f"identify has {len(attributes)} attributes; Customer.io accepts at most "
                f"{MAX_IDENTIFY_ATTRIBUTES} per call"
            )
        ts = (
            _time_ns() // 1_000_000_000
            if timestamp is None
            else _unix_seconds(timestamp, "timestamp")
        )
        attrs = _json_object(attributes, "attributes")
        item = _utf8(
            f'{{"type":"person","identifiers":{ident},"action":"identify",'
            f'"timestamp":{ts},"attributes":{attrs}}}',
            "identify",
        )
        if len(item) > MAX_OPERATION_BYTES:
            self._check_size(item, None, "identify")
        self._submit(item)

    def page(
        self,
        person: str | Person,
        name: str,
        *,
        attributes: dict[str, Any] | None = None,
        timestamp: datetime | None = None,
    ) -> str:
        """Queue a page view (``name`` is usually the URL); returns its ULID."""
        ident = _identifiers_json(person)
        name_json = _name_json(name, "page name", None)
        now = _time_ns()
        ulid = _ulid_at(now // 1_000_000)
        ts = now // 1_000_000_000 if timestamp is None else _unix_seconds(timestamp, "timestamp")
        data_json = _json_object(attributes if attributes is not None else {}, "attributes")
        item = _utf8(
            f'{{"type":"person","identifiers":{ident},"action":"page",'
            f'"name":{name_json},"id":"{ulid}","timestamp":{ts},"attributes":{data_json}}}',
            "page",
        )
        if len(item) > MAX_OPERATION_BYTES:
            self._check_size(item, data_json, "page")
        self._submit(item)
        return ulid

    def _simple(self, person: str | Person, action: str, extra: dict[str, Any]) -> None:
        op: dict[str, Any] = {
            "type": "person",
            "identifiers": _identifiers(person),
            "action": action,
        }
        op.update(extra)
        item = _serialize(op, action)
        if len(item) > MAX_OPERATION_BYTES:
            self._check_size(item, None, action)
        self._submit(item)

    def suppress(self, person: str | Person) -> None:
        """Suppress the person: they cannot be messaged or re-added."""
        self._simple(person, "suppress", {})

    def unsuppress(self, person: str | Person) -> None:
        self._simple(person, "unsuppress", {})

    def delete(self, person: str | Person) -> None:
        """Delete the person from the workspace."""
        self._simple(person, "delete", {})

    def add_device(
        self,
        person: str | Person,
        token: str,
        platform: Literal["ios", "android"],
        *,
        last_used: datetime | None = None,
        attributes: dict[str, str] | None = None,
    ) -> None:
        """Add (or refresh) a push device; ``last_used`` defaults to now."""
        if not isinstance(token, str) or not token.strip():
            raise ValueError("device token must be a non-empty str")
        if platform not in ("ios", "android"):
            raise ValueError(f"platform must be 'ios' or 'android', got {platform!r}")
        device: dict[str, Any] = {
            "token": token,
            "platform": platform,
            "last_used": (
                _time_ns() // 1_000_000_000
                if last_used is None
                else _unix_seconds(last_used, "last_used")
            ),
        }
        if attributes:
            for key, value in attributes.items():
                if not isinstance(key, str) or not isinstance(value, str):
                    raise TypeError(
                        f"device attributes must map str to str, got {key!r}: "
                        f"{type(value).__name__}"
                    )
            device["attributes"] = dict(attributes)
        self._simple(person, "add_device", {"device": device})

    def delete_device(self, person: str | Person, token: str) -> None:
        if not isinstance(token, str) or not token.strip():
            raise ValueError("device token must be a non-empty str")
        self._simple(person, "delete_device", {"device": {"token": token}})

    def merge(self, primary: str | Person, secondary: str | Person) -> None:
        """Merge ``secondary`` into ``primary`` (which must exist); not reversible."""
        first = _identifiers(primary, "primary")
        second = _identifiers(secondary, "secondary")
        if first == second:
            raise ValueError("cannot merge a person into itself")
        op = {"type": "person", "action": "merge", "primary": first, "secondary": second}
        self._submit(_serialize(op, "merge"))

    # -- lifecycle ----------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every operation queued before this call is delivered or failed.

        Returns False if ``timeout`` seconds passed first (``None``: no limit; each
        batch is still bounded by ``retry_budget``).
        """
        return self._pipeline.flush(timeout)

    def close(self, timeout: float | None = None) -> None:
        """Flush, then stop. Operations still undelivered after ``timeout`` seconds are
        reported failed (``on_error``, dead-letter file). Idempotent."""
        self._pipeline.close(timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def replay_dead_letters(
        self, path: str | os.PathLike[str], *, timeout: float | None = None
    ) -> int:
        """Queue again every operation of a dead-letter file; returns how many.

        Events keep their ULIDs, so replaying something that did arrive is harmless:
        the API drops the duplicate. Waits for queue room whatever the overflow policy
        (``timeout`` per operation). Move the file aside before replaying if it is this
        client's own dead-letter file, since new failures are appended to it.
        """
        items: list[bytes] = []
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    op = record["operation"]
                    if not isinstance(op, dict):
                        raise TypeError("operation is not an object")
                    item = _serialize(op, "dead-letter operation")
                except (ValueError, KeyError, TypeError) as exc:
                    _log.warning("skipping dead-letter line %d: %s", number, exc)
                    continue
                if record.get("path") == _EVENTS_PATH:
                    item = _AnonymousEvent(item)
                items.append(item)
        if self._mode == "sync":
            ops = [i for i in items if type(i) is not _AnonymousEvent]
            singles = [i for i in items if type(i) is _AnonymousEvent]
            chunks = _chunks(ops, self._config.batch_size, self._config.max_batch_bytes)
            chunks.extend([single] for single in singles)
            failures: list[DeliveryError] = []
            for chunk in chunks:
                try:
                    self._pipeline.send_now(chunk)
                except DeliveryError as exc:
                    failures.append(exc)
            if failures:
                failed = [f for exc in failures for f in exc.failed]
                raise DeliveryError(
                    f"replay: {len(failed)} of {len(items)} operation(s) not delivered",
                    status=failures[-1].status,
                    reason=failures[-1].reason,
                    failed=failed,
                )
            return len(items)
        for item in items:
            self._pipeline.put_blocking(item, timeout)
        return len(items)


# --------------------------------------------------------------------------------------
# Singleton helper for generated code
# --------------------------------------------------------------------------------------

ClientT = TypeVar("ClientT", bound=BaseClient)

ENV_SITE_ID: Final = "CUSTOMERIO_SITE_ID"
ENV_API_KEY: Final = "CUSTOMERIO_TRACK_API_KEY"
ENV_REGION: Final = "CUSTOMERIO_REGION"


def _env_settings(
    environ: Mapping[str, str], given: Mapping[str, Any], default_region: str
) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    missing: list[str] = []
    for key, var in (("site_id", ENV_SITE_ID), ("api_key", ENV_API_KEY)):
        if given.get(key) is not None:
            continue
        value = environ.get(var, "").strip()
        if value:
            settings[key] = value
        else:
            missing.append(var)
    if missing:
        raise ConfigurationError(
            "the Customer.io client is not configured: environment variable"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} not set "
            "(or call configure(site_id=..., api_key=...))"
        )
    if given.get("region") is None:
        region = environ.get(ENV_REGION, "").strip() or default_region
        if region.lower() not in _REGIONS:
            raise ConfigurationError(f"{ENV_REGION}={region!r} is not a valid region; use us or eu")
        settings["region"] = region.lower()
    return settings


class Singleton(Generic[ClientT]):
    """A lazily built, process-wide client for generated module-level helpers.

    ``get()`` builds the client on first use from ``CUSTOMERIO_SITE_ID``,
    ``CUSTOMERIO_TRACK_API_KEY`` and ``CUSTOMERIO_REGION`` (us|eu; when unset,
    ``default_region``, which the generator takes from the taxonomy).
    ``configure(**kwargs)`` builds it explicitly (missing credentials still come from
    the environment); ``reset()`` closes and forgets it (tests).
    """

    def __init__(
        self,
        factory: Callable[..., ClientT],
        *,
        default_region: str = "us",
        environ: Mapping[str, str] | None = None,
    ) -> None:
        region_base_url(default_region)  # validate early: a typo fails at import
        self._factory = factory
        self._default_region = default_region.lower()
        self._environ = environ
        self._lock = threading.Lock()
        self._instance: ClientT | None = None
        _register_fork_reset(self)

    def _env(self) -> Mapping[str, str]:
        return self._environ if self._environ is not None else os.environ

    def get(self) -> ClientT:
        instance = self._instance
        if instance is not None:
            return instance
        with self._lock:
            if self._instance is None:
                self._instance = self._factory(
                    **_env_settings(self._env(), {}, self._default_region)
                )
            return self._instance

    def configure(self, **kwargs: Any) -> ClientT:
        """Build the client now with explicit arguments, replacing (and closing) any
        previous one."""
        given = {key: value for key, value in kwargs.items() if value is not None}
        settings = {**_env_settings(self._env(), given, self._default_region), **given}
        client = self._factory(**settings)
        with self._lock:
            old, self._instance = self._instance, client
        if old is not None:
            old.close(old.config.atexit_timeout)
        return client

    def reset(self, timeout: float | None = None) -> None:
        """Close and forget the current client; the next ``get()`` builds a new one."""
        with self._lock:
            old, self._instance = self._instance, None
        if old is not None:
            old.close(timeout)

    @property
    def configured(self) -> bool:
        return self._instance is not None

    def _reset_after_fork(self) -> None:
        self._lock = threading.Lock()
