"""Public value types: a person's identifiers, a failed operation, delivery counters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

from .errors import IdentifierError
from .limits import MAX_IDENTIFIER_BYTES

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
