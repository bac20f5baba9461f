"""One client measurement in a fresh process: ``python -m bench.child --impl ciogen --mode idle ...``.

The parent (``bench.client``) starts one child per contestant, mode and
repetition, so no contestant inherits another's heap, threads or imports; the
child prints one JSON line. Modes:

* ``idle``     sender paused: caller cost per call, per-call latency, RSS delta
               and peak RSS with N events queued
* ``running``  sender running with the library's defaults: caller cost, per-call
               latency, delivered events/s = N / (last event at the sink - first call)
* ``tracemalloc``  like ``idle`` under tracemalloc: Python-heap bytes per queued event
* ``profile``  cProfile (and pyinstrument when importable) of N calls, sender paused

Stdlib only: it runs inside the peers' virtual environments too.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import json
import os
import sys
import time
import tracemalloc
from array import array
from collections.abc import Callable
from typing import Any

from bench import sink_client
from bench.adapters import ADAPTERS
from bench.contestants import IMPLS
from bench.profiling import repo_relative, rows, total_s
from bench.stats import jsonable

MODES = ("idle", "running", "tracemalloc", "profile")


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def timed_loop(call: Callable[[], Any], n: int) -> tuple[float, array[int]]:
    """Run ``call`` n times; returns (monotonic start, perf_counter_ns stamps[n+1])."""
    ts = array("q", bytes(8 * (n + 1)))
    pc = time.perf_counter_ns
    t0 = time.monotonic()
    for i in range(n):
        ts[i] = pc()
        call()
    ts[n] = pc()
    return t0, ts


def latency_summary(ts: array[int], n: int) -> dict[str, float]:
    lat = sorted(ts[i + 1] - ts[i] for i in range(n))
    return {
        "us_per_call": (ts[n] - ts[0]) / n / 1000.0,
        "p50_us": lat[n // 2] / 1000.0,
        "p99_us": lat[min(n - 1, (n * 99) // 100)] / 1000.0,
        "max_ms": lat[-1] / 1e6,
        "calls_over_1ms": n - bisect.bisect_right(lat, 1_000_000),
        "calls_over_5ms": n - bisect.bisect_right(lat, 5_000_000),
    }


def harness_overhead_us(n: int = 20000) -> float:
    def noop() -> None:
        pass

    _, ts = timed_loop(noop, n)
    return (ts[n] - ts[0]) / n / 1000.0


def _client_stats(info: dict[str, Any], out: dict[str, Any]) -> None:
    client = info.get("client")
    if client is not None and hasattr(client, "stats"):
        try:
            out["client_stats"] = jsonable(client.stats())
        except Exception as e:  # pragma: no cover - diagnostics only
            out["client_stats_error"] = repr(e)


def _after_paused(
    a: argparse.Namespace, info: dict[str, Any], rss0: int, out: dict[str, Any]
) -> None:
    gc.collect()
    out["rss_delta_bytes"] = rss_bytes() - rss0
    out["bytes_per_event_rss"] = out["rss_delta_bytes"] / a.n
    out["peak_rss_mb"] = peak_rss_bytes() / 1e6
    queued = info.get("queued")
    if callable(queued):
        out["queued"] = queued()
    _client_stats(info, out)
    out["sink_events_while_paused"] = sink_client.stats(a.sink)["events"]


def _after_running(
    a: argparse.Namespace,
    flush: Callable[[], None],
    t0: float,
    t_loop_end: float,
    out: dict[str, Any],
) -> None:
    flush()
    t_flush = time.monotonic()
    s = sink_client.wait_for_events(a.sink, a.n, a.wait_timeout)
    out["delivered"] = s["events"]
    out["sink_requests"] = s["requests"]
    out["sink_bytes"] = s["bytes"]
    out["sink_errors"] = s["errors"]
    out["flush_s"] = t_flush - t_loop_end
    if s["events"] >= a.n and s["last_t"]:
        out["delivered_s"] = s["last_t"] - t0
        out["events_per_s"] = a.n / out["delivered_s"]
    else:
        out["events_per_s"] = None
        out["error"] = f"sink counted {s['events']} of {a.n} events"
    out["peak_rss_mb"] = peak_rss_bytes() / 1e6


def child(a: argparse.Namespace) -> dict[str, Any]:
    mode = a.mode
    paused = mode in ("idle", "tracemalloc", "profile")
    out: dict[str, Any] = {"impl": a.impl, "mode": mode, "n": a.n, "python": sys.version.split()[0]}
    if a.switch_interval:
        sys.setswitchinterval(a.switch_interval)
    out["switch_interval_s"] = sys.getswitchinterval()
    sink_client.reset(a.sink)
    overhead = harness_overhead_us()
    if mode == "tracemalloc":
        tracemalloc.start()
    call, flush, info = ADAPTERS[a.impl](a, paused)
    for _ in range(3):  # warm up: imports, connections, caches (3 events)
        call()
    if not paused:
        flush()
        sink_client.wait_for_events(a.sink, 3, 10.0)
    sink_client.reset(a.sink)
    if mode == "profile":
        return profile(a, call, out)
    gc.collect()
    rss0 = rss_bytes()
    tm0 = tracemalloc.get_traced_memory()[0] if mode == "tracemalloc" else 0
    cpu0 = time.thread_time_ns()
    t0, ts = timed_loop(call, a.n)
    t_loop_end = time.monotonic()
    # The caller thread's CPU time: unlike wall time it does not count the time this
    # process waited for a core, so its ratios hold on a loaded machine.
    out["cpu_us_per_call"] = (time.thread_time_ns() - cpu0) / a.n / 1000.0
    if mode == "tracemalloc":
        out["tracemalloc_bytes_per_event"] = (tracemalloc.get_traced_memory()[0] - tm0) / a.n
        tracemalloc.stop()
    out["harness_overhead_us"] = overhead
    out.update(latency_summary(ts, a.n))
    if paused:
        _after_paused(a, info, rss0, out)
    else:
        _after_running(a, flush, t0, t_loop_end, out)
        _client_stats(info, out)
    return out


def profile(a: argparse.Namespace, call: Callable[[], Any], out: dict[str, Any]) -> dict[str, Any]:
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
    total = total_s(st)
    out["cprofile_total_s"] = total
    out["cprofile_us_per_call"] = total / a.n * 1e6
    out["cprofile_top"] = sorted(rows(st), key=lambda r: r["tottime_s"], reverse=True)[:15]
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
    out["cprofile_text"] = repo_relative(buf.getvalue())
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
    out["pyinstrument"] = repo_relative(p.output_text(unicode=False, color=False, show_all=False))
    return out


def main(argv: list[str] | None = None) -> None:
    c = argparse.ArgumentParser(
        description="(internal) one client measurement; prints one JSON line"
    )
    c.add_argument("--impl", required=True, choices=IMPLS)
    c.add_argument("--mode", required=True, choices=MODES)
    c.add_argument("--n", type=int, default=100_000)
    c.add_argument("--sink", required=True)
    c.add_argument("--tls-sink")
    c.add_argument("--pkg-dir")
    c.add_argument("--pkg", default="benchpkg")
    c.add_argument("--customerio-transport", choices=("tls", "http"), default="tls")
    c.add_argument("--wait-timeout", type=float, default=120.0)
    c.add_argument("--switch-interval", type=float, help="sys.setswitchinterval() for experiments")
    res = child(c.parse_args(argv))
    sys.stdout.write(json.dumps(res) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip the libraries' atexit flushes: the sink is reset per child anyway


if __name__ == "__main__":
    main()
