"""Deadlines and the cost of a drop: close/exit time vs queue length, dropped vs queued calls.

    python -m bench.lifecycle            # full run (~2 min), rewrites its BENCHMARKS.md block
    python -m bench.lifecycle --quick    # small sizes, prints the table, writes nothing

**Deadlines.** A client queues N operations (1k, 10k, 100k) for a Track API that
accepts the connection and never answers, then ``close(timeout=1.0)`` (with and
without a dead-letter file), and in a fresh interpreter the exit flush with
``atexit_timeout=1.0``. A deadline is kept when the time is the timeout plus a small
constant, the same at every N: what was not delivered is reported from the queued
bytes, never decoded after the deadline.

**Drops.** The same call measured queued (room in the queue), delivered (room in
the queue, and a sender that delivers to the loopback sink ``bench/sink.py`` over
HTTPS, in its own process) and dropped (the queue full under ``overflow="drop"``),
in interleaved repetitions of one process, with and without ``on_error`` and a
dead-letter file. During the calls: wall time, the calling thread's CPU time and the
process's CPU time per call. For the whole operation, from the first call until
``flush()`` returns: wall time and process CPU time, which count what each operation
leaves to a background thread: the JSON and HTTPS of a delivered one (the sender),
the dead-letter line and ``on_error`` of a dropped one (the reporting thread). The
target: a dropped operation costs no more than a queued one (within 10 %) from call
to delivery or report, in process CPU and wall time, and the call alone no more in
the calling thread's CPU time; as the median of the per-repetition ratios.

Times are medians over repetitions, with min-max; the machine may be shared, which
is why every target is a same-run comparison. The runtime measured is the template
package ``templates/_runtime`` that the generator copies into every client.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

if __package__:
    from . import sink_client
    from .lifecycle_drops import call_costs, cost_summary, fill, summarize
    from .report_lifecycle import END, START, markdown, targets, update_markdown
else:  # python bench/lifecycle.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import sink_client
    from bench.lifecycle_drops import call_costs, cost_summary, fill, summarize
    from bench.report_lifecycle import END, START, markdown, targets, update_markdown

__all__ = ["END", "START", "markdown", "measure", "targets", "update_markdown"]

REPO = Path(__file__).resolve().parent.parent
RUNTIME = REPO / "templates" / "_runtime"
MD = REPO / "BENCHMARKS.md"
RESULTS = REPO / "bench" / "results" / "lifecycle.json"


def load_runtime() -> ModuleType:
    """The runtime template, imported as the package ``bench_runtime``."""
    name = "bench_runtime"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, RUNTIME / "__init__.py", submodule_search_locations=[str(RUNTIME)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def silent_server(max_seconds: float) -> Iterator[str]:
    """A loopback HTTP 'server' that accepts connections and never answers; it stops
    by itself after ``max_seconds``. Yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()
    deadline = time.monotonic() + max_seconds

    def serve() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError, OSError):
                conn, _ = listener.accept()
                held.append(conn)  # never read from, never answered

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        listener.close()


def _config(rt: ModuleType, n: int, **extra: Any) -> Any:
    return rt.ClientConfig(
        max_queue_events=n + 1_000,
        max_queue_bytes=max(n * 200, 1024 * 1024),
        flush_interval=60.0,
        timeout=30.0,
        **extra,
    )


def close_time(rt: ModuleType, url: str, n: int, timeout: float, dead: str | None) -> float:
    """Seconds ``close(timeout)`` takes with ``n`` operations pending."""
    reported = [0]

    def on_error(failed: list[Any], reason: str) -> None:
        reported[0] += len(failed)

    client = rt.BaseClient(
        "bench-site",
        "bench-key",
        base_url=url,
        config=_config(rt, n),
        on_error=on_error,
        dead_letter_path=dead,
    )
    fill(client, n)
    start = time.perf_counter()
    client.close(timeout)
    elapsed = time.perf_counter() - start
    if reported[0] != n:
        raise RuntimeError(f"close() reported {reported[0]} of {n} undelivered operations")
    return elapsed


EXIT_SCRIPT = """
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location(
    "rt", sys.argv[1] + "/__init__.py", submodule_search_locations=[sys.argv[1]])
rt = importlib.util.module_from_spec(spec); sys.modules["rt"] = rt; spec.loader.exec_module(rt)
import logging; logging.getLogger("rt").setLevel(logging.CRITICAL)
n = int(sys.argv[3])
config = rt.ClientConfig(max_queue_events=n + 1000, max_queue_bytes=max(n * 200, 1048576),
                         flush_interval=60.0, timeout=30.0, atexit_timeout=float(sys.argv[4]))
client = rt.BaseClient("bench-site", "bench-key", base_url=sys.argv[2], config=config)
for i in range(n):
    client._track("person-42", "order_completed", {"order": i, "total": 12.5}, None)
print(time.monotonic(), flush=True)
"""


def exit_time(url: str, n: int, timeout: float) -> float:
    """Seconds from the last queued call to the end of the process (the exit flush)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", EXIT_SCRIPT, str(RUNTIME), url, str(n), str(timeout)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    proc.wait(timeout=120)
    ended = time.monotonic()  # CLOCK_MONOTONIC is system-wide: comparable across processes
    if proc.returncode != 0 or not line:
        raise RuntimeError(f"exit benchmark failed (rc={proc.returncode})")
    return ended - float(line)


def measure(sizes: list[int], reps: int, calls: int, timeout: float) -> dict[str, Any]:
    rt = load_runtime()
    # The runtime warns about every undelivered operation; here that is the point.
    logging.getLogger(rt.__name__).setLevel(logging.CRITICAL)
    results: dict[str, Any] = {"sizes": sizes, "timeout": timeout, "reps": reps, "calls": calls}
    rows: list[dict[str, Any]] = []
    with silent_server(max_seconds=1800) as url, tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            close_plain: list[float] = []
            close_dead: list[float] = []
            exits: list[float] = []
            for rep in range(reps):
                close_plain.append(close_time(rt, url, n, timeout, None))
                dead = os.path.join(tmp, f"dead-{n}-{rep}.jsonl")
                close_dead.append(close_time(rt, url, n, timeout, dead))
                os.unlink(dead)
                exits.append(exit_time(url, n, timeout))
            rows.append(
                {
                    "pending": n,
                    "close": summarize(close_plain),
                    "close_dead_letters": summarize(close_dead),
                    "exit": summarize(exits),
                }
            )
            print(f"lifecycle: {n:>7,} pending done", file=sys.stderr, flush=True)
    results["deadlines"] = rows
    # Call costs are short runs: more repetitions for the same noise in the medians.
    call_reps = results["call_reps"] = 2 * reps + 1
    with sink_client.SinkProcess(tls=True, max_seconds=1800) as sink:
        server = (sink.tls_url or sink.url, sink.ca)
        for key, reporting in (("calls_plain", False), ("calls_reporting", True)):
            costs = call_costs(rt, calls, call_reps, reporting, server)
            results[key] = cost_summary(costs)
    results["tls"] = bool(sink.tls_url)
    results["load"] = os.getloadavg()[0]
    results["python"] = sys.version.split()[0]
    return results


def main(argv: list[str] | None = None, run: Callable[..., dict[str, Any]] = measure) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes; writes nothing")
    args = parser.parse_args(argv)
    full = ([1_000, 10_000, 100_000], 5, 50_000, 1.0)
    sizes, reps, calls, timeout = ([200, 2_000], 1, 2_000, 0.2) if args.quick else full
    results = run(sizes, reps, calls, timeout)
    block = markdown(results)
    print(block)
    if not args.quick:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        update_markdown(MD, block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
