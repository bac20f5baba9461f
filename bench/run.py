"""Run every ciogen benchmark and rewrite BENCHMARKS.md and docs/benchmarks.png.

    python -m bench.run            # full run (≈ 20 min on 2 cores)
    python -m bench.run --quick    # small N, one repetition, results to bench/results/quick.json only
    python -m bench.run --from-results bench/results/latest.json   # re-render docs only

The peers' virtual environments are created under ``bench/.venvs`` on first use
(``--no-create-venvs`` skips peers whose venv is missing instead).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

if not __package__:  # python bench/run.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import client as cbench
from bench import generator as gbench
from bench import report, venvs

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
MD = os.path.join(REPO, "BENCHMARKS.md")
PNG = os.path.join(REPO, "docs", "benchmarks.png")
RESULTS = os.path.join(BENCH_DIR, "results")

# BENCHMARKS.md keeps its hand-written prose; only the block between report.START and
# report.END is rewritten. This is the file's start when it does not exist yet.
TEMPLATE = """# Benchmarks

The tables below are rewritten by `python -m bench.run`; everything else in this
file is hand-written. Each target is a ratio against a peer measured in the same run.

"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def env_info(argv: list[str], quick: bool) -> dict[str, Any]:
    cpu_model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "generator", "templates"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        if dirty:
            commit += " + uncommitted generator/templates changes"
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    return {
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "commit": commit,
        "command": "python -m bench.run" + ("".join(" " + a for a in argv) if argv else ""),
        "quick": quick,
        "pins": venvs.pins(),
    }


def render_chart(results_path: str, png: str) -> str:
    """Render with an interpreter that has matplotlib; returns how (or why not)."""
    chart = os.path.join(BENCH_DIR, "chart.py")
    candidates = []
    try:
        import matplotlib  # noqa: F401

        candidates.append(sys.executable)
    except ImportError:
        pass
    if not candidates:
        try:
            candidates.append(venvs.ensure("tools", log=log))
        except venvs.VenvUnavailable as e:
            return f"no matplotlib: {e}"
    os.makedirs(os.path.dirname(png), exist_ok=True)
    p = subprocess.run(
        [candidates[0], chart, results_path, png],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    if p.returncode != 0:
        return "chart failed: " + p.stderr[-800:]
    return f"rendered with {candidates[0]}"


def write_docs(results: dict[str, Any], results_path: str, md: str, png: str) -> None:
    report.update_benchmarks_md(md, report.markdown(results), TEMPLATE)
    log(f"wrote {os.path.relpath(md, REPO)}")
    log(f"{os.path.relpath(png, REPO)}: {render_chart(results_path, png)}")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument(
        "--quick", action="store_true", help="small N, one repetition; don't touch the docs"
    )
    p.add_argument("--reps", type=int, help="client repetitions (default 5)")
    p.add_argument("--n", type=int, help="events per client run (default 100,000)")
    p.add_argument(
        "--n-customerio", type=int, help="events for the per-event customerio path (default 5,000)"
    )
    p.add_argument(
        "--gen-reps", type=int, help="generator repetitions (default 5; 3 at 10,000 events)"
    )
    p.add_argument("--sizes", help="generator sizes, comma-separated (default 10,100,1000,10000)")
    p.add_argument("--impls", default=",".join(cbench.IMPLS), help="client contestants")
    for name in BENCHMARKS:
        p.add_argument(
            f"--skip-{name}", action="store_true", help=f"don't run the {name} benchmark"
        )
    p.add_argument("--no-datamodel", action="store_true")
    p.add_argument(
        "--no-create-venvs", action="store_true", help="skip peers whose venv is missing"
    )
    p.add_argument("--customerio-transport", choices=("tls", "http"), default="tls")
    p.add_argument("--no-profile", action="store_true", help="skip both profiles")
    p.add_argument(
        "--gen-profile-size", type=int, help="events in the profiled generate (default 1,000)"
    )
    p.add_argument(
        "--results",
        help="results JSON path (default bench/results/latest.json, quick.json with --quick)",
    )
    p.add_argument("--write-docs", action="store_true", help="rewrite the docs even with --quick")
    p.add_argument(
        "--no-docs", action="store_true", help="don't rewrite BENCHMARKS.md / docs/benchmarks.png"
    )
    p.add_argument("--md", default=MD)
    p.add_argument("--png", default=PNG)
    p.add_argument(
        "--from-results", metavar="JSON", help="only re-render the docs from a results file"
    )
    return p


def _bench_package() -> tuple[str | None, str | None, str]:
    """(temporary folder, package dir, why not) for the generated package the client benchmark measures."""
    ok, why = gbench.generator_available()
    if not ok:
        return None, None, why
    tmp = tempfile.mkdtemp(prefix="ciogen-benchpkg-")
    try:
        pkg_dir = gbench.generate_bench_package(tmp)
    except RuntimeError as e:
        return tmp, None, str(e)
    ok, why = gbench.check_bench_package(pkg_dir)
    return tmp, (pkg_dir if ok else None), why


def run_client(a: argparse.Namespace) -> dict[str, Any]:
    impls = tuple(x for x in a.impls.split(",") if x)
    tmp, pkg_dir, why = _bench_package() if "ciogen" in impls else (None, None, "")
    try:
        res = cbench.run_client_bench(
            n=a.n or (2_000 if a.quick else 100_000),
            n_customerio=a.n_customerio or (200 if a.quick else 5_000),
            reps=a.reps or (1 if a.quick else 5),
            impls=impls,
            pkg_dir=pkg_dir,
            create_venvs=not a.no_create_venvs,
            customerio_transport=a.customerio_transport,
            tracemalloc=True,
            profile_n=0 if a.no_profile else (2_000 if a.quick else 20_000),
            log=log,
        )
        if "ciogen" in impls and not pkg_dir:
            res["skipped"]["ciogen"] = why or "generator unavailable"
        return res
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def run_generator(a: argparse.Namespace) -> dict[str, Any]:
    default_sizes = (10, 100) if a.quick else gbench.SIZES
    sizes = tuple(int(x) for x in a.sizes.split(",")) if a.sizes else default_sizes
    return gbench.run_generator_bench(
        sizes=sizes,
        reps=a.gen_reps or (1 if a.quick else 5),
        reps_large=3,
        with_datamodel=not a.no_datamodel,
        create_venvs=not a.no_create_venvs,
        profile_size=0 if a.no_profile else (a.gen_profile_size or (100 if a.quick else 1_000)),
        log=log,
    )


# name -> runner: each result lands in results[name]; ``--skip-<name>`` skips it.
# A new benchmark adds its runner here and its report section in bench/report.py.
BENCHMARKS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "client": run_client,
    "generator": run_generator,
}


def _resummarize(results: dict[str, Any]) -> None:
    """Recompute the summaries from the raw runs (the summary code may be newer)."""
    c = results.get("client") or {}
    if c.get("runs"):
        c["summary"] = cbench.summarize(c["runs"], c["config"]["reps"])
    g = results.get("generator") or {}
    if g.get("runs"):
        g["summary"] = gbench.summarize(g["runs"])


def _previous(path: str) -> dict[str, Any]:
    """The results this run replaces (a skipped benchmark's are carried over), or {}."""
    try:
        with open(path) as f:
            found: dict[str, Any] = json.load(f)
    except (OSError, ValueError):
        return {}
    return found


def _save(results: dict[str, Any], path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(results, f, indent=1)
    os.replace(path + ".tmp", path)
    log(f"wrote {os.path.relpath(path, REPO)} ({results['env']['duration_s']} s)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    a = _parser().parse_args(argv)
    if a.from_results:
        with open(a.from_results) as f:
            results: dict[str, Any] = json.load(f)
        _resummarize(results)
        write_docs(results, a.from_results, a.md, a.png)
        return 0
    results_path = a.results or os.path.join(RESULTS, "quick.json" if a.quick else "latest.json")
    results = {"env": env_info(argv, a.quick)}
    previous = _previous(results_path) if not a.quick else {}
    t_start = time.monotonic()
    for name, run in BENCHMARKS.items():
        if not getattr(a, f"skip_{name}"):
            log(f"== {name}")
            results[name] = run(a)
        elif name in previous:
            # A skipped benchmark keeps its last results (the docs say from when).
            results[name] = previous[name]
            old = previous.get("env", {})
            when = old.get("carried_over", {}).get(name) or (
                f"{old.get('date', '?')}, commit {old.get('commit', '?')}"
            )
            results["env"].setdefault("carried_over", {})[name] = when
    results["env"]["duration_s"] = round(time.monotonic() - t_start, 1)
    _save(results, results_path)
    if not a.no_docs and (not a.quick or a.write_docs):
        write_docs(results, results_path, a.md, a.png)
    for t in report.targets(results):
        log(f"  {report.mark(t['met']):<16} {t['target']}: {t['measured']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
