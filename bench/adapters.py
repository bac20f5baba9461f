"""One adapter per contestant: how a user of that library sends the benchmark event.

Each adapter returns ``(call, flush, info)``: ``call()`` sends one event the way
a user would write it (a fresh properties dict each time), ``flush()`` pushes
everything out and blocks until the library says it is done, ``info`` holds
what the child reports besides timings (``queued``: a callable counting queued
events; ``client``: an object with ``stats()``). Adding a contestant is one
function here, one entry in ``ADAPTERS`` and its name in ``bench.contestants``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from bench.contestants import EVENT, USER_ID
from bench.floor import FloorClient

Adapter = tuple[Callable[[], Any], Callable[[], None], dict[str, Any]]


def _untyped_call(track: Callable[[str, str, dict[str, Any]], Any]) -> Callable[[], None]:
    """``track(user, name, {...})`` with the 5 properties of bench/fixtures/bench_taxonomy.yaml."""

    def call() -> None:
        track(
            USER_ID,
            EVENT,
            {
                "item_id": "sku-12345",
                "price": 19.99,
                "quantity": 2,
                "category": "books",
                "in_stock": True,
            },
        )

    return call


def floor(a: argparse.Namespace, paused: bool) -> Adapter:
    client = FloorClient(
        a.sink, "site", "key", batch_size=100, flush_interval=1.0, start=not paused
    )
    return (
        _untyped_call(client.track),
        lambda: client.flush(120.0),
        {"queued": lambda: len(client._q)},
    )


def _load_ciogen(a: argparse.Namespace) -> tuple[Any, Any]:
    import importlib

    if a.pkg_dir and a.pkg_dir not in sys.path:
        sys.path.insert(0, a.pkg_dir)
    mod = importlib.import_module(a.pkg)
    runtime = importlib.import_module(a.pkg + "._runtime")
    return mod, runtime


def ciogen_config(runtime: Any, n: int, paused: bool) -> Any:
    """The default ClientConfig, but with a queue that holds all ``n`` events (as for
    every contestant: nothing may be dropped) and, when ``paused``, a flush interval
    so long that only a full batch wakes the sender."""
    import dataclasses

    cfg_cls = runtime.ClientConfig
    names = (
        {f.name for f in dataclasses.fields(cfg_cls)}
        if dataclasses.is_dataclass(cfg_cls)
        else set()
    )
    kw: dict[str, Any] = {}
    if "max_queue_events" in names:
        kw["max_queue_events"] = max(n * 2, 10_000)
    if "max_queue_bytes" in names:
        kw["max_queue_bytes"] = max(n * 4096, 64 << 20)
    if paused and "flush_interval" in names:
        kw["flush_interval"] = 3600.0
    return cfg_cls(**kw)


class _ParkedTransport:
    """A ciogen ``Transport`` whose ``send`` parks the sender thread (bounded wait).

    Used for the sender-idle mode through the public ``transport=`` parameter: the
    first full batch leaves the queue and the sender blocks on it, so every later
    call only queues (``batch_size`` events are in flight, not queued)."""

    def __init__(self, runtime: Any, max_wait: float = 600.0) -> None:
        import threading

        self._runtime = runtime
        self._release = threading.Event()
        self._max_wait = max_wait
        self.parked = 0

    def send(self, method: str, path: str, body: bytes) -> Any:
        self.parked += 1
        self._release.wait(self._max_wait)
        return self._runtime.Response(200, {}, b"{}")

    def close(self) -> None:
        self._release.set()


def ciogen(a: argparse.Namespace, paused: bool) -> Adapter:
    mod, runtime = _load_ciogen(a)
    cfg = ciogen_config(runtime, a.n, paused)
    kwargs: dict[str, Any] = {"base_url": a.sink, "config": cfg}
    if paused:
        kwargs["transport"] = _ParkedTransport(runtime)
    client = mod.Client("site", "key", **kwargs)
    method = getattr(client, EVENT)

    def call() -> None:
        method(
            USER_ID, item_id="sku-12345", price=19.99, quantity=2, category="books", in_stock=True
        )

    def flush() -> None:
        client.flush(120.0)

    info: dict[str, Any] = {"client": client}
    pipeline = getattr(client, "_pipeline", None)
    if pipeline is not None and hasattr(pipeline, "_queue"):
        info["queued"] = lambda: len(pipeline._queue)
    return call, flush, info


def _segment_like(a: argparse.Namespace, paused: bool, analytics: Any) -> Adapter:
    # The module-level API (``analytics.track``) proxies to ``default_client``;
    # build that client ourselves so the queue holds every event (the default
    # 10,000 would drop events) and so the sender can be paused.
    analytics.write_key = "bench-write-key"
    analytics.host = a.sink
    analytics.max_queue_size = a.n + 1000
    client = analytics.Client("bench-write-key", host=a.sink, max_queue_size=a.n + 1000)
    analytics.default_client = client
    if paused:
        for consumer in client.consumers:
            consumer.pause()
        for consumer in client.consumers:
            consumer.join(5.0)  # returns within upload_interval (0.5 s)
            if consumer.is_alive():
                raise RuntimeError("consumer did not stop")
    return _untyped_call(analytics.track), client.flush, {"queued": client.queue.qsize}


def segment(a: argparse.Namespace, paused: bool) -> Adapter:
    import segment.analytics as analytics  # segment-analytics-python

    return _segment_like(a, paused, analytics)


def cdp(a: argparse.Namespace, paused: bool) -> Adapter:
    import customerio.analytics as analytics  # type: ignore[import-untyped]  # customerio-cdp-analytics

    return _segment_like(a, paused, analytics)


def customerio(a: argparse.Namespace, paused: bool) -> Adapter:
    from customerio import CustomerIO  # customerio==3.2.0

    if a.customerio_transport == "tls":
        if not a.tls_sink:
            raise RuntimeError("customerio needs the TLS sink (--tls-sink)")
        hostport = a.tls_sink.split("://", 1)[1]
        host, _, port = hostport.partition(":")
        client = CustomerIO("site", "key", host=host, port=int(port))
    else:
        client = CustomerIO("site", "key")
        client.base_url = a.sink.rstrip("/") + "/api/v1"  # patched after construction
    return _untyped_call(client.track), lambda: None, {"url": client.base_url}


ADAPTERS: dict[str, Callable[[argparse.Namespace, bool], Adapter]] = {
    "ciogen": ciogen,
    "floor": floor,
    "segment": segment,
    "cdp": cdp,
    "customerio": customerio,
}
