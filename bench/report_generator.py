"""BENCHMARKS.md sections of the generator benchmark: its targets, its scaling table, its profile."""

from __future__ import annotations

from typing import Any

from bench.report_format import Results, Section, Target, cell, fmt, last_line, mr, not_measured

ONE_K = "1,000-event taxonomy generates in < 1.5 s"
CHECK_1K = "`ciogen check` of a 1,000-event taxonomy in < 1 s"
LINEAR = "linear to 10,000 events"
VS_DATAMODEL = "generate faster than datamodel-code-generator"
TOOLS = ("ciogen generate", "ciogen check", "ciogen check, no stored build", "datamodel-codegen")


def _summary(results: Results) -> dict[str, Any]:
    s: dict[str, Any] = (results.get("generator") or {}).get("summary", {})
    return s


def _failed(gen: dict[str, Any]) -> dict[int, str]:
    """events -> error, for the sizes where ``ciogen generate`` never succeeded."""
    return {
        int(s): d.get("error", "") for s, d in gen.items() if d.get("failed") and not d.get("wall")
    }


def _one_k_target(gen: dict[str, Any], failed: dict[int, str]) -> Target:
    g1k = (gen.get("1000") or {}).get("wall")
    if g1k:
        cpu = (gen["1000"].get("cpu") or {}).get("median")
        return {
            "target": f"{ONE_K} (process wall time)",
            "met": g1k["median"] < 1.5,
            "measured": f"{g1k['median']:.2f} s wall (min {g1k['min']:.2f}, max {g1k['max']:.2f})"
            + (f", {cpu:.2f} s CPU" if cpu is not None else ""),
        }
    if 1000 in failed:
        return {
            "target": ONE_K,
            "met": False,
            "measured": f"generate failed at 1,000 events: {last_line(failed[1000])}",
        }
    return not_measured(ONE_K)


def _check_target(tools: dict[str, Any]) -> Target:
    """`check` after `generate` (the stored build), with the full rebuild beside it."""
    stored = ((tools.get("ciogen check") or {}).get("1000") or {}).get("wall")
    rebuild = ((tools.get("ciogen check, no stored build") or {}).get("1000") or {}).get("wall")
    if not stored:
        return not_measured(CHECK_1K)
    text = f"{stored['median']:.2f} s wall (min {stored['min']:.2f}, max {stored['max']:.2f})"
    if rebuild:
        text += f"; without the stored build {rebuild['median']:.2f} s"
    return {
        "target": f"{CHECK_1K} (unchanged plan, process wall time)",
        "met": stored["median"] < 1.0,
        "measured": text,
    }


def _linear_target(gen: dict[str, Any], failed: dict[int, str]) -> Target:
    if 10000 in failed:
        return {
            "target": LINEAR,
            "met": False,
            "measured": f"generate failed at 10,000 events: {last_line(failed[10000])}",
        }
    w = {int(s): d["wall"]["median"] for s, d in gen.items() if d.get("wall")}
    if not {10, 1000, 10000} <= set(w):
        return not_measured(LINEAR)
    base = w[10]
    growth = (w[10000] - base) / max(w[1000] - base, 1e-9)
    return {
        "target": f"{LINEAR} (time above startup grows ≤ 12x from 1k to 10k; 10x = linear)",
        "met": growth <= 12.0,
        "measured": f"{growth:.1f}x ({w[1000]:.2f} s → {w[10000]:.2f} s, startup ≈ {base:.2f} s)",
    }


def _datamodel_target(gs: dict[str, Any], failed: dict[int, str]) -> Target:
    rs = {k: v for k, v in gs.get("ratios", {}).items() if k.startswith("datamodel/ciogen wall")}
    by_size = sorted(rs.items(), key=lambda kv: int(kv[0].rsplit(" ", 1)[1]))
    parts = ", ".join(f"{k.rsplit(' ', 1)[1]}: {v['median']:.1f}x" for k, v in by_size)
    text = f"{VS_DATAMODEL} (every size)"
    if failed:
        sizes = ", ".join(f"{n:,}" for n in sorted(failed))
        elsewhere = f"; elsewhere datamodel-codegen / ciogen: {parts}" if rs else ""
        return {
            "target": text,
            "met": False,
            "measured": f"ciogen generate failed at {sizes} events{elsewhere}",
        }
    if not rs:
        return not_measured(VS_DATAMODEL)
    worst = min(v["median"] for v in rs.values())
    return {
        "target": text,
        "met": worst > 1.0,
        "measured": f"datamodel-codegen / ciogen wall time: {parts}",
    }


def targets(results: Results) -> list[Target]:
    gs = _summary(results)
    gen = gs.get("tools", {}).get("ciogen generate", {})
    failed = _failed(gen)
    return [
        _one_k_target(gen, failed),
        _check_target(gs.get("tools", {})),
        _linear_target(gen, failed),
        _datamodel_target(gs, failed),
    ]


def _cells(tools: dict[str, Any], tool: str, size: int) -> list[str]:
    """wall, CPU and peak-memory cells of one tool at one size."""
    d = tools[tool].get(str(size), {})
    if d.get("failed") and not d.get("wall"):
        return ["failed", "", ""]
    if (
        not d
        and tool.startswith("ciogen check")
        and tools.get("ciogen generate", {}).get(str(size), {}).get("failed")
    ):
        return ["not run (generate failed)", "", ""]
    wall = mr(d.get("wall"), 2)
    if d.get("drift"):
        wall += f" (check saw drift in {d['drift']} run(s))"
    return [
        wall,
        fmt((d.get("cpu") or {}).get("median"), 2),
        fmt((d.get("rss") or {}).get("median"), 0),
    ]


def _table(gs: dict[str, Any]) -> list[str]:
    tools = gs.get("tools", {})
    names = [t for t in TOOLS if t in tools]
    head = "| events | " + " | ".join(f"{t} wall s | {t} CPU s | {t} peak MB" for t in names)
    lines = [head + " | datamodel / ciogen wall |", "|" + "---|" * (1 + 3 * len(names) + 1)]
    for s in sorted({int(s) for t in tools.values() for s in t}):
        cells = [c for t in names for c in _cells(tools, t, s)]
        r = gs.get("ratios", {}).get(f"datamodel/ciogen wall {s}")
        rcell = f"{r['median']:.1f}x ({r['min']:.1f}-{r['max']:.1f})" if r else "—"
        lines.append(f"| {s:,} | " + " | ".join(cells) + f" | {rcell} |")
    return lines


def _marginal(gs: dict[str, Any]) -> list[str]:
    sc = gs.get("scaling", {})
    if not sc:
        return []
    lines = ["", "Marginal cost per event (ms, between consecutive sizes):", ""]
    for t, d in sc.items():
        marg = ", ".join(
            f"{m['from']:,}→{m['to']:,}: {m['ms_per_event']:.3f}" for m in d["marginal"]
        )
        slope = d.get("loglog_slope_above_startup")
        lines.append(
            f"- {t}: {marg}"
            + (f"; log-log slope above startup 1k→10k: {slope:.2f}" if slope is not None else "")
        )
    return lines


def _failures(tools: dict[str, Any]) -> list[str]:
    errs = [
        (t, s, d["error"]) for t, per in tools.items() for s, d in per.items() if d.get("error")
    ]
    if not errs:
        return []
    return ["", "Failures:", "", *(f"- {t} @ {s} events: {last_line(e)}" for t, s, e in errs)]


def scaling(results: Results) -> list[str]:
    """Wall, CPU and memory per tool and size, the same-run ratio to datamodel-codegen, marginal cost."""
    gen = results.get("generator") or {}
    gs = gen.get("summary", {})
    if not gs.get("tools") and not gen.get("skipped"):
        return []
    gcfg = gen.get("config", {})
    lines = [
        "### Generator scaling",
        "",
        f"Synthetic taxonomies, 8 properties per event; {gcfg.get('reps', '?')} repetition(s) "
        f"({gcfg.get('reps_large', '?')} at 10,000 events). Process wall time (s), median (min-max); "
        "peak RSS (MB) of the largest process in the command's tree.",
        "",
        *_table(gs),
    ]
    lines += [f"\n{t}: skipped — {cell(why)}" for t, why in gen.get("skipped", {}).items()]
    return [*lines, *_marginal(gs), *_failures(gs.get("tools", {})), ""]


_WRAPPERS = ("(main)", "(run)")  # the CLI's entry points: 100% cumulative, nothing to learn


def _is_wrapper(function: str) -> bool:
    return function.startswith("generator/__main__.py") or (
        function.startswith("generator/cli.py") and function.endswith(_WRAPPERS)
    )


def profile(results: Results) -> list[str]:
    """cProfile of one ``ciogen generate``: ciogen's functions by cumulative time, all by own time."""
    gprof = (results.get("generator") or {}).get("profile") or {}
    if not gprof.get("ciogen_by_cumulative"):
        if gprof.get("error"):
            return [
                "### Where `ciogen generate` spends its time",
                "",
                f"Profile failed: {last_line(gprof['error'])}",
                "",
            ]
        return []
    total = gprof.get("total_s") or 1.0
    lines = [
        f"### Where `ciogen generate` spends its time ({gprof.get('events', 0):,} events)",
        "",
        f"cProfile of one `python -m generator generate` ({total:.1f} s under the profiler, "
        "which roughly doubles pure-Python time; waiting for the ruff subprocess shows as "
        "`select.poll`).",
        "",
        "ciogen's own functions by cumulative time:",
        "",
        "| function | calls | cumulative s | % of total |",
        "|---|---|---|---|",
    ]
    own = [r for r in gprof["ciogen_by_cumulative"] if not _is_wrapper(r["function"])]
    lines += [
        f"| `{r['function']}` | {r['calls']:,} | {r['cumtime_s']:.2f} | {100 * r['cumtime_s'] / total:.0f} |"
        for r in own[:12]
    ]
    lines += [
        "",
        "All functions by own time:",
        "",
        "| function | calls | own s | % of total |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{r['function']}` | {r['calls']:,} | {r['tottime_s']:.2f} | {100 * r['tottime_s'] / total:.0f} |"
        for r in gprof["all_by_own_time"][:10]
    ]
    return [*lines, ""]


SCALING = Section("generator scaling", scaling, targets)
PROFILE = Section("generator profile", profile)
