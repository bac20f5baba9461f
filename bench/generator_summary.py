"""Summaries of the generator benchmark's runs: medians per tool and size, same-run ratios, scaling.

A ``ciogen check`` that exits 1 did its whole job (build + diff) but found the
fresh output out of date: it is timed like a success and counted as drift.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from bench.stats import median_range


def _is_drift(r: dict[str, Any]) -> bool:
    return bool(r.get("drift")) or (str(r["tool"]).startswith("ciogen check") and r.get("rc") == 1)


def _per_tool_and_size(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """tool -> str(events) -> wall/cpu/rss median and spread, failures, drift, output size."""
    out: dict[str, Any] = {}
    for r in runs:
        d = out.setdefault(r["tool"], {}).setdefault(
            str(r["events"]), {"wall": [], "cpu": [], "rss": [], "failed": 0}
        )
        if _is_drift(r):
            d["drift"] = d.get("drift", 0) + 1
        if r.get("rc") == 0 or _is_drift(r):
            d["wall"].append(r["wall_s"])
            d["cpu"].append(r["cpu_s"])
            d["rss"].append(r["peak_rss_mb"])
            if "bytes" in r:
                d["output_bytes"] = r["bytes"]
                d["output_files"] = r["files"]
        else:
            d["failed"] += 1
            d["error"] = r.get("stderr_tail", "")[-500:]
    for tool in out.values():
        for d in tool.values():
            for key in ("wall", "cpu", "rss"):
                d[key] = median_range(d.pop(key))
    return out


def _ratios(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """datamodel-codegen / ciogen generate wall time, inside each repetition (same rep, same size)."""
    by = {(r["tool"], r["events"], r["rep"]): r["wall_s"] for r in runs if r.get("rc") == 0}
    ratios: dict[str, Any] = {}
    for size in sorted({r["events"] for r in runs}):
        vals = [
            by[("datamodel-codegen", s, rep)] / wall
            for (tool, s, rep), wall in by.items()
            if tool == "ciogen generate" and s == size and ("datamodel-codegen", s, rep) in by
        ]
        mr = median_range(vals)
        if mr:
            ratios[f"datamodel/ciogen wall {size}"] = mr
    return ratios


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    tools = _per_tool_and_size(runs)
    return {"tools": tools, "ratios": _ratios(runs), "scaling": _scaling(tools)}


def _scaling(tools: dict[str, Any]) -> dict[str, Any]:
    """Marginal cost per event between sizes, and the log-log slope (1.0 = linear)."""
    res: dict[str, Any] = {}
    for tool, per in tools.items():
        pts = sorted((int(s), d["wall"]["median"]) for s, d in per.items() if d.get("wall"))
        if len(pts) < 2:
            continue
        marg = []
        for (n0, t0), (n1, t1) in itertools.pairwise(pts):
            marg.append({"from": n0, "to": n1, "ms_per_event": (t1 - t0) / (n1 - n0) * 1000})
        slope = None
        big = [(n, t) for n, t in pts if n >= 1000]
        if len(big) >= 2:
            (n0, t0), (n1, t1) = big[0], big[-1]
            base = pts[0][1]  # startup cost ~ the smallest size
            if t1 > base and t0 > base:
                slope = math.log((t1 - base) / (t0 - base)) / math.log(n1 / n0)
        res[tool] = {"marginal": marg, "loglog_slope_above_startup": slope}
    return res
