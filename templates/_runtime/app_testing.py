"""`RecordingAppTransport`: an App API that answers in memory, for users' tests.

Pass it as ``AppClient(api_key, transport=RecordingAppTransport())`` (or
``configure_app(transport=...)``): every send and trigger is validated and encoded
exactly as for Customer.io, then recorded instead of sent. Script answers with
``push()`` to test how your code handles ``429``, ``5xx`` or a lost answer.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from .app_transport import AnswerLost, AppResponse, ConnectFailed
from .wire import _encode_any


@dataclass(frozen=True, slots=True)
class RecordedSend:
    """One request the App client made: route and decoded JSON body."""

    path: str
    body: dict[str, Any]

    @property
    def message_data(self) -> Any:
        """The ``message_data`` of a send (or the ``data`` of a broadcast trigger)."""
        return self.body.get("message_data", self.body.get("data"))


class RecordingAppTransport:
    """Records every request; answers ``200`` with a fresh delivery (or trigger) id.

    ``push(AppResponse(...))`` scripts the next answer; ``push(ConnectFailed(...))``
    or ``push(AnswerLost(...))`` scripts a network failure. Scripted answers are used
    in order, then the default answer resumes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._script: deque[AppResponse | ConnectFailed | AnswerLost] = deque()
        self._ids = itertools.count(1)
        self.sent: list[RecordedSend] = []
        """Requests Customer.io would have acted on (a scripted failure records nothing
        for ``ConnectFailed``, and records the request for ``AnswerLost``)."""
        self.attempts = 0

    def push(self, *answers: AppResponse | ConnectFailed | AnswerLost) -> None:
        """Answer the next sends with these, in order (a failure in the list is raised)."""
        with self._lock:
            self._script.extend(answers)

    def post(self, path: str, body: dict[str, Any]) -> AppResponse:
        """Record one App API request and answer it (what the App client calls)."""
        # A JSON round trip: what is recorded is what would be on the wire.
        decoded = json.loads(_encode_any(body))
        with self._lock:
            self.attempts += 1
            answer = self._script.popleft() if self._script else None
            if isinstance(answer, ConnectFailed):
                raise answer
            if answer is None or isinstance(answer, AnswerLost) or answer.status < 300:
                self.sent.append(RecordedSend(path, decoded))
            if isinstance(answer, AnswerLost):
                raise answer
            if answer is not None:
                return answer
            n = next(self._ids)
        if "/triggers" in path:
            return AppResponse(200, json.dumps({"id": n}).encode())
        return AppResponse(200, json.dumps({"delivery_id": f"test-{n}", "queued_at": 0}).encode())

    def close(self) -> None:
        """Nothing to release: the transport holds no connection."""
