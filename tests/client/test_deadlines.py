"""Deadlines are deadlines: what a timeout leaves over is reported without decoding it.

``close(timeout)``, ``flush(timeout)`` and the exit flush must return within their
timeout plus a small constant whatever the queue length, so nothing proportional to
the queue may run after the deadline except copying bytes. These tests prove the
mechanism (no JSON decode happens while reporting; the dead-letter file holds the
queued bytes verbatim); ``bench/lifecycle.py`` measures the times at 1k-100k pending.
The time bounds asserted here only guard against a hang.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import Failures


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A loopback listener that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    listener.close()


def _client(rt: ModuleType, url: str, **kwargs: Any) -> Any:
    config = rt.ClientConfig(
        flush_interval=60.0, timeout=30.0, max_queue_events=20_000, max_queue_bytes=16 << 20
    )
    return rt.BaseClient("site", "key", base_url=url, config=config, **kwargs)


def test_close_reports_ten_thousand_leftovers_without_decoding_one(
    rt: ModuleType,
    silent_url: str,
    failures: Failures,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dead = tmp_path / "dead.jsonl"
    client = _client(rt, silent_url, on_error=failures, dead_letter_path=dead)
    queued = [client._track(f"p{i}", "e", {"i": i, "text": "é"}, None) for i in range(10_000)]
    decoded: list[bytes] = []
    real_decode = rt.values._decode
    monkeypatch.setattr(rt.values, "_decode", lambda raw: decoded.append(raw) or real_decode(raw))
    start = time.monotonic()
    client.close(timeout=0.3)
    elapsed = time.monotonic() - start
    assert decoded == []  # nothing decoded: the report is built from the bytes
    assert elapsed < 0.3 + 5  # a hang guard only; bench/lifecycle.py measures
    assert sum(len(batch) for batch, _ in failures.calls) == 10_000
    lines = dead.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["operation"]["id"] for line in lines] == queued
    first = json.loads(lines[0])
    assert first["operation"]["attributes"] == {"i": 0, "text": "é"}
    assert first["status"] is None and "timed out after 0.3s" in first["reason"]
    # Reading a report decodes it then, in the reader's thread, once.
    [failed] = [f for f in failures.operations if f.id == queued[-1]]
    assert failed.operation["identifiers"] == {"id": "p9999"} and len(decoded) >= 1
    assert json.loads(failed.raw) == failed.operation


def test_flush_timeout_returns_with_everything_pending(rt: ModuleType, silent_url: str) -> None:
    client = _client(rt, silent_url)
    for i in range(5_000):
        client._track("42", "e", {"i": i}, None)
    start = time.monotonic()
    assert client.flush(timeout=0.2) is False
    assert time.monotonic() - start < 0.2 + 5
    assert client.stats().pending == 5_000
    client.close(0)
    assert client.stats().pending == 0


def test_failed_operation_is_read_only_and_compares_by_value(rt: ModuleType) -> None:
    raw = b'{"type":"person","identifiers":{"id":"1"},"action":"event","name":"e","id":"X"}'
    lazy = rt.FailedOperation._of(raw, "why", 503, "/api/v2/batch")
    eager = rt.FailedOperation(json.loads(raw), "why", 503)
    assert lazy == eager and lazy.id == "X" and lazy.raw == raw
    with pytest.raises(AttributeError):
        lazy.reason = "other"
    assert "reason='why'" in repr(lazy)
    with pytest.raises(TypeError):
        rt.FailedOperation(None, "why")


def test_exit_flush_keeps_its_deadline_and_reports_the_rest(
    rt: ModuleType, silent_url: str, tmp_path: Path
) -> None:
    dead = tmp_path / "dead.jsonl"
    code = textwrap.dedent(
        f"""
        import importlib.util, json, sys, time
        spec = importlib.util.spec_from_file_location(
            "rt", {str(Path(rt.__file__))!r}, submodule_search_locations=[{str(Path(rt.__file__).parent)!r}])
        rt = importlib.util.module_from_spec(spec); sys.modules["rt"] = rt; spec.loader.exec_module(rt)
        config = rt.ClientConfig(flush_interval=60.0, timeout=30.0, atexit_timeout=0.3,
                                 max_queue_events=20_000, max_queue_bytes=16 << 20)
        client = rt.BaseClient("site", "key", base_url={silent_url!r}, config=config,
                               dead_letter_path={str(dead)!r})
        ids = [client._track("42", "e", {{"i": i}}, None) for i in range(10_000)]
        print(json.dumps(ids), flush=True)
        """
    )
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - start < 0.3 + 10  # a hang guard (interpreter start included)
    ids = json.loads(done.stdout)
    lines = dead.read_text().splitlines()
    assert sorted(json.loads(line)["operation"]["id"] for line in lines) == sorted(ids)


class _SlowTransport:
    """A recording transport that takes ``delay`` seconds per request: a Track API that
    keeps up with part of the queue while ``close()`` runs out of time."""

    def __init__(self, rt: ModuleType, delay: float) -> None:
        self.inner = rt.RecordingTransport()
        self.delay = delay

    def send(self, method: str, path: str, body: bytes) -> Any:
        time.sleep(self.delay)
        return self.inner.send(method, path, body)

    def close(self) -> None:
        pass


def test_reports_built_before_the_deadline_cover_exactly_what_is_left(
    rt: ModuleType, failures: Failures, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reports of a deadline are built in its last stretch (the reserve, made large
    here) while the sender keeps delivering: what is reported is the tail of the queue
    that was not delivered by the deadline, each operation once, and nothing is lost."""
    monkeypatch.setattr(rt.leftovers, "RESERVE_PER_OPERATION", 2e-4)  # 0.4 s for 2,000
    transport = _SlowTransport(rt, 0.02)
    dead = tmp_path / "dead.jsonl"
    config = rt.ClientConfig(batch_size=20, flush_interval=60.0, max_queue_events=5_000)
    client = rt.BaseClient(
        "s", "k", transport=transport, config=config, on_error=failures, dead_letter_path=dead
    )
    ids = [client._track("42", "e", {"i": i}, None) for i in range(2_000)]
    start = time.monotonic()
    client.close(timeout=0.8)
    assert time.monotonic() - start < 0.8 + 5  # a hang guard only
    delivered = [op["id"] for op in transport.inner.operations()]
    reported = [json.loads(line)["operation"]["id"] for line in dead.read_text().splitlines()]
    assert failures.ids == reported  # on_error and the file saw the same operations
    assert len(delivered) >= 3 * 20  # batches arrived while the reports were built
    assert reported == ids[len(ids) - len(reported) :]  # a tail, each once, in order
    # Nothing lost; only the batch in flight at the deadline may be in both.
    assert set(delivered) | set(reported) == set(ids)
    assert len(set(delivered) & set(reported)) <= 20
    stats = client.stats()
    assert stats.failed == len(reported) and stats.pending == 0
