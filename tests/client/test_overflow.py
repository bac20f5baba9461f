"""Overflow policies: every operation that does not fit is counted and reported."""

from __future__ import annotations

import copy
import json
import pickle
import threading
import time
from types import ModuleType
from typing import Any

import pytest

from .conftest import Failures, GatedTransport


def held_client(rt: ModuleType, gated: GatedTransport, failures: Failures, **config: Any) -> Any:
    """A client whose sender is stuck in its first request and whose queue holds 5."""
    settings = {"batch_size": 1, "max_queue_events": 5, "flush_interval": 0.01, **config}
    client = rt.BaseClient(
        "s", "k", transport=gated, on_error=failures, config=rt.ClientConfig(**settings)
    )
    client._track("42", "in-flight", {}, None)
    assert gated.wait_entered()
    for i in range(5):
        client._track("42", "queued", {"i": i}, None)
    return client


def test_drop_newest(rt: ModuleType, gated: GatedTransport, failures: Failures) -> None:
    client = held_client(rt, gated, failures, overflow="drop")
    dropped_id = client._track("42", "overflow", {}, None)  # returns, does not raise
    assert client.stats().dropped == 1
    assert failures.calls == []  # drops are reported in groups, not one call each
    assert client.flush(0) is False  # the sender is still stuck, but flush reports them
    [failed] = failures.operations
    assert failed.id == dropped_id and failed.operation["name"] == "overflow"
    assert "queue full" in failed.reason and failed.status is None
    gated.release()
    assert client.flush(5)
    stats = client.stats()
    assert (stats.queued, stats.sent, stats.dropped, stats.pending) == (6, 6, 1, 0)
    assert "overflow" not in [op["name"] for op in gated.inner.operations()]
    client.close()


def test_raise(rt: ModuleType, gated: GatedTransport, failures: Failures) -> None:
    client = held_client(rt, gated, failures, overflow="raise")
    with pytest.raises(rt.QueueFullError, match="max_queue_events=5"):
        client._identify("42", {"a": 1}, None)
    assert client.stats().dropped == 1
    assert failures.operations[0].operation["action"] == "identify"
    gated.release()
    assert client.flush(5)
    client.close()


def test_block_until_room(rt: ModuleType, gated: GatedTransport, failures: Failures) -> None:
    client = held_client(rt, gated, failures, overflow="block", block_timeout=5.0)
    threading.Timer(0.2, gated.release).start()
    start = time.monotonic()
    client._track("42", "waited", {}, None)  # blocks until the sender makes room
    assert 0.15 <= time.monotonic() - start < 4
    assert client.flush(5)
    stats = client.stats()
    assert (stats.sent, stats.dropped) == (7, 0) and failures.calls == []
    client.close()


def test_block_times_out(rt: ModuleType, gated: GatedTransport, failures: Failures) -> None:
    client = held_client(rt, gated, failures, overflow="block", block_timeout=0.2)
    start = time.monotonic()
    with pytest.raises(rt.QueueFullError, match=r"after blocking 0\.2s"):
        client._track("42", "late", {}, None)
    assert time.monotonic() - start >= 0.19
    assert client.stats().dropped == 1 and failures.operations[0].operation["name"] == "late"
    gated.release()
    assert client.flush(5)
    client.close()


def test_byte_bound(rt: ModuleType, gated: GatedTransport, failures: Failures) -> None:
    config = rt.ClientConfig(
        batch_size=1,
        flush_interval=0.01,
        max_queue_events=1000,
        max_queue_bytes=265_536,  # the smallest allowed: room for 8 ops of 30 KB
    )
    client = rt.BaseClient("s", "k", transport=gated, on_error=failures, config=config)
    blob = {"blob": "x" * 30_000}
    client._track("42", "in-flight", blob, None)
    assert gated.wait_entered()
    for _ in range(10):
        client._track("42", "big", blob, None)
    assert client.stats().dropped == 2
    client.flush(0)
    assert len(failures.operations) == 2
    gated.release()
    assert client.flush(5)
    assert client.stats().sent == 9
    client.close()


def test_drops_are_logged_without_payloads(
    rt: ModuleType, gated: GatedTransport, failures: Failures, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger=rt.__name__)
    client = held_client(rt, gated, failures, overflow="drop")
    client._track("secret-person@example.com", "overflow", {"card": "4111"}, None)
    client.flush(0)
    assert "dropped" in caplog.text
    assert "secret-person" not in caplog.text and "4111" not in caplog.text
    gated.release()
    client.close(5)


def test_drops_are_reported_in_groups(
    rt: ModuleType, gated: GatedTransport, failures: Failures, tmp_path: Any
) -> None:
    """A dropped call costs no more than a queued one: one on_error call and one
    dead-letter write per group of 100, nothing decoded; the rest at the next flush."""
    dead = tmp_path / "dead.jsonl"
    settings = {"batch_size": 1, "max_queue_events": 5, "flush_interval": 0.01}
    client = rt.BaseClient(
        "s", "k", transport=gated, on_error=failures, dead_letter_path=dead,
        config=rt.ClientConfig(**settings),
    )  # fmt: skip
    client._track("42", "in-flight", {}, None)
    assert gated.wait_entered()
    for i in range(5):
        client._track("42", "queued", {"i": i}, None)
    ids = [client._track("42", "dropped", {"i": i}, None) for i in range(250)]
    assert [len(batch) for batch, _ in failures.calls] == [100, 100]
    assert all(f._operation is None for f in failures.operations)  # not decoded yet
    assert len(dead.read_text().splitlines()) == 200
    client.flush(0)
    assert [len(batch) for batch, _ in failures.calls] == [100, 100, 50]
    assert failures.ids == ids
    assert [json.loads(line)["operation"]["id"] for line in dead.read_text().splitlines()] == ids
    gated.release()
    client.close(5)


def test_a_drop_report_waits_at_most_a_second(
    rt: ModuleType, gated: GatedTransport, failures: Failures, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The oldest waiting drop is reported at the next drop once DEFER_AGE has passed
    (made 0 here, so no clock is involved)."""
    client = held_client(rt, gated, failures, overflow="drop")
    client._track("42", "first", {}, None)
    assert failures.calls == []
    monkeypatch.setattr(rt.reporting, "DEFER_AGE", 0.0)
    client._track("42", "second", {}, None)
    assert [f.operation["name"] for f in failures.operations] == ["first", "second"]
    gated.release()
    client.close(5)


def test_a_drop_report_is_an_ordinary_failed_operation(
    rt: ModuleType, gated: GatedTransport, failures: Failures
) -> None:
    """Drop reports are built cheaply (their reason, status and path come from their
    class), yet read, compare, copy and pickle like any other FailedOperation."""
    client = held_client(rt, gated, failures, overflow="drop")
    event_id = client._track("42", "dropped", {"n": 1}, None)
    client.flush(0)
    [failed] = failures.operations
    assert (failed.reason, failed.status, failed.path) == (
        "queue full: operation dropped",
        None,
        "/api/v2/batch",
    )
    assert failed.id == event_id and failed.operation["attributes"] == {"n": 1}
    for twin in (pickle.loads(pickle.dumps(failed)), copy.copy(failed)):
        assert type(twin) is rt.FailedOperation and twin == failed and twin.raw == failed.raw
    gated.release()
    client.close(5)
