"""Client throughput benchmark: ciogen's generated client against its peers.

Contestants (each measured in a fresh child process that prints one JSON line;
the peers run inside their own virtual environments under ``bench/.venvs``):

* ``ciogen``      the generated client: ``client.item_viewed(user, item_id=..., ...)``
                  (typed call, run-time validation included)
* ``floor``       pure-Python floor: build the v2 dict, ULID-ish id, ``json.dumps``,
                  ``deque.append``; a sender thread POSTs batches over one
                  keep-alive ``http.client`` connection
* ``segment``     segment-analytics-python ``analytics.track`` (module-level API)
* ``cdp``         customerio-cdp-analytics ``customerio.analytics.track``
* ``customerio``  customerio ``CustomerIO.track``: one HTTPS request per event,
                  sent synchronously (its URL builder is https-only, so the sink
                  also listens with TLS on a throw-away certificate trusted
                  through ``REQUESTS_CA_BUNDLE``; ``--customerio-transport http``
                  patches ``base_url`` to plain http instead)

Modes (one child each):

* ``idle``     sender paused (thread stopped / never started): caller cost per
               call, per-call latency, RSS delta and peak RSS with N events queued
* ``running``  sender running with the library's defaults (queues sized so
               nothing is dropped): caller cost, per-call latency, and delivered
               events/s = N / (last event received by the sink - first call)
* ``tracemalloc``  like ``idle`` under tracemalloc: Python-heap bytes per queued event

Run alone: ``python -m bench.client [--quick]``; ``python -m bench.run`` runs it
with the generator benchmark and rewrites BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from array import array
from collections import deque
from collections.abc import Callable
from typing import Any

if __package__:
    from . import sink as _sink
else:  # run as a script (the peers' venvs): bench/ is sys.path[0]
    import sink as _sink  # type: ignore[no-redef,import-not-found]

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)

USER_ID = "user-42"
EVENT = "item_viewed"
# The small 5-property event of bench/fixtures/bench_taxonomy.yaml.
PROPS = {
    "item_id": "sku-12345",
    "price": 19.99,
    "quantity": 2,
    "category": "books",
    "in_stock": True,
}

# (call, flush, info): see "adapters" below
Adapter = tuple[Callable[[], Any], Callable[[], None], dict[str, Any]]

IMPLS = ("ciogen", "floor", "segment", "cdp", "customerio")
PEERS = ("segment", "cdp", "customerio")
QUEUED_IMPLS = ("ciogen", "floor", "segment", "cdp")  # the ones with a queue + sender


# =========================================================================== the floor


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
                items = []
                try:
                    for _ in range(self._batch):
                        items.append(q.popleft())
                except IndexError:
                    pass
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
        if conn is not None:
            conn.close()

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


# =========================================================================== adapters
#
# Each adapter returns (call, flush, info): ``call()`` sends one event the way a
# user would write it (a fresh properties dict each time), ``flush()`` pushes
# everything out and blocks until the library says it is done.


def _adapter_floor(a: argparse.Namespace, paused: bool) -> Adapter:
    client = FloorClient(
        a.sink, "site", "key", batch_size=100, flush_interval=1.0, start=not paused
    )
    track = client.track

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

    return call, lambda: client.flush(120.0), {"queued": lambda: len(client._q)}


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


def _adapter_ciogen(a: argparse.Namespace, paused: bool) -> Adapter:
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


def _adapter_segment_like(a: argparse.Namespace, paused: bool, cdp: bool) -> Adapter:
    if cdp:
        # customerio-cdp-analytics (untyped)
        import customerio.analytics as analytics  # type: ignore[import-untyped]
    else:
        import segment.analytics as analytics  # segment-analytics-python
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
    track = analytics.track

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

    return call, client.flush, {"queued": client.queue.qsize}


def _adapter_customerio(a: argparse.Namespace, paused: bool) -> Adapter:
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
    track = client.track

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

    return call, lambda: None, {"url": client.base_url}


def make_adapter(a: argparse.Namespace, paused: bool) -> Adapter:
    if a.impl == "floor":
        return _adapter_floor(a, paused)
    if a.impl == "ciogen":
        return _adapter_ciogen(a, paused)
    if a.impl == "segment":
        return _adapter_segment_like(a, paused, cdp=False)
    if a.impl == "cdp":
        return _adapter_segment_like(a, paused, cdp=True)
    if a.impl == "customerio":
        return _adapter_customerio(a, paused)
    raise SystemExit(f"unknown impl {a.impl}")


# =========================================================================== child


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _timed_loop(call: Callable[[], Any], n: int) -> tuple[float, array[int]]:
    """Run ``call`` n times; returns (monotonic start, perf_counter_ns stamps[n+1])."""
    ts = array("q", bytes(8 * (n + 1)))
    pc = time.perf_counter_ns
    t0 = time.monotonic()
    for i in range(n):
        ts[i] = pc()
        call()
    ts[n] = pc()
    return t0, ts


def _latency_summary(ts: array[int], n: int) -> dict[str, float]:
    lat = sorted(ts[i + 1] - ts[i] for i in range(n))
    return {
        "us_per_call": (ts[n] - ts[0]) / n / 1000.0,
        "p50_us": lat[n // 2] / 1000.0,
        "p99_us": lat[min(n - 1, (n * 99) // 100)] / 1000.0,
        "max_ms": lat[-1] / 1e6,
        "calls_over_1ms": n - bisect.bisect_right(lat, 1_000_000),
        "calls_over_5ms": n - bisect.bisect_right(lat, 5_000_000),
    }


def _harness_overhead_us(n: int = 20000) -> float:
    def noop() -> None:
        pass

    _, ts = _timed_loop(noop, n)
    return (ts[n] - ts[0]) / n / 1000.0


def child(a: argparse.Namespace) -> dict[str, Any]:
    mode = a.mode
    paused = mode in ("idle", "tracemalloc", "profile")
    out: dict[str, Any] = {"impl": a.impl, "mode": mode, "n": a.n, "python": sys.version.split()[0]}
    if a.switch_interval:
        sys.setswitchinterval(a.switch_interval)
    out["switch_interval_s"] = sys.getswitchinterval()
    _sink.reset(a.sink)
    overhead = _harness_overhead_us()
    tm: Any = None
    if mode == "tracemalloc":
        import tracemalloc

        tm = tracemalloc
        tm.start()
    call, flush, info = make_adapter(a, paused)
    for _ in range(3):  # warm up: imports, connections, caches (3 events)
        call()
    warm = 3
    if not paused:
        flush()
        _sink.wait_for_events(a.sink, warm, 10.0)
    _sink.reset(a.sink)
    if mode == "profile":
        return _profile(a, call, out)
    gc.collect()
    rss0 = rss_bytes()
    tm0 = tm.get_traced_memory()[0] if tm else 0
    t0, ts = _timed_loop(call, a.n)
    t_loop_end = time.monotonic()
    out["harness_overhead_us"] = overhead
    out.update(_latency_summary(ts, a.n))
    if paused:
        if tm:
            out["tracemalloc_bytes_per_event"] = (tm.get_traced_memory()[0] - tm0) / a.n
            tm.stop()
        gc.collect()
        out["rss_delta_bytes"] = rss_bytes() - rss0
        out["bytes_per_event_rss"] = out["rss_delta_bytes"] / a.n
        out["peak_rss_mb"] = peak_rss_bytes() / 1e6
        queued = info.get("queued")
        if callable(queued):
            out["queued"] = queued()
        if "client" in info and hasattr(info["client"], "stats"):
            try:
                out["client_stats"] = _jsonable(info["client"].stats())
            except Exception as e:  # pragma: no cover - diagnostics only
                out["client_stats_error"] = repr(e)
        s = _sink.stats(a.sink)
        out["sink_events_while_paused"] = s["events"]
    else:
        flush()
        t_flush = time.monotonic()
        s = _sink.wait_for_events(a.sink, a.n, a.wait_timeout)
        out["delivered"] = s["events"]
        out["sink_requests"] = s["requests"]
        out["sink_bytes"] = s["bytes"]
        out["sink_errors"] = s["errors"]
        out["flush_s"] = t_flush - t_loop_end
        if s["events"] >= a.n and s["last_t"]:
            elapsed = s["last_t"] - t0
            out["delivered_s"] = elapsed
            out["events_per_s"] = a.n / elapsed
        else:
            out["events_per_s"] = None
            out["error"] = f"sink counted {s['events']} of {a.n} events"
        out["peak_rss_mb"] = peak_rss_bytes() / 1e6
        if "client" in info and hasattr(info["client"], "stats"):
            try:
                out["client_stats"] = _jsonable(info["client"].stats())
            except Exception as e:  # pragma: no cover
                out["client_stats_error"] = repr(e)
    return out


def _jsonable(x: Any) -> Any:
    try:
        json.dumps(x)
        return x
    except TypeError:
        if hasattr(x, "__dataclass_fields__"):
            import dataclasses

            return _jsonable(dataclasses.asdict(x))
        if isinstance(x, dict):
            return {str(k): _jsonable(v) for k, v in x.items()}
        return repr(x)


def _profile(a: argparse.Namespace, call: Callable[[], Any], out: dict[str, Any]) -> dict[str, Any]:
    """cProfile (always) and pyinstrument (when importable) of n calls, sender paused."""
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    for _ in range(a.n):
        call()
    prof.disable()
    st = pstats.Stats(prof)
    total = st.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{os.path.basename(file)}:{line}({func})" if line else func,
                "file": file,
                "calls": nc,
                "tottime_s": tt,
                "cumtime_s": ct,
            }
        )
    rows.sort(key=lambda r: r["tottime_s"], reverse=True)
    out["cprofile_total_s"] = total
    out["cprofile_us_per_call"] = total / a.n * 1e6
    out["cprofile_top"] = rows[:15]
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
    out["cprofile_text"] = buf.getvalue()
    try:
        from pyinstrument import Profiler  # type: ignore[import-not-found]
    except ImportError:
        out["pyinstrument"] = None
        return out
    p = Profiler(interval=0.0001)
    p.start()
    for _ in range(a.n):
        call()
    p.stop()
    out["pyinstrument"] = p.output_text(unicode=False, color=False, show_all=False)
    return out


# =========================================================================== parent


def _median_range(values: list[float]) -> dict[str, float] | None:
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals)}


def child_env(ca: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        env.pop(k, None)
    env["PYTHONHASHSEED"] = "0"
    env.pop("PYTHONPATH", None)
    if ca:
        env["REQUESTS_CA_BUNDLE"] = ca
        env["SSL_CERT_FILE"] = ca
    return env


def run_child(python: str, args: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    cmd = [python, os.path.join(BENCH_DIR, "client.py"), "child", *args]
    try:
        p = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=BENCH_DIR
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f}s", "cmd": " ".join(cmd)}
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        tail = (p.stderr or p.stdout).strip().splitlines()[-8:]
        return {"error": f"exit {p.returncode}: " + " | ".join(tail), "cmd": " ".join(cmd)}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def run_client_bench(
    *,
    n: int = 100_000,
    n_customerio: int = 5_000,
    reps: int = 5,
    impls: tuple[str, ...] = IMPLS,
    pkg_dir: str | None = None,
    pkg: str = "benchpkg",
    create_venvs: bool = True,
    customerio_transport: str = "tls",
    tracemalloc: bool = True,
    profile_n: int = 20_000,
    child_timeout: float = 600.0,
    log: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
) -> dict[str, Any]:
    """Run the client benchmark; returns a JSON-able dict (raw runs + summary)."""
    if __package__:
        from . import venvs
    else:  # pragma: no cover
        import venvs  # type: ignore[no-redef,import-not-found]

    skipped: dict[str, str] = {}
    pythons: dict[str, str] = {}
    for impl in impls:
        if impl in ("ciogen", "floor"):
            pythons[impl] = sys.executable
            continue
        try:
            pythons[impl] = venvs.ensure(impl, create=create_venvs, log=log)
        except venvs.VenvUnavailable as e:
            skipped[impl] = str(e)
    if "ciogen" in impls and not pkg_dir:
        skipped["ciogen"] = "no generated package (generator not available)"
    active = [i for i in impls if i not in skipped]

    runs: list[dict[str, Any]] = []
    profile: dict[str, Any] | None = None
    sink_capacity = None
    with _sink.SinkProcess(tls="customerio" in active and customerio_transport == "tls") as s:
        env = child_env(s.ca)
        base = ["--sink", s.url, "--pkg", pkg, "--customerio-transport", customerio_transport]
        if s.tls_url:
            base += ["--tls-sink", s.tls_url]
        if pkg_dir:
            base += ["--pkg-dir", pkg_dir]
        sink_capacity = _sink.capacity(s.url, seconds=min(1.0, max(0.1, n / 100_000)))
        log(f"  sink capacity: {sink_capacity:,.0f} events/s (one connection, 100-event batches)")
        for rep in range(reps):
            order = active[rep % len(active) :] + active[: rep % len(active)] if active else []
            for impl in order:
                modes = ["running"] if impl == "customerio" else ["idle", "running"]
                if tracemalloc and rep == 0 and impl in QUEUED_IMPLS:
                    modes.append("tracemalloc")
                for mode in modes:
                    nn = n_customerio if impl == "customerio" else n
                    r = run_child(
                        pythons[impl],
                        [*base, "--impl", impl, "--mode", mode, "--n", str(nn)],
                        env,
                        child_timeout,
                    )
                    r.setdefault("impl", impl)
                    r.setdefault("mode", mode)
                    r["rep"] = rep
                    runs.append(r)
                    log(f"  client rep {rep + 1}/{reps} {impl:<10} {mode:<11} " + _short(r))
        if "ciogen" in active and profile_n:
            profile = _run_profile(pythons, base, env, profile_n, child_timeout, log, create_venvs)
    return {
        "config": {
            "n": n,
            "n_customerio": n_customerio,
            "reps": reps,
            "impls": list(impls),
            "customerio_transport": customerio_transport,
            "sink_capacity_events_per_s": sink_capacity,
        },
        "skipped": skipped,
        "runs": runs,
        "summary": summarize(runs, reps),
        "profile": profile,
    }


def _run_profile(
    pythons: dict[str, str],
    base: list[str],
    env: dict[str, str],
    n: int,
    timeout: float,
    log: Callable[[str], None],
    create_venvs: bool = True,
) -> dict[str, Any] | None:
    """Profile ciogen's call path; pyinstrument from the tools venv when the running one lacks it."""
    if __package__:
        from . import venvs
    else:  # pragma: no cover
        import venvs  # type: ignore[no-redef]
    python = pythons["ciogen"]
    args = [*base, "--impl", "ciogen", "--mode", "profile", "--n", str(n)]
    r = run_child(python, args, env, timeout)
    if r.get("pyinstrument") is None and "error" not in r:
        try:
            tools = venvs.ensure("tools", create=create_venvs, log=log)
        except venvs.VenvUnavailable:
            tools = None
        if tools:
            r2 = run_child(tools, args, env, timeout)
            if r2.get("pyinstrument"):
                r["pyinstrument"] = r2["pyinstrument"]
    log("  client profile ciogen " + r.get("error", "ok"))
    return r


def _short(r: dict[str, Any]) -> str:
    if "error" in r and not r.get("us_per_call"):
        return "ERROR " + str(r["error"])[:200]
    parts = [
        f"{r.get('us_per_call', float('nan')):.2f} us/call",
        f"max {r.get('max_ms', float('nan')):.1f} ms",
    ]
    if r.get("events_per_s"):
        parts.append(f"{r['events_per_s']:,.0f} ev/s")
    if r.get("bytes_per_event_rss") is not None:
        parts.append(f"{r['bytes_per_event_rss']:.0f} B/ev rss")
    if r.get("tracemalloc_bytes_per_event") is not None:
        parts.append(f"{r['tracemalloc_bytes_per_event']:.0f} B/ev traced")
    if r.get("error"):
        parts.append("ERROR " + r["error"][:120])
    return ", ".join(parts)


def _get(runs: list[dict[str, Any]], rep: int, impl: str, mode: str, key: str) -> float | None:
    for r in runs:
        if r.get("rep") == rep and r.get("impl") == impl and r.get("mode") == mode:
            v = r.get(key)
            return float(v) if v is not None else None
    return None


# Ratios computed inside each repetition: (name, numerator, denominator) with
# each side (impl, mode, key).
RATIOS: list[tuple[str, tuple[str, str, str], tuple[str, str, str]]] = [
    (
        "ciogen/floor us_per_call idle",
        ("ciogen", "idle", "us_per_call"),
        ("floor", "idle", "us_per_call"),
    ),
    (
        "ciogen/floor us_per_call running",
        ("ciogen", "running", "us_per_call"),
        ("floor", "running", "us_per_call"),
    ),
    (
        "segment/ciogen us_per_call idle",
        ("segment", "idle", "us_per_call"),
        ("ciogen", "idle", "us_per_call"),
    ),
    (
        "segment/ciogen us_per_call running",
        ("segment", "running", "us_per_call"),
        ("ciogen", "running", "us_per_call"),
    ),
    (
        "cdp/ciogen us_per_call idle",
        ("cdp", "idle", "us_per_call"),
        ("ciogen", "idle", "us_per_call"),
    ),
    (
        "cdp/ciogen us_per_call running",
        ("cdp", "running", "us_per_call"),
        ("ciogen", "running", "us_per_call"),
    ),
    (
        "ciogen/segment events_per_s",
        ("ciogen", "running", "events_per_s"),
        ("segment", "running", "events_per_s"),
    ),
    (
        "ciogen/cdp events_per_s",
        ("ciogen", "running", "events_per_s"),
        ("cdp", "running", "events_per_s"),
    ),
    (
        "ciogen/customerio events_per_s",
        ("ciogen", "running", "events_per_s"),
        ("customerio", "running", "events_per_s"),
    ),
    (
        "ciogen/floor events_per_s",
        ("ciogen", "running", "events_per_s"),
        ("floor", "running", "events_per_s"),
    ),
    (
        "segment/floor us_per_call idle",
        ("segment", "idle", "us_per_call"),
        ("floor", "idle", "us_per_call"),
    ),
]

METRICS = {
    "idle": [
        "us_per_call",
        "p50_us",
        "p99_us",
        "max_ms",
        "calls_over_5ms",
        "bytes_per_event_rss",
        "peak_rss_mb",
    ],
    "running": [
        "us_per_call",
        "p50_us",
        "p99_us",
        "max_ms",
        "calls_over_5ms",
        "events_per_s",
        "peak_rss_mb",
    ],
    "tracemalloc": ["tracemalloc_bytes_per_event"],
}


def summarize(runs: list[dict[str, Any]], reps: int) -> dict[str, Any]:
    impls = sorted({r["impl"] for r in runs}, key=lambda i: IMPLS.index(i) if i in IMPLS else 99)
    per: dict[str, Any] = {}
    for impl in impls:
        d: dict[str, Any] = {}
        for mode, keys in METRICS.items():
            for key in keys:
                vals = [
                    v for rep in range(reps) if (v := _get(runs, rep, impl, mode, key)) is not None
                ]
                mr = _median_range(vals)
                if mr:
                    d[f"{mode}.{key}"] = mr
        # worst single call over both modes and all reps
        worst = [
            r["max_ms"]
            for r in runs
            if r.get("impl") == impl and r.get("mode") in ("idle", "running") and "max_ms" in r
        ]
        if worst:
            d["worst_call_ms"] = max(worst)
        errors = [r["error"] for r in runs if r.get("impl") == impl and r.get("error")]
        if errors:
            d["errors"] = errors[:5]
        per[impl] = d
    ratios: dict[str, Any] = {}
    for name, num, den in RATIOS:
        vals = []
        for rep in range(reps):
            a = _get(runs, rep, *num)
            b = _get(runs, rep, *den)
            if a is not None and b:
                vals.append(a / b)
        mr = _median_range(vals)
        if mr:
            ratios[name] = mr
    return {"impls": per, "ratios": ratios}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="ciogen client throughput benchmark")
    sub = p.add_subparsers(dest="cmd")
    c = sub.add_parser("child", help="(internal) one measurement; prints one JSON line")
    c.add_argument("--impl", required=True, choices=IMPLS)
    c.add_argument("--mode", required=True, choices=("idle", "running", "tracemalloc", "profile"))
    c.add_argument("--n", type=int, default=100_000)
    c.add_argument("--sink", required=True)
    c.add_argument("--tls-sink")
    c.add_argument("--pkg-dir")
    c.add_argument("--pkg", default="benchpkg")
    c.add_argument("--customerio-transport", choices=("tls", "http"), default="tls")
    c.add_argument("--wait-timeout", type=float, default=120.0)
    c.add_argument("--switch-interval", type=float, help="sys.setswitchinterval() for experiments")
    r = sub.add_parser("run", help="run the client benchmark and print the JSON result")
    for q in (p, r):
        q.add_argument("--quick", action="store_true", help="small N, 1 repetition")
        q.add_argument("--n", type=int)
        q.add_argument("--reps", type=int)
        q.add_argument("--impls", default=",".join(IMPLS))
        q.add_argument("--pkg-dir", help="directory holding an already generated package")
        q.add_argument("--no-create-venvs", action="store_true")
        q.add_argument("--customerio-transport", choices=("tls", "http"), default="tls")
        q.add_argument("--out", help="write the JSON result here")
    a = p.parse_args(argv)
    if a.cmd == "child":
        res = child(a)
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()
        os._exit(0)  # skip the libraries' atexit flushes: the sink is reset per child anyway
    pkg_dir = a.pkg_dir
    impls = tuple(x for x in a.impls.split(",") if x)
    if "ciogen" in impls and not pkg_dir:
        if __package__:
            from . import generator as gbench
        else:  # pragma: no cover
            import generator as gbench  # type: ignore[no-redef]
        pkg_dir = gbench.generate_bench_package()
    res = run_client_bench(
        n=a.n or (2000 if a.quick else 100_000),
        n_customerio=min(a.n or 5000, 200 if a.quick else 5000),
        reps=a.reps or (1 if a.quick else 5),
        impls=impls,
        pkg_dir=pkg_dir,
        create_venvs=not a.no_create_venvs,
        customerio_transport=a.customerio_transport,
        profile_n=2000 if a.quick else 20_000,
    )
    text = json.dumps(res, indent=1)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    print(json.dumps(res["summary"], indent=1))


if __name__ == "__main__":
    main()
