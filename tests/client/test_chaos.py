"""Chaos: every fault the network can throw, at a 20% rate, under concurrent callers.

The contract under test: every event is delivered, each carries the id it was given at
call time, and the only duplicates the API ever sees are redeliveries of the same id
(which Customer.io drops), so at-least-once + ULID = effectively once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Failures
from .track_server import ALL_FAULTS, Scripted, TrackServer

THREADS = 4
PER_THREAD = 250


@pytest.mark.parametrize("seed", [1, 2])
def test_chaos_every_event_delivered_once_by_id(
    make_client: Callable[..., Any], server: TrackServer, failures: Failures, seed: int
) -> None:
    server.rng.seed(seed)
    server.fault_rate = 0.2
    server.faults = ALL_FAULTS
    server.slow_seconds = 0.6  # the client's timeout is 0.4 s
    # Each kind once up front (so every kind surely happens), then 20% at random.
    server.push(*(Scripted(fault=kind) for kind in ALL_FAULTS))
    client = make_client(
        on_error=failures,
        config={"batch_size": 25, "max_attempts": 15, "flush_interval": 0.02},
    )
    ids: list[list[str]] = [[] for _ in range(THREADS)]
    start = threading.Barrier(THREADS)

    def produce(slot: int) -> None:
        start.wait(5)
        for i in range(PER_THREAD):
            if i % 10 == 9:  # some anonymous events: v1, one request each
                ids[slot].append(client._track_anonymous(f"anon-{slot}", "chaos", {"i": i}, None))
            else:
                ids[slot].append(client._track(f"user-{slot}", "chaos", {"i": i}, None))

    threads = [threading.Thread(target=produce, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert client.flush(45), client.stats()

    sent = {event_id for chunk in ids for event_id in chunk}
    assert len(sent) == THREADS * PER_THREAD  # ULIDs are unique
    assert failures.calls == []
    assert server.delivered_ids() == sent  # everything arrived, nothing unknown
    assert server.events_without_id == 0
    duplicates = {i: n for i, n in server.event_ids.items() if n > 1}
    stats = client.stats()
    # Let late "slow" handlers finish: then the server has logged every request made.
    assert server.wait_for(lambda s: len(s.requests) >= stats.requests, 3)
    assert {r.fault for r in server.requests} >= set(ALL_FAULTS)
    # Redeliveries happen only where the server processed a request whose answer the
    # client never got; they carry the original id, so Customer.io drops them.
    unanswered = sum(r.n_ops for r in server.requests if r.fault in ("slow", "drop-after-process"))
    assert 0 < sum(n - 1 for n in duplicates.values()) <= unanswered
    assert len(server.requests) == stats.requests

    assert stats.queued == stats.sent == THREADS * PER_THREAD
    assert (stats.failed, stats.dropped, stats.pending) == (0, 0, 0)
    assert stats.retried > 0
    assert stats.requests >= len([r for r in server.requests if r.status == 200])
