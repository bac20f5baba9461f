"""The pure-Python floor: the least a batching Customer.io client can do.

The typed-call target is a ratio against this client measured in the same run,
so it must stay as lean as a hand-written client could be: no validation, no
retries beyond a reconnect, no byte limits. Stdlib only (it also runs in the
peers' virtual environments).
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # 10 bits -> 2 chars


def _ulid_factory(getrandbits: Callable[[int], int]) -> Callable[[int], str]:
    """A ULID generator: 48-bit ms time (prefix cached per ms) + 80 random bits, Crockford base32."""
    cache: list[Any] = [-1, ""]
    a, t = _CROCKFORD, _PAIRS

    def ulid(now_ns: int) -> str:
        ms = now_ns // 1_000_000
        if ms != cache[0]:
            cache[0] = ms
            cache[1] = (
                a[(ms >> 45) & 31]
                + t[(ms >> 35) & 1023]
                + t[(ms >> 25) & 1023]
                + t[(ms >> 15) & 1023]
                + t[(ms >> 5) & 1023]
                + a[ms & 31]
            )
        r = getrandbits(80)
        prefix: str = cache[1]
        return (
            prefix
            + t[r >> 70]
            + t[(r >> 60) & 1023]
            + t[(r >> 50) & 1023]
            + t[(r >> 40) & 1023]
            + t[(r >> 30) & 1023]
            + t[(r >> 20) & 1023]
            + t[(r >> 10) & 1023]
            + t[r & 1023]
        )

    return ulid


class FloorClient:
    """The least a batching client can do in pure Python (the benchmark's floor).

    Builds the Track API v2 person-event dict, a ULID-ish id (48-bit ms time +
    80 random bits, Crockford base32), ``json.dumps``, appends to a deque; a
    sender thread joins up to ``batch_size`` encoded events into one
    ``{"batch": [...]}`` body and POSTs it over a keep-alive connection.
    No validation, no retries beyond a reconnect, no byte limits.
    """

    def __init__(
        self,
        base_url: str,
        site_id: str,
        api_key: str,
        batch_size: int = 100,
        flush_interval: float = 1.0,
        start: bool = True,
    ) -> None:
        import base64
        import http.client
        import random
        import threading

        hostport = base_url.split("://", 1)[1].rstrip("/")
        host, _, port = hostport.partition(":")
        self._conn_args = (host, int(port or 80))
        self._http = http.client
        self._headers = {
            "Content-Type": "application/json",
            "Authorization": "Basic " + base64.b64encode(f"{site_id}:{api_key}".encode()).decode(),
        }
        self._q: deque[str] = deque()
        self._batch = batch_size
        self._interval = flush_interval
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._stop = False
        self._ulid = _ulid_factory(random.Random().getrandbits)
        self._dumps = json.JSONEncoder(separators=(",", ":")).encode
        self._thread = threading.Thread(target=self._run, name="floor-sender", daemon=True)
        self.sent = 0
        if start:
            self._thread.start()

    def start(self) -> None:
        self._thread.start()

    def track(self, user_id: str, name: str, attributes: dict[str, Any]) -> None:
        now_ns = time.time_ns()
        q = self._q
        q.append(
            self._dumps(
                {
                    "type": "person",
                    "identifiers": {"id": user_id},
                    "action": "event",
                    "name": name,
                    "id": self._ulid(now_ns),
                    "timestamp": now_ns // 1_000_000_000,
                    "attributes": attributes,
                }
            )
        )
        if len(q) == self._batch:
            self._wake.set()

    def _run(self) -> None:
        conn = None
        q = self._q
        while not self._stop:
            if len(q) < self._batch:
                self._idle.set()
                self._wake.wait(self._interval)
                self._wake.clear()
            while q:
                self._idle.clear()
                conn = self._post(conn, self._take_batch())
        if conn is not None:
            conn.close()

    def _take_batch(self) -> list[str]:
        items = []
        try:
            for _ in range(self._batch):
                items.append(self._q.popleft())
        except IndexError:
            pass
        return items

    def _post(self, conn: Any, items: list[str]) -> Any:
        """POST one batch (up to 3 attempts, reconnecting); returns the connection to reuse."""
        body = ('{"batch":[' + ",".join(items) + "]}").encode()
        for _attempt in range(3):
            try:
                if conn is None:
                    conn = self._http.HTTPConnection(*self._conn_args, timeout=10)
                conn.request("POST", "/api/v2/batch", body, self._headers)
                resp = conn.getresponse()
                resp.read()
                if resp.status < 300:
                    self.sent += len(items)
                    break
            except OSError:
                if conn is not None:
                    conn.close()
                conn = None
        return conn

    def flush(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        self._idle.clear()
        self._wake.set()
        while (self._q or not self._idle.is_set()) and time.monotonic() < deadline:
            self._wake.set()
            self._idle.wait(0.01)

    def close(self) -> None:
        self.flush()
        self._stop = True
        self._wake.set()
