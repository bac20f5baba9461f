"""Public value types: a person's identifiers, a failed operation, delivery counters."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final, Literal

from .errors import IdentifierError
from .limits import MAX_IDENTIFIER_BYTES
from .record import Record

_BATCH_PATH: Final = "/api/v2/batch"
_EVENTS_PATH: Final = "/api/v1/events"
# The identifier kinds of the Track API (customerio.constants ID, EMAIL, CIOID),
# spelled out: importing customerio pulls in requests and urllib3 (~0.3 s) for three
# strings. tests/client/test_no_customerio.py checks they still agree.
_KINDS: Final[dict[str, str]] = {"id": "id", "email": "email", "cio_id": "cio_id"}


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


class FailedOperation:
    """One operation that will not be delivered, as given to ``on_error``.

    ``operation`` is the decoded JSON that was (or would have been) sent: a v2 batch
    operation, or for anonymous events the body of ``POST /api/v1/events``. It is
    decoded on first access, not when the failure is recorded: reports are built at
    deadlines (``close(timeout)``, exit) and on the overflow path, which must stay
    cheap whatever the queue length. ``raw`` holds the exact bytes that were queued.
    Read-only, like the frozen dataclass it replaces.
    """

    __slots__ = ("_operation", "_path", "_raw", "_reason", "_status")

    def __init__(
        self,
        operation: dict[str, Any] | None,
        reason: str,
        status: int | None = None,
        path: str = _BATCH_PATH,
        *,
        raw: bytes | None = None,
    ) -> None:
        if operation is None and raw is None:
            raise TypeError("FailedOperation needs the operation or its raw bytes")
        self._operation = operation
        self._raw = bytes(raw) if raw is not None else b""
        self._reason = reason
        self._status = status
        self._path = path

    @classmethod
    def _of(cls, raw: bytes, reason: str, status: int | None, path: str) -> FailedOperation:
        """The cheap constructor the runtime uses: keeps the bytes, decodes nothing."""
        failed = cls.__new__(cls)
        failed._operation = None
        failed._raw = raw
        failed._reason = reason
        failed._status = status
        failed._path = path
        return failed

    @property
    def operation(self) -> dict[str, Any]:
        """The operation as a dict, in the v2 batch shape (decoded on first access)."""
        value = self._operation
        if value is None:
            value = self._operation = _decode(self._raw)
        return value

    @property
    def raw(self) -> bytes:
        """The operation's JSON exactly as it was queued (empty if built from a dict)."""
        return self._raw

    @property
    def reason(self) -> str:
        """Why it was not delivered, e.g. ``rejected by the Track API (HTTP 400): ...``."""
        return self._reason

    @property
    def status(self) -> int | None:
        """The HTTP status, or None when no response came back."""
        return self._status

    @property
    def path(self) -> str:
        """The endpoint: ``/api/v2/batch``, or ``/api/v1/events`` for anonymous events."""
        return self._path

    @property
    def id(self) -> str | None:
        """The event's ULID, if the operation is an event (useful for replay/dedupe)."""
        value = self.operation.get("id")
        return value if isinstance(value, str) else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FailedOperation):
            return NotImplemented
        return (self.operation, self.reason, self.status, self.path) == (
            other.operation,
            other.reason,
            other.status,
            other.path,
        )

    __hash__ = None  # type: ignore[assignment]  # holds a dict, like the dataclass did

    def __repr__(self) -> str:
        return (
            f"FailedOperation(operation={self.operation!r}, reason={self.reason!r}, "
            f"status={self.status!r}, path={self.path!r})"
        )


DROPPED: Final = "queue full: operation dropped"
"""The reason of a drop under ``overflow="drop"``."""


class _Dropped(FailedOperation):
    """The report of a dropped batch operation. Its reason, status and path are the
    class's, so building one sets only the bytes: drops are reported from the call
    path, where a report must cost less than the queueing it replaces. Pickled and
    copied as a plain :class:`FailedOperation`."""

    __slots__ = ()
    _reason = DROPPED
    _status = None
    _path = _BATCH_PATH

    def __reduce__(self) -> tuple[Any, ...]:
        return (FailedOperation._of, (self._raw, self._reason, self._status, self._path))


def _decode(item: bytes) -> dict[str, Any]:
    try:
        value = json.loads(item)
    except ValueError:
        return {"_undecodable": item.decode("utf-8", "replace")}
    return value if isinstance(value, dict) else {"_value": value}


ErrorCallback = Callable[[list[FailedOperation], str], None]
"""``on_error(failed, reason)``: called with the operations that failed for good and a
one-line summary. It runs in the sender thread (drops: the reporting thread, or the
thread calling flush()/close(); synchronous mode: the caller's thread); exceptions
it raises are logged and swallowed. For a group of drops, ``failed`` builds its report
objects on first use (``len()`` builds none): see ``drop_reports``."""


class Stats(Record):
    """Counters since the client was created (or since fork, in a child process).

    All counts are operations, not requests (except ``requests``). ``retried`` counts
    an operation once per re-send. Invariant: ``queued == sent + failed + pending``;
    ``dropped`` operations were never queued.
    """

    __match_args__ = ("queued", "sent", "retried", "failed", "dropped", "pending", "requests")
    _FIELDS = __match_args__
    __slots__ = _FIELDS
    queued: int
    sent: int
    retried: int
    failed: int
    dropped: int
    pending: int
    requests: int

    def __init__(
        self,
        queued: int,
        sent: int,
        retried: int,
        failed: int,
        dropped: int,
        pending: int,
        requests: int,
    ) -> None:
        _set = object.__setattr__
        _set(self, "queued", queued)
        _set(self, "sent", sent)
        _set(self, "retried", retried)
        _set(self, "failed", failed)
        _set(self, "dropped", dropped)
        _set(self, "pending", pending)
        _set(self, "requests", requests)


class Person(Record):
    """Who an operation is about: ``Person.id("42")``, ``Person.email(...)``,
    ``Person.cio_id(...)``. A plain ``str`` passed where a person is expected means
    ``Person.id(that)``.

    The value is checked on construction so an invalid identifier fails where it was
    written, not in the background thread.
    """

    __match_args__ = ("kind", "value")
    _FIELDS = __match_args__
    __slots__ = _FIELDS
    kind: Literal["id", "email", "cio_id"]
    value: str

    def __init__(self, kind: Literal["id", "email", "cio_id"], value: str) -> None:
        if kind not in _KINDS:
            raise IdentifierError(f"Person kind must be one of {sorted(_KINDS)}, got {kind!r}")
        _check_identifier(value, f"Person.{kind}")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "value", value)

    @classmethod
    def id(cls, value: str) -> Person:
        """The person whose ``id`` is ``value`` (what a plain ``str`` means)."""
        return cls("id", value)

    @classmethod
    def email(cls, value: str) -> Person:
        """The person whose ``email`` is ``value``."""
        return cls("email", value)

    @classmethod
    def cio_id(cls, value: str) -> Person:
        """The person whose Customer.io id (``cio_id``) is ``value``."""
        return cls("cio_id", value)

    def identifiers(self) -> dict[str, str]:
        """The wire form, e.g. ``{"email": "a@example.com"}``."""
        return {self.kind: self.value}
