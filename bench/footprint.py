"""Footprint benchmark (issue #10): import, generation, size, generated tests, typed call.

    python -m bench.footprint            # full run; rewrites its block of BENCHMARKS.md
    python -m bench.footprint --quick    # tiny sizes, one repetition (the smoke test's run)
    python -m bench.footprint --only tests   # re-measure the generated tests alone
    python -m bench.footprint --only repo-imports   # ... or this repo's import figures

Every figure is measured in this run next to its peers (see bench/footprint_peers.py):
the bare interpreter, the generator before issue #10, datamodel-code-generator's
pydantic v2 and dataclasses output of the same plan, and plain slotted classes.
Import figures are medians (min-max) over repetitions, each a fresh interpreter with
warm ``.pyc`` files, contestants interleaved so machine load hits all alike.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import yaml

from bench import footprint_peers as peers
from bench import footprint_tests, report_footprint, venvs
from bench.measure import measure, remove_settled

CHILD = os.path.join(peers.BENCH_DIR, "footprint_child.py")
RESULTS = os.path.join(peers.BENCH_DIR, "results", "footprint.json")
MD = os.path.join(peers.REPO, "BENCHMARKS.md")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _json_run(cmd: list[str], cwd: str, what: str) -> dict[str, Any]:
    """The JSON line a measuring process prints last, with the whole run's wall time."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=_env(), cwd=cwd)
    if p.returncode != 0:
        raise RuntimeError(f"{what}: {p.stderr[-1200:]}")
    result: dict[str, Any] = json.loads(p.stdout.splitlines()[-1])
    result["process_ms"] = (time.perf_counter() - t0) * 1000  # the whole `python ...` run
    return result


def child(c: peers.Contestant | None, mode: str, *extra: str) -> dict[str, Any]:
    python = c.python if c else sys.executable
    args = [c.path, c.module] if c else [peers.BENCH_DIR, "-"]
    return _json_run([python, CHILD, mode, *args, *extra], args[0], f"{mode} {args[1]}")


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def _tracking_only(work: str) -> str:
    """This repo's taxonomy without the App API sections the old generator did not know."""
    with open(os.path.join(peers.REPO, "taxonomy.yaml"), encoding="utf-8") as f:
        data = yaml.safe_load(f)
    for key in ("messages", "broadcasts"):
        data.pop(key, None)
    path = os.path.join(work, "repo-tracking.yaml")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f)  # JSON is YAML
    return path


def _label(python: str) -> str:
    """An interpreter's name for the results (no absolute path of this machine)."""
    if sys.prefix in python or python == sys.executable:
        return "this interpreter"
    return os.path.relpath(python, peers.REPO) if python.startswith(peers.REPO) else "peer venv"


def _imports(contestants: dict[str, peers.Contestant], reps: int, use: int) -> dict[str, Any]:
    """Import (and import-then-use) figures, each contestant beside its own bare interpreter."""
    pythons = {c.python for c in contestants.values()}
    samples: dict[str, dict[str, list[float]]] = {}
    for c in contestants.values():
        child(c, "import")  # writes the .pyc files
    for _ in range(reps):
        for python in sorted(pythons):
            bare = child(peers.Contestant("bare", python, peers.BENCH_DIR, "-"), "import")
            row = samples.setdefault(f"bare:{_label(python)}", {})
            row.setdefault("import_ms", []).append(bare["import_ms"])
            row.setdefault("process_ms", []).append(bare["process_ms"])
            row.setdefault("rss_mb", []).append(bare["rss_mb"])
        for name, c in contestants.items():
            row = samples.setdefault(name, {})
            for key, mode, extra in (
                ("import", "import", []),
                ("use1", "use", ["1"]),
                (f"use{use}", "use", [str(use)]),
            ):
                got = child(c, mode, *extra)
                row.setdefault(f"{key}_ms", []).append(got.get("use_ms", got["import_ms"]))
                row.setdefault(f"{key}_process_ms", []).append(got["process_ms"])
                row.setdefault(f"{key}_rss_mb", []).append(got["rss_mb"])
    out: dict[str, Any] = {}
    for name, row in samples.items():
        out[name] = {k: spread(v) for k, v in row.items()}
        if name in contestants:
            out[name]["python"] = _label(contestants[name].python)
    return out


def _generation(
    taxonomy: str,
    work: str,
    reps: int,
    tag: str,
    verbs: tuple[str, ...] = ("generate", "check"),
    extra_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    walls: dict[str, list[float]] = {verb: [] for verb in verbs}
    env = {**_env(), **(extra_env or {})}
    folders = [os.path.join(work, f"gen{tag}{rep}") for rep in range(reps)]
    for folder in folders:  # each repetition into a new folder: see `remove_settled`
        out = os.path.join(folder, f"fpg{tag}")
        for verb in verbs:
            got = measure(peers.ciogen_cmd(verb, taxonomy, out), cwd=work, env=env)
            if got.get("rc") != 0:
                raise RuntimeError(f"ciogen {verb}: {got.get('stderr_tail')}")
            walls[verb].append(got["wall_s"])
    parts = peers.tree_parts(out)
    sizes = {"bytes": sum(parts.values()), "parts": parts}
    for folder in folders:
        remove_settled(folder)
    return {verb: spread(v) for verb, v in walls.items()} | sizes


def _datamodel_generation(schema: str, work: str) -> dict[str, Any] | None:
    try:
        python = venvs.ensure("datamodel", create=True)
    except venvs.VenvUnavailable:
        return None
    codegen = os.path.join(os.path.dirname(python), "datamodel-codegen")
    target = os.path.join(work, "dm-gen.py")
    cmd = [codegen, "--input", schema, "--input-file-type", "jsonschema", "--output", target]
    got = measure([*cmd, "--output-model-type", "pydantic_v2.BaseModel"], env=_env())
    return {"wall_s": got.get("wall_s"), "bytes": os.path.getsize(target)}


def _typed_call(
    now: peers.Contestant, before: peers.Contestant, reps: int, n: int
) -> dict[str, Any]:
    samples: dict[str, list[float]] = {"ciogen": [], "ciogen_before": []}
    for _ in range(reps):
        for name, c in (("ciogen", now), ("ciogen_before", before)):
            samples[name].append(child(c, "call", str(n))["us_per_call"])
    ratios = [a / b for a, b in zip(samples["ciogen"], samples["ciogen_before"], strict=True)]
    return {k: spread(v) for k, v in samples.items()} | {"ratio": spread(ratios)}


def _tables(now: peers.Contestant, quick: bool) -> dict[str, Any]:
    """`bench.footprint_tables` on the plan's package: the table-driven design, measured
    (a failure names the cases on which the two designs disagree)."""
    cmd = [sys.executable, "-m", "bench.footprint_tables", now.path, now.module]
    return _json_run([*cmd, *(["--quick"] if quick else [])], peers.REPO, "footprint_tables")


def _contestants(work: str, n: int, with_peers: bool) -> dict[str, peers.Contestant]:
    taxonomy, schema = peers.write_plan(work, n)
    built = {
        "ciogen": peers.build_ciogen(work, taxonomy, str(n)),
        "ciogen_before": peers.build_before(work, taxonomy, str(n)),
        "floor": peers.build_floor(work, n, str(n)),
    }
    if with_peers:
        for kind in ("pydantic", "dataclasses"):
            try:
                built[f"datamodel_{kind}"] = peers.build_datamodel(work, schema, kind, str(n))
            except (venvs.VenvUnavailable, RuntimeError) as e:
                log(f"  datamodel {kind} skipped: {e}")
    return built


REPO_IMPORT_REPS = 9
"""This repo's package imports in ~0.1 s, so it gets three times the repetitions: with
three, one loaded-machine outlier moved the median by 50 ms (+15.7 ms in one run,
+64.8 ms in the next)."""


def _repo_imports(work: str, reps: int) -> dict[str, Any]:
    repo = {
        "ciogen": peers.Contestant("ciogen", sys.executable, peers.REPO, "generated"),
        "ciogen_before": peers.build_before(work, _tracking_only(work), "r"),
    }
    return _imports(repo, reps, 1)


def run(quick: bool) -> dict[str, Any]:
    n, big, tests_n = (10, 50, 1) if quick else (1_000, 10_000, 40)
    reps = 1 if quick else 3
    work = peers.scratch()
    load_before = os.getloadavg()[0]
    try:
        log(f"== footprint: {n}-event plan and peers")
        contestants = _contestants(work, n, with_peers=not quick)
        log("== imports")
        imports = {
            "plan": _imports(contestants, reps, min(n, 100)),
            "repo": _repo_imports(work, 1 if quick else REPO_IMPORT_REPS),
        }
        log("== generation")
        small_tax, _ = peers.write_plan(work, 2)
        big_tax, big_schema = peers.write_plan(work, big)
        plan_tax, plan_schema = peers.write_plan(work, n)
        generation = {
            "small": _generation(small_tax, work, 1, "s"),
            "plan": _generation(plan_tax, work, reps if not quick else 1, "p"),
            # The same generate kept to one process (no forked renderer, fork_map.py).
            "plan_one_process": _generation(
                plan_tax, work, reps if not quick else 1, "o", ("generate",), {"CIOGEN_JOBS": "1"}
            ),
            # `check` of 10,000 files is left out: it ran for over 8 minutes under load
            # (the output checks' cost at that size; see the report's prose). As many
            # repetitions as the plan's: one 10,000-event run moved by 3 s (21.7 against
            # 24.5 s) between two runs minutes apart, enough to flip the linearity target.
            "big": _generation(big_tax, work, reps if not quick else 1, "b", ("generate",)),
            "datamodel": None if quick else _datamodel_generation(plan_schema, work),
            "sizes": {"small": 2, "plan": n, "big": big},
        }
        log("== typed call")
        call = _typed_call(
            contestants["ciogen"], contestants["ciogen_before"], reps, 200 if quick else 3_000
        )
        log("== table-driven classes")
        tables = _tables(contestants["ciogen"], quick)
        log("== generated tests")
        tests = footprint_tests.measure(work, tests_n)
        del big_schema
        return {
            "quick": quick,
            # When and under what load: the report prints them (a re-render keeps them).
            "finished": f"{_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M} UTC",
            "load_1min": [load_before, os.getloadavg()[0]],
            "cores": os.cpu_count(),
            "n": n,
            "imports": imports,
            "generation": generation,
            "typed_call": call,
            "tables": tables,
            "generated_tests": tests,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(
    argv: list[str] | None = None, write: Callable[[dict[str, Any]], None] | None = None
) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes, one repetition, no docs")
    p.add_argument("--results", default=RESULTS)
    p.add_argument("--from-results", action="store_true", help="only re-render BENCHMARKS.md")
    p.add_argument(
        "--only",
        choices=["tests", "repo-imports"],
        help="re-measure one figure (the generated tests of a 40-event plan, or 1 with"
        " --quick; or the imports of this repo's package) into the results file, keep the"
        " others, and re-render",
    )
    a = p.parse_args(argv)
    if a.from_results or a.only:
        with open(a.results) as f:
            results = json.load(f)
    if a.only:
        work = peers.scratch()
        try:
            if a.only == "tests":
                results["generated_tests"] = footprint_tests.measure(work, 1 if a.quick else 40)
            else:
                reps = 1 if a.quick else REPO_IMPORT_REPS
                results["imports"]["repo"] = _repo_imports(work, reps)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        with open(a.results, "w") as f:
            json.dump(results, f, indent=1)
    elif not a.from_results:
        results = run(a.quick)
        os.makedirs(os.path.dirname(a.results), exist_ok=True)
        with open(a.results, "w") as f:
            json.dump(results, f, indent=1)
    if write is not None:
        write(results)
    elif not a.quick:
        report_footprint.update(MD, results)
    for t in report_footprint.targets(results):
        log(f"  {t['met']!s:<6} {t['target']}: {t['measured']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
