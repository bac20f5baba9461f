"""Client throughput benchmark: ciogen's generated client against its peers.

Contestants (each measured in a fresh child process, ``bench.child``, that
prints one JSON line; the peers run inside their own virtual environments
under ``bench/.venvs``):

* ``ciogen``      the generated client: ``client.item_viewed(user, item_id=..., ...)``
                  (typed call, run-time validation included)
* ``floor``       pure-Python floor (``bench.floor``): build the v2 dict, ULID-ish id,
                  ``json.dumps``, ``deque.append``; a sender thread POSTs batches
                  over one keep-alive ``http.client`` connection
* ``segment``     segment-analytics-python ``analytics.track`` (module-level API)
* ``cdp``         customerio-cdp-analytics ``customerio.analytics.track``
* ``customerio``  customerio ``CustomerIO.track``: one HTTPS request per event,
                  sent synchronously (its URL builder is https-only, so the sink
                  also listens with TLS on a throw-away certificate trusted
                  through ``REQUESTS_CA_BUNDLE``; ``--customerio-transport http``
                  patches ``base_url`` to plain http instead)

The modes (idle, running, tracemalloc, profile) are described in ``bench.child``;
the summary and its same-run ratios in ``bench.client_summary``.

Run alone: ``python -m bench.client [--quick]``; ``python -m bench.run`` runs it
with the generator benchmark and rewrites BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from bench import sink_client, venvs
from bench.client_summary import summarize
from bench.contestants import IMPLS, IN_PROCESS, QUEUED_IMPLS
from bench.generator import generate_bench_package

__all__ = ["IMPLS", "run_client_bench", "summarize"]

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)

Log = Callable[[str], None]


def _stderr(s: str) -> None:
    print(s, file=sys.stderr, flush=True)


def child_env(ca: str | None = None) -> dict[str, str]:
    """The children's environment: loopback never proxied, no PYTHONPATH, fixed hash seed."""
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
    """One ``bench.child`` measurement; started from the repository so ``bench`` imports
    in any interpreter (the peers' venvs do not have the repository installed)."""
    cmd = [python, "-m", "bench.child", *args]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f}s", "cmd": " ".join(cmd)}
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        tail = (p.stderr or p.stdout).strip().splitlines()[-8:]
        return {"error": f"exit {p.returncode}: " + " | ".join(tail), "cmd": " ".join(cmd)}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _interpreters(
    impls: tuple[str, ...], pkg_dir: str | None, create_venvs: bool, log: Log
) -> tuple[dict[str, str], dict[str, str]]:
    """(python per runnable contestant, why each other one is skipped)."""
    skipped: dict[str, str] = {}
    pythons: dict[str, str] = {}
    for impl in impls:
        if impl in IN_PROCESS:
            pythons[impl] = sys.executable
            continue
        try:
            pythons[impl] = venvs.ensure(impl, create=create_venvs, log=log)
        except venvs.VenvUnavailable as e:
            skipped[impl] = str(e)
    if "ciogen" in impls and not pkg_dir:
        skipped["ciogen"] = "no generated package (generator not available)"
        pythons.pop("ciogen", None)
    return pythons, skipped


def _modes(impl: str, rep: int, tracemalloc: bool) -> list[str]:
    modes = ["running"] if impl == "customerio" else ["idle", "running"]
    if tracemalloc and rep == 0 and impl in QUEUED_IMPLS:
        modes.append("tracemalloc")
    return modes


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
    log: Log = _stderr,
) -> dict[str, Any]:
    """Run the client benchmark; returns a JSON-able dict (raw runs + summary)."""
    pythons, skipped = _interpreters(impls, pkg_dir, create_venvs, log)
    active = [i for i in impls if i not in skipped]
    runs: list[dict[str, Any]] = []
    profile: dict[str, Any] | None = None
    with sink_client.SinkProcess(tls="customerio" in active and customerio_transport == "tls") as s:
        env = child_env(s.ca)
        base = ["--sink", s.url, "--pkg", pkg, "--customerio-transport", customerio_transport]
        base += ["--tls-sink", s.tls_url] if s.tls_url else []
        base += ["--pkg-dir", pkg_dir] if pkg_dir else []
        capacity = sink_client.capacity(s.url, seconds=min(1.0, max(0.1, n / 100_000)))
        log(f"  sink capacity: {capacity:,.0f} events/s (one connection, 100-event batches)")
        for rep in range(reps):
            # rotate the start so no contestant always runs first (or last) in a repetition
            order = active[rep % len(active) :] + active[: rep % len(active)] if active else []
            for impl in order:
                for mode in _modes(impl, rep, tracemalloc):
                    nn = n_customerio if impl == "customerio" else n
                    args = [*base, "--impl", impl, "--mode", mode, "--n", str(nn)]
                    r = run_child(pythons[impl], args, env, child_timeout)
                    r.setdefault("impl", impl)
                    r.setdefault("mode", mode)
                    r["rep"] = rep
                    runs.append(r)
                    log(f"  client rep {rep + 1}/{reps} {impl:<10} {mode:<11} " + _short(r))
        if "ciogen" in active and profile_n:
            profile = _run_profile(
                pythons["ciogen"], base, env, profile_n, child_timeout, log, create_venvs
            )
    config = {
        "n": n,
        "n_customerio": n_customerio,
        "reps": reps,
        "impls": list(impls),
        "customerio_transport": customerio_transport,
        "sink_capacity_events_per_s": capacity,
    }
    return {
        "config": config,
        "skipped": skipped,
        "runs": runs,
        "summary": summarize(runs, reps),
        "profile": profile,
    }


def _run_profile(
    python: str,
    base: list[str],
    env: dict[str, str],
    n: int,
    timeout: float,
    log: Log,
    create_venvs: bool = True,
) -> dict[str, Any]:
    """Profile ciogen's call path; pyinstrument from the tools venv when the running one lacks it."""
    args = [*base, "--impl", "ciogen", "--mode", "profile", "--n", str(n)]
    r = run_child(python, args, env, timeout)
    if r.get("pyinstrument") is None and "error" not in r:
        try:
            tools: str | None = venvs.ensure("tools", create=create_venvs, log=log)
        except venvs.VenvUnavailable:
            tools = None
        if tools:
            r2 = run_child(tools, args, env, timeout)
            if r2.get("pyinstrument"):
                r["pyinstrument"] = r2["pyinstrument"]
    log("  client profile ciogen " + r.get("error", "ok"))
    return r


def _short(r: dict[str, Any]) -> str:
    """One progress line for a run."""
    if "error" in r and not r.get("us_per_call"):
        return "ERROR " + str(r["error"])[:200]
    parts = [
        f"{r.get('us_per_call', float('nan')):.2f} us/call",
        f"max {r.get('max_ms', float('nan')):.1f} ms",
    ]
    if r.get("events_per_s"):
        parts.append(f"{r['events_per_s']:,.0f} ev/s")
    for key, unit in (
        ("bytes_per_event_rss", "B/ev rss"),
        ("tracemalloc_bytes_per_event", "B/ev traced"),
    ):
        if r.get(key) is not None:
            parts.append(f"{r[key]:.0f} {unit}")
    if r.get("error"):
        parts.append("ERROR " + r["error"][:120])
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="ciogen client throughput benchmark")
    p.add_argument("--quick", action="store_true", help="small N, 1 repetition")
    p.add_argument("--n", type=int)
    p.add_argument("--reps", type=int)
    p.add_argument("--impls", default=",".join(IMPLS))
    p.add_argument("--pkg-dir", help="directory holding an already generated package")
    p.add_argument("--no-create-venvs", action="store_true")
    p.add_argument("--customerio-transport", choices=("tls", "http"), default="tls")
    p.add_argument("--out", help="write the JSON result here")
    argv = sys.argv[1:] if argv is None else argv
    a = p.parse_args(argv[1:] if argv[:1] == ["run"] else argv)  # `run`: the older spelling
    pkg_dir = a.pkg_dir
    impls = tuple(x for x in a.impls.split(",") if x)
    if "ciogen" in impls and not pkg_dir:
        pkg_dir = generate_bench_package()
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
    if a.out:
        with open(a.out, "w") as f:
            f.write(json.dumps(res, indent=1))
    print(json.dumps(res["summary"], indent=1))


if __name__ == "__main__":
    main()
