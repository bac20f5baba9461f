"""Summaries of the client benchmark's raw runs: per-contestant figures and same-run ratios.

Every ratio is computed inside one repetition (both sides measured minutes
apart at most), then summarized over repetitions: on a shared machine the
ratio is the figure that holds when the absolute times drift.
"""

from __future__ import annotations

from typing import Any

from bench.contestants import IMPLS
from bench.stats import median_range

# (numerator, denominator, key, mode): the ratio "num/den key mode" of one repetition.
# Throughput (events_per_s) is measured with the sender running only, so its name has no mode.
_RATIOS: list[tuple[str, str, str, str]] = [
    ("ciogen", "floor", "us_per_call", "idle"),
    ("ciogen", "floor", "us_per_call", "running"),
    ("ciogen", "floor", "cpu_us_per_call", "idle"),
    ("ciogen", "floor", "cpu_us_per_call", "running"),
    ("segment", "ciogen", "us_per_call", "idle"),
    ("segment", "ciogen", "us_per_call", "running"),
    ("cdp", "ciogen", "us_per_call", "idle"),
    ("cdp", "ciogen", "us_per_call", "running"),
    ("ciogen", "segment", "events_per_s", "running"),
    ("ciogen", "cdp", "events_per_s", "running"),
    ("ciogen", "customerio", "events_per_s", "running"),
    ("ciogen", "floor", "events_per_s", "running"),
    ("segment", "floor", "us_per_call", "idle"),
]

_LATENCY = ["us_per_call", "cpu_us_per_call", "p50_us", "p99_us", "max_ms", "calls_over_5ms"]
METRICS = {
    "idle": [*_LATENCY, "bytes_per_event_rss", "peak_rss_mb"],
    "running": [*_LATENCY, "events_per_s", "peak_rss_mb"],
    "tracemalloc": ["tracemalloc_bytes_per_event"],
}


def ratio_name(num: str, den: str, key: str, mode: str) -> str:
    return f"{num}/{den} {key}" + ("" if key == "events_per_s" else f" {mode}")


def _index(runs: list[dict[str, Any]]) -> dict[tuple[Any, Any, Any], dict[str, Any]]:
    """(rep, impl, mode) -> the first run measured there."""
    by: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for r in runs:
        by.setdefault((r.get("rep"), r.get("impl"), r.get("mode")), r)
    return by


def _value(run: dict[str, Any] | None, key: str) -> float | None:
    v = run.get(key) if run else None
    return float(v) if v is not None else None


def _impl_summary(
    runs: list[dict[str, Any]], by: dict[Any, Any], impl: str, reps: int
) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for mode, keys in METRICS.items():
        for key in keys:
            mr = median_range(_value(by.get((rep, impl, mode)), key) for rep in range(reps))
            if mr:
                d[f"{mode}.{key}"] = mr
    mine = [r for r in runs if r.get("impl") == impl]
    worst = [r["max_ms"] for r in mine if r.get("mode") in ("idle", "running") and "max_ms" in r]
    if worst:
        d["worst_call_ms"] = max(worst)  # worst single call over both modes and all reps
    errors = [r["error"] for r in mine if r.get("error")]
    if errors:
        d["errors"] = errors[:5]
    return d


def _ratio(
    by: dict[Any, Any], reps: int, num: str, den: str, key: str, mode: str
) -> dict[str, float] | None:
    vals = []
    for rep in range(reps):
        a = _value(by.get((rep, num, mode)), key)
        b = _value(by.get((rep, den, mode)), key)
        if a is not None and b:
            vals.append(a / b)
    return median_range(vals)


def summarize(runs: list[dict[str, Any]], reps: int) -> dict[str, Any]:
    impls = sorted({r["impl"] for r in runs}, key=lambda i: IMPLS.index(i) if i in IMPLS else 99)
    by = _index(runs)
    ratios: dict[str, Any] = {}
    for num, den, key, mode in _RATIOS:
        mr = _ratio(by, reps, num, den, key, mode)
        if mr:
            ratios[ratio_name(num, den, key, mode)] = mr
    return {"impls": {i: _impl_summary(runs, by, i, reps) for i in impls}, "ratios": ratios}
