"""Dropped vs queued vs delivered calls, for ``bench.lifecycle``: what a dropped
operation costs beside one that is queued and delivered (see that module's docstring
for the method and the target)."""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import threading
import time
from types import ModuleType
from typing import Any


def fill(client: Any, n: int) -> None:
    track = client._track
    for i in range(n):
        track("person-42", "order_completed", {"order": i, "total": 12.5}, None)


class _Stuck:
    """A transport whose requests never return (until released): the queue only grows."""

    def __init__(self, error: type[Exception]) -> None:
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.error = error

    def send(self, method: str, path: str, body: bytes) -> Any:
        self.entered.set()
        self.gate.wait(120)
        raise self.error("released")

    def close(self) -> None:
        self.gate.set()


CLOCKS = ("", "_cpu", "_process", "_total", "_total_process")
"""Suffixes of the clocks. During the calls only: wall time, the calling thread's CPU
time, the process's CPU time. For the whole operation, from the first call until
``flush()`` returns: wall time and the process's CPU time (``_total``), which for a
queued call include its delivery (the sender's JSON and HTTPS to a loopback server)
and for a dropped one its report (the reporting thread's dead-letter lines and
``on_error``)."""


def _one_run(
    rt: ModuleType, kind: str, calls: int, sink: tuple[str, str | None], kwargs: dict[str, Any]
) -> dict[str, float]:
    """One repetition of ``calls`` calls of one kind: µs per call on every clock.

    ``queued``: the queue has room and the sender is stuck in a request (nothing is
    sent; its whole-operation clocks are not used). ``dropped``: the same, with the
    queue full. ``delivered``: the queue has room and the sender delivers to the
    loopback server ``sink`` (url, CA file): what a queued call really costs."""
    room = calls + 1_000 if kind != "dropped" else 1_000
    config = rt.ClientConfig(
        max_queue_events=room,
        max_queue_bytes=64 * 1024 * 1024,
        flush_interval=60.0,
        ca_bundle=sink[1],
    )
    transport = None if kind == "delivered" else _Stuck(rt.TransportError)
    target: dict[str, Any] = (
        {"base_url": sink[0]} if transport is None else {"transport": transport}
    )
    client = rt.BaseClient("s", "k", config=config, **target, **kwargs)
    fill(client, 100)  # a full batch: the sender takes it (and, stuck, never comes back)
    if transport is None:
        if not client.flush(30):  # and the connection is open before the clock starts
            raise RuntimeError("the loopback server did not take the warm-up batch")
    elif not transport.entered.wait(10):
        raise RuntimeError("the sender never started")
    fill(client, 1_000 if kind == "dropped" else 0)  # a full queue to drop into
    track = client._track
    start, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
    for i in range(calls):
        track("person-42", "order_completed", {"order": i, "total": 12.5}, None)
    ended, ended_cpu, ended_process = time.perf_counter(), time.thread_time(), time.process_time()
    # Delivered: everything sent. Dropped: every drop reported (the sender is stuck).
    if kind != "queued" and client.flush(60 if kind == "delivered" else 0) is not (
        kind == "delivered"
    ):
        raise RuntimeError(f"flush() after {kind} calls did not end as expected")
    total, total_process = time.perf_counter(), time.process_time()
    stats = client.stats()
    if kind == "dropped" and stats.dropped != calls:
        raise RuntimeError(f"expected {calls} drops, got {stats.dropped}")
    if kind == "delivered" and (stats.sent, stats.dropped) != (calls + 100, 0):
        raise RuntimeError(f"expected {calls + 100} operations sent, got {stats}")
    if transport is not None:
        transport.gate.set()
    client.close(0)
    per = 1e6 / calls
    return {
        "": (ended - start) * per,
        "_cpu": (ended_cpu - cpu) * per,
        "_process": (ended_process - process) * per,
        "_total": (total - start) * per,
        "_total_process": (total_process - process) * per,
    }


def call_costs(
    rt: ModuleType, calls: int, reps: int, reporting: bool, sink: tuple[str, str | None]
) -> dict[str, list[float]]:
    """Microseconds per call, queued, delivered and dropped, in interleaved repetitions
    of one process (the order turns each repetition)."""
    kinds = ("queued", "delivered", "dropped")
    out: dict[str, list[float]] = {k + c: [] for c in CLOCKS for k in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(reps):
            for kind in kinds[rep % 3 :] + kinds[: rep % 3]:
                kwargs: dict[str, Any] = {}
                if reporting:
                    kwargs["on_error"] = lambda failed, reason: None
                    kwargs["dead_letter_path"] = os.path.join(tmp, f"dead-{rep}-{kind}.jsonl")
                for clock, value in _one_run(rt, kind, calls, sink, kwargs).items():
                    out[kind + clock].append(value)
                if reporting:  # what later repetitions write must not wait behind it
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(kwargs["dead_letter_path"])
    return out


def summarize(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def cost_summary(costs: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Each clock's medians, and ``ratio<clock>``: the dropped / queued ratio of each
    repetition (the two runs next to each other in time), summarised the same way."""
    summary = {k: summarize(v) for k, v in costs.items()}
    for clock in CLOCKS:
        # During the calls, a drop is compared with queueing; for the whole operation,
        # with queueing and delivering.
        peer = "delivered" if clock.startswith("_total") else "queued"
        pairs = zip(costs["dropped" + clock], costs[peer + clock], strict=True)
        summary["ratio" + clock] = summarize([d / q for d, q in pairs])
    return summary
