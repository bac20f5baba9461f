"""BENCHMARKS.md sections of the client benchmark: its targets, its tables, its profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.contestants import NAMES
from bench.report_format import Results, Section, Target, cell, fmt, median, mr, not_measured

# (target text, ratio name, test of the ratio's median)
_RATIO_TARGETS: list[tuple[str, str, Callable[[float], bool]]] = [
    (
        "ciogen typed call ≤ 1.5x floor, sender idle",
        "ciogen/floor us_per_call idle",
        lambda v: v <= 1.5,
    ),
    (
        "ciogen typed call ≤ 1.5x floor, sender running",
        "ciogen/floor us_per_call running",
        lambda v: v <= 1.5,
    ),
    (
        "ciogen call ≥ 2.5x faster than segment `track`, sender idle",
        "segment/ciogen us_per_call idle",
        lambda v: v >= 2.5,
    ),
    (
        "ciogen call ≥ 2.5x faster than segment `track`, sender running",
        "segment/ciogen us_per_call running",
        lambda v: v >= 2.5,
    ),
    ("delivered throughput ≥ 3x segment", "ciogen/segment events_per_s", lambda v: v >= 3),
    (
        "delivered throughput ≥ 25x customerio per-event path",
        "ciogen/customerio events_per_s",
        lambda v: v >= 25,
    ),
]

MEMORY = "≤ 500 bytes per queued event"
WORST = "worst single call < 5 ms"


def _summary(results: Results) -> dict[str, Any]:
    s: dict[str, Any] = (results.get("client") or {}).get("summary", {})
    return s


def _ratio_target(cs: dict[str, Any], text: str, name: str, ok: Callable[[float], bool]) -> Target:
    r = cs.get("ratios", {}).get(name)
    if not r:
        return not_measured(text)
    return {
        "target": text,
        "met": ok(r["median"]),
        "measured": f"{r['median']:.2f}x (min {r['min']:.2f}, max {r['max']:.2f}; `{name}`)",
    }


def _memory_target(ci: dict[str, Any]) -> Target:
    b = ci.get("idle.bytes_per_event_rss")
    if not b:
        return not_measured(MEMORY)
    tm = median(ci.get("tracemalloc.tracemalloc_bytes_per_event"))
    return {
        "target": MEMORY,
        "met": b["median"] <= 500,
        "measured": f"{b['median']:.0f} B RSS delta (min {b['min']:.0f}, max {b['max']:.0f})"
        + (f"; {tm:.0f} B tracemalloc" if tm else ""),
    }


def _worst_call_target(results: Results, cs: dict[str, Any], ci: dict[str, Any]) -> Target:
    worst = ci.get("worst_call_ms")
    if worst is None:
        return not_measured(WORST)
    idle, running = (median(ci.get(f"{m}.max_ms")) for m in ("idle", "running"))
    floor_worst = cs.get("impls", {}).get("floor", {}).get("worst_call_ms")
    slow_vals = [(ci.get(f"{m}.calls_over_5ms") or {}).get("max") for m in ("idle", "running")]
    present = [v for v in slow_vals if v is not None]
    n_calls = ((results.get("client") or {}).get("config") or {}).get("n", 0)
    slow = (
        f"; calls over 5 ms in a {n_calls:,}-call run: max {int(max(present))}" if present else ""
    )
    return {
        "target": WORST,
        "met": worst < 5.0,
        "measured": f"{worst:.2f} ms worst of all runs (median per-run max: idle "
        f"{fmt(idle, 2)} ms, running {fmt(running, 2)} ms; the floor's worst: "
        f"{fmt(floor_worst, 2)} ms){slow}",
    }


def targets(results: Results) -> list[Target]:
    cs = _summary(results)
    ci = cs.get("impls", {}).get("ciogen", {})
    out = [_ratio_target(cs, text, name, ok) for text, name, ok in _RATIO_TARGETS]
    return [*out, _memory_target(ci), _worst_call_target(results, cs, ci)]


def _intro(cfg: dict[str, Any]) -> str:
    sink = cfg.get("sink_capacity_events_per_s")
    return (
        f"{cfg.get('n', 0):,} events of a 5-property event ({cfg.get('n_customerio', 0):,} for the "
        f"per-event `customerio` path), {cfg.get('reps', '?')} repetition(s); each cell is the median "
        "(min-max) over repetitions, each repetition a fresh process per contestant and mode. "
        "Per-call figures include ~0.1-0.2 µs of timing harness (a timestamp per call)."
        + (
            f" The sink alone absorbed {sink:,.0f} events/s from one "
            "Python keep-alive connection this run, so it is not what limits delivery."
            if sink
            else ""
        )
    )


def _contestant_row(impl: str, d: dict[str, Any]) -> str:
    tm = median(d.get("tracemalloc.tracemalloc_bytes_per_event"))
    mem = mr(d.get("idle.bytes_per_event_rss"), 0) + (
        f"; traced {tm:.0f}" if tm is not None else ""
    )
    return (
        f"| {NAMES.get(impl, impl)} | {mr(d.get('idle.us_per_call'), 2)} | "
        f"{mr(d.get('running.us_per_call'), 2)} | "
        f"{fmt(median(d.get('running.p50_us')))} / {fmt(median(d.get('running.p99_us')))} | "
        f"{fmt(d.get('worst_call_ms'), 2)} | {mr(d.get('running.events_per_s'), thousands=True)} | "
        f"{mem} | {mr(d.get('idle.peak_rss_mb'), 0)} |"
    )


def _ratios_and_errors(cs: dict[str, Any]) -> list[str]:
    lines = ["", "Ratios, computed inside each repetition (median, min-max):", ""]
    lines += ["| ratio | median | min-max |", "|---|---|---|"]
    for name, r in cs.get("ratios", {}).items():
        lines.append(f"| `{name}` | {r['median']:.2f} | {r['min']:.2f}-{r['max']:.2f} |")
    errs = {i: d["errors"] for i, d in cs.get("impls", {}).items() if d.get("errors")}
    if errs:
        lines += ["", "Errors during the run:", ""]
        lines += [f"- {i}: `{cell(e[:300])}`" for i, es in errs.items() for e in es]
    return lines


def throughput(results: Results) -> list[str]:
    """The contestants table and the same-run ratios."""
    client = results.get("client") or {}
    cfg, cs = client.get("config", {}), client.get("summary", {})
    if not cs:
        return []
    lines = ["### Client throughput", "", _intro(cfg), ""]
    lines += [
        "| contestant | µs/call, sender idle | µs/call, sender running | p50 / p99 µs (running) "
        "| worst call ms (all runs) | delivered events/s | bytes/queued event: RSS; tracemalloc "
        f"| peak RSS MB ({cfg.get('n', 0):,} queued) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [_contestant_row(impl, d) for impl, d in cs.get("impls", {}).items()]
    lines += [
        f"| {NAMES.get(impl, impl)} | skipped: {cell(why)} | | | | | | |"
        for impl, why in client.get("skipped", {}).items()
    ]
    return [*lines, *_ratios_and_errors(cs), ""]


def _pyinstrument(text: str | None) -> list[str]:
    if not text:
        return []
    tree = "\n".join(text.strip().splitlines()[:60])
    return [
        "",
        "<details><summary>pyinstrument call tree</summary>",
        "",
        "```",
        tree,
        "```",
        "",
        "</details>",
    ]


def profile(results: Results) -> list[str]:
    """cProfile of the typed call: where a ciogen call spends its time."""
    prof = (results.get("client") or {}).get("profile") or {}
    title = "### Where a ciogen call spends its time"
    if not prof.get("cprofile_top"):
        return (
            [title, "", f"Profile failed: `{prof['error'][:300]}`", ""] if prof.get("error") else []
        )
    lines = [
        title,
        "",
        f"cProfile of {prof.get('n', 0):,} `client.item_viewed(...)` calls, sender paused "
        f"({prof.get('cprofile_us_per_call', 0):.1f} µs/call under the profiler). "
        "Top functions by own time:",
        "",
        "| function | calls | own time % | own µs/call | cumulative µs/call |",
        "|---|---|---|---|---|",
    ]
    total = prof.get("cprofile_total_s") or 1.0
    n = prof.get("n") or 1
    for row in prof["cprofile_top"][:12]:
        lines.append(
            f"| `{row['function']}` | {row['calls']:,} | {100 * row['tottime_s'] / total:.1f} | "
            f"{row['tottime_s'] / n * 1e6:.2f} | {row['cumtime_s'] / n * 1e6:.2f} |"
        )
    return [*lines, *_pyinstrument(prof.get("pyinstrument")), ""]


THROUGHPUT = Section("client throughput", throughput, targets)
PROFILE = Section("client profile", profile)
