"""Render docs/benchmarks.png from a results JSON (matplotlib, Agg backend).

``python bench/chart.py bench/results/latest.json docs/benchmarks.png``
(``bench/run.py`` calls it with an interpreter that has matplotlib: the running
one, or ``bench/.venvs/tools``).
"""

from __future__ import annotations

import json
import sys
from typing import Any

LABELS = {
    "ciogen": "ciogen\n(typed)",
    "floor": "pure-Python\nfloor",
    "segment": "segment\nanalytics",
    "cdp": "customerio-cdp\nanalytics",
    "customerio": "customerio\n(per event)",
}
COLORS = {
    "ciogen": "#2b6cb0",
    "floor": "#718096",
    "segment": "#dd6b20",
    "cdp": "#d69e2e",
    "customerio": "#9b2c2c",
}
GEN_COLORS = {
    "ciogen generate": "#2b6cb0",
    "ciogen check": "#63b3ed",
    "ciogen check, no stored build": "#805ad5",
    "datamodel-codegen": "#dd6b20",
}


def _mr(d: dict[str, Any] | None) -> tuple[float, float, float] | None:
    if not d:
        return None
    return d["median"], d["median"] - d["min"], d["max"] - d["median"]


def _bars(
    ax: Any,
    client: dict[str, Any],
    order: list[str],
    key: str,
    offset: float,
    width: float,
    label_fmt: str,
    **kw: Any,
) -> None:
    """One bar per contestant (median, min-max error bar), labelled with its median."""
    xs: list[float] = []
    ys: list[float] = []
    lo: list[float] = []
    hi: list[float] = []
    cs: list[str] = []
    for i, impl in enumerate(order):
        v = _mr(client[impl].get(key))
        if v:
            xs.append(i + offset)
            ys.append(v[0])
            lo.append(v[1])
            hi.append(v[2])
            cs.append(COLORS[impl])
    ax.bar(xs, ys, width, yerr=[lo, hi], color=cs, capsize=3, **kw)
    for x, y, h in zip(xs, ys, hi, strict=True):
        _label(ax, format(y, label_fmt), x, y + h)


def _label(ax: Any, text: str, x: float, y: float) -> None:
    ax.annotate(
        text,
        (x, y),
        ha="center",
        va="bottom",
        fontsize=8,
        xytext=(0, 2),
        textcoords="offset points",
    )


def _caller_cost(ax: Any, client: dict[str, Any], order: list[str]) -> None:
    width = 0.38
    for k, (mode, hatch) in enumerate((("idle", ""), ("running", "//"))):
        _bars(ax, client, order, f"{mode}.us_per_call", (k - 0.5) * width, width, ".1f",
              hatch=hatch, edgecolor="white", label=f"sender {mode}")  # fmt: skip
    ax.set_xticks(range(len(order)), [LABELS[i] for i in order], fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("caller cost per call (µs, log)")
    ax.set_title("Caller cost per event (lower is better)")
    ax.legend(fontsize=8)


def _throughput(ax: Any, client: dict[str, Any], order: list[str]) -> None:
    _bars(ax, client, order, "running.events_per_s", 0.0, 0.6, ",.0f")
    ax.set_xticks(range(len(order)), [LABELS[i] for i in order], fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("delivered events/s (log)")
    ax.set_title("Delivered throughput, first call → last event at sink (higher is better)")


def _memory(ax: Any, client: dict[str, Any], order: list[str]) -> None:
    qorder = [i for i in order if client[i].get("idle.bytes_per_event_rss")]
    xs = list(range(len(qorder)))
    rss = [client[i]["idle.bytes_per_event_rss"]["median"] for i in qorder]
    traced = [
        (client[i].get("tracemalloc.tracemalloc_bytes_per_event") or {}).get("median", 0)
        for i in qorder
    ]
    colors = [COLORS[i] for i in qorder]
    ax.bar([x - 0.2 for x in xs], rss, 0.4, color=colors, label="RSS delta")
    ax.bar([x + 0.2 for x in xs], traced, 0.4, color=colors, alpha=0.45, label="tracemalloc")
    for x, y in zip(xs, rss, strict=True):
        _label(ax, f"{y:,.0f}", x - 0.2, y)
    ax.axhline(500, color="#2f855a", linestyle="--", linewidth=1, label="target 500 B")
    ax.set_xticks(xs, [LABELS[i] for i in qorder], fontsize=8)
    ax.set_ylabel("bytes per queued event")
    ax.set_title("Memory per queued event, sender paused (lower is better)")
    ax.legend(fontsize=8)


def _generator(ax: Any, tools: dict[str, Any]) -> None:
    for tool, per in tools.items():
        pts = sorted((int(s), d["wall"]) for s, d in per.items() if d.get("wall"))
        if not pts:
            continue
        ns = [p[0] for p in pts]
        med = [p[1]["median"] for p in pts]
        lo = [p[1]["median"] - p[1]["min"] for p in pts]
        hi = [p[1]["max"] - p[1]["median"] for p in pts]
        ax.errorbar(
            ns, med, yerr=[lo, hi], marker="o", capsize=3, label=tool, color=GEN_COLORS.get(tool)
        )
    failures = [
        f"{tool} failed at {int(size):,} events"
        for tool, per in tools.items()
        for size, d in sorted(per.items(), key=lambda kv: int(kv[0]))
        if d.get("failed") and not d.get("wall")
    ]
    if failures:
        ax.text(0.98, 0.03, "\n".join(failures), transform=ax.transAxes, ha="right", va="bottom",
                fontsize=8, color="#9b2c2c")  # fmt: skip
    ax.axhline(1.0, color="#2f855a", linestyle="--", linewidth=1, label="1 s")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("events in taxonomy (8 properties each)")
    ax.set_ylabel("process wall time (s, log)")
    ax.set_title("Generator scaling (lower is better)")
    ax.legend(fontsize=8)


def render(results: dict[str, Any], out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    client = (results.get("client") or {}).get("summary", {}).get("impls", {})
    order = [i for i in ("ciogen", "floor", "segment", "cdp", "customerio") if i in client]
    _caller_cost(axes[0][0], client, order)
    _throughput(axes[0][1], client, order)
    _memory(axes[1][0], client, order)
    _generator(axes[1][1], (results.get("generator") or {}).get("summary", {}).get("tools", {}))
    env = results.get("env", {})
    fig.suptitle(
        f"ciogen benchmarks — {env.get('date', '')}, Python {env.get('python', '')}, "
        f"{env.get('cpus', '?')} CPUs; medians with min-max over repetitions",
        fontsize=11,
    )
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main() -> None:
    src, out = sys.argv[1], sys.argv[2]
    with open(src) as f:
        render(json.load(f), out)


if __name__ == "__main__":
    main()
