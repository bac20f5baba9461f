"""`RecordingTransport`: answers every request locally and records it, for tests."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.
from .errors import TransportError
from .hooks import _register_fork_reset
from .record import Record
from .transport import Response
from .values import _BATCH_PATH, _EVENTS_PATH


class RecordedRequest(Record):
    """A request seen by :class:`RecordingTransport`; ``body`` is the decoded JSON."""

    __match_args__ = ("method", "path", "body", "raw")
    _FIELDS = __match_args__
    __slots__ = _FIELDS
    method: str
    path: str
    body: Any
    raw: bytes

    def __init__(self, method: str, path: str, body: Any, raw: bytes) -> None:
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "raw", raw)

    @property
    def operations(self) -> list[dict[str, Any]]:
        """The operations carried, each in the v2 batch operation shape.

        A batch's ops as sent. An anonymous event travels alone to the v1
        events endpoint (the v2 batch cannot carry one) as
        ``{anonymous_id, name, id, timestamp, data}``; it is shown here as the
        operation it stands for, ``{"type": "person", "identifiers":
        {"anonymous_id": ...}, "action": "event", "name", "id", "timestamp",
        "attributes": data}``, so tests read every event the same way. The
        request as sent stays in ``body`` and ``raw``.
        """
        if self.path.endswith(_BATCH_PATH) and isinstance(self.body, dict):
            ops = self.body.get("batch")
            return list(ops) if isinstance(ops, list) else []
        if not isinstance(self.body, dict):
            return []
        if self.path.endswith(_EVENTS_PATH) and "anonymous_id" in self.body:
            return [_as_operation(self.body)]
        return [self.body]


def _as_operation(body: dict[str, Any]) -> dict[str, Any]:
    """A v1 anonymous event body as the v2 operation it stands for."""
    op: dict[str, Any] = {
        "type": "person",
        "identifiers": {"anonymous_id": body["anonymous_id"]},
        "action": "event",
    }
    for key in ("name", "id", "timestamp"):
        if key in body:
            op[key] = body[key]
    op["attributes"] = body.get("data", {})
    return op


class RecordingTransport:
    """An in-memory transport for your unit tests: nothing leaves the process.

    Every request is recorded (retries included, in order). Responses come from the
    script (``respond_with``; a :class:`TransportError` in the script is raised), then
    from ``responder`` if given, else ``200 {}``. Thread-safe.

    With the generated package's ``Client`` (one typed method per event, here a
    taxonomy's ``signed_up``)::

        transport = RecordingTransport()
        client = Client("site", "key", transport=transport, mode="sync")
        client.signed_up("42", method="email")
        assert transport.operations()[0]["name"] == "signed_up"

    Every operation has one shape, the v2 batch operation's: ``type``,
    ``identifiers`` (``{"id": "42"}``, or ``{"anonymous_id": ...}`` for an
    anonymous event), ``action`` (``"event"``, ``"identify"``, ...), ``name``,
    ``id``, ``timestamp`` and ``attributes`` (the event data or the person's
    attributes).
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
        """Answer the next requests with these, in order (a ``TransportError`` is raised)."""
        with self._lock:
            self._script.extend(responses)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request made so far, retries included, in order."""
        with self._lock:
            return list(self._requests)

    def operations(self) -> list[dict[str, Any]]:
        """Every operation sent, flattened in send order (a retried one appears again)."""
        return [op for request in self.requests for op in request.operations]

    def clear(self) -> None:
        """Forget the recorded requests and any scripted responses not used yet."""
        with self._lock:
            self._requests.clear()
            self._script.clear()

    def send(self, method: str, path: str, body: bytes) -> Response:
        """Record one request and answer it (the ``Transport`` protocol the client calls)."""
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
        """Mark the transport closed (the client closes it in ``close()``)."""
        self.closed = True

    def _reset_after_fork(self) -> None:
        self._lock = threading.Lock()
