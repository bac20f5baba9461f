"""Talking to the benchmark sink (``bench.sink``) from the benchmarks: start it, read and
reset its counters, wait for events, measure what it absorbs. Stdlib only (the
children in the peers' virtual environments use it)."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from typing import Any

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _request(url: str, method: str, path: str, timeout: float = 10.0) -> bytes:
    host_port = url.split("://", 1)[1]
    host, _, port = host_port.partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=b"" if method == "POST" else None)
        return conn.getresponse().read()
    finally:
        conn.close()


def stats(url: str) -> dict[str, Any]:
    """The sink's counters (``url`` is the plain-HTTP URL)."""
    result: dict[str, Any] = json.loads(_request(url, "GET", "/__stats"))
    return result


def reset(url: str) -> None:
    _request(url, "POST", "/__reset")


def wait_for_events(url: str, n: int, timeout: float) -> dict[str, Any]:
    """Poll until the sink has counted ``n`` events or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        s = stats(url)
        if s["events"] >= n or time.monotonic() >= deadline:
            return s
        time.sleep(delay)
        delay = min(delay * 2, 0.02)


def capacity(url: str, seconds: float = 1.0, max_requests: int = 5000) -> float:
    """Events/s the sink absorbs from one keep-alive connection (100-event v2 batches).

    Bounded by ``seconds`` and ``max_requests``; resets the counters afterwards."""
    event = {"type": "person", "identifiers": {"id": "user-42"}, "action": "event",
             "name": "item_viewed", "id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "timestamp": 1700000000,
             "attributes": {"item_id": "sku-12345", "price": 19.99, "quantity": 2,
                            "category": "books", "in_stock": True}}  # fmt: skip
    body = json.dumps({"batch": [event] * 100}).encode()
    host, _, port = url.split("://", 1)[1].partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    sent = 0
    t0 = time.perf_counter()
    try:
        while sent < max_requests and time.perf_counter() - t0 < seconds:
            conn.request("POST", "/api/v2/batch", body, {"Content-Type": "application/json"})
            conn.getresponse().read()
            sent += 1
    finally:
        conn.close()
    elapsed = time.perf_counter() - t0
    reset(url)
    return sent * 100 / elapsed


class SinkProcess:
    """Start ``bench.sink`` in its own process (context manager)."""

    def __init__(self, python: str | None = None, tls: bool = True, max_seconds: float = 7200.0):
        self.python = python or sys.executable
        self.tls = tls
        self.max_seconds = max_seconds
        self.proc: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> SinkProcess:
        cmd = [self.python, "-m", "bench.sink", "--max-seconds", str(self.max_seconds)]
        if self.tls:
            cmd.append("--tls")
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.kill()
            raise RuntimeError("sink did not start")
        self.info = json.loads(line)
        return self

    @property
    def url(self) -> str:
        return str(self.info["url"])

    @property
    def tls_url(self) -> str | None:
        return self.info.get("tls_url")

    @property
    def ca(self) -> str | None:
        return self.info.get("ca")

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait(timeout=10)
